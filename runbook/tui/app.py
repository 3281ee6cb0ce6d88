"""`runbook control`: the mission-control dashboard, a Textual app over the same core as the CLI.

The app takes its weekend (runbook + store + clock) as a parameter, so tests run it with a
frozen clock and a real state file. It computes no rule itself: check-ins go through
``Weekend.record``; what each widget shows comes from ``runbook.weekend.views``. The store
is read and written on one thread of its own (``store_io``), never on the event loop: the
poll, the check-ins and the questions to the core come back as messages, and the app then
sets its reactives (the snapshot, the events in force, the clock's second, the link), which
every widget follows by ``data_bind``.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Footer, TabbedContent, TabPane

from runbook.common.text import shown
from runbook.tui.checkin import CheckInFlow
from runbook.tui.follow import News, look, picture
from runbook.tui.keys import KEYS
from runbook.tui.replaying import Replaying
from runbook.tui.store_io import Answered, StoreIO
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
from runbook.usecases import Weekend, watch_only
from runbook.usecases.live import Link, Live
from runbook.usecases.replay import ReplayClock
from runbook.weekend.events import Event
from runbook.weekend.forecast import Snapshot
from runbook.weekend.views.notifications import failing_notifications


class MissionControl(Replaying):
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

    # What the widgets follow (``data_bind``).
    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True, init=False)
    events: reactive[Sequence[Event]] = reactive((), always_update=True, init=False)
    generation: reactive[int] = reactive(0, init=False)  # the events folded again: a new list
    now: reactive[int] = reactive(0, init=False)  # the clock's second, between two snapshots
    link: reactive[Link] = reactive(Link)
    # The revised runbook in force (``v2``), None while it is the one the weekend began with.
    version: reactive[str | None] = reactive(None, init=False)

    def __init__(
        self,
        weekend: Weekend,
        *,
        actor: str,
        host: str,
        read_only: bool = False,
        poll_seconds: float = 0.1,
        replay_clock: ReplayClock | None = None,
    ) -> None:
        super().__init__()
        self.weekend = weekend
        # A recorded weekend played back: the weekend's clock, which the keys move.
        self.replay_clock = replay_clock
        self.live = Live(weekend)  # the store's thread's, once it has started
        self.io = StoreIO(self)
        self.actor = actor
        self.host = host
        # A replay (a clock fixed at another moment) never records, whatever was asked.
        self.read_only = watch_only(read_only, replay=weekend.replay)
        self.poll_seconds = poll_seconds
        self.snap: Snapshot | None = None
        self.checkins = CheckInFlow(self, self.io, self.live, actor, host, self.show)
        self._minute = -1
        self._said: set[str] = set()  # the notices toasted: each is said once (issue 23)
        if self.read_only:
            self.sub_title = "REPLAY" if weekend.replay else "READ-ONLY"

    def compose(self) -> ComposeResult:
        zone, app = self.weekend.plan.zone, MissionControl
        snapshot, link = app.snapshot, app.link
        with Vertical(id="head"):
            yield HeadlineBar(id="headline").data_bind(snapshot)
            with Horizontal(id="top"):
                identity = Identity(id="identity").data_bind(snapshot, link, app.now, app.version)
                identity.read_only, identity.replay = self.read_only, self.weekend.replay
                identity.replay_state = self.replay_state
                yield identity
                yield VerdictBox(id="verdict").data_bind(snapshot)
                yield Figures(id="figures").data_bind(snapshot)
                summary = Summary(id="summary").data_bind(snapshot, link, app.version)
                summary.read_only, summary.replay = self.read_only, self.weekend.replay
                summary.replay_state = self.replay_state
                yield summary
        yield NoGoBanner(id="nogo").data_bind(snapshot)
        yield AlertBanner(id="alerts").data_bind(snapshot)
        yield OutboxBanner(id="outbox")
        with TabbedContent(initial="tasks", id="tabs"):
            with TabPane("Tasks [1]", id="tasks"), Horizontal(id="main"):
                yield TaskList(id="left").data_bind(snapshot)
                yield SidePanels(id="side").data_bind(snapshot, app.events, app.now)
            with TabPane("Timeline [2]", id="timeline"):
                yield Timeline(id="gantt").data_bind(snapshot)
            with TabPane("Log [3]", id="log"):
                log = EventLog(id="events", zone=zone, plan=self.weekend.plan)
                yield log.data_bind(app.events, app.generation)
        yield Footer()

    def on_mount(self) -> None:
        self.title = shown(self.weekend.plan.name)
        # The first screen from what was read when the weekend was opened; from here on the
        # store is the store thread's alone.
        self.show(picture(self.live))
        self._say_notices(self.weekend.notices)
        self.query_one(TaskTable).focus()
        self.io.start()
        self.set_interval(self.poll_seconds, self.poll)
        self.set_interval(1.0, self.tick)

    async def on_unmount(self) -> None:
        await self.io.stop()

    def on_task_table_filled(self) -> None:
        """The weekend's data is in: what lives now lives on, and the garbage collector's
        full passes (80 ms at 10,000 tasks, in the middle of a check-in's redraw) need not
        walk it again. Collected first, so frozen is only what is in use."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def on_answered(self, message: Answered) -> None:
        if self.is_running:  # shutting down: the widgets are already being removed
            self.io.answered(message)

    # -- live ------------------------------------------------------------------------
    def poll(self) -> None:
        """Ask the store's thread what changed (one at a time: a slow store is not asked
        again while it has not answered). Cheap when idle: see ``Live``."""
        if self.is_running and not self.io.waiting("poll"):
            self.io.ask(lambda: look(self.live), self.show, kind="poll")

    def _say_notices(self, notices: Sequence[str]) -> None:
        """Toast each notice once: one that stands (the runbook file edited and not recorded)
        must not cover the panels again at every event (issue 23)."""
        for notice in notices:
            if notice not in self._said:
                self._said.add(notice)
                self.notify(notice, severity="warning", timeout=10)

    def tick(self) -> None:
        """Every second: the clock, T+ and the elapsed figures of the panels; every minute
        (the table's precision): the whole forecast, from the store's thread."""
        if not self.is_running:  # a last tick while quitting must not touch removed widgets
            return
        now = self.weekend.now()
        if now // 60 != self._minute:
            self._minute = now // 60  # asked for once
            self.io.ask(lambda: look(self.live, picture=True), self.show, kind="poll")
        elif self.snap is not None:
            if self.snap.closed is None:
                self.snap.now = now
            else:  # the weekend stands still at its close; the clock goes on
                self.snap.asked = now
            self.now = now

    def show(self, news: News) -> None:
        """Bring the screen up to date with what the store's thread found."""
        if news.problem is not None:  # the state file was damaged or removed meanwhile
            self.notify(news.problem, severity="error", timeout=30)
            return
        if news.link != self.link and not news.link.connected and self.link.connected:
            self.notify(news.link.reason + " — retrying", severity="error", timeout=10)
        self.link = news.link
        if news.outbox_problem is not None:
            self.log.warning(news.outbox_problem)
        if news.outbox is not None:
            self.query_one(OutboxBanner).failing = failing_notifications(news.outbox)
        snap = news.snapshot
        if snap is None:
            return
        if news.runbook_changed:
            self.title = shown(snap.plan.name)
            self.query_one(EventLog).zone = snap.plan.zone
        if news.changed:
            self._say_notices(news.notices)
        self.version = news.version
        self.snap, self._minute = snap, snap.clock // 60
        self.generation = news.generation
        self.events = news.events
        self.snapshot = snap

    @property
    def announced(self) -> set[tuple[str, str | None]]:
        """The alerts already announced (shown in the banner, toasted once)."""
        return self.query_one(AlertBanner).announced

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # The keys act on what the tab shows: the table's rows, or the log's (Enter: in full).
        if event.pane.id == "log":
            self.query_one(EventLog).focus()
        elif event.pane.id == "tasks":
            self.query_one(TaskTable).focus()
