"""Tasks that could be pulled forward are ranked by what pulling them brings closer: the
weekend's finish first, then the next gate or milestone; a task that would only start earlier
itself (a night check nothing waits for) comes last, however early it could start."""

from __future__ import annotations

import pytest

from runbook.usecases import Weekend

from .test_contracts import conforms, json_out
from .weekend_helpers import FakeClock, check

# The acceptance test waits for Saturday 02:00 (it could start at 23:00, after the migration)
# and the go-live gate waits for it; two night checks wait for 06:00 with nothing after them
# but the handover, which waits for the night batch (fixed at 06:00): pulling them moves
# nothing.
HELD = """\
name: Held weekend
timezone: Europe/Amsterdam
start: 2026-12-04T18:00
deadline: 2026-12-05T12:00
tasks:
  - {{id: freeze, title: Freeze, duration: 1h}}
  - {{id: migrate, title: Migrate, duration: 4h, depends_on: freeze}}
  - {{id: uat, title: Acceptance test, duration: 2h, depends_on: migrate,
     not_before: 2026-12-05T02:00}}
  - {{id: go-live, title: Go-live, milestone: true, gate: true, depends_on: uat}}
  - {{id: open-users, title: Open to users, duration: 1h, depends_on: go-live}}
  - {{id: batch-check-a, title: Night check A, duration: 30m, depends_on: freeze,
     not_before: 2026-12-05T06:00}}
  - {{id: batch-check-b, title: Night check B, duration: 30m, depends_on: freeze,
     not_before: 2026-12-05T06:00}}
  - id: night-batch
    title: Night batch
    duration: 1h
    depends_on: open-users
    not_before: {night_batch}
  - id: handover
    title: Handover
    milestone: true
    depends_on: [night-batch, batch-check-a, batch-check-b]
"""
FIXED = "{at: 2026-12-05T06:00, fixed: true, reason: the batch runs at 06:00}"


@pytest.fixture
def weekend(write_runbook):
    """Freeze done at 19:00 on Friday: uat could start at 23:00 instead of Saturday 02:00."""
    path = write_runbook(HELD.format(night_batch=FIXED))
    clock = FakeClock("2026-12-04T18:00+01:00")
    with Weekend.open(path, clock=clock, create=True) as weekend:
        check(weekend, "start", "freeze")
        clock.set("2026-12-04T19:00+01:00")
        check(weekend, "done", "freeze")
        yield weekend


def test_a_pull_that_brings_the_next_gate_closer_ranks_above_night_checks_that_move_nothing(
    weekend,
):
    pull = weekend.pull_forward(weekend.snapshot())
    assert [p.id for p in pull] == ["uat", "batch-check-a", "batch-check-b"]
    uat, check_a, _ = pull
    # The night checks could start 11h earlier, uat only 3h: the ranking is not by that.
    assert check_a.gain == 11 * 3600 and uat.gain == 3 * 3600
    assert (uat.milestone, uat.milestone_gain, uat.finish_gain) == ("go-live", 3 * 3600, 0)
    assert (check_a.milestone, check_a.milestone_gain, check_a.finish_gain) == (None, 0, 0)
    assert not check_a.gains_anything


def test_a_pull_that_brings_the_finish_closer_ranks_first(write_runbook):
    path = write_runbook(HELD.format(night_batch="2026-12-05T06:00"))  # not fixed this time
    clock = FakeClock("2026-12-04T18:00+01:00")
    with Weekend.open(path, clock=clock, create=True) as weekend:
        check(weekend, "start", "freeze")
        clock.set("2026-12-04T19:00+01:00")
        check(weekend, "done", "freeze")
        pull = weekend.pull_forward(weekend.snapshot())
    assert [p.id for p in pull] == ["night-batch", "uat", "batch-check-a", "batch-check-b"]
    # The night batch could start when open-users ends (Sat 05:00), an hour earlier: the
    # handover then waits for the night checks (06:30), and the weekend ends 30m sooner;
    # uat alone moves only the gate.
    assert (pull[0].finish_gain, pull[0].milestone, pull[0].milestone_gain) == (
        1800,
        "handover",
        1800,
    )
    assert pull[1].finish_gain == 0


def test_status_and_plan_show_what_each_pull_brings_closer(cli, write_runbook):
    path = write_runbook(HELD.format(night_batch=FIXED))
    env = {"RUNBOOK_FILE": str(path), "RUNBOOK_USER": "ingrid", "COLUMNS": "120"}
    cli("start", "freeze", env={**env, "RUNBOOK_NOW": "2026-12-04T18:00"})
    cli("done", "freeze", env={**env, "RUNBOOK_NOW": "2026-12-04T19:00"})
    env["RUNBOOK_NOW"] = "2026-12-04T19:00"
    whole = cli("status", "--all", env=env).stdout.split("Could be pulled forward")[1]
    rows = [line for line in whole.splitlines() if line.startswith("⇡")]
    assert [row.split()[1] for row in rows] == ["uat", "batch-check-a", "batch-check-b"]
    assert "go-live 3h sooner" in rows[0] and "runbook pull uat" in rows[0]
    assert "nothing sooner" in rows[1]
    # Within the next 3 hours only the night checks could start: the briefing names the pull
    # that gains most, even though it cannot start within them.
    brief = cli("status", env=env).stdout
    assert "uat" not in brief.split("Could be pulled forward")[1].split("and 1 task later")[0]
    assert "pulling uat brings go-live 3h sooner" in " ".join(brief.split())
    plan = cli("plan", path, env=env).stdout.split("Could be pulled forward")[1]
    assert next(line.split()[1] for line in plan.splitlines() if line.startswith("⇡")) == "uat"


def test_plan_json_gives_each_pull_its_gains(cli, write_runbook):
    path = write_runbook(HELD.format(night_batch=FIXED))
    env = {"RUNBOOK_FILE": str(path), "RUNBOOK_USER": "ingrid"}
    cli("start", "freeze", env={**env, "RUNBOOK_NOW": "2026-12-04T18:00"})
    cli("done", "freeze", env={**env, "RUNBOOK_NOW": "2026-12-04T19:00"})
    data = json_out(cli, "plan", path, "--json", env={**env, "RUNBOOK_NOW": "2026-12-04T19:00"})
    conforms(data, "plan")
    first, second = data["forecast"]["pull_forward"][:2]
    assert first == {
        "id": "uat",
        "not_before": "2026-12-05T02:00:00+01:00",
        "could_start": "2026-12-04T23:00:00+01:00",
        "gain_minutes": 180,
        "finish_gain_minutes": 0,
        "milestone": "go-live",
        "milestone_gain_minutes": 180,
        "command": "runbook pull uat",
    }
    assert (second["id"], second["milestone"], second["milestone_gain_minutes"]) == (
        "batch-check-a",
        None,
        0,
    )


def test_pull_without_ids_lists_the_candidates_best_first_and_records_nothing(cli, write_runbook):
    path = write_runbook(HELD.format(night_batch=FIXED))
    env = {"RUNBOOK_FILE": str(path), "RUNBOOK_USER": "ingrid", "COLUMNS": "120"}
    cli("start", "freeze", env={**env, "RUNBOOK_NOW": "2026-12-04T18:00"})
    cli("done", "freeze", env={**env, "RUNBOOK_NOW": "2026-12-04T19:00"})
    env["RUNBOOK_NOW"] = "2026-12-04T19:00"
    before = json_out(cli, "log", "--json", env=env)
    result = cli("pull", env=env)
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("⇡")]
    assert [row.split()[1] for row in rows] == ["uat", "batch-check-a", "batch-check-b"]
    assert "go-live 3h sooner" in rows[0] and "nothing sooner" in rows[2]
    assert json_out(cli, "log", "--json", env=env) == before
    # A reason or a time without ids is a mistake, not a list.
    mistake = cli("pull", "--reason", "ahead", env=env)
    assert mistake.exit_code == 2 and "name the tasks to pull" in mistake.stderr
