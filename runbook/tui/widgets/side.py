"""The side panels together: each gets its rows of a snapshot from the views layer."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive

from runbook.tui.widgets.panels import (
    PANEL_ROWS,
    UP_NEXT_ROWS,
    LatePanel,
    More,
    NowCounts,
    NowPanel,
    NowRow,
    Panel,
    ProgressPanel,
    ReadyPanel,
    RecentPanel,
    RunningPanel,
)
from runbook.weekend.events import Event
from runbook.weekend.forecast import Snapshot
from runbook.weekend.views import (
    late_rows,
    ready_rows,
    recent_events,
    running_rows,
    up_next_rows,
)
from runbook.weekend.views.progress import progress_by

RECENT = 12


class SidePanels(VerticalScroll):
    """Running now, ready to start, late, recent events, teams and phases; below 160 columns,
    what matters now in one list instead of the first three (``NowPanel``). Follows a
    snapshot, the events in force, and the clock's second (``now``: the same snapshot a few
    seconds on)."""

    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True, init=False)
    events: reactive[Sequence[Event]] = reactive((), always_update=True, init=False)
    now: reactive[int] = reactive(0, init=False)

    def compose(self) -> ComposeResult:
        yield NowPanel(id="now")
        yield RunningPanel(id="running")
        yield ReadyPanel(id="ready")
        yield LatePanel(id="late")
        yield RecentPanel(id="recent")
        yield ProgressPanel("Teams", id="teams")
        yield ProgressPanel("Phases", id="phases")

    def watch_snapshot(self, snap: Snapshot | None) -> None:
        if snap is not None:
            self.show(snap)

    def watch_now(self) -> None:
        if self.snapshot is not None:
            self.show(self.snapshot, clock_only=True)

    def watch_events(self, events: Sequence[Event]) -> None:
        self.query_one(RecentPanel).rows = tuple(recent_events(events, RECENT))

    def show(self, snap: Snapshot, *, clock_only: bool = False) -> None:
        """Give each panel its rows (a panel whose rows did not change is not redrawn);
        ``clock_only``: the same snapshot a few seconds on, so only the panels whose
        figures run with the clock (running, ready, late; not the teams' and phases'
        progress, which moves with check-ins)."""
        for panel in self.query(Panel):
            panel.zone = snap.plan.zone
        ready, decide = ready_rows(snap)
        running = running_rows(snap)
        self.query_one(RunningPanel).rows = tuple(running)
        ready_panel = self.query_one(ReadyPanel)
        ready_panel.rows = (*decide, *ready)
        up_next = up_next_rows(snap)
        ready_panel.later = tuple(up_next)
        late = self.query_one(LatePanel)  # rows for the few it lists; every late task counted
        late.total = snap.late_count
        late.rows = tuple(late_rows(snap, limit=PANEL_ROWS))
        failed = [r for r in running if r.failed]
        going = [r for r in running if not r.failed]
        now: list[NowRow] = [*failed, *going, *decide, *ready[:PANEL_ROWS]]
        if len(ready) > PANEL_ROWS:
            now.append(More(len(ready) - PANEL_ROWS, "ready"))
        now += up_next[:UP_NEXT_ROWS]
        if len(up_next) > UP_NEXT_ROWS:
            now.append(More(len(up_next) - UP_NEXT_ROWS, "up next"))
        # A ready task that is late says so on its own line, with whom to call, once.
        called = {r.id for r in ready[:PANEL_ROWS]}
        now += [r for r in late.rows if r.id not in called]
        if snap.late_count > len(late.rows):
            now.append(More(snap.late_count - len(late.rows), "late"))
        listed = self.query_one(NowPanel)
        listed.late_by = {r.id: r.late_by for r in late.rows if r.id in called}
        counts = NowCounts(
            len(failed), len(going), len(decide), len(ready), snap.late_count, len(up_next)
        )
        listed.counts, listed.rows = counts, tuple(now)
        if clock_only:
            return
        self.query_one("#teams", ProgressPanel).rows = tuple(progress_by(snap, "team"))
        self.query_one("#phases", ProgressPanel).rows = tuple(progress_by(snap, "phase"))
