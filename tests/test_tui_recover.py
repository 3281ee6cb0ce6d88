"""The dashboard's R: the recovery options from the core, and dropped work in the table."""

from __future__ import annotations

from runbook.tui.app import MissionControl
from runbook.tui.screens.recover import RecoverScreen
from runbook.tui.widgets.rows import task_row
from runbook.usecases import Weekend

from .builders import played_weekend
from .test_cli_recover import PLAYED
from .test_recover import LATE
from .tui_helpers import settled
from .weekend_helpers import FakeClock


def _app(write_runbook) -> MissionControl:
    path = write_runbook(LATE)
    played_weekend(path, PLAYED)
    weekend = Weekend.open(path, clock=FakeClock("2026-12-04T14:30Z"), create=True)
    return MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)


async def test_r_shows_what_to_drop_to_land_in_time_and_records_nothing(write_runbook):
    app = _app(write_runbook)
    before = len(app.weekend.events())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await settled(pilot)
        assert isinstance(app.screen, RecoverScreen)
        text = " ".join(str(app.screen.query_one("#detail").render()).split())
        assert "30m PAST THE DEADLINE" in text
        assert "1. drop n (nice: N) — gains 40m, finish Fri 16:50, 10m to spare" in text
        assert "runbook drop n --reason ..." in text
        await pilot.press("escape")
        assert not isinstance(app.screen, RecoverScreen)
    assert len(app.weekend.events()) == before
    app.weekend.close()


def test_the_table_shows_optional_work_with_its_priority_and_dropped_work_as_dropped(
    write_runbook,
):
    path = write_runbook(LATE)
    played_weekend(path, [*PLAYED, ("2026-12-04T14:30Z", "start", "p")])
    with Weekend.open(path, clock=FakeClock("2026-12-04T14:30Z"), create=True) as weekend:
        weekend.record("skip", ["n"], actor="c", host="h", note="no time", dropped=True)
        snap = weekend.snapshot()
        assert str(task_row(snap, snap.by_id("n"))[1]) == "dropped"
    path2 = write_runbook(LATE, "other.yaml")
    with Weekend.open(path2, clock=FakeClock("2026-12-04T08:00Z"), create=True) as weekend:
        snap = weekend.snapshot()
        assert str(task_row(snap, snap.by_id("p"))[1]) == "pending nice"
