"""What mission control must not miss: overruns, critical tasks going late, failures, and a
forecast past the deadline."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress
from typing import Literal

from runbook.format.durations import clock, format_duration
from runbook.weekend.events import UNDER_WAY
from runbook.weekend.forecast import (
    FAILED,
    READY,
    Snapshot,
    duration_in_force,
    eta_in_force,
    overrun,
)
from runbook.weekend.views.rollback import if_rolled_back


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert; ``key`` stays the same while the condition lasts (to announce it once)."""

    kind: str  # overrun | critical-late | failed | deadline
    task: str | None
    message: str
    severity: Literal["warning", "error"]

    @property
    def key(self) -> tuple[str, str | None]:
        """Identity of the condition."""
        return self.kind, self.task


def alerts(snap: Snapshot) -> list[Alert]:
    """Every alert that holds at the snapshot's moment, most severe first; none once the
    weekend is closed (what was open is aftercare, not an emergency)."""
    plan, zone, now = snap.plan, snap.plan.zone, snap.now
    found: list[Alert] = []
    if snap.closed is not None:
        return found
    if plan.deadline is not None and (spare := snap.spare) is not None and spare < 0:
        over = -spare
        found.append(
            Alert(
                "deadline",
                None,
                f"forecast finish {clock(snap.forecast_finish, zone)} is "
                f"{format_duration(over)} past the deadline {clock(plan.deadline, zone)}",
                "error",
            )
        )
    rolled = if_rolled_back(snap)
    if rolled is not None and (late := rolled.late) is not None and late > 0:
        found.append(
            Alert(
                "rollback-late",
                rolled.gate,
                f"if rolled back now, {rolled.gate}'s rollback would end "
                f"{clock(rolled.ends, zone)}, {format_duration(late)} past the deadline",
                "error",
            )
        )
    status, late_of = snap.figures.status, snap.figures.late
    # Only the tasks there is something to say about: their states are built, no other.
    said = (s in UNDER_WAY or (s == READY and t) for s, t in zip(status, late_of, strict=True))
    for index in compress(range(len(status)), said):
        state = snap.tasks[index]
        task = plan.tasks[state.index]
        if state.status == FAILED:
            found.append(
                Alert(
                    "failed",
                    task.id,
                    f"{task.id} FAILED: {state.reason or 'no reason given'}",
                    "error",
                )
            )
        over = overrun(snap, state.index)
        record = snap.records.get(task.id)
        eta = None if record is None else eta_in_force(record, now)
        if over and eta is not None:  # the team's word passed: that is the news
            found.append(
                Alert(
                    "overrun",
                    task.id,
                    f"{task.id} is {format_duration(over)} past its eta {clock(eta, zone)}",
                    "warning",
                )
            )
        elif over:
            found.append(
                Alert(
                    "overrun",
                    task.id,
                    f"{task.id} has run {format_duration(state.worked)}, "
                    f"{format_duration(over)} over its "
                    f"{'revised' if state.revised_duration is not None else 'planned'} "
                    f"{format_duration(duration_in_force(snap, state))}",
                    "warning",
                )
            )
        # Only a task that could start and did not: one still waiting for its predecessors
        # is late because of them, and the forecast already says what that costs.
        if state.status == READY and state.late and state.critical:
            found.append(
                Alert(
                    "critical-late",
                    task.id,
                    f"{task.id} is on the critical path and should have started at "
                    f"{clock(state.planned_start or now, zone)}",
                    "error",
                )
            )
    found.sort(key=lambda a: (a.severity != "error", a.kind != "deadline"))
    return found
