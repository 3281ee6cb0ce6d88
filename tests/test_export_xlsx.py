"""`runbook export xlsx`: the plan as the workbook a PMO would make, with the weekend's
actuals when a state file exists, and back again to the same runbook (`runbook import`)."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NOW = "2026-12-04T09:00"


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copy(EXAMPLES / name, target)
    return target


def _header(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def test_the_realistic_example_exports_as_a_pmo_s_workbook(cli, tmp_path):
    runbook = _copy("cloud-migration-weekend.yaml", tmp_path)
    out = tmp_path / "draaiboek.xlsx"

    result = cli("export", "xlsx", "-f", runbook, "-o", out)

    assert result.exit_code == 0, result.stderr
    assert "written to" in result.stderr and "129 tasks" in result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Tasks", "Runbook", "Teams", "Rollback", "Risks", "Readiness"]
    tasks = book["Tasks"]
    column = _header(tasks)
    assert list(column)[:7] == [
        "ID",
        "Title",
        "Team",
        "Phase",
        "Duration",
        "Depends on",
        "Not before",
    ]
    assert tasks.freeze_panes == "C2"  # the header row and the id and title stay in view
    assert tasks.auto_filter.ref == f"A1:{tasks.cell(1, len(column)).column_letter}130"
    assert tasks.column_dimensions["B"].width >= 50  # the titles are long
    assert tasks.column_dimensions["A"].width < tasks.column_dimensions["B"].width
    assert tasks.cell(1, 1).font.bold
    # Real Excel values: a duration is a duration, a time a date and time (local, the runbook's).
    first = tasks[2]
    assert first[column["ID"] - 1].value == "fri-bridge-open"
    assert first[column["Duration"] - 1].value == timedelta(minutes=30)
    assert first[column["Duration"] - 1].number_format == "[h]:mm"
    assert first[column["Planned start"] - 1].value == datetime(2026, 12, 4, 6, 0)
    assert first[column["Planned start"] - 1].is_date
    comms = next(r for r in tasks.iter_rows(min_row=2) if r[0].value == "comms-fri-staff-notice")
    assert comms[column["Not before"] - 1].value == datetime(2026, 12, 4, 8, 0)
    # Critical tasks are marked: a column, and their rows coloured by a rule on it.
    plan = json.loads(cli("plan", "--json", runbook).stdout)
    critical = {t["id"] for t in plan["tasks"] if t["critical"]}
    marked = {
        r[0].value for r in tasks.iter_rows(min_row=2) if r[column["Critical"] - 1].value is True
    }
    assert marked == critical and critical
    rules = [r for cf in tasks.conditional_formatting for r in cf.rules]
    assert any("=TRUE" in f for r in rules for f in r.formula)
    gate = next(r for r in tasks.iter_rows(min_row=2) if r[0].value == "gonogo-2")
    assert gate[column["Gate"] - 1].value is True
    assert gate[column["Approvers"] - 1].value.startswith("CIO\nCMIO")
    assert gate[column["Rollback"] - 1].value.startswith("rb-nogo-announce, rb-hold-cloud")
    settings = {r[0].value: r[1].value for r in book["Runbook"].iter_rows()}
    assert settings["Time zone"] == "Europe/Amsterdam"
    assert settings["Deadline"] == datetime(2026, 12, 7, 6, 0)


@pytest.mark.parametrize("example", ["cloud-migration-weekend.yaml", "minimal.yaml"])
def test_an_example_exported_and_imported_again_plans_the_same(cli, tmp_path, example):
    runbook = _copy(example, tmp_path)
    workbook, again = tmp_path / "plan.xlsx", tmp_path / "again.yaml"

    assert cli("export", "xlsx", "-f", runbook, "-o", workbook).exit_code == 0
    imported = cli("import", workbook, "-o", again)

    assert imported.exit_code == 0, imported.stderr
    assert cli("plan", "--json", again).stdout == cli("plan", "--json", runbook).stdout
    same = cli("import", workbook, "--diff", runbook)
    assert same.exit_code == 0, same.stderr
    assert same.stdout == ""  # not one field of one task, team, risk or setting differs
    assert "no changes" in same.stderr


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["plain", "terse"])
def test_a_generated_runbook_of_1000_tasks_comes_back_the_same(cli, tmp_path, kind):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    runbook = tmp_path / "big.yaml"
    runbook.write_text(generate(1000, kind=kind, estimates=True), encoding="utf-8")
    workbook, again = tmp_path / "big.xlsx", tmp_path / "again.yaml"

    assert cli("export", "xlsx", "-f", runbook, "-o", workbook).exit_code == 0
    assert cli("import", workbook, "-o", again).exit_code == 0

    assert cli("plan", "--json", again).stdout == cli("plan", "--json", runbook).stdout
    assert cli("import", workbook, "--diff", runbook).stdout == ""


def test_with_a_state_the_workbook_carries_the_actuals_and_a_summary(cli, tmp_path):
    runbook = _copy("minimal.yaml", tmp_path)
    env = {"RUNBOOK_NOW": "2026-12-04T20:00"}
    for args in (
        ("start", "freeze", "--at", "2026-12-04T18:00", "--by", "ingrid"),
        ("done", "freeze", "--at", "2026-12-04T18:20", "--by", "ingrid"),
        ("start", "backup", "--at", "2026-12-04T18:25", "--by", "sanne"),
    ):
        assert cli(*args, "-f", runbook, env=env).exit_code == 0
    out = tmp_path / "weekend.xlsx"

    result = cli("export", "xlsx", "-f", runbook, "-o", out, env=env)

    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == ["Tasks", "Summary"]
    tasks = book["Tasks"]
    column = _header(tasks)
    rows = {r[0].value: r for r in tasks.iter_rows(min_row=2)}
    freeze, backup = rows["freeze"], rows["backup"]
    assert freeze[column["Status"] - 1].value == "done"
    assert freeze[column["Actual start"] - 1].value == datetime(2026, 12, 4, 18, 0)
    assert freeze[column["Actual finish"] - 1].value == datetime(2026, 12, 4, 18, 20)
    assert freeze[column["Slip (min)"] - 1].value == 5  # 20 minutes for a 15-minute task
    assert freeze[column["By"] - 1].value == "ingrid"
    assert backup[column["Status"] - 1].value == "running"
    assert backup[column["By"] - 1].value == "sanne"
    summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows()}
    assert summary["As of"] == datetime(2026, 12, 4, 20, 0)
    assert summary["Tasks done"] == 1 and summary["Tasks running"] == 1
    assert summary["Forecast finish"] == summary["Baseline finish"] == datetime(2026, 12, 5, 2, 15)
    assert summary["Ahead of baseline (min)"] == 0  # the 5 minutes lost had float
    # The actuals are the weekend's, not the runbook's: the workbook still imports the same.
    again = tmp_path / "again.yaml"
    assert cli("import", out, "-o", again).exit_code == 0
    assert (
        cli("plan", "--json", again).stdout
        == cli("plan", "--json", runbook, "--ignore-state").stdout
    )


def test_the_export_is_never_written_over_the_runbook_or_its_state(cli, tmp_path):
    runbook = _copy("minimal.yaml", tmp_path)
    before = runbook.read_bytes()

    result = cli("export", "xlsx", "-f", runbook, "-o", runbook)

    assert result.exit_code == 1
    assert "is the runbook; a report is never written over it" in result.stderr
    assert runbook.read_bytes() == before


def test_the_template_workbook_in_examples_imports_as_the_minimal_example(cli, tmp_path):
    template = EXAMPLES / "draaiboek-template.xlsx"
    out = tmp_path / "runbook.yaml"

    result = cli("import", template, "-o", out)

    assert result.exit_code == 0, result.stderr
    assert (
        cli("plan", "--json", out).stdout == cli("plan", "--json", EXAMPLES / "minimal.yaml").stdout
    )


RICH = """\
name: "Rich: every field"
timezone: Europe/Amsterdam
start: 2026-10-24T22:00
deadline: 2026-10-25T08:00
notify:
  heads_up: 45m
  teams:
    dba: [json://hooks.example.org/dba, "mailto://${SMTP_USER}@example.org"]
  coordinator: [json://hooks.example.org/pmo]
teams:
  dba: {name: "DBA, team", lead: Sanne, contact: "+31 20 555"}
  pmo: {}
tasks:
  - id: "007"
    title: "  Spaces and: colons #hash  "
    team: dba
    duration: 1h0m5s
    estimate: {optimistic: 1h, pessimistic: 2h}
    priority: nice
    notes: "line one\\nline two"
  - id: fall-back
    title: In the hour the clocks repeat
    team: pmo
    duration: 30m
    depends_on: "007"
    not_before: {at: "2026-10-25T02:30:00+01:00", fixed: true, reason: downtime announced}
  - id: gate-1
    title: Gate
    team: pmo
    milestone: true
    depends_on: [fall-back]
gates:
  gate-1: {criteria: ["a; b", c], approvers: [CIO], rollback: 2h}
rollback_tasks:
  - {id: rb-1, title: Roll back, team: dba, duration: 1h}
risks:
  - {id: r1, title: Risk, likelihood: 2, impact: 3, owner: Sanne, tasks: ["007"]}
readiness:
  - {id: cab, title: CAB approved, owner: pmo, due: 2026-10-20T16:00}
readiness_rules: {min_probability: 0.9, near_critical_minutes: 30.5, require_signoffs: false}
"""


def test_every_field_of_the_format_comes_back_from_the_workbook(cli, tmp_path):
    """Notify addresses, a fixed not_before in the second of two 02:30s (the clocks go back),
    seconds in a duration, spaces around a title, a gate kept in the gates: section, rollback
    tasks, risks, readiness items and rules: all through Excel and back, unchanged."""
    runbook = tmp_path / "rich.yaml"
    runbook.write_text(RICH, encoding="utf-8")
    workbook, again = tmp_path / "rich.xlsx", tmp_path / "again.yaml"

    assert cli("export", "xlsx", "-f", runbook, "-o", workbook).exit_code == 0
    assert cli("import", workbook, "-o", again).exit_code == 0

    diff = cli("import", workbook, "--diff", runbook)
    assert diff.stdout == "" and "no changes" in diff.stderr
    assert cli("plan", "--json", again).stdout == cli("plan", "--json", runbook).stdout
    text = again.read_text(encoding="utf-8")
    assert "at: 2026-10-25T02:30+01:00" in text  # the second 02:30, written with its offset
    assert 'dba: ["json://hooks.example.org/dba", "mailto://${SMTP_USER}@example.org"]' in text
