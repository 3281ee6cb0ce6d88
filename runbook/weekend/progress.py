"""How far the weekend has come: overall, per team and per phase."""

from __future__ import annotations

from dataclasses import dataclass

from runbook.weekend.forecast import FAILED, FINISHED, RUNNING, Snapshot, TaskState


@dataclass(frozen=True, slots=True)
class Progress:
    """Tasks finished (done or skipped) out of all, and the share of the planned work done.

    ``weighted`` weighs each task by its planned duration; a running task counts for the
    part of its planned duration that has elapsed (never more than all of it)."""

    label: str
    finished: int
    total: int
    work_done: int  # seconds of planned work
    work_total: int

    @property
    def weighted(self) -> float:
        """0.0 .. 1.0; by task count when no task has a duration."""
        if self.work_total:
            return self.work_done / self.work_total
        return self.finished / self.total if self.total else 1.0


def _credit(snap: Snapshot, state: TaskState) -> int:
    duration = snap.plan.tasks[state.index].duration
    if state.status in FINISHED:
        return duration
    if state.status in (RUNNING, FAILED) and state.actual_start is not None:
        return max(0, min(duration, snap.now - state.actual_start))
    return 0


def progress(snap: Snapshot, states: list[TaskState] | None = None, label: str = "all") -> Progress:
    """Progress over ``states`` (default: every task)."""
    chosen = snap.tasks if states is None else states
    plan = snap.plan
    return Progress(
        label=label,
        finished=sum(1 for s in chosen if s.status in FINISHED),
        total=len(chosen),
        work_done=sum(_credit(snap, s) for s in chosen),
        work_total=sum(plan.tasks[s.index].duration for s in chosen),
    )


def progress_by(snap: Snapshot, key: str) -> list[Progress]:
    """Progress per ``team`` or per ``phase``, in order of first appearance in the plan."""
    groups: dict[str, list[TaskState]] = {}
    for state in snap.tasks:
        task = snap.plan.tasks[state.index]
        if key == "team":
            name = snap.plan.team_name(task.team) if task.team else "(no team)"
        else:
            name = task.phase or "(no phase)"
        groups.setdefault(name, []).append(state)
    return [progress(snap, states, label) for label, states in groups.items()]
