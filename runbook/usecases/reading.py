"""Reading an opened weekend: the event log (as it stood at a replayed moment), the
snapshot folded from the checkpoint, the baseline, and the notices about what was read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from runbook.format.durations import clock as show_time
from runbook.planning.plan import Plan
from runbook.store import checkpoint
from runbook.store.plancache import load_plan
from runbook.usecases.opening import Opening
from runbook.weekend import rules
from runbook.weekend.closing import close_in_force
from runbook.weekend.events import Event, EventKind
from runbook.weekend.forecast import Snapshot, TaskRecord, as_of, fold, snapshot
from runbook.weekend.rollbacks import KnownTasks, plan_with, rollback_in_force


class Reading(Opening):
    """The weekend read: its events, the snapshot (from the checkpoint when it may), the
    baseline, the close in force; and the notices about what was read."""

    def events(self, now: int | None = None) -> list[Event]:
        """The event log, oldest first. In a replay only the events that had happened by
        ``now`` (default: the clock's time): what was recorded for a later moment is left out
        (counted in ``later_events``, and said in a notice)."""
        if self.store is None:
            return []
        if not self.replay:
            events = self.store.events()
            self.note_orphans(events)
            self.note_store()
            return events
        now = self.now() if now is None else now
        kept, later = as_of(self.store.events(), now)
        self.note_later_events(later, now)
        self.note_orphans(kept)
        self.note_store()
        return kept

    def audited_events(self, now: int | None = None) -> list[Event]:
        """The event log as ``events`` gives it, each event the check-in rules refuse but
        that was recorded without force marked with the refusal (``Event.against``)."""
        return rules.audited(self.plan, self.events(now))

    def note_store(self) -> None:
        """Say what the store found reading the log (events it could not read) as notices."""
        if self.store is not None:
            self.notices.extend(n for n in self.store.notices if n not in self.notices)

    def note_later_events(self, later: int, now: int) -> None:
        """Say, as a notice, that a replay at ``now`` leaves ``later`` events out."""
        self.later_events = later
        self.notices = [n for n in self.notices if n != self.later_notice]
        self.later_notice = None
        if later:
            from runbook.common.display import count  # only for a notice: off the hot path

            taken = show_time(now, self.plan.zone, with_date=True)
            self.later_notice = f"as of {taken}; {count(later, 'later event')} not shown"
            self.notices.append(self.later_notice)

    def note_orphans(self, events: Sequence[Event]) -> None:
        """Say, as a notice, which recorded tasks are no longer in the runbook (renamed or
        removed mid-weekend): their events stay in the log, but no longer count."""
        known = KnownTasks(self.plan)  # a rollback task is no orphan, run or not
        counts = Counter(e.task for e in events if e.task is not None and e.task not in known)
        self.notices = [n for n in self.notices if not n.startswith(_ORPHANS)]
        if counts:
            from runbook.common.display import count  # only for a notice: off the hot path

            listed = ", ".join(
                f"{task} ({count(n, 'event')})" for task, n in sorted(counts.items())
            )
            self.notices.append(_ORPHANS + listed)

    def baseline_of(self, runbook_events: Sequence[Event]) -> tuple[Plan, Event | None]:
        """The plan ahead/behind is measured against, and the event that set it."""
        for event in reversed(runbook_events):
            if event.kind == EventKind.BASELINE and self.store is not None:
                digest = event.data.get("digest")
                if digest == self.plan.digest:
                    return self.plan, event
                text = self.store.plan_text(str(digest)) if digest else None
                plan = load_plan(self.store, text) if text else None
                if plan is not None:
                    return self.rehearsed(plan), event
        return self.plan, None

    def snapshot(self, now: int | None = None) -> Snapshot:
        """Every task's state and the forecast at ``now`` (default: the clock). Folded from
        the checkpoint the check-ins keep (audited as this fold audits) and the events after
        it, so its cost does not grow with the log; a replay folds the log up to ``now``."""
        now = self.now() if now is None else now
        kept = self._from_checkpoint()
        if kept is None:
            records, runbook_events = fold(self.events(now), check=self.audit)
        else:
            records, runbook_events = kept
        snap = self.snapshot_of(records, runbook_events, now)
        snap.later_events = self.later_events
        return snap

    def _from_checkpoint(self) -> checkpoint.Folded | None:
        """The log folded from the store's checkpoint, for a reader (not in a replay: the
        checkpoint may hold events after the replayed moment); None when there is none it
        may use."""
        if self.store is None or self.replay:
            return None
        found = checkpoint.read(self.store, self.folding, KnownTasks(self.plan))
        if found is None:
            return None
        folded, tail = found
        self.note_orphans(tail)  # the checkpoint itself covers none (else it is not read)
        self.note_store()
        return folded

    def audit(self, event: Event, records: dict[str, TaskRecord]) -> Event:
        """``event`` as readers show it: marked when the check-in rules refuse it, given the
        records folded before it (``rules.audit``), on the plan in force then."""
        return rules.audit(self.plan_in_force(records), event, records)

    def plan_in_force(self, records: dict[str, TaskRecord]) -> Plan:
        """The plan the records meet: the runbook's, or with a rollback in force its plan
        with the rollback's tasks appended (``planning.rollback.with_rollback``). The
        baseline stays the forward plan."""
        if not self.plan.rollback:
            return self.plan
        rolling = rollback_in_force(self.plan, records)
        if rolling is None:
            return self.plan
        # By the plan too: a replay moves between versions of the runbook (``in_force_at``).
        key = (self.plan.digest, rolling.gate, rolling.event.seq)
        found = self._in_force.get(key)
        if found is None:
            found = self._in_force[key] = plan_with(self.plan, rolling)
        return found

    @property
    def folding(self) -> checkpoint.Audit:
        """How this weekend folds the log, checkpoint or not: every event audited against
        this plan (``audit``)."""
        return checkpoint.Audit(self.audit, self.plan.digest)

    def snapshot_of(
        self,
        records: dict[str, TaskRecord],
        runbook_events: Sequence[Event],
        now: int | None = None,
    ) -> Snapshot:
        """The snapshot of records already folded (a live view keeps them in memory); once
        the weekend is closed, at its close."""
        baseline, event = self.baseline_of(runbook_events)
        self.note_changed_runbook(event)
        now = self.now() if now is None else now
        plan = self.plan_in_force(records)
        return snapshot(plan, baseline, records, now, close_in_force(runbook_events))

    def note_changed_runbook(self, baseline: Event | None) -> None:
        """Add a notice when the runbook differs from the one the baseline was taken of."""
        if (
            baseline is None
            or baseline.data.get("digest") == self.plan.digest
            or self.version is not None  # a recorded version: ahead/behind is by design
        ):
            return
        taken = show_time(baseline.at, self.plan.zone, with_date=True)
        notice = (
            f"the runbook file has changed since the baseline was taken ({taken}); the "
            "forecast uses the current runbook, ahead/behind is still measured against the "
            "baseline (`runbook baseline --reset` to take a new one)"
        )
        if notice not in self.notices:
            self.notices.append(notice)

    def close_in_force(self, now: int | None = None) -> Event | None:
        """The close in force at ``now`` (default: the clock), or None while the weekend runs."""
        return close_in_force(fold(self.events(now))[1])


_ORPHANS = "events recorded for tasks no longer in the runbook: "
