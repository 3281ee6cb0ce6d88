"""The compiled-plan cache: a check-in finds its plan in the store by the runbook's content
hash instead of compiling the runbook (YAML, pydantic, networkx), and a runbook with errors
falls back to the last valid version the store knows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from runbook.common.errors import InvalidRunbook, StateError
from runbook.format.durations import clock as show_time
from runbook.planning.plan import Plan

if TYPE_CHECKING:
    from runbook.store.protocol import EventStore


def cached_plan(store: EventStore, digest: str) -> Plan | None:
    """The compiled plan stored for a runbook content hash, or None."""
    text = store.plan_text(digest)
    return load_plan(store, text) if text else None


def load_plan(store: EventStore, text: str) -> Plan | None:
    """A plan stored in the store; a record that cannot be read means a damaged store."""
    try:
        return Plan.loads(text)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise store.damage(exc) from None


def cache(store: EventStore, plan: Plan, now: int) -> None:
    """Keep a compiled plan in the store so the next command skips compiling it (and
    replace one written in a cache format this version cannot read). Only into a store that
    reads back whole: nothing is ever written to a damaged one."""
    store.verify()
    try:
        with store.write():
            store.save_plan(plan.digest, plan.dumps(), created=now, replace=True)
    except (StateError, store.driver_error):
        pass  # only a cache: a busy or read-only store must not stop anyone


def compile_plan(
    data: bytes,
    path: Path,
    store: EventStore | None,
    notices: list[str],
    now_of: Callable[[Plan], int],
    at: Callable[[Plan], datetime] | None = None,
) -> Plan:
    """Validate and schedule the runbook (the slow path: YAML, pydantic, networkx). When the
    runbook has errors but the store knows an earlier valid version, carry on with that
    one and say so (when it was stored, by the clock commands write with; under ``--now``
    a version stored after that moment is said to be)."""
    from runbook.validation.validate import validate_bytes

    result = validate_bytes(data, source=str(path), warnings=False)
    if result.plan is not None:
        return result.plan
    fallback = store.latest_plan_text() if store is not None else None
    plan = Plan.loads(fallback[1]) if fallback else None
    if plan is None:
        raise InvalidRunbook(result.problems, source=str(path))
    assert fallback is not None
    errors = len(result.errors)
    created = fallback[2]
    now = int(at(plan).timestamp()) if at is not None else now_of(plan)
    stored = show_time(created, plan.zone, with_date=True)
    when = (
        f"from {stored}"
        if created <= now
        else f"stored {stored}, later than the moment evaluated "
        f"({show_time(now, plan.zone, with_date=True)})"
    )
    notices.append(
        f"{path} has {errors} error{'s' if errors != 1 else ''} (run `runbook validate`); "
        f"carrying on with the last valid version of the runbook, {when}"
    )
    return plan
