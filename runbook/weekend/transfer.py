"""Copying a weekend between stores: a PostgreSQL weekend into a new SQLite state file (for
the archive and the review on a laptop), and an SQLite state file into an empty PostgreSQL
database. Every event keeps its sequence number, times, actor, host, note and data; the
owner and the compiled plans go with them (the checkpoint is a cache, rebuilt when needed).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from runbook.common.errors import StateError
from runbook.weekend import open_store, shown_location
from runbook.weekend.events import Event, data_text


@dataclass(frozen=True)
class Transfer:
    """What was copied."""

    source: str  # as a message shows it
    target: str
    events: int
    plans: int
    runbook: str | None


def export_weekend(uri: str, path: str | os.PathLike[str]) -> Transfer:
    """Copy the PostgreSQL weekend at ``uri`` into a new SQLite state file at ``path``
    (refused when the file exists: an export never writes over anything)."""
    from runbook.weekend.postgres.store import PostgresStore
    from runbook.weekend.sqlite import SQLiteStore

    target = Path(path)
    if target.exists():
        raise StateError(
            f"{target}: already exists; an export writes a new state file, never over one",
            hint="give a new file name",
        )
    source = PostgresStore.open(uri, create=False, read_only=True)
    if source is None:
        raise StateError(
            f"{shown_location(uri)}: holds no runbook weekend; nothing was exported",
            hint="check the database in the URI",
        )
    try:
        events = source.events()
        owner = source.meta("runbook")
        with source._reading():
            plans = source.conn.execute(
                "SELECT digest, created, plan FROM runbook.plans ORDER BY stored"
            ).fetchall()
    finally:
        source.close()
    store = SQLiteStore.open(target, create=True)
    assert store is not None
    try:
        with store.write() as db:
            if owner is not None:
                store.claim(owner)
            _insert_sqlite(db, events)
            for digest, created, text in plans:
                store.save_plan(str(digest), str(text), created=int(created))
    except BaseException:
        store.close()
        target.unlink(missing_ok=True)
        raise
    store.close()
    return Transfer(shown_location(uri), str(target), len(events), len(plans), owner)


def _values(e: Event) -> tuple[object, ...]:
    """An event's columns as both stores keep them, its sequence number first."""
    return (
        e.seq,
        e.at,
        e.recorded,
        e.task,
        str(e.kind),
        e.actor,
        e.host,
        e.note,
        data_text(e.data),
    )


def _insert_sqlite(db: object, events: list[Event]) -> None:
    import sqlite3

    assert isinstance(db, sqlite3.Connection)
    db.executemany(
        "INSERT INTO events (seq, at, recorded, task, kind, actor, host, note, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_values(e) for e in events],
    )


def import_weekend(path: str | os.PathLike[str], uri: str) -> Transfer:
    """Copy the SQLite state file at ``path`` into the PostgreSQL database at ``uri``, which
    must hold no events yet (its schema is created when missing and this user may)."""

    from runbook.weekend.postgres.store import PostgresStore
    from runbook.weekend.sqlite import SQLiteStore

    source_path = Path(path)
    source = SQLiteStore.open(source_path, create=False, read_only=True)
    if source is None:
        raise StateError(
            f"{source_path}: no state file (or nothing recorded in it); nothing was imported",
            hint="give the weekend's state file",
        )
    try:
        source.verify()
        events = source.events()
        owner = source.meta("runbook")
        plans = source.db.execute(
            "SELECT digest, created, plan FROM plans ORDER BY rowid"
        ).fetchall()
    finally:
        source.close()
    target = open_store(uri, create=True)
    assert isinstance(target, PostgresStore)
    where = shown_location(uri)
    try:
        with target.write() as conn:
            held = conn.execute("SELECT count(*) FROM runbook.events").fetchone()
            if held and held[0]:
                raise StateError(
                    f"{where}: already holds {held[0]} events; an import goes into a weekend "
                    "with none, and nothing was imported",
                    hint="import into a new database (createdb, then `runbook db import`)",
                )
            if owner is not None:
                target.check_owner(owner, what="weekend")
                target.claim(owner)
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO runbook.events (seq, at, recorded, task, kind, actor, host, "
                    "note, data, forced) OVERRIDING SYSTEM VALUE "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [(*_values(e), e.forced) for e in events],
                )
            if events:
                # The next event continues after the last one imported.
                conn.execute(
                    "SELECT setval(pg_get_serial_sequence('runbook.events', 'seq'), %s)",
                    (max(e.seq for e in events),),
                )
            for digest, created, text in plans:
                target.save_plan(str(digest), str(text), created=int(created))
    finally:
        target.close()
    return Transfer(str(source_path), where, len(events), len(plans), owner)
