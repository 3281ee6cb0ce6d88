"""The dependency graph and the critical-path method; networkx stays inside this module, and
is imported only to report a cycle."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from runbook.format.durations import to_epoch
from runbook.format.model import Runbook, Task
from runbook.planning.plan import CheckItem, GateInfo, GateStage, Plan, PlannedTask, TeamInfo

if TYPE_CHECKING:
    import networkx as nx


def _graph(preds: Sequence[Sequence[int]]) -> nx.DiGraph:
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(preds)))
    graph.add_edges_from((p, v) for v, ps in enumerate(preds) for p in ps if p != v)
    return graph


def _kahn(preds: Sequence[Sequence[int]]) -> list[int]:
    """Task indices in topological order, the smallest index first on ties (file order);
    tasks on or behind a cycle are left out. Linear in the edges, in plain Python: building
    a networkx graph of two million edges (one aliased list used 1,400 times) took seconds."""
    import heapq

    n = len(preds)
    waiting = [0] * n
    succ: list[list[int]] = [[] for _ in range(n)]
    for v, ps in enumerate(preds):
        unique = set(ps)
        unique.discard(v)
        waiting[v] = len(unique)
        for p in unique:
            succ[p].append(v)
    ready = [v for v in range(n) if not waiting[v]]
    heapq.heapify(ready)
    order = []
    while ready:
        v = heapq.heappop(ready)
        order.append(v)
        for s in succ[v]:
            waiting[s] -= 1
            if not waiting[s]:
                heapq.heappush(ready, s)
    return order


def find_cycles(preds: Sequence[Sequence[int]]) -> list[list[int]]:
    """One dependency cycle per knot of the graph, each as task indices ``[a, b, ..., a]``
    in the direction of the work (a before b). Self-dependencies are not included.

    Linear time: a topological sort first, and only when it leaves tasks out, strongly
    connected components (networkx) and a cycle inside each one.
    """
    return sort_or_cycles(preds)[1]


def sort_or_cycles(preds: Sequence[Sequence[int]]) -> tuple[list[int] | None, list[list[int]]]:
    """The topological order (``topological_order``) when there is no cycle, else None and
    the cycles (``find_cycles``): one sort serves the reference checks and the plan."""
    order = _kahn(preds)
    if len(order) == len(preds):
        return order, []
    return None, _cycles(preds)


def _cycles(preds: Sequence[Sequence[int]]) -> list[list[int]]:
    """One cycle per strongly connected component of two or more tasks."""
    # Imported only here: networkx takes longer to import (60 ms) than planning 10,000 tasks,
    # and only a runbook with a cycle needs it.
    import networkx as nx

    graph = _graph(preds)
    cycles = []
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        first = min(component)
        edges = nx.find_cycle(graph.subgraph(component), source=first)
        cycle = [u for u, _ in edges]
        cycle.append(cycle[0])
        cycles.append(cycle)
    cycles.sort(key=lambda c: min(c))
    return cycles


def topological_order(preds: Sequence[Sequence[int]]) -> list[int]:
    """Task indices so that every task comes after its predecessors (file order on ties)."""
    return _kahn(preds)


def redundant_dependencies(
    preds: Sequence[Sequence[int]], order: Sequence[int], *, limit: int | None = None
) -> tuple[list[tuple[int, int, int]], int]:
    """Dependencies implied by another path, as ``(task, dependency, via)``, and how many
    there are in all (only the first ``limit`` are listed).

    ``task`` lists ``dependency`` although ``dependency`` already comes before another of
    its predecessors, ``via``. One pass in topological order over ancestor bitsets (Python
    ints): a task's redundant dependencies are ``(union of its predecessors' ancestors) &
    (its predecessors)``, counted with ``bit_count``, so the cost is linear in the edges
    times the bitset width, never a rescan of a list per edge. A bitset is dropped once its
    last successor has been visited.
    """
    remaining = [0] * len(preds)
    unique = [list(dict.fromkeys(ps)) for ps in preds]
    for ps in unique:
        for p in ps:
            remaining[p] += 1
    ancestors: dict[int, int] = {}
    found: list[tuple[int, int, int]] = []
    total = 0
    for v in order:
        ps = unique[v]
        union = listed = 0
        for p in ps:
            union |= ancestors.get(p, 0)
            listed |= 1 << p
        redundant = union & listed
        if redundant:
            total += redundant.bit_count()
            if limit is None or len(found) < limit:
                found.extend(_explained(v, ps, redundant, ancestors))
        mine = union | listed
        for p in ps:
            remaining[p] -= 1
            if remaining[p] == 0:
                ancestors.pop(p, None)
        if remaining[v]:
            ancestors[v] = mine
    found.sort()
    return (found if limit is None else found[:limit]), total


def _explained(
    v: int, ps: Sequence[int], redundant: int, ancestors: dict[int, int]
) -> list[tuple[int, int, int]]:
    """``(v, p, via)`` for each redundant dependency ``p`` of ``v``: the first listed
    predecessor ``via`` that already has ``p`` among its ancestors."""
    found = []
    for q in ps:
        hits = ancestors.get(q, 0) & redundant
        redundant &= ~hits
        while hits:
            low = hits & -hits
            found.append((v, low.bit_length() - 1, q))
            hits ^= low
        if not redundant:
            break
    return found


def _epoch(moment: datetime | None) -> int | None:
    return None if moment is None else to_epoch(moment)


def compute_plan(runbook: Runbook, *, digest: str = "", order: list[int] | None = None) -> Plan:
    """Schedule a valid runbook: forward pass from ``start`` honouring dependencies and
    ``not_before``, backward pass from the planned finish, floats and the critical path.
    ``order``: its tasks' topological order when the reference checks already sorted them."""
    index = {t.id: i for i, t in enumerate(runbook.tasks)}
    listed = [
        t.depends_on if len(t.depends_on) < 2 else list(dict.fromkeys(t.depends_on))
        for t in runbook.tasks
    ]
    tasks = [
        PlannedTask(
            id=t.id,
            title=t.title,
            team=t.team,
            phase=t.phase,
            duration=t.seconds,
            depends_on=list(deps),
            preds=[index[d] for d in deps],
            not_before=_epoch(t.not_before.at if t.not_before else None),
            milestone=t.milestone,
            notes=t.notes,
            gate=runbook.gate_of(t) is not None,
            optimistic=t.estimate.optimistic if t.estimate else None,
            pessimistic=t.estimate.pessimistic if t.estimate else None,
            not_before_fixed=bool(t.not_before and t.not_before.fixed),
            not_before_reason=t.not_before.reason if t.not_before else None,
            priority=t.priority,
        )
        for t, deps in zip(runbook.tasks, listed, strict=True)
    ]
    start = to_epoch(runbook.start)
    if order is None or len(order) != len(tasks):
        order = topological_order([t.preds for t in tasks])
    teams = {
        tid: TeamInfo(tid, team.name or tid, team.lead, team.contact)
        for tid, team in (runbook.teams or {}).items()
    }
    plan = Plan(
        name=runbook.name,
        timezone=runbook.timezone,
        start=start,
        deadline=_epoch(runbook.deadline),
        tasks=tasks,
        order=order,
        finish=start,
        critical_path=[],
        teams=teams,
        teams_declared=runbook.teams is not None,
        digest=digest,
        gates=_gates(runbook),
        readiness=[CheckItem(r.id, r.title, r.owner, _epoch(r.due)) for r in runbook.readiness],
        heads_up=runbook.notify.heads_up,
    )
    plan.rollback = rollback_tasks(runbook, plan.gates)
    schedule(plan)
    return plan


def rollback_suffix(gate: str) -> str:
    """The id of the one rollback task of a gate whose rollback is a duration."""
    return f"{gate}.rollback"


def rollback_tasks(runbook: Runbook, gates: dict[str, GateInfo]) -> list[PlannedTask]:
    """Every rollback task as a task of the weekend to be (``preds`` index this list; not
    scheduled), then, for each gate whose rollback is a duration, one task of that length
    owned by the gate's team (``<gate>.rollback``)."""
    listed = runbook.rollback_tasks
    index = {t.id: i for i, t in enumerate(listed)}
    out = [
        PlannedTask(
            id=t.id,
            title=t.title,
            team=t.team,
            phase=t.phase,
            duration=t.seconds,
            depends_on=[d for d in t.depends_on if d in index],
            preds=[index[d] for d in dict.fromkeys(t.depends_on) if d in index],
            not_before=_epoch(t.not_before.at if t.not_before else None),
            milestone=t.milestone,
            notes=t.notes,
            optimistic=t.estimate.optimistic if t.estimate else None,
            pessimistic=t.estimate.pessimistic if t.estimate else None,
            not_before_fixed=bool(t.not_before and t.not_before.fixed),
            not_before_reason=t.not_before.reason if t.not_before else None,
            priority=t.priority,
        )
        for t in listed
    ]
    owners = {t.id: t.team for t in runbook.tasks}
    for gate in gates.values():
        if gate.rollback is None or gate.rollback_tasks != [rollback_suffix(gate.id)]:
            continue
        out.append(
            PlannedTask(
                id=rollback_suffix(gate.id),
                title=f"Roll back after the NO-GO at {gate.id}",
                team=owners.get(gate.id),
                phase=None,
                duration=gate.rollback,
                depends_on=[],
                preds=[],
            )
        )
    return out


def _gates(runbook: Runbook) -> dict[str, GateInfo]:
    """Every gate with its stages (a one-list ``approvers`` as a single stage) and its
    rollback duration (a rollback given as tasks takes the length of their critical path)."""
    gates = {}
    for task in runbook.tasks:
        gate = runbook.gate_of(task)
        if gate is None:
            continue
        rollback = gate.rollback
        names: list[str] = []
        if isinstance(rollback, list):
            names = rollback
            rollback = rollback_duration(runbook.rollback_tasks, names)
        elif rollback is not None:  # a duration: rolled back, one task of that length
            names = [rollback_suffix(task.id)]
        stages = tuple(
            GateStage(stage.stage, tuple(stage.approvers), stage.required) for stage in gate.stages
        )
        gates[task.id] = GateInfo(task.id, list(gate.criteria), stages, rollback, names)
    return gates


def rollback_duration(tasks: list[Task], names: list[str]) -> int:
    """The length of the critical path through the named rollback tasks (dependencies on
    rollback tasks outside the list, and on tasks behind a cycle, are ignored).

    Iterative (a topological sort), so a chain of thousands of rollback tasks written in
    reverse order cannot exhaust the interpreter's stack."""
    wanted = set(names)
    chosen = {t.id: t for t in tasks if t.id in wanted}
    ids = list(chosen)
    index = {tid: i for i, tid in enumerate(ids)}
    preds = [[index[d] for d in chosen[tid].depends_on if d in index] for tid in ids]
    finish = [0] * len(ids)
    for v in _kahn(preds):
        begin = max((finish[p] for p in preds[v]), default=0)
        finish[v] = begin + chosen[ids[v]].seconds
    return max(finish, default=0)


def schedule(plan: Plan) -> None:
    """Run the CPM passes over ``plan.tasks`` in ``plan.order`` and fill in every figure."""
    tasks, order, start = plan.tasks, plan.order, plan.start
    for v in order:
        t = tasks[v]
        es = start if t.not_before is None or t.not_before < start else t.not_before
        for p in t.preds:
            ef = tasks[p].ef
            if ef > es:
                es = ef
        t.es, t.ef = es, es + t.duration
    finish = max((t.ef for t in tasks), default=start)
    succ = plan.successors
    for v in reversed(order):
        t = tasks[v]
        lf = finish
        free = finish
        for s in succ[v]:
            other = tasks[s]
            if other.ls < lf:
                lf = other.ls
            if other.es < free:
                free = other.es
        t.lf, t.ls = lf, lf - t.duration
        t.total_float = t.ls - t.es
        t.free_float = free - t.ef
        t.critical = t.total_float == 0
    plan.finish = finish
    plan.critical_path = _critical_path(plan)


def _critical_path(plan: Plan) -> list[int]:
    """The driving chain of critical tasks that ends at the planned finish (file order wins
    ties): walk back from the last finishing task through predecessors that finish exactly
    when it starts."""
    tasks = plan.tasks
    ends = [i for i, t in enumerate(tasks) if t.critical and t.ef == plan.finish]
    if not ends:
        return []
    end, succ = ends[0], plan.successors
    # Zero-duration successors (a closing milestone) that also end at the finish belong on it.
    while follow := [
        s for s in sorted(succ[end]) if tasks[s].critical and tasks[s].es == tasks[end].ef
    ]:
        end = follow[0]
    path = [end]
    while True:
        current = tasks[path[-1]]
        drivers = [
            p for p in sorted(current.preds) if tasks[p].critical and tasks[p].ef == current.es
        ]
        if not drivers:
            break
        path.append(drivers[0])
    path.reverse()
    return path
