"""Shell completion of the values that matter: task ids (ready ones first for ``start``,
running ones for ``done``), team ids, gate ids and readiness items, from the runbook in use.

Imported by the command modules, so it imports nothing at the top: a completion reads the
plan cached in the state file (no YAML, pydantic or networkx) and only compiles the runbook
when no state file knows it yet. Which tasks are ready is decided as the command would decide
it: at ``$RUNBOOK_NOW`` when it is set, and on a rehearsal's state by the rehearsal's clock
(the runbook's dates moved by the state's offset, ``runbook rehearse``). Whatever goes
wrong, a completion offers nothing and prints nothing: a shell must never show a traceback
under the cursor.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runbook.planning.plan import Plan
    from runbook.weekend.forecast import TaskRecord

Offer = list[tuple[str, str]]  # (value, description) as Typer's autocompletion takes them


def values(kind: str, params: Mapping[str, Any], incomplete: str) -> Offer:
    """The values of ``kind`` (``ready``, ``running`` or ``task`` ids, ``team``, ``gate``,
    ``item``, ``verdict``) that start with ``incomplete``, each with its description as plain
    text on one line, for the runbook and state file ``params`` name (``file``,
    ``file_option``, ``state``); nothing when anything goes wrong."""
    try:
        return [
            (v, _described(h))
            for v, h in _KINDS[kind](params, incomplete)
            if v.startswith(incomplete)
        ]
    except Exception:  # a missing or broken runbook, an unreadable state file
        return []


def _paths(params: Mapping[str, Any]) -> tuple[Path, Path | str | None]:
    """The runbook and state file the command line names (-f, --state), else the defaults."""
    runbook = (
        params.get("file")
        or params.get("file_option")
        or os.environ.get("RUNBOOK_FILE")
        or "runbook.yaml"
    )
    state = params.get("state") or os.environ.get("RUNBOOK_STATE")
    if not state:
        return Path(runbook), None
    from runbook.store import state_location

    return Path(runbook), state_location(state)


def _load(params: Mapping[str, Any]) -> tuple[Plan, dict[str, TaskRecord]] | None:
    """The plan of the runbook in use and what the log says of each task; None when the
    runbook is missing or has errors."""
    from runbook.format.source import digest_of, read_bytes
    from runbook.store import default_state_path
    from runbook.store.plancache import cached_plan
    from runbook.store.sqlite.store import SQLiteStore

    runbook, state = _paths(params)
    data = read_bytes(runbook)
    digest = digest_of(data)
    # A PostgreSQL state is not asked: a completion must answer at once, and a server may be
    # slow or out of reach. The runbook alone then gives the ids, in the plan's order.
    store = (
        None
        if isinstance(state, str)
        else SQLiteStore.open(state or default_state_path(runbook), read_only=True)
    )
    try:
        plan: Plan | None = cached_plan(store, digest) if store is not None else None
        if plan is None:
            from runbook.validation.validate import validate_bytes

            plan = validate_bytes(data, source=str(runbook), warnings=False).plan
        if plan is None:
            return None
        records: dict[str, TaskRecord] = {}
        if store is not None:
            from runbook.weekend.forecast import fold

            offset = store.clock_offset()
            if offset != plan.offset:  # a rehearsal: its clock is the runbook's moved
                from runbook.planning.shifted import shifted

                plan = shifted(plan, offset - plan.offset)
            records = fold(store.events())[0]
            if plan.rollback:  # a rollback running: its tasks are tasks to check in
                from runbook.weekend.rollbacks import plan_with, rollback_in_force

                plan = plan_with(plan, rollback_in_force(plan, records))
        return plan, records
    finally:
        if store is not None:
            store.close()


def _described(text: str) -> str:
    """A title as a shell shows it beside the id: controls shown, not obeyed; short enough
    for one line."""
    from runbook.common.text import shown

    text = shown(text)
    return text if len(text) <= _DESCRIBED else text[: _DESCRIBED - 1] + "…"


_DESCRIBED = 60


def _tasks(first: frozenset[str]) -> Callable[[Mapping[str, Any], str], Offer]:
    """Task ids starting with what is typed; those whose status is in ``first`` first."""

    def offer(params: Mapping[str, Any], incomplete: str) -> Offer:
        loaded = _load(params)
        if loaded is None:
            return []
        plan, records = loaded
        ids = [i for i, t in enumerate(plan.tasks) if t.id.startswith(incomplete)]
        statuses = _statuses(plan, records) if first else []
        ids.sort(key=lambda i: statuses[i] not in first if first else False)
        return [(plan.tasks[i].id, plan.tasks[i].title) for i in ids]

    return offer


def _statuses(plan: Plan, records: dict[str, TaskRecord]) -> Sequence[str]:
    """Each task's status at the command's moment, by the forecast's own forward pass (the
    core's rule), on the state's date (a rehearsal's plan is moved to it by ``_load``)."""
    from runbook.weekend.forecast import forward

    return forward(plan, records, _now(plan))[2]


def _now(plan: Plan) -> int:
    """The moment the command being typed will run at: ``$RUNBOOK_NOW`` (read in the
    runbook's time zone, as the command reads it), else the clock."""
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    text = os.environ.get("RUNBOOK_NOW")
    if not text:
        return int(now.timestamp())
    from runbook.format.durations import parse_moment

    return int(parse_moment(text, plan.zone, now).timestamp())


def _teams(params: Mapping[str, Any], incomplete: str) -> Offer:
    """Team ids, with the team's name."""
    loaded = _load(params)
    return [] if loaded is None else [(t.id, t.name) for t in loaded[0].teams.values()]


def _gates(params: Mapping[str, Any], incomplete: str) -> Offer:
    """Gate ids (the go/no-go tasks), with the gate's title."""
    loaded = _load(params)
    if loaded is None:
        return []
    plan = loaded[0]
    index = plan.index
    return [(g, plan.tasks[index[g]].title) for g in plan.gates if g in index]


def _gate_of(params: Mapping[str, Any]) -> tuple[Plan, str] | None:
    """The plan and the gate the command line names so far (exact, or a unique prefix)."""
    loaded = _load(params)
    given = str(params.get("gate") or "")
    if loaded is None or not given:
        return None
    plan = loaded[0]
    found = [g for g in plan.gates if g == given] or [g for g in plan.gates if g.startswith(given)]
    return (plan, found[0]) if len(found) == 1 else None


def _stages(params: Mapping[str, Any], incomplete: str) -> Offer:
    """The stages of the gate named, in order, with their approvers."""
    found = _gate_of(params)
    if found is None:
        return []
    plan, gate = found
    return [(s.name, ", ".join(s.approvers)) for s in plan.gates[gate].stages]


def _approvers(params: Mapping[str, Any], incomplete: str) -> Offer:
    """The approvers of the gate named (of the stage named, if one is), with their stage."""
    found = _gate_of(params)
    if found is None:
        return []
    plan, gate = found
    stage = params.get("stage")
    return [
        (name, s.name)
        for s in plan.gates[gate].stages
        if not stage or s.name == stage
        for name in s.approvers
    ]


def _items(params: Mapping[str, Any], incomplete: str) -> Offer:
    """Readiness item ids, with the item's title."""
    loaded = _load(params)
    return [] if loaded is None else [(c.id, c.title) for c in loaded[0].readiness]


def _verdicts(params: Mapping[str, Any], incomplete: str) -> Offer:
    """``go`` or ``no-go``."""
    return [("go", "carry on"), ("no-go", "stop: roll back")]


_KINDS: dict[str, Callable[[Mapping[str, Any], str], Offer]] = {
    "ready": _tasks(frozenset({"ready", "failed"})),  # failed: to be resumed
    "running": _tasks(frozenset({"running", "failed"})),
    "task": _tasks(frozenset()),
    "team": _teams,
    "gate": _gates,
    "item": _items,
    "verdict": _verdicts,
    "stage": _stages,
    "approver": _approvers,
}


def _for_typer(kind: str, doc: str) -> Callable[[Any, str], Offer]:
    """Typer's autocompletion for ``kind``. Typer renders zsh's and fish's descriptions as
    rich markup, so a description is escaped: a title is data, never markup."""

    def complete(ctx: Any, incomplete: str) -> Offer:
        from rich.markup import escape

        params = getattr(ctx, "params", None) or {}
        return [(v, escape(h)) for v, h in values(kind, params, incomplete)]

    complete.__doc__ = doc
    complete.kind = kind  # type: ignore[attr-defined]  # what the fast path answers for it
    return complete


ready_tasks = _for_typer("ready", "Task ids, the ones ready to start first.")
running_tasks = _for_typer("running", "Task ids, the running ones first.")
all_tasks = _for_typer("task", "Task ids.")
teams = _for_typer("team", "Team ids, with the team's name.")
gates = _for_typer("gate", "Gate ids (the go/no-go tasks), with the gate's title.")
items = _for_typer("item", "Readiness item ids, with the item's title.")
verdicts = _for_typer("verdict", "``go`` or ``no-go``.")
stages = _for_typer("stage", "The gate's stages, in order, with their approvers.")
approvers = _for_typer("approver", "The approvers of the gate (and stage) named.")
