"""Every ``--json`` contract follows its published JSON Schema in ``docs/contracts/``: before
the weekend, during it, for a team, in a replay, and in the golden report files."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource

from .builders import (
    FRIDAY_EVENING,
    GOLDEN,
    friday,
    golden_runbook,
    minimal_runbook,
    played_weekend,
)
from .conftest import EXAMPLES, ROOT

SCHEMAS = ROOT / "docs" / "contracts"
INVALID = Path(__file__).parent / "data" / "invalid"
NOW = "2026-12-04T23:00"


def _schema(name: str) -> dict[str, object]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


REGISTRY: Registry = Registry().with_resources(
    (path.name, Resource.from_contents(_schema(path.name)))
    for path in sorted(SCHEMAS.glob("*.schema.json"))
)


def conforms(data: object, contract: str) -> None:
    """Assert that ``data`` follows ``docs/contracts/<contract>.schema.json``, listing every
    place it does not."""
    validator = jsonschema.Draft202012Validator(
        _schema(f"{contract}.schema.json"), registry=REGISTRY
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, f"{contract} contract broken:\n" + "\n".join(errors)


def json_out(cli, *args: object, env: dict[str, str] | None = None, ok: bool = True) -> object:
    """Run a command and read its stdout as one JSON document."""
    result = cli(*args, env=env)
    if ok:
        assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def event_lines(cli, *args: object, env: dict[str, str] | None = None) -> list[object]:
    """Run a recording command with --json: one event a line."""
    result = cli(*args, "--json", env=env)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


FRIDAY = [(friday(hhmm), *rest) for hhmm, *rest in FRIDAY_EVENING]

# The golden weekend until the transfer gate said NO-GO: the rollback is due.
NO_GO = [
    ("2026-12-01T11:00+01:00", "check", "cab"),
    ("2026-12-01T11:00+01:00", "signoff", "dba"),
    ("2026-12-04T18:00+01:00", "start", "freeze"),
    ("2026-12-04T18:15+01:00", "done", "freeze"),
    ("2026-12-04T18:15+01:00", "start", "export"),
    ("2026-12-04T21:15+01:00", "done", "export"),
    ("2026-12-04T21:20+01:00", "decide", "gate-transfer", "no-go"),
]


@pytest.fixture
def friday(tmp_path: Path) -> Path:
    """The minimal example, played until import is running again."""
    runbook = minimal_runbook(tmp_path, "intranet.yaml")
    played_weekend(runbook, FRIDAY)
    return runbook


@pytest.fixture
def no_go(tmp_path: Path) -> Path:
    """The golden weekend with its transfer gate decided NO-GO."""
    runbook = golden_runbook(tmp_path)
    played_weekend(runbook, NO_GO)
    return runbook


@pytest.mark.parametrize("name", sorted(p.name for p in SCHEMAS.glob("*.schema.json")))
def test_every_published_contract_is_a_valid_json_schema(name):
    jsonschema.Draft202012Validator.check_schema(_schema(name))


def test_every_command_with_json_has_a_published_contract():
    published = {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")}
    contracts = {"plan", "status", "log", "event", "validate", "baseline", "readiness", "review"}
    contracts |= {"recover", "db-status", "aftercare"}
    assert contracts | {"common"} == published


@pytest.mark.parametrize(
    "runbook",
    sorted(EXAMPLES.glob("*.yaml")) + sorted(INVALID.glob("*.yaml")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_validate_json_follows_its_contract_for_valid_and_invalid_runbooks(cli, runbook):
    conforms(json_out(cli, "validate", runbook, "--json", ok=False), "validate")


def test_validate_json_of_a_missing_file_still_follows_its_contract(cli, tmp_path):
    data = json_out(cli, "validate", tmp_path / "nothere.yaml", "--json", ok=False)
    conforms(data, "validate")
    assert data["valid"] is False


@pytest.mark.parametrize("runbook", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_plan_json_before_the_weekend_follows_its_contract(cli, runbook):
    conforms(json_out(cli, "plan", runbook, "--json"), "plan")
    conforms(json_out(cli, "plan", runbook, "--format", "json"), "plan")


@pytest.mark.parametrize("team", ["pmo", "dba", "apps"])
def test_plan_json_for_a_team_follows_its_contract(cli, team):
    data = json_out(cli, "plan", EXAMPLES / "minimal.yaml", "--team", team, "--json")
    conforms(data, "plan")
    assert data["team"]["id"] == team


def test_plan_json_during_the_weekend_follows_its_contract(cli, friday):
    env = {"RUNBOOK_NOW": NOW}
    data = json_out(cli, "plan", friday, "--json", env=env)
    conforms(data, "plan")
    assert "forecast" in data
    conforms(json_out(cli, "plan", friday, "--team", "dba", "--json", env=env), "plan")
    conforms(json_out(cli, "plan", friday, "--ignore-state", "--json", env=env), "plan")


def test_status_json_during_the_weekend_for_a_team_and_in_a_replay_follows_its_contract(
    cli, friday
):
    env = {"RUNBOOK_NOW": NOW}
    conforms(json_out(cli, "status", "-f", friday, "--json", env=env), "status")
    mine = json_out(cli, "status", "-f", friday, "--team", "dba", "--json", env=env)
    conforms(mine, "status")
    assert mine["team"] == {"id": "dba", "name": "Database team"}
    replay = json_out(cli, "status", "-f", friday, "--now", "2026-12-04T19:00", "--json", env=env)
    conforms(replay, "status")
    assert replay["later_events"] > 0


def test_status_json_with_a_no_go_and_a_point_of_no_return_follows_its_contract(cli, no_go):
    data = json_out(cli, "status", "-f", no_go, "--json", env={"RUNBOOK_NOW": "2026-12-04T21:30"})
    conforms(data, "status")
    assert data["no_go"] and data["next_point_of_no_return"] is not None


def test_log_json_follows_its_contract(cli, friday):
    env = {"RUNBOOK_NOW": NOW}
    events = json_out(cli, "log", "-f", friday, "--json", env=env)
    conforms(events, "log")
    assert len(events) == len(FRIDAY) + 1  # and the baseline
    conforms(json_out(cli, "log", "-f", friday, "--task", "export", "--json", env=env), "log")
    conforms(json_out(cli, "log", "-f", friday, "--team", "dba", "--json", env=env), "log")


def test_every_recorded_event_printed_with_json_follows_the_event_contract(cli, tmp_path):
    runbook = golden_runbook(tmp_path)
    env = {"RUNBOOK_NOW": "2026-12-04T18:30"}
    lines = []
    for args in [
        ("signoff", "pmo"),
        ("check", "comms"),
        ("start", "freeze", "--at", "18:00"),
        ("note", "freeze", "quiet so far"),
        ("done", "freeze", "--at", "18:15"),
        ("start", "export"),
        ("fail", "export", "--reason", "disk full"),
        ("undo", "export"),
        ("skip", "import", "--reason", "not needed", "--force"),
        ("baseline", "--reset"),
    ]:
        lines += event_lines(cli, *args, "-f", runbook, "--by", "ingrid", env=env)
    assert len(lines) == 10
    for event in lines:
        conforms(event, "event")


def test_decide_json_follows_the_event_contract(cli, no_go):
    env = {"RUNBOOK_NOW": "2026-12-04T21:30"}
    for event in event_lines(
        cli, "decide", "gate-transfer", "go", "-f", no_go, "--by", "CIO", env=env
    ):
        conforms(event, "event")


def test_baseline_json_before_and_after_the_first_check_in_follows_its_contract(cli, tmp_path):
    runbook = golden_runbook(tmp_path)
    env = {"RUNBOOK_NOW": "2026-12-01T11:00"}
    assert cli("check", "cab", "-f", runbook, env=env).exit_code == 0
    before = json_out(cli, "baseline", "-f", runbook, "--json", env=env)
    conforms(before, "baseline")
    assert before["baseline"] is None
    played_weekend(runbook, NO_GO[2:])
    after = json_out(cli, "baseline", "-f", runbook, "--json", env={"RUNBOOK_NOW": NOW})
    conforms(after, "baseline")
    assert after["baseline"] is not None


@pytest.mark.parametrize("runbook", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_readiness_json_before_the_weekend_follows_its_contract(cli, runbook):
    args = ("readiness", "-f", runbook, "--format", "json", "--runs", "200")
    conforms(json_out(cli, *args, env={"RUNBOOK_NOW": "2026-12-01T12:00"}), "readiness")


def test_readiness_json_of_an_invalid_runbook_follows_its_contract(cli):
    args = ("readiness", "-f", INVALID / "unknown-team.yaml", "--format", "json")
    data = json_out(cli, *args, env={"RUNBOOK_NOW": "2026-12-01T12:00"}, ok=False)
    conforms(data, "readiness")
    assert data["recommendation"] == "NO-GO"


def test_readiness_and_review_json_during_the_weekend_follow_their_contracts(cli, no_go):
    env = {"RUNBOOK_NOW": "2026-12-04T21:30"}
    args = ("-f", no_go, "--format", "json")
    readiness = json_out(cli, "readiness", *args, "--runs", "200", env=env)
    conforms(readiness, "readiness")
    assert "as_of" in readiness["schedule"]
    conforms(json_out(cli, "review", *args, env=env), "review")


def test_aftercare_json_follows_its_contract_with_and_without_a_handover(cli, no_go):
    env = {"RUNBOOK_NOW": "2026-12-04T21:30", "RUNBOOK_FILE": str(no_go)}
    before = json_out(cli, "aftercare", "--format", "json", env=env)
    conforms(before, "aftercare")
    assert before["items"] and before["unowned"] == [i["id"] for i in before["items"]]
    handed = ("aftercare", "import", "--owner", "dba", "--due", "2026-12-08T09:00")
    assert cli(*handed, "--ticket", "INC-7", "--note", "redo", env=env).exit_code == 0
    after = json_out(cli, "aftercare", "--format", "json", env=env)
    conforms(after, "aftercare")
    item = next(i for i in after["items"] if i["id"] == "import")
    assert (item["owner"], item["due"], item["ticket"], item["handover_notes"]) == (
        "dba",
        "2026-12-08T09:00:00+01:00",
        "INC-7",
        ["redo"],
    )
    assert "import" not in after["unowned"]


def test_status_json_says_which_runbook_version_is_in_force(cli, no_go):
    env = {"RUNBOOK_NOW": "2026-12-04T21:30", "RUNBOOK_FILE": str(no_go), "RUNBOOK_USER": "cio"}
    first = json_out(cli, "status", "--json", env=env)
    conforms(first, "status")
    assert first["runbook_version"]["number"] == 1
    assert first["runbook_version"]["reason"] is None
    text = no_go.read_text(encoding="utf-8")
    no_go.write_text(text.replace("deadline: 2026-12-05T12:00", "deadline: 2026-12-05T10:00"))
    assert cli("revise", "--reason", "earlier", env=env).exit_code == 0
    revised = json_out(cli, "status", "--json", env=env)
    conforms(revised, "status")
    assert revised["runbook_version"] == {
        "number": 2,
        "since": "2026-12-04T21:30:00+01:00",
        "by": "cio",
        "login": None,
        "reason": "earlier",
        "summary": "deadline Sat 12:00 → Sat 10:00",
        "digest": revised["runbook_version"]["digest"],
    }
    assert (
        json_out(cli, "status", "--json", env={**env, "RUNBOOK_NOW": "2026-12-04T21:00"})[
            "runbook_version"
        ]["number"]
        == 1
    )


@pytest.mark.parametrize("name", ["readiness", "review"])
def test_the_golden_report_files_follow_their_contracts(name):
    conforms(json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8")), name)
