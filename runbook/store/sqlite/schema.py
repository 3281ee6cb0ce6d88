"""What a runbook state file is, in SQLite: its mark, its schema versions and the migrations
between them, and how a file is identified as one (an event read back from its row is
``runbook.store.rows``, as both stores read it).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from functools import cache
from pathlib import Path

from runbook.common.errors import DamagedState, StateError

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

# Version 2: the folded state up to one event (``runbook.store.checkpoint``), one row, so
# a check-in folds only the events after it. A cache, rewritten; the events stay append-only.
_SCHEMA_V2 = """
CREATE TABLE checkpoint (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,   -- the last event it covers
    state TEXT NOT NULL       -- JSON: see runbook.store.checkpoint
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
        return frozenset((str(t), str(n), definition(str(q))) for t, n, q in rows)
    finally:
        db.close()


def definition(sql: str) -> str:
    """A table's, index's or trigger's SQL as it is compared: without its ``--`` comments
    and with every run of white space one space. SQLite keeps a CREATE statement's text as
    written, comments included, so a comment reworded in a later release (a module that
    moved) must not make every file written before it look damaged; a word of the
    definition itself (a column's name) still differs."""
    out: list[str] = []
    quote = ""
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if quote:
            out.append(c)
            if c == quote:
                quote = ""
        elif c in "'\"`[":
            quote = "]" if c == "[" else c
            out.append(c)
        elif c == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end
            continue
        else:
            out.append(c)
        i += 1
    return " ".join("".join(out).split())


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
