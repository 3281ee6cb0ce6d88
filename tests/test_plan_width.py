"""`runbook plan` on any terminal from 80 columns up, with and without a state: titles and team
names give way first; an id, a time, a figure or a marker is never cut nor dropped."""

from __future__ import annotations

from datetime import datetime

import pytest
from rich.cells import cell_len

from runbook.format.durations import clock, format_duration, format_variance
from runbook.usecases import Weekend

from .tui_helpers import EXAMPLE, SATURDAY_1300, saturday_weekend
from .weekend_helpers import FakeClock

WIDTHS = [80, 100, 120]


@pytest.fixture(scope="module")
def saturday(tmp_path_factory):
    """The example weekend played to Saturday 13:00 (a failure, overruns, a NO-GO)."""
    folder = tmp_path_factory.mktemp("saturday")
    return saturday_weekend(folder, FakeClock(SATURDAY_1300))


def _plan(cli, *args, columns: int) -> list[str]:
    env = {"COLUMNS": str(columns), "RUNBOOK_NOW": SATURDAY_1300}
    result = cli("plan", *args, env=env)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    too_long = [line for line in lines if cell_len(line) > columns]
    assert not too_long, "\n".join(too_long)
    return lines


def _row(lines: list[str], task_id: str) -> str:
    """The table's row of a task: its id is the first word, after the `!` marker if any."""
    rows = [line for line in lines if task_id in line.split()[:2]]
    assert rows, f"no row for {task_id}"
    return rows[0]


@pytest.mark.parametrize("columns", WIDTHS)
def test_with_a_state_every_row_keeps_its_times_late_start_slip_and_critical_mark(
    cli, saturday, columns
):
    runbook, state = saturday
    lines = _plan(cli, "-f", runbook, "--state", state, columns=columns)
    header = next(line for line in lines if line.split()[:1] == ["Task"])
    assert "Slip" in header and "Late" in header and "Status" in header
    moment = datetime.fromisoformat(SATURDAY_1300)
    with Weekend.open(runbook, state, at=lambda plan: moment) as weekend:
        snap = weekend.snapshot()
        zone = snap.plan.zone
        for s in snap.tasks:
            row = _row(lines, s.id)
            assert row.startswith("!") == s.critical, row
            words = row.split()
            assert s.shown_status in words, row
            for needed in (clock(s.forecast_start, zone), clock(s.forecast_finish, zone)):
                assert needed in row, (needed, row)
            late, slip = format_variance(s.start_variance), format_variance(s.finish_variance)
            tail = " ".join(words[-2:])
            if slip:
                assert row.rstrip().endswith(slip), (slip, row)
            if late and slip:
                assert tail == f"{late} {slip}", (late, slip, row)


@pytest.mark.parametrize("columns", WIDTHS)
def test_without_a_state_every_row_keeps_its_times_duration_float_and_critical_mark(
    cli, tmp_path, columns
):
    runbook = EXAMPLE  # no state beside it: the plan alone
    lines = _plan(cli, runbook, columns=columns)
    with Weekend.open(runbook, tmp_path / "nothing.state.db") as weekend:
        plan = weekend.plan
    for t in plan.tasks:
        row = _row(lines, t.id)
        assert row.startswith("!") == t.critical, row
        assert clock(t.es, plan.zone) in row and clock(t.ef, plan.zone) in row, row
        assert row.rstrip().endswith(format_duration(t.total_float)), row
        duration = "◆" if t.milestone else format_duration(t.duration)
        assert f" {duration} " in row, row


def test_at_80_columns_titles_and_team_names_give_way_before_any_figure(cli, saturday):
    runbook, state = saturday
    narrow = _plan(cli, "-f", runbook, "--state", state, columns=80)
    wide = _plan(cli, "-f", runbook, "--state", state, columns=160)

    def header(lines: list[str]) -> list[str]:
        return next(line for line in lines if line.split()[:1] == ["Task"]).split()

    assert header(wide) == [
        "Task", "Title", "Team", "Status", "Planned", "Start", "Finish", "Late", "start", "Slip"
    ]  # fmt: skip
    # The id's own column and every figure stay; the title and the team's name went first.
    assert header(narrow) == ["Task", "Status", "Start", "Finish", "Late", "Slip"]
    assert "Import the EHR database" in "\n".join(wide)
    assert "Import the EHR database" not in "\n".join(narrow)


LONG_ID = "export-the-electronic-health-record-database-to-the-transfer-volume-first"

LONG = f"""\
name: Long ids
timezone: Europe/Amsterdam
start: 2026-12-04T18:00
tasks:
  - {{id: freeze, title: Freeze, team: ops, duration: 15m}}
  - {{id: {LONG_ID}, title: Export, team: dba, duration: 1h, depends_on: freeze}}
  - {{id: switch, title: Switch, team: ops, duration: 30m, depends_on: {LONG_ID}}}
"""


def test_an_id_longer_than_the_room_goes_on_over_a_second_line_and_no_figure_is_cut(
    cli, write_runbook
):
    runbook = write_runbook(LONG)
    cli("start", "freeze", env={"RUNBOOK_FILE": str(runbook), "RUNBOOK_NOW": "2026-12-04T18:00"})
    result = cli("plan", runbook, env={"COLUMNS": "80", "RUNBOOK_NOW": "2026-12-04T18:40"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), result.stdout
    row = next(i for i, line in enumerate(lines) if line.lstrip("! ").startswith(LONG_ID[:20]))
    assert "Fri 18:40" in lines[row] and "Fri 19:40" in lines[row] and "+25m" in lines[row]
    first = lines[row].lstrip("! ").split()[0]
    assert LONG_ID.startswith(first) and first != LONG_ID
    assert lines[row + 1].split()[0] == LONG_ID[len(first) :]  # the rest of it, whole
