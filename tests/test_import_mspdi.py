"""`runbook import` of MS Project's XML (MSPDI): real files written by MS Project
(tests/data/mspdi/README.md), and hostile XML refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

MSPDI = Path(__file__).resolve().parent / "data" / "mspdi"


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def _imported(cli, source: Path, tmp_path: Path, *args: str) -> tuple[object, dict]:
    out = tmp_path / "runbook.yaml"
    result = cli("import", source, "-o", out, "--timezone", "Europe/Amsterdam", *args)
    assert result.exit_code == 0, result.stderr
    plan = json.loads(cli("plan", "--json", out).stdout)
    return result, plan


def test_links_lags_and_start_no_earlier_than_from_ms_project_2013(cli, tmp_path):
    result, plan = _imported(cli, MSPDI / "task-links-project2013-mspdi.xml", tmp_path)
    tasks = {t["id"]: t for t in plan["tasks"]}

    # A plain finish-to-start link, and Start No Earlier Than as not_before.
    assert tasks["task-2"]["depends_on"] == ["task-1"]
    assert tasks["task-2"]["earliest_start"] == "2014-10-20T08:00:00+02:00"
    # A lag of a day of work (8h on its calendar) is a task that waits, and it is said.
    assert tasks["task-2-2"]["depends_on"] == ["wait-task-2-2"]
    assert tasks["wait-task-2-2"]["duration_minutes"] == 480
    assert tasks["wait-task-2-2"]["depends_on"] == ["task-1-2"]
    assert "the lag of 8h after task 3 'Task 1' is the task 'wait-task-2-2'" in result.stderr
    # Other link types are read as finish-to-start (later, never earlier), and said.
    assert "task 14 'Task 2': start-to-start link to task 13 'Task 1' read as finish-to-start" in (
        result.stderr
    )
    assert "finish-to-finish link" in result.stderr and "start-to-finish link" in result.stderr
    assert plan["start"] == "2014-10-17T08:00:00+02:00"


def test_resources_become_teams_and_summary_tasks_phases(cli, tmp_path):
    _, plan = _imported(cli, MSPDI / "assignment-assignments-project2007-mspdi.xml", tmp_path)
    assert [(t["id"], t["team"]) for t in plan["tasks"]] == [
        ("task-1", "resource-1"),
        ("task-2", "resource-2"),
        ("task-3", "resource-3"),
    ]
    result, plan = _imported(cli, MSPDI / "mspdinulltasks.xml", tmp_path, "--force")
    # Blank rows are left out; each task's phase is the summary task above it.
    assert [(t["id"], t["phase"]) for t in plan["tasks"]] == [
        ("task-2", "Task 1"),
        ("task-3", "Task 1"),
        ("task-5", "Task 4"),
    ]
    assert plan["name"] == "Project1"
    assert "working time, read as that many hours (7.5h a day" in result.stderr


def test_a_task_with_several_resources_takes_the_first_as_its_team_and_says_so(cli, tmp_path):
    result, plan = _imported(cli, MSPDI / "mspdiresource.xml", tmp_path)
    assert plan["tasks"][0]["team"] == "wade-golden"
    assert "task 1 'Task A' has 3 resources; its team is the first (wade-golden)" in result.stderr
    assert plan["tasks"][1]["depends_on"] == ["task-a"]


def test_a_duration_past_the_bound_is_located_at_its_ms_project_task(cli, tmp_path):
    out = tmp_path / "runbook.yaml"
    result = cli("import", MSPDI / "sample1.xml", "-o", out)
    assert result.exit_code == 1
    assert (
        "sample1.xml: task 2 'Second Task': error: duration 'PT800H0M0S' is longer than 30 days"
        in result.stderr
    )
    assert not out.exists()


def test_milestones_nested_summaries_leads_and_lags_of_the_mpxj_sample(cli, tmp_path):
    source = tmp_path / "sample.xml"
    source.write_bytes((MSPDI / "sample1.xml").read_bytes().replace(b"PT800H0M0S", b"PT80H0M0S"))
    result, plan = _imported(cli, source, tmp_path)
    tasks = {t["id"]: t for t in plan["tasks"]}

    assert tasks["third-task"]["duration_minutes"] == 0  # a milestone stays one
    assert "milestone: true" in (tmp_path / "runbook.yaml").read_text(encoding="utf-8")
    assert tasks["assigned-task-1"]["phase"] == "Resource Assignments"  # the nearest summary
    assert tasks["related-task-2b"]["depends_on"] == ["wait-related-task-2b"]
    assert tasks["related-task-3b"]["depends_on"] == ["related-task-3a"]
    assert "the lead of 8h on its link to task 12 'Related Task 3a' left out" in result.stderr
    assert tasks["recurring-task-1"]["earliest_start"] == "2003-02-01T08:00:00+01:00"


def test_xml_with_an_entity_declaration_is_refused(cli, tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        '<Project xmlns="http://schemas.microsoft.com/project"><Name>&b;</Name></Project>\n',
        encoding="utf-8",
    )
    result = cli("import", bomb, "-o", tmp_path / "runbook.yaml")
    assert result.exit_code == 1
    assert "bomb.xml: refused: the XML declares" in result.stderr
    assert not (tmp_path / "runbook.yaml").exists()


def test_xml_that_is_not_ms_project_s_says_how_to_save_it(cli, tmp_path):
    other = tmp_path / "plan.xml"
    other.write_text("<plan><task/></plan>", encoding="utf-8")
    result = cli("import", other, "-o", tmp_path / "runbook.yaml")
    assert result.exit_code == 1
    assert "is XML, but not MS Project's" in result.stderr
    assert "Save As > XML Format" in result.stderr


def test_must_start_on_becomes_a_fixed_not_before_and_is_said(cli, tmp_path):
    text = (MSPDI / "task-links-project2013-mspdi.xml").read_text(encoding="utf-8")
    first = text.index("<ConstraintType>4</ConstraintType>")
    source = tmp_path / "must-start-on.xml"
    source.write_text(
        text[:first] + "<ConstraintType>2</ConstraintType>" + text[first + 34 :], encoding="utf-8"
    )

    result, _ = _imported(cli, source, tmp_path)

    assert "task 1 'Task 1': Must Start On read as a fixed not_before" in result.stderr
    written = (tmp_path / "runbook.yaml").read_text(encoding="utf-8")
    assert "not_before: {at: 2014-10-17T08:00, fixed: true, reason: Must Start On}" in written


def test_damaged_values_in_ms_project_s_xml_are_refused_or_passed_over_never_a_crash(tmp_path):
    import random

    from runbook.interchange.draft import ImportOptions
    from runbook.interchange.mspdi import from_mspdi

    text = (MSPDI / "sample1.xml").read_text(encoding="utf-8")
    rng = random.Random(11)
    junk = ["", "x", "-1", "1e400", "nan", "PT-1H", "P1Y", "2003-13-45T99:00:00", "9" * 40]
    for _ in range(200):
        damaged = text
        for tag in rng.sample(
            [
                "OutlineLevel",
                "Duration",
                "LinkLag",
                "Type",
                "ConstraintType",
                "ConstraintDate",
                "MinutesPerDay",
                "StartDate",
                "Milestone",
                "Summary",
                "PredecessorUID",
                "UID",
            ],
            3,
        ):
            start = damaged.find(f"<{tag}>")
            if start >= 0:
                end = damaged.index(f"</{tag}>", start)
                damaged = f"{damaged[: start + len(tag) + 2]}{rng.choice(junk)}{damaged[end:]}"
        draft = from_mspdi(damaged.encode(), ImportOptions(), source="damaged.xml")
        assert draft.ok or draft.problems
