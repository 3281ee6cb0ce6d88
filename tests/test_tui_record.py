"""The dashboard and the runbook's versions (issue 23): an edit not recorded is said once, not
toasted again at every event; a revision recorded elsewhere comes into force live, shows in
the header and in the log with its summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook.tui.widgets import EventLog, Summary
from runbook.usecases import Weekend

from .tui_helpers import FRIDAY_1820, control_app, until
from .weekend_helpers import FakeClock, at

EARLIER = ("deadline: 2026-12-05T06:00", "deadline: 2026-12-05T05:00")


def _edit(runbook: Path) -> None:
    """Bring the deadline forward an hour in the runbook file (not recorded)."""
    runbook.write_text(runbook.read_text(encoding="utf-8").replace(*EARLIER), encoding="utf-8")


def _toasts(app) -> list[str]:
    """Every toast the app makes, in order (kept apart from Textual's expiring list)."""
    said: list[str] = []
    toast = app.notify

    def counting(message, *args, **kwargs):
        said.append(str(message))
        return toast(message, *args, **kwargs)

    app.notify = counting
    return said


async def test_an_edit_not_recorded_is_toasted_once_however_many_events_arrive(tmp_path):
    clock = FakeClock(FRIDAY_1820)
    app, runbook, state = control_app(tmp_path, clock)
    said = _toasts(app)
    async with app.run_test(size=(120, 40)) as pilot:
        _edit(runbook)
        await until(pilot, lambda: any("differs from runbook version 1" in s for s in said))
        with Weekend.open(runbook, state, clock=clock) as other:
            for n in range(3):
                other.record("note", ["backup"], actor="sanne", host="pc2", note=f"n{n}")
        await until(pilot, lambda: len(app.live.recent) >= 8)
        await pilot.pause(0.3)  # a few polls more: nothing new to say
        assert sum("differs from runbook version 1" in s for s in said) == 1
        # Not in force: the deadline stays the recorded version's.
        assert app.weekend.plan.deadline == int(at("2026-12-05T06:00+01:00").timestamp())
    app.weekend.close()


async def test_a_revision_recorded_elsewhere_comes_into_force_in_the_header_and_the_log(
    tmp_path,
):
    clock = FakeClock(FRIDAY_1820)
    app, runbook, state = control_app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        summary = app.query_one(Summary)
        assert summary.version is None  # the runbook the weekend began with
        _edit(runbook)
        with Weekend.open(runbook, state, clock=clock) as other:
            other.revise(actor="ingrid", host="pc1", reason="steering committee")
        await until(pilot, lambda: summary.version == "v2")
        shown = str(summary.render())
        assert "deadline Sat 05:00" in shown and "· v2" in shown
        assert not any("differs from" in n for n in app.weekend.notices)
        log = app.query_one(EventLog)
        await until(pilot, lambda: log.row_count == len(app.live.recent))
        row = [str(cell) for cell in log.get_row_at(log.row_count - 1)]
        assert row[3] == "revise"
        assert row[5] == "deadline Sat 06:00 → Sat 05:00 — steering committee"
    app.weekend.close()


@pytest.fixture
def revised(tmp_path):
    """The minimal weekend at 18:20 with its deadline brought forward and recorded."""
    clock = FakeClock(FRIDAY_1820)
    app, runbook, state = control_app(tmp_path, clock)
    app.weekend.close()
    _edit(runbook)
    with Weekend.open(runbook, state, clock=clock) as weekend:
        weekend.revise(actor="ingrid", host="pc1", reason="steering committee")
    from runbook.tui.app import MissionControl

    weekend = Weekend.open(runbook, state, clock=clock)
    yield MissionControl(weekend, actor="coordinator", host="bridge")
    weekend.close()


def test_a_revised_runbook_on_an_80_by_24_terminal(snap_compare, revised):
    """Version 2 in force: marked in the slim header, its summary and reason in the log."""
    assert snap_compare(revised, terminal_size=(80, 24), press=["3"])
