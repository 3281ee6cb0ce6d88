"""`runbook recover` and `runbook drop` as a coordinator runs them, 30 minutes late at 14:30."""

from __future__ import annotations

import csv
import io

import pytest

from .builders import played_weekend
from .test_contracts import conforms, event_lines, json_out
from .test_recover import HOPELESS, LATE

NOW = "2026-12-04T14:30Z"

# LATE played until b finished 1h30m over at 14:30: forecast 17:30, deadline 17:00.
PLAYED = [
    ("2026-12-04T08:00Z", "start", "a"),
    ("2026-12-04T10:00Z", "done", "a"),
    ("2026-12-04T10:00Z", "start", "b"),
    ("2026-12-04T14:30Z", "done", "b"),
]


@pytest.fixture
def env(write_runbook):
    path = write_runbook(LATE)
    played_weekend(path, PLAYED)
    return {"RUNBOOK_NOW": NOW, "RUNBOOK_USER": "ingrid", "RUNBOOK_FILE": str(path)}


def test_recover_names_the_nice_to_have_to_drop_and_what_it_gains(cli, env):
    result = cli("recover", env=env)
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "30m PAST THE DEADLINE (forecast finish Fri 17:30, deadline Fri 17:00)" in out
    assert "1. drop n (nice: N) — gains 40m, finish Fri 16:50, 10m to spare" in out
    assert "runbook drop n --reason ..." in out
    assert "Dropping these alone gains nothing (not on the remaining critical path): p" in out


def test_recover_json_follows_its_contract(cli, env):
    data = json_out(cli, "recover", "--json", env=env)
    conforms(data, "recover")
    assert (data["behind_minutes"], data["enough"]) == (30, True)
    assert data["options"] == [
        {
            "tasks": ["n"],
            "gain_minutes": 40,
            "forecast_finish": "2026-12-04T16:50:00+00:00",
            "meets_deadline": True,
            "gates_in_time": True,
        }
    ]
    assert data["no_gain"] == ["p"]


def test_recover_says_when_no_set_suffices_and_what_holds_the_finish(cli, write_runbook):
    env = {"RUNBOOK_NOW": "2026-12-04T08:00Z", "RUNBOOK_FILE": str(write_runbook(HOPELESS))}
    result = cli("recover", env=env)
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "Even dropping every optional task not started is not enough" in out
    assert "still 1h past the deadline" in out
    assert "What holds the finish (critical tasks ahead): a, z" in out
    data = json_out(cli, "recover", "--json", env=env)
    conforms(data, "recover")
    assert data["options"] == [] and data["best"]["tasks"] == ["n"]
    assert data["holding"] == ["a", "z"]


def test_a_weekend_in_time_has_nothing_to_drop(cli, write_runbook):
    env = {"RUNBOOK_NOW": "2026-12-04T08:00Z", "RUNBOOK_FILE": str(write_runbook(LATE))}
    result = cli("recover", env=env)
    assert result.exit_code == 0
    assert "Nothing to drop: the weekend lands in time." in result.stdout
    conforms(json_out(cli, "recover", "--json", env=env), "recover")


def test_drop_records_a_skip_marked_dropped_and_every_face_says_dropped(cli, env):
    result = cli("drop", "n", "--reason", "no time: aftercare", env=env)
    assert result.exit_code == 0, result.stderr
    assert "dropped n — N" in result.stdout and "no time: aftercare" in result.stdout
    status = json_out(cli, "status", "--json", env=env)
    conforms(status, "status")
    n = next(t for t in status["tasks"] if t["id"] == "n")
    assert (n["status"], n["dropped"], n["priority"]) == ("skipped", True, "nice")
    assert status["forecast_finish"] == "2026-12-04T16:50:00+00:00"
    assert "0 skipped · 1 dropped" in cli("status", env={**env, "COLUMNS": "120"}).stdout
    log = json_out(cli, "log", "--json", env=env)
    assert (log[-1]["kind"], log[-1]["data"]) == ("skip", {"dropped": True})
    assert " drop " in cli("log", env={**env, "COLUMNS": "120"}).stdout
    assert "Nothing to drop" in cli("recover", env=env).stdout


def test_drop_json_prints_the_event(cli, env):
    [event] = event_lines(cli, "drop", "n", "--reason", "later", env=env)
    conforms(event, "event")
    assert event["data"] == {"dropped": True}


def test_dropping_a_must_have_is_refused_unless_forced(cli, env):
    result = cli("drop", "end", "--reason", "later", env=env)
    assert result.exit_code == 1
    assert "end is a must-have (priority must)" in result.stderr
    assert "runbook drop end --force" in result.stderr
    forced = cli("drop", "end", "--reason", "later", "--force", env=env)
    assert forced.exit_code == 0, forced.stderr


def test_drop_needs_a_reason(cli, env):
    result = cli("drop", "n", env=env)
    assert result.exit_code == 2
    assert "--reason" in result.stderr


def test_a_drop_goes_to_the_reviews_aftercare_list_in_markdown_json_and_csv(cli, env):
    cli("drop", "n", "--reason", "no time: do it Monday", env=env)
    cli("skip", "p", "--reason", "not needed after all", env=env)
    markdown = cli("review", env=env).stdout
    aftercare = markdown.split("## Aftercare: not finished or dropped")[1].split("##")[0]
    # Neither ran: no work to show (the Worked column).
    assert "| n: N | dropped | nice | t | — | no time: do it Monday | — | — | — |" in aftercare
    assert "| end: END | ready | must | t | — | — | — | — | — |" in aftercare
    assert "p: P" not in aftercare  # skipped as not needed: not aftercare
    dropped = markdown.split("## Dropped for time")[1].split("##")[0]
    assert "| n | t | — | no time: do it Monday |" in dropped
    skipped = markdown.split("## Skipped as not needed")[1].split("##")[0]
    assert "| p | not needed after all |" in skipped and "| n |" not in skipped

    data = json_out(cli, "review", "--format", "json", env=env)
    conforms(data, "review")
    assert [(r["id"], r["status"], r["dropped"], r["reason"]) for r in data["aftercare"]] == [
        ("n", "skipped", True, "no time: do it Monday"),
        ("end", "ready", False, None),
    ]
    assert data["dropped"] == [
        {
            "id": "n",
            "team": "t",
            "reason": "no time: do it Monday",
            "actual_start": None,
            "worked_minutes": None,
        }
    ]
    assert data["skipped"] == [{"id": "p", "reason": "not needed after all"}]

    csv_text = cli("aftercare", "--format", "csv", env=env).stdout
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [(r["id"], r["team"], r["status"], r["priority"], r["reason"]) for r in rows] == [
        ("n", "t", "dropped", "nice", "no time: do it Monday"),
        ("end", "t", "ready", "must", ""),
    ]


def test_the_aftercare_csv_keeps_a_reason_a_spreadsheet_would_run_inert(cli, env):
    cli("drop", "n", "--reason", "=HYPERLINK(1)", env=env)
    rows = list(csv.DictReader(io.StringIO(cli("aftercare", "--format", "csv", env=env).stdout)))
    assert rows[0]["reason"] == "'=HYPERLINK(1)"
