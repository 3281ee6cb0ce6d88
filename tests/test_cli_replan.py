"""`runbook eta|estimate|pull` and `runbook plan --what-if` as a coordinator runs them."""

from __future__ import annotations

import pytest

from .builders import FRIDAY_EVENING, friday, minimal_runbook, played_weekend
from .test_contracts import conforms, event_lines, json_out

NOW = "2026-12-04T22:10"  # import runs since 22:05 (planned 21:45-23:45 in the baseline)


@pytest.fixture
def runbook(tmp_path):
    """The minimal example, played until import is running again."""
    path = minimal_runbook(tmp_path, "intranet.yaml")
    played_weekend(path, [(friday(hhmm), *rest) for hhmm, *rest in FRIDAY_EVENING])
    return path


@pytest.fixture
def env(runbook):
    return {"RUNBOOK_NOW": NOW, "RUNBOOK_USER": "ingrid", "RUNBOOK_FILE": str(runbook)}


def test_an_eta_from_now_is_recorded_with_its_reason_and_moves_the_weekend(cli, env):
    before = json_out(cli, "status", "--json", env=env)
    result = cli("eta", "import", "+3h", "--reason", "index rebuild is slow", env=env)
    assert result.exit_code == 0, result.stderr
    assert "new eta for import" in result.stdout
    assert "expected to finish Sat 01:10" in result.stdout
    assert "index rebuild is slow" in result.stdout
    after = json_out(cli, "status", "--json", env=env)
    tasks = {t["id"]: t for t in after["tasks"]}
    assert tasks["import"]["eta"] == "2026-12-05T01:10:00+01:00"
    assert before["ahead_minutes"] - after["ahead_minutes"] > 0
    log = json_out(cli, "log", "--json", env=env)
    assert log[-1]["kind"] == "eta" and log[-1]["note"] == "index rebuild is slow"
    assert "eta Sat 01:10" in cli("log", env=env).stdout


def test_undo_revokes_an_eta_and_says_so(cli, env):
    cli("eta", "import", "+3h", env=env)
    result = cli("undo", "import", env=env)
    assert result.exit_code == 0
    assert "eta withdrawn · now running" in result.stdout
    tasks = {t["id"]: t for t in json_out(cli, "status", "--json", env=env)["tasks"]}
    assert tasks["import"]["eta"] is None and tasks["import"]["status"] == "running"


def test_an_eta_for_a_task_not_running_is_refused_with_what_to_do_instead(cli, env):
    result = cli("eta", "switch-dns", "01:30", env=env)
    assert result.exit_code == 1
    assert "switch-dns has not started; an eta revises the finish of a running task" in (
        result.stderr
    )
    assert "runbook estimate switch-dns DURATION" in result.stderr
    assert "--force" not in result.stderr


def test_an_eta_told_earlier_than_the_tasks_start_is_refused_like_a_start_before_it(cli, env):
    result = cli("eta", "import", "+1h", "--at", "22:00", env=env)  # import started 22:05
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "import started at Fri 22:05; an eta cannot be told earlier, at Fri 22:00" in said
    assert "--force" not in said
    assert cli("eta", "import", "+1h", "--at", "22:06", env=env).exit_code == 0


def test_an_unreadable_eta_or_estimate_is_a_located_input_error(cli, env):
    result = cli("eta", "import", "half past", env=env)
    assert result.exit_code == 1 and "the eta half past" in result.stderr
    result = cli("estimate", "switch-dns", "soon", env=env)
    assert result.exit_code == 1 and "the estimate: 'soon' is not a duration" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_estimate_and_a_pull_are_shown_in_status(cli, env):
    assert cli("estimate", "smoke-test", "1h30m", env=env).exit_code == 0
    result = cli("pull", "switch-dns", "--reason", "TTL already low", env=env)
    assert result.exit_code == 0, result.stderr
    assert "may start as soon as its predecessors allow (not before Sat 01:00" in result.stdout
    tasks = {t["id"]: t for t in json_out(cli, "status", "--json", env=env)["tasks"]}
    assert tasks["switch-dns"]["pulled"] is True
    assert tasks["smoke-test"]["revised_duration_minutes"] == 90


def test_revisions_printed_with_json_follow_the_event_contract(cli, env):
    lines = []
    for args in (
        ("eta", "import", "23:50"),
        ("estimate", "smoke-test", "1h"),
        ("pull", "switch-dns"),
    ):
        lines += event_lines(cli, *args, env=env)
    assert [e["kind"] for e in lines] == ["eta", "estimate", "pull"]
    assert lines[0]["data"] == {"eta": 1796424600}
    assert lines[2]["data"] == {"to": None}
    for event in lines:
        conforms(event, "event")
    conforms(json_out(cli, "status", "--json", env=env), "status")


def test_plan_what_if_shows_the_change_and_records_nothing(cli, runbook, env):
    events = len(json_out(cli, "log", "--json", env=env))
    result = cli("plan", runbook, "--what-if", "import+2h", "--what-if", "switch-dns pull", env=env)
    assert result.exit_code == 0, result.stderr
    assert "What if (nothing recorded): import eta Sat 02:05; switch-dns pull" in result.stdout
    assert "Tasks that move" in result.stdout
    assert len(json_out(cli, "log", "--json", env=env)) == events


def test_plan_what_if_json_follows_the_plan_contract(cli, runbook, env):
    data = json_out(cli, "plan", runbook, "--json", "--what-if", "import+2h", env=env)
    conforms(data, "plan")
    assert data["what_if"]["changes"] == ["import eta Sat 02:05"]
    shift = data["what_if"]["what_if"]["ahead_minutes"] - data["what_if"]["now"]["ahead_minutes"]
    # import was to end 00:05, now 02:05; switch-dns waited for 01:00: 55m of the 2h absorbed.
    assert shift == -65
    assert {m["id"] for m in data["what_if"]["moved"]} >= {"import", "switch-dns", "smoke-test"}


def test_a_what_if_that_cannot_be_read_says_which_and_exits_one(cli, runbook, env):
    result = cli("plan", runbook, "--what-if", "import+2h", "--what-if", "smoke eta", env=env)
    assert result.exit_code == 1
    assert "--what-if #2 'smoke eta': 'eta' takes one time" in result.stderr
    assert "ID+2h" in result.stderr  # the hint gives the grammar
    assert "Traceback" not in result.stderr


def test_the_pull_forward_list_says_which_command_pulls_each_task(cli, runbook, env):
    cli("done", "import", env=env)
    data = json_out(cli, "plan", runbook, "--json", env=env)
    assert data["forecast"]["pull_forward"][0]["command"] == "runbook pull switch-dns"
    assert "runbook pull switch-dns" in cli("status", "--all", env=env).stdout


TWO_HELD = """\
name: Two held back
timezone: Europe/Amsterdam
start: 2026-12-04T18:00
tasks:
  - {id: freeze, title: Freeze, duration: 30m}
  - {id: notice, title: Notice, duration: 15m, depends_on: freeze, not_before: 2026-12-04T22:00}
  - id: report
    title: Report
    duration: 15m
    depends_on: freeze
    not_before: 2026-12-04T23:00
  - id: downtime
    title: Downtime
    duration: 1h
    depends_on: freeze
    not_before: {at: 2026-12-04T23:30, fixed: true, reason: announced to all wards}
"""


@pytest.fixture
def held(write_runbook):
    path = write_runbook(TWO_HELD)
    env = {"RUNBOOK_NOW": "2026-12-04T18:45", "RUNBOOK_USER": "ingrid", "RUNBOOK_FILE": str(path)}
    return path, env


def test_pull_takes_several_ids_like_start_and_done(cli, held):
    _, env = held
    result = cli("pull", "notice", "report", "--reason", "ahead of plan", env=env)
    assert result.exit_code == 0, result.stderr
    assert "pulled forward notice" in result.stdout and "pulled forward report" in result.stdout
    log = json_out(cli, "log", "--json", env=env)
    assert [(e["task"], e["kind"]) for e in log if e["kind"] == "pull"] == [
        ("notice", "pull"),
        ("report", "pull"),
    ]
    tasks = {t["id"]: t for t in json_out(cli, "status", "--json", env=env)["tasks"]}
    assert tasks["notice"]["pulled"] and tasks["report"]["pulled"]


def test_pulling_several_ids_records_those_allowed_and_names_each_refused_one(cli, held):
    _, env = held
    result = cli("pull", "notice", "downtime", "report", env=env)
    assert result.exit_code == 1
    assert "downtime cannot be pulled forward" in result.stderr
    assert "announced to all wards" in result.stderr
    log = json_out(cli, "log", "--json", env=env)
    assert [e["task"] for e in log if e["kind"] == "pull"] == ["notice", "report"]
