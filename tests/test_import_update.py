"""The realistic example exported to Excel, edited as a PMO would (a duration changed, a task
added, a dependency removed), and brought back: `--diff` says what changed, `--update`
applies it to the YAML keeping its comments and layout, and the plan is as expected."""

from __future__ import annotations

import difflib
import json
import shutil
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def edited(cli, tmp_path) -> tuple[Path, Path]:
    """The example (copied) and its workbook, edited with openpyxl."""
    runbook = tmp_path / "weekend.yaml"
    shutil.copy(EXAMPLES / "cloud-migration-weekend.yaml", runbook)
    workbook = tmp_path / "weekend.xlsx"
    assert cli("export", "xlsx", "-f", runbook, "-o", workbook).exit_code == 0
    book = openpyxl.load_workbook(workbook)
    sheet = book["Tasks"]
    column = {cell.value: cell.column for cell in sheet[1]}
    row_of = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    # A duration changed: the EHR acceptance test takes an hour longer.
    sheet.cell(row_of["uat-ehr"], column["Duration"]).value = timedelta(hours=5)
    # A dependency removed: the sign-off no longer waits for the label printing test.
    deps = sheet.cell(row_of["apps-acceptance"], column["Depends on"])
    deps.value = deps.value.replace(", uat-label-printing", "")
    # A task added, in a new row below the EHR test, as a PMO types it: Dutch duration text.
    at = row_of["uat-ehr"] + 1
    sheet.insert_rows(at)
    for header, value in {
        "ID": "uat-wristbands",
        "Title": "Print test wristbands on two wards",
        "Team": "apps",
        "Phase": "Sunday",
        "Duration": "45 min",
        "Depends on": "uat-ehr",
    }.items():
        sheet.cell(at, column[header]).value = value
    book.save(workbook)
    return runbook, workbook


def test_diff_shows_the_duration_the_new_task_and_the_dependency_removed(cli, edited):
    runbook, workbook = edited
    before = runbook.read_bytes()

    result = cli("import", workbook, "--diff", runbook)

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "~ task uat-ehr (changed)",
        "    duration: 4h -> 5h",
        "+ task uat-wristbands (added)",
        "~ task apps-acceptance (changed)",
        "    depends_on: uat-ehr-retest, uat-lab, uat-pharmacy, uat-pacs, uat-hr-payroll, "
        "uat-finance, uat-label-printing -> uat-ehr-retest, uat-lab, uat-pharmacy, uat-pacs, "
        "uat-hr-payroll, uat-finance",
    ]
    assert "1 task added, 2 tasks changed" in result.stderr
    assert runbook.read_bytes() == before  # --diff writes nothing


def test_update_applies_the_changes_keeping_comments_and_layout(cli, edited, tmp_path):
    runbook, workbook = edited
    original = runbook.read_text(encoding="utf-8")
    plain = tmp_path / "plain.yaml"
    assert cli("import", workbook, "-o", plain).exit_code == 0

    result = cli("import", workbook, "--update", runbook)

    assert result.exit_code == 0, result.stderr
    assert "comments and layout kept" in result.stderr
    updated = runbook.read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.unified_diff(original.splitlines(), updated.splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        "-    duration: 4h",
        "+    duration: 5h",
        "+  - id: uat-wristbands",
        "+    title: Print test wristbands on two wards",
        "+    team: apps",
        "+    duration: 45m",
        "+    depends_on: [uat-ehr]",
        "+    phase: Sunday",
        "-      - uat-label-printing",
    ]
    # Every comment of the runbook is still there.
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(c in updated.splitlines() for c in comments)
    # The plan is the one the workbook describes, and as expected: an hour later.
    plan = json.loads(cli("plan", "--json", runbook).stdout)
    assert plan == json.loads(cli("plan", "--json", plain).stdout)
    tasks = {t["id"]: t for t in plan["tasks"]}
    assert plan["finish"] == "2026-12-07T03:00:00+01:00"  # was 02:00
    assert tasks["uat-wristbands"]["depends_on"] == ["uat-ehr"]
    assert "uat-label-printing" not in tasks["apps-acceptance"]["depends_on"]
    # Nothing is left to apply.
    again = cli("import", workbook, "--diff", runbook)
    assert again.stdout == "" and "no changes" in again.stderr


def test_a_sheet_without_a_column_leaves_that_field_of_the_runbook_as_it_is(cli, tmp_path):
    runbook = tmp_path / "weekend.yaml"
    shutil.copy(EXAMPLES / "minimal.yaml", runbook)
    original = runbook.read_text(encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Draaiboek"
    sheet.append(["ID", "Taak", "Duur"])  # no team, phase, dependency or notes column
    for row in (
        ("freeze", "Change freeze in force", "15 min"),
        ("backup", "Full backup of the intranet database", "90 min"),  # was 1h
        ("go-no-go", "Go/no-go: start the migration", None),  # a milestone stays one
        ("export", "Export the database", "1:30"),
        ("import", "Import into the cloud database", "2 uur"),
        ("switch-dns", "Point intranet.example.org at the cloud", "30m"),
        ("smoke-test", "Smoke test the intranet", "45m"),
        ("done", "Intranet live in the cloud", None),
    ):
        sheet.append(list(row))
    book.save(tmp_path / "durations.xlsx")

    diff = cli("import", tmp_path / "durations.xlsx", "--diff", runbook)
    update = cli("import", tmp_path / "durations.xlsx", "--update", runbook)

    assert diff.exit_code == 0, diff.stderr
    assert diff.stdout.splitlines() == ["~ task backup (changed)", "    duration: 1h -> 1h30m"]
    assert update.exit_code == 0, update.stderr
    assert runbook.read_text(encoding="utf-8") == original.replace(
        "    duration: 1h\n", "    duration: 1h30m\n"
    )


def test_an_update_that_the_sheet_makes_invalid_writes_nothing(cli, tmp_path):
    runbook = tmp_path / "weekend.yaml"
    shutil.copy(EXAMPLES / "minimal.yaml", runbook)
    before = runbook.read_bytes()
    workbook = tmp_path / "weekend.xlsx"
    assert cli("export", "xlsx", "-f", runbook, "-o", workbook).exit_code == 0
    book = openpyxl.load_workbook(workbook)
    book["Tasks"]["F2"] = "done"  # the freeze now waits for the end: a cycle
    book.save(workbook)

    result = cli("import", workbook, "--update", runbook)

    assert result.exit_code == 1
    assert (
        "weekend.xlsx: Tasks!F2: error: dependency cycle: freeze -> backup -> go-no-go -> "
        "export -> import -> switch-dns -> smoke-test -> done -> freeze" in result.stderr
    )
    assert "1 problem; nothing written" in result.stderr
    assert runbook.read_bytes() == before


def _example_with_approvers(cli, tmp_path: Path, approvers: dict[str, str]) -> tuple[Path, Path]:
    """The example (copied) and its workbook, with gates' Approvers cells edited."""
    runbook = tmp_path / "weekend.yaml"
    shutil.copy(EXAMPLES / "cloud-migration-weekend.yaml", runbook)
    workbook = tmp_path / "weekend.xlsx"
    assert cli("export", "xlsx", "-f", runbook, "-o", workbook).exit_code == 0
    book = openpyxl.load_workbook(workbook)
    sheet = book["Tasks"]
    column = {cell.value: cell.column for cell in sheet[1]}
    row_of = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for gate, text in approvers.items():
        sheet.cell(row_of[gate], column["Approvers"]).value = text
    book.save(workbook)
    return runbook, workbook


def _stages(runbook: Path, gate: str) -> list[tuple[str, tuple[str, ...], int]]:
    from runbook.validation.validate import plan_path

    plan = plan_path(runbook).plan
    assert plan is not None
    return [(s.name, s.approvers, s.needs) for s in plan.gates[gate].stages]


def test_a_gates_stages_are_exported_one_per_line_of_the_approvers_cell(cli, tmp_path):
    _, workbook = _example_with_approvers(cli, tmp_path, {})
    sheet = openpyxl.load_workbook(workbook)["Tasks"]
    column = {cell.value: cell.column for cell in sheet[1]}
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "gonogo-1")
    assert sheet.cell(row, column["Approvers"]).value == (
        "project-team (1): Ingrid de Vries, Ruud Mulder\nsteering-committee (all): CIO, CMIO"
    )


def test_a_gates_stages_edited_in_the_sheet_are_diffed_and_updated_in_place(cli, tmp_path):
    # The steering committee now needs one of three; gonogo-2 is decided in stages too.
    runbook, workbook = _example_with_approvers(
        cli,
        tmp_path,
        {
            "gonogo-1": "project-team (1): Ingrid de Vries, Ruud Mulder\n"
            "steering-committee (1): CIO; CMIO; CFO",
            "gonogo-2": "board (all): CIO, CMIO",
        },
    )
    diff = cli("import", workbook, "--diff", runbook)
    assert diff.exit_code == 0, diff.stderr
    assert (
        "    gate: gate; 5 criteria; stage project-team (1): Ingrid de Vries, Ruud Mulder; "
        "stage steering-committee (all): CIO, CMIO; rollback 1h -> gate; 5 criteria; stage "
        "project-team (1): Ingrid de Vries, Ruud Mulder; stage steering-committee (1): CIO, "
        "CMIO, CFO; rollback 1h"
    ) in diff.stdout.splitlines()

    assert cli("import", workbook, "--update", runbook).exit_code == 0
    assert cli("validate", runbook).exit_code == 0
    assert _stages(runbook, "gonogo-1") == [
        ("project-team", ("Ingrid de Vries", "Ruud Mulder"), 1),
        ("steering-committee", ("CIO", "CMIO", "CFO"), 1),
    ]
    assert _stages(runbook, "gonogo-2") == [("board", ("CIO", "CMIO"), 2)]
    assert "# The project team gives its GO first" in runbook.read_text(encoding="utf-8")


def test_stages_replaced_by_one_list_in_the_sheet_leave_no_stages_behind(cli, tmp_path):
    runbook, workbook = _example_with_approvers(cli, tmp_path, {"gonogo-1": "CIO\nCMIO"})

    result = cli("import", workbook, "--update", runbook)

    assert result.exit_code == 0, result.stderr
    assert _stages(runbook, "gonogo-1") == [("approvers", ("CIO", "CMIO"), 1)]
