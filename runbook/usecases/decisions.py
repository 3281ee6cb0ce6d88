"""Recording decisions: a gate's go or no-go, a team's sign-off, a readiness item ticked off,
and a new baseline that ahead/behind is measured against.
"""

from __future__ import annotations

from datetime import datetime

from runbook.common.errors import InputError
from runbook.usecases.opening import epoch
from runbook.usecases.writing import Writing
from runbook.weekend import rules
from runbook.weekend.events import Event, EventKind, NewEvent


class Deciding(Writing):
    """Decisions and declarations about the weekend rather than one task's work."""

    def decide(
        self,
        gate: str,
        verdict: str,
        *,
        actor: str,
        host: str,
        note: str | None = None,
        at: datetime | None = None,
        force: bool = False,
    ) -> Event:
        """Record a go/no-go decision at a gate (``at`` near the weekend, unless ``force``)."""
        from runbook.weekend.gates import DECISIONS

        task_id = self.resolve(gate)
        if task_id not in self.plan.gates:
            gates = ", ".join(self.plan.gates) or "none in this runbook"
            raise InputError(f"{task_id} is not a go/no-go gate (gates: {gates})")
        decision = DECISIONS.get(verdict.strip().casefold())
        if decision is None:
            raise InputError(f"'{verdict}' is not a decision; say go or no-go")
        when = self.now() if at is None else epoch(at)
        far = self._far_from_weekend(when, at is not None, force)
        data: dict[str, object] = {"decision": decision}
        overrode = [far] if far is not None else []
        closing = rules.after_close(self.plan, EventKind.DECIDE, when, self.close_in_force())
        if closing is not None:
            if not force:
                raise self._for_this_user(closing)
            overrode.insert(0, closing.message)
        if overrode:
            data.update(forced=True, overrode="; ".join(overrode))
        return self._append(NewEvent(when, task_id, EventKind.DECIDE, actor, host, note, data))

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
