"""`runbook control`: the mission-control dashboard, a Textual app over the same core as the CLI.

The app takes its weekend (runbook + store + clock) as a parameter, so tests run it with a
frozen clock and a real state file. It computes no rule itself: check-ins go through
``Weekend.record``; what each widget shows comes from ``runbook.weekend.views``, set as the
widget's reactive data; the live poll posts a ``SnapshotChanged`` message.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, TabbedContent, TabPane

from runbook.common.errors import RunbookError
from runbook.common.text import shown
from runbook.tui.base import DataApp
from runbook.tui.checkin import CheckInFlow
from runbook.tui.keys import KEYS
from runbook.tui.messages import SnapshotChanged
from runbook.tui.screens import AskScreen, HelpScreen, WhatIfScreen
from runbook.tui.widgets import (
    AlertBanner,
    EventLog,
    Figures,
    HeadlineBar,
    Identity,
    NoGoBanner,
    OutboxBanner,
    SidePanels,
    Summary,
    TaskList,
    TaskTable,
    Timeline,
    VerdictBox,
)
from runbook.tui.widgets.rows import SORT_NAMES
from runbook.tui.widgets.tasks import FILTER_HINT as HINT
from runbook.usecases import Weekend, watch_only
from runbook.usecases.live import Live
from runbook.weekend.forecast import Snapshot
from runbook.weekend.replan import GRAMMAR
from runbook.weekend.views import verdict
from runbook.weekend.views.alerts import alerts
from runbook.weekend.views.notifications import failing_notifications
from runbook.weekend.views.whatif import what_if_view


class MissionControl(DataApp):
    """The coordinator's screen for the whole weekend."""

    CSS_PATH = "control.tcss"
    TITLE = "runbook control"
    # Panels beside the table from 160 columns; beneath it below that; a slim header at 80.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012  (Textual's own declaration)
        (0, "-narrow"),
        (100, "-medium"),
        (160, "-wide"),
    ]
    BINDINGS = KEYS
    ACTIONS_THAT_WRITE = frozenset({"check", "revise"})

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
        # A replay (a clock fixed at another moment) never records, whatever was asked.
        self.read_only = watch_only(read_only, replay=weekend.replay)
        self.poll_seconds = poll_seconds
        self.snap: Snapshot | None = None
        self.checkins = CheckInFlow(self, weekend, actor, host, self._recorded)
        self._minute = -1
        if self.read_only:
            self.sub_title = "REPLAY" if weekend.replay else "READ-ONLY"

    def compose(self) -> ComposeResult:
        zone = self.weekend.plan.zone
        with Vertical(id="head"):
            yield HeadlineBar(id="headline")
            with Horizontal(id="top"):
                identity = Identity(id="identity")
                identity.read_only, identity.replay = self.read_only, self.weekend.replay
                yield identity
                yield VerdictBox(id="verdict")
                yield Figures(id="figures")
                summary = Summary(id="summary")
                summary.read_only, summary.replay = self.read_only, self.weekend.replay
                yield summary
        yield NoGoBanner(id="nogo")
        yield AlertBanner(id="alerts")
        yield OutboxBanner(id="outbox")
        with TabbedContent(initial="tasks", id="tabs"):
            with TabPane("Tasks [1]", id="tasks"), Horizontal(id="main"):
                yield TaskList(id="left")
                yield SidePanels(id="side")
            with TabPane("Timeline [2]", id="timeline"):
                yield Timeline(id="gantt")
            with TabPane("Log [3]", id="log"):
                yield EventLog(id="events", zone=zone)
        yield Footer()

    def on_mount(self) -> None:
        self.title = shown(self.weekend.plan.name)
        self.update_all()
        self._show_outbox()
        for notice in self.weekend.notices:
            self.notify(notice, severity="warning", timeout=10)
        self.query_one(TaskTable).focus()
        self.set_interval(self.poll_seconds, self.poll)
        self.set_interval(1.0, self.tick)

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
        self._show_link()
        self._show_outbox()
        if change:
            if change.runbook_changed:
                self.title = shown(self.weekend.plan.name)
            for notice in self.weekend.notices:
                self.notify(notice, severity="warning", timeout=10)
            self.post_message(SnapshotChanged(self.live.snapshot()))

    def _show_link(self) -> None:
        """The header says while the state server is out of reach (said once as a toast)."""
        link = self.live.link
        identity = self.query_one(Identity)
        if link == identity.link:
            return
        if not link.connected and identity.link.connected:
            self.notify(link.reason + " — retrying", severity="error", timeout=10)
        identity.link = link
        self.query_one(Summary).link = link

    def _show_outbox(self) -> None:
        """Notifications that keep failing, under the alerts: the outbox is read again only
        when the store changed, or every few seconds (``Live.outbox``)."""
        try:
            entries = self.live.outbox()
        except RunbookError as exc:  # the state file was damaged meanwhile: poll says so
            self.log.warning(exc.message)
            return
        if entries is not None:
            self.query_one(OutboxBanner).failing = failing_notifications(entries)

    def on_snapshot_changed(self, message: SnapshotChanged) -> None:
        if self.is_running:
            self.show(message.snapshot)

    def tick(self) -> None:
        """Every second: the clock, T+ and the elapsed figures of the panels; every minute
        (the table's precision): the whole forecast."""
        if not self.is_running:  # a last tick while quitting must not touch removed widgets
            return
        now = self.weekend.now()
        if now // 60 != self._minute:
            self.update_all()
        elif self.snap is not None:
            if self.snap.closed is None:
                self.snap.now = now
            else:  # the weekend stands still at its close; the clock goes on
                self.snap.asked = now
            self.query_one(Identity).snapshot = self.snap
            self.query_one(SidePanels).show(self.snap, self.live.recent, clock_only=True)

    def update_all(self) -> None:
        """Recompute the snapshot and bring every part of the screen up to date."""
        self.show(self.live.snapshot())

    def show(self, snap: Snapshot) -> None:
        """Give every widget its part of a snapshot (each redraws what changed)."""
        self.snap = snap
        self._minute = snap.clock // 60
        self.query_one(HeadlineBar).snapshot = snap
        self.query_one(Identity).snapshot = snap
        self.query_one(Summary).snapshot = snap
        self.query_one(VerdictBox).verdict = verdict(snap)
        self.query_one(Figures).snapshot = snap
        self.query_one(TaskList).snapshot = snap
        self.query_one(SidePanels).show(snap, self.live.recent)
        self.query_one(NoGoBanner).snapshot = snap
        self.query_one(AlertBanner).announce(alerts(snap))
        log = self.query_one(EventLog)
        log.zone, log.generation = snap.plan.zone, self.live.generation
        log.events = self.live.recent
        if self.query_one(TabbedContent).active == "timeline":
            self.query_one(Timeline).snapshot = snap

    @property
    def announced(self) -> set[tuple[str, str | None]]:
        """The alerts already announced (shown in the banner, toasted once)."""
        return self.query_one(AlertBanner).announced

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "timeline" and self.snap is not None:
            self.query_one(Timeline).snapshot = self.snap
        # The keys act on what the tab shows: the table's rows, or the log's (Enter: in full).
        if event.pane.id == "log":
            self.query_one(EventLog).focus()
        elif event.pane.id == "tasks":
            self.query_one(TaskTable).focus()

    # -- actions ---------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.read_only and action in self.ACTIONS_THAT_WRITE)

    def action_check(self, kind: str) -> None:
        """Start, finish, fail, skip, undo or annotate the selected task, after confirming."""
        task_id = self.query_one(TaskTable).selected_task
        if task_id is None or self.snap is None:
            self.notify("select a task first", severity="warning")
            return
        self.checkins.begin(kind, task_id, self.snap)

    def action_revise(self, kind: str) -> None:
        """A new eta for the selected task, a new estimate, or pull it forward."""
        task_id = self.query_one(TaskTable).selected_task
        if task_id is None or self.snap is None:
            self.notify("select a task first", severity="warning")
            return
        self.checkins.revise(kind, task_id, self.snap)

    def action_what_if(self) -> None:
        """The forecast as it would be with some changes, recording nothing."""

        def show(text: str | None) -> None:
            if not text:
                return
            specs = [part.strip() for part in text.split(";") if part.strip()]
            try:
                what = self.weekend.what_if(specs)
            except RunbookError as exc:
                self.notify(exc.message + (f" ({exc.hint})" if exc.hint else ""), severity="error")
                return
            self.push_screen(WhatIfScreen(what_if_view(what), self.weekend.plan))

        task_id = self.query_one(TaskTable).selected_task
        self.push_screen(
            AskScreen(
                "What if… (nothing is recorded; separate changes with ;)",
                value=f"{task_id}+1h" if task_id else "",
                help_text=f"e.g. {GRAMMAR}",
                suggestions=list(self.weekend.plan.index),
            ),
            show,
        )

    def action_recover(self) -> None:
        """Which optional work to drop to land in time, from the core; recording nothing."""
        from runbook.tui.screens.recover import RecoverScreen
        from runbook.weekend.views.recover import recovery_lines

        try:
            recovery = self.weekend.recover()
        except RunbookError as exc:
            self.notify(exc.message, severity="error")
            return
        self.push_screen(RecoverScreen(recovery_lines(recovery, self.weekend.plan)))

    def action_pull_candidates(self) -> None:
        """The tasks that could be pulled forward, what each brings closer first (the core's
        ranking); Enter goes to one in the table, p pulls it."""
        from runbook.tui.screens.pull import PULL, PullScreen

        if self.snap is None:
            return
        snap = self.snap

        def chosen(choice: tuple[str, str] | None) -> None:
            if choice is None:
                return
            what, task_id = choice
            self.query_one(TabbedContent).active = "tasks"
            self.query_one(TaskList).go_to(task_id)
            if what == PULL:
                if self.read_only:
                    self.notify("read-only: nothing can be pulled here", severity="warning")
                    return
                self.checkins.revise("pull", task_id, snap)

        self.push_screen(PullScreen(self.weekend.pull_forward(snap), self.weekend.plan), chosen)

    def _recorded(self) -> None:
        self.live.refresh(force=True)
        self.update_all()

    def action_filter(self) -> None:
        tasks = self.query_one(TaskList)
        ask = AskScreen("Filter tasks (empty: show all)", value=tasks.filter_text, help_text=HINT)
        self.push_screen(ask, lambda text: None if text is None else tasks.apply_filter(text))

    def action_critical(self) -> None:
        self.query_one(TaskList).toggle_critical()

    def action_goto(self) -> None:
        def jump(text: str | None) -> None:
            if not text:
                return
            try:
                task_id = self.weekend.resolve(text)
            except RunbookError as exc:
                self.notify(exc.message + (f" ({exc.hint})" if exc.hint else ""), severity="error")
                return
            self.query_one(TabbedContent).active = "tasks"
            self.query_one(TaskList).go_to(task_id)

        ids = list(self.weekend.plan.index)
        self.push_screen(AskScreen("Go to task (id or prefix)", suggestions=ids), jump)

    def action_sort(self) -> None:
        key = self.query_one(TaskList).next_sort()
        self.notify(f"sorted by {SORT_NAMES.get(key, key)}", timeout=2)

    def action_reverse(self) -> None:
        self.query_one(TaskList).reverse()

    def action_panels(self) -> None:
        """Below 160 columns, the strip beneath the table shows what matters now (failed,
        running, ready, late) or, at ``v``, the recent events and the teams' and phases'
        progress."""
        self.query_one(SidePanels).toggle_class("others")
        self.query_one(TabbedContent).active = "tasks"

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_help(self) -> None:
        self.push_screen(HelpScreen())
