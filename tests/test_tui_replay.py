"""A replay (the dashboard at a clock fixed by --now) is read-only, always, and says so."""

from __future__ import annotations

import pytest

from runbook.tui.app import MissionControl
from runbook.tui.screens import ConfirmScreen
from runbook.tui.widgets import TaskTable
from runbook.usecases import Weekend

from .tui_helpers import FRIDAY_1820, prepared_weekend
from .weekend_helpers import FakeClock, at

FRIDAY_1815 = "2026-12-04T18:15+01:00"


def _events(runbook, state) -> list[tuple[int, str | None, str]]:
    with Weekend.open(runbook, state) as weekend:
        return [(e.seq, e.task, e.kind) for e in weekend.events()]


@pytest.fixture
def replay(tmp_path):
    """The minimal weekend recorded up to 18:20, opened as it was at 18:15 (--now), and the
    dashboard over it, NOT asked to be read-only."""
    runbook, state = prepared_weekend(tmp_path, FakeClock(FRIDAY_1820))
    weekend = Weekend.open(runbook, state, create=True, at=lambda plan: at(FRIDAY_1815))
    assert weekend.replay
    app = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    yield app, runbook, state
    weekend.close()


async def test_a_replay_records_nothing_even_when_a_check_in_is_forced(replay):
    app, runbook, state = replay
    before = _events(runbook, state)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.query_one(TaskTable).select("backup")
        await pilot.pause()
        await pilot.press("d", "enter", "ctrl+f")  # done, confirmed, forced past a refusal
        await pilot.pause()
        assert _events(runbook, state) == before
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("s", "ctrl+f", "e", "p", "u", "enter")
        await pilot.pause()
    assert app.read_only
    assert _events(runbook, state) == before


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 45)])
async def test_a_replay_says_replay_in_the_header_at_every_width(replay, size):
    app, _, _ = replay
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        header = "\n".join(
            str(widget.render()) for widget in app.query("#identity, #summary") if widget.display
        )
        assert "REPLAY" in header, header
        assert app.sub_title == "REPLAY"


async def test_a_replay_at_80x24_keeps_the_dropped_must_whole_beside_replay(tmp_path):
    """The narrow header's second line: REPLAY first, then the clock and the progress with the
    dropped work; the point of no return gives way (its gate's id first), never those."""
    from .tui_helpers import SATURDAY_1300, saturday_weekend

    clock = FakeClock(SATURDAY_1300)
    runbook, state = saturday_weekend(tmp_path, clock)
    with Weekend.open(runbook, state, clock=clock) as weekend:
        dropped = ["dev-rollout-ed-icu", "dev-compliance-report"]
        kept = weekend.record(
            "skip", dropped, actor="i", host="b", note="no time", dropped=True, force=True
        )
        assert not kept.refused
    with Weekend.open(runbook, state, at=lambda plan: at(SATURDAY_1300)) as weekend:
        app = MissionControl(weekend, actor="coordinator", host="bridge")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            line = str(app.query_one("#summary").render()).splitlines()[1]
    assert line.startswith(" REPLAY  Sat 13:00 T+31:00"), line
    assert line.rstrip().endswith("2 dropped (1 must!)"), line
    assert "PONR Sun 20:00" in line


async def test_a_live_dashboard_says_neither(tmp_path):
    clock = FakeClock(FRIDAY_1820)
    runbook, state = prepared_weekend(tmp_path, clock)
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        app = MissionControl(weekend, actor="coordinator", host="bridge")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            summary = str(app.query_one("#summary").render())
            assert "REPLAY" not in summary and "READ-ONLY" not in summary
            assert not app.read_only


def test_control_with_now_opens_the_dashboard_read_only_and_writes_nothing(
    tmp_path, cli, monkeypatch
):
    runbook, state = prepared_weekend(tmp_path, FakeClock(FRIDAY_1820))
    before = state.read_bytes()
    opened: list[MissionControl] = []

    def run(self: MissionControl) -> None:  # instead of taking over the terminal
        opened.append(self)

    monkeypatch.setattr(MissionControl, "run", run)
    result = cli("control", "-f", runbook, "--state", state, "--now", "2026-12-04T18:15")
    assert result.exit_code == 0, result.stderr
    assert opened and opened[0].read_only and opened[0].weekend.replay
    assert state.read_bytes() == before


def test_control_with_runbook_now_in_the_environment_is_a_replay_too(tmp_path, cli, monkeypatch):
    runbook, state = prepared_weekend(tmp_path, FakeClock(FRIDAY_1820))
    opened: list[MissionControl] = []
    monkeypatch.setattr(MissionControl, "run", lambda self: opened.append(self))
    result = cli(
        "control", "-f", runbook, "--state", state, env={"RUNBOOK_NOW": "2026-12-04T18:15"}
    )
    assert result.exit_code == 0, result.stderr
    assert opened[0].read_only
