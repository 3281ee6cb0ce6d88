"""A gate's stages in the compiled plan: decided_by as written, the one-list approvers as a
single stage in which any one of them decides, and nobody when the runbook names nobody."""

from __future__ import annotations

from pathlib import Path

from runbook.planning.plan import GateStage
from runbook.validation.validate import plan_path

from .conftest import EXAMPLES

HEAD = """\
name: Stages
start: 2026-12-04T18:00
deadline: 2026-12-05T18:00
tasks:
  - {id: export, title: Export, duration: 1h}
"""


def _gates(tmp_path: Path, text: str):
    path = tmp_path / "runbook.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    plan = plan_path(path).plan
    assert plan is not None
    return plan.gates


def test_the_examples_first_gate_is_decided_by_the_project_team_then_the_steering_committee():
    plan = plan_path(EXAMPLES / "cloud-migration-weekend.yaml").plan
    assert plan is not None
    assert plan.gates["gonogo-1"].stages == (
        GateStage("project-team", ("Ingrid de Vries", "Ruud Mulder"), 1),
        GateStage("steering-committee", ("CIO", "CMIO"), 2),
    )
    assert plan.gates["gonogo-1"].approvers == ["Ingrid de Vries", "Ruud Mulder", "CIO", "CMIO"]


def test_needs_all_is_every_approver_of_the_stage_and_needs_defaults_to_one(tmp_path):
    gates = _gates(
        tmp_path,
        """\
  - id: gate
    title: Gate
    milestone: true
    gate: true
    depends_on: [export]
    decided_by:
      - {stage: leads, approvers: [Ingrid, Ruud, Sanne]}
      - {stage: board, approvers: [CIO, CMIO, CFO], needs: all}
      - {stage: two-of-three, approvers: [A, B, C], needs: 2}
""",
    )
    leads, board, two = gates["gate"].stages
    assert (leads.needs, leads.everyone) == (1, False)
    assert (board.needs, board.everyone) == (3, True)
    assert (two.needs, two.everyone) == (2, False)


def test_a_one_list_of_approvers_is_a_single_stage_any_one_of_them_decides(tmp_path):
    gates = _gates(
        tmp_path,
        """\
  - {id: gate, title: Gate, milestone: true, depends_on: [export]}
gates:
  gate: {approvers: [CIO, CMIO, CIO]}
""",
    )
    assert gates["gate"].stages == (GateStage("approvers", ("CIO", "CMIO"), 1),)
    assert gates["gate"].stage("approvers") == GateStage("approvers", ("CIO", "CMIO"), 1)
    assert gates["gate"].stage("board") is None


def test_a_gate_that_names_nobody_has_no_stages(tmp_path):
    gates = _gates(
        tmp_path,
        "  - {id: gate, title: Gate, milestone: true, gate: true, depends_on: [export]}\n",
    )
    assert gates["gate"].stages == ()
    assert gates["gate"].approvers == []


def test_stages_on_the_task_and_in_the_gates_section_compile_alike(tmp_path):
    stages = "[{stage: board, approvers: [CIO, CMIO], needs: all}]"
    inline = _gates(
        tmp_path,
        f"  - {{id: gate, title: Gate, milestone: true, gate: true, decided_by: {stages}}}\n",
    )
    section = _gates(
        tmp_path,
        "  - {id: gate, title: Gate, milestone: true}\n"
        f"gates:\n  gate: {{decided_by: {stages}}}\n",
    )
    assert (
        inline["gate"].stages == section["gate"].stages == (GateStage("board", ("CIO", "CMIO"), 2),)
    )
