"""The task table: every task, sortable and filterable, updated cell by cell."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from runbook.tui.widgets.rows import (
    COLUMN_KEYS,
    COLUMNS,
    SORTS,
    dated,
    sort_value,
    task_row,
    widths,
)
from runbook.weekend.filters import TaskFilter
from runbook.weekend.forecast import Snapshot, TaskState, overrun

FIRST_ROWS = 60  # rows after the first unfinished task added at once: the first screen
CHUNK_ROWS = 100  # then the rest this many at a time (a few tens of ms of work each)
FILL_START_S = 0.1  # after the first screen has been drawn, before the filling starts
FILL_PAUSE_S = 0.05  # between chunks: the dashboard idles, draws, polls and takes keys
# Below this many columns (the dashboard's narrow layout) the table opens with what matters
# now (failed, running, ready, late); wider, in the order of the weekend at now.
NOW_ORDER_BELOW = 100


def _signature(cell: Text) -> tuple[object, ...]:
    """What a cell looks like (rich's Text equality ignores the base style)."""
    return cell.plain, str(cell.style), tuple(cell.spans)


# A task's row as last formatted: what it was formatted from, its cells, their signatures.
_Memo = tuple[tuple[object, ...], tuple[Text, ...], tuple[tuple[object, ...], ...]]


def _row_key(snap: Snapshot, state: TaskState, with_date: bool) -> tuple[object, ...]:
    """Everything a task's row is formatted from (``task_row``): equal keys, equal rows."""
    return (
        snap.plan,  # the runbook (titles, teams, phases), by identity
        with_date,
        state.status,
        state.forced,
        state.late,
        state.critical,
        state.float,
        state.actual_start,
        state.actual_finish,
        state.forecast_start,
        state.forecast_finish,
        state.planned_start,
        state.planned_finish,
        state.status in ("running", "failed") and overrun(snap, state.index) > 0,
        state.eta,  # the revision markers: an eta, a pull or an estimate may move no time
        state.pulled,
        state.revised_duration,
        state.dropped,
    )


def _first_open(snap: Snapshot, order: list[str]) -> int:
    """The position in ``order`` of the first task not finished (0 when there is none)."""
    finished = {s.id for s in snap.tasks if s.status in ("done", "skipped")}
    return next((i for i, task_id in enumerate(order) if task_id not in finished), 0)


class TaskTable(DataTable[object]):
    """Tasks as rows keyed by task id. ``show`` redraws only the cells that changed, keeps
    the selected task selected, and rebuilds rows only when the filter or sort changes."""

    DEFAULT_CSS = """
    TaskTable { height: 1fr; scrollbar-size-vertical: 1; }
    """

    # Set again after a sort or filter change: redraw from the same snapshot.
    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True, init=False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.filter = TaskFilter()
        self.sort_column: str | None = None  # None: the terminal's default (``sort_key``)
        self.sort_reverse = False
        self._cells: dict[str, tuple[tuple[object, ...], ...]] = {}
        self._order: list[str] = []  # every row's task, in order (added or still to add)
        self._filled = 0  # how many of them are in the table so far
        self._fill_generation = 0
        self._memo: dict[str, _Memo] = {}
        self._snap: Snapshot | None = None  # the last shown, and how its times are written
        self._with_date = False
        self._columns_dated = False
        self._sorted_by = ""  # the order the rows were last sorted in
        self._states: dict[str, TaskState] = {}
        self.cells_updated = 0  # for tests and the benchmark: work done by the last show()

    def on_mount(self) -> None:
        self._add_columns(dated=False)

    def _add_columns(self, *, dated: bool) -> None:
        """The columns, wide enough for times written with (or without) a date."""
        fixed = widths(dated)
        for key, label in COLUMNS:
            self.add_column(label, key=key, width=fixed.get(key))
        self._columns_dated = dated

    @property
    def sort_key(self) -> str:
        """What the rows are sorted by: the one chosen, or by default what matters now on a
        narrow terminal and the weekend's order (the ``when`` column) on a wider one."""
        if self.sort_column is not None:
            return self.sort_column
        return "now" if self.app.size.width < NOW_ORDER_BELOW else "when"

    def on_resize(self) -> None:
        if self._snap is not None and self.sort_key != self._sorted_by:
            self.show(self._snap)  # the default order is another at this width

    @property
    def selected_task(self) -> str | None:
        """The id of the task under the cursor."""
        if not self._order or self.cursor_row < 0 or self.cursor_row >= len(self._order):
            return None
        return self._order[self.cursor_row]

    def watch_snapshot(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            self.show(snapshot)

    def show(self, snap: Snapshot) -> None:
        """Bring the table up to date with a snapshot."""
        selected = self.selected_task
        with_date = dated(snap)
        if with_date != self._columns_dated:  # longer times: wider columns, every row again
            self.clear(columns=True)
            self._add_columns(dated=with_date)
            self._order, self._filled, self._cells = [], 0, {}
            selected = None
        visible = [s for s in snap.tasks if self.filter.matches(snap.plan, s)]
        key = self._sorted_by = self.sort_key
        visible.sort(key=lambda s: (sort_value(snap, s, key), s.index), reverse=self.sort_reverse)
        order = [s.id for s in visible]
        if self._snap is not None and self._snap.plan is not snap.plan:
            self._memo = {}  # another runbook: every row formatted afresh
        self._snap, self._with_date = snap, with_date
        self._states = {s.id: s for s in visible}
        updated = 0
        first_show = not self._order and bool(order)
        if order != self._order:
            # Filter, sort or the set of tasks changed: rebuild (not on a plain event). The
            # rows up to the first unfinished task and a screenful after it first; the rest
            # a chunk at a time, the dashboard live in between.
            self.clear()
            self._order, self._filled, self._cells = order, 0, {}
            self._fill_generation += 1
            self._fill_to(min(len(order), _first_open(snap, order) + FIRST_ROWS))
            if self._filled < len(order):  # once what is there now has been drawn
                generation = self._fill_generation
                self.call_after_refresh(self._fill_later, generation, FILL_START_S)
            updated = len(order) * len(COLUMN_KEYS)
        else:
            for task_id in order[: self._filled]:  # rows not added yet are added as they are
                _, row, new = self._row(task_id)
                old = self._cells.get(task_id)
                if old == new:
                    continue
                for i, key in enumerate(COLUMN_KEYS):
                    if old is None or old[i] != new[i]:
                        self.update_cell(task_id, key, row[i])
                        updated += 1
                self._cells[task_id] = new
        self.cells_updated = updated
        if selected is not None:
            self.select(selected)
        elif first_show:
            self.open_at_now(snap)

    def _row(self, task_id: str) -> _Memo:
        """A task's row in the last snapshot, formatted again only when what it shows may
        have changed (a row is formatted when it is added or could have changed, not for
        every task on every event)."""
        assert self._snap is not None
        inputs = _row_key(self._snap, self._states[task_id], self._with_date)
        known = self._memo.get(task_id)
        if known is None or known[0] != inputs:
            row = task_row(self._snap, self._states[task_id], dated=self._with_date)
            known = self._memo[task_id] = (inputs, row, tuple(map(_signature, row)))
        return known

    def _fill_to(self, end: int) -> None:
        """Add the rows of ``self._order`` up to ``end`` that are not in the table yet."""
        for task_id in self._order[self._filled : end]:
            _, row, marks = self._row(task_id)
            self.add_row(*row, key=task_id)
            self._cells[task_id] = marks
        self._filled = max(self._filled, end)

    def _fill_later(self, generation: int, pause: float = FILL_PAUSE_S) -> None:
        """Add the next chunk of rows soon, and so on until every row is in (a rebuild since
        then starts its own filling: this one stops)."""

        def more() -> None:
            if generation != self._fill_generation:
                return
            self._fill_to(min(len(self._order), self._filled + CHUNK_ROWS))
            if self._filled < len(self._order):
                self._fill_later(generation)

        self.set_timer(pause, more)

    @property
    def filling(self) -> bool:
        """Whether rows are still being added after a rebuild."""
        return self._filled < len(self._order)

    def open_at_now(self, snap: Snapshot) -> None:
        """Select the first task not finished yet and scroll it to the top, so what runs,
        is ready or is late shows without scrolling past the finished ones."""
        row = _first_open(snap, self._order)
        self.move_cursor(row=row, animate=False, scroll=False)
        self.call_after_refresh(self.scroll_to, y=row, animate=False, immediate=True)

    def select(self, task_id: str) -> bool:
        """Move the cursor to a task; False when the filter hides it."""
        if task_id in self._states and self.filling:  # shown, but its row not added yet
            self._fill_to(self._order.index(task_id) + 1)
        try:
            row = self.get_row_index(task_id)
        except RowDoesNotExist:
            return False
        if row != self.cursor_row:
            self.move_cursor(row=row, animate=False)
        return True

    def sort_by(self, column: str) -> None:
        """Sort by a column; the same column again reverses the order."""
        if column == self.sort_key:
            self.sort_column, self.sort_reverse = column, not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False

    def next_sort(self) -> str:
        """Sort by the next order (what matters now, then each column, ascending); returns
        its key."""
        self.sort_column = SORTS[(SORTS.index(self.sort_key) + 1) % len(SORTS)]
        self.sort_reverse = False
        return self.sort_column
