"""Recording check-ins: start, done, fail, skip, undo, a note, and the revisions (an eta, an
estimate, a pull), each checked by the rules inside the write that records it; and asking
before confirming whether one would be refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from runbook.common.errors import InputError, Refused
from runbook.store import checkpoint
from runbook.usecases.opening import epoch
from runbook.usecases.writing import Writing
from runbook.weekend import rules
from runbook.weekend.checkin import CheckIn
from runbook.weekend.closing import close_in_force
from runbook.weekend.events import (
    CHECK_IN_KINDS,
    REASON_KINDS,
    REVISION_KINDS,
    Event,
    EventKind,
    NewEvent,
)
from runbook.weekend.forecast import TaskRecord, apply_event


class CheckingIn(Writing):
    """Checking tasks in and out, and revising them, under the check-in rules."""

    def would_refuse(
        self, kind: str, task_id: str, *, at: datetime | None = None, value: int | None = None
    ) -> Refused | None:
        """Why ``record(kind, [task_id], at=at)`` would be refused, asked before confirming:
        the same rules, on the events as they are now, writing nothing. A time that cannot be
        recorded at all (in the future) raises InputError, as ``record`` does."""
        now = self.now()
        when = now if at is None else epoch(at)
        rules.not_future(self.plan, when, now)
        far = rules.near_weekend(self.plan, when) if at is not None else None
        if far is not None:
            return self._far_for_this_user(far)
        task_id = self.resolve(task_id)
        records: dict[str, TaskRecord] = {}
        runbook_events: list[Event] = []
        if self.store is not None:
            # Read like a check-in reads (from the checkpoint), without its write lock:
            # ``record`` checks again under the lock, so a check-in in between is still caught.
            (records, runbook_events), _, _ = checkpoint.load(self.store, self.folding)
        plan = self.plan_in_force(records)
        found = rules.with_close(
            rules.refusal(
                plan, kind, task_id, records.get(task_id, TaskRecord()), records, when, value
            ),
            rules.after_close(self.plan, kind, when, close_in_force(runbook_events)),
        )
        return None if found is None else self._for_this_user(found)

    def record(
        self,
        kind: str,
        ids: Sequence[str],
        *,
        actor: str,
        host: str,
        at: datetime | None = None,
        note: str | None = None,
        force: bool = False,
        value: int | None = None,
        dropped: bool = False,
    ) -> CheckIn:
        """Check tasks in or out (``start``, ``done``, ``fail``, ``skip``, ``undo``,
        ``note``), or revise them (``eta``, ``estimate``, ``pull``, saying ``value``: the
        eta, the estimate in seconds, the time pulled to or None), applying the rules; each
        refusal names its reason, and ``force`` records the override instead (a revision is
        never forced). Refused ids record nothing; the others are recorded together.
        ``dropped`` (with ``skip``): the work is dropped for time, a decision that sends it
        to aftercare (``runbook drop``); a must-have is dropped only with ``force``."""
        revision = kind in REVISION_KINDS
        if kind not in CHECK_IN_KINDS and not revision:
            raise InputError(f"unknown kind of check-in '{kind}'")
        if dropped and kind != EventKind.SKIP:
            raise InputError(f"only a skip can be a drop, not '{kind}'")
        self._writable()
        now = self.now()
        when = now if at is None else epoch(at)
        rules.not_future(self.plan, when, now)
        reasoned = kind in REASON_KINDS or kind == EventKind.UNDO or revision  # --reason
        rules.check_entry(actor, note, "--reason" if reasoned else "the note")
        far = self._far_from_weekend(when, at is not None, force)
        if kind in REASON_KINDS and not (note and note.strip()):
            raise InputError(f"`runbook {kind}` needs --reason: say why, for the log")
        if kind == EventKind.NOTE and not (note and note.strip()):
            raise InputError("the note is empty")
        resolved = [self.resolve(given) for given in ids]

        def once(key: str) -> CheckIn:
            return self._record_once(
                kind,
                resolved,
                key,
                actor=actor,
                host=host,
                when=when,
                now=now,
                note=note,
                force=force,
                value=value,
                dropped=dropped,
                far=far,
            )

        def found(events: list[Event]) -> CheckIn:
            with self._writable().write():  # read as a check-in reads, for the line after it
                (records, runbook_events), _, _ = checkpoint.load(self._writable(), self.folding)
            result = CheckIn(kind=kind, now=now, already_recorded=events[0].seq)
            result.events = [e for e in events if e.kind == kind]
            result.baseline = next((e for e in events if e.kind == EventKind.BASELINE), None)
            result.records = records
            result.plan = self.plan_in_force(records)
            result.closed = close_in_force(runbook_events)
            result.baseline_plan, _ = self.baseline_of(runbook_events)
            return result

        result = self._idempotent(once, found)
        result.refused = [(t, self._for_this_user(r)) for t, r in result.refused]
        self.note_store()  # an event the check-in could not read is named
        return result

    def _record_once(
        self,
        kind: str,
        resolved: Sequence[str],
        key: str,
        *,
        actor: str,
        host: str,
        when: int,
        now: int,
        note: str | None,
        force: bool,
        value: int | None,
        dropped: bool,
        far: str | None = None,
    ) -> CheckIn:
        """One attempt at recording a check-in, its events carrying the idempotency key
        (``far``: the refusal of a time far from the weekend, which ``force`` overrode)."""
        revision = kind in REVISION_KINDS
        store = self._writable()
        result = CheckIn(kind=kind, now=now)
        with store.write():
            store.claim(self.plan.name)
            # Only the events after the checkpoint are read and folded: a check-in's cost
            # does not grow with the log.
            (records, runbook_events), covered, last = checkpoint.load(store, self.folding)
            if not any(e.kind == EventKind.BASELINE for e in runbook_events):
                result.baseline = self._take_baseline(
                    store, actor, host, now, "first check-in", key=f"{key}/baseline"
                )
                runbook_events.append(result.baseline)
                last = result.baseline.seq
            closed = close_in_force(runbook_events)
            after_close = rules.after_close(self.plan, kind, when, closed)
            plan = self.plan_in_force(records)  # a rollback's tasks, once it started
            for task_id in resolved:
                if task_id not in plan.index:  # its rollback was undone since it was resolved
                    result.refused.append(
                        (task_id, Refused(f"{task_id} is not a task now", forceable=False))
                    )
                    continue
                record = records.setdefault(task_id, TaskRecord())
                refused = rules.refusal(plan, kind, task_id, record, records, when, value)
                must = rules.drop_refusal(plan, task_id) if dropped else None
                data: dict[str, object] = {"dropped": True} if dropped else {}
                # Every rule a forced check-in passes, as the user was told each.
                overrode = rules.overridden((after_close, refused, must), far)
                refused = rules.with_close(refused or must, after_close)
                if refused is not None and (not force or not refused.forceable):
                    result.refused.append((task_id, refused))
                    continue
                data.update(overrode)
                if kind == EventKind.UNDO:
                    data["undoes"] = record.history[-1].seq
                    result.undone.append(record.history[-1])
                elif revision:
                    from runbook.weekend.replan import revision_data

                    data.update(revision_data(kind, value))
                event = store.append(
                    NewEvent(
                        when,
                        task_id,
                        kind,
                        actor,
                        host,
                        note,
                        data or None,
                        idem=f"{key}/{task_id}",
                    ),
                    recorded=now,
                )
                apply_event(record, event)
                result.events.append(event)
                last = event.seq
            checkpoint.refresh(store, (records, runbook_events), covered, last, self.folding)
            self._publish_figures(store, records, runbook_events, last, now)
        result.records = records
        result.closed = closed
        result.plan = plan
        result.baseline_plan, _ = self.baseline_of(runbook_events)
        return result
