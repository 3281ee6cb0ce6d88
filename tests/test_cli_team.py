"""One team's view: `status --team` and `plan --team` as a team lead runs them."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .builders import minimal_runbook

DBA_TASKS = ["backup", "export", "import"]


@pytest.fixture
def env(tmp_path):
    """The minimal example at 18:20 on the Friday, the freeze running since 18:02."""
    path = minimal_runbook(tmp_path, "intranet.yaml")
    return {"RUNBOOK_NOW": "2026-12-04T18:20", "RUNBOOK_USER": "ingrid", "RUNBOOK_FILE": str(path)}


@pytest.fixture
def started(cli, env):
    assert cli("start", "freeze", "--at", "18:02", env=env).exit_code == 0
    return env


def test_status_for_a_team_shows_its_later_tasks_with_their_forecast_start(cli, started):
    result = cli("status", "--team", "apps", env={**started, "COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Move the intranet to the cloud — Application owners" in out
    assert "Next for Application owners (not ready yet; forecast start) (2)" in out
    line = next(line for line in out.splitlines() if "switch-dns" in line.split()[:2])
    assert "~Sat 01:00" in line
    assert "after import" in line
    assert "freeze" not in out.split("Next for")[1]


def test_the_critical_path_line_speaks_of_the_team(cli, started):
    apps = cli("status", "--team", "apps", env={**started, "COLUMNS": "120"}).stdout
    assert "Remaining critical path: Application owners' tasks on it: switch-dns → smoke-test" in (
        apps
    )
    dba = cli("status", "--team", "Database team", env=started).stdout
    assert "Remaining critical path: none of Database team's tasks is on it" in dba


def test_status_json_for_a_team_holds_only_its_tasks_and_counts(cli, started):
    report = json.loads(cli("status", "--team", "dba", "--json", env=started).stdout)
    assert report["team"] == {"id": "dba", "name": "Database team"}
    assert [t["id"] for t in report["tasks"]] == DBA_TASKS
    assert report["counts"]["pending"] + report["counts"]["ready"] == 3
    assert report["counts"]["running"] == 0  # the freeze runs, but it is mission control's
    assert report["critical_path"] == []
    everyone = json.loads(cli("status", "--json", env=started).stdout)
    assert everyone["team"] is None
    assert everyone["forecast_finish"] == report["forecast_finish"]


def test_an_unknown_team_is_refused_with_a_suggestion(cli, started):
    result = cli("status", "--team", "dab", env=started)
    assert result.exit_code == 1
    assert "unknown team 'dab'" in result.stderr
    assert "dba" in result.stderr


def test_plan_for_a_team_lists_its_tasks_and_still_states_the_finish(cli, env):
    out = cli("plan", "--team", "dba", env={**env, "COLUMNS": "100"}).stdout
    ids = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert set(DBA_TASKS) <= ids
    assert not ids & {"freeze", "switch-dns", "smoke-test"}
    assert "Critical path: none of Database team's tasks is on it" in out
    assert "Planned finish Sat 05 Dec 02:15" in out


def test_plan_json_and_csv_for_a_team_are_filtered_alike(cli, env):
    data = json.loads(cli("plan", "--team", "apps", "--json", env=env).stdout)
    assert [t["id"] for t in data["tasks"]] == ["switch-dns", "smoke-test"]
    assert data["team"] == {"id": "apps", "name": "Application owners"}
    assert data["critical_path"] == ["switch-dns", "smoke-test"]
    assert data["finish"] == "2026-12-05T02:15:00+01:00"
    rows = list(
        csv.DictReader(
            io.StringIO(cli("plan", "--team", "apps", "--format", "csv", env=env).stdout)
        )
    )
    assert [r["id"] for r in rows] == ["switch-dns", "smoke-test"]


def test_plan_with_a_state_file_for_a_team_shows_its_forecast(cli, started):
    out = cli("plan", "--team", "dba", env={**started, "COLUMNS": "120"}).stdout
    assert "Late start" in out and "Slip" in out
    assert "backup" in out and "switch-dns" not in out.split("Remaining critical path")[0]
    assert "Remaining critical path: none of Database team's tasks is on it" in out
    assert "forecast finish Sat 02:15" in out
