"""Checks beyond a runbook's shape: references between tasks, cycles, and warnings.

Reference checks read the raw document rather than the model, so they still run (and every
problem is reported in one go) when some task elsewhere has, say, a bad duration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runbook.common.limits import LAST_YEAR, MAX_PROBLEMS, epoch_in_bounds
from runbook.common.problems import did_you_mean
from runbook.format.durations import does_not_exist, format_duration, get_zone, parse_datetime
from runbook.format.model import _ID, _IDS, ENV_REFERENCE
from runbook.planning.plan import Plan
from runbook.validation.loader import Loaded

# "Did you mean" compares a word with every id; past this many unknown references in one
# file, the rest are reported without a suggestion so a broken 10,000-task file stays fast.
_MAX_SUGGESTIONS = 50


@dataclass(slots=True)
class _Entry:
    index: int
    id: str | None
    deps: list[tuple[int, str]]  # (position in depends_on, id); position -1: a single string


def _entries(loaded: Loaded) -> list[_Entry]:
    raw = loaded.document.data if loaded.document else None
    tasks = raw.get("tasks") if isinstance(raw, dict) else None
    if not isinstance(tasks, list):
        return []
    entries = []
    # A list used through a YAML alias (`depends_on: *deps`) is one object in every task
    # that uses it: read it once, so aliases do not multiply the work.
    read: dict[int, list[tuple[int, str]]] = {}
    for i, item in enumerate(tasks):
        if not isinstance(item, dict):
            continue
        tid = _text(item.get("id"))
        deps_raw = item.get("depends_on")
        deps: list[tuple[int, str]] = []
        if isinstance(deps_raw, list):
            if id(deps_raw) in read:
                pass
            elif all(type(d) is str for d in deps_raw) and _IDS.fullmatch("\n".join(deps_raw)):
                read[id(deps_raw)] = list(enumerate(deps_raw))  # all plain ids: one match
            else:
                read[id(deps_raw)] = [
                    (j, t)
                    for j, d in enumerate(deps_raw)
                    if (t := _text(d)) is not None and _ID.match(t)
                ]
            deps = read[id(deps_raw)]
        elif (single := _text(deps_raw)) is not None and _ID.match(single):
            # A dependency that is not a valid id is already reported as such by the model.
            deps = [(-1, single)]
        entries.append(_Entry(i, tid if tid and _ID.match(tid) else None, deps))
    return entries


def _text(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        return str(value)
    return None


def _dep_path(entry: _Entry, position: int) -> tuple[str | int, ...]:
    base: tuple[str | int, ...] = ("tasks", entry.index, "depends_on")
    return base if position < 0 else (*base, position)


def check_references(loaded: Loaded) -> None:
    """Errors: an empty task list, duplicate ids, unknown or self dependencies, unknown
    teams, and dependency cycles (printed as the cycle path)."""
    raw = loaded.document.data if loaded.document else None
    if not isinstance(raw, dict):
        return
    if raw.get("tasks") == []:
        loaded.problem("error", "the runbook has no tasks", ("tasks",))
    model, graph = loaded.runbook, None
    ids = [t.id for t in model.tasks] if model is not None else []
    if model is not None and len(ids) == len(_items_of(raw, "tasks")):
        # The model read every task: its ids and dependencies are valid ids already. When
        # they also name each other rightly (the usual case), the graph is all there is to
        # find; otherwise the entries below say what is wrong, located in the file.
        from runbook.planning.cpm import task_graph

        graph = task_graph(ids, [t.depends_on for t in model.tasks])
    if graph is not None:
        loaded.preds, loaded.order = graph
        _check_teams(loaded, raw)
        _check_sections(loaded, raw, ids)
        _check_deadline(loaded)
        return
    entries = _entries(loaded)
    index: dict[str, int] = {}
    owner: dict[int, _Entry] = {}
    for entry in entries:
        if entry.id is None:
            continue
        if entry.id in index:
            first = loaded.locate(("tasks", owner[index[entry.id]].index, "id"))[0]
            loaded.problem(
                "error",
                f"duplicate task id '{entry.id}' (first used on line {first})",
                ("tasks", entry.index, "id"),
            )
            continue
        index[entry.id] = len(index)
        owner[index[entry.id]] = entry
    ids = list(index)
    suggestions = 0
    preds: list[list[int]] = [[] for _ in ids]
    for entry in entries:
        me = index.get(entry.id) if entry.id is not None else None
        if me is not None and owner[me] is not entry:
            me = None  # a duplicate: its dependencies were not checked twice
        mine = preds[me] if me is not None else None
        for position, dep in entry.deps:
            known = index.get(dep)
            if known is not None and dep != entry.id:
                if mine is not None:
                    mine.append(known)
                continue
            path = _dep_path(entry, position)
            if dep == entry.id:
                loaded.problem("error", f"task '{dep}' depends on itself", path)
            else:
                hint = None
                if suggestions < _MAX_SUGGESTIONS:
                    suggestions += 1
                    hint = did_you_mean(dep, ids)
                who = f"task '{entry.id}'" if entry.id else f"task #{entry.index + 1}"
                loaded.problem("error", f"{who} depends on unknown task '{dep}'", path, hint=hint)
    _check_teams(loaded, raw)
    _check_sections(loaded, raw, ids)
    _check_deadline(loaded)
    from runbook.planning.cpm import sort_or_cycles

    order, cycles = sort_or_cycles(preds)
    # The plan's order, when the graph checked is the runbook's own (every task with its id):
    # the plan then need not sort the tasks again.
    loaded.order = order if len(ids) == len(_items_of(raw, "tasks")) else None
    for cycle in cycles:
        names = " -> ".join(ids[i] for i in cycle)
        opener, closing = owner[cycle[0]], ids[cycle[-2]]
        position = next((p for p, d in opener.deps if d == closing), -1)
        loaded.problem("error", f"dependency cycle: {names}", _dep_path(opener, position))


def _check_deadline(loaded: Loaded) -> None:
    model = loaded.runbook
    if model is not None and model.deadline is not None and model.deadline <= model.start:
        zone = get_zone(model.timezone)
        loaded.problem(
            "error",
            f"the deadline ({model.deadline.astimezone(zone):%a %d %b %H:%M}) is not after the "
            f"start ({model.start.astimezone(zone):%a %d %b %H:%M})",
            ("deadline",),
        )


def _check_teams(loaded: Loaded, raw: dict[str, object]) -> None:
    teams = raw.get("teams")
    _check_addresses(loaded, raw, teams if isinstance(teams, dict) else None)
    if not isinstance(teams, dict):
        return
    names = [str(t) for t in teams]
    # A rollback task's team checks its own tasks in and out once a rollback runs: declared
    # like a task's.
    owners = [
        (section, i, item.get("team"))
        for section in ("tasks", "rollback_tasks")
        for i, item in enumerate(_items_of(raw, section))
        if isinstance(item, dict)
    ]
    for section, index, team in owners:
        if isinstance(team, str) and team not in teams:
            hint = did_you_mean(team, names) or f"declared teams: {', '.join(names) or 'none'}"
            loaded.problem("error", f"unknown team '{team}'", (section, index, "team"), hint=hint)


def _check_addresses(
    loaded: Loaded, raw: dict[str, object], teams: dict[object, object] | None
) -> None:
    """``notify``: each team it names is declared, and each ``${NAME}`` in an address is
    well formed (the variable itself is read only when a notification is sent)."""
    notify = raw.get("notify")
    if not isinstance(notify, dict):
        return
    lists: list[tuple[tuple[str | int, ...], object]] = []
    rehearsal = notify.get("rehearsal")  # a rehearsal's own addresses, of the same shape
    sections: list[tuple[tuple[str, ...], dict[object, object]]] = [(("notify",), notify)]
    if isinstance(rehearsal, dict):
        sections.append((("notify", "rehearsal"), rehearsal))
    names = [str(t) for t in teams or {}]
    known: set[str] | None = None
    for where, section in sections:
        at = ".".join(where)
        by_team = section.get("teams")
        if isinstance(by_team, dict):
            for team, addresses in by_team.items():
                if teams is not None and team not in teams:
                    hint = did_you_mean(str(team), names) or (
                        f"declared teams: {', '.join(names) or 'none'}"
                    )
                    loaded.problem(
                        "error",
                        f"{at}.teams names unknown team '{team}'",
                        (*where, "teams", str(team)),
                        hint=hint,
                    )
                lists.append(((*where, "teams", str(team)), addresses))
        lists.append(((*where, "coordinator"), section.get("coordinator")))
        by_approver = section.get("approvers")
        if isinstance(by_approver, dict):
            known = _approver_names(raw) if known is None else known
            for name, addresses in by_approver.items():
                if str(name) not in known:
                    hint = did_you_mean(str(name), sorted(known)) or (
                        f"the gates' approvers: {', '.join(sorted(known)) or 'none'}"
                    )
                    loaded.problem(
                        "error",
                        f"{at}.approvers names '{name}', who is no approver of any gate",
                        (*where, "approvers", str(name)),
                        key=True,
                        hint=hint,
                    )
                lists.append(((*where, "approvers", str(name)), addresses))
    for path, addresses in lists:
        if not isinstance(addresses, list):
            continue
        for i, address in enumerate(addresses):
            if isinstance(address, str) and "${" in ENV_REFERENCE.sub("", address):
                loaded.problem(
                    "error",
                    "an address has a '${' that is not a variable reference like ${NAME}",
                    (*path, i),
                    hint="write ${NAME}: letters, digits and '_', not starting with a digit",
                )


def _approver_names(raw: dict[str, object]) -> set[str]:
    """Every name a gate's ``approvers`` or ``decided_by`` stage names, in tasks or gates."""
    specs: list[object] = list(_items_of(raw, "tasks"))
    gates = raw.get("gates")
    if isinstance(gates, dict):
        specs += list(gates.values())
    names: set[str] = set()
    for spec in specs:
        if not isinstance(spec, dict):
            continue
        lists = [spec.get("approvers")]
        stages = spec.get("decided_by")
        if isinstance(stages, list):
            lists += [s.get("approvers") for s in stages if isinstance(s, dict)]
        for listed in lists:
            if isinstance(listed, list):
                names |= {str(n) for n in listed if isinstance(n, str)}
    return names


def _items_of(raw: dict[str, object], section: str) -> list[Any]:
    """The entries of a list section (empty when it is missing or not a list)."""
    items = raw.get(section)
    return items if isinstance(items, list) else []


def _ids_in(raw: dict[str, object], section: str) -> list[tuple[int, str]]:
    """(position, id) of the entries of a list section that have a usable id."""
    items = raw.get(section)
    if not isinstance(items, list):
        return []
    return [
        (i, text)
        for i, item in enumerate(items)
        if isinstance(item, dict) and (text := _text(item.get("id"))) is not None
    ]


def _unique(
    loaded: Loaded, raw: dict[str, object], section: str, noun: str, taken: set[str] | None = None
) -> set[str]:
    """Report duplicate ids in a list section (and ids already used by tasks)."""
    seen: dict[str, int] = {}
    for i, item_id in _ids_in(raw, section):
        if item_id in seen:
            first = loaded.locate((section, seen[item_id], "id"))[0]
            loaded.problem(
                "error",
                f"duplicate {noun} id '{item_id}' (first used on line {first})",
                (section, i, "id"),
            )
        elif taken is not None and item_id in taken:
            loaded.problem(
                "error", f"{noun} id '{item_id}' is already a task id", (section, i, "id")
            )
        seen.setdefault(item_id, i)
    return set(seen)


def _refs(
    loaded: Loaded,
    value: object,
    path: tuple[str | int, ...],
    known: set[str],
    what: str,
    noun: str,
) -> None:
    """Each id in ``value`` (one id or a list) must be in ``known``."""
    items = value if isinstance(value, list) else [value]
    for j, item in enumerate(items):
        ref = _text(item)
        if ref is None or ref in known:
            continue
        where = (*path, j) if isinstance(value, list) else path
        loaded.problem(
            "error",
            f"{what} names unknown {noun} '{ref}'",
            where,
            hint=did_you_mean(ref, sorted(known)),
        )


def _check_sections(loaded: Loaded, raw: dict[str, object], task_ids: list[str]) -> None:
    """References in gates, rollback tasks, risks and readiness items."""
    tasks = set(task_ids)
    rollback = _unique(loaded, raw, "rollback_tasks", "rollback task", tasks)
    _unique(loaded, raw, "risks", "risk")
    _unique(loaded, raw, "readiness", "readiness item")
    for i, item in enumerate(_items_of(raw, "rollback_tasks")):
        if isinstance(item, dict) and item.get("depends_on") is not None:
            _refs(
                loaded,
                item["depends_on"],
                ("rollback_tasks", i, "depends_on"),
                rollback,
                f"rollback task '{item.get('id')}'",
                "rollback task",
            )
    gates = raw.get("gates")
    # The few tasks that are gates or name a rollback, found in one pass over the tasks.
    special = [
        (i, t)
        for i, t in enumerate(_items_of(raw, "tasks"))
        if isinstance(t, dict) and ("gate" in t or "rollback" in t)
    ]
    flagged = {_text(t.get("id")) for _, t in special if t.get("gate") is True}
    if isinstance(gates, dict):
        for gate_id, spec in gates.items():
            if gate_id not in tasks:
                loaded.problem(
                    "error",
                    f"gate '{gate_id}' is not a task id",
                    ("gates", gate_id),
                    key=True,
                    hint=did_you_mean(gate_id, task_ids),
                )
            elif gate_id in flagged:
                loaded.problem(
                    "error",
                    f"gate '{gate_id}' is described twice: under gates: "
                    "and with gate: true on the task",
                    ("gates", gate_id),
                    key=True,
                )
            if isinstance(spec, dict) and isinstance(spec.get("rollback"), list):
                _refs(
                    loaded,
                    spec["rollback"],
                    ("gates", gate_id, "rollback"),
                    rollback,
                    f"gate '{gate_id}'",
                    "rollback task",
                )
    for i, item in special:
        if isinstance(item.get("rollback"), list):
            _refs(
                loaded,
                item["rollback"],
                ("tasks", i, "rollback"),
                rollback,
                f"gate '{item.get('id')}'",
                "rollback task",
            )
    _check_rollback_ids(loaded, raw, [t for _, t in special])
    for i, risk in enumerate(_items_of(raw, "risks")):
        if isinstance(risk, dict) and risk.get("tasks") is not None:
            _refs(
                loaded,
                risk["tasks"],
                ("risks", i, "tasks"),
                tasks,
                f"risk '{risk.get('id')}'",
                "task",
            )


def _check_rollback_ids(loaded: Loaded, raw: dict[str, object], special: list[Any]) -> None:
    """A gate whose rollback is a duration becomes one rollback task, ``<gate>.rollback``,
    once a NO-GO there is rolled back: no task or rollback task may have that id.
    ``special``: the tasks that have ``gate`` or ``rollback``."""
    timed: set[str] = set()
    gates = raw.get("gates")
    if isinstance(gates, dict):
        timed |= {
            str(g)
            for g, spec in gates.items()
            if isinstance(spec, dict)
            and spec.get("rollback") is not None
            and not isinstance(spec.get("rollback"), list)
        }
    timed |= {
        str(t.get("id"))
        for t in special
        if t.get("gate") is True
        and t.get("rollback") is not None
        and not isinstance(t.get("rollback"), list)
    }
    taken = {f"{g}.rollback": g for g in timed}
    if not taken:
        return
    for section, noun in (("tasks", "task"), ("rollback_tasks", "rollback task")):
        for i, item_id in _ids_in(raw, section):
            gate = taken.get(item_id)
            if gate is not None:
                loaded.problem(
                    "error",
                    f"{noun} id '{item_id}' is taken by the rollback of gate '{gate}' (a "
                    "duration: rolled back, it runs as one task of that id)",
                    (section, i, "id"),
                    hint="give the task another id, or the gate its rollback as rollback_tasks",
                )


def check_plan_bounds(loaded: Loaded, plan: Plan) -> bool:
    """Whether every planned time stays within the years the product handles; if not, an
    error at the first task (in the order of the work) that finishes past them."""
    if epoch_in_bounds(plan.finish):
        return True
    v = next(v for v in plan.order if not epoch_in_bounds(plan.tasks[v].ef))
    loaded.problem(
        "error",
        f"task '{plan.tasks[v].id}' would finish after the year {LAST_YEAR}; "
        "check the start and the durations",
        ("tasks", v, "duration"),
    )
    return False


def check_warnings(loaded: Loaded, plan: Plan) -> None:
    """Warnings that do not stop the plan: tasks without a team, redundant dependencies,
    a plan that ends after the deadline, ``not_before`` before the start, times that do
    not exist because the clocks go forward."""
    from runbook.planning.cpm import redundant_dependencies

    runbook = loaded.runbook
    assert runbook is not None
    zone = get_zone(runbook.timezone)
    for i, task in enumerate(plan.tasks):
        if task.team is None and not task.milestone:
            loaded.problem("warning", f"task '{task.id}' has no team", ("tasks", i, "id"))
        if task.not_before is not None and task.not_before < plan.start:
            loaded.problem(
                "warning",
                f"task '{task.id}' has not_before earlier than the runbook's start",
                ("tasks", i, "not_before"),
            )
        listed = runbook.tasks[i].depends_on
        if len(listed) != len(task.depends_on):
            seen: set[str] = set()
            for j, dep in enumerate(listed):
                if dep in seen:
                    loaded.problem(
                        "warning",
                        f"task '{task.id}' lists '{dep}' twice",
                        ("tasks", i, "depends_on", j),
                    )
                seen.add(dep)
    redundant, total = redundant_dependencies(
        [t.preds for t in plan.tasks], plan.order, limit=MAX_PROBLEMS
    )
    loaded.omit("warning", total - len(redundant))
    for v, p, via in redundant:
        task, dep = plan.tasks[v], plan.tasks[p].id
        position = runbook.tasks[v].depends_on.index(dep)
        path: tuple[str | int, ...] = ("tasks", v, "depends_on", position)
        if not isinstance(_raw_at(loaded, ("tasks", v, "depends_on")), list):
            path = path[:-1]
        loaded.problem(
            "warning",
            f"task '{task.id}' depends on '{dep}', which '{plan.tasks[via].id}' already "
            "depends on; the direct dependency is redundant",
            path,
        )
    if plan.buffer is not None and plan.buffer < 0:
        loaded.problem(
            "warning",
            f"the plan finishes {format_duration(-plan.buffer)} after the deadline",
            ("deadline",),
        )
    gaps: dict[object, bool] = {}  # thousands of not_before share a few times: each read once
    for path in _local_times(loaded):
        value = _raw_at(loaded, path)
        key = value if isinstance(value, str) else id(value)
        try:
            gap = gaps[key] if key in gaps else does_not_exist(parse_datetime(value), zone)
        except ValueError:
            continue
        if gaps.setdefault(key, gap):
            loaded.problem(
                "warning",
                f"{value} does not exist in {runbook.timezone} (the clocks go forward); "
                "it is read as the time one offset later",
                path,
            )


def _local_times(loaded: Loaded) -> list[tuple[str | int, ...]]:
    raw = loaded.document.data if loaded.document else None
    assert isinstance(raw, dict)
    paths: list[tuple[str | int, ...]] = [("start",), ("deadline",)]
    tasks = raw.get("tasks")
    if isinstance(tasks, list):
        for i, t in enumerate(tasks):
            if isinstance(t, dict) and t.get("not_before") is not None:
                mapping = isinstance(t["not_before"], dict)
                paths.append(
                    ("tasks", i, "not_before", "at") if mapping else ("tasks", i, "not_before")
                )
    return [p for p in paths if _raw_at(loaded, p) is not None]


def _raw_at(loaded: Loaded, path: tuple[str | int, ...]) -> object:
    node = loaded.document.data if loaded.document else None
    for part in path:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node
