"""The dependency graph and the critical-path method; networkx stays inside this module, and
is imported only to report a cycle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from itertools import accumulate, chain, repeat
from operator import attrgetter, eq, ge
from typing import TYPE_CHECKING, Any

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
    ints, a bit per task by its place in ``order``): a task's redundant dependencies are
    its predecessors found in the union of its predecessors' ancestors, so the cost is
    linear in the edges times the bitsets' width, never a rescan of a list per edge. A
    bitset is dropped once its last successor has been visited, and holds only the tasks
    from the ``horizon`` on: the first task, in order, that some task still to be visited
    depends on. Only such a task can be asked about, so the bitsets stay as wide as the
    stretch of the work that is still open (a few words in a deep runbook), where bits for
    every earlier task would make the cost grow with the square of the runbook.
    """
    n = len(preds)
    rank = list(range(n, 2 * n))  # a task left out of ``order`` (behind a cycle): after all
    for r, v in enumerate(order):
        rank[v] = r
    remaining = [0] * n
    unique = list(preds)
    sizes = list(map(len, map(set, preds)))
    if sizes != list(map(len, preds)):  # a task that lists a predecessor twice
        unique = [list(dict.fromkeys(ps)) for ps in preds]
    for ps in unique:
        for p in ps:
            remaining[p] += 1
    # Each task's ancestors while a successor is still to be visited: the bitset, and the
    # horizon its bit 0 stands for.
    bitset, base = [0] * n, [0] * n
    found: list[tuple[int, int, int]] = []
    total = horizon = 0
    for r, v in enumerate(order):
        while horizon < r and not remaining[order[horizon]]:
            horizon += 1
        ps = unique[v]
        union = listed = 0
        for p in ps:
            union |= bitset[p] >> (horizon - base[p])
            listed |= 1 << (rank[p] - horizon)
        if union & listed:
            redundant = [p for p in ps if union >> (rank[p] - horizon) & 1]
            total += len(redundant)
            if limit is None or len(found) < limit:
                found.extend(_explained(v, ps, redundant, bitset, base, rank))
        for p in ps:
            remaining[p] -= 1
            if not remaining[p]:
                bitset[p] = 0
        if remaining[v]:
            bitset[v], base[v] = union | listed, horizon
    found.sort()
    return (found if limit is None else found[:limit]), total


def _explained(
    v: int,
    ps: Sequence[int],
    redundant: list[int],
    bitset: list[int],
    base: list[int],
    rank: list[int],
) -> list[tuple[int, int, int]]:
    """``(v, p, via)`` for each redundant dependency ``p`` of ``v``: the first listed
    predecessor ``via`` that already has ``p`` among its ancestors."""
    found = []
    left = sorted(redundant)
    for q in ps:
        hits = [p for p in left if bitset[q] >> (rank[p] - base[q]) & 1]
        found += [(v, p, q) for p in hits]
        left = [p for p in left if p not in hits]
        if not left:
            break
    return found


def _epoch(moment: datetime | None) -> int | None:
    return None if moment is None else to_epoch(moment)


def task_graph(
    ids: Sequence[str], listed: Sequence[Sequence[str]]
) -> tuple[list[list[int]], list[int]] | None:
    """Each task's predecessors by index (each once, in the order listed) and the tasks'
    topological order (``topological_order``), when the ids are unique and every dependency
    names another task without a cycle; None otherwise (the reference checks then say what
    is wrong, located). Over flat lists of ints, each pass a loop in C; a runbook written in
    the order of the work (every dependency before its task) is in topological order as
    it stands."""
    n = len(ids)
    index = dict(zip(ids, range(n), strict=True))
    if len(index) != n:
        return None
    counts = list(map(len, listed))
    try:
        flat = list(map(index.__getitem__, chain.from_iterable(listed)))
    except KeyError:
        return None
    owners = list(chain.from_iterable(map(repeat, range(n), counts)))
    forward = not any(map(ge, flat, owners))
    if not forward and any(map(eq, flat, owners)):
        return None  # a task that depends on itself
    ends = list(accumulate(counts))
    preds = list(map(flat.__getitem__, map(slice, [0, *ends[:-1]], ends)))
    unique = list(map(len, map(set, preds)))
    if unique != counts:
        preds = [
            ps if size == len(ps) else list(dict.fromkeys(ps))
            for ps, size in zip(preds, unique, strict=True)
        ]
    if forward:  # the smallest ready index first is then every index in turn
        return preds, list(range(n))
    order = _kahn(preds)
    return (preds, order) if len(order) == n else None


def compute_plan(
    runbook: Runbook,
    *,
    digest: str = "",
    order: list[int] | None = None,
    preds: list[list[int]] | None = None,
) -> Plan:
    """Schedule a valid runbook: forward pass from ``start`` honouring dependencies and
    ``not_before``, backward pass from the planned finish, floats and the critical path.
    ``order`` and ``preds``: its tasks' topological order and predecessors (``task_graph``)
    when the reference checks already found them. Computed over columns (one list per
    field), then each task built once with all its figures."""
    listed = runbook.tasks
    n = len(listed)
    # Every field the plan reads, in one pass of C over the tasks, as columns.
    (ids, deps_of, titles, owners, phases, milestones, notes, priorities, gates, *timing) = (
        list(zip(*map(_READ, listed), strict=True)) or [()] * 12
    )
    written, waits, guesses = timing
    if preds is None or len(preds) != n:
        index = dict(zip(ids, range(n), strict=True))
        preds = [
            [index[d] for d in (deps if len(deps) < 2 else dict.fromkeys(deps))] for deps in deps_of
        ]
    if order is None or len(order) != n:
        order = topological_order(preds)
    durations = [seconds or 0 for seconds in written]
    not_before: list[int | None] = [None] * n
    fixed = [False] * n
    reason: list[str | None] = [None] * n
    optimistic: list[int | None] = [None] * n
    pessimistic: list[int | None] = [None] * n
    for i, wait in enumerate(waits):
        if wait is not None:
            not_before[i], fixed[i], reason[i] = to_epoch(wait.at), bool(wait.fixed), wait.reason
    for i, guess in enumerate(guesses):
        if guess is not None:
            optimistic[i], pessimistic[i] = guess.optimistic, guess.pessimistic
    gate = list(gates)
    if runbook.gates:
        named = runbook.gates
        gate = [g or tid in named for g, tid in zip(gate, ids, strict=True)]
    start = to_epoch(runbook.start)
    figures = _passes(start, durations, preds, not_before, order)
    columns: dict[str, Sequence[Any]] = {
        "id": ids,
        "title": titles,
        "team": owners,
        "phase": phases,
        "duration": durations,
        "depends_on": [
            list(deps) if len(deps) == len(ps) else list(dict.fromkeys(deps))
            for deps, ps in zip(deps_of, preds, strict=True)
        ],
        "preds": preds,
        "not_before": not_before,
        "milestone": milestones,
        "notes": notes,
        **figures.columns,
        "gate": gate,
        "optimistic": optimistic,
        "pessimistic": pessimistic,
        "not_before_fixed": fixed,
        "not_before_reason": reason,
        "priority": priorities,
    }
    teams = {
        tid: TeamInfo(tid, team.name or tid, team.lead, team.contact)
        for tid, team in (runbook.teams or {}).items()
    }
    plan = Plan(
        name=runbook.name,
        timezone=runbook.timezone,
        start=start,
        deadline=_epoch(runbook.deadline),
        tasks=_built(columns, n),
        order=order,
        finish=figures.finish,
        critical_path=figures.critical_path,
        teams=teams,
        teams_declared=runbook.teams is not None,
        digest=digest,
        gates=_gates(runbook, [t for t, g in zip(listed, gate, strict=True) if g]),
        readiness=[CheckItem(r.id, r.title, r.owner, _epoch(r.due)) for r in runbook.readiness],
        heads_up=runbook.notify.heads_up,
    )
    plan.rollback = rollback_tasks(runbook, plan.gates)
    return plan


def _built(columns: dict[str, Sequence[Any]], n: int) -> list[PlannedTask]:
    """Each task from its fields' columns, positionally in the dataclass's order (a field
    not given keeps its default)."""
    given = [columns[f.name] if f.name in columns else repeat(f.default, n) for f in _TASK_FIELDS]
    return list(map(PlannedTask, *given))


_TASK_FIELDS = fields(PlannedTask)
# A task's fields as ``compute_plan`` reads them.
_READ = attrgetter(
    "id",
    "depends_on",
    "title",
    "team",
    "phase",
    "milestone",
    "notes",
    "priority",
    "gate",
    "duration",
    "not_before",
    "estimate",
)


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
    owners: dict[str, str | None] = {}
    for gate in gates.values():
        if gate.rollback is None or gate.rollback_tasks != [rollback_suffix(gate.id)]:
            continue
        owners = owners or {t.id: t.team for t in runbook.tasks}
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


def _gates(runbook: Runbook, tasks: list[Task] | None = None) -> dict[str, GateInfo]:
    """Every gate with its stages (a one-list ``approvers`` as a single stage) and its
    rollback duration (a rollback given as tasks takes the length of their critical path);
    ``tasks``: the runbook's tasks that are gates, when known."""
    gates = {}
    for task in runbook.tasks if tasks is None else tasks:
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


@dataclass(slots=True)
class _Figures:
    """The critical-path method's figures of every task, as columns by field name."""

    columns: dict[str, list[Any]]
    finish: int
    critical_path: list[int]


def schedule(plan: Plan) -> None:
    """Run the CPM passes over ``plan.tasks`` in ``plan.order`` and fill in every figure."""
    tasks = plan.tasks
    figures = _passes(
        plan.start,
        [t.duration for t in tasks],
        [t.preds for t in tasks],
        [t.not_before for t in tasks],
        plan.order,
    )
    for name, values in figures.columns.items():
        for t, value in zip(tasks, values, strict=True):
            setattr(t, name, value)
    plan.finish = figures.finish
    plan.critical_path = figures.critical_path


def _passes(
    start: int,
    durations: list[int],
    preds: list[list[int]],
    not_before: list[int | None],
    order: list[int],
) -> _Figures:
    """The forward pass (earliest times) and the backward pass (latest times, floats) over
    lists of ints; tasks left out of ``order`` (behind a cycle) keep zeros."""
    n = len(durations)
    es, ef = [0] * n, [0] * n
    for v in order:
        begin = not_before[v]
        if begin is None or begin < start:
            begin = start
        for p in preds[v]:
            end = ef[p]
            if end > begin:
                begin = end
        es[v] = begin
        ef[v] = begin + durations[v]
    finish = max(ef, default=start)
    succ: list[list[int]] = [[] for _ in range(n)]
    for v, ps in enumerate(preds):
        for p in ps:
            succ[p].append(v)
    ls, lf, total, free = [0] * n, [0] * n, [0] * n, [0] * n
    critical = [False] * n
    for v in reversed(order):
        latest = earliest = finish
        for s in succ[v]:
            if ls[s] < latest:
                latest = ls[s]
            if es[s] < earliest:
                earliest = es[s]
        lf[v] = latest
        ls[v] = latest - durations[v]
        total[v] = ls[v] - es[v]
        free[v] = earliest - ef[v]
        critical[v] = total[v] == 0
    columns: dict[str, list[Any]] = {
        "es": es,
        "ef": ef,
        "ls": ls,
        "lf": lf,
        "total_float": total,
        "free_float": free,
        "critical": critical,
    }
    path = _critical_path(critical, es, ef, preds, succ, finish)
    return _Figures(columns, finish, path)


def _critical_path(
    critical: list[bool],
    es: list[int],
    ef: list[int],
    preds: list[list[int]],
    succ: list[list[int]],
    finish: int,
) -> list[int]:
    """The driving chain of critical tasks that ends at the planned finish (file order wins
    ties): walk back from the last finishing task through predecessors that finish exactly
    when it starts."""
    end = next((i for i, c in enumerate(critical) if c and ef[i] == finish), None)
    if end is None:
        return []
    # Zero-duration successors (a closing milestone) that also end at the finish belong on it.
    while follow := [s for s in sorted(succ[end]) if critical[s] and es[s] == ef[end]]:
        end = follow[0]
    path = [end]
    while True:
        current = path[-1]
        drivers = [p for p in sorted(preds[current]) if critical[p] and ef[p] == es[current]]
        if not drivers:
            break
        path.append(drivers[0])
    path.reverse()
    return path
