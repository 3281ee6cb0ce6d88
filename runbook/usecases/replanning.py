"""Replanning, without recording: what pulling tasks forward would gain, the weekend as it
would be with some changes (the what-if), and which optional work to drop to land in time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from runbook.format.durations import FUTURE
from runbook.usecases.resolving import Resolving
from runbook.weekend.closing import close_in_force
from runbook.weekend.forecast import PullForward, Snapshot, fold, pull_forward

if TYPE_CHECKING:
    from runbook.weekend.recover import Recovery
    from runbook.weekend.replan import WhatIf


class Replanning(Resolving):
    """Asking what could change, writing nothing."""

    def pull_forward(self, snap: Snapshot) -> list[PullForward]:
        """Tasks that only their ``not_before`` holds back."""
        return pull_forward(snap)

    def what_if(self, specs: Sequence[str], now: int | None = None) -> WhatIf:
        """The weekend now, and as it would be with the changes ``specs`` describe (in the
        grammar of ``runbook.weekend.replan``), checked by the same rules as recording them;
        nothing is written. A spec that cannot be read or recorded raises, naming it."""
        from runbook.weekend import replan

        now = self.now() if now is None else now
        parsed = [replan.parse_spec(text, i) for i, text in enumerate(specs, 1)]
        before = self.snapshot(now)
        imagined = replan.imagine(
            self.plan,
            before.baseline,
            before.records,
            before.now,  # a closed weekend stands at its close
            parsed,
            resolve=self.resolve,
            read_time=lambda text: self.read_time(text, what="the time", side=FUTURE),
        )
        return replan.WhatIf(before, imagined.snapshot, list(imagined.changes))

    def recover(self, now: int | None = None) -> Recovery:
        """The recovery options at ``now``: which optional work not started to drop to land
        inside the deadline (and every gate's point of no return); nothing is written."""
        from runbook.weekend.recover import recover

        now = self.now() if now is None else now
        records, runbook_events = fold(self.events(now))
        baseline, event = self.baseline_of(runbook_events)
        self.note_changed_runbook(event)
        closed = close_in_force(runbook_events)
        return recover(self.plan, baseline, records, now if closed is None else min(now, closed.at))
