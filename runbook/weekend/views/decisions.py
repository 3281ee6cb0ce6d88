"""Gates as both faces show them: waiting for a decision (and who decides), an open NO-GO."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from runbook.format.durations import format_duration
from runbook.planning.plan import Plan
from runbook.weekend.events import Event
from runbook.weekend.forecast import FINISHED, READY, Snapshot, TaskRecord, TaskState
from runbook.weekend.gates import NO_GO, decision, point_of_no_return


def gate_waits(snap: Snapshot, state: TaskState) -> str | None:
    """Why a ready gate is not work to call a team for: ``decision needed`` (no decision
    yet) or ``NO-GO``; None for a gone-ahead gate and for any other task."""
    if state.status != READY or state.id not in snap.plan.gates:
        return None
    said = decision(snap.records.get(state.id))
    return "decision needed" if said is None else "NO-GO" if said == NO_GO else None


def needs_decision(snap: Snapshot, state: TaskState) -> bool:
    """A gate whose predecessors are done and that has no decision yet: the approvers decide
    (``runbook decide``); it is not a task to call a team for."""
    return gate_waits(snap, state) == "decision needed"


@dataclass(frozen=True, slots=True)
class DecisionNeeded:
    """A gate waiting for its go/no-go decision, and who decides."""

    gate: str
    approvers: list[str]
    since: int  # when its last predecessor finished


def split_ready(
    snap: Snapshot, ready: Iterable[TaskState]
) -> tuple[list[TaskState], list[DecisionNeeded]]:
    """The ready tasks to call a team for, and the gates waiting for a decision, in order
    (a gate with a NO-GO is neither: ``open_no_gos`` says what to do)."""
    call, decide = [], []
    for state in ready:
        waits = gate_waits(snap, state)
        if waits == "NO-GO":
            continue
        if waits == "decision needed":
            info = snap.plan.gates[state.id]
            preds, finish = snap.plan.column("preds")[state.index], snap.figures.finish
            since = max((finish[p] for p in preds), default=snap.plan.start)
            decide.append(DecisionNeeded(state.id, list(info.approvers), since))
        else:
            call.append(state)
    return call, decide


@dataclass(frozen=True, slots=True)
class OpenNoGo:
    """A NO-GO not yet resolved: the rollback to run and when it must start at the latest."""

    gate: str
    decided: Event
    rollback: int | None  # seconds the rollback takes; None when the runbook does not say
    rollback_tasks: list[str]
    start_by: int | None  # the point of no return: deadline - rollback

    def summary(self) -> str:
        """``roll back: rb-a, rb-b (takes 10h)`` in plain words."""
        what = ", ".join(self.rollback_tasks[:4]) + (
            ", ..." if len(self.rollback_tasks) > 4 else ""
        )
        took = f"takes {format_duration(self.rollback)}" if self.rollback is not None else ""
        if what:
            return f"roll back: {what}" + (f" ({took})" if took else "")
        if took:
            return f"roll back ({took})"
        return "roll back (the runbook gives no rollback for this gate)"


def open_no_gos(snap: Snapshot) -> list[OpenNoGo]:
    """Every gate whose latest decision is NO-GO and that is not resolved: a later GO clears
    it, and so do its rollback tasks, once they are all finished (when they are tasks of the
    runbook that can be checked in)."""
    return no_gos_in(snap.plan, snap.records)


def no_gos_in(plan: Plan, records: dict[str, TaskRecord]) -> list[OpenNoGo]:
    """``open_no_gos`` from the task records alone (the line after a check-in has no
    snapshot), the most urgent rollback first."""
    out = []
    for gate, info in plan.gates.items():
        record = records.get(gate)
        if decision(record) != NO_GO or record is None:
            continue
        tasks = [t for t in info.rollback_tasks if t in plan.index]
        if tasks and all(_finished(records.get(t)) for t in tasks):
            continue
        out.append(
            OpenNoGo(
                gate,
                record.decisions[-1],
                info.rollback,
                list(info.rollback_tasks),
                point_of_no_return(plan, gate),
            )
        )
    out.sort(key=lambda n: (n.start_by is None, n.start_by or 0, n.gate))
    return out


def _finished(record: TaskRecord | None) -> bool:
    return record is not None and record.state in FINISHED
