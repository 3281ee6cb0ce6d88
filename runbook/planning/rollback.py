"""A gate's rollback as a plan: alone ("if rolled back at ..., it would end at ..."), and
appended to the forward plan once it is started (the plan in force). Pure: no store, no clock.
"""

from __future__ import annotations

from dataclasses import replace

from runbook.planning.plan import Appended, Plan, PlannedTask, RollingBack


def rollback_of(plan: Plan, gate: str) -> list[PlannedTask]:
    """The gate's rollback tasks, in the order of ``plan.rollback``, with ``preds`` indexing
    this list (a dependency on a rollback task of another gate is left out)."""
    info = plan.gates.get(gate)
    if info is None or not info.rollback_tasks:
        return []
    wanted = set(info.rollback_tasks)
    chosen = [i for i, t in enumerate(plan.rollback) if t.id in wanted]
    where = {old: new for new, old in enumerate(chosen)}
    out = []
    for old in chosen:
        task = plan.rollback[old]
        preds = [where[p] for p in task.preds if p in where]
        out.append(
            replace(
                task,
                preds=preds,
                depends_on=[plan.rollback[p].id for p in task.preds if p in where],
            )
        )
    return out


def rollback_plan(plan: Plan, gate: str, start: int) -> Plan:
    """The gate's rollback alone, scheduled from ``start`` (each task's ``not_before``
    honoured), with the forward plan's deadline: its ``finish`` is when the rollback would end
    if it started at ``start``; ``montecarlo.simulate`` of it gives P(it ends by the
    deadline)."""
    from runbook.planning.cpm import schedule, topological_order

    tasks = rollback_of(plan, gate)
    alone = Plan(
        name=plan.name,
        timezone=plan.timezone,
        start=start,
        deadline=plan.deadline,
        tasks=tasks,
        order=topological_order([t.preds for t in tasks]),
        finish=start,
        critical_path=[],
        teams=plan.teams,
        teams_declared=plan.teams_declared,
        digest=plan.digest,
        heads_up=plan.heads_up,
    )
    schedule(alone)
    return alone


def with_rollback(plan: Plan, gate: str, start: int) -> Plan:
    """The forward plan with the gate's rollback tasks appended (indices ``len(plan.tasks)``
    on, ids unchanged), each scheduled from ``start`` at the earliest (a root held there by
    its ``not_before``): the plan in force once the rollback started at ``start``. The same
    digest, gates and teams; the forward tasks' figures are the forward plan's."""
    base = len(plan.tasks)
    alone = rollback_plan(plan, gate, start)
    extra = [
        replace(
            t,
            preds=[base + p for p in t.preds],
            # A root waits for the rollback's start; the rest for their predecessors.
            not_before=t.not_before if t.preds else max(start, t.not_before or start),
        )
        for t in alone.tasks
    ]
    ends = [t.ef for t in extra]
    return Plan(
        name=plan.name,
        timezone=plan.timezone,
        start=plan.start,
        deadline=plan.deadline,
        tasks=Appended(plan.tasks, extra),
        order=[*plan.order, *(base + v for v in alone.order)],
        finish=max([plan.finish, *ends]),
        critical_path=[base + v for v in alone.critical_path],
        teams=plan.teams,
        teams_declared=plan.teams_declared,
        digest=plan.digest,
        gates=plan.gates,
        readiness=plan.readiness,
        heads_up=plan.heads_up,
        rollback=plan.rollback,
        rolling_back=RollingBack(gate, start, base),
    )
