"""The use cases that complete the weekend's record: a lesson learned (``runbook lesson``) and
an aftercare item's handover (``runbook aftercare``), each an event, with the checks both
faces share."""

from __future__ import annotations

from datetime import datetime

from runbook.common.errors import InputError, Refused
from runbook.common.text import entry_problem
from runbook.weekend import rules
from runbook.weekend.aftercare import handover_data
from runbook.weekend.eventdata import ID_LIMIT
from runbook.weekend.events import FINISHED, Event, EventKind, NewEvent
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
