"""`runbook learn` on recorded rehearsals, and --estimates in plan, readiness and status
(issue 24)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .builders import played_weekend, runbook_yaml, task
from .test_contracts import conforms

START = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
NOW = {"RUNBOOK_NOW": "2026-12-01T12:00Z"}

RUNBOOK = runbook_yaml(
    "Database move",
    "2026-12-05T06:00",
    [
        task("copy-data", "2h", team="dba", estimate="{optimistic: 1h45m, pessimistic: 3h}"),
        task("check-rows", "1h", team="dba", depends_on="copy-data"),
        task("switch", "30m", team="ops", depends_on="check-rows"),
        task("rebuild-indexes", "1h", team="dba", depends_on="switch"),
    ],
    deadline="2026-12-05T11:00",
    timezone="UTC",
    extra="teams:\n  dba: {name: DBA}\n  ops: {name: Ops}\n",
)


def _rehearsal(runbook: Path, state: Path, minutes: dict[str, int], **more: str) -> Path:
    """A rehearsal: the tasks in ``minutes`` run one after the other, each that long; the
    others are left alone, or checked as ``more`` says (``skip``, ``done`` without a start)."""
    steps, now = [], START
    for tid, took in minutes.items():
        steps.append((now.isoformat(), "start", tid))
        now += timedelta(minutes=took)
        steps.append((now.isoformat(), "done", tid))
    for tid, kind in more.items():
        steps.append((now.isoformat(), kind, tid, "not needed"))
    return played_weekend(runbook, steps, state=state)


@pytest.fixture
def runbook(tmp_path: Path) -> Path:
    path = tmp_path / "move.yaml"
    path.write_text(RUNBOOK, encoding="utf-8")
    return path


@pytest.fixture
def rehearsals(runbook: Path, tmp_path: Path) -> list[Path]:
    """Three rehearsals in which copy-data took 2h45m to 3h15m, check-rows 1h30m; rebuild-
    indexes was never reached."""
    took = [(165, 90, 30), (180, 90, 30), (195, 90, 30)]
    return [
        _rehearsal(
            runbook,
            tmp_path / f"rehearsal{n}.db",
            {"copy-data": a, "check-rows": b, "switch": c},
        )
        for n, (a, b, c) in enumerate(took, 1)
    ]


def test_learn_writes_each_tasks_estimate_in_the_runbooks_own_fields(cli, runbook, rehearsals):
    out = runbook.parent / "estimates.yaml"
    result = cli("learn", *rehearsals, "-f", runbook, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    # Between the runs' 3h (geometric mean) and the runbook's 2h, weighing as one run; the
    # range wider than the runbook's, for the runs and the runbook disagree.
    assert (
        "  copy-data: {duration: 2h40m, estimate: {optimistic: 2h10m, pessimistic: 4h55m}, "
        "observations: 3}" in text
    )
    assert "rebuild-indexes" not in text.split("teams:")[0]  # never observed
    assert "  dba: {factor: 1.41, observations: 6, tasks: 2}" in text
    # The report: per task its runs and how far they lie from the runbook's estimate.
    assert "copy-data" in result.stdout and "+50%" in result.stdout
    assert "dba ×1.41 (6 runs)" in result.stdout


def test_learn_without_an_output_file_writes_the_estimates_on_stdout(cli, runbook, rehearsals):
    result = cli("learn", *rehearsals, "-f", runbook)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Estimates learned from history by `runbook learn`")
    assert "copy-data" in result.stderr  # the report beside the data, not in it


def test_a_task_skipped_or_checked_done_without_a_start_teaches_nothing(cli, runbook, tmp_path):
    state = _rehearsal(
        runbook,
        tmp_path / "odd.db",
        {"copy-data": 120},
        **{"check-rows": "skip"},
    )
    played_weekend(
        runbook, [((START + timedelta(hours=3)).isoformat(), "done", "switch")], state=state
    )
    out = tmp_path / "estimates.yaml"
    assert cli("learn", state, "-f", runbook, "-o", out).exit_code == 0
    tasks = out.read_text(encoding="utf-8").split("teams:")[0]
    assert "copy-data" in tasks
    assert "check-rows" not in tasks and "switch" not in tasks


def test_learn_never_writes_over_a_file_it_did_not_write(cli, runbook, rehearsals):
    report = runbook.parent / "notes.md"
    report.write_text("# my notes\n", encoding="utf-8")
    for target in (runbook, rehearsals[0], report):
        before = target.read_bytes()
        result = cli("learn", rehearsals[0], "-f", runbook, "-o", target)
        assert result.exit_code == 1
        assert "runbook: error:" in result.stderr
        assert target.read_bytes() == before
    out = runbook.parent / "estimates.yaml"
    assert cli("learn", rehearsals[0], "-f", runbook, "-o", out).exit_code == 0
    assert cli("learn", *rehearsals, "-f", runbook, "-o", out).exit_code == 0  # its own: fine
    assert "observations: 3" in out.read_text(encoding="utf-8")


def test_learn_refuses_a_history_of_another_runbook_or_one_given_twice(cli, runbook, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(RUNBOOK.replace("Database move", "Something else"), encoding="utf-8")
    theirs = _rehearsal(other, tmp_path / "theirs.db", {"copy-data": 100})
    result = cli("learn", theirs, "-f", runbook)
    assert result.exit_code == 1
    assert "belongs to the runbook 'Something else'" in result.stderr
    assert "nothing was learned" in result.stderr
    mine = _rehearsal(runbook, tmp_path / "mine.db", {"copy-data": 100})
    assert cli("learn", mine, mine, "-f", runbook).exit_code == 2
    result = cli("learn", tmp_path / "nothere.db", "-f", runbook)
    assert result.exit_code == 1
    assert "no such past weekend state file" in result.stderr


@pytest.fixture
def estimates(cli, runbook, rehearsals) -> Path:
    out = runbook.parent / "estimates.yaml"
    assert cli("learn", *rehearsals, "-f", runbook, "-o", out).exit_code == 0
    return out


def test_plan_shows_the_learned_durations_apart_from_the_runbooks(cli, runbook, estimates):
    result = cli("plan", runbook, "--estimates", estimates, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    assert "Learned" in result.stdout
    assert "2h40m (3)" in result.stdout  # copy-data: from its own 3 runs
    assert "1h25m ×1.41" in result.stdout  # rebuild-indexes: never seen, dba's factor
    said = " ".join(result.stdout.split())
    assert "with the learned durations the plan finishes Sat 05 Dec 11:55" in said
    assert "(55m AFTER the deadline)" in said
    data = json.loads(cli("plan", runbook, "--estimates", estimates, "--json").stdout)
    conforms(data, "plan")
    rows = {t["id"]: t for t in data["tasks"]}
    assert rows["copy-data"]["learned"]["from"] == "history"
    assert rows["copy-data"]["learned"]["duration_minutes"] == 160
    assert rows["rebuild-indexes"]["learned"]["from"] == "team"
    assert "learned" not in rows["switch"] or rows["switch"]["learned"]["from"] == "history"
    assert data["estimates"]["from_history"] == 3
    assert data["estimates"]["from_team"] == 1


def test_readiness_with_estimates_says_which_came_from_history_and_lowers_the_probability(
    cli, runbook, estimates
):
    args = ("readiness", "-f", runbook, "--runs", "2000", "--format", "json")
    plain = json.loads(cli(*args, env=NOW).stdout)
    learnt = json.loads(cli(*args, "--estimates", estimates, env=NOW).stdout)
    conforms(learnt, "readiness")
    assert "estimates" not in plain
    assert learnt["simulation"]["p_on_time"] < plain["simulation"]["p_on_time"]
    by_id = {t["id"]: t for t in learnt["estimates"]["tasks"]}
    assert by_id["copy-data"]["observations"] == 3
    assert by_id["rebuild-indexes"]["from"] == "team"
    md = cli("readiness", "-f", runbook, "--runs", "200", "--estimates", estimates, env=NOW)
    assert "## Estimates learned from history" in md.stdout
    assert "| copy-data | 2h | 2h10m / 2h40m / 4h55m | 3 runs |" in md.stdout
    assert "- dba ×1.41 (1 task, from 6 observed runs)" in md.stdout


def test_readiness_refuses_learn_with_estimates(cli, runbook, estimates, rehearsals):
    result = cli(
        "readiness",
        "-f",
        runbook,
        "--rehearsal",
        rehearsals[0],
        "--learn",
        "--estimates",
        estimates,
    )
    assert result.exit_code == 2


def test_status_with_estimates_adds_the_outlook_by_the_learned_estimates(
    cli, runbook, estimates, tmp_path
):
    state = tmp_path / "weekend.db"
    _rehearsal(runbook, state, {"copy-data": 150})
    env = {"RUNBOOK_NOW": "2026-12-05T08:40Z"}
    args = ("status", "-f", runbook, "--state", state)
    result = cli(*args, "--estimates", estimates, env=env)
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "By estimates learned from history (" in said
    assert "P(finish ≤ deadline) " in said
    assert "By estimates" not in cli(*args, env=env).stdout
    data = json.loads(cli(*args, "--estimates", estimates, "--json", env=env).stdout)
    conforms(data, "status")
    assert data["outlook"]["remaining_from"] == "2026-12-05T08:40:00+00:00"
    assert 0 <= data["outlook"]["p_on_time"] < 1


def test_an_estimates_file_with_problems_is_refused_with_each_located(cli, runbook, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\n"
        "tasks:\n"
        "  copy-data: {duration: 2h, observations: -1}\n"
        "teams:\n"
        "  dba: {factor: 0, observations: 3}\n"
        "extra: 1\n",
        encoding="utf-8",
    )
    result = cli("plan", runbook, "--estimates", bad)
    assert result.exit_code == 1
    assert "bad.yaml:3:" in result.stderr and "observations" in result.stderr
    assert "bad.yaml:5:" in result.stderr and "factor" in result.stderr
    assert "bad.yaml:6:1: error: unknown key 'extra'" in result.stderr
    assert "Traceback" not in result.stderr


def test_what_an_estimates_file_has_that_the_runbook_has_not_is_a_warning(cli, runbook, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(
        "version: 1\n"
        "tasks:\n"
        "  copy-dta: {duration: 3h, observations: 2}\n"
        "teams:\n"
        "  dab: {factor: 1.2, observations: 3}\n",
        encoding="utf-8",
    )
    result = cli("plan", runbook, "--estimates", other)
    assert result.exit_code == 0
    assert "other.yaml:3:3: warning: task 'copy-dta' is not in the runbook" in result.stderr
    assert "did you mean 'copy-data'?" in result.stderr
    assert "other.yaml:5:3: warning: no task of the runbook belongs to team 'dab'" in result.stderr


def test_learn_reads_a_rehearsal_kept_in_either_store(cli, runbook, tmp_path, state_location):
    state = state_location or str(tmp_path / "rehearsal.db")
    _rehearsal(runbook, state, {"copy-data": 240})  # type: ignore[arg-type]
    result = cli("learn", state, "-f", runbook)
    assert result.exit_code == 0, result.stderr
    assert "  copy-data: {duration: 2h50m," in result.stdout  # sqrt(2h x 4h), to 5 minutes


def test_on_an_80_column_terminal_no_task_id_of_the_report_goes_on_over_two_lines(cli, tmp_path):
    long_id = "cloud-landing-zone-check"  # 24 characters, as the example runbook has them
    path = tmp_path / "landing.yaml"
    path.write_text(
        runbook_yaml(
            "Landing zone",
            "2026-12-05T06:00",
            [
                task(
                    long_id, "2h", team="cloud", estimate="{optimistic: 1h30m, pessimistic: 3h30m}"
                ),
                task(
                    "net-connectivity-test",
                    "1h30m",
                    team="cloud",
                    depends_on=long_id,
                    estimate="{optimistic: 1h15m, pessimistic: 3h}",
                ),
            ],
            timezone="UTC",
            extra="teams:\n  cloud: {name: Cloud}\n",
        ),
        encoding="utf-8",
    )
    states = [
        _rehearsal(path, tmp_path / f"r{n}.db", {long_id: a, "net-connectivity-test": b})
        for n, (a, b) in enumerate([(155, 107), (170, 95), (161, 118)])
    ]
    result = cli("learn", *states, "-f", path, "-o", tmp_path / "e.yaml", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith(("cloud", "net"))]
    assert len(rows) == 2, result.stdout
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert rows[0].startswith(long_id + " ") and "1h30m/2h/3h30m" in rows[0]
    # Given room, the three points keep their spaces.
    wide = cli("learn", *states, "-f", path, "-o", tmp_path / "w.yaml", env={"COLUMNS": "120"})
    assert "1h30m / 2h / 3h30m" in wide.stdout
