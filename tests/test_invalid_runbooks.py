"""Every way a runbook file can be wrong: one file per failure mode under tests/data/invalid/,
each reported at the exact place, in plain words, by the CLI and by the core alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner, Result

from runbook.cli import app
from runbook.common.problems import Problem
from runbook.validation.validate import validate_path

INVALID = Path(__file__).resolve().parent / "data" / "invalid"


class Case(NamedTuple):
    """What validating one file under tests/data/invalid/ must report: its only error."""

    file: str
    line: int
    column: int | None  # None: only the line is asserted
    fragment: str  # found in "message (hint)", exactly as printed after "error: "
    claim: str  # what the case shows, as a sentence (the test id)


CASES = [
    # Reading the file
    Case(
        "yaml-syntax-error.yaml",
        6,
        11,
        "YAML syntax error: mapping values are not allowed in this context (check the indentation",
        "a YAML syntax error is located at its line and column",
    ),
    Case(
        "yaml-unclosed-quote.yaml",
        8,
        1,
        "while scanning a quoted scalar (started on line 6, column 12), found unexpected end",
        "an unclosed quote says where the quote was opened",
    ),
    Case(
        "empty.yaml",
        1,
        1,
        "the file is empty; a runbook needs name, start and tasks",
        "an empty file is refused",
    ),
    Case(
        "only-comments.yaml",
        1,
        1,
        "the file is empty",
        "a file of only comments is empty",
    ),
    Case(
        "top-level-list.yaml",
        2,
        1,
        "the top level must be a mapping with name, start and tasks, not a list",
        "a list at the top level is refused",
    ),
    Case(
        "top-level-text.yaml",
        1,
        1,
        "the top level must be a mapping with name, start and tasks, not 'Move the intranet",
        "plain text at the top level is refused",
    ),
    Case(
        "not-utf8.yaml",
        2,
        10,
        "the file is not UTF-8 text (byte 0xe9 cannot be read) (save it as UTF-8)",
        "a file that is not UTF-8 names the first bad byte",
    ),
    Case(
        "control-character.yaml",
        6,
        22,
        "the file holds a control character (#x0000) that YAML does not allow",
        "a control character is located",
    ),
    Case(
        "several-documents.yaml",
        7,
        1,
        "the file holds more than one YAML document",
        "a second YAML document is refused",
    ),
    Case(
        "non-text-key.yaml",
        7,
        5,
        "a key must be plain text, not a list or mapping",
        "a key that is a list is refused",
    ),
    Case(
        "duplicate-key.yaml",
        7,
        5,
        "duplicate key 'duration' (first given on line 6)",
        "a duplicate key points at both places",
    ),
    # Shape and types
    Case(
        "unknown-key.yaml",
        10,
        5,
        "unknown key 'depend_on' (did you mean 'depends_on'?)",
        "an unknown task key suggests the one that was meant",
    ),
    Case(
        "unknown-top-level-key.yaml",
        3,
        1,
        "unknown key 'deadlne' (did you mean 'deadline'?)",
        "an unknown top level key suggests the one that was meant",
    ),
    Case(
        "unknown-priority.yaml",
        7,
        15,
        "'tasks[0].priority': Input should be 'must', 'should' or 'nice'",
        "a priority other than must, should or nice is refused",
    ),
    Case(
        "wrong-type.yaml",
        5,
        12,
        "'tasks[0].title' should be text, not a list",
        "a list where text belongs is refused",
    ),
    Case(
        "fixed-not-before-unknown-key.yaml",
        9,
        40,
        "unknown key 'fixd' (did you mean 'fixed'?)",
        "a misspelt key in a fixed not_before is located with a suggestion",
    ),
    Case(
        "fixed-not-before-without-time.yaml",
        10,
        7,
        "missing required key 'at' in 'tasks[0].not_before'",
        "a fixed not_before without its time is refused",
    ),
    Case(
        "wrong-type-boolean.yaml",
        6,
        16,
        "'tasks[0].milestone' should be true or false, not 'perhaps'",
        "a word where true or false belongs is refused",
    ),
    Case(
        "tasks-not-a-list.yaml",
        4,
        3,
        "'tasks' should be a list, not a mapping",
        "tasks written as a mapping are refused",
    ),
    Case(
        "missing-required-key.yaml",
        7,
        5,
        "missing required key 'title' in task 'import'",
        "a missing task key names the task",
    ),
    Case(
        "missing-start.yaml",
        1,
        1,
        "missing required key 'start'",
        "a missing start is reported",
    ),
    Case(
        "unsupported-version.yaml",
        1,
        10,
        "unsupported format version 2; this runbook reads version 1",
        "an unsupported format version is refused",
    ),
    Case(
        "invalid-task-id.yaml",
        4,
        9,
        "'export database' is not a valid id: use only letters, digits, '-', '_' and '.'",
        "a task id with a space is refused",
    ),
    Case(
        "task-id-with-line-break.yaml",
        4,
        9,
        "'export\\n' is not a valid id: use only letters, digits, '-', '_' and '.'",
        "a task id ending in a line break is refused",
    ),
    Case(
        "option-like-task-id.yaml",
        4,
        9,
        "'--force' is not a valid id: an id starts with a letter, a digit or '_'",
        "a task id that reads as an option is refused",
    ),
    Case(
        "dots-only-team-id.yaml",
        4,
        None,
        "'..' is not a valid id: an id starts with a letter, a digit or '_'",
        "a team id of dots alone is refused",
    ),
    Case(
        "empty-task-list.yaml",
        3,
        8,
        "the runbook has no tasks",
        "an empty task list is refused",
    ),
    # Durations, times and zones
    Case(
        "duration-in-words.yaml",
        6,
        15,
        "'two hours' is not a duration; use 90m, 1h30m",
        "a duration in words is refused, as the JSON Schema's pattern refuses it",
    ),
    Case(
        "negative-number-of-minutes.yaml",
        6,
        15,
        "negative duration '-30' is not allowed",
        "a negative number of minutes is refused",
    ),
    Case(
        "start-in-words.yaml",
        2,
        8,
        "'tomorrow evening' is not a valid date and time; use ISO 8601",
        "a start in words is refused, as the JSON Schema's pattern refuses it",
    ),
    Case(
        "time-in-a-form-not-listed.yaml",
        2,
        8,
        "'20261204T1800' is not a date and time the runbook format reads; use ISO 8601 like "
        "2026-12-04T06:00",
        "an ISO 8601 form the format does not list (basic, without dashes) is refused",
    ),
    Case(
        "name-written-as-a-number.yaml",
        1,
        7,
        "'name' should be text, not 12345 (put it in quotes to have it read as text)",
        "a name written as a number is refused with the hint to quote it",
    ),
    Case(
        "phase-written-as-a-number.yaml",
        7,
        12,
        "'tasks[0].phase' should be text, not 2026 (put it in quotes",
        "a phase written as a number is refused, as in an editor",
    ),
    Case(
        "bad-duration.yaml",
        6,
        15,
        "'an hour or so' is not a duration; use 90m, 1h30m",
        "a bad duration quotes the offending text",
    ),
    Case(
        "negative-duration.yaml",
        6,
        15,
        "negative duration '-30m' is not allowed",
        "a negative duration is refused",
    ),
    Case(
        "duration-in-months.yaml",
        6,
        15,
        "'P1M' uses years or months, which have no fixed length",
        "a duration in months is refused",
    ),
    Case(
        "invalid-date.yaml",
        2,
        8,
        "'2026-02-30T18:00' is not a valid date and time: day is out of range for month",
        "an impossible date is refused with the reason",
    ),
    Case(
        "unknown-timezone.yaml",
        2,
        11,
        "unknown time zone 'Europe/Amsterdm' (did you mean 'Europe/Amsterdam'?)",
        "an unknown time zone suggests the one that was meant",
    ),
    Case(
        "readiness-rules-out-of-order.yaml",
        6,
        64,
        "risk_conditions_score (12) is above risk_no_go_score (10)",
        "readiness rules whose conditions threshold is above the NO-GO one are refused",
    ),
    Case(
        "deadline-not-after-start.yaml",
        3,
        11,
        "the deadline (Fri 04 Dec 06:00) is not after the start (Fri 04 Dec 18:00)",
        "a deadline before the start is refused",
    ),
    # Tasks and how they refer to each other
    Case(
        "duplicate-task-id.yaml",
        7,
        9,
        "duplicate task id 'export' (first used on line 4)",
        "a duplicate task id points at its first use",
    ),
    Case(
        "unknown-dependency.yaml",
        10,
        18,
        "task 'smoke-test' depends on unknown task 'migrate-databse' "
        "(did you mean 'migrate-database'?)",
        "a dependency on an unknown task suggests the one that was meant",
    ),
    Case(
        "self-dependency.yaml",
        7,
        17,
        "task 'export' depends on itself",
        "a task that depends on itself is refused",
    ),
    Case(
        "dependency-cycle.yaml",
        7,
        18,
        "dependency cycle: export -> import -> verify -> export",
        "a dependency cycle is printed as its path",
    ),
    Case(
        "unknown-team.yaml",
        9,
        11,
        "unknown team 'netwrok' (did you mean 'network'?)",
        "an unknown team suggests a declared one",
    ),
    Case(
        "notify-unknown-approver.yaml",
        6,
        5,
        "notify.approvers names 'Ingrid de Vires', who is no approver of any gate",
        "an approver's address names someone a gate names, with a did-you-mean",
    ),
    Case(
        "unknown-rollback-team.yaml",
        10,
        47,
        "unknown team 'netwerk' (did you mean 'network'?)",
        "a rollback task's unknown team is refused as a task's is",
    ),
    Case(
        "milestone-with-duration.yaml",
        7,
        15,
        "milestone 'go-no-go' has a duration; a milestone takes no time",
        "a milestone with a duration is located at the duration",
    ),
    Case(
        "task-without-duration.yaml",
        4,
        5,
        "task 'export' has no duration (or set 'milestone: true')",
        "a task without a duration is refused",
    ),
    # Gates: who decides, in stages (issue 22)
    Case(
        "task-id-of-a-gates-rollback.yaml",
        13,
        10,
        "task id 'gonogo-1.rollback' is taken by the rollback of gate 'gonogo-1' (a duration: "
        "rolled back, it runs as one task of that id)",
        "a task may not take the id a gate's rollback of a duration runs as",
    ),
    Case(
        "gate-stage-named-twice.yaml",
        12,
        17,
        "stage 'project-team' is named twice (first as stage 1)",
        "a gate's stage named twice is located at its second name",
    ),
    Case(
        "gate-stage-needs-more-than-its-approvers.yaml",
        12,
        68,
        "stage 'steering-committee' needs 3 GOs but names 2 approvers (name more approvers, "
        "or say needs: all)",
        "a stage that needs more GOs than it has approvers is refused",
    ),
    Case(
        "gate-stage-needs-none.yaml",
        11,
        81,
        "'needs' is how many of the stage's approvers must say GO: a number (1 or more) or "
        "all, not 0",
        "a stage that needs no GO at all is refused",
    ),
    Case(
        "gate-with-approvers-and-stages.yaml",
        10,
        7,
        "the gate gives both 'approvers' and 'decided_by'; name who decides once",
        "a gate that names its approvers both as one list and in stages is refused",
    ),
    Case(
        "gate-stage-approver-named-twice.yaml",
        12,
        32,
        "approver 'CIO' is named twice in stage 'steering-committee'",
        "an approver named twice in one stage is located at the second name",
    ),
    Case(
        "gate-stage-approver-on-two-lines.yaml",
        11,
        49,
        "approver 'CIO␊CMIO' holds a line break; only printable text is recorded (name an "
        "approver as `runbook decide --by` will: on one line of at most 100 characters)",
        "an approver no one could name with --by is refused",
    ),
    Case(
        "gate-stage-without-approvers.yaml",
        12,
        48,
        "stage 'steering-committee' names no approvers; a stage is decided by at least one",
        "a stage without approvers is refused",
    ),
    # Hostile input (the big ones are written at test time: see test_yaml_hardening.py)
    Case(
        "python-object-tag.yaml",
        2,
        7,
        "YAML tag '!!python/object/apply:os.system' is not allowed",
        "a tag that constructs objects is refused",
    ),
    Case(
        "alias-bomb.yaml",
        10,
        16,
        "aliases expand to more than 2,000,000 values; refused",
        "an alias bomb is refused",
    ),
    Case(
        "recursive-alias.yaml",
        7,
        12,
        "alias '*tasks' refers to the collection that contains it",
        "a recursive alias is refused",
    ),
    Case(
        "undefined-alias.yaml",
        5,
        12,
        "alias '*export-title' refers to an anchor that was never defined",
        "an alias without an anchor is refused",
    ),
    Case(
        "deep-nesting.yaml",
        4,
        71,
        "the YAML is nested more than 64 levels deep; refused",
        "nesting deeper than 64 levels is refused",
    ),
    # Bounds: a weekend lasts days, between 1970 and 2200
    Case(
        "duration-too-long.yaml",
        6,
        15,
        "duration '1e+308' is longer than 30 days",
        "a duration of 1e308 minutes is refused, not overflowed",
    ),
    Case(
        "duration-in-days-too-long.yaml",
        6,
        15,
        "duration '99999999999d' is longer than 30 days",
        "a duration of billions of days is refused",
    ),
    Case(
        "number-too-long.yaml",
        7,
        46,
        "is longer than 30 days",
        "a number of 5,000 digits is read and refused, not an internal error",
    ),
    Case(
        "start-before-1970.yaml",
        3,
        8,
        "'0001-01-01' is outside the years 1970-2200",
        "a start in year 1 is refused before it is converted to UTC",
    ),
    Case(
        "plan-past-2200.yaml",
        7,
        15,
        "task 'export' would finish after the year 2200",
        "a plan that would run past 2200 is refused at the task that crosses it",
    ),
    Case(
        "readiness-due-out-of-bounds.yaml",
        10,
        10,
        "'9999-12-31' is outside the years 1970-2200",
        "a readiness item due in year 9999 is refused",
    ),
]

# Files under tests/data/invalid/ that hold several problems and have tests of their own.
MANY_PROBLEMS = "many-problems.yaml"
OWN_TESTS = {MANY_PROBLEMS}

PARAMS = [pytest.param(case, id=case.claim) for case in CASES]


def _validate(path: Path) -> Result:
    return CliRunner().invoke(app, ["validate", str(path)])


def _printed(problem: Problem) -> str:
    """What follows ``error:`` on the printed line: the message and the hint."""
    return problem.message + (f" ({problem.hint})" if problem.hint else "")


def _error_lines(stderr: str, source: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(f"{source}:")]


@pytest.mark.parametrize("case", PARAMS)
def test_the_cli_reports_the_problem_on_stderr_at_its_exact_place(case: Case) -> None:
    path = INVALID / case.file
    result = _validate(path)

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = _error_lines(result.stderr, str(path))
    assert len(lines) == 1, result.stderr
    if case.column is None:
        assert lines[0].startswith(f"{path}:{case.line}:"), lines[0]
    else:
        assert lines[0].startswith(f"{path}:{case.line}:{case.column}: error: "), lines[0]
    assert case.fragment in lines[0]
    assert f"{path}: 1 error; the runbook is not valid" in result.stderr


@pytest.mark.parametrize("case", PARAMS)
def test_the_core_reports_the_same_problem_at_the_same_place(case: Case) -> None:
    result = validate_path(INVALID / case.file)

    assert not result.ok
    assert result.plan is None
    assert len(result.errors) == 1, [p.format("") for p in result.errors]
    (error,) = result.errors
    assert error.line == case.line
    if case.column is not None:
        assert error.column == case.column
    assert case.fragment in _printed(error)


def test_every_file_under_tests_data_invalid_has_an_expectation() -> None:
    on_disk = {p.name for p in INVALID.iterdir() if p.is_file()}
    expected = {case.file for case in CASES} | OWN_TESTS

    assert on_disk - expected == set(), "add these files to CASES with what they must report"
    assert expected - on_disk == set(), "these expected files are missing"
    assert len({case.file for case in CASES}) == len(CASES), "a file is listed twice"
    assert len({case.claim for case in CASES}) == len(CASES), "a claim is used twice"


# Every mistake in many-problems.yaml, in file order: (line, column, printed fragment).
MANY = [
    (3, 11, "unknown time zone 'Europe/Amsterdm' (did you mean 'Europe/Amsterdam'?)"),
    (10, 11, "unknown team 'dab' (did you mean 'dba'?)"),
    (11, 15, "'an hour' is not a duration"),
    (12, 18, "dependency cycle: export -> import -> verify -> export"),
    (21, 15, "negative duration '-30m' is not allowed"),
    (23, 5, "missing required key 'title' in task 'smoke-test'"),
    (26, 18, "task 'smoke-test' depends on unknown task 'migrate-databse'"),
    (27, 5, "unknown key 'depend_on' (did you mean 'depends_on'?)"),
    (28, 9, "duplicate task id 'export' (first used on line 8)"),
    (32, 5, "duplicate key 'duration' (first given on line 31)"),
]


def test_a_file_with_many_problems_reports_all_of_them_in_one_run() -> None:
    path = INVALID / MANY_PROBLEMS
    result = _validate(path)

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = _error_lines(result.stderr, str(path))
    assert len(lines) == len(MANY), result.stderr
    for line, (row, column, fragment) in zip(lines, MANY, strict=True):
        assert line.startswith(f"{path}:{row}:{column}: error: ")
        assert fragment in line
    assert f"{path}: {len(MANY)} errors; the runbook is not valid" in result.stderr


def test_the_core_collects_every_problem_of_a_file_in_file_order() -> None:
    result = validate_path(INVALID / MANY_PROBLEMS)

    found = [(p.line, p.column) for p in result.errors]
    assert found == [(row, column) for row, column, _ in MANY]
    for problem, (_, _, fragment) in zip(result.errors, MANY, strict=True):
        assert fragment in _printed(problem)
    assert result.warnings == []


def test_json_output_lists_every_problem_with_its_location() -> None:
    path = INVALID / MANY_PROBLEMS
    result = CliRunner().invoke(app, ["validate", "--json", str(path)])

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["errors"] == len(MANY)
    located = [(p["line"], p["column"]) for p in report["problems"]]
    assert located == [(row, column) for row, column, _ in MANY]
    assert all(p["file"] == str(path) for p in report["problems"])


def _runbook() -> list[str]:
    """The installed ``runbook`` script next to this interpreter (else the same entry point)."""
    script = Path(sys.executable).with_name("runbook")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from runbook.cli import main; main()"]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, id=case.claim)
        for case in CASES
        if case.file in {"not-utf8.yaml", "dependency-cycle.yaml", "unknown-dependency.yaml"}
    ],
)
def test_the_installed_command_reports_the_problem_and_exits_one(case: Case) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("RUNBOOK_DEBUG", None)
    done = subprocess.run(
        [*_runbook(), "validate", case.file],
        cwd=INVALID,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    (line,) = [row for row in done.stderr.splitlines() if row.startswith(f"{case.file}:")]
    assert line.startswith(f"{case.file}:{case.line}:{case.column}: error: ")
    assert case.fragment in line
