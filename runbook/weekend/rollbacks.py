"""A gate's rollback as work that is run: which rollback is in force, the plan in force with
it, and when a rollback (or its undo) may be recorded, as pure functions of the plan and the
task records (no store, no clock).

After a NO-GO, ``runbook rollback GATE`` (mission control's) records a ``rollback`` event
about the gate; from then on the gate's rollback tasks are tasks of the weekend (appended to
the plan: ``planning.rollback.with_rollback``), checked in and out by the ordinary rules, and
the forward work not finished is suspended. ``runbook rollback GATE --undo`` revokes it
before any rollback task has a check-in.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

from runbook.common.errors import Refused
from runbook.format.durations import clock
from runbook.planning.plan import Plan
from runbook.weekend.decisions import NO_GO, GateStanding
from runbook.weekend.events import Event
from runbook.weekend.taskstate import TaskRecord


@dataclass(frozen=True, slots=True)
class InForce:
    """The rollback in force: its gate and the event that started it."""

    gate: str
    event: Event

    @property
    def start(self) -> int:
        """When the rollback started."""
        return self.event.at


def rollback_in_force(plan: Plan, records: dict[str, TaskRecord]) -> InForce | None:
    """The latest rollback still in force (not undone) at a gate of the plan, or None."""
    found: InForce | None = None
    for gate in plan.gates:
        record = records.get(gate)
        if record is None or not record.rollbacks:
            continue
        event = record.rollbacks[-1]
        if found is None or event.seq > found.event.seq:
            found = InForce(gate, event)
    return found


def plan_with(plan: Plan, rolling: InForce | None) -> Plan:
    """The plan in force: the forward plan, with the rollback's tasks once one started."""
    if rolling is None:
        return plan
    from runbook.planning.rollback import with_rollback

    return with_rollback(plan, rolling.gate, rolling.start)


class KnownTasks(Container[str]):
    """Every id a record may be about: the runbook's tasks and its rollback tasks (those are
    no orphans, even before their rollback starts)."""

    def __init__(self, plan: Plan) -> None:
        self._index = plan.index
        self._rollback = {t.id for t in plan.rollback}

    def __contains__(self, task: object) -> bool:
        return task in self._index or task in self._rollback


def gate_of_rollback_task(plan: Plan, task: str) -> str | None:
    """The gate whose rollback the task is (the first gate naming it), or None."""
    return next((g for g, info in plan.gates.items() if task in info.rollback_tasks), None)


def rollback_refusal(
    plan: Plan, gate: str, records: dict[str, TaskRecord], standing: GateStanding
) -> Refused | None:
    """Why the gate's rollback may not start now, or None: the runbook gives it none, or a
    rollback is in force already (neither forceable); the gate has no open NO-GO (forceable:
    mission control may roll back a gate it decided to roll back by phone)."""
    info = plan.gates[gate]
    if info.rollback is None and not info.rollback_tasks:
        return Refused(
            f"the runbook gives {gate} no rollback: there is nothing to run",
            forceable=False,
        )
    rolling = rollback_in_force(plan, records)
    if rolling is not None:
        same = rolling.gate == gate
        return Refused(
            f"the rollback of {rolling.gate} is already running (started "
            f"{clock(rolling.start, plan.zone)} by {rolling.event.actor})"
            + ("" if same else "; one rollback at a time"),
            hint=None if same else f"runbook rollback {rolling.gate} --undo, if it was a mistake",
            forceable=False,
        )
    if standing.verdict != NO_GO:
        said = "passed (GO)" if standing.passed is not None else "has no NO-GO"
        return Refused(
            f"{gate} {said}: a rollback follows a NO-GO",
            hint=f"runbook decide {gate} no-go ... first",
        )
    return None


def undo_refusal(plan: Plan, gate: str, records: dict[str, TaskRecord]) -> Refused | None:
    """Why the gate's rollback may not be revoked, or None: none is in force at it, or one of
    its rollback tasks has a check-in (undo those first); neither forceable."""
    record = records.get(gate)
    if record is None or not record.rollbacks:
        return Refused(f"{gate} has no rollback in force to undo", forceable=False)
    started = [
        t
        for t in plan.gates[gate].rollback_tasks
        if (r := records.get(t)) is not None and r.history
    ]
    if started:
        return Refused(
            f"the rollback of {gate} has begun: {', '.join(started)} "
            f"{'has' if len(started) == 1 else 'have'} a check-in",
            hint=f"undo those first (runbook undo {started[0]}), then the rollback",
            forceable=False,
        )
    return None
