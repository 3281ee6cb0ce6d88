"""Times typed on the command line stay within the bounds: nothing out of them is ever
committed, an --at far from the weekend needs --force, a local time the clocks skip or
repeat is resolved with a warning, and an out-of-bounds event left in a state file by an
older version does not stop any screen."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from runbook.tui.app import MissionControl
from runbook.usecases import Weekend

from .builders import minimal_runbook
from .conftest import EXAMPLES
from .weekend_helpers import FakeClock

NOW = "2026-12-04T18:20"


@pytest.fixture
def runbook(tmp_path):
    return minimal_runbook(tmp_path, "intranet.yaml")


@pytest.fixture
def env(runbook):
    return {"RUNBOOK_NOW": NOW, "RUNBOOK_USER": "ingrid", "RUNBOOK_FILE": str(runbook)}


def _events(runbook) -> list[tuple[object, ...]]:
    state = runbook.parent / "intranet.state.db"
    if not state.exists():
        return []
    with sqlite3.connect(state) as db:
        return db.execute("SELECT at, kind FROM events").fetchall()


def test_a_clock_set_to_the_year_9999_is_refused_before_anything_is_recorded(cli, runbook, env):
    result = cli("start", "freeze", env={**env, "RUNBOOK_NOW": "9999-12-31T20:00Z"})
    assert result.exit_code == 1
    assert "--now 9999-12-31T20:00Z: '9999-12-31T20:00Z' is outside the years 1970-2200" in (
        result.stderr
    )
    assert _events(runbook) == []
    assert cli("status", env=env).exit_code == 0


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "2201-01-01T00:00", "99999-01-01"])
def test_an_at_outside_the_years_1970_to_2200_is_refused_even_when_forced(cli, runbook, env, when):
    result = cli("start", "freeze", "--at", when, "--force", env=env)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert not [e for e in _events(runbook) if e[1] == "start"]


def test_an_at_a_year_before_the_weekend_is_refused_and_says_how_to_force_it(cli, runbook, env):
    result = cli("start", "freeze", "--at", "2025-12-04T18:00", env=env)
    assert result.exit_code == 1
    assert (
        "--at 2025-12-04 18:00 is more than a day before the weekend's start "
        "(2026-12-04 18:00); is the date right?" in result.stderr
    )
    assert "add --force to record it anyway" in result.stderr
    assert not [e for e in _events(runbook) if e[1] == "start"]
    forced = cli("start", "freeze", "--at", "2025-12-04T18:00", "--force", env=env)
    assert forced.exit_code == 0, forced.stderr


def test_an_at_more_than_a_week_after_the_deadline_is_refused(cli, runbook, env):
    later = {**env, "RUNBOOK_NOW": "2026-12-20T12:00"}
    result = cli("start", "freeze", "--at", "2026-12-13T06:01", env=later)
    assert result.exit_code == 1
    assert "more than a week after the weekend's deadline (2026-12-05 06:00)" in result.stderr
    assert cli("start", "freeze", "--at", "2026-12-12T06:00", env=later).exit_code == 0


def test_a_decision_far_from_the_weekend_needs_force_too(cli, tmp_path):
    shutil.copy(EXAMPLES / "cloud-migration-weekend.yaml", tmp_path / "cloud.yaml")
    env = {"RUNBOOK_NOW": "2026-12-04T12:00", "RUNBOOK_FILE": str(tmp_path / "cloud.yaml")}
    # gonogo-1 decides in two stages (issue 22): the project team's GO, by one of its leads.
    said = ("decide", "gonogo-1", "go", "--stage", "project-team", "--by", "Ruud Mulder")
    result = cli(*said, "--at", "2026-11-01T10:00", env=env)
    assert result.exit_code == 1
    assert "more than a day before the weekend's start" in result.stderr
    assert "add --force" in result.stderr
    forced = cli(*said, "--at", "2026-11-01T10:00", "--force", env=env)
    assert forced.exit_code == 0, forced.stderr


def test_a_time_the_clocks_skip_is_read_an_hour_later_with_a_warning_naming_the_offset(
    cli, runbook, env
):
    text = runbook.read_text().replace("2026-12-04T18:00", "2026-03-28T22:00")
    runbook.write_text(text.replace("2026-12-05T", "2026-03-29T"))
    spring = {**env, "RUNBOOK_NOW": "2026-03-29T04:00"}
    result = cli("start", "freeze", "--at", "2026-03-29T02:30", env=spring)
    assert result.exit_code == 0, result.stderr
    assert (
        "--at 2026-03-29T02:30 does not exist in Europe/Amsterdam (the clocks go forward); "
        "read as 2026-03-29 03:30 UTC+02:00" in result.stderr
    )
    assert "Sun 03:30" in result.stdout


def test_a_time_the_clocks_repeat_is_read_as_the_first_with_a_warning(cli, runbook, env):
    text = runbook.read_text().replace("2026-12-04T18:00", "2026-10-24T22:00")
    runbook.write_text(text.replace("2026-12-05T", "2026-10-25T"))
    autumn = {**env, "RUNBOOK_NOW": "2026-10-25T04:00"}
    result = cli("start", "freeze", "--at", "2026-10-25T02:30", env=autumn)
    assert result.exit_code == 0, result.stderr
    assert (
        "read as the first, 2026-10-25 02:30 UTC+02:00; for the second, write the offset: "
        "2026-10-25T02:30+01:00" in result.stderr
    )


@pytest.fixture
def damaged(cli, runbook, env):
    """A state file holding an event in the year 292,277,026,596 (as an older version could
    write), next to ordinary ones."""
    assert cli("start", "freeze", "--at", "18:00", env=env).exit_code == 0
    state = runbook.parent / "intranet.state.db"
    with sqlite3.connect(state) as db:
        db.execute(
            "INSERT INTO events (at, recorded, task, kind, actor, host) "
            "VALUES (?, ?, 'freeze', 'done', 'old', 'old')",
            (2**62, 2**62),
        )
    return state


@pytest.mark.parametrize(
    "command", [("status",), ("plan",), ("log",), ("status", "--json"), ("plan", "--json")]
)
def test_an_out_of_bounds_event_in_the_state_file_does_not_stop_a_command(
    cli, env, damaged, command
):
    result = cli(*command, env=env)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr


async def test_an_out_of_bounds_event_in_the_state_file_does_not_stop_mission_control(
    runbook, damaged
):
    clock = FakeClock("2026-12-04T18:20+01:00")
    weekend = Weekend.open(runbook, damaged, clock=clock)
    app = MissionControl(weekend, actor="coordinator", host="bridge", read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.snap.by_id("freeze").status == "done"
