"""How far the weekend has come: overall, per team and per phase."""

from __future__ import annotations

from dataclasses import dataclass

from runbook.weekend.forecast import FAILED, FINISHED, RUNNING, Snapshot, TaskState


@dataclass(frozen=True, slots=True)
class Progress:
    """Tasks finished (done or skipped) out of all, and the share of the planned work done.

    ``weighted`` weighs each task by its planned duration; a running (or failed) task counts
    for the part of its planned duration it has worked (never more than all of it)."""

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


def _credit(snap: Snapshot, state: TaskState, durations: list[int]) -> int:
    duration = durations[state.index]
    if state.status in FINISHED:
        return duration
    if state.status in (RUNNING, FAILED):  # the work it did, not the time lost to failures
        return min(duration, state.worked)
    return 0


def progress(snap: Snapshot, states: list[TaskState] | None = None, label: str = "all") -> Progress:
    """Progress over ``states`` (default: every task)."""
    chosen = snap.tasks if states is None else states
    durations = snap.plan.column("duration")
    return Progress(
        label=label,
        finished=sum(1 for s in chosen if s.status in FINISHED),
        total=len(chosen),
        work_done=sum(_credit(snap, s, durations) for s in chosen),
        work_total=sum(durations[s.index] for s in chosen),
    )


def progress_by(snap: Snapshot, key: str) -> list[Progress]:
    """Progress per ``team`` or per ``phase``, in order of first appearance in the plan."""
    plan = snap.plan
    values, durations = plan.column("team" if key == "team" else "phase"), plan.column("duration")
    names: dict[str | None, str] = {}  # by value: a team's name is looked up once
    # One pass over the tasks: per group [finished, total, work done, work total].
    sums: dict[str, list[int]] = {}
    for state in snap.tasks:
        value = values[state.index]
        name = names.get(value)
        if name is None:
            if key == "team":
                name = plan.team_name(value) if value else "(no team)"
            else:
                name = value or "(no phase)"
            names[value] = name
        group = sums.get(name)
        if group is None:
            group = sums[name] = [0, 0, 0, 0]
        group[0] += state.status in FINISHED
        group[1] += 1
        group[2] += _credit(snap, state, durations)
        group[3] += durations[state.index]
    return [Progress(label, *figures) for label, figures in sums.items()]
