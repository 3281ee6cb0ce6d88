"""How mission control looks, at fixed terminal sizes and a frozen clock (SVG snapshots).

Update after an intended change of looks with ``pytest tests/test_tui_snapshots.py
--snapshot-update``, and look at the new SVGs before committing them.
"""

from __future__ import annotations

import pytest

from .tui_helpers import FRIDAY_1820, control_app
from .weekend_helpers import FakeClock


@pytest.fixture
def app(tmp_path):
    application, _, _ = control_app(tmp_path, FakeClock(FRIDAY_1820))
    yield application
    application.weekend.close()


def test_the_main_screen_on_a_120_by_40_terminal(snap_compare, app):
    """Header with the verdict, the task table and the panel strip beneath it."""
    assert snap_compare(app, terminal_size=(120, 40))


def test_the_main_screen_on_a_wide_terminal(snap_compare, app):
    """From 160 columns the panels stand beside the table."""
    assert snap_compare(app, terminal_size=(170, 45))


def test_the_main_screen_on_an_80_by_24_terminal(snap_compare, app):
    """The slim header and a short panel strip."""
    assert snap_compare(app, terminal_size=(80, 24))


def test_the_timeline(snap_compare, app):
    """Baseline (upper half) against forecast (lower half), with now and the deadline."""
    assert snap_compare(app, terminal_size=(120, 30), press=["2"])


def test_a_refusal(snap_compare, app):
    """Starting a task whose predecessor is not done: the reason in the first dialog, before
    anything is confirmed, with Force and Cancel instead of Confirm."""

    async def start_export(pilot) -> None:
        from runbook.tui.widgets import TaskTable

        from .tui_helpers import settled

        app.query_one(TaskTable).select("export")
        await pilot.pause()
        await pilot.press("s")
        await settled(pilot)  # the rules' verdict comes from the store's thread

    assert snap_compare(app, terminal_size=(120, 40), run_before=start_export)


@pytest.fixture
def saturday(tmp_path):
    from runbook.tui.app import MissionControl
    from runbook.usecases import Weekend

    from .tui_helpers import SATURDAY_1300, saturday_weekend

    clock = FakeClock(SATURDAY_1300)
    runbook, state = saturday_weekend(tmp_path, clock)
    weekend = Weekend.open(runbook, state, clock=clock)
    yield MissionControl(weekend, actor="coordinator", host="bridge")
    weekend.close()


def test_a_weekend_mid_flight_on_an_80_by_24_terminal(snap_compare, saturday):
    """Saturday 13:00 with a failed task, overruns, late tasks and a NO-GO: the two-line
    header, one-line banners, the table at now, running, ready and late side by side."""
    assert snap_compare(saturday, terminal_size=(80, 24))


def test_a_weekend_mid_flight_on_a_160_by_50_terminal(snap_compare, saturday):
    """The same moment with room: the big verdict, the panels beside the table."""
    assert snap_compare(saturday, terminal_size=(160, 50))


def test_a_weekend_mid_flight_on_a_160_by_45_terminal(snap_compare, saturday):
    """The coordinator's wide screen: no time in the table is cut by its column."""
    assert snap_compare(saturday, terminal_size=(160, 45))


def test_what_could_be_pulled_forward_on_an_80_by_24_terminal(snap_compare, saturday):
    """P: the tasks only their not_before holds, what each brings closer first."""
    assert snap_compare(saturday, terminal_size=(80, 24), press=["P"])


@pytest.fixture
def replay(tmp_path):
    from runbook.tui.app import MissionControl
    from runbook.usecases import Weekend

    from .tui_helpers import SATURDAY_1300, saturday_weekend
    from .weekend_helpers import at

    runbook, state = saturday_weekend(tmp_path, FakeClock(SATURDAY_1300))
    weekend = Weekend.open(runbook, state, at=lambda plan: at(SATURDAY_1300))
    yield MissionControl(weekend, actor="coordinator", host="bridge")
    weekend.close()


def test_a_replay_on_an_80_by_24_terminal(snap_compare, replay):
    """--now: REPLAY first on the clock's line, and nothing to record with in the footer."""
    assert snap_compare(replay, terminal_size=(80, 24))


@pytest.fixture
def rehearsal(tmp_path):
    """The minimal example rehearsed on Tuesday 24 November from 18:00 (ten days before the
    weekend), the freeze done and the backup under way at 19:20."""
    from runbook.tui.app import MissionControl
    from runbook.usecases import Weekend

    from .conftest import EXAMPLES
    from .weekend_helpers import at

    clock = FakeClock("2026-11-24T19:20+01:00")
    weekend = Weekend.open(EXAMPLES / "minimal.yaml", tmp_path / "r.db", clock=clock, create=True)
    weekend.begin_rehearsal(at("2026-11-24T18:00+01:00"))
    for moment, kind, task in (("18:02", "start", "freeze"), ("18:14", "done", "freeze")):
        told = at(f"2026-11-24T{moment}+01:00")
        weekend.record(kind, [task], actor="ingrid", host="h", at=told)
    weekend.record("start", ["backup"], actor="ingrid", host="h", at=at("2026-11-24T18:15+01:00"))
    yield MissionControl(weekend, actor="coordinator", host="bridge")
    weekend.close()


def test_a_rehearsal_on_a_120_by_40_terminal(snap_compare, rehearsal):
    """REHEARSAL in the header with the runbook's time; the table's times the rehearsal's, the
    plan column with the runbook's start beside each (Plan (runbook))."""
    assert snap_compare(rehearsal, terminal_size=(120, 40))


def test_a_rehearsals_timeline_on_an_80_by_24_terminal(snap_compare, rehearsal):
    """The rehearsal's days and hours, and the runbook's beneath them in yellow."""
    assert snap_compare(rehearsal, terminal_size=(80, 24), press=["2"])
