"""A recorded weekend played back (issue 24): `runbook control --replay` shows, at every
moment, the verdict and the figures `status --now` gives for that moment; read-only, with
REPLAY and the replayed time in the header; keys pause, step, jump and change the speed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runbook.contracts.weekend import verdict_json
from runbook.format.durations import iso
from runbook.tui.app import MissionControl
from runbook.tui.widgets import Identity
from runbook.usecases import Weekend
from runbook.usecases.replay import ReplayClock, replay_start
from runbook.weekend.views import verdict

from .conftest import EXAMPLES
from .test_rehearse import _play_the_whole_runbook
from .tui_helpers import until
from .weekend_helpers import FakeClock


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The example weekend recorded start to end, the transfers slower than planned (the
    weekend falls behind, then the buffer takes it), without force."""
    folder = tmp_path_factory.mktemp("recorded")
    runbook = folder / "cloud.yaml"
    shutil.copy(EXAMPLES / "cloud-migration-weekend.yaml", runbook)
    state = folder / "weekend.db"
    clock = FakeClock("2026-12-04T06:00+01:00")
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        slow = {"dba-export-ehr": 3 * 3600, "uat-ehr": 5 * 3600}
        _play_the_whole_runbook(weekend, clock, took=slow)
    yield runbook, state


# Moments of the weekend (Friday 06:00 to Monday 06:00): before the start, under way,
# behind, after the finish.
MOMENTS = [
    "2026-12-04T05:30+01:00",
    "2026-12-04T13:17+01:00",
    "2026-12-05T02:00+01:00",
    "2026-12-05T22:45+01:00",
    "2026-12-06T11:00+01:00",
    "2026-12-07T03:00+01:00",
]


def _replay(runbook: Path, state: Path, start: int, speed: float, ticks: list[float]):
    clock = ReplayClock(start, speed=speed, monotonic=lambda: ticks[0])
    weekend = Weekend.open(
        runbook, state, read_only=True, at=lambda plan: datetime.fromtimestamp(start, UTC)
    )
    weekend.clock = clock
    app = MissionControl(weekend, actor="trainee", host="h", poll_seconds=0.05, replay_clock=clock)
    return app, weekend, clock


def _status_at(cli, runbook: Path, state: Path, moment: str) -> dict[str, object]:
    result = cli("status", "-f", runbook, "--state", state, "--json", env={"RUNBOOK_NOW": moment})
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
async def test_a_replay_at_600x_shows_the_verdicts_and_figures_of_status_now(cli, recorded):
    runbook, state = recorded
    moments = [int(datetime.fromisoformat(m).timestamp()) for m in MOMENTS]
    start = moments[0]
    ticks = [0.0]
    app, weekend, _ = _replay(runbook, state, start, 600, ticks)
    seen: list[str] = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            for moment, text in zip(moments, MOMENTS, strict=True):
                ticks[0] = (moment - start) / 600  # the replay at 600× reaches the moment
                await until(pilot, lambda m=moment: app.snap is not None and app.snap.clock == m)
                snap = app.snap
                assert snap is not None
                expected = _status_at(cli, runbook, state, text)
                shown = verdict_json(verdict(snap), snap.plan)
                assert shown == expected["verdict"], text
                assert iso(snap.forecast_finish, snap.plan.zone) == expected["forecast_finish"]
                done = sum(1 for s in snap.tasks if s.status == "done")
                assert done == expected["counts"]["done"], text
                seen.append(str(expected["verdict"]["headline"]))  # type: ignore[index]
            assert app.read_only
            header = str(app.query_one(Identity).render())
            assert header.startswith("REPLAY 600×")
    finally:
        weekend.close()
    assert "BEHIND" in seen and len(set(seen)) > 1  # the verdicts compared were not all one


async def test_the_keys_pause_step_to_the_next_event_jump_and_change_the_speed(recorded):
    runbook, state = recorded
    start = int(datetime.fromisoformat("2026-12-04T07:00+01:00").timestamp())
    ticks = [0.0]
    app, weekend, clock = _replay(runbook, state, start, 60, ticks)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: app.snap is not None)
            await pilot.press("space")
            assert clock.paused and clock.state == "paused"
            ticks[0] = 100.0  # paused: the replayed time stands still
            assert clock.seconds() == start
            await pilot.press("full_stop")  # to the next recorded event
            await until(pilot, lambda: clock.seconds() > start)
            assert weekend.store is not None
            after = [e.at for e in weekend.store.events() if e.at > start]
            assert clock.seconds() == min(after)
            await pilot.press("j")
            await pilot.press(*"2026-12-05T10:00", "enter")
            ten = int(datetime.fromisoformat("2026-12-05T10:00+01:00").timestamp())
            await until(pilot, lambda: app.snap is not None and app.snap.clock == ten)
            await pilot.press("j")
            await pilot.press(*"2026-12-04T09:00", "enter")  # back: later events held again
            nine = int(datetime.fromisoformat("2026-12-04T09:00+01:00").timestamp())
            await until(pilot, lambda: app.snap is not None and app.snap.clock == nine)
            assert app.snap is not None
            assert max(e.at for e in app.live.recent) <= nine
            await pilot.press("space", "plus")
            assert not clock.paused and clock.speed == 600
            await pilot.press("minus", "minus")
            assert clock.speed == 10
    finally:
        weekend.close()


def test_a_replay_begins_at_the_first_event_or_an_hour_before_the_start():
    assert replay_start(10_000, []) == 10_000 - 3600


def test_control_replay_refuses_an_empty_state_and_options_without_replay(cli, tmp_path):
    runbook = tmp_path / "cloud.yaml"
    shutil.copy(EXAMPLES / "cloud-migration-weekend.yaml", runbook)
    empty = cli("control", "-f", runbook, "--replay", "--state", tmp_path / "none.db")
    assert empty.exit_code == 1
    assert "nothing recorded to play back" in empty.stderr
    alone = cli("control", "-f", runbook, "--speed", "600")
    assert alone.exit_code == 2
    assert "give --replay" in alone.stderr
