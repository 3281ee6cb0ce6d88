"""Every task's plan and forecast figures at one moment, as plain rows: what a store that
publishes them for other tools keeps (PostgreSQL's ``task_figures``, read through the
documented view ``runbook.tasks``), refreshed by each write that goes through ``Weekend``."""

from __future__ import annotations

from dataclasses import dataclass

from runbook.weekend.forecast import Snapshot


@dataclass(frozen=True, slots=True)
class TaskFigures:
    """One task's figures; times in epoch seconds (UTC), durations in seconds."""

    task: str
    title: str
    team: str | None
    phase: str | None
    priority: str
    milestone: bool
    gate: bool
    status: str  # as people read it: dropped apart from skipped
    reason: str | None  # why it failed, was skipped or dropped
    duration: int  # the runbook's (planned) duration
    planned_start: int  # the runbook's plan
    planned_finish: int
    baseline_start: int | None  # the baseline ahead/behind is measured against
    baseline_finish: int | None
    actual_start: int | None
    actual_finish: int | None
    forecast_start: int  # the forecast (actual for what has run)
    forecast_finish: int
    total_float: int  # seconds its finish can slip without moving the weekend's end
    critical: bool
    late: bool


def task_figures(snap: Snapshot) -> list[TaskFigures]:
    """The figures of every task of the snapshot's plan, in plan order."""
    out = []
    for task, state in zip(snap.plan.tasks, snap.tasks, strict=True):
        out.append(
            TaskFigures(
                task=task.id,
                title=task.title,
                team=task.team,
                phase=task.phase,
                priority=task.priority,
                milestone=task.milestone,
                gate=task.gate,
                status=state.shown_status,
                reason=state.reason,
                duration=task.duration,
                planned_start=task.es,
                planned_finish=task.ef,
                baseline_start=state.planned_start,
                baseline_finish=state.planned_finish,
                actual_start=state.actual_start,
                actual_finish=state.actual_finish,
                forecast_start=state.forecast_start,
                forecast_finish=state.forecast_finish,
                total_float=state.float,
                critical=state.critical,
                late=state.late,
            )
        )
    return out
