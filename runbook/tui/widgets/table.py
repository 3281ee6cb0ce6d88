"""The task table: every task, sortable and filterable, updated cell by cell."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from runbook.tui.widgets.rows import COLUMN_KEYS, COLUMNS, WIDTHS, dated, sort_value, task_row
from runbook.weekend.filters import TaskFilter
from runbook.weekend.forecast import Snapshot


def _signature(cell: Text) -> tuple[object, ...]:
    """What a cell looks like (rich's Text equality ignores the base style)."""
    return cell.plain, str(cell.style), tuple(cell.spans)


class TaskTable(DataTable[object]):
    """Tasks as rows keyed by task id. ``show`` redraws only the cells that changed, keeps
    the selected task selected, and rebuilds rows only when the filter or sort changes."""

    DEFAULT_CSS = """
    TaskTable { height: 1fr; }
    """

    # Set again after a sort or filter change: redraw from the same snapshot.
    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True, init=False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.filter = TaskFilter()
        self.sort_column = "when"
        self.sort_reverse = False
        self._cells: dict[str, tuple[tuple[object, ...], ...]] = {}
        self._order: list[str] = []
        self.cells_updated = 0  # for tests and the benchmark: work done by the last show()

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key, width=WIDTHS.get(key))

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
        visible = [s for s in snap.tasks if self.filter.matches(snap.plan, s)]
        visible.sort(
            key=lambda s: (sort_value(snap, s, self.sort_column), s.index),
            reverse=self.sort_reverse,
        )
        order = [s.id for s in visible]
        rows = {s.id: task_row(snap, s, dated=with_date) for s in visible}
        marks = {task_id: tuple(map(_signature, cells)) for task_id, cells in rows.items()}
        updated = 0
        if order != self._order:
            # Filter, sort or the set of tasks changed: rebuild (not on a plain event).
            self.clear()
            for task_id in order:
                self.add_row(*rows[task_id], key=task_id)
            updated = len(order) * len(COLUMN_KEYS)
        else:
            for task_id in order:
                new, old = marks[task_id], self._cells.get(task_id)
                if old == new:
                    continue
                for i, key in enumerate(COLUMN_KEYS):
                    if old is None or old[i] != new[i]:
                        self.update_cell(task_id, key, rows[task_id][i])
                        updated += 1
        first_show = not self._order and bool(order)
        self._order = order
        self._cells = marks
        self.cells_updated = updated
        if selected is not None:
            self.select(selected)
        elif first_show:
            self.open_at_now(snap)

    def open_at_now(self, snap: Snapshot) -> None:
        """Select the first task not finished yet and scroll it to the top, so what runs,
        is ready or is late shows without scrolling past the finished ones."""
        finished = {s.id for s in snap.tasks if s.status in ("done", "skipped")}
        row = next((i for i, task_id in enumerate(self._order) if task_id not in finished), 0)
        self.move_cursor(row=row, animate=False, scroll=False)
        self.call_after_refresh(self.scroll_to, y=row, animate=False, immediate=True)

    def select(self, task_id: str) -> bool:
        """Move the cursor to a task; False when the filter hides it."""
        try:
            row = self.get_row_index(task_id)
        except RowDoesNotExist:
            return False
        if row != self.cursor_row:
            self.move_cursor(row=row, animate=False)
        return True

    def sort_by(self, column: str) -> None:
        """Sort by a column; the same column again reverses the order."""
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False

    def next_sort(self) -> str:
        """Sort by the next column (ascending); returns its key."""
        keys = list(COLUMN_KEYS)
        self.sort_column = keys[(keys.index(self.sort_column) + 1) % len(keys)]
        self.sort_reverse = False
        return self.sort_column
