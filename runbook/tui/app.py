"""`runbook control`: the mission-control dashboard, a Textual app over the same core as the CLI.

The app takes its weekend (runbook + store + clock) as a parameter, so tests run it with a
frozen clock and a real state file. It never computes a rule itself: check-ins go through
``Weekend.record``, the forecast through ``runbook.weekend.forecast``, alerts through
``runbook.weekend.alerts``.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.notifications import SeverityLevel
from textual.widgets import DataTable, Digits, Footer, Label, Static, TabbedContent, TabPane

from runbook.common.errors import RunbookError
from runbook.common.text import shown
from runbook.format.durations import clock, format_duration, t_plus
from runbook.tui.rows import COLUMN_KEYS, bar, lines_or_none, team_contact
from runbook.tui.screens import AskScreen, ConfirmScreen, HelpScreen, RefusedScreen
from runbook.tui.table import TaskTable
from runbook.tui.timeline import Timeline
from runbook.weekend.alerts import Alert, alerts
from runbook.weekend.filters import TaskFilter
from runbook.weekend.forecast import (
    FAILED,
    Snapshot,
    late_tasks,
    overrun,
    ready_to_start,
    running_now,
)
from runbook.weekend.gates import next_point_of_no_return
from runbook.weekend.live import Live
from runbook.weekend.progress import progress, progress_by
from runbook.weekend.usecases import Weekend, describe_ahead
from runbook.weekend.views import open_no_gos, resumed_note, split_ready

VERBS = {
    "start": "Start",
    "done": "Finish",
    "fail": "Mark as FAILED",
    "skip": "Skip",
    "undo": "Undo the last check-in of",
    "note": "Add a note to",
}
PAST = {
    "start": "started",
    "done": "done",
    "fail": "FAILED",
    "skip": "skipped",
    "undo": "undone",
    "note": "note added to",
}
ASK = {
    "fail": "What went wrong? (for the log)",
    "skip": "Why is it not needed? (for the log)",
    "note": "The note",
}
PANEL_ROWS = 8
TOASTS = 3  # new alerts shown as pop-ups at once
RECENT = 12


class MissionControl(App[None]):
    """The coordinator's screen for the whole weekend."""

    CSS_PATH = "control.tcss"
    TITLE = "runbook control"
    # Panels beside the table from 160 columns; beneath it below that; a slim header at 80.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012  (Textual's own declaration)
        (0, "-narrow"),
        (100, "-medium"),
        (160, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "check('start')", "Start"),
        Binding("d", "check('done')", "Done"),
        Binding("f", "check('fail')", "Fail"),
        Binding("k", "check('skip')", "Skip"),
        Binding("u", "check('undo')", "Undo"),
        Binding("n", "check('note')", "Note"),
        Binding("slash", "filter", "Filter"),
        Binding("c", "critical", "Critical only"),
        Binding("g", "goto", "Go to"),
        Binding("o", "sort", "Sort", show=False),
        Binding("O", "reverse", "Reverse sort", show=False),
        Binding("1", "tab('tasks')", "Tasks", show=False),
        Binding("2", "tab('timeline')", "Timeline", show=False),
        Binding("3", "tab('log')", "Log", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]
    ACTIONS_THAT_WRITE = frozenset({"check"})

    def __init__(
        self,
        weekend: Weekend,
        *,
        actor: str,
        host: str,
        read_only: bool = False,
        poll_seconds: float = 0.25,
    ) -> None:
        super().__init__()
        self.weekend = weekend
        self.live = Live(weekend)
        self.actor = actor
        self.host = host
        self.read_only = read_only
        self.poll_seconds = poll_seconds
        self.snap: Snapshot | None = None
        self.announced: set[tuple[str, str | None]] = set()
        self._minute = -1
        self._logged = 0
        self._log_generation = 0
        self._filter_text = ""
        if read_only:
            self.sub_title = "READ-ONLY"

    # -- layout ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Static(id="identity")
            with Vertical(id="verdict"):
                yield Label(id="verdict-word")
                yield Digits(id="verdict-digits")
            yield Static(id="figures")
        yield Static(id="nogo")
        yield Static(id="alerts")
        with TabbedContent(initial="tasks", id="tabs"):
            with TabPane("Tasks [1]", id="tasks"), Horizontal(id="main"):
                with Vertical(id="left"):
                    yield Static(id="filterline")
                    yield TaskTable(id="table")
                with VerticalScroll(id="side"):
                    for panel in ("running", "ready", "late", "recent", "teams", "phases"):
                        yield Static(id=panel, classes="panel")
            with TabPane("Timeline [2]", id="timeline"):
                yield Timeline(id="gantt")
            with TabPane("Log [3]", id="log"):
                yield DataTable(id="events", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = shown(self.weekend.plan.name)
        events = self.query_one("#events", DataTable)
        for label in ("#", "When", "Task", "What", "By", "Note"):
            events.add_column(label, key=label)
        self.update_all()
        for notice in self.weekend.notices:
            self.notify(notice, severity="warning", timeout=10)
        self.query_one(TaskTable).focus()
        self.set_interval(self.poll_seconds, self.poll)
        self.set_interval(1.0, self.tick)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast whose text is data: never markup (what it quotes may hold ``[/]``), and
        no control character in it reaches the terminal."""
        super().notify(
            shown(message, one_line=False),
            title=shown(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # -- live ------------------------------------------------------------------------
    def poll(self) -> None:
        """Cheap when idle: one PRAGMA data_version and one stat of the runbook file."""
        if not self.is_running:  # shutting down: the widgets are already being removed
            return
        try:
            change = self.live.refresh()
        except RunbookError as exc:  # the state file was damaged or removed meanwhile
            self.notify(exc.message, severity="error", timeout=30)
            return
        if change:
            if change.runbook_changed:
                self.title = shown(self.weekend.plan.name)
            for notice in self.weekend.notices:
                self.notify(notice, severity="warning", timeout=10)
            self.update_all()

    def tick(self) -> None:
        """Every second: the clock, T+ and the elapsed figures of the panels; every minute
        (the table's precision): the whole forecast."""
        if not self.is_running:  # a last tick while quitting must not touch removed widgets
            return
        now = self.weekend.now()
        if now // 60 != self._minute:
            self.update_all()
        elif self.snap is not None:
            self.snap.now = now
            self._show_identity(self.snap)
            self._show_panels(self.snap)

    def update_all(self) -> None:
        """Recompute the snapshot and bring every part of the screen up to date."""
        snap = self.live.snapshot()
        self.snap = snap
        self._minute = snap.now // 60
        self._show_identity(snap)
        self._show_verdict(snap)
        self.query_one(TaskTable).show(snap)
        self._show_panels(snap)
        self._show_no_go(snap)
        self._show_alerts(alerts(snap))
        self._show_log()
        if self.query_one(TabbedContent).active == "timeline":
            self.query_one(Timeline).show(snap)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "timeline" and self.snap is not None:
            self.query_one(Timeline).show(self.snap)

    # -- the header ------------------------------------------------------------------
    def _show_identity(self, snap: Snapshot) -> None:
        plan, zone = snap.plan, snap.plan.zone
        text = Text(style="bold")
        if snap.later_events:  # a replay (--now): the notice says how many events it leaves out
            text.append("REPLAY", style="bold reverse")
            text.append(" ")
        text.append(shown(plan.name))
        if self.read_only:
            text.append("  READ-ONLY", style="bold reverse")
        text.append("\n")
        text.append(clock(snap.now, zone, with_date=True), style="bold")
        text.append(f":{snap.now % 60:02d}", style="bold")
        text.append(f"  {t_plus(snap.now, plan.start, seconds=True)}", style="bold cyan")
        done = progress(snap)
        text.append("\n")
        text.append(f"{done.finished}/{done.total} done · {done.weighted:.0%} of the work ")
        text.append(bar(done.weighted, 14))
        self.query_one("#identity", Static).update(text)

    def _show_verdict(self, snap: Snapshot) -> None:
        word, amount = describe_ahead(snap.ahead)
        box = self.query_one("#verdict", Vertical)
        box.set_class(word == "AHEAD", "ahead")
        box.set_class(word == "BEHIND", "behind")
        box.set_class(word == "ON PLAN", "onplan")
        minutes = abs(snap.ahead) // 60
        self.query_one("#verdict-word", Label).update(
            f"{word} {amount}" if word != "ON PLAN" else "ON PLAN"
        )
        digits = f"{minutes // 60}:{minutes % 60:02d}" if word != "ON PLAN" else "0:00"
        self.query_one("#verdict-digits", Digits).update(
            ("-" if word == "BEHIND" else "+") + digits if word != "ON PLAN" else digits
        )
        plan, zone = snap.plan, snap.plan.zone
        text = Text("forecast ")
        text.append(clock(snap.forecast_finish, zone), style="bold")
        text.append(f"\nbaseline {clock(snap.baseline_finish, zone)}")
        if plan.deadline is not None and (spare := snap.spare) is not None:
            text.append(f"\ndeadline {clock(plan.deadline, zone)} ")
            if spare >= 0:
                text.append(f"({format_duration(spare)} spare)", style="green")
            else:
                text.append(f"({format_duration(-spare)} PAST IT)", style="bold red")
        ponr = next_point_of_no_return(snap)
        if ponr is not None and ponr.point is not None:
            text.append(f"\nPONR {ponr.gate[:12]} {clock(ponr.point, zone)}", style="magenta")
            text.append(f" (in {format_duration(ponr.point - snap.now)})", style="magenta")
        self.query_one("#figures", Static).update(text)

    def _show_no_go(self, snap: Snapshot) -> None:
        """A NO-GO stays in the header until it is resolved: the rollback and its latest start."""
        banner = self.query_one("#nogo", Static)
        open_ = open_no_gos(snap)
        banner.display = bool(open_)
        text = Text()
        zone = snap.plan.zone
        for i, nogo in enumerate(open_):
            if i:
                text.append("\n")
            text.append(f"NO-GO at {nogo.gate}", style="bold")
            text.append(f" ({clock(nogo.decided.at, zone)} {nogo.decided.actor}) ")
            text.append(nogo.summary())
            if nogo.start_by is not None:
                left = nogo.start_by - snap.now
                text.append(f" · start by {clock(nogo.start_by, zone)}", style="bold")
                text.append(
                    f" (in {format_duration(left)})"
                    if left >= 0
                    else f" ({format_duration(-left)} ago)"
                )
        banner.update(text)

    def _show_alerts(self, current: list[Alert]) -> None:
        banner = self.query_one("#alerts", Static)
        keys = {a.key for a in current}
        fresh = [a for a in current if a.key not in self.announced]
        # A few toasts are noticed; a wall of them hides the screen. The banner lists all.
        for alert in fresh[:TOASTS]:
            self.notify(
                alert.message,
                title="ALERT",
                severity=alert.severity,
                timeout=15 if alert.severity == "error" else 8,
            )
        if len(fresh) > TOASTS:
            self.notify(
                f"and {len(fresh) - TOASTS} more new alerts: see the banner",
                title="ALERT",
                severity="warning",
                timeout=15,
            )
        self.announced = keys  # a condition that ends and comes back is announced again
        banner.display = bool(current)
        if current:
            text = Text()
            for i, alert in enumerate(current[:3]):
                if i:
                    text.append("\n")
                text.append(
                    "⚠ " if alert.severity == "warning" else "✖ ",
                    style="bold yellow" if alert.severity == "warning" else "bold red",
                )
                text.append(shown(alert.message))
            if len(current) > 3:
                text.append(f"   … and {len(current) - 3} more alerts", style="dim")
            banner.update(text)

    # -- the side panels -------------------------------------------------------------
    def _panel(self, panel_id: str, title: str, lines: list[Text], empty: str) -> None:
        panel = self.query_one(f"#{panel_id}", Static)
        panel.border_title = f"{title} ({len(lines)})" if lines else title
        visible = lines[:PANEL_ROWS]
        if len(lines) > PANEL_ROWS:
            visible.append(Text(f"… and {len(lines) - PANEL_ROWS} more", style="dim"))
        panel.update(lines_or_none(visible, empty))

    def _show_panels(self, snap: Snapshot) -> None:
        plan, zone, now = snap.plan, snap.plan.zone, snap.now
        running = []
        for s in running_now(snap.tasks):
            task = plan.tasks[s.index]
            line = Text(f"{task.id} ", style="bold")
            line.append(
                f"{format_duration(now - (s.actual_start or now))}/{format_duration(task.duration)}"
            )
            over = overrun(snap, s.index)
            if s.status == FAILED:
                line.append(" FAILED", style="bold white on red")
            elif over:
                line.append(f" +{format_duration(over)}", style="bold red")
            if s.status != FAILED and (resumed := resumed_note(s)):
                line.append(f" {shown(resumed)}", style="yellow")
            running.append(line)
        self._panel("running", "Running now", running, "nothing running")

        call, decide = split_ready(snap, ready_to_start(snap.tasks))
        ready = []
        for d in decide:
            line = Text(f"◆ {d.gate} ", style="bold magenta")
            line.append("DECISION NEEDED", style="bold")
            line.append(
                f"\n  {shown(', '.join(d.approvers)) or 'approvers not named'}", style="dim"
            )
            ready.append(line)
        for s in call:
            task = plan.tasks[s.index]
            line = Text(f"{task.id} ", style="bold red" if s.critical else "bold")
            line.append(shown(plan.team_name(task.team)), style="magenta")
            if s.forecast_start > now:
                line.append(f" ≥{clock(s.forecast_start, zone)}", style="dim")
            contact = team_contact(snap, task.team)
            if contact:
                line.append(f"\n  ☎ {shown(contact)}", style="dim")
            ready.append(line)
        self._panel("ready", "Ready to start", ready, "nothing ready")

        late = []
        for s in late_tasks(snap.tasks):
            task = plan.tasks[s.index]
            line = Text(f"{task.id} ", style="bold red" if s.critical else "bold yellow")
            line.append(f"{format_duration(now - (s.planned_start or now))} late")
            if s.blocked_by:
                line.append(f" (waits for {s.blocked_by[0]})", style="dim")
            late.append(line)
        self._panel("late", "Late", late, "nothing late")

        recent = []
        for event in reversed(self.live.recent[-RECENT:]):
            line = Text(clock(event.at, zone)[4:], style="dim")
            line.append(f" {event.task or '—'} ", style="bold")
            line.append(
                event.summary,
                style={"fail": "bold red", "done": "green", "start": "blue", "skip": "yellow"}.get(
                    event.kind, ""
                ),
            )
            if event.forced:
                line.append(" FORCED", style="bold yellow")
            line.append(f" {shown(event.actor)}", style="dim")
            if event.note:
                line.append(f" · {shown(event.note)}", style="italic")
            recent.append(line)
        self._panel("recent", "Recent events", recent, "no check-ins yet")

        for panel_id, key, title in (("teams", "team", "Teams"), ("phases", "phase", "Phases")):
            lines = []
            for p in progress_by(snap, key):
                line = Text(f"{shown(p.label)[:16]:<16} ")
                line.append(bar(p.weighted, 10))
                line.append(f" {p.finished}/{p.total}")
                lines.append(line)
            panel = self.query_one(f"#{panel_id}", Static)
            panel.border_title = title
            panel.update(lines_or_none(lines, "—"))

    def _show_log(self) -> None:
        table = self.query_one("#events", DataTable)
        zone = self.weekend.plan.zone
        if self.live.generation != self._log_generation:  # a replay folded events in again
            self._log_generation = self.live.generation
            table.clear()
            self._logged = 0
        for event in self.live.recent[self._logged :]:
            what = Text(shown(event.summary))
            if event.forced:
                what.append(" FORCED", style="bold yellow")
            table.add_row(
                str(event.seq),
                clock(event.at, zone),
                Text(shown(event.task) or "—"),
                what,
                Text(shown(event.actor)),
                Text(shown(event.note)),
                key=str(event.seq),
            )
        if len(self.live.recent) > self._logged:
            table.move_cursor(row=table.row_count - 1, animate=False)
        self._logged = len(self.live.recent)

    # -- actions ---------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.read_only and action in self.ACTIONS_THAT_WRITE)

    def action_check(self, kind: str) -> None:
        """Start, finish, fail, skip, undo or annotate the selected task, after confirming."""
        table = self.query_one(TaskTable)
        task_id = table.selected_task
        if task_id is None or self.snap is None:
            self.notify("select a task first", severity="warning")
            return
        plan = self.weekend.plan
        task = plan.tasks[plan.index[task_id]]
        state = self.snap.by_id(task_id)
        detail = (
            f"{shown(task.title)}\n"
            f"team: {shown(plan.team_name(task.team))}  "
            f"{shown(team_contact(self.snap, task.team))}\n"
            f"now: {state.status}"
            + (f" (waiting for {', '.join(state.blocked_by)})" if state.blocked_by else "")
            + f"   recorded as: {shown(self.actor)}"
        )
        self.push_screen(
            ConfirmScreen(f"{VERBS[kind]} {task_id}?", detail, ASK.get(kind)),
            lambda text: self._record(kind, task_id, text),
        )

    def _record(self, kind: str, task_id: str, text: str | None, force: bool = False) -> None:
        if text is None:
            return
        try:
            result = self.weekend.record(
                kind, [task_id], actor=self.actor, host=self.host, note=text or None, force=force
            )
        except RunbookError as exc:
            self.push_screen(RefusedScreen(exc.message, exc.hint, False))
            return
        if result.refused:
            _, refusal = result.refused[0]
            self.push_screen(
                RefusedScreen(refusal.message, refusal.hint, refusal.forceable),
                lambda forced: self._record(kind, task_id, text, True) if forced else None,
            )
            return
        for event in result.events:
            self.notify(
                f"{PAST[kind]} {event.task}" + (" (FORCED)" if event.forced else ""), timeout=4
            )
        self.live.refresh(force=True)
        self.update_all()

    def action_filter(self) -> None:
        current = self._filter_text

        def apply(text: str | None) -> None:
            if text is None:
                return
            self._apply_filter(text)

        self.push_screen(
            AskScreen(
                "Filter tasks (empty: show all)",
                value=current,
                help_text="team:ID status:running,ready phase:sat critical late  + words",
            ),
            apply,
        )

    def _apply_filter(self, text: str) -> None:
        table = self.query_one(TaskTable)
        parsed = TaskFilter.parse(text)
        for problem in parsed.problems:
            self.notify(problem, severity="warning")
        self._filter_text = text
        table.filter = parsed.with_critical(table.filter.critical or parsed.critical)
        self._show_filterline()
        self.update_all()

    def _show_filterline(self) -> None:
        table = self.query_one(TaskTable)
        line = self.query_one("#filterline", Static)
        text = self._filter_text
        parts = []
        if text:
            parts.append(f"filter: {shown(text)}")
        if table.filter.critical:
            parts.append("critical only")
        line.display = bool(parts)
        line.update(
            Text(
                "  ·  ".join(parts) + "   (/ to change, Esc in the filter box to keep)",
                style="bold yellow",
            )
        )

    def action_critical(self) -> None:
        table = self.query_one(TaskTable)
        table.filter = table.filter.with_critical(not table.filter.critical)
        self._show_filterline()
        self.update_all()

    def action_goto(self) -> None:
        ids = list(self.weekend.plan.index)

        def jump(text: str | None) -> None:
            if not text:
                return
            try:
                task_id = self.weekend.resolve(text)
            except RunbookError as exc:
                self.notify(exc.message + (f" ({exc.hint})" if exc.hint else ""), severity="error")
                return
            table = self.query_one(TaskTable)
            self.query_one(TabbedContent).active = "tasks"
            if not table.select(task_id):
                self._filter_text = ""
                table.filter = TaskFilter()
                self._show_filterline()
                self.update_all()
                table.select(task_id)
            table.focus()

        self.push_screen(AskScreen("Go to task (id or prefix)", suggestions=ids), jump)

    def action_sort(self) -> None:
        table = self.query_one(TaskTable)
        keys = list(COLUMN_KEYS)
        table.sort_column = keys[(keys.index(table.sort_column) + 1) % len(keys)]
        table.sort_reverse = False
        self.notify(f"sorted by {table.sort_column}", timeout=2)
        self.update_all()

    def action_reverse(self) -> None:
        table = self.query_one(TaskTable)
        table.sort_reverse = not table.sort_reverse
        self.update_all()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        if isinstance(event.data_table, TaskTable):
            event.data_table.sort_by(str(event.column_key.value))
            self.update_all()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_help(self) -> None:
        self.push_screen(HelpScreen())
