"""Warnings point at doubtful plans without failing them: one file per warning under
tests/data/warnings/, each valid (exit 0) with exactly one located warning; and the examples
that ship with runbook validate without a single error or warning."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from runbook.cli import app
from runbook.validation.validate import validate_path

ROOT = Path(__file__).resolve().parent.parent
WARNINGS = ROOT / "tests" / "data" / "warnings"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


class Case(NamedTuple):
    """The one warning validating a file under tests/data/warnings/ must give."""

    file: str
    line: int
    column: int
    fragment: str
    claim: str


CASES = [
    Case(
        "task-without-team.yaml",
        11,
        9,
        "task 'import' has no team",
        "a task without a team is warned about",
    ),
    Case(
        "redundant-dependency.yaml",
        20,
        18,
        "task 'verify' depends on 'export', which 'import' already depends on; "
        "the direct dependency is redundant",
        "a dependency implied by another path is redundant",
    ),
    Case(
        "ends-after-deadline.yaml",
        4,
        11,
        "the plan finishes 30m after the deadline",
        "a plan that ends after the deadline says by how much",
    ),
    Case(
        "not-before-earlier-than-start.yaml",
        12,
        17,
        "task 'export' has not_before earlier than the runbook's start",
        "not_before earlier than the start is warned about",
    ),
    Case(
        "dependency-listed-twice.yaml",
        14,
        26,
        "task 'import' lists 'export' twice",
        "a dependency listed twice is warned about",
    ),
    Case(
        "time-that-does-not-exist.yaml",
        4,
        8,
        "2026-03-29T02:30 does not exist in Europe/Amsterdam (the clocks go forward)",
        "a local time skipped by the clocks going forward is warned about",
    ),
]

PARAMS = [pytest.param(case, id=case.claim) for case in CASES]


@pytest.mark.parametrize("case", PARAMS)
def test_the_cli_prints_the_warning_at_its_place_and_exits_zero(case: Case) -> None:
    path = WARNINGS / case.file
    result = CliRunner().invoke(app, ["validate", str(path)])

    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"{path}:")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{path}:{case.line}:{case.column}: warning: ")
    assert case.fragment in lines[0]
    assert f"{path}: valid;" in result.stdout
    assert result.stdout.rstrip().endswith("; 1 warning")


@pytest.mark.parametrize("case", PARAMS)
def test_the_core_gives_a_plan_and_exactly_one_warning(case: Case) -> None:
    result = validate_path(WARNINGS / case.file)

    assert result.ok
    assert result.plan is not None
    assert result.errors == []
    (warning,) = result.warnings
    assert (warning.line, warning.column) == (case.line, case.column)
    assert case.fragment in warning.message


def test_every_file_under_tests_data_warnings_has_an_expectation() -> None:
    on_disk = {p.name for p in WARNINGS.iterdir() if p.is_file()}
    expected = {case.file for case in CASES}

    assert on_disk - expected == set(), "add these files to CASES with the warning they give"
    assert expected - on_disk == set(), "these expected files are missing"


def test_there_are_examples_to_check() -> None:
    assert EXAMPLES, "examples/*.yaml is empty; the example test below would check nothing"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates_without_errors_or_warnings(example: Path) -> None:
    result = validate_path(example)

    assert [p.format(example.name) for p in result.problems] == []
    assert result.ok


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_the_cli_finds_every_example_valid_and_quiet(example: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(example)])

    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.rstrip().endswith("; 0 warnings")


def test_every_task_waiting_for_a_time_the_clocks_skip_is_warned_where_it_says_so() -> None:
    # The time each not_before gives is read once (issue 28 §4); each task still gets its own
    # located warning, the mapping form and the plain one alike.
    from runbook.validation.validate import validate_bytes

    text = (
        "name: Gap\ntimezone: Europe/Amsterdam\nstart: 2026-03-28T22:00\n"
        "teams: {dba: {}}\ntasks:\n"
        "  - {id: a, title: A, team: dba, duration: 1h, not_before: 2026-03-29T02:30}\n"
        "  - {id: b, title: B, team: dba, duration: 1h, not_before: {at: 2026-03-29T02:30}}\n"
        "  - {id: c, title: C, team: dba, duration: 1h, not_before: 2026-03-29T03:30}\n"
        "  - {id: d, title: D, team: dba, duration: 1h, not_before: 2026-03-29T02:30}\n"
    )
    result = validate_bytes(text.encode(), source="gap.yaml")

    gaps = [w for w in result.warnings if "does not exist" in w.message]
    assert [(w.line, w.path) for w in gaps] == [
        (6, ("tasks", 0, "not_before")),
        (7, ("tasks", 1, "not_before", "at")),
        (9, ("tasks", 3, "not_before")),
    ]
