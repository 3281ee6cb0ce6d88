"""Laying out a weekend on a character grid: the arithmetic behind every Gantt chart.

Pure geometry, shared by the terminal chart, the mission-control timeline and the HTML
report, so a bar is in the same place on every screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

_STEPS = (15 * 60, 30 * 60, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400)


@dataclass(frozen=True, slots=True)
class Scale:
    """Maps epoch seconds ``start``..``end`` onto ``width`` character cells."""

    start: int
    end: int
    width: int

    @property
    def per_cell(self) -> float:
        """Seconds one cell stands for."""
        return max(1, self.end - self.start) / max(1, self.width)

    def cell(self, moment: float) -> int:
        """The cell a moment falls in, clamped to the chart."""
        raw = int((moment - self.start) / self.per_cell)
        return min(max(raw, 0), self.width - 1)

    def span(self, begin: float, finish: float) -> tuple[int, int]:
        """First cell and number of cells of a bar (at least one cell)."""
        first = self.cell(begin)
        last = max(first, self.cell(finish - 1) if finish > begin else first)
        return first, last - first + 1


@dataclass(frozen=True, slots=True)
class Tick:
    """A labelled mark on the time axis."""

    cell: int
    label: str
    major: bool  # a day boundary


def ticks(scale: Scale, zone: ZoneInfo, *, min_gap: int = 6) -> list[Tick]:
    """Axis marks at local midnights (labelled with the day) and at round hours between them,
    as dense as ``min_gap`` cells between labels allows."""
    step = next((s for s in _STEPS if s / scale.per_cell >= min_gap), _STEPS[-1])
    local = datetime.fromtimestamp(scale.start, zone)
    first = local.replace(minute=0, second=0, microsecond=0)
    out: list[Tick] = []
    seconds = first.timestamp()
    while seconds <= scale.end:
        # Step in UTC so a night with a clock change still gets its ticks, once each.
        moment = datetime.fromtimestamp(seconds, zone)
        if seconds >= scale.start:
            major = moment.hour == 0 and moment.minute == 0
            minute_of_day = moment.hour * 3600 + moment.minute * 60
            if major or minute_of_day % step == 0:
                label = moment.strftime("%a") if major else moment.strftime("%H:%M")
                out.append(Tick(scale.cell(seconds), label, major))
        seconds += 900
    return out
