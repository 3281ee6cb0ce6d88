"""The timeline tab: a Gantt chart of the weekend with a now-line, baseline against forecast.

Each task is one row. A cell's upper half is the baseline (grey) and its lower half the
forecast (coloured by status), so one character shows both: ``▀`` with a foreground for the
baseline and a background for the forecast. Built on Textual's line API: only the visible
rows are rendered, so a 2,000-task runbook scrolls smoothly.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from runbook.planning.timeline import Scale, ticks
from runbook.weekend.forecast import Snapshot
from runbook.weekend.rehearsal import REHEARSAL
from runbook.weekend.views.rehearsal import runbook_scale

LABEL = 26
BASE = Style.parse("grey50")
FORECAST = {
    "pending": "steel_blue",
    "ready": "cyan",
    "scheduled": "dark_cyan",
    "running": "blue",
    "failed": "red",
    "done": "green",
    "skipped": "yellow",
    "suspended": "magenta",
}
CRITICAL = "red3"


class Timeline(ScrollView, can_focus=True):
    """Baseline (upper half) against forecast (lower half) for every task, with now."""

    DEFAULT_CSS = """
    Timeline { height: 1fr; }
    """

    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True, init=False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.snap: Snapshot | None = None
        self._rows: list[int] = []
        self._cells = 60
        self._cache: dict[int, Strip] = {}
        self._axis_rows = 2

    def watch_snapshot(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            self.show(snapshot)

    def show(self, snap: Snapshot) -> None:
        """Redraw from a snapshot (rows in forecast start order)."""
        self.snap = snap
        # By the forecast's figures (a stable sort: ties in task order), building no state.
        self._rows = sorted(range(len(snap.figures.start)), key=snap.figures.start.__getitem__)
        self._cells = max(20, self.size.width - LABEL - 2)
        self._cache = {}
        # The axis: the days and hours, on a rehearsal the runbook's beneath, then the marks.
        self._axis_rows = 3 if snap.plan.offset else 2
        self.virtual_size = Size(LABEL + self._cells, len(self._rows) + self._axis_rows)
        self.refresh()

    def on_resize(self) -> None:
        if self.snap is not None:
            self.show(self.snap)

    def _scale(self, snap: Snapshot) -> Scale:
        plan = snap.plan
        end = max(plan.finish, snap.forecast_finish, plan.deadline or plan.finish, snap.now)
        start = min(plan.start, snap.now)
        return Scale(start, end + max(60, (end - start) // 60), self._cells)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = y + scroll_y
        width = self.size.width
        snap = self.snap
        if snap is None:
            return Strip.blank(width)
        strip = self._cache.get(row)
        if strip is None:
            strip = self._cache[row] = self._line(snap, row)
        return strip.crop(scroll_x, scroll_x + width)

    def _line(self, snap: Snapshot, row: int) -> Strip:
        scale = self._scale(snap)
        cells = self._cells
        now_cell = scale.cell(snap.now)
        deadline = snap.plan.deadline
        deadline_cell = scale.cell(deadline) if deadline is not None else None
        axis = self._axis_rows
        if row < axis:
            return self._axis(snap, scale, row)
        if row - axis >= len(self._rows):
            return Strip.blank(LABEL + cells)
        index = self._rows[row - axis]
        state = snap.tasks[index]
        task = snap.plan.tasks[index]
        label = f" {task.id}"[: LABEL - 1].ljust(LABEL)
        segments = [
            Segment(label, Style(bold=state.critical, color="red" if state.critical else None))
        ]
        base = (state.planned_start, state.planned_finish)
        b_first = b_last = f_first = f_last = -1
        if base[0] is not None and base[1] is not None:
            b_first, n = scale.span(base[0], base[1])
            b_last = b_first + n - 1
        f_first, n = scale.span(state.forecast_start, state.forecast_finish)
        f_last = f_first + n - 1
        colour = (
            CRITICAL
            if state.critical and state.status not in ("done", "skipped")
            else (FORECAST[state.status])
        )
        for c in range(cells):
            in_base = b_first <= c <= b_last
            in_fore = f_first <= c <= f_last
            if in_base and in_fore:
                segments.append(Segment("▀", Style(color="grey50", bgcolor=colour)))
            elif in_base:
                segments.append(Segment("▀", BASE))
            elif in_fore:
                segments.append(Segment("▄", Style(color=colour)))
            elif c == now_cell:
                segments.append(Segment("│", Style(color="yellow", bold=True)))
            elif c == deadline_cell:
                segments.append(Segment("┆", Style(color="red")))
            else:
                segments.append(Segment(" "))
        return Strip(segments, LABEL + cells).simplify()

    def _axis(self, snap: Snapshot, scale: Scale, row: int) -> Strip:
        """A line of the axis: the days and hours (on a rehearsal, its own; then the
        runbook's, in yellow), and last the marks with now."""
        cells = self._cells
        line = [" "] * cells
        marks = row == self._axis_rows - 1
        # The second line of a rehearsal's axis: the runbook's days and hours.
        runbook = runbook_scale(snap.plan, scale) if row == 1 and not marks else None
        for tick in ticks(runbook or scale, snap.plan.zone, min_gap=7):
            if not marks:
                label = tick.label
                if tick.cell + len(label) <= cells and all(
                    ch == " " for ch in line[tick.cell : tick.cell + len(label) + 1]
                ):
                    line[tick.cell : tick.cell + len(label)] = label
            else:
                line[tick.cell] = "┃" if tick.major else "╵"
        head, head_style = " ", Style(dim=True)
        style = Style(bold=not marks, dim=marks)
        if marks:
            line[scale.cell(snap.now)] = "▼"
            head = " ▀ baseline ▄ forecast ▼now"
        elif runbook is not None:
            head, head_style = " in the runbook", Style(color="yellow")
            style = head_style
        elif snap.plan.offset:
            head, head_style = f" {REHEARSAL}", Style(bold=True)
        return Strip(
            [
                Segment(head[:LABEL].ljust(LABEL), head_style),
                Segment("".join(line), style),
            ],
            LABEL + cells,
        )
