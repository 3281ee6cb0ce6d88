"""Closing the weekend at a moment (the time worked until then is what counts), and reopening
it by undoing the close; both refused when the log says they cannot be.
"""

from __future__ import annotations

from datetime import datetime

from runbook.common.errors import Refused
from runbook.store import checkpoint
from runbook.usecases.opening import epoch
from runbook.usecases.writing import Writing
from runbook.weekend import rules
from runbook.weekend.closing import close_in_force
from runbook.weekend.events import Event, EventKind, NewEvent


class Closing(Writing):
    """Ending the weekend, and undoing its end."""

    def close_weekend(
        self,
        *,
        actor: str,
        host: str,
        note: str | None = None,
        at: datetime | None = None,
        force: bool = False,
    ) -> Event:
        """End the weekend at ``at`` (default: now): an event about no task (the note is the
        reason). A weekend already closed is refused, and so is a close before a check-in
        already recorded (the weekend ran until then); ``force`` only lets an ``at`` far from
        the weekend through, as for a check-in."""
        rules.check_entry(actor, note, "--reason")
        self._writable()
        now = self.now()
        when = now if at is None else epoch(at)
        rules.not_future(self.plan, when, now)
        far = self._far_from_weekend(when, at is not None, force)
        data = {"forced": True, "overrode": far} if far is not None else None

        def once(key: str) -> Event:
            store = self._writable()
            with store.write():
                store.claim(self.plan.name)
                (records, runbook_events), _, _ = checkpoint.load(store, self.folding)
                rules.close_refusal(self.plan, when, records, close_in_force(runbook_events))
                return store.append(
                    NewEvent(when, None, EventKind.CLOSE, actor, host, note, data, idem=key),
                    recorded=now,
                )

        return self._idempotent(once, lambda events: events[0])

    def reopen_weekend(self, *, actor: str, host: str, note: str | None = None) -> Event:
        """Revoke the close in force (``runbook close --undo``): an undo about no task that
        names it. Refused when the weekend is not closed."""
        rules.check_entry(actor, note, "--reason")
        self._writable()
        now = self.now()

        def once(key: str) -> Event:
            store = self._writable()
            with store.write():
                store.claim(self.plan.name)
                (_, runbook_events), _, _ = checkpoint.load(store, self.folding)
                closed = close_in_force(runbook_events)
                if closed is None:
                    raise Refused(
                        "the weekend is not closed: there is no close to undo", forceable=False
                    )
                return store.append(
                    NewEvent(
                        now,
                        None,
                        EventKind.UNDO,
                        actor,
                        host,
                        note,
                        {"undoes": closed.seq},
                        idem=key,
                    ),
                    recorded=now,
                )

        return self._idempotent(once, lambda events: events[0])
