"""Beginning a dress rehearsal on its own date: the state records the offset of its clock from
the runbook's, and every plan read on it moves by that offset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from runbook.common.errors import Refused
from runbook.usecases.opening import epoch
from runbook.usecases.writing import Writing
from runbook.weekend.rehearsal import begin_refusal


@dataclass(frozen=True, slots=True)
class Rehearsal:
    """A rehearsal begun (or found begun): its start, the runbook's, the offset between them,
    and whether this call recorded it."""

    start: int
    runbook_start: int
    offset: int
    recorded: bool


class Rehearsing(Writing):
    """``runbook rehearse``: a rehearsal on its own date."""

    def begin_rehearsal(self, start: datetime) -> Rehearsal:
        """Record that this state is a rehearsal whose start is ``start``: the runbook's clock
        moved by ``start`` less the runbook's start. Refused on a state that holds check-ins
        (of the weekend, or of a rehearsal on another date) and for the runbook's own start;
        the same rehearsal again records nothing."""
        self._writable()
        own_start = self.plan.start - self.offset
        offset = epoch(start) - own_start

        def once() -> bool:
            store = self._writable()
            with store.write():
                store.claim(self.plan.name)
                held = store.clock_offset()
                if held != self.offset:  # another process began one meanwhile
                    self.offset = held
                    self.plan = self.rehearsed(self.plan)
                refused: Refused | None = begin_refusal(
                    self.plan, store.events(), offset, zone_start=own_start
                )
                if refused is not None:
                    raise refused
                if held == offset:
                    return False
                store.set_clock_offset(offset)
                return True

        recorded = once()
        self.offset = offset
        self.plan = self.rehearsed(self.plan)
        return Rehearsal(self.plan.start, own_start, offset, recorded)
