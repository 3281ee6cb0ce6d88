"""The use cases that complete the weekend's record: a lesson learned (``runbook lesson``) and
an aftercare item's handover (``runbook aftercare``), each an event, with the checks both
faces share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from runbook.common.errors import InputError, InvalidRunbook, Refused
from runbook.common.text import entry_problem
from runbook.planning.plan import Plan
from runbook.weekend import rules
from runbook.weekend.aftercare import handover_data
from runbook.weekend.eventdata import ID_LIMIT
from runbook.weekend.events import FINISHED, Event, EventKind, NewEvent
from runbook.weekend.forecast import snapshot
from runbook.weekend.revision import Changes, Effect, changes, effect
from runbook.weekend.usecases import Weekend


def record_lesson(
    weekend: Weekend,
    text: str,
    *,
    actor: str,
    host: str,
    task: str | None = None,
    team: str | None = None,
) -> Event:
    """Record a lesson learned, about a task (``task``), a team (``team``) or the weekend;
    anyone may, at any moment (during the weekend, or at the review meeting)."""
    if not text.strip():
        raise InputError("the lesson is empty: say what was learned")
    rules.check_entry(actor, text, "the lesson")
    task_id = weekend.resolve_recorded(task) if task is not None else None
    data = {"team": weekend.resolve_team(team)} if team is not None else None
    return weekend._append(
        NewEvent(weekend.now(), task_id, EventKind.LESSON, actor, host, text, data)
    )


def hand_over(
    weekend: Weekend,
    task: str,
    *,
    actor: str,
    host: str,
    owner: str | None = None,
    due: datetime | None = None,
    ticket: str | None = None,
    note: str | None = None,
) -> Event:
    """Record an aftercare item's handover: the team that takes it over, when it is due, the
    service desk's ticket, a note; only the fields given change. A task that is not on the
    aftercare list (done, or skipped as not needed) is refused."""
    if owner is None and due is None and ticket is None and note is None:
        raise InputError(
            "say what to record: --owner TEAM, --due DATE, --ticket REF or --note TEXT"
        )
    rules.check_entry(actor, note, "--note")
    if ticket is not None:
        problem = entry_problem(ticket, limit=ID_LIMIT, one_line=True)
        if problem is not None or not ticket.strip():
            raise InputError(f"--ticket {problem or 'is empty'}")
    task_id = weekend.resolve(task)
    state = weekend.snapshot().by_id(task_id)
    if state.status in FINISHED and not state.dropped:
        raise Refused(
            f"{task_id} is {state.status}: it is not on the aftercare list",
            hint="the list holds the work not finished and the work dropped for time "
            "(`runbook aftercare` shows it)",
            forceable=False,
        )
    team = weekend.resolve_team(owner) if owner is not None else None
    when = None if due is None else int(due.timestamp())
    data = handover_data(team, when, ticket.strip() if ticket is not None else None)
    return weekend._append(
        NewEvent(weekend.now(), task_id, EventKind.AFTERCARE, actor, host, note, data or None)
    )


@dataclass
class Revised:
    """A revision of the runbook: the version in force and the edited file's plan, what
    changed and what it does to the weekend now; ``event`` once recorded (None: a dry run)."""

    number: int  # the new version's number
    before: Plan
    after: Plan
    changes: Changes
    effect: Effect
    event: Event | None = None


def revise(
    weekend: Weekend,
    *,
    actor: str,
    host: str,
    reason: str | None = None,
    dry_run: bool = False,
) -> Revised:
    """Record the runbook file as the new version in force (``runbook revise``): mission
    control's. An invalid file is refused with its located problems (the version in force
    stays); one that is the version in force already is refused. ``dry_run``: say what it
    changes and does to the forecast and the points of no return, recording nothing."""
    from runbook.format.source import read_bytes
    from runbook.validation.validate import validate_bytes

    rules.check_entry(actor, reason, "--reason")
    if weekend.store is None or not weekend.versions:
        raise Refused(
            "nothing was recorded yet: until the first check-in the runbook file is the plan, "
            "and an edit needs no revision",
            forceable=False,
        )
    latest = weekend.versions[-1]
    data = read_bytes(weekend.runbook_path)
    result = validate_bytes(data, source=str(weekend.runbook_path), warnings=False)
    if result.plan is None:
        raise InvalidRunbook(result.problems, source=str(weekend.runbook_path))
    after = result.plan
    if after.digest == latest.digest:
        raise Refused(
            f"{weekend.runbook_path} is runbook version {latest.number}, in force already: "
            "nothing to record",
            forceable=False,
        )
    if after.name != weekend.plan.name:
        raise Refused(
            f"{weekend.runbook_path} is the runbook '{after.name}', not '{weekend.plan.name}': "
            "a revision keeps the runbook's name",
            forceable=False,
        )
    before = weekend.plan
    now = weekend.now()
    found = changes(before, after)
    was = weekend.snapshot(now)
    moved = effect(was, snapshot(after, was.baseline, was.records, now, was.closed))
    revised = Revised(latest.number + 1, before, after, found, moved)
    if dry_run:
        return revised
    store = weekend._writable()
    data_of = {"digest": after.digest, "previous": latest.digest, "summary": found.summary}

    def once(key: str) -> Event:
        store = weekend._writable()
        with store.write():
            store.claim(weekend.plan.name)
            event = store.append(
                NewEvent(now, None, EventKind.REVISE, actor, host, reason, data_of, idem=key),
                recorded=now,
            )
            store.save_plan(after.digest, after.dumps(), created=now)
            return event

    assert store is not None
    revised.event = weekend._idempotent(once, lambda events: events[0])
    weekend.adopt(revised.event)
    return revised
