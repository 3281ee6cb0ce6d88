"""Recording decisions: a gate's go or no-go at one of its stages, a gate's rollback started
(or undone) after a NO-GO, a team's sign-off, a readiness item ticked off, and a new baseline
that ahead/behind is measured against.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from runbook.common.errors import InputError
from runbook.store import checkpoint
from runbook.usecases.opening import epoch
from runbook.usecases.writing import Writing
from runbook.weekend import rules
from runbook.weekend.closing import close_in_force
from runbook.weekend.events import Event, EventKind, NewEvent
from runbook.weekend.forecast import TaskRecord, apply_event

if TYPE_CHECKING:
    from runbook.planning.plan import GateInfo


class Deciding(Writing):
    """Decisions and declarations about the weekend rather than one task's work."""

    def _gate(self, gate: str) -> tuple[str, GateInfo]:
        """The gate a user named (an id or its prefix), or a plain refusal naming the gates."""
        task_id = self.resolve(gate)
        info = self.plan.gates.get(task_id)
        if info is None:
            gates = ", ".join(self.plan.gates) or "none in this runbook"
            raise InputError(f"{task_id} is not a go/no-go gate (gates: {gates})")
        return task_id, info

    def decide(
        self,
        gate: str,
        verdict: str,
        *,
        actor: str,
        host: str,
        stage: str | None = None,
        approver: str | None = None,
        note: str | None = None,
        at: datetime | None = None,
        force: bool = False,
    ) -> Event:
        """Record a go/no-go decision at a gate's stage (``at`` near the weekend, unless
        ``force``): ``approver`` said it (default: the recorder, ``actor``), at ``stage``
        (which a gate of one stage may leave out). The staged rule (``decisions``) is
        checked under the write lock, on the log as it is then: two approvers deciding at
        once never both pass it on a stale view."""
        from runbook.weekend.decisions import VERDICTS, decider, refusal, standing_of_events

        task_id, info = self._gate(gate)
        decision = VERDICTS.get(verdict.strip().casefold())
        if decision is None:
            raise InputError(f"'{verdict}' is not a decision; say go or no-go")
        rules.check_entry(actor, note, "--note")
        if approver is not None:
            rules.check_entry(approver, None, "--note")
        who = decider(info, stage, actor if approver is None else approver)
        self._writable()
        now = self.now()
        when = now if at is None else epoch(at)
        rules.not_future(self.plan, when, now)
        far = self._far_from_weekend(when, at is not None, force)

        def once(key: str) -> Event:
            store = self._writable()
            with store.write():
                store.claim(self.plan.name)
                (records, runbook_events), covered, _ = checkpoint.load(store, self.folding)
                record = records.setdefault(task_id, TaskRecord())
                standing = standing_of_events(info, record.decisions)
                closing = rules.after_close(
                    self.plan, EventKind.DECIDE, when, close_in_force(runbook_events)
                )
                ruled = refusal(standing, who, decision, self.plan.zone)
                refused = rules.with_close(ruled, closing)
                if refused is not None and (not force or not refused.forceable):
                    raise self._for_this_user(refused)
                # The approver beside the recorder; the stage when the runbook names stages
                # (without one, the whole gate's decision, as before stages).
                data: dict[str, object] = {"decision": decision, "approver": who.approver}
                if who.stage is not None:
                    data["stage"] = who.stage
                data.update(rules.overridden((closing, ruled), far))
                event = store.append(
                    NewEvent(when, task_id, EventKind.DECIDE, actor, host, note, data, idem=key),
                    recorded=now,
                )
                apply_event(record, event)
                checkpoint.refresh(
                    store, (records, runbook_events), covered, event.seq, self.folding
                )
                self._publish_figures(store, records, runbook_events, event.seq, now)
                return event

        return self._idempotent(once, lambda events: events[0])

    def rollback(
        self,
        gate: str,
        *,
        actor: str,
        host: str,
        note: str | None = None,
        at: datetime | None = None,
        force: bool = False,
        undo: bool = False,
    ) -> Event:
        """Start the gate's rollback after its NO-GO (``runbook rollback GATE``): its rollback
        tasks become tasks of the weekend and the forward work not finished is suspended;
        or, ``undo``, revoke the rollback before any of its tasks has a check-in. Checked
        under the write lock on the log as it is then (``rollbacks``)."""
        from runbook.weekend.decisions import standing_of_events
        from runbook.weekend.rollbacks import rollback_refusal, undo_refusal

        task_id, info = self._gate(gate)
        rules.check_entry(actor, note, "--reason")
        self._writable()
        now = self.now()
        when = now if at is None else epoch(at)
        rules.not_future(self.plan, when, now)
        far = self._far_from_weekend(when, at is not None, force)

        def once(key: str) -> Event:
            store = self._writable()
            with store.write():
                store.claim(self.plan.name)
                (records, runbook_events), covered, _ = checkpoint.load(store, self.folding)
                record = records.setdefault(task_id, TaskRecord())
                closing = rules.after_close(
                    self.plan, EventKind.ROLLBACK, when, close_in_force(runbook_events)
                )
                if undo:
                    ruled = undo_refusal(self.plan, task_id, records)
                else:
                    standing = standing_of_events(info, record.decisions)
                    ruled = rollback_refusal(self.plan, task_id, records, standing)
                refused = rules.with_close(ruled, closing)
                if refused is not None and (not force or not refused.forceable):
                    raise self._for_this_user(refused)
                data: dict[str, object] = {}
                if undo:
                    data["undoes"] = record.rollbacks[-1].seq
                data.update(rules.overridden((closing, ruled), far))
                kind = EventKind.UNDO if undo else EventKind.ROLLBACK
                event = store.append(
                    NewEvent(when, task_id, kind, actor, host, note, data or None, idem=key),
                    recorded=now,
                )
                apply_event(record, event)
                checkpoint.refresh(
                    store, (records, runbook_events), covered, event.seq, self.folding
                )
                self._publish_figures(store, records, runbook_events, event.seq, now)
                return event

        return self._idempotent(once, lambda events: events[0])

    def sign_off(self, team: str, *, actor: str, host: str, note: str | None = None) -> Event:
        """Record that a team declares itself ready."""
        return self._append(
            NewEvent(
                self.now(),
                None,
                EventKind.SIGNOFF,
                actor,
                host,
                note,
                {"team": self.resolve_team(team)},
            )
        )

    def check_item(
        self,
        item: str,
        *,
        actor: str,
        host: str,
        note: str | None = None,
        at: datetime | None = None,
    ) -> Event:
        """Tick off a readiness item (``at``: when it was done, if not now)."""
        when = self.now() if at is None else epoch(at)
        return self._append(
            NewEvent(
                when, None, EventKind.CHECK, actor, host, note, {"item": self.resolve_item(item)}
            )
        )

    def reset_baseline(self, *, actor: str, host: str, note: str | None = None) -> Event:
        """Measure ahead/behind against the current runbook from now on (an event)."""
        rules.check_entry(actor, note, "the note")
        self._writable()
        now = self.now()

        def once(key: str) -> Event:
            store = self._writable()
            with store.write():
                store.claim(self.plan.name)
                return self._take_baseline(
                    store, actor, host, now, note or "baseline reset", key=key
                )

        event = self._idempotent(once, lambda events: events[0])
        self.notices = [n for n in self.notices if "changed since the baseline" not in n]
        return event
