"""The critical-path schedule on hand-computed cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from runbook.contracts.plan import plan_json
from runbook.planning.cpm import find_cycles, redundant_dependencies, topological_order
from runbook.planning.plan import Plan
from runbook.validation.validate import plan_path


def _plan(write_runbook: Callable[..., Path], text: str) -> Plan:
    result = plan_path(write_runbook(text))
    assert result.plan is not None
    return result.plan


def _row(plan: Plan, task_id: str) -> dict[str, object]:
    rows = plan_json(plan)["tasks"]
    assert isinstance(rows, list)
    return next(r for r in rows if r["id"] == task_id)


DIAMOND = """
    name: Diamond
    start: 2026-12-04T06:00Z
    deadline: 2026-12-04T12:00Z
    tasks:
      - {id: a, title: A, team: x, duration: 2h}
      - {id: b, title: B, team: x, duration: 1h, depends_on: a}
      - {id: c, title: C, team: x, duration: 3h, depends_on: a}
      - {id: d, title: D, team: x, duration: 30m, depends_on: [b, c]}
"""


def test_forward_and_backward_passes_give_earliest_and_latest_times(write_runbook):
    plan = _plan(write_runbook, DIAMOND)
    b = _row(plan, "b")
    assert b["earliest_start"] == "2026-12-04T08:00:00+00:00"
    assert b["earliest_finish"] == "2026-12-04T09:00:00+00:00"
    assert b["latest_start"] == "2026-12-04T10:00:00+00:00"
    assert b["latest_finish"] == "2026-12-04T11:00:00+00:00"
    assert b["total_float_minutes"] == 120
    assert b["free_float_minutes"] == 120
    d = _row(plan, "d")
    assert d["earliest_start"] == "2026-12-04T11:00:00+00:00"
    assert plan_json(plan)["finish"] == "2026-12-04T11:30:00+00:00"


def test_tasks_without_float_are_critical_and_form_the_critical_path(write_runbook):
    plan = _plan(write_runbook, DIAMOND)
    assert [t.id for t in plan.tasks if t.critical] == ["a", "c", "d"]
    assert plan_json(plan)["critical_path"] == ["a", "c", "d"]


def test_the_buffer_is_the_deadline_minus_the_planned_finish(write_runbook):
    plan = _plan(write_runbook, DIAMOND)
    assert plan_json(plan)["buffer_minutes"] == 30
    late = _plan(write_runbook, DIAMOND.replace("12:00Z", "11:00Z"))
    assert plan_json(late)["buffer_minutes"] == -30


def test_a_not_before_that_dominates_starts_the_critical_path(write_runbook):
    plan = _plan(
        write_runbook,
        """
        name: Waiting for Saturday
        timezone: Europe/Amsterdam
        start: 2026-12-04T06:00
        tasks:
          - {id: prepare, title: Prepare, team: x, duration: 1h}
          - id: rollout
            title: Roll out laptops
            team: x
            duration: 2h
            depends_on: prepare
            not_before: 2026-12-05T08:00
          - {id: check, title: Check, team: x, duration: 30m, depends_on: rollout}
        """,
    )
    rollout = _row(plan, "rollout")
    assert rollout["earliest_start"] == "2026-12-05T08:00:00+01:00"
    assert _row(plan, "prepare")["total_float_minutes"] == 25 * 60
    assert _row(plan, "prepare")["free_float_minutes"] == 25 * 60
    assert plan_json(plan)["critical_path"] == ["rollout", "check"]
    assert plan_json(plan)["finish"] == "2026-12-05T10:30:00+01:00"


def test_elapsed_time_runs_through_the_night_the_clocks_go_back(write_runbook):
    # Europe/Amsterdam leaves summer time on 2026-10-25 at 03:00 (+02:00 -> +01:00):
    # a 4h task from 00:40 local ends at 03:40 local, not 04:40.
    plan = _plan(
        write_runbook,
        """
        name: Clocks go back
        timezone: Europe/Amsterdam
        start: 2026-10-25T00:40
        tasks:
          - {id: long, title: Long task, team: x, duration: 4h}
        """,
    )
    row = _row(plan, "long")
    assert row["earliest_start"] == "2026-10-25T00:40:00+02:00"
    assert row["earliest_finish"] == "2026-10-25T03:40:00+01:00"


def test_elapsed_time_runs_through_the_night_the_clocks_go_forward(write_runbook):
    plan = _plan(
        write_runbook,
        """
        name: Clocks go forward
        timezone: Europe/Amsterdam
        start: 2026-03-29T01:30
        tasks:
          - {id: a, title: A, team: x, duration: 1h}
          - {id: b, title: B, team: x, duration: 1h, depends_on: a}
        """,
    )
    assert _row(plan, "a")["earliest_finish"] == "2026-03-29T03:30:00+02:00"
    assert _row(plan, "b")["earliest_finish"] == "2026-03-29T04:30:00+02:00"


def test_times_with_an_offset_are_kept_and_shown_in_the_runbook_zone(write_runbook):
    plan = _plan(
        write_runbook,
        """
        name: Offsets
        timezone: Europe/Amsterdam
        start: 2026-12-04T05:00:00Z
        tasks:
          - {id: a, title: A, team: x, duration: 90}
        """,
    )
    assert plan_json(plan)["start"] == "2026-12-04T06:00:00+01:00"
    assert _row(plan, "a")["duration_minutes"] == 90


def test_milestones_take_no_time(write_runbook):
    plan = _plan(
        write_runbook,
        """
        name: Milestones
        start: 2026-12-04T06:00Z
        tasks:
          - {id: a, title: A, team: x, duration: 1h}
          - {id: go, title: Go/no-go, team: x, milestone: true, depends_on: a}
          - {id: b, title: B, team: x, duration: 1h, depends_on: go}
        """,
    )
    go = _row(plan, "go")
    assert go["duration_minutes"] == 0
    assert go["earliest_start"] == go["earliest_finish"] == "2026-12-04T07:00:00+00:00"
    assert plan_json(plan)["critical_path"] == ["a", "go", "b"]


def test_a_closing_milestone_ends_the_critical_path(write_runbook):
    plan = _plan(
        write_runbook,
        """
        name: Closing milestone
        start: 2026-12-04T06:00Z
        tasks:
          - {id: a, title: A, team: x, duration: 1h}
          - {id: live, title: Live, team: x, milestone: true, depends_on: a}
        """,
    )
    assert plan_json(plan)["critical_path"] == ["a", "live"]


def test_tasks_keep_file_order_in_json_whatever_their_schedule(write_runbook):
    plan = _plan(
        write_runbook,
        """
        name: Order
        start: 2026-12-04T06:00Z
        tasks:
          - {id: late, title: Late, team: x, duration: 1h, depends_on: early}
          - {id: early, title: Early, team: x, duration: 1h}
        """,
    )
    assert [r["id"] for r in plan_json(plan)["tasks"]] == ["late", "early"]
    assert plan.order == [1, 0]


def test_topological_order_keeps_file_order_between_independent_tasks():
    assert topological_order([[], [], [0, 1], []]) == [0, 1, 2, 3]
    assert topological_order([[1], [], [0]]) == [1, 0, 2]


def test_cycles_are_found_as_paths_in_work_order():
    # 0 export <- 2 verify, 1 import <- 0 export, 2 verify <- 1 import
    assert find_cycles([[2], [0], [1], []]) == [[0, 1, 2, 0]]
    assert find_cycles([[], [0], [1]]) == []


def test_every_separate_cycle_is_reported():
    cycles = find_cycles([[1], [0], [3], [2], []])
    assert cycles == [[0, 1, 0], [2, 3, 2]]


def test_a_dependency_implied_by_another_path_is_redundant():
    # c depends on a and b; b already depends on a.
    preds = [[], [0], [0, 1]]
    assert redundant_dependencies(preds, topological_order(preds)) == ([(2, 0, 1)], 1)
    chain = [[], [0], [1]]
    assert redundant_dependencies(chain, topological_order(chain)) == ([], 0)


def test_the_cached_form_of_a_plan_reads_back_identically(write_runbook):
    plan = _plan(write_runbook, DIAMOND)
    again = Plan.loads(plan.dumps())
    assert again is not None
    assert plan_json(again) == plan_json(plan)
    assert again.teams == plan.teams
