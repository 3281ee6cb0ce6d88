"""The task table: every task, sortable and filterable; a row is formatted when it is drawn,
and again only when what it shows changed.

At 10,000 tasks, formatting every row takes over a second, and Textual's DataTable draws every
visible cell again after any change. The table keeps the DataTable (its looks, cursor, header,
keys and scrolling) but:

- its cells are lazy (``Cell``): a row is formatted from the snapshot when it is first drawn,
  and kept until its inputs change; the width of a column that fits its content is measured
  without formatting the row;
- what an event changed is found on the forecast's per-task lists (``Snapshot.figures``), the
  records the new events touched (the live view copies a record before changing it) and the
  tasks under way (their overrun moves with the clock): only those rows are formatted again,
  and only once drawn;
- a drawn cell is kept by its row's version and position (``_render_cell``), so a change
  draws again only the rows that changed; the line offsets of the rows, all one line high,
  are computed rather than listed (``_y_offsets``);
- a new order moves the rows (``sort``) instead of adding them again.

That leans on three of DataTable's private methods (``_render_cell``,
``_compute_row_renderables`` and ``_y_offsets``), within the range of Textual that
pyproject.toml allows; tests/test_tui_table.py fails if they change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import compress
from operator import ne
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.cache import LRUCache
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable
from textual.widgets._data_table import RowRenderables
from textual.widgets.data_table import RowDoesNotExist, RowKey

from runbook.tui.widgets.rows import (
    COLUMN_KEYS,
    COLUMNS,
    SORTS,
    column_labels,
    dated,
    plan_text,
    row_cells,
    sort_keys,
    team_text,
    widths,
)
from runbook.weekend.events import UNDER_WAY
from runbook.weekend.forecast import Snapshot, TaskState
from runbook.weekend.views.filters import TaskFilter
from runbook.weekend.views.table import TaskRow, rows_of

FIRST_ROWS = 60  # rows after the first unfinished task added at once: the first screen
CHUNK_ROWS = 500  # then the rest this many at a time (a few tens of ms of work each)
FILL_START_S = 0.1  # after the first screen has been drawn, before the filling starts
FILL_PAUSE_S = 0.01  # between chunks: the dashboard idles, draws, polls and takes keys
# Below this many columns (the dashboard's narrow layout) the table opens with what matters
# now (failed, running, ready, late); wider, in the order of the weekend at now.
NOW_ORDER_BELOW = 100
# The figures a row shows (the planned start comes with the baseline, compared by identity).
ROW_FIGURES = ("status", "start", "finish", "slack", "late", "critical")
NO_CELLS = (None,) * len(COLUMNS)  # what DataTable holds of a row: it is drawn from ``Cell``s
# The columns whose width follows their content (the others have a fixed width).
FITTED = frozenset(key for key, _ in COLUMNS) - frozenset(widths(False))


def _signature(cell: Text) -> tuple[object, ...]:
    """What a cell looks like (rich's Text equality ignores the base style)."""
    return cell.plain, str(cell.style), tuple(cell.spans)


def _first_open(snap: Snapshot, order: Sequence[str]) -> int:
    """The position in ``order`` of the first task not finished (0 when there is none)."""
    index, status = snap.plan.index, snap.figures.status
    return next(
        (i for i, task_id in enumerate(order) if status[index[task_id]] not in ("done", "skipped")),
        0,
    )


def changed_rows(old: Snapshot | None, new: Snapshot) -> set[int] | None:
    """The tasks (by index) whose row may show something else in ``new`` than in ``old``:
    a figure of the forecast that differs, a record that the events since changed, a task
    under way (its overrun moves with the clock). None: every row (another runbook or
    baseline)."""
    if old is None or old.plan is not new.plan or old.baseline is not new.baseline:
        return None
    found: set[int] = set()
    for name in ROW_FIGURES:
        before, after = getattr(old.figures, name), getattr(new.figures, name)
        if before != after:  # which ones, at C speed
            found.update(compress(range(len(after)), map(ne, before, after)))
    if old.records is not new.records:
        index, before_records = new.plan.index, old.records
        for task, record in new.records.items():
            if before_records.get(task) is not record and task in index:
                found.add(index[task])
        found.update(index[t] for t in before_records.keys() - new.records.keys() if t in index)
    status = new.figures.status
    found.update(compress(range(len(status)), map(UNDER_WAY.__contains__, status)))
    return found


class Cell:
    """A cell of the task table, formatted when it is first drawn."""

    __slots__ = ("column", "table", "task")

    def __init__(self, table: TaskTable, task: str, column: int) -> None:
        self.table, self.task, self.column = table, task, column

    def text(self) -> Text:
        """The cell as the row is formatted now."""
        return self.table.row_cells(self.task)[self.column]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return self.text().__rich_console__(console, options)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = self.table.width_of(self.task, self.column)
        return Measurement(width, width)


def _placed(lines: list[list[Segment]], row: int, column: int) -> list[list[Segment]]:
    """A cell drawn elsewhere, saying (to a click) that it is at ``row`` now."""
    meta = Style.from_meta({"row": row, "column": column})
    return [
        [Segment(s.text, s.style + meta if s.style else meta, s.control) for s in line]
        for line in lines
    ]


class _RowLines(Sequence[tuple[RowKey | None, int]]):
    """The line offsets of the rows (each one line high): what is on line ``y``."""

    def __init__(self, rows: TwoWayDict[RowKey, int], count: int) -> None:
        self._rows, self._count = rows, count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, y: Any) -> Any:
        if not 0 <= y < self._count:
            raise IndexError(y)
        return self._rows.get_key(y), 0

    def __iter__(self) -> Iterator[tuple[RowKey | None, int]]:
        return ((self._rows.get_key(y), 0) for y in range(self._count))

    def clear(self) -> None:
        """Nothing to clear: computed (``DataTable.clear`` asks)."""


class TaskTable(DataTable[object]):
    """Tasks as rows keyed by task id. ``show`` formats again only the rows whose inputs
    changed (when they are drawn), keeps the selected task selected, and moves the rows when
    their order changes; a new filter or set of tasks adds them again."""

    DEFAULT_CSS = """
    TaskTable { height: 1fr; scrollbar-size-vertical: 1; }
    """

    class Filled(Message):
        """Every row is in the table, after filling it a chunk at a time."""

    # Set again after a sort or filter change: redraw from the same snapshot.
    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True, init=False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.filter = TaskFilter()
        self.sort_column: str | None = None  # None: the terminal's default (``sort_key``)
        self.sort_reverse = False
        self._order: list[str] = []  # every row's task, in order (added or still to add)
        self._indices: list[int] = []  # the same, by task index
        self._sorted: tuple[object, ...] = ()  # what ``_order`` was sorted by
        self._filled = 0  # how many of them are in the table so far
        self._fill_generation = 0
        self._snap: Snapshot | None = None  # the last shown, and how its times are written
        self._with_date = False
        self._columns_for = (False, False)  # the columns' times dated; a rehearsal's labels
        self._sorted_by = ""  # the order the rows were last sorted in
        # The rows formatted, each with what it shows (``TaskRow``: the one input its cells
        # are formatted from); ``_shows`` gives what a task's row shows at ``_snap``.
        self._memo: dict[str, tuple[TaskRow, tuple[Text, ...]]] = {}
        self._shows: Callable[[TaskState], TaskRow] | None = None
        self._widths: dict[str, dict[str, int]] = {}  # of a row's fitted cells, unformatted
        self._versions: dict[str, int] = {}  # goes up when a row's inputs change ...
        self._cell_versions: dict[tuple[str, int], int] = {}  # ... or one cell's, in sight
        self._drawn: LRUCache[tuple[object, ...], Any] = LRUCache(10_000)
        self.cells_updated = 0  # for tests and the benchmark: cells drawn again by show()
        self.rows_formatted = 0  # rows formatted since the table was made

    def on_mount(self) -> None:
        self._add_columns((False, False))

    def _add_columns(self, shape: tuple[bool, bool]) -> None:
        """The columns, wide enough for times written with (or without) a date, labelled for
        a rehearsal's state or the weekend's (``column_labels``)."""
        fixed = widths(shape[0])
        for (key, _), label in zip(COLUMNS, column_labels(rehearsal=shape[1]), strict=True):
            self.add_column(label, key=key, width=fixed.get(key))
        self._columns_for = shape

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

    # -- bringing the rows up to date ------------------------------------------------
    def show(self, snap: Snapshot) -> None:
        """Bring the table up to date with a snapshot."""
        selected = self.selected_task
        with_date = dated(snap)
        changed = changed_rows(self._snap, snap)
        if (shape := (with_date, bool(snap.plan.offset))) != self._columns_for:  # every row again
            self.clear(columns=True)
            self._add_columns(shape)
            self._order, self._filled = [], 0
            changed, selected = None, None
        if with_date != self._with_date:
            changed = None
        self._snap, self._with_date = snap, with_date
        self._shows = rows_of(snap, dated=with_date)
        updated = self._forget(snap, changed)
        first_show = not self._order
        how = (self.filter, self.sort_key, self.sort_reverse)
        if (
            changed is None
            or changed
            or how != self._sorted
            or len(self._order) != len(snap.figures.status)
        ):
            order = self._ordered(snap)
            self._sorted, self._sorted_by = how, how[1]
        else:  # nothing it sorts or filters by changed
            order = self._order
        if len(order) != len(self._order) or set(order) != set(self._order):
            self._rebuild(snap, order)  # another filter, or another set of tasks
            updated = len(order) * len(COLUMN_KEYS)
        elif order != self._order:
            if self.filling:
                self._rebuild(snap, order)
            else:
                self._move(order)
        elif changed is None:
            self._update_count += 1  # every row drawn again
            self.refresh()
        elif changed:
            self.refresh()  # the rows that changed are drawn again (``_forget``)
        self.cells_updated = updated
        if selected is not None:
            self.select(selected)
        elif first_show and order:
            self.open_at_now(snap)

    def _forget(self, snap: Snapshot, changed: set[int] | None) -> int:
        """Forget the rows formatted before that show something else now (all when
        ``changed`` is None; else only among ``changed``, by ``TaskRow``); format again those
        in sight, and count their cells that look otherwise."""
        self._widths.clear()  # a row added from now on is measured at this snapshot
        if changed is None:
            self._memo.clear()
            self._drawn.clear()
            self._versions.clear()
            self._cell_versions.clear()
            return 0
        ids, in_sight = snap.plan.column("id"), set(self._in_sight())
        updated, forgotten = 0, set()
        for index in changed:
            task_id = ids[index]
            before = self._memo.get(task_id)
            if before is None or before[0] == self.shows(task_id):
                continue  # not formatted yet, or it shows the same
            del self._memo[task_id]
            forgotten.add(task_id)
            if task_id not in in_sight:  # every cell drawn again when it is in sight
                self._versions[task_id] = self._versions.get(task_id, 0) + 1
                continue
            after = self.row_cells(task_id)
            for column, (a, b) in enumerate(zip(before[1], after, strict=True)):
                if _signature(a) != _signature(b):  # only this cell is drawn again
                    key = (task_id, column)
                    self._cell_versions[key] = self._cell_versions.get(key, 0) + 1
                    updated += 1
        self._evict(forgotten)
        return updated

    def _evict(self, tasks: set[str]) -> None:
        """Let DataTable draw these rows again (it keeps what it drew until its next change
        anywhere: a change of a few rows would draw every row in sight again)."""
        if not tasks:
            return
        caches: tuple[LRUCache[Any, Any], ...] = (self._cell_render_cache, self._row_render_cache)
        for cache in caches:
            for key in [k for k in cache.keys() if k[0] in tasks]:  # noqa: SIM118 (no __iter__)
                cache.discard(key)
        header = self.header_height if self.show_header else 0
        where = self._row_locations
        lines = {(where.get(RowKey(t)) or 0) + header for t in tasks if RowKey(t) in where}
        drawn: LRUCache[Any, Any] = self._line_cache
        for line in [k for k in drawn.keys() if k[0] in lines]:  # noqa: SIM118
            drawn.discard(line)

    def _move(self, order: list[str]) -> None:
        """Put the rows in a new order (the rows stay; their cells drawn are kept)."""
        keys = {str(k.value): k for k in self._row_locations}
        self._row_locations = TwoWayDict({keys[t]: i for i, t in enumerate(order)})
        self._order = order
        self._update_count += 1
        self.refresh()

    def _in_sight(self) -> list[str]:
        """The tasks whose rows are on the screen now."""
        top = int(self.scroll_y)
        return self._order[top : top + self.size.height + 1]

    def _ordered(self, snap: Snapshot) -> list[str]:
        """The tasks the filter lets through, in the order chosen (ties: task order)."""
        if self.filter.empty:
            indices: Sequence[int] = range(len(snap.figures.status))
        else:
            indices = [s.index for s in snap.tasks if self.filter.matches(snap.plan, s)]
        # With the index in the key (ties in task order, reversed as the sort is), sorting
        # the last order again gives the same as sorting afresh, and most of the time it is
        # nearly in order already: the sort then takes one pass.
        count = len(snap.figures.status)
        keys = list(zip(sort_keys(snap, self.sort_key), range(count), strict=True))
        whole = self.filter.empty and len(self._indices) == count
        last = self._indices if whole else indices
        order = sorted(last, key=keys.__getitem__, reverse=self.sort_reverse)
        self._indices = order
        ids = snap.plan.column("id")
        return [ids[i] for i in order]

    def _rebuild(self, snap: Snapshot, order: list[str]) -> None:
        """Add the rows again: up to the first unfinished task and a screenful after it
        first, the rest a chunk at a time, the dashboard live in between."""
        self.clear()
        self._order, self._filled = order, 0
        self._fill_generation += 1
        self._fill_to(min(len(order), _first_open(snap, order) + FIRST_ROWS))
        if self._filled < len(order):  # once what is there now has been drawn
            generation = self._fill_generation
            self.call_after_refresh(self._fill_later, generation, FILL_START_S)

    def _fill_to(self, end: int) -> None:
        """Add the rows of ``self._order`` up to ``end`` that are not in the table yet."""
        for task_id in self._order[self._filled : end]:
            self.add_row(*NO_CELLS, key=task_id)  # drawn from ``Cell``s made when drawn
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
            else:
                self.post_message(self.Filled())

        self.set_timer(pause, more)

    @property
    def filling(self) -> bool:
        """Whether rows are still being added after a rebuild."""
        return self._filled < len(self._order)

    # -- the cells, formatted when drawn ---------------------------------------------
    def _cells_of(self, task_id: str) -> list[Cell]:
        """A row's lazy cells (made when asked for: DataTable keeps those of a thousand rows;
        keeping them for 10,000 rows would only give the garbage collector more to walk)."""
        return [Cell(self, task_id, i) for i in range(len(COLUMNS))]

    def shows(self, task_id: str) -> TaskRow:
        """What a task's row shows in the last snapshot."""
        snap, shows = self._snap, self._shows
        assert snap is not None and shows is not None
        return shows(snap.tasks[snap.plan.index[task_id]])

    def row_cells(self, task_id: str) -> tuple[Text, ...]:
        """A task's row in the last snapshot, formatted when first asked for."""
        known = self._memo.get(task_id)
        if known is None:
            shows = self.shows(task_id)
            known = self._memo[task_id] = (shows, row_cells(shows))
            self.rows_formatted += 1
        return known[1]

    def width_of(self, task_id: str, column: int) -> int:
        """The width a cell takes, without formatting its row where that can be helped (the
        columns that fit their content: the id, the critical mark, the plan, the team)."""
        key = COLUMN_KEYS[column]
        if key not in FITTED:
            return 0  # a fixed width: not measured
        known = self._memo.get(task_id)
        if known is not None:
            return known[1][column].cell_len
        widths = self._widths.get(task_id)
        if widths is None:  # measured for each fitted column in turn: worked out once
            shows = self.shows(task_id)
            widths = self._widths[task_id] = {
                "id": cell_len(task_id),
                "crit": 1 if shows.critical else 0,
                "team": cell_len(team_text(shows)),
                "plan": cell_len(plan_text(shows)),
            }
        return widths[key]

    def _compute_row_renderables(self, row_index: int) -> RowRenderables:
        """The row's lazy cells (DataTable's own reads every value of the row)."""
        if row_index < 0:
            return super()._compute_row_renderables(row_index)
        row_key = self._row_locations.get_key(row_index)
        if row_key is None:
            return RowRenderables(None, [])
        return RowRenderables(None, list[Any](self._cells_of(str(row_key.value))))

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Any:
        """A cell drawn, kept by its row's and its own version wherever the row moves (only
        the row and column it says it is at, for a click, are set again): DataTable keeps
        it only until the next change anywhere in the table, and a new order moves most
        rows."""
        if row_index < 0:
            return super()._render_cell(
                row_index, column_index, base_style, width, cursor=cursor, hover=hover
            )
        row_key = self._row_locations.get_key(row_index)
        task_id = str(row_key.value) if row_key is not None else ""
        key = (
            task_id,
            column_index,
            self._versions.get(task_id, 0),
            self._cell_versions.get((task_id, column_index), 0),
            base_style,
            width,
            cursor,
            hover,
            self._show_hover_cursor,
            self._pseudo_class_state,
        )
        found = self._drawn.get(key)
        if found is not None and found[0] == row_index:
            return found[1]
        if found is not None:
            lines = _placed(found[1], row_index, column_index)
        else:
            lines = super()._render_cell(
                row_index, column_index, base_style, width, cursor=cursor, hover=hover
            )
        self._drawn.set(key, (row_index, lines))
        return lines

    @property
    def _y_offsets(self) -> Any:
        return _RowLines(self._row_locations, self.row_count)

    def get_row(self, row_key: RowKey | str) -> list[object]:
        """The cells of a task's row, formatted (``get_row_at`` asks here too)."""
        super().get_row(row_key)  # RowDoesNotExist for a task not in the table
        task_id = row_key.value if isinstance(row_key, RowKey) else row_key
        return list(self.row_cells(str(task_id)))

    def get_cell(self, row_key: RowKey | str, column_key: Any) -> object:
        """One cell, formatted."""
        super().get_cell(row_key, column_key)  # CellDoesNotExist when there is none
        return self.get_row(row_key)[self.get_column_index(column_key)]

    def notify_style_update(self) -> None:
        self._drawn.clear()  # another theme or style: every cell drawn again
        super().notify_style_update()

    def clear(self, columns: bool = False) -> TaskTable:
        self._drawn.clear()
        super().clear(columns=columns)
        return self

    # -- moving around ---------------------------------------------------------------
    def open_at_now(self, snap: Snapshot) -> None:
        """Select the first task not finished yet and scroll it to the top, so what runs,
        is ready or is late shows without scrolling past the finished ones."""
        row = _first_open(snap, self._order)
        self.move_cursor(row=row, animate=False, scroll=False)
        self.call_after_refresh(self.scroll_to, y=row, animate=False, immediate=True)

    def select(self, task_id: str) -> bool:
        """Move the cursor to a task; False when the filter hides it."""
        if self.filling and task_id in self._order:  # shown, but its row not added yet
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
