"""The what-if both faces show: the changes, the verdict and the points of no return before
and after, and the tasks whose forecast moves."""

from __future__ import annotations

from dataclasses import dataclass

from runbook.weekend.events import FINISHED
from runbook.weekend.gates import PointOfNoReturn, points_of_no_return
from runbook.weekend.usecases import WhatIf
from runbook.weekend.views.briefing import Verdict, verdict


@dataclass(frozen=True, slots=True)
class PointMoved:
    """A gate's point of no return, and when the gate is forecast now and with the changes."""

    gate: str
    point: int | None  # deadline - rollback; None without both
    before: int | None  # the gate's forecast time now
    after: int | None  # ... and with the changes

    @property
    def margin_after(self) -> int | None:
        """Seconds the gate would come before its point of no return (negative: after)."""
        return None if self.point is None or self.after is None else self.point - self.after


@dataclass(frozen=True, slots=True)
class TaskMoved:
    """A task whose forecast finish the changes move."""

    id: str
    before_start: int
    before_finish: int
    after_start: int
    after_finish: int
    critical: bool  # on the remaining critical path with the changes

    @property
    def shift(self) -> int:
        """Seconds its finish moves (negative: earlier)."""
        return self.after_finish - self.before_finish


@dataclass(frozen=True, slots=True)
class WhatIfView:
    """What the coordinator sees before deciding."""

    changes: tuple[str, ...]  # ``db-migrate eta Sat 16:00``: each change in a few words
    before: Verdict
    after: Verdict
    points: tuple[PointMoved, ...]  # every gate still to come, in planned order
    moved: tuple[TaskMoved, ...]  # in the order they would start, with the changes
    critical_path: tuple[str, ...]  # the remaining critical path with the changes


def what_if_view(what: WhatIf) -> WhatIfView:
    """The view of a what-if (``Weekend.what_if``)."""
    before, after = what.before, what.after
    plan = after.plan

    def gates(points: list[PointOfNoReturn]) -> dict[str, int | None]:
        return {p.gate: p.forecast for p in points}

    now_at = gates(points_of_no_return(plan, before))
    points = tuple(
        PointMoved(p.gate, p.point, now_at.get(p.gate), p.forecast)
        for p in points_of_no_return(plan, after)
        if after.by_id(p.gate).status not in FINISHED
    )
    on_path = set(after.critical_path)
    moved = [
        TaskMoved(
            a.id,
            b.forecast_start,
            b.forecast_finish,
            a.forecast_start,
            a.forecast_finish,
            a.index in on_path,
        )
        for b, a in zip(before.tasks, after.tasks, strict=True)
        if (a.forecast_start, a.forecast_finish) != (b.forecast_start, b.forecast_finish)
    ]
    moved.sort(key=lambda m: (m.after_start, m.after_finish, m.id))
    return WhatIfView(
        tuple(c.describe(plan) for c in what.changes),
        verdict(before),
        verdict(after),
        points,
        tuple(moved),
        tuple(plan.tasks[i].id for i in after.critical_path),
    )
