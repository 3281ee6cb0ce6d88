"""Go/no-go gates: decisions, points of no return, sign-offs and readiness checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from runbook.planning.plan import GateInfo, Plan

# GO and NO_GO are the staged rule's; the views and faces import them from here too.
from runbook.weekend.decisions import GO as GO
from runbook.weekend.decisions import NO_GO as NO_GO
from runbook.weekend.decisions import VERDICTS, GateStanding, standing_of_events
from runbook.weekend.events import FINISHED, Event, Status
from runbook.weekend.forecast import Snapshot, TaskRecord

DECISIONS = VERDICTS  # what `runbook decide` reads as a verdict (the staged rule's words)


def gate_standing(info: GateInfo, record: TaskRecord | None) -> GateStanding:
    """What the gate's decisions amount to, by the staged rule (``decisions.standing``)."""
    return standing_of_events(info, record.decisions if record is not None else ())


def decision(info: GateInfo, record: TaskRecord | None) -> str | None:
    """The gate's verdict by the staged rule: ``go`` once every stage gave its GOs after the
    last NO-GO, ``no-go`` while a NO-GO is open, None otherwise (undecided, or some stages'
    GOs given and others' not yet)."""
    if record is None or not record.decisions:
        return None
    return gate_standing(info, record).verdict


@dataclass(frozen=True, slots=True)
class PointOfNoReturn:
    """When a NO-GO at a gate can still roll back before the deadline."""

    gate: str
    rollback: int | None  # seconds to roll back; None when the runbook does not say
    point: int | None  # deadline - rollback (epoch seconds); None without both
    planned: int  # when the gate is planned (baseline)
    forecast: int | None = None  # when it is forecast now (during the weekend)

    @property
    def margin(self) -> int | None:
        """Seconds between the planned gate and its point of no return (negative: the gate
        comes too late to roll back in time)."""
        return None if self.point is None else self.point - self.planned

    @property
    def forecast_margin(self) -> int | None:
        """The same margin for the forecast gate time."""
        if self.point is None or self.forecast is None:
            return None
        return self.point - self.forecast


def point_of_no_return(plan: Plan, gate: str) -> int | None:
    """The latest moment a NO-GO at ``gate`` can start rolling back and be done by the
    deadline (deadline - rollback); None without a deadline or a rollback."""
    info = plan.gates[gate]
    if plan.deadline is None or info.rollback is None:
        return None
    return plan.deadline - info.rollback


def points_of_no_return(plan: Plan, snap: Snapshot | None = None) -> list[PointOfNoReturn]:
    """Every gate's point of no return, in planned order. The planned time is the gate's
    planned start in the baseline (or the plan before the weekend)."""
    baseline = snap.baseline if snap is not None else plan
    out = []
    # By column: building a task object of a cached plan reads every field of every task.
    es, base_es = plan.column("es"), baseline.column("es")
    for gate in plan.gates.values():
        b = baseline.index.get(gate.id)
        planned = base_es[b] if b is not None else es[plan.index[gate.id]]
        point = point_of_no_return(plan, gate.id)
        forecast = snap.by_id(gate.id).forecast_start if snap is not None else None
        out.append(PointOfNoReturn(gate.id, gate.rollback, point, planned, forecast))
    out.sort(key=lambda p: (p.planned, p.gate))
    return out


def next_point_of_no_return(snap: Snapshot) -> PointOfNoReturn | None:
    """The next point of no return still ahead, of a gate not yet passed (no GO, not done);
    None once the weekend is closed, and while a rollback runs (no gate is ahead of it)."""
    if snap.closed is not None or snap.plan.rolling_back is not None:
        return None
    upcoming = [
        p
        for p in points_of_no_return(snap.plan, snap)
        if p.point is not None
        and p.point >= snap.now
        and snap.by_id(p.gate).status not in FINISHED
        and decision(snap.plan.gates[p.gate], snap.records.get(p.gate)) != GO
    ]
    return min(upcoming, key=lambda p: p.point or 0, default=None)


def awaited_gates(snap: Snapshot) -> list[tuple[str, ...]]:
    """For every task (by index), the gates whose GO it still waits for: a gate, among the
    task itself and what it depends on, with no decision yet or a NO-GO as its latest, reached
    through tasks not done (a done task has been passed, a skipped gate is not needed). The
    work behind such a gate is not called for before the GO, whatever its forecast says."""
    plan, status = snap.plan, snap.figures.status
    ids, preds_of = plan.column("id"), plan.column("preds")
    out: list[tuple[str, ...]] = [()] * len(ids)
    if not plan.gates:
        return out
    undecided = {
        i
        for g, info in plan.gates.items()
        if (i := plan.index.get(g)) is not None
        and status[i] not in FINISHED
        and decision(info, snap.records.get(g)) != GO
    }
    if not undecided:
        return out
    for v in plan.order:
        found: set[str] = set()
        for p in preds_of[v]:
            if status[p] != Status.DONE and out[p]:
                found.update(out[p])
        if v in undecided:
            found.add(ids[v])
        if found:
            out[v] = tuple(sorted(found, key=lambda g: plan.index[g]))
    return out


def latest_by(events: Iterable[Event], kind: str, key: str) -> dict[str, Event]:
    """The latest runbook-level event of a kind per ``data[key]`` (sign-offs by team,
    checks by readiness item)."""
    found: dict[str, Event] = {}
    for event in events:
        if event.kind == kind and event.data.get(key) is not None:
            found[str(event.data[key])] = event
    return found
