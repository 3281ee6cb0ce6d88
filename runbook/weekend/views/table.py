"""What one row of the dashboard's task table shows, as one frozen value (``TaskRow``).

The table formats a row from its ``TaskRow`` alone and keeps the cells while it stays equal:
the input is the key, so nothing a row shows can change without the row being formatted
again (a key that listed the inputs apart once missed the revision markers).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import NamedTuple

from runbook.weekend.events import UNDER_WAY, Status
from runbook.weekend.forecast import Snapshot, TaskState, overrun
from runbook.weekend.rehearsal import in_runbook


class TaskRow(NamedTuple):
    """Everything a task's row shows, and nothing else: equal rows look the same.

    A NamedTuple: frozen, compared and hashed as a tuple, and built in a fraction of a frozen
    dataclass's time (the table builds one per task on every snapshot)."""

    id: str
    title: str
    team: str | None
    phase: str | None
    priority: str  # must | should | nice
    zone: tzinfo  # times are written in it ...
    dated: bool  # ... with their date (a runbook longer than about a week)
    status: Status
    dropped: bool  # skipped as optional work dropped for time
    forced: bool  # a check-in overrode a refusal, or broke the rules
    overrun: bool  # under way past its eta, or longer than its duration
    late: bool
    critical: bool
    float: int
    actual_start: int | None
    actual_finish: int | None
    forecast_start: int
    forecast_finish: int
    planned_start: int | None
    planned_finish: int | None
    eta: bool  # a revised finish in force (the row says ``eta``, not the time)
    pulled: bool
    revised: bool  # a revised duration in force
    # A rehearsal on its own date: the planned start as the runbook has it (None on the
    # weekend itself, or for a task added since the baseline).
    runbook_start: int | None = None

    @property
    def optional(self) -> bool:
        """Should-have or nice-to-have work: it may be dropped."""
        return self.priority != "must"

    @property
    def finish_variance(self) -> int | None:
        """Seconds the (actual or forecast) finish lies after the baseline finish (None for
        work a rollback suspended: it has no finish to measure)."""
        if self.planned_finish is None or self.status == "suspended":
            return None
        return self.forecast_finish - self.planned_finish


def table_row(snap: Snapshot, state: TaskState, *, dated: bool = False) -> TaskRow:
    """What ``state``'s row shows at the snapshot."""
    return rows_of(snap, dated=dated)(state)


def rows_of(snap: Snapshot, *, dated: bool = False) -> Callable[[TaskState], TaskRow]:
    """What a task's row shows at the snapshot, for each task the table asks about: the
    plan's columns are read once, not per row (the table asks for every row it shows on
    every snapshot; this keeps that a few milliseconds for 10,000 tasks)."""
    plan, zone = snap.plan, snap.plan.zone
    rehearsal = bool(plan.offset)  # on its own date: the runbook's time beside the plan
    titles, teams = plan.column("title"), plan.column("team")
    phases, priorities = plan.column("phase"), plan.column("priority")
    make = TaskRow._make

    def row(state: TaskState) -> TaskRow:
        i, status = state.index, state.status
        return make(
            (
                state.id,
                titles[i],
                teams[i],
                phases[i],
                priorities[i],
                zone,
                dated,
                status,
                state.dropped,
                state.forced,
                status in UNDER_WAY and overrun(snap, i) > 0,
                state.late,
                state.critical,
                state.float,
                state.actual_start,
                state.actual_finish,
                state.forecast_start,
                state.forecast_finish,
                state.planned_start,
                state.planned_finish,
                state.eta is not None,
                state.pulled,
                state.revised_duration is not None,
                None
                if not rehearsal or state.planned_start is None
                else in_runbook(plan, state.planned_start),
            )
        )

    return row
