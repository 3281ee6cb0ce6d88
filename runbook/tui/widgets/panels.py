"""The side panels: one titled list widget, fed rows from the views layer, drawn per kind."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from runbook.common.display import EVENT_STYLE
from runbook.common.text import shown
from runbook.format.durations import clock, format_duration
from runbook.tui.widgets.rows import bar, lines_or_none
from runbook.weekend.events import Event
from runbook.weekend.progress import Progress
from runbook.weekend.views import DecisionNeeded, LateRow, ReadyRow, RunningRow

PANEL_ROWS = 8
Row = TypeVar("Row")


class Panel(Static, Generic[Row]):
    """A titled list: the rows it is given, at most ``LIMIT`` of them, then how many more."""

    TITLE: ClassVar[str] = ""
    EMPTY: ClassVar[str] = "—"
    LIMIT: ClassVar[int | None] = PANEL_ROWS  # None: every row, and no count in the title

    rows: reactive[tuple[Any, ...]] = reactive(())
    # How many rows there are when ``rows`` holds only the first few (None: as many as given).
    total: reactive[int | None] = reactive(None)

    def __init__(self, title: str = "", *, id: str | None = None, zone: tzinfo = UTC) -> None:
        super().__init__(id=id, classes="panel")
        self.heading = title or self.TITLE
        self.zone = zone  # the runbook's time zone, for the times a row shows

    def line(self, row: Row) -> Text:
        """One row as it reads in the panel."""
        raise NotImplementedError

    def watch_rows(self, rows: tuple[Row, ...]) -> None:
        self._draw(rows)

    def watch_total(self, total: int | None) -> None:
        self._draw(self.rows)

    def _draw(self, rows: tuple[Row, ...]) -> None:
        if self.LIMIT is None:
            self.border_title = self.heading
            self.update(lines_or_none([self.line(row) for row in rows], self.EMPTY))
            return
        count = len(rows) if self.total is None else max(self.total, len(rows))
        self.border_title = f"{self.heading} ({count})" if count else self.heading
        visible = [self.line(row) for row in rows[: self.LIMIT]]  # lines only for what shows
        if count > self.LIMIT:
            visible.append(Text(f"… and {count - self.LIMIT} more", style="dim"))
        self.update(lines_or_none(visible, self.EMPTY))


class RunningPanel(Panel[RunningRow]):
    """Tasks under way: elapsed of planned, an overrun, FAILED, resumed."""

    TITLE, EMPTY = "Running now", "nothing running"

    def line(self, row: RunningRow) -> Text:
        line = Text(f"{row.id} ", style="bold")
        line.append(f"{format_duration(row.elapsed)}/{format_duration(row.duration)}")
        if row.failed:
            line.append(" FAILED", style="bold white on red")
        elif row.overrun:
            line.append(f" +{format_duration(row.overrun)}", style="bold red")
        if not row.failed and row.resumed:
            line.append(f" {shown(row.resumed)}", style="yellow")
        return line


class ReadyPanel(Panel[DecisionNeeded | ReadyRow]):
    """Gates waiting for a decision (and who decides), then the tasks to call a team for."""

    TITLE, EMPTY = "Ready to start", "nothing ready"

    def line(self, row: DecisionNeeded | ReadyRow) -> Text:
        if isinstance(row, DecisionNeeded):
            line = Text(f"◆ {row.gate} ", style="bold magenta")
            line.append("DECISION NEEDED", style="bold")
            approvers = shown(", ".join(row.approvers)) or "approvers not named"
            line.append(f"\n  {approvers}", style="dim")
            return line
        line = Text(f"{row.id} ", style="bold red" if row.critical else "bold")
        line.append(shown(row.team), style="magenta")
        if row.not_before is not None:
            line.append(f" ≥{clock(row.not_before, self.zone)}", style="dim")
        if row.contact:
            line.append(f"\n  ☎ {shown(row.contact)}", style="dim")
        return line


class LatePanel(Panel[LateRow]):
    """Tasks whose planned start has passed: how late, and the first thing they wait for."""

    TITLE, EMPTY = "Late", "nothing late"

    def line(self, row: LateRow) -> Text:
        line = Text(f"{row.id} ", style="bold red" if row.critical else "bold yellow")
        line.append(f"{format_duration(row.late_by)} late")
        if row.blocked_by:
            line.append(f" (waits for {row.blocked_by[0]})", style="dim")
        return line


class RecentPanel(Panel[Event]):
    """The latest events, newest first."""

    TITLE, EMPTY = "Recent events", "no check-ins yet"

    def line(self, row: Event) -> Text:
        line = Text(clock(row.at, self.zone)[4:], style="dim")
        line.append(f" {shown(row.task) if row.task else '—'} ", style="bold")
        line.append(shown(row.summary), style=EVENT_STYLE.get(row.kind, ""))
        if row.forced:
            line.append(" FORCED", style="bold yellow")
        line.append(f" {shown(row.actor)}", style="dim")
        if row.note:
            line.append(f" · {shown(row.note)}", style="italic")
        return line


class ProgressPanel(Panel[Progress]):
    """Progress per team or per phase, each with a bar."""

    LIMIT = None

    def line(self, row: Progress) -> Text:
        # The name takes the room the bar and the count leave (at least 16 cells).
        room = max(16, self.content_size.width - 10 - len(f" {row.finished}/{row.total}") - 1)
        line = Text(f"{shown(row.label)[:room]:<{room}} ")
        line.append(bar(row.weighted, 10))
        line.append(f" {row.finished}/{row.total}")
        return line
