"""The tasks tab's left side: the filter line over the task table, and how both change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import DataTable

from runbook.tui.widgets.banners import FilterLine
from runbook.tui.widgets.table import TaskTable
from runbook.weekend.forecast import Snapshot
from runbook.weekend.views.filters import TaskFilter

FILTER_HINT = "team:ID status:running,ready phase:sat critical late  + words"


class TaskList(Vertical):
    """The task table with its filter and sort; redraws from the snapshot it was given."""

    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True, init=False)

    def compose(self) -> ComposeResult:
        yield FilterLine(id="filterline")
        yield TaskTable(id="table")

    @property
    def filter_text(self) -> str:
        """What the filter was typed as."""
        return self.query_one(FilterLine).text

    def watch_snapshot(self, snapshot: Snapshot | None) -> None:
        self.query_one(TaskTable).snapshot = snapshot

    def _redraw(self) -> None:
        self.snapshot = self.snapshot

    def set_filter(self, text: str, chosen: TaskFilter) -> None:
        """Show the tasks ``chosen`` lets through, and say so above the table."""
        self.query_one(TaskTable).filter = chosen
        line = self.query_one(FilterLine)
        line.text, line.critical = text, chosen.critical
        self._redraw()

    def apply_filter(self, text: str) -> None:
        """Filter by what was typed (critical only stays on); say what is not understood."""
        parsed = TaskFilter.parse(text)
        for problem in parsed.problems:
            self.notify(problem, severity="warning")
        current = self.query_one(TaskTable).filter
        self.set_filter(text, parsed.with_critical(current.critical or parsed.critical))

    def toggle_critical(self) -> None:
        """Critical tasks only, or all again."""
        current = self.query_one(TaskTable).filter
        self.set_filter(self.filter_text, current.with_critical(not current.critical))

    def go_to(self, task_id: str) -> None:
        """Select a task, clearing the filter if it hides the task."""
        table = self.query_one(TaskTable)
        if not table.select(task_id):
            self.set_filter("", TaskFilter())
            table.select(task_id)
        table.focus()

    def next_sort(self) -> str:
        """Sort by the next column; returns its key."""
        column = self.query_one(TaskTable).next_sort()
        self._redraw()
        return column

    def reverse(self) -> None:
        """Reverse the sort order."""
        table = self.query_one(TaskTable)
        table.sort_reverse = not table.sort_reverse
        self._redraw()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        if isinstance(event.data_table, TaskTable):
            event.data_table.sort_by(str(event.column_key.value))
            self._redraw()
