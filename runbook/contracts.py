"""The ``--json`` contracts of the check-in, status and log commands, in one place."""

from __future__ import annotations

from typing import Any

from runbook.durations import iso, minutes
from runbook.plan import Plan
from runbook.state import Snapshot, TaskState
from runbook.store import Event


def event_json(event: Event, plan: Plan) -> dict[str, Any]:
    """One event: ``{"seq", "at", "recorded", "task", "kind", "actor", "host", "note",
    "forced", "data"}``; times ISO 8601 with the runbook's offset."""
    zone = plan.zone
    return {
        "seq": event.seq,
        "at": iso(event.at, zone),
        "recorded": iso(event.recorded, zone),
        "task": event.task,
        "kind": event.kind,
        "actor": event.actor,
        "host": event.host,
        "note": event.note,
        "forced": event.forced,
        "data": event.data,
    }


def task_state_json(state: TaskState, snap: Snapshot) -> dict[str, Any]:
    """One task in ``runbook status --json``."""
    zone = snap.plan.zone
    task = snap.plan.tasks[state.index]
    start_var, duration_var = state.start_variance, state.duration_variance
    return {
        "id": state.id,
        "team": task.team,
        "status": state.status,
        "planned_start": iso(state.planned_start, zone),
        "planned_finish": iso(state.planned_finish, zone),
        "actual_start": iso(state.actual_start, zone),
        "actual_finish": iso(state.actual_finish, zone),
        "forecast_start": iso(state.forecast_start, zone),
        "forecast_finish": iso(state.forecast_finish, zone),
        "late": state.late,
        "critical": state.critical,
        "start_variance_minutes": None if start_var is None else minutes(start_var),
        "duration_variance_minutes": None if duration_var is None else minutes(duration_var),
        "reason": state.reason,
        "forced": state.forced,
    }


def status_json(snap: Snapshot, states: list[TaskState] | None = None) -> dict[str, Any]:
    """``runbook status --json``: ``{"now", "baseline_finish", "forecast_finish",
    "deadline", "ahead_minutes", "counts", "tasks"}`` (and the remaining critical path)."""
    zone = snap.plan.zone
    chosen = snap.tasks if states is None else states
    counts = {s: 0 for s in snap.counts}
    for state in chosen:
        counts[state.status] += 1
    deadline = snap.plan.deadline
    return {
        "now": iso(snap.now, zone),
        "baseline_finish": iso(snap.baseline_finish, zone),
        "forecast_finish": iso(snap.forecast_finish, zone),
        "deadline": iso(deadline, zone),
        "ahead_minutes": minutes(snap.ahead),
        "counts": counts,
        "critical_path": [snap.plan.tasks[i].id for i in snap.critical_path],
        "tasks": [task_state_json(s, snap) for s in chosen],
    }
