"""Mission control on an 80x24 terminal, on the example weekend played to Saturday 13:00:
what matters now is on the first screen, whole, and nothing covers it."""

from __future__ import annotations

import pytest

from runbook.tui.app import MissionControl
from runbook.tui.widgets import TaskTable
from runbook.usecases import Weekend

from .tui_helpers import EXAMPLE, SATURDAY_1300, saturday_weekend, until
from .weekend_helpers import FakeClock, at


@pytest.fixture
def app(tmp_path):
    clock = FakeClock(SATURDAY_1300)
    runbook, state = saturday_weekend(tmp_path, clock)
    weekend = Weekend.open(runbook, state, clock=clock)
    application = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    yield application
    weekend.close()


def screen_text(app: MissionControl) -> str:
    """What the terminal shows, as plain lines."""
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )


async def test_the_header_at_80_columns_leads_with_the_no_go_then_the_verdict_and_the_figures(
    app,
):
    # Issue 21 §5: an open NO-GO is the first line (it was the verdict, ON PLAN, with the
    # NO-GO as a banner beneath); ahead/behind comes after it.
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first, second, third = screen_text(app).splitlines()[:3]
        assert "NO-GO   gonogo-2 · roll back by Sun 20:00 (in 1d7h) · takes 10h" in first
        assert "ON PLAN" in second
        assert "forecast Mon 02:00" in second and "deadline Mon 06:00 (4h spare)" in second
        assert "T+31:00" in third
        assert "PONR gonogo-2 Sun 20:00" in third
        assert "45/129" in third


async def test_at_80x24_the_task_table_opens_with_what_matters_now_not_the_mornings_done_work(
    app,
):
    """Failed, running, ready, late first (the issue 21 order); a task done this morning no
    longer sits between them, and the id, status, forecast and variance stay visible."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        table = app.query_one(TaskTable)
        assert table.sort_key == "now"
        assert table.selected_task == "dev-rollout-diagnostics"  # the failed task, first
        text = screen_text(app)
        rows = [line.split()[0] for line in text.splitlines() if line.startswith(" d")][:5]
        assert rows == [
            "dev-rollout-diagnostics",  # failed
            "dba-import-ehr",  # running, in start order
            "dev-rollout-outpatient-leiden",
            "dba-rowcount-other",
            "dba-ehr-indexes",  # late
        ]
        for words in ("dba-import-ehr", "running overrun", "Sat 07:15–13:00 ~", "+1h15m"):
            assert words in text
        assert "dev-rollout-diagnostics        FAILED" in text
        assert "dev-rollout-outpatient-alphen" not in text  # done at 11:00
        assert "fri-bridge-open" not in text


async def test_start_up_alerts_are_a_banner_not_toasts(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app._notifications
        assert "✖ dev-rollout-diagnostics FAILED" in screen_text(app)


async def test_the_nogo_banner_says_when_the_rollback_must_start_even_at_80_columns(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "start by Sun 20:00 (in 1d7h)" in screen_text(app)


async def test_the_panels_at_80_columns_stay_inside_the_screen(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        now = app.query_one("#now")
        assert now.display and now.region.right <= 80
        assert "dba-import-ehr" in str(now.render())
        for panel in ("#running", "#ready", "#late"):  # one list instead of three narrow ones
            assert not app.query_one(panel).display


async def test_recent_events_are_newest_first_by_when_they_happened(app):
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        lines = str(app.query_one("#recent").render()).splitlines()
        times = [line.split()[0] for line in lines[:5]]
        assert times == ["13:00", "13:00", "12:50", "11:30", "11:00"]


async def test_the_help_fits_an_80_by_24_screen_and_scrolls(app):
    from runbook.tui.screens import HelpScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        dialog = app.screen.query_one("#dialog")
        assert dialog.region.bottom <= 24 and dialog.region.right <= 80
        assert dialog.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert dialog.scroll_y == dialog.max_scroll_y


@pytest.fixture
def friday_morning(tmp_path):
    """The example weekend on Friday 06:35: the bridge opened, freeze-changes ready and late,
    comms-fri-staff-notice ready from 08:00."""
    clock = FakeClock("2026-12-04T06:35+01:00")
    runbook = tmp_path / "weekend.yaml"
    runbook.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    weekend = Weekend.open(runbook, tmp_path / "weekend.state.db", clock=clock, create=True)
    for kind, when in (("start", "06:00"), ("done", "06:15")):
        weekend.record(
            kind, ["fri-bridge-open"], actor="ingrid", host="b", at=at(f"2026-12-04T{when}+01:00")
        )
    application = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    yield application
    weekend.close()


async def test_a_ready_task_at_80x24_shows_whom_to_call_with_name_and_number_whole(
    friday_morning,
):
    async with friday_morning.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        lines = screen_text(friday_morning).splitlines()
        ready = next(line for line in lines if "▶ freeze-changes" in line)
        # On one line, with the id: never cut or wrapped.
        assert "☎ Ingrid de Vries +31 20 555 0100" in ready
        assert "Project Management Office (mission control)" not in ready  # gives way


async def test_v_shows_recent_events_teams_and_phases_at_80x24_and_v_again_what_matters_now(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Now: 1 failed · 3 running" in text
        assert "Teams" not in text and "Recent events" not in text
        await pilot.press("v")
        await pilot.pause()
        text = screen_text(app)
        assert "Recent events" in text and "Teams" in text and "Phases" in text
        assert "Now:" not in text
        await pilot.press("v")
        await pilot.pause()
        assert "Now: 1 failed · 3 running" in screen_text(app)


async def test_help_is_in_the_footer_at_80_columns(app):
    async with app.run_test(size=(80, 24)) as pilot:
        # Waits for the footer's first paint: one pause was not always enough on a busy
        # machine (the last line was still blank).
        await until(pilot, lambda: bool(screen_text(app).splitlines()[-1].strip()))
        assert "? Help" in screen_text(app).splitlines()[-1]


async def test_at_80_columns_the_header_says_when_a_rollback_started_now_would_end(tmp_path):
    # Issue 22: before any NO-GO, beside the next point of no return (gonogo-2, whose
    # rollback takes 10h): started at Fri 07:00 it would end Fri 17:00. The gate's id gives
    # way for it at 80 columns.
    clock = FakeClock("2026-12-04T07:00+01:00")
    runbook = tmp_path / "weekend.yaml"
    runbook.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    weekend = Weekend.open(runbook, tmp_path / "weekend.state.db", clock=clock, create=True)
    app = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: "T+01:00" in screen_text(app))
            line = next(x for x in screen_text(app).splitlines() if "T+01:00" in x)
            assert "PONR Sun 20:00 · if rolled back: Fri 17:00 · 0/129" in line
    finally:
        weekend.close()
