"""The dependency graph, the critical-path passes and the redundant dependencies, computed
over lists of ints (issue 28 §4), agree with the plain definitions on random runbooks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.planning.cpm import redundant_dependencies, schedule, task_graph, topological_order
from runbook.planning.plan import Plan, PlannedTask


@st.composite
def dags(draw: st.DrawFn) -> list[list[int]]:
    """Each task's predecessors (some listed twice), the tasks listed in any order."""
    n = draw(st.integers(0, 24))
    work = draw(st.permutations(range(n)))  # the order of the work; the file lists 0..n-1
    preds: list[list[int]] = [[] for _ in range(n)]
    for at, v in enumerate(work):
        if at:
            earlier = st.sampled_from(work[:at])
            preds[v] = draw(st.lists(earlier, max_size=4))
    return preds


def _ancestors(preds: list[list[int]]) -> list[set[int]]:
    found: list[set[int]] = [set() for _ in preds]
    for v in topological_order(preds):
        for p in preds[v]:
            found[v] |= found[p] | {p}
    return found


@given(dags(), st.one_of(st.none(), st.integers(0, 6)))
@settings(max_examples=300, deadline=None)
def test_redundant_dependencies_are_those_another_predecessor_already_has_as_ancestor(
    preds: list[list[int]], limit: int | None
) -> None:
    order = topological_order(preds)
    ancestors = _ancestors(preds)
    expected: list[tuple[int, int, int]] = []
    total = 0
    for v in order:
        listed = list(dict.fromkeys(preds[v]))
        mine = []
        for p in sorted(listed):
            via = next((q for q in listed if p in ancestors[q]), None)
            if via is not None:
                mine.append((v, p, via))
        total += len(mine)
        if limit is None or len(expected) < limit:
            expected += mine
    expected.sort()
    assert redundant_dependencies(preds, order, limit=limit) == (
        expected if limit is None else expected[:limit],
        total,
    )


@given(dags(), st.data())
@settings(max_examples=300, deadline=None)
def test_the_task_graph_is_each_task_s_predecessors_once_and_the_topological_order(
    preds: list[list[int]], data: st.DataObject
) -> None:
    ids = [f"t{i}" for i in range(len(preds))]
    listed = [[ids[p] for p in ps] for ps in preds]
    unique = [list(dict.fromkeys(ps)) for ps in preds]
    assert task_graph(ids, listed) == (unique, topological_order(preds))
    if not preds:
        return
    v = data.draw(st.integers(0, len(preds) - 1))
    kinds = ["unknown", "itself", "cycle"] + (["duplicate"] if len(preds) > 1 else [])
    wrong = data.draw(st.sampled_from(kinds))
    if wrong == "unknown":
        listed[v] = [*listed[v], "nowhere"]
    elif wrong == "itself":
        listed[v] = [*listed[v], ids[v]]
    elif wrong == "duplicate":
        ids[v] = ids[(v + 1) % len(ids)]
    else:
        # v depends on one of its descendants (or on itself, the shortest cycle).
        descendants = [w for w, found in enumerate(_ancestors(preds)) if v in found]
        listed[v] = [*listed[v], ids[data.draw(st.sampled_from(descendants or [v]))]]
    assert task_graph(ids, listed) is None


def _reference_schedule(plan: Plan) -> list[tuple[int, ...]]:
    """The critical-path method task by task, as plainly as it can be written."""
    tasks, start = plan.tasks, plan.start
    succ: list[list[int]] = [[] for _ in tasks]
    for v, t in enumerate(tasks):
        for p in t.preds:
            succ[p].append(v)
    es, ef = {}, {}
    for v in plan.order:
        t = tasks[v]
        es[v] = max([start, t.not_before or start, *(ef[p] for p in t.preds)])
        ef[v] = es[v] + t.duration
    finish = max(ef.values(), default=start)
    ls, lf = {}, {}
    for v in reversed(plan.order):
        lf[v] = min([finish, *(ls[s] for s in succ[v])])
        ls[v] = lf[v] - tasks[v].duration
    return [
        (
            es[v],
            ef[v],
            ls[v],
            lf[v],
            ls[v] - es[v],
            min([finish, *(es[s] for s in succ[v])]) - ef[v],
            ls[v] == es[v],
        )
        for v in range(len(tasks))
    ]


@given(dags(), st.data())
@settings(max_examples=300, deadline=None)
def test_the_schedule_over_lists_gives_every_task_the_figures_of_the_plain_method(
    preds: list[list[int]], data: st.DataObject
) -> None:
    start = 1_800_000_000
    tasks = [
        PlannedTask(
            id=f"t{v}",
            title="x",
            team=None,
            phase=None,
            duration=data.draw(st.sampled_from([0, 600, 1800, 3600])),
            depends_on=[f"t{p}" for p in dict.fromkeys(ps)],
            preds=list(dict.fromkeys(ps)),
            not_before=data.draw(st.sampled_from([None, None, start - 600, start + 5400])),
        )
        for v, ps in enumerate(preds)
    ]
    plan = Plan("x", "UTC", start, None, tasks, topological_order(preds), start, [])

    schedule(plan)

    figures = [
        (t.es, t.ef, t.ls, t.lf, t.total_float, t.free_float, t.critical) for t in plan.tasks
    ]
    assert figures == _reference_schedule(plan)
    assert plan.finish == max((t.ef for t in tasks), default=start)
    assert plan.critical_path == _reference_critical_path(plan)


def _reference_critical_path(plan: Plan) -> list[int]:
    """Back from the first task (in file order) that is critical and ends at the finish,
    past zero-length critical successors that end there too, through the first critical
    predecessor that ends when each starts."""
    tasks = plan.tasks
    succ: list[list[int]] = [[] for _ in tasks]
    for v, t in enumerate(tasks):
        for p in t.preds:
            succ[p].append(v)
    ends = [v for v, t in enumerate(tasks) if t.critical and t.ef == plan.finish]
    if not ends:
        return []
    end = ends[0]
    while later := [
        s for s in sorted(succ[end]) if tasks[s].critical and tasks[s].es == tasks[end].ef
    ]:
        end = later[0]
    path = [end]
    while drivers := [
        p
        for p in sorted(tasks[path[-1]].preds)
        if tasks[p].critical and tasks[p].ef == tasks[path[-1]].es
    ]:
        path.append(drivers[0])
    return path[::-1]
