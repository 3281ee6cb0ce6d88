"""The dashboard tells the truth at any size (issue 21): at 80x24 what matters now comes
first, each id and figure whole on one line with the number to call; at 160x45 no time is cut
by its column; the tasks that could be pulled forward have a view of their own (P)."""

from __future__ import annotations

import pytest
from textual.widgets.data_table import ColumnKey

from runbook.format.durations import clock
from runbook.tui.app import MissionControl
from runbook.tui.screens import AskScreen, ConfirmScreen, HelpScreen
from runbook.tui.screens.help import HELP_TEXT
from runbook.tui.screens.pull import PullScreen
from runbook.tui.widgets import TaskTable
from runbook.usecases import Weekend

from .test_tui_narrow import screen_text
from .tui_helpers import SATURDAY_1300, saturday_weekend, settled, until
from .weekend_helpers import FakeClock


@pytest.fixture
def saturday(tmp_path):
    clock = FakeClock(SATURDAY_1300)
    runbook, state = saturday_weekend(tmp_path, clock)
    weekend = Weekend.open(runbook, state, clock=clock, create=True)
    app = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    yield app, runbook, state
    weekend.close()


async def test_at_80x24_what_matters_now_is_one_list_each_line_whole_with_the_number_to_call(
    saturday,
):
    app, _, _ = saturday
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        panel = [line for line in lines if line.startswith("│")]
        expected = [  # the lead's name gives way to the number
            "✖ dev-rollout-diagnostics FAILED 1h20m/3h 10m lost ☎ +31 20 555 0170",
            "● dba-import-ehr 5h45m/5h +45m",
            "● dba-rowcount-other 2h25m/1h +1h25m",
            "● dev-rollout-outpatient-leiden 5h/4h +1h",
            "! dba-ehr-indexes 1h15m late (waiting for dba-import-ehr)",
        ]
        for line, wanted in zip(panel, expected, strict=False):
            assert line[2:].startswith(wanted), (wanted, line)
        title = next(line for line in lines if "Now:" in line)
        assert "Now: 1 failed · 3 running" in title


async def test_at_160x45_no_time_or_figure_in_the_table_is_wider_than_its_column(saturday):
    app, _, _ = saturday
    async with app.run_test(size=(160, 45)) as pilot:
        table = app.query_one(TaskTable)
        await until(pilot, lambda: table.row_count == 129 and not table.filling)
        for key in ("status", "when", "var", "float"):
            column = table.columns[ColumnKey(key)]
            widest = max(table.get_cell(row, key).cell_len for row in table.rows)
            assert widest <= column.width, (key, widest, column.width)
        # A forecast over midnight, whole on the screen.
        snap, zone = app.snap, app.weekend.plan.zone
        assert snap is not None
        night = next(
            s
            for s in snap.tasks
            if s.status == "pending"
            and clock(s.forecast_start, zone)[:3] != clock(s.forecast_finish, zone)[:3]
        )
        table.select(night.id)
        await pilot.pause()
        span = f"~{clock(night.forecast_start, zone)}–{clock(night.forecast_finish, zone)}"
        assert span in screen_text(app), span


async def test_the_table_follows_the_width_until_a_sort_is_chosen(saturday):
    app, _, _ = saturday
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(TaskTable)
        await pilot.pause()
        assert table.sort_key == "now"
        await pilot.resize_terminal(160, 45)
        await until(pilot, lambda: table.sort_key == "when")
        await pilot.press("o")  # the next order after the weekend's: by variance
        assert table.sort_key == "var"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert table.sort_key == "var"  # chosen: it stays


async def test_p_shows_what_could_be_pulled_forward_best_gain_first_and_pulls_it(saturday):
    app, runbook, state = saturday
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, PullScreen)
        first = app.screen.pull[0]
        assert (first.id, first.milestone) == ("uat-ehr", "gonogo-3")
        assert "gonogo-3 4h sooner" in screen_text(app)
        # The tasks that gain nothing come after every one that gains something.
        gains = [p.gains_anything for p in app.screen.pull]
        assert gains == sorted(gains, reverse=True)
        await pilot.press("p")  # pull the first one: asks when (empty: as soon as possible)
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await settled(pilot)
        assert app.query_one(TaskTable).selected_task == "uat-ehr"
    with Weekend.open(runbook, state) as weekend:
        last = weekend.events()[-1]
    assert (last.task, last.kind, last.actor) == ("uat-ehr", "pull", "coordinator")


async def test_enter_in_the_pull_view_goes_to_the_task_and_records_nothing(saturday):
    app, runbook, state = saturday
    with Weekend.open(runbook, state) as weekend:
        before = len(weekend.events())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("P", "down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, PullScreen)
        second = app.weekend.pull_forward(app.snap)[1].id
        assert app.query_one(TaskTable).selected_task == second
    with Weekend.open(runbook, state) as weekend:
        assert len(weekend.events()) == before


async def test_the_help_names_the_pull_forward_view(saturday):
    app, _, _ = saturday
    assert "[b]P[/b] what could be pulled forward" in HELP_TEXT
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "what could be pulled forward" in screen_text(app)


async def test_a_ready_task_that_is_late_is_listed_once_with_its_lateness_and_whom_to_call(
    tmp_path,
):
    clock = FakeClock(SATURDAY_1300)
    runbook, state = saturday_weekend(tmp_path, clock)
    clock.set("2026-12-05T13:05+01:00")
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        done = ["dba-import-ehr", "dev-rollout-outpatient-leiden"]
        assert not weekend.record("done", done, actor="sanne", host="dba").refused
    clock.set("2026-12-05T13:10+01:00")
    with Weekend.open(runbook, state, clock=clock) as weekend:
        app = MissionControl(weekend, actor="coordinator", host="bridge")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            text = screen_text(app)
    panel = [line for line in text.splitlines() if line.startswith("│")]
    ready = [line for line in panel if "dba-ehr-indexes" in line]
    assert len(ready) == 1, panel
    assert "▶ dba-ehr-indexes 1h25m late ☎ Ruud Mulder +31 20 555 0150" in ready[0]
    assert "Now: 1 failed · 1 running · 2 ready · 2 late" in text
