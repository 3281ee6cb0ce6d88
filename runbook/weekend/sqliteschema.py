"""What a runbook state file is, in SQLite: its mark, its schema versions and the migrations
between them, how a file is identified as one, and how an event is read from its row.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from runbook.common.errors import DamagedState, StateError
from runbook.common.limits import EARLIEST_EPOCH, clamp_epoch, epoch_in_bounds
from runbook.weekend.events import Event

APPLICATION_ID = 0x52424B31  # "RBK1": marks a file as a runbook state database
SCHEMA_VERSION = 3
# A read-only look reads a file this old without migrating it: version 2 only added the
# checkpoint, a cache that only a check-in (which migrates first) reads, and version 3 the
# notification outbox, which reads as empty in an older file.
OLDEST_READABLE = 1

_SCHEMA_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,   -- when it happened (epoch seconds, UTC); --at may set it
    recorded INTEGER NOT NULL,   -- when it was written down
    task     TEXT,               -- NULL for events about the whole runbook
    kind     TEXT NOT NULL,
    actor    TEXT NOT NULL,
    host     TEXT NOT NULL,
    note     TEXT,
    data     TEXT                -- JSON: forced overrides, undo targets, baseline digests
);
CREATE INDEX events_by_task ON events (task, seq);
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
-- Compiled plans by runbook content hash: the baseline's plan, and a cache that lets a
-- check-in skip YAML, pydantic and networkx entirely.
CREATE TABLE plans (
    digest  TEXT PRIMARY KEY,
    created INTEGER NOT NULL,
    plan    TEXT NOT NULL
);
"""

# Version 2: the folded state up to one event (``runbook.weekend.checkpoint``), one row, so
# a check-in folds only the events after it. A cache, rewritten; the events stay append-only.
_SCHEMA_V2 = """
CREATE TABLE checkpoint (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,   -- the last event it covers
    state TEXT NOT NULL       -- JSON: see runbook.weekend.checkpoint
);
"""


# Version 3: the notification outbox (``runbook.weekend.outbox``): one row per message and
# address. Not part of the event log: rows are claimed and settled as they are sent.
_SCHEMA_V3 = """
CREATE TABLE outbox (
    key           TEXT PRIMARY KEY,   -- notice key '>' address id: written once
    notice        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    recipient     TEXT NOT NULL,      -- team:<id> or coordinator
    address       TEXT NOT NULL,      -- a digest of the address as the runbook writes it
    task          TEXT,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    created       INTEGER NOT NULL,
    state         TEXT NOT NULL,      -- pending | sent | dropped
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_try      INTEGER NOT NULL DEFAULT 0,
    claimed_until INTEGER NOT NULL DEFAULT 0,
    sent          INTEGER,
    error         TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_try);
"""


def _tables(script: str) -> frozenset[str]:
    """The tables a schema script creates."""
    return frozenset(
        line.split()[2] for line in script.splitlines() if line.startswith("CREATE TABLE ")
    )


# The tables each schema version adds, in order (a migration adds its script's here): a file
# whose header gives a version its tables disagree with is damaged, and never migrated.
TABLES_ADDED = [_tables(_SCHEMA_V1), _tables(_SCHEMA_V2), _tables(_SCHEMA_V3)]


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run SQL statements one by one: ``executescript`` would COMMIT the open transaction
    first, and a migration must be atomic."""
    statement = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        db.execute(statement)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    lambda db: _run_script(db, _SCHEMA_V1),
    lambda db: _run_script(db, _SCHEMA_V2),
    lambda db: _run_script(db, _SCHEMA_V3),
]


@cache
def schema_objects(version: int) -> frozenset[tuple[str, str, str]]:
    """(type, name, SQL) of every table, index and trigger a state file of schema ``version``
    holds, as the migrations create them (built once, in memory)."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for step in MIGRATIONS[:version]:
            step(db)
        rows = db.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        return frozenset((str(t), str(n), str(q)) for t, n, q in rows)
    finally:
        db.close()


def event_from_row(row: tuple[Any, ...]) -> Event:
    """An event from its row (and, from a store with logins, the login that recorded it);
    ValueError when the row is not one this program wrote."""
    seq, at, recorded, task, kind, actor, host, note, data, *login = row
    try:
        parsed = json.loads(data) if data else {}
    except ValueError:
        raise ValueError(f"event {seq!r}: its data is not valid JSON") from None
    except RecursionError:  # thousands deep: written by no version of this program
        raise ValueError(f"event {seq!r}: its data is nested too deep to read") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"event {seq!r}: its data is not valid JSON (not an object)")
    if not (
        all(isinstance(v, int) for v in (seq, at, recorded))
        and all(isinstance(v, str) for v in (kind, actor, host))
        and all(v is None or isinstance(v, str) for v in (task, note))
    ):
        raise ValueError(
            f"event {seq!r}: a column holds a value of the wrong type; it cannot be read"
        )
    # A time out of bounds (written by a version that did not check) is pulled inside them,
    # so one damaged event cannot stop every screen from drawing.
    at, recorded = _instant(at), _instant(recorded)
    who = login[0] if login and isinstance(login[0], str) else None
    return Event(seq, at, recorded, task, kind, actor, host, note, parsed, who)


def readable(rows: Iterable[tuple[Any, ...]], quarantined: dict[int, str]) -> list[Event]:
    """The events of the rows that can be read; each one that cannot (a state edited by
    hand, or by another program) is left out and named in ``quarantined`` (its sequence
    number: why), never the end of the read."""
    events = []
    for row in rows:
        try:
            events.append(event_from_row(row))
        except ValueError as exc:
            seq = row[0] if isinstance(row[0], int) else -1
            quarantined[seq] = str(exc).removeprefix(f"event {row[0]!r}: ")
    return events


def quarantine_notice(where: str, quarantined: dict[int, str]) -> str | None:
    """The warning that names the events left out because they cannot be read."""
    if not quarantined:
        return None
    shown = [f"event {seq} ({why})" for seq, why in sorted(quarantined.items())[:3]]
    more = len(quarantined) - len(shown)
    listed = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    return (
        f"{where}: {listed} cannot be read (edited by hand, or written by another program): "
        "left out of every view and every check-in, and kept as it is"
    )


def _instant(value: object) -> int:
    """An event's time as whole epoch seconds within the bounds (see ``_row``)."""
    if isinstance(value, int) and epoch_in_bounds(value):
        return value
    if isinstance(value, int | float) and value == value:  # not NaN
        return int(clamp_epoch(value))
    return EARLIEST_EPOCH


def identify(db: sqlite3.Connection, path: Path) -> int:
    """The state schema version of an open database; refuses one that is not runbook state
    or is newer than this version reads."""
    # One statement, so one read transaction: another process may be creating the schema
    # right now, and reads taken apart could see "no application id" before its commit and
    # "tables" after it, and take our own new file for something else's database.
    try:
        app_id, version, tables = db.execute(
            "SELECT (SELECT application_id FROM pragma_application_id),"
            " (SELECT user_version FROM pragma_user_version),"
            " (SELECT count(*) FROM sqlite_master)"
        ).fetchone()
    except UnicodeDecodeError:  # SQLite's message quotes a damaged schema's bytes
        raise sqlite3.DatabaseError("malformed database schema (not valid UTF-8)") from None
    # An empty database is new (perhaps being created by another process right now); one
    # with tables of its own, or another application's id, belongs to something else.
    if app_id != APPLICATION_ID and (tables or app_id != 0):
        if tables and has_our_tables(db):
            raise DamagedState(
                f"{path}: the state file is damaged (its header no longer carries the mark "
                "of a runbook state file, but its tables are a runbook's); nothing was "
                "written to it",
                hint="restore the state file from a copy (a backup, or the copy of another "
                "machine)",
            )
        raise StateError(
            f"{path}: not a runbook state file (an SQLite database of something "
            "else); nothing was written to it",
            hint="give the right file with --state PATH",
        )
    if app_id == APPLICATION_ID and version == 0 and tables:
        raise DamagedState(
            f"{path}: the state file is damaged (its header says it holds no state, but it "
            "has tables); nothing was written to it",
            hint="restore the state file from a copy (a backup, or the copy of another machine)",
        )
    if version < 0:
        raise DamagedState(
            f"{path}: the state file is damaged (its header gives a schema version below "
            "zero); nothing was written to it",
            hint="restore the state file from a copy (a backup, or the copy of another machine)",
        )
    if version > SCHEMA_VERSION:
        raise StateError(
            f"{path}: written by a newer runbook (state schema {version}; this "
            f"version reads up to {SCHEMA_VERSION}); nothing was written to it",
            hint="upgrade runbook to use this state file",
        )
    return int(version)


EVENT_COLUMNS = "seq, at, recorded, task, kind, actor, host, note, data"
SQLITE_MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database


def is_sqlite_database(path: str | os.PathLike[str]) -> bool:
    """True when the file starts with SQLite's 16-byte header (any application's database)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def has_our_tables(db: sqlite3.Connection) -> bool:
    """True when the database has the tables of a runbook state file."""
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {"meta", "events", "plans"} <= names


def not_a_database(path: Path, exc: Exception) -> StateError | None:
    """The refusal for a file SQLite says is not a database; None for any other error."""
    if "not a database" in str(exc):
        return StateError(
            f"{path}: not a runbook state file (it is not an SQLite database); "
            "nothing was written to it",
            hint="give the right file with --state PATH",
        )
    return None


def corrupt(exc: BaseException) -> bool:
    """True for an error that means the file's content is damaged (not busy, not read-only):
    SQLite's own verdicts, and rows whose text or JSON cannot be read."""
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc)
        return any(
            w in text
            for w in ("malformed", "corrupt", "not a database", "decode", "no such ", "mismatch")
        )
    return isinstance(exc, (ValueError, KeyError, TypeError, IndexError))
