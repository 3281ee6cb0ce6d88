"""A recorded weekend played back: the clock of a replay (``runbook control --replay``), which
runs from a moment at a speed, pauses, changes speed and jumps; the dashboard reads the log
as it stood at that clock's time (``Opening.replay``), so every figure is the one the
coordinator saw then."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from runbook.weekend.events import Event

# The speeds the keys step through: real time, then faster.
SPEEDS = (1, 10, 60, 600, 3600)
DEFAULT_SPEED = 60


class ReplayClock:
    """The replayed moment: ``start`` (epoch seconds) moved on at ``speed`` times real time
    (by ``monotonic``, injected for tests) while not paused."""

    def __init__(
        self,
        start: int,
        *,
        speed: float = DEFAULT_SPEED,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if speed <= 0:
            raise ValueError("a replay's speed is more than 0")
        self._monotonic = monotonic
        self._at = float(start)
        self._since = monotonic()
        self.speed = float(speed)
        self.paused = False

    def seconds(self) -> float:
        """The replayed moment, in epoch seconds."""
        if self.paused:
            return self._at
        return self._at + (self._monotonic() - self._since) * self.speed

    def __call__(self) -> datetime:
        return datetime.fromtimestamp(int(self.seconds()), UTC)

    def _settle(self) -> None:
        self._at, self._since = self.seconds(), self._monotonic()

    def toggle(self) -> None:
        """Pause, or go on from where it stands."""
        self._settle()
        self.paused = not self.paused

    def set_speed(self, speed: float) -> None:
        """Go on at another speed from the moment reached."""
        if speed <= 0:
            raise ValueError("a replay's speed is more than 0")
        self._settle()
        self.speed = float(speed)

    def faster(self) -> None:
        """The next speed of ``SPEEDS`` (the fastest stays)."""
        self.set_speed(next((s for s in SPEEDS if s > self.speed), self.speed))

    def slower(self) -> None:
        """The speed before in ``SPEEDS`` (real time stays)."""
        self.set_speed(next((s for s in reversed(SPEEDS) if s < self.speed), self.speed))

    def jump(self, moment: int) -> None:
        """Go to ``moment``, paused or running as before."""
        self._at, self._since = float(moment), self._monotonic()

    @property
    def state(self) -> str:
        """``60×`` or ``paused``: what the header says beside REPLAY."""
        if self.paused:
            return "paused"
        return f"{self.speed:g}×"


def replay_start(plan_start: int, events: Sequence[Event]) -> int:
    """Where a replay begins when no ``--from`` is given: the first recorded event, or the
    plan's start when that is earlier (an hour before it, to see the weekend begin)."""
    first = min((e.at for e in events), default=plan_start)
    return min(first, plan_start - 3600)
