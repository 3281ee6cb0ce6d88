"""The use cases that complete the weekend's record: a lesson learned (``runbook lesson``), an
aftercare item's handover (``runbook aftercare``), each an event, and a revision of the
runbook (``runbook revise``), the version in force from then on; with the checks both faces
share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from runbook.common.errors import InputError, InvalidRunbook, Refused
from runbook.common.text import entry_problem
from runbook.planning.plan import Plan
from runbook.usecases.writing import Writing
from runbook.weekend import rules
from runbook.weekend.eventdata import ID_LIMIT
from runbook.weekend.events import FINISHED, Event, EventKind, NewEvent
from runbook.weekend.forecast import snapshot

if TYPE_CHECKING:  # revisions and the handover: imported where recorded, not by a check-in
    from runbook.weekend.revision import Changes, Effect


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


class Recording(Writing):
    """Completing the weekend's record: lessons, the aftercare handover, revisions."""

    def record_lesson(
        self,
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
        task_id = self.resolve_recorded(task) if task is not None else None
        data = {"team": self.resolve_team(team)} if team is not None else None
        return self._append(
            NewEvent(self.now(), task_id, EventKind.LESSON, actor, host, text, data)
        )

    def hand_over(
        self,
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
        task_id = self.resolve(task)
        state = self.snapshot().by_id(task_id)
        if state.status in FINISHED and not state.dropped:
            raise Refused(
                f"{task_id} is {state.status}: it is not on the aftercare list",
                hint="the list holds the work not finished and the work dropped for time "
                "(`runbook aftercare` shows it)",
                forceable=False,
            )
        team = self.resolve_team(owner) if owner is not None else None
        when = None if due is None else int(due.timestamp())
        from runbook.weekend.aftercare import handover_data

        data = handover_data(team, when, ticket.strip() if ticket is not None else None)
        return self._append(
            NewEvent(self.now(), task_id, EventKind.AFTERCARE, actor, host, note, data or None)
        )

    def revise(
        self,
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
        if self.store is None or not self.versions:
            raise Refused(
                "nothing was recorded yet: until the first check-in the runbook file is the plan, "
                "and an edit needs no revision",
                forceable=False,
            )
        latest = self.versions[-1]
        data = read_bytes(self.runbook_path)
        result = validate_bytes(data, source=str(self.runbook_path), warnings=False)
        if result.plan is None:
            raise InvalidRunbook(result.problems, source=str(self.runbook_path))
        own = result.plan  # the runbook's own, as the store keeps it
        after = self.rehearsed(own)  # on this state's date, as ``before`` is (a rehearsal)
        if after.digest == latest.digest:
            raise Refused(
                f"{self.runbook_path} is runbook version {latest.number}, in force already: "
                "nothing to record",
                forceable=False,
            )
        if after.name != self.plan.name:
            raise Refused(
                f"{self.runbook_path} is the runbook '{after.name}', not '{self.plan.name}': "
                "a revision keeps the runbook's name",
                forceable=False,
            )
        before = self.plan
        now = self.now()
        from runbook.weekend.revision import changes, effect

        found = changes(before, after)
        was = self.snapshot(now)
        moved = effect(was, snapshot(after, was.baseline, was.records, now, was.closed))
        revised = Revised(latest.number + 1, before, after, found, moved)
        if dry_run:
            return revised
        self._writable()
        data_of = {"digest": after.digest, "previous": latest.digest, "summary": found.summary}

        def once(key: str) -> Event:
            store = self._writable()
            with store.write():
                store.claim(self.plan.name)
                event = store.append(
                    NewEvent(now, None, EventKind.REVISE, actor, host, reason, data_of, idem=key),
                    recorded=now,
                )
                store.save_plan(after.digest, own.dumps(), created=now)
                return event

        revised.event = self._idempotent(once, lambda events: events[0])
        self.adopt(revised.event)
        return revised
