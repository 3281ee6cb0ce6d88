"""Each dashboard widget on its own: mounted alone in a tiny app, given its reactive data,
it shows what it should (no MissionControl, no timers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Digits, Label

from runbook.tui.widgets import (
    AlertBanner,
    EventLog,
    Figures,
    FilterLine,
    Identity,
    LatePanel,
    NoGoBanner,
    ProgressPanel,
    ReadyPanel,
    RecentPanel,
    RunningPanel,
    Summary,
    VerdictBox,
)
from runbook.usecases import Weekend
from runbook.weekend.events import Event
from runbook.weekend.forecast import Snapshot, TaskRecord
from runbook.weekend.views import (
    Verdict,
    late_rows,
    ready_rows,
    recent_events,
    running_rows,
    verdict,
)
from runbook.weekend.views.alerts import Alert
from runbook.weekend.views.progress import progress_by

from .conftest import EXAMPLES
from .tui_helpers import until
from .weekend_helpers import FakeClock, at


class Alone(App[None]):
    """A tiny app holding one widget."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


@pytest.fixture
def weekend(tmp_path) -> Iterator[Weekend]:
    """The minimal example at 19:20: freeze done, backup running since 18:10 (10m over)."""
    clock = FakeClock("2026-12-04T19:20+01:00")
    with Weekend.open(EXAMPLES / "minimal.yaml", tmp_path / "s.db", clock=clock, create=True) as w:
        w.record("start", ["freeze"], actor="ingrid", host="h", at=at("2026-12-04T18:00+01:00"))
        w.record("done", ["freeze"], actor="ingrid", host="h", at=at("2026-12-04T18:10+01:00"))
        w.record("start", ["backup"], actor="sanne", host="h", at=at("2026-12-04T18:10+01:00"))
        yield w


def _text(widget: Widget) -> str:
    return str(widget.render())


async def test_the_header_shows_the_name_the_clock_t_plus_and_progress(weekend):
    identity = Identity()
    async with Alone(identity).run_test(size=(80, 6)) as pilot:
        identity.snapshot = weekend.snapshot()
        await pilot.pause()
        shown = _text(identity)
        assert "Move the intranet to the cloud" in shown
        assert "Fri 04 Dec 19:20:00" in shown and "T+01:20:00" in shown
        assert "1/8 done" in shown
        assert "REPLAY" not in shown and "READ-ONLY" not in shown


async def test_the_header_says_replay_when_later_events_are_left_out_and_read_only(weekend):
    identity = Identity()
    async with Alone(identity).run_test(size=(80, 6)) as pilot:
        snap: Snapshot = weekend.snapshot()
        snap.later_events = 3
        identity.snapshot = snap
        identity.read_only = True
        await pilot.pause()
        assert _text(identity).startswith("REPLAY Move the intranet")
        assert "READ-ONLY" in _text(identity)


async def test_the_verdict_box_shows_behind_in_words_and_digits(weekend):
    box = VerdictBox()
    async with Alone(box).run_test(size=(30, 6)) as pilot:
        box.verdict = Verdict("BEHIND", "1h5m", -3900, 0, 0, None, None)
        await pilot.pause()
        assert box.has_class("behind") and not box.has_class("ahead")
        assert str(box.query_one(Label).render()) == "BEHIND 1h5m"
        assert box.query_one(Digits).value == "-1:05"
        box.verdict = verdict(weekend.snapshot())
        await pilot.pause()
        assert box.has_class("onplan") and box.query_one(Digits).value == "0:00"


async def test_the_figures_show_forecast_baseline_and_the_spare_time(weekend):
    figures = Figures()
    async with Alone(figures).run_test(size=(40, 6)) as pilot:
        figures.snapshot = weekend.snapshot()
        await pilot.pause()
        shown = _text(figures)
        assert shown.startswith("forecast ") and "\nbaseline " in shown
        assert "spare)" in shown


async def test_the_running_panel_lists_running_tasks_with_their_overrun(weekend):
    panel = RunningPanel()
    async with Alone(panel).run_test(size=(40, 6)) as pilot:
        panel.rows = tuple(running_rows(weekend.snapshot()))
        await pilot.pause()
        assert _text(panel) == "backup 1h10m/1h +10m"
        assert panel.border_title == "Running now (1)"


async def test_the_running_panel_gives_a_failed_task_its_work_and_the_time_lost_apart(weekend):
    weekend.record(
        "fail", ["backup"], actor="a", host="h", note="jam", at=at("2026-12-04T18:40+01:00")
    )
    panel = RunningPanel()
    async with Alone(panel).run_test(size=(40, 6)) as pilot:
        panel.rows = tuple(running_rows(weekend.snapshot()))
        await pilot.pause()
        # Since 18:10: 30m of work, then 40m standing failed, at 19:20.
        assert _text(panel) == "backup 30m/1h FAILED 40m lost"


async def test_an_empty_panel_says_so_in_its_title_and_body():
    panel = LatePanel()
    async with Alone(panel).run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        assert _text(panel) == "nothing late"
        assert panel.border_title == "Late"


async def test_a_long_panel_shows_eight_rows_then_how_many_more(weekend):
    panel = RecentPanel(zone=weekend.plan.zone)
    async with Alone(panel).run_test(size=(60, 20)) as pilot:
        for i in range(10):
            weekend.record("note", ["backup"], actor="a", host="h", note=f"n{i}")
        panel.rows = tuple(recent_events(weekend.events(), 12))
        await pilot.pause()
        lines = _text(panel).splitlines()
        assert len(lines) == 9 and lines[-1] == "… and 4 more"
        assert "backup note" in lines[0] and "n9" in lines[0]


async def test_the_ready_panel_says_whom_to_call(weekend):
    weekend.record("done", ["backup"], actor="a", host="h")
    panel = ReadyPanel(zone=weekend.plan.zone)
    async with Alone(panel).run_test(size=(60, 8)) as pilot:
        ready, decide = ready_rows(weekend.snapshot())
        panel.rows = (*decide, *ready)
        await pilot.pause()
        assert "☎ Ingrid de Vries +31 20 555 0100" in _text(panel)


async def test_the_late_panel_says_how_late_and_what_a_task_waits_for(weekend):
    weekend.clock.advance(hours=2)  # type: ignore[attr-defined]
    panel = LatePanel()
    async with Alone(panel).run_test(size=(60, 8)) as pilot:
        panel.rows = tuple(late_rows(weekend.snapshot()))
        await pilot.pause()
        assert "late (waits for backup)" in _text(panel)


async def test_the_progress_panel_lists_every_team_with_a_count(weekend):
    panel = ProgressPanel("Teams")
    async with Alone(panel).run_test(size=(60, 8)) as pilot:
        panel.rows = tuple(progress_by(weekend.snapshot(), "team"))
        await pilot.pause()
        assert panel.border_title == "Teams"
        assert "Mission control" in _text(panel) and "1/" in _text(panel)


async def test_the_alert_banner_collapses_many_alerts_into_three_and_a_count():
    banner = AlertBanner()
    async with Alone(banner).run_test(size=(80, 6)) as pilot:
        assert not banner.display
        banner.alerts = tuple(
            Alert("overrun", f"t{i}", f"t{i} has run long", "warning") for i in range(5)
        )
        await pilot.pause()
        assert banner.display
        shown = _text(banner)
        assert shown.count("⚠") == 3 and "… and 2 more alerts" in shown


async def test_the_no_go_banner_stays_hidden_without_a_no_go(weekend):
    banner = NoGoBanner()
    async with Alone(banner).run_test(size=(80, 4)) as pilot:
        banner.snapshot = weekend.snapshot()
        await pilot.pause()
        assert not banner.display


async def test_the_filter_line_shows_the_filter_and_critical_only_as_text():
    line = FilterLine()
    async with Alone(line).run_test(size=(100, 3)) as pilot:
        assert not line.display
        line.text, line.critical = "team:[b]dba", True
        await pilot.pause()
        assert line.display
        assert _text(line).startswith("filter: team:[b]dba  ·  critical only")


async def test_the_event_log_appends_new_events_and_starts_over_on_a_new_generation(weekend):
    log = EventLog(zone=weekend.plan.zone)
    async with Alone(log).run_test(size=(100, 12)) as pilot:
        events = weekend.events()
        log.events = events[:2]
        await pilot.pause()
        log.events = events
        await pilot.pause()
        assert log.row_count == len(events)
        log.generation = 1
        log.events = events[:1]
        await pilot.pause()
        assert log.row_count == 1


def _check_ins(count: int, first_seq: int = 1) -> list[Event]:
    """``count`` starts a minute apart from Friday 18:00 (the log shows what it is given)."""
    friday = int(at("2026-12-04T18:00+01:00").timestamp())
    return [
        Event(
            seq=seq,
            at=friday + 60 * seq,
            recorded=friday + 60 * seq,
            task=f"t{seq:05d}",
            kind="start",
            actor="ana",
            host="pc",
            note=None,
            data={},
        )
        for seq in range(first_seq, first_seq + count)
    ]


async def test_a_long_event_log_takes_its_events_a_chunk_at_a_time_and_ends_with_every_one():
    """20,000 events added at once held the dashboard's first screen for seconds: the log
    takes a chunk at once, the rest soon after, in order, the cursor on the newest."""
    log = EventLog()
    events = _check_ins(1000)
    async with Alone(log).run_test(size=(100, 12)) as pilot:
        log.events = events
        assert 0 < log.row_count < len(events)  # the rest follow: the screen is drawn first
        await until(pilot, lambda: log.row_count == len(events))
        assert [str(key.value) for key in log.rows] == [str(e.seq) for e in events]
        assert log.cursor_row == len(events) - 1
        events.extend(_check_ins(1, first_seq=1001))  # the live list grows in place
        log.events = events
        await pilot.pause()
        assert log.row_count == 1001 and log.get_row_at(1000)[0] == "1001"


async def test_a_long_event_log_folded_again_while_it_fills_ends_with_the_new_events_once():
    log = EventLog()
    async with Alone(log).run_test(size=(100, 12)) as pilot:
        log.events = _check_ins(1000)
        log.generation = 1  # a replay moved on: the events are folded again, fewer of them
        again = _check_ins(700)
        log.events = again
        await until(pilot, lambda: not log.filling)
        assert [str(key.value) for key in log.rows] == [str(e.seq) for e in again]


async def test_the_progress_panel_shows_a_long_team_name_whole_when_there_is_room(weekend):
    panel = ProgressPanel("Teams")
    async with Alone(panel).run_test(size=(60, 8)) as pilot:
        panel.rows = tuple(progress_by(weekend.snapshot(), "team"))
        await pilot.pause()
        assert "Application owners " in _text(panel)  # 18 characters: cut to 16 before


async def test_enter_on_a_log_row_shows_the_whole_event_with_its_note(weekend):
    note = "tape library online; " * 8 + "the end of a long note"
    weekend.record("note", ["backup"], actor="sanne", host="pc2", note=note)
    log = EventLog(zone=weekend.plan.zone)
    async with Alone(log).run_test(size=(100, 30)) as pilot:
        log.events = weekend.events()
        await pilot.pause()
        log.focus()
        await pilot.press("enter")
        await pilot.pause()
        from runbook.tui.screens import EventScreen

        screen = pilot.app.screen
        assert isinstance(screen, EventScreen)
        shown_text = str(screen.query_one("#detail").render())
        assert "the end of a long note" in shown_text
        assert "sanne on pc2" in shown_text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, EventScreen)


@pytest.mark.parametrize(
    ("change", "recorded"),
    [
        ({"eta": 1796410000}, {"eta": 1796410000}),
        ({"pulled": True}, {"pulled": True}),
        ({"revised_duration": 5400}, {"estimate": 5400}),
        ({"dropped": True}, {"dropped": True}),
    ],
    ids=["eta", "pulled", "estimate", "dropped"],
)
def test_a_revision_that_moves_no_time_still_redraws_the_task_s_row(weekend, change, recorded):
    """The table formats again only the rows whose inputs changed: a revision marker is one
    of them, even when no figure of the forecast moved (the live view gives a record the
    events changed a new identity)."""
    from dataclasses import replace

    from runbook.tui.widgets.table import changed_rows
    from runbook.weekend.forecast import snapshot
    from runbook.weekend.views.table import table_row

    snap = weekend.snapshot()
    state = snap.by_id("backup")
    assert table_row(snap, replace(state, **change)) != table_row(snap, state)
    # ... and the table looks at it again: the record the event changed is a new one.
    before = snap
    index = before.plan.index["export"]  # not under way: redrawn only when it changed
    assert index not in (changed_rows(before, before) or {index})
    records = dict(before.records)
    records["export"] = replace(records.get("export") or TaskRecord(), **recorded)
    after = snapshot(before.plan, before.baseline, records, before.now, before.closed)
    assert after.figures == before.figures or recorded == {"dropped": True}
    assert index in (changed_rows(before, after) or set())


def test_the_toast_after_a_check_in_says_what_was_recorded_in_the_log_s_words():
    from runbook.tui.checkin import recorded

    assert recorded("start", "backup", False) == "started backup"
    assert recorded("eta", "backup", True) == "new eta for backup (FORCED)"


@pytest.fixture
def rehearsal(tmp_path) -> Iterator[Weekend]:
    """The minimal example rehearsed on Tuesday 24 November (runbook rehearse), at 19:20."""
    clock = FakeClock("2026-11-24T19:20+01:00")
    with Weekend.open(EXAMPLES / "minimal.yaml", tmp_path / "r.db", clock=clock, create=True) as w:
        w.begin_rehearsal(at("2026-11-24T18:00+01:00"))
        w.record("start", ["freeze"], actor="ingrid", host="h", at=at("2026-11-24T18:00+01:00"))
        yield w


async def test_the_header_of_a_rehearsal_says_rehearsal_and_the_runbooks_time(rehearsal):
    identity = Identity()
    async with Alone(identity).run_test(size=(80, 6)) as pilot:
        identity.snapshot = rehearsal.snapshot()
        await pilot.pause()
        shown = _text(identity)
        assert shown.startswith("REHEARSAL Move the intranet to the cloud")
        assert "Tue 24 Nov 19:20:00 (Fri 19:20 in the runbook)  T+01:20:00" in shown


async def test_the_narrow_header_of_a_rehearsal_says_rehearsal_first(rehearsal):
    summary = Summary()
    async with Alone(summary).run_test(size=(80, 4)) as pilot:
        summary.snapshot = rehearsal.snapshot()
        await pilot.pause()
        first, second = _text(summary).splitlines()[:2]
        assert first.startswith(" REHEARSAL ")
        assert second.startswith("Tue 19:20 (Fri 19:20 runbook) T+01:20")
