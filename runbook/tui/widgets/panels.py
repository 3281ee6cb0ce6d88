"""The side panels: one titled list widget, fed rows from the views layer, drawn per kind."""

from __future__ import annotations

from dataclasses import dataclass
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
from runbook.weekend.replan import event_summary
from runbook.weekend.views import DecisionNeeded, LateRow, ReadyRow, RunningRow, UpNextRow
from runbook.weekend.views.progress import Progress
from runbook.weekend.views.whom import call

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

    @property
    def room(self) -> int | None:
        """The cells a line has in this panel; None before the panel is laid out."""
        return self.content_size.width or None

    def on_resize(self) -> None:
        self.watch_rows(self.rows)  # a line laid out for the room there is

    def watch_rows(self, rows: tuple[Row, ...]) -> None:
        self._draw(rows)

    def watch_total(self, total: int | None) -> None:
        self._draw(self.rows)

    def tail(self) -> list[Text]:
        """Lines shown after the rows, apart from them (none by default)."""
        return []

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
        tail = self.tail()
        self.update(Text("\n").join([lines_or_none(visible, self.EMPTY), *tail]))


class RunningPanel(Panel[RunningRow]):
    """Tasks under way: elapsed of planned, an overrun, FAILED, resumed."""

    TITLE, EMPTY = "Running now", "nothing running"

    def line(self, row: RunningRow) -> Text:
        line = Text(f"{row.id} ", style="bold")
        line.append(f"{format_duration(row.elapsed)}/{format_duration(row.duration)}")
        if row.revised:
            line.append("*", style="yellow")  # a revised estimate
        if row.failed:
            line.append(" FAILED", style="bold white on red")
        elif row.overrun:
            line.append(f" +{format_duration(row.overrun)}", style="bold red")
        if row.eta is not None:
            line.append(f" eta {clock(row.eta, self.zone)[4:]}", style="bold yellow")
        if row.resumed:  # ``resumed, 40m lost``, or a failed task's time lost so far
            line.append(f" {shown(row.resumed)}", style="yellow")
        return line


UP_NEXT_ROWS = 3  # the ready panel lists the first few tasks up next, under the ready ones


class ReadyPanel(Panel[DecisionNeeded | ReadyRow]):
    """Gates waiting for a decision (and who decides), then the tasks to call a team for;
    under them, apart and not counted, the first tasks up next at their time (not to call)."""

    TITLE, EMPTY = "Ready to start", "nothing ready"

    later: reactive[tuple[UpNextRow, ...]] = reactive(())

    def watch_later(self, later: tuple[UpNextRow, ...]) -> None:
        self._draw(self.rows)

    def tail(self) -> list[Text]:
        """``up next Mon 00:00`` once for the tasks that may start then, each id on a line
        of its own (whole in a narrow panel), the first few of them and how many more."""
        lines, at = [], None
        for row in self.later[:UP_NEXT_ROWS]:
            if row.at != at:
                at = row.at
                lines.append(Text(f"up next {clock(at, self.zone)}", style="cyan"))
            # The marker gives way to the id in a narrow panel: the id stays on one line.
            fits = self.room is None or len(row.id) + 2 <= self.room
            line = Text("○ " if fits else "", style="cyan")
            line.append(row.id, style="bold red" if row.critical else "bold")
            lines.append(line)
        if len(self.later) > UP_NEXT_ROWS:
            lines.append(Text(f"… and {len(self.later) - UP_NEXT_ROWS} more up next", style="dim"))
        return lines

    def line(self, row: DecisionNeeded | ReadyRow) -> Text:
        if isinstance(row, DecisionNeeded):
            line = Text(f"◆ {row.gate} ", style="bold magenta")
            line.append("DECISION NEEDED", style="bold")
            line.append(f"\n  {shown(row.waits_for())}", style="dim")
            if row.given:
                line.append(f"\n  {shown(row.given_text(self.zone))}", style="dim")
            return line
        # The id, the time and whom to call stay whole; the team's name gives way.
        room = self.room
        line = Text(row.id, style="bold red" if row.critical else "bold")
        after = f" ≥{clock(row.not_before, self.zone)}" if row.not_before is not None else ""
        team = shown(row.team)
        if room is not None:
            left = room - len(row.id) - len(after) - 1
            team = team if len(team) <= left else (team[: left - 1] + "…" if left > 3 else "")
        if team:
            line.append(f" {team}", style="magenta")
        line.append(after, style="dim")
        if row.pulled:
            line.append(" pulled", style="green")
        lead, number = shown(row.lead), shown(row.number)
        if lead and number and room is not None and len(f"  ☎ {lead} {number}") > room:
            line.append(f"\n  ☎ {lead}\n    {number}", style="dim")  # the number on its own
        elif lead or number:
            line.append(f"\n  ☎ {' '.join(p for p in (lead, number) if p)}", style="dim")
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
        line.append(shown(event_summary(row, self.zone)), style=EVENT_STYLE.get(row.kind, ""))
        if row.against is not None:
            line.append(" AGAINST THE RULES", style="bold red")
        elif row.forced:
            line.append(" FORCED", style="bold yellow")
        line.append(f" {shown(row.by)}", style="dim")
        if row.note:
            line.append(f" · {shown(row.note)}", style="italic")
        return line


class ProgressPanel(Panel[Progress]):
    """Progress per team or per phase, each with a bar."""

    LIMIT = None

    def line(self, row: Progress) -> Text:
        # The count is of the work still wanted; the dropped work follows it, a dropped
        # must-have flagged. The name takes the room the bar, the count and that leave (at
        # least 16 cells); where even that does not fit, the name has a line of its own, then
        # the bar and the count, and the dropped work a third line when it needs one.
        count = f" {row.done}/{row.wanted}"
        apart = Text(f" {row.dropped} dropped" if row.dropped else "", style="yellow")
        if row.dropped_must:
            apart.append(f" ({row.must_text})", style="bold red")
        width = self.content_size.width
        figures = 10 + len(count) + len(apart)
        line = Text()
        if not width or width >= 16 + 1 + figures:
            room = max(16, width - figures - 1)
            line.append(f"{shown(row.label)[:room]:<{room}} ")
        else:
            line.append(shown(row.label)[:width] + "\n")
        line.append(bar(row.weighted, 10))
        line.append(count)
        if apart and width and figures > width:
            line.append("\n")
        line.append(apart)
        return line


@dataclass(frozen=True, slots=True)
class More:
    """``… and 12 more ready``: rows of one kind not listed."""

    count: int
    what: str


NowRow = RunningRow | DecisionNeeded | ReadyRow | UpNextRow | LateRow | More


@dataclass(frozen=True, slots=True)
class NowCounts:
    """How many of each the title counts."""

    failed: int = 0
    running: int = 0
    decisions: int = 0
    ready: int = 0
    late: int = 0
    up_next: int = 0


class NowPanel(Panel[NowRow]):
    """What matters now, one whole line each, in one list as wide as the terminal (a narrow
    one has no room for three lists side by side without splitting ids): failed, running,
    gates to decide, ready (with the number to call), the first few up next at their time (not
    to call yet), late. Each line starts with the id and its figures; only the words after
    them (a reason, what it waits for) give way."""

    TITLE, EMPTY = "Now", "nothing failed, running, ready or late"
    LIMIT = None

    counts: reactive[NowCounts] = reactive(NowCounts)
    # How late each ready task listed is (it is not listed again under late).
    late_by: reactive[dict[str, int]] = reactive(dict)

    def watch_counts(self) -> None:
        self._draw(self.rows)

    def _draw(self, rows: tuple[NowRow, ...]) -> None:
        c = self.counts
        parts = [f"{c.failed} failed"] if c.failed else []
        parts.append(f"{c.running} running")
        if c.decisions:
            parts.append(f"{c.decisions} to decide")
        parts.append(f"{c.ready} ready")
        if c.up_next:
            parts.append(f"{c.up_next} up next")
        parts.append(f"{c.late} late")
        self.border_title = f"{self.heading}: {' · '.join(parts)}"
        self.update(lines_or_none([self.line(row) for row in rows], self.EMPTY))

    def line(self, row: NowRow) -> Text:
        zone = self.zone
        if isinstance(row, More):
            return Text(f"  … and {row.count} more {row.what}", style="dim")
        if isinstance(row, RunningRow):
            line = Text()
            line.append("✖ " if row.failed else "● ", style="bold red" if row.failed else "")
            line.append(row.id, style="bold")
            if row.failed:
                line.append(" FAILED", style="bold white on red")
            line.append(f" {format_duration(row.elapsed)}/{format_duration(row.duration)}")
            if row.revised:
                line.append("*", style="yellow")
            if not row.failed and row.overrun:
                line.append(f" +{format_duration(row.overrun)}", style="bold red")
            if row.eta is not None:
                line.append(f" eta {clock(row.eta, zone)}", style="bold yellow")
            if row.resumed:  # ``resumed, 40m lost``; for a failed task the time lost so far
                line.append(f" {shown(row.resumed)}", style="yellow")
            if row.failed:
                self._call(line, row.lead, row.number)
                if row.reason:
                    line.append(f" {shown(row.reason)}", style="red")
            return line
        if isinstance(row, UpNextRow):
            line = Text()
            line.append("○ ", style="cyan")
            line.append(row.id, style="bold red" if row.critical else "bold")
            line.append(f" up next {clock(row.at, zone)}", style="cyan")
            if row.pulled:
                line.append(" pulled", style="green")
            line.append(f" {shown(row.team)}", style="magenta")
            return line
        if isinstance(row, DecisionNeeded):
            line = Text()
            line.append(f"◆ {row.gate} ", style="bold magenta")
            line.append("DECISION NEEDED", style="bold")
            line.append(f" {shown(row.waits_for())}", style="dim")
            if row.given:
                line.append(f"; {shown(row.given_text(zone))}", style="dim")
            return line
        if isinstance(row, ReadyRow):
            line = Text()
            line.append("▶ ", style="cyan")
            line.append(row.id, style="bold red" if row.critical else "bold")
            if row.not_before is not None:
                line.append(f" ≥{clock(row.not_before, zone)}", style="dim")
            if (late := self.late_by.get(row.id)) is not None:
                line.append(f" {format_duration(late)} late", style="red" if row.critical else "")
            if row.pulled:
                line.append(" pulled", style="green")
            self._call(line, row.lead, row.number, team=row.team)
            return line
        line = Text()
        line.append("! ", style="bold red" if row.critical else "yellow")
        line.append(row.id, style="bold")
        line.append(f" {format_duration(row.late_by)} late", style="red" if row.critical else "")
        line.append(f" ({shown(row.why)})", style="dim")
        return line

    def _call(self, line: Text, lead: str, number: str, *, team: str = "") -> None:
        """`` ☎ Ingrid de Vries +31 20 555 0100``: the number whole; the name, then the
        team's, only where the line has room for them."""
        text = call(shown(lead), shown(number), room=(self.room or 200) - line.cell_len)
        if text:
            line.append(f" {text}", style="dim")
        if team and (room := (self.room or 200) - line.cell_len - 1) > 3:
            name = shown(team)
            line.append(f" {name if len(name) <= room else name[: room - 1] + '…'}", "magenta")
