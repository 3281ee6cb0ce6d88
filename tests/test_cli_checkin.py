"""Check-in commands, status, log and plan-with-state as a user runs them."""

from __future__ import annotations

import json

import pytest

from .builders import chain, minimal_runbook, runbook_yaml

NOW = "2026-12-04T18:20"


@pytest.fixture
def runbook(tmp_path):
    """A copy of the minimal example, with its state beside it, at 18:20 on the Friday."""
    return minimal_runbook(tmp_path, "intranet.yaml")


@pytest.fixture
def env(runbook, state_location):
    """The environment of a team member, with the state in each store in turn."""
    env = {"RUNBOOK_NOW": NOW, "RUNBOOK_USER": "ingrid", "RUNBOOK_FILE": str(runbook)}
    if state_location is not None:
        env["RUNBOOK_STATE"] = state_location
    return env


def test_start_prints_what_was_recorded_and_where_the_weekend_stands(cli, runbook, env):
    result = cli("start", "freeze", "--at", "18:02", env=env)
    assert result.exit_code == 0, result.stderr
    assert (
        "started freeze — Change freeze in force · Fri 18:02 by ingrid · 2m late" in result.stdout
    )
    assert "weekend: ON PLAN · forecast finish Sat 02:15 · deadline Sat 06:00" in result.stdout
    assert "baseline recorded" in result.stderr
    # The state is beside the runbook unless it is kept in a database.
    assert (runbook.parent / "intranet.state.db").exists() == ("RUNBOOK_STATE" not in env)


def test_a_refusal_exits_one_with_its_reason_and_how_to_force_it(cli, env):
    result = cli("start", "backup", env=env)
    assert result.exit_code == 1
    assert "refused: backup cannot start: predecessor not done yet: freeze" in result.stderr
    assert "runbook start backup --force" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_forced_check_in_is_recorded_and_shown(cli, env):
    result = cli("start", "backup", "--force", env=env)
    assert result.exit_code == 0
    assert "FORCED: backup cannot start" in result.stdout
    log = json.loads(cli("log", "--json", env=env).stdout)
    assert log[-1]["forced"] is True


def test_an_unknown_id_suggests_the_right_one(cli, env):
    result = cli("start", "frieze", env=env)
    assert result.exit_code == 1
    assert "unknown task 'frieze'" in result.stderr
    assert "did you mean 'freeze'?" in result.stderr


def test_a_time_in_the_future_is_refused(cli, env):
    result = cli("start", "freeze", "--at", "18:30", env=env)
    assert result.exit_code == 1
    assert "is in the future" in result.stderr


def test_an_unreadable_at_is_a_clear_error(cli, env):
    result = cli("start", "freeze", "--at", "half past six", env=env)
    assert result.exit_code == 1
    assert "--at half past six" in result.stderr


def test_check_in_json_prints_the_recorded_event(cli, env):
    result = cli("start", "freeze", "--json", "--by", "sanne", env=env)
    assert result.exit_code == 0
    event = json.loads(result.stdout)
    assert {k: event[k] for k in ("task", "kind", "actor", "at", "forced")} == {
        "task": "freeze",
        "kind": "start",
        "actor": "sanne",
        "at": "2026-12-04T18:20:00+01:00",
        "forced": False,
    }
    assert set(event) == {
        "seq",
        "at",
        "recorded",
        "task",
        "kind",
        "actor",
        "host",
        "note",
        "forced",
        "data",
        "login",  # the database login (null on a state file): issue 29
        "against_rules",  # null: within the rules
    }
    assert event["against_rules"] is None


def test_several_ids_print_one_json_event_per_line(cli, env):
    cli("start", "freeze", env=env)
    cli("done", "freeze", env=env)
    result = cli("note", "backup", "tape library ready", "--json", env=env)
    assert json.loads(result.stdout)["note"] == "tape library ready"


def test_fail_needs_a_reason(cli, env):
    cli("start", "freeze", env=env)
    result = cli("fail", "freeze", env=env)
    assert result.exit_code == 2  # a missing required option is a usage error
    result = cli("fail", "freeze", "--reason", "change board objects", env=env)
    assert result.exit_code == 0
    assert "FAILED freeze" in result.stdout and "change board objects" in result.stdout


def test_status_shows_the_briefing(cli, env):
    cli("start", "freeze", "--at", "18:00", env=env)
    cli("done", "freeze", "--at", "18:10", env=env)
    cli("start", "backup", "--at", "18:10", env=env)
    result = cli("status", env={**env, "COLUMNS": "120"})
    assert result.exit_code == 0
    out = result.stdout
    assert "Fri 04 Dec 18:20 (T+00:20)" in out
    assert "AHEAD 5m" in out or "ON PLAN" in out
    assert "Running now (1)" in out and "backup" in out
    assert "Remaining critical path: switch-dns → smoke-test → done" in out
    assert "Could be pulled forward" in out


def test_status_json_follows_the_contract(cli, env):
    cli("start", "freeze", "--at", "18:00", env=env)
    report = json.loads(cli("status", "--json", env=env).stdout)
    assert list(report)[:6] == [
        "now",
        "baseline_finish",
        "forecast_finish",
        "deadline",
        "ahead_minutes",
        "counts",
    ]
    assert report["counts"]["running"] == 1
    freeze = report["tasks"][0]
    assert freeze["status"] == "running"
    assert freeze["actual_start"] == "2026-12-04T18:00:00+01:00"
    assert freeze["planned_start"] == "2026-12-04T18:00:00+01:00"


def test_status_now_evaluates_at_another_moment(cli, env):
    cli("start", "freeze", "--at", "18:00", env=env)
    later = json.loads(cli("status", "--json", "--now", "2026-12-04T19:00", env=env).stdout)
    assert later["now"] == "2026-12-04T19:00:00+01:00"
    # freeze (15m) is still running an hour later: it is forecast to end now ...
    assert later["tasks"][0]["forecast_finish"] == "2026-12-04T19:00:00+01:00"
    # ... but switch-dns waits for 01:00 anyway, so the slip is absorbed.
    assert later["ahead_minutes"] == 0


def test_status_for_one_team_shows_only_its_work(cli, env):
    result = json.loads(cli("status", "--json", "--team", "Database team", env=env).stdout)
    assert {t["team"] for t in result["tasks"]} == {"dba"}
    unknown = cli("status", "--team", "dbx", env=env)
    assert unknown.exit_code == 1
    assert "did you mean 'dba'?" in unknown.stderr


def test_status_before_any_check_in_writes_nothing(cli, runbook, env):
    result = cli("status", env=env)
    assert result.exit_code == 0
    assert not (runbook.parent / "intranet.state.db").exists()


def test_log_lists_events_newest_last_and_filters(cli, env):
    cli("start", "freeze", env=env)
    cli("done", "freeze", env=env)
    cli("note", "backup", "tapes checked", env=env)
    events = json.loads(cli("log", "--json", env=env).stdout)
    assert [e["kind"] for e in events] == ["baseline", "start", "done", "note"]
    only = json.loads(cli("log", "--json", "--task", "back", env=env).stdout)
    assert [e["kind"] for e in only] == ["note"]
    by_team = json.loads(cli("log", "--json", "--team", "pmo", env=env).stdout)
    assert [e["task"] for e in by_team] == ["freeze", "freeze"]
    table = cli("log", env={**env, "COLUMNS": "120"})
    assert "tapes checked" in table.stdout


def test_the_state_file_can_be_chosen_for_a_dress_rehearsal(cli, env, tmp_path):
    rehearsal = tmp_path / "rehearsal.db"
    cli("start", "freeze", "--state", rehearsal, env=env)
    assert rehearsal.exists()
    real = json.loads(cli("status", "--json", env=env).stdout)
    assert real["counts"]["running"] == 0
    again = json.loads(cli("status", "--json", env={**env, "RUNBOOK_STATE": str(rehearsal)}).stdout)
    assert again["counts"]["running"] == 1


def test_plan_with_a_state_file_recomputes_the_timeline_from_actuals(cli, env):
    cli("start", "freeze", "--at", "18:00", env=env)
    cli("done", "freeze", "--at", "18:10", env=env)
    plan = json.loads(cli("plan", "--json", env=env).stdout)
    assert plan["tasks"][0]["status"] == "done"
    assert plan["tasks"][1]["forecast_start"] == "2026-12-04T18:20:00+01:00"
    assert plan["forecast"]["pull_forward"][0]["id"] == "switch-dns"
    table = cli("plan", env={**env, "COLUMNS": "120"})
    assert "Could be pulled forward" in table.stdout
    bare = json.loads(cli("plan", "--json", "--ignore-state", env=env).stdout)
    assert "forecast" not in bare


def test_baseline_reset_is_an_event(cli, runbook, env):
    # Issue 23: an edit is said once per command until `runbook revise` records it; the
    # revision says nothing more on every command, and the baseline stays until reset.
    cli("start", "freeze", env=env)
    runbook.write_text(runbook.read_text().replace("duration: 2h", "duration: 3h"))
    status = cli("status", env=env)
    assert status.stderr.count("differs from runbook version 1") == 1
    assert cli("revise", "--reason", "export is slower", env=env).exit_code == 0
    assert cli("status", env=env).stderr == ""
    result = cli("baseline", "--reset", env=env)
    assert result.exit_code == 0
    assert "new baseline" in result.stdout
    assert cli("status", env=env).stderr == ""
    events = json.loads(cli("log", "--json", env=env).stdout)
    assert [e["kind"] for e in events] == ["baseline", "start", "revise", "baseline"]


def test_the_forecast_table_fits_80_columns_without_cutting_ids_or_slips(cli, env):
    from rich.cells import cell_len

    cli("start", "freeze", "--at", "18:00", env=env)
    cli("done", "freeze", "--at", "18:10", env=env)
    lines = cli("plan", env={**env, "COLUMNS": "80"}).stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    ids = ["freeze", "backup", "go-no-go", "export", "import", "switch-dns", "smoke-test", "done"]
    rows = {i: next(line for line in lines if i in line.split()[:2]) for i in ids}
    assert {"pmo", "done"} <= set(rows["freeze"].split())
    assert rows["backup"].split()[-1] == "+5m"  # planned 18:15, now forecast at 18:20
    assert rows["done"].startswith("!")


def test_undo_takes_several_ids_like_start(cli, env):
    assert cli("start", "freeze", "--at", "18:02", env=env).exit_code == 0
    assert cli("done", "freeze", "--at", "18:10", env=env).exit_code == 0
    assert cli("start", "backup", "--at", "18:12", env=env).exit_code == 0

    result = cli("undo", "backup", "freeze", env=env)

    assert result.exit_code == 0, result.stderr
    assert "undone backup — Full backup of the intranet database" in result.stdout
    assert "· now not started" in result.stdout
    assert "undone freeze — Change freeze in force" in result.stdout
    assert "· now running" in result.stdout


def test_reaching_a_milestone_says_reached_not_how_long_it_took(cli, env):
    env = {**env, "RUNBOOK_NOW": "2026-12-04T19:30"}
    for args in (("start", "freeze"), ("done", "freeze"), ("start", "backup"), ("done", "backup")):
        assert cli(*args, "--at", "19:00", env=env).exit_code == 0

    result = cli("done", "go-no-go", "--at", "19:20", env=env)

    assert result.exit_code == 0, result.stderr
    line = result.stdout.splitlines()[0]
    assert line.endswith("go-no-go — Go/no-go: start the migration · Fri 19:20 by ingrid · reached")
    assert "took" not in result.stdout


def _break(runbook) -> None:
    runbook.write_text(runbook.read_text().replace("duration: 1h\n", "duration: an hour\n", 1))


def _revise_then_break(cli, runbook, env) -> None:
    """The weekend began at 18:05; at 20:00 mission control brought the deadline forward to
    05:00 and recorded it (`runbook revise`); then the file was broken by another edit."""
    assert cli("start", "freeze", env={**env, "RUNBOOK_NOW": "2026-12-04T18:05"}).exit_code == 0
    runbook.write_text(
        runbook.read_text().replace("deadline: 2026-12-05T06:00", "deadline: 2026-12-05T05:00")
    )
    revised = cli("revise", "--reason", "earlier", env={**env, "RUNBOOK_NOW": "2026-12-04T20:00"})
    assert revised.exit_code == 0, revised.stderr
    _break(runbook)


# An edit takes effect once recorded (issue 23): these two once pinned the last valid version
# of the file, dated when it was cached; now the version in force is used, dated by its
# revision, whatever the file says.
def test_under_now_a_broken_file_leaves_the_version_in_force_dated_by_the_weekends_clock(
    cli, runbook, env
):
    _revise_then_break(cli, runbook, env)

    result = cli("status", env={**env, "RUNBOOK_NOW": "2026-12-05T01:00"})

    assert result.exit_code == 0, result.stderr
    assert (
        "has 1 error (run `runbook validate`) and is not used: runbook version 2, the latest "
        "recorded, stays in force" in " ".join(result.stderr.split())
    )
    said = " ".join(result.stdout.split())
    assert "runbook version 2 in force, revised Fri 04 Dec 20:00 by ingrid" in said
    assert "deadline Sat 05:00" in said


def test_a_replay_before_a_revision_uses_the_version_in_force_then_whatever_the_file_says(
    cli, runbook, env
):
    _revise_then_break(cli, runbook, env)

    result = cli("status", env={**env, "RUNBOOK_NOW": "2026-12-04T19:00"})

    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "runbook version 1 in force (the one the weekend began with)" in said
    assert "deadline Sat 06:00" in said
    assert "has 1 error" in result.stderr  # and the latest recorded is version 2


def test_the_forecast_table_tells_a_late_start_from_a_late_finish(cli, env):
    env = {**env, "RUNBOOK_NOW": "2026-12-04T19:00"}
    assert cli("start", "freeze", "--at", "18:10", env=env).exit_code == 0
    assert cli("done", "freeze", "--at", "18:55", env=env).exit_code == 0  # 10m late, 30m over
    lines = cli("plan", env={**env, "COLUMNS": "120"}).stdout.splitlines()
    header = next(line for line in lines if "Late start" in line)
    assert header.split()[-3:] == ["Late", "start", "Slip"]
    freeze = next(line for line in lines if "freeze" in line.split()[:2])
    assert freeze.split()[-2:] == ["+10m", "+40m"]


def test_starting_a_failed_task_again_says_resumed_with_the_time_lost_not_late(cli, env):
    env = {**env, "RUNBOOK_NOW": "2026-12-04T19:30", "COLUMNS": "120"}
    cli("start", "freeze", "--at", "18:00", env=env)
    cli("done", "freeze", "--at", "18:10", env=env)
    cli("start", "backup", "--at", "18:10", env=env)
    cli("fail", "backup", "--at", "18:40", "--reason", "tape jam", env=env)
    result = cli("start", "backup", "--at", "19:20", env=env)
    assert result.exit_code == 0, result.stderr
    assert (
        "resumed backup — Full backup of the intranet database · Fri 19:20 by ingrid · "
        "first started Fri 18:10 · 40m lost to the failure" in result.stdout
    )
    assert "late" not in result.stdout
    status = cli("status", env=env).stdout
    assert "since Fri 18:10" in status and "resumed, 40m lost" in status
    assert "OVERRUN" not in status  # 1h20m since the first start, 40m of it lost
    backup = next(
        t
        for t in json.loads(cli("status", "--json", env=env).stdout)["tasks"]
        if t["id"] == "backup"
    )
    assert backup["actual_start"] == "2026-12-04T18:10:00+01:00"
    assert backup["resumed"] is True and backup["lost_minutes"] == 40


def test_a_long_remaining_critical_path_is_shown_by_its_next_tasks_and_its_last(cli, write_runbook):
    names = [f"step{i:02d}" for i in range(30)]
    path = write_runbook(runbook_yaml("Long chain", "2026-12-04T06:00Z", chain(names, "15m")))
    now = ("-f", path, "--now", "2026-12-04T06:00Z")
    out = " ".join(cli("status", *now, env={"COLUMNS": "200"}).stdout.split())
    head = " → ".join(names[:12])
    assert f"Remaining critical path: {head} → … 17 more … → step29 (--all shows it whole)" in out
    assert "step12" not in out.split("Remaining critical path")[1]
    whole = " ".join(cli("status", *now, "--all", env={"COLUMNS": "200"}).stdout.split())
    assert f"Remaining critical path: {' → '.join(names)}" in whole
    assert "more …" not in whole
