"""The published JSON Schema is generated from the models and accepts the examples."""

from __future__ import annotations

import json

import jsonschema
import pytest

from runbook.format import yamlsafe
from runbook.format.model import json_schema

from .conftest import EXAMPLES, ROOT

SCHEMA = ROOT / "docs" / "runbook-v1.schema.json"
DATA = ROOT / "tests" / "data"
RUNBOOKS = sorted(DATA.glob("**/*.yaml")) + sorted(EXAMPLES.glob("*.yaml"))

# What `validate` refuses and no JSON Schema can: each needs another value, another part of
# the file or the outside world. The test below also checks that the schema does let each of
# these through, so the list stays exact.
BEYOND_A_SCHEMA = {
    "deadline-not-after-start.yaml": "compares the deadline with the start",
    "readiness-rules-out-of-order.yaml": "compares two scores",
    "dependency-cycle.yaml": "follows the dependencies from task to task",
    "self-dependency.yaml": "compares a task's dependencies with its own id",
    "unknown-dependency.yaml": "looks the dependency up among the tasks",
    "duplicate-task-id.yaml": "compares the ids of all tasks",
    "unknown-team.yaml": "looks the team up in the teams section",
    "unknown-rollback-team.yaml": "looks the team up in the teams section",
    "unknown-timezone.yaml": "looks the zone up in the time zone database (tzdata)",
    "plan-past-2200.yaml": "schedules the tasks",
    "gate-stage-named-twice.yaml": "compares the names of a gate's stages",
    "task-id-of-a-gates-rollback.yaml": "compares a task's id with the gates' rollbacks",
    "notify-unknown-approver.yaml": "looks the name up among the gates' approvers",
    "gate-stage-needs-more-than-its-approvers.yaml": "compares needs with the approvers' count",
}


def test_the_published_schema_is_the_one_the_models_generate():
    published = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert published == json_schema(), (
        "docs/runbook-v1.schema.json is stale: run `runbook schema > docs/runbook-v1.schema.json`"
    )


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_satisfies_the_schema(example):
    document = yamlsafe.read(example.read_bytes())
    jsonschema.validate(document.data, json_schema())


def test_the_schema_rejects_an_unknown_task_key():
    data = {
        "name": "x",
        "start": "2026-12-04T06:00",
        "tasks": [{"id": "a", "title": "A", "depend_on": []}],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json_schema())


def test_the_schema_command_prints_the_schema(cli):
    result = cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema()


def _editor_verdict(path) -> bool:
    """What an editor with the schema says: valid, or not (its YAML reader refuses what
    ours does: a syntax error, a duplicate key, a second document, ...)."""
    document = yamlsafe.read(path.read_bytes())
    if document.issues:
        return False
    return jsonschema.Draft202012Validator(json_schema()).is_valid(document.data)


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_schema_and_validate_agree_on_every_runbook_in_tests_data(cli, runbook):
    editor = _editor_verdict(runbook)
    validated = cli("validate", runbook).exit_code == 0
    if runbook.name in BEYOND_A_SCHEMA and runbook.parent.name == "invalid":
        assert editor and not validated, f"the schema now refuses {runbook.name}: unlist it"
    else:
        assert editor == validated, (
            f"{runbook.name}: the schema says {'valid' if editor else 'invalid'}, "
            f"`runbook validate` {'valid' if validated else 'invalid'}"
        )


def _best_error(text: str) -> str:
    data = yamlsafe.read(text.encode("utf-8")).data
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(json_schema()).iter_errors(data)
    )
    assert error is not None, text
    return error.message


def _task(line: str) -> str:
    return (
        "name: Move the intranet\nstart: 2026-12-04T18:00\ntasks:\n"
        f"  - {{id: export, title: Export the database, {line}}}\n"
    )


def test_the_editor_is_told_what_is_wrong_with_a_value_not_incorrect_type():
    # A negative number of minutes is below the minimum, not of a wrong type.
    assert _best_error(_task("duration: -30")) == "-30 is less than the minimum of 0"
    assert "does not match" in _best_error(_task("duration: two hours"))
    assert "does not match" in _best_error(_task("duration: 1h, phase: x, not_before: soon"))
    assert _best_error(_task("duration: 1h, phase: 2026")).startswith("2026 is not of type")


def test_each_pattern_has_a_message_an_editor_shows_instead():
    def walk(node):
        if isinstance(node, dict):
            if "pattern" in node:
                yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    patterned = list(walk(json_schema()))
    assert len(patterned) > 10
    assert all(node.get("patternErrorMessage") for node in patterned)


@pytest.mark.parametrize(
    ("text", "readable"),
    [
        ("90m", True),
        ("1h30m", True),
        ("1h 30m", True),
        ("2 hours", True),
        ("1 DAY 2 Hrs", True),
        (" 45s ", True),
        ("PT1H30M", True),
        ("p1dt2h", True),
        ("1.5", True),
        (".5h", True),
        ("0", True),
        ("two hours", False),
        ("-30m", False),
        ("P1M", False),
        ("PT", False),
        ("P", False),
        ("1h30", False),
        ("", False),
        ("99999999999d", False),
    ],
)
def test_the_duration_pattern_reads_what_validate_reads(text, readable):
    import re

    from runbook.format.durations import DurationError, parse_duration
    from runbook.format.patterns import DURATION_PATTERN

    assert bool(re.search(DURATION_PATTERN, text)) is readable
    try:
        parse_duration(text)
        parsed = True
    except DurationError:
        parsed = False
    assert parsed is readable
