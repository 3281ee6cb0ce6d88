"""The line ``runbook validate`` (and ``runbook import``) says about a valid runbook.

Apart from the plan's table (``runbook.cli.render_plan``) and free of rich: validating a
10,000-task runbook need not wait for the table's imports (a twentieth of its time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from runbook.common.display import count
from runbook.format.durations import clock, format_duration

if TYPE_CHECKING:
    from runbook.validation.validate import Validation


def validation_summary(result: Validation) -> str:
    """One line saying the runbook is valid, and what it plans."""
    plan = result.plan
    assert plan is not None
    warnings = result.warning_count
    parts = [
        f"{result.loaded.source}: valid",
        f"{count(len(plan.tasks), 'task')}, {count(len(plan.teams_in_use), 'team')}",
        f"planned finish {clock(plan.finish, plan.zone, with_date=True)}",
    ]
    if plan.buffer is not None:
        word = "before" if plan.buffer >= 0 else "after"
        parts.append(f"{format_duration(abs(plan.buffer))} {word} the deadline")
    parts.append(count(warnings, "warning"))
    return "; ".join(parts)
