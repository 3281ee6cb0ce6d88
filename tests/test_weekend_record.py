"""Issue 23, played end to end on both stores: a mid-weekend deadline change recorded by
`runbook revise`, a replay before and after it, the review's revision list, its lessons and
aftercare owners, and the estimates' accuracy per team checked by hand."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .builders import runbook_yaml, task
from .test_contracts import conforms

RUNBOOK = runbook_yaml(
    "Small weekend",
    "2026-12-04T18:00",
    [
        task(
            "a",
            "1h",
            team="dba",
            phase="Friday",
            estimate="{optimistic: 45m, pessimistic: 2h}",
        ),
        task("b", "30m", team="dba", phase="Friday", depends_on="a"),
        task("c", "1h", team="apps", phase="Saturday", depends_on="b"),
        task("g", "10m", team="pmo", phase="Saturday", depends_on="c"),
        task("d", "1h", team="apps", phase="Saturday", depends_on="g"),
    ],
    deadline="2026-12-05T06:00",
    timezone="Europe/Amsterdam",
    extra=(
        "teams:\n  dba: {name: Databases}\n  apps: {name: Applications}\n"
        "  pmo: {name: Mission control}\ngates:\n  g: {rollback: 2h}\n"
    ),
)

# a: 1h30m of work against 1h (+30m, inside its pessimistic 2h); b: 20m against 30m
# (-10m); c: 1h10m from start to finish of which 10m stood failed, so 1h of work (on the
# minute). By hand: dba 1 of 2 within, median +10m, worst +30m (a), 1 of 1 within its
# pessimistic bound; apps 1 of 1 within, median 0, worst 0.
PLAYED = [
    ("18:00", "start", "a"),
    ("19:30", "done", "a"),
    ("19:30", "start", "b"),
    ("19:50", "done", "b"),
    ("19:50", "start", "c"),
    ("20:00", "fail", "c", "--reason", "disk full"),
    ("20:10", "start", "c"),
    ("21:00", "done", "c"),
]


@pytest.fixture
def played(tmp_path, cli, state_location):
    runbook = tmp_path / "small.yaml"
    runbook.write_text(RUNBOOK, encoding="utf-8")
    env = {"RUNBOOK_FILE": str(runbook), "RUNBOOK_USER": "ingrid"}
    if state_location is not None:
        env["RUNBOOK_STATE"] = state_location
    for moment, *args in PLAYED:
        result = cli(*args, env={**env, "RUNBOOK_NOW": f"2026-12-04T{moment}"})
        assert result.exit_code == 0, result.stderr
    return runbook, env


def at(env: dict[str, str], moment: str) -> dict[str, str]:
    return {**env, "RUNBOOK_NOW": f"2026-12-04T{moment}"}


def earlier_deadline(runbook) -> None:
    text = runbook.read_text(encoding="utf-8")
    runbook.write_text(text.replace("2026-12-05T06:00", "2026-12-05T02:00"), encoding="utf-8")


def test_an_edit_not_recorded_changes_nothing_and_is_said_once_with_the_command(played, cli):
    runbook, env = played
    earlier_deadline(runbook)
    status = cli("status", env=at(env, "21:05"))
    assert "deadline Sat 06:00" in status.stdout
    assert status.stderr.count("\n") == 1
    assert "differs from runbook version 1" in status.stderr
    assert "deadline Sat 06:00 → Sat 02:00" in status.stderr
    assert "`runbook revise --reason TEXT` records it" in status.stderr


def test_a_revision_is_in_force_from_its_moment_and_a_replay_before_it_keeps_the_old_one(
    played, cli
):
    runbook, env = played
    earlier_deadline(runbook)
    dry = cli("revise", "--dry-run", env=at(env, "21:08"))
    assert dry.exit_code == 0
    assert "deadline Sat 06:00 → Sat 02:00" in dry.stdout
    assert "point of no return g: Sat 04:00 → Sat 00:00" in dry.stdout
    assert "nothing recorded" in dry.stdout
    assert "revise" not in [e["kind"] for e in json.loads(cli("log", "--json", env=env).stdout)]

    revised = cli("revise", "--reason", "steering committee", env=at(env, "21:10"))
    assert revised.exit_code == 0, revised.stderr
    assert "runbook version 2 recorded" in revised.stdout

    after = cli("status", env=at(env, "21:15"))
    assert after.stderr == ""  # recorded: nothing more to say on every command
    assert "deadline Sat 02:00" in after.stdout
    assert "runbook version 2 in force" in after.stdout
    before = cli("status", "--now", "2026-12-04T21:00", env=env)
    assert "deadline Sat 06:00" in before.stdout
    assert "runbook version 1 in force" in before.stdout
    # The baseline stays what it was: the runbook the weekend began with.
    assert "baseline Fri 21:40" in after.stdout and "baseline Fri 21:40" in before.stdout

    log = cli("log", env=at(env, "21:20")).stdout
    # The revision (the last row): its summary leads its note, which wraps, the reason after.
    revision = " ".join(log[log.index(" revise ") :].split())
    assert "deadline Sat 06:00 → Sat 02:00 — steering committee" in revision


def test_an_invalid_file_is_refused_with_its_problems_and_the_version_in_force_stays(played, cli):
    runbook, env = played
    runbook.write_text(RUNBOOK.replace("depends_on: b", "depends_on: nowhere"), encoding="utf-8")
    refused = cli("revise", env=at(env, "21:10"))
    assert refused.exit_code == 1
    assert "nowhere" in refused.stderr and "small.yaml:" in refused.stderr
    assert "revise" not in [e["kind"] for e in json.loads(cli("log", "--json", env=env).stdout)]


def test_the_review_lists_revisions_lessons_accuracy_and_aftercare_owners(played, cli):
    runbook, env = played
    earlier_deadline(runbook)
    cli("revise", "--reason", "steering committee", env=at(env, "21:10"))
    assert cli("lesson", "compress the export", "--task", "a", env=at(env, "21:20")).exit_code == 0
    cli("lesson", "bring the key users in earlier", "--team", "apps", env=at(env, "21:21"))
    cli("lesson", "more coffee", env=at(env, "21:22"))
    handed = cli(
        "aftercare",
        "d",
        "--owner",
        "apps",
        "--due",
        "2026-12-10",
        "--ticket",
        "INC-1",
        env=at(env, "21:30"),
    )
    assert handed.exit_code == 0, handed.stderr
    refused = cli("aftercare", "a", "--owner", "dba", env=at(env, "21:31"))
    assert refused.exit_code == 1 and "not on the aftercare list" in refused.stderr

    data = json.loads(cli("review", "--format", "json", env=at(env, "21:40")).stdout)
    conforms(data, "review")
    [revision] = data["runbook_revisions"]
    assert (revision["version"], revision["reason"]) == (2, "steering committee")
    assert revision["by"] == "ingrid"  # the --by name, on PostgreSQL too (as the other lists)
    assert revision["summary"] == "deadline Sat 06:00 → Sat 02:00"
    assert [
        (g["phase"], g["team"], [x["text"] for x in g["lessons"]]) for g in data["lessons"]
    ] == [
        ("Friday", "dba", ["compress the export"]),
        (None, "apps", ["bring the key users in earlier"]),
        (None, None, ["more coffee"]),
    ]
    accuracy = {a["team"]: a for a in data["accuracy"]}
    assert accuracy["dba"] == {
        "team": "dba",
        "name": "Databases",
        "done": 2,
        "within_estimate": 1,
        "median_overrun_minutes": 10,
        "worst_overrun_minutes": 30,
        "worst_task": "a",
        "three_point": 1,
        "within_pessimistic": 1,
    }
    assert (accuracy["apps"]["within_estimate"], accuracy["apps"]["median_overrun_minutes"]) == (
        1,
        0,
    )
    owners = {item["id"]: (item["owner"], item["ticket"]) for item in data["aftercare"]}
    assert owners == {"g": (None, None), "d": ("apps", "INC-1")}
    assert data["unowned"] == ["g"]
    markdown = cli("review", env=at(env, "21:40")).stdout
    assert "No owner yet: g" in markdown
    assert "## Lessons learned" in markdown and "### Friday · Databases" in markdown

    rows = list(csv.DictReader(io.StringIO(cli("review", "--format", "csv", env=env).stdout)))
    assert [r["id"] for r in rows] == ["a", "b", "c", "g", "d"]
    c = rows[2]
    assert (c["status"], c["worked_minutes"], c["lost_minutes"], c["over_estimate_minutes"]) == (
        "done",
        "60",
        "10",
        "0",
    )
    assert (c["started_by"], c["finished_by"]) == ("ingrid", "ingrid")  # no login beside it

    exported = json.loads(cli("aftercare", "--format", "json", env=at(env, "21:40")).stdout)
    assert [(i["id"], i["owner"], i["due"]) for i in exported["items"]] == [
        ("g", None, None),
        ("d", "apps", "2026-12-10T00:00:00+01:00"),
    ]
