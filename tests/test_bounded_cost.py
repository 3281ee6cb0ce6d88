"""Validation costs what the file is worth: aliased lists, dense graphs and huge task
counts stay linear, and a flood of problems is counted rather than listed."""

from __future__ import annotations

import pytest

from runbook.common.limits import MAX_PROBLEMS
from runbook.validation import loader
from runbook.validation.validate import validate_bytes

HEAD = "name: Shared list\nstart: 2026-03-27T06:00\ntasks:\n"


def _shared_list_runbook(chain: int, users: int) -> bytes:
    """A chain c0..c{chain-1}, and ``users`` tasks all depending on one aliased list of it."""
    ids = [f"c{i}" for i in range(chain)]
    lines = [HEAD, "  - {id: c0, title: c0, team: ops, duration: 1m}\n"]
    lines += [
        f"  - {{id: {ids[i]}, title: x, team: ops, duration: 1m, depends_on: [{ids[i - 1]}]}}\n"
        for i in range(1, chain)
    ]
    lines.append(
        f"  - {{id: u0, title: x, team: ops, duration: 1m, depends_on: &deps [{', '.join(ids)}]}}\n"
    )
    lines += [
        f"  - {{id: u{i}, title: x, team: ops, duration: 1m, depends_on: *deps}}\n"
        for i in range(1, users)
    ]
    lines.append("teams: {ops: {name: Operations}}\n")
    return "".join(lines).encode()


def test_two_hundred_tasks_sharing_an_aliased_list_of_redundant_dependencies_validate() -> None:
    result = validate_bytes(_shared_list_runbook(199, 200), source="shared.yaml")
    assert result.ok
    # Each of the 200 tasks lists c0..c198; all but c198 come before c198 already.
    assert result.warning_count == 200 * 198
    redundant = [w for w in result.warnings if "redundant" in w.message]
    assert len(redundant) == MAX_PROBLEMS
    assert redundant[0].message == (
        "task 'u0' depends on 'c0', which 'c1' already depends on; "
        "the direct dependency is redundant"
    )
    assert result.problems[-1].message == (
        f"... and {200 * 198 - MAX_PROBLEMS:,} more warnings, not listed "
        f"(only the first {MAX_PROBLEMS:,} are)"
    )


def test_a_few_redundant_dependencies_are_all_listed_with_the_task_that_implies_them() -> None:
    result = validate_bytes(_shared_list_runbook(3, 2), source="shared.yaml")
    # The aliased list is written once, on u0's line: every use is located there.
    assert sorted((w.line, w.message.split(",")[0]) for w in result.warnings) == [
        (7, "task 'u0' depends on 'c0'"),
        (7, "task 'u0' depends on 'c1'"),
        (7, "task 'u1' depends on 'c0'"),
        (7, "task 'u1' depends on 'c1'"),
    ]
    assert result.warning_count == 4
    assert not any("more warnings" in p.message for p in result.problems)


def test_a_runbook_with_more_tasks_than_allowed_is_refused_at_its_task_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(loader, "MAX_TASKS", 3)
    result = validate_bytes(_shared_list_runbook(3, 2), source="many.yaml")
    assert not result.ok
    (error,) = result.errors
    assert (error.line, error.column) == (4, 3)
    assert error.message.startswith("'tasks' holds 5 tasks; a runbook may have at most 3")


def test_a_flood_of_errors_is_counted_in_full_but_listed_only_up_to_the_bound() -> None:
    tasks = "".join(
        f"  - {{id: t{i}, title: x, team: ops, duration: 1m, depends_on: [nowhere]}}\n"
        for i in range(MAX_PROBLEMS + 5)
    )
    result = validate_bytes((HEAD + tasks).encode(), source="flood.yaml")
    assert result.error_count == MAX_PROBLEMS + 5
    assert len(result.errors) == MAX_PROBLEMS
    assert result.problems[-1].message.startswith("... and 5 more errors, not listed")


def test_a_long_rollback_chain_written_in_reverse_is_measured_without_recursion() -> None:
    n = 3000
    rollback = ", ".join(f"r{i}" for i in reversed(range(n)))
    lines = [
        HEAD,
        f"  - {{id: g, title: g, team: ops, duration: 1m, gate: true, rollback: [{rollback}]}}\n",
        "teams: {ops: {name: Operations}}\nrollback_tasks:\n",
    ]
    lines += [
        f"  - {{id: r{i}, title: r, duration: 1m, depends_on: [r{i - 1}]}}\n"
        for i in reversed(range(1, n))
    ]
    lines.append("  - {id: r0, title: r, duration: 1m}\n")
    result = validate_bytes("".join(lines).encode(), source="rollback.yaml")
    assert result.plan is not None, result.problems
    assert result.plan.gates["g"].rollback == n * 60
