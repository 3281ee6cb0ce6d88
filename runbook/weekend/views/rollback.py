"""If rolled back now: for the next gate ahead, when its rollback would end if it started at
this moment (its own critical path from now, each rollback task's ``not_before`` honoured),
beside its point of no return; every face shows it, and it is an alert once it ends past the
deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from runbook.format.durations import clock, format_duration
from runbook.planning.rollback import rollback_plan
from runbook.weekend.forecast import Snapshot
from runbook.weekend.gates import next_point_of_no_return


@dataclass(frozen=True, slots=True)
class IfRolledBack:
    """The next gate ahead's rollback, were it started at ``now``."""

    gate: str
    now: int
    ends: int  # when it would end
    point: int | None  # the gate's point of no return (deadline - rollback)
    deadline: int | None

    @property
    def late(self) -> int | None:
        """Seconds it would end past the deadline (0 or less: in time); None without one."""
        return None if self.deadline is None else self.ends - self.deadline

    def line(self, zone: tzinfo) -> str:
        """``if rolled back now, it would end Sat 23:10 (6h50m before the deadline)`` (said
        beside the gate's point of no return)."""
        words = f"if rolled back now, it would end {clock(self.ends, zone)}"
        late = self.late
        if late is None:
            return words
        if late > 0:
            return words + f" ({format_duration(late)} AFTER the deadline)"
        return words + f" ({format_duration(-late)} before the deadline)"


def if_rolled_back(snap: Snapshot) -> IfRolledBack | None:
    """For the gate whose point of no return is next (``next_point_of_no_return``), its
    rollback as if started now; None once the weekend is closed, while a NO-GO is open or a
    rollback runs, and when no gate with a rollback is ahead."""
    from runbook.weekend.views.decisions import open_no_gos

    if snap.closed is not None or snap.plan.rolling_back is not None or open_no_gos(snap):
        return None
    ahead = next_point_of_no_return(snap)
    if ahead is None:
        return None
    plan = snap.plan
    if not plan.gates[ahead.gate].rollback_tasks:
        return None
    alone = rollback_plan(plan, ahead.gate, snap.now)
    return IfRolledBack(ahead.gate, snap.now, alone.finish, ahead.point, plan.deadline)
