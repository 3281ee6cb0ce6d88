"""Copying a weekend between stores: a PostgreSQL weekend into a new SQLite state file (for
the archive and the review on a laptop), and an SQLite state file into an empty PostgreSQL
database. Every event keeps its sequence number, times, actor, host, note and data; the owner
and a rehearsal's clock offset go with them (the checkpoint is a cache, rebuilt when needed).
An export copies the compiled plans; an import trusts none from the file: it compiles the
runbook again.

Both directions go through the store interface alone (``protocol.EventStore``): what a store
keeps, and how, is its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from runbook.common.errors import InvalidRunbook, StateError
from runbook.planning.plan import Plan
from runbook.store import open_store, shown_location
from runbook.weekend.events import Event


@dataclass(frozen=True)
class Transfer:
    """What was copied."""

    source: str  # as a message shows it
    target: str
    events: int
    plans: int
    runbook: str | None
    plans_left_out: int = 0  # an import's cached plans not taken (compiled again instead)
    forged: bool = False  # the file's cached plan of this runbook was not the runbook's
    left_out: dict[int, str] = field(default_factory=dict)  # records that cannot be read


def export_weekend(uri: str, path: str | os.PathLike[str]) -> Transfer:
    """Copy the PostgreSQL weekend at ``uri`` into a new SQLite state file at ``path``
    (refused when the file exists: an export never writes over anything)."""
    target = Path(path)
    if target.exists():
        raise StateError(
            f"{target}: already exists; an export writes a new state file, never over one",
            hint="give a new file name",
        )
    source = open_store(uri, create=False, read_only=True)
    if source is None:
        raise StateError(
            f"{shown_location(uri)}: holds no runbook weekend; nothing was exported",
            hint="check the database in the URI",
        )
    try:
        events = source.events()  # what can be read: each record that cannot is left out
        left_out = dict(source.quarantined)
        owner = source.owner()
        plans = source.plans()
        offset = source.clock_offset()
    finally:
        source.close()
    store = open_store(target, create=True)
    assert store is not None
    try:
        with store.write():
            if owner is not None:
                store.claim(owner)
            store.copy_in(events)
            if offset:  # a rehearsal stays one
                store.set_clock_offset(offset)
            for digest, text, created in plans:
                store.save_plan(digest, text, created=created)
    except BaseException:
        store.close()
        target.unlink(missing_ok=True)
        raise
    store.close()
    return Transfer(
        shown_location(uri), str(target), len(events), len(plans), owner, left_out=left_out
    )


def import_weekend(
    path: str | os.PathLike[str],
    uri: str,
    runbook: str | os.PathLike[str],
    *,
    now: int,
) -> Transfer:
    """Copy the SQLite state file at ``path`` into the PostgreSQL database at ``uri``, which
    must hold no events yet (its schema is created when missing and this user may).

    Nothing in the file is taken on trust: the plan is compiled again from ``runbook`` (the
    file's cached plans are left out, a forged one among them), and every event is checked
    as one this version records, its sequence number within ``SEQ_LIMIT``, before anything
    is written."""
    from runbook.validation.validate import validate_path

    source_path = Path(path)
    validation = validate_path(Path(runbook), warnings=False)
    plan = validation.plan
    if plan is None:
        raise InvalidRunbook(validation.problems, source=os.fspath(runbook))
    source = open_store(source_path, create=False, read_only=True)
    if source is None:
        raise StateError(
            f"{source_path}: no state file (or nothing recorded in it); nothing was imported",
            hint="give the weekend's state file",
        )
    try:
        source.verify()
        events = source.events()
        unreadable = dict(source.quarantined)
        owner = source.owner()
        cached = source.plan_text(plan.digest)
        plans = len(source.plans())
        offset = source.clock_offset()
    finally:
        source.close()
    if owner is not None and owner != plan.name:
        raise StateError(
            f"{source_path}: belongs to the runbook '{owner}', not to '{plan.name}' "
            f"({runbook}); nothing was imported",
            hint="give the runbook of this weekend with -f",
        )
    if unreadable:
        from runbook.store.rows import quarantine_notice

        raise StateError(
            f"{quarantine_notice(str(source_path), unreadable)}; nothing was imported",
            hint="the file was edited by hand: import the weekend's own state file",
        )
    _check_importable(source_path, events)
    target = open_store(uri, create=True)
    assert target is not None
    where = shown_location(uri)
    try:
        with target.write():
            held = target.event_count()
            if held:
                raise StateError(
                    f"{where}: already holds {held} events; an import goes into a weekend "
                    "with none, and nothing was imported",
                    hint="import into a new database (createdb, then `runbook db import`)",
                )
            target.check_owner(plan.name)
            target.claim(plan.name)
            target.copy_in(events)
            if offset:  # a rehearsal stays one
                target.set_clock_offset(offset)
            target.save_plan(plan.digest, plan.dumps(), created=now, replace=True)
    finally:
        target.close()
    return Transfer(
        str(source_path),
        where,
        len(events),
        1,
        plan.name,
        plans_left_out=plans - (cached is not None),
        forged=cached is not None and not _same_plan(cached, plan),
    )


def _same_plan(text: str, plan: Plan) -> bool:
    """Whether a cached plan's text holds the same plan as ``plan`` (False when it cannot be
    read at all)."""
    try:
        cached = Plan.loads(text)
        return cached is not None and cached.dumps() == plan.dumps()
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return False


def _check_importable(source: Path, events: list[Event]) -> None:
    """Refuse, before anything is written, a file holding an event this version does not
    record (edited by hand, or by another program), or a sequence number past ``SEQ_LIMIT``
    (every later check-in could not be numbered)."""
    from runbook.common.limits import SEQ_LIMIT
    from runbook.weekend.eventdata import event_problem

    for event in events:
        if event.seq > SEQ_LIMIT or event.seq < 1:
            raise StateError(
                f"{source}: event {event.seq} has a sequence number outside 1 to {SEQ_LIMIT} "
                "(no later event could be numbered after it); nothing was imported",
                hint="the file was edited by hand: import the weekend's own state file",
            )
        problem = event_problem(event)
        if problem is not None:
            raise StateError(
                f"{source}: event {event.seq} is not one this version records ({problem}); "
                "nothing was imported",
                hint="the file was edited by hand: import the weekend's own state file",
            )
