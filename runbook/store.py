"""The SQLite event log: schema, migrations, append, read.

One state file holds one weekend (or one dress rehearsal) of one runbook. Events are appended
and never updated or deleted (triggers refuse it); all task state is derived from them. The
file is in WAL mode with a busy timeout, so many teams can check in at once, and synchronous
FULL, so a committed check-in survives a crash or a power cut.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runbook.errors import InputError, StateError
from runbook.limits import EARLIEST_EPOCH, YEARS_TEXT, clamp_epoch, epoch_in_bounds

APPLICATION_ID = 0x52424B31  # "RBK1": marks a file as a runbook state database
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 30_000

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


def _busy(exc: sqlite3.OperationalError) -> bool:
    """True when the error only means another connection holds the lock right now."""
    return "locked" in str(exc) or "busy" in str(exc)


# Migrations from version N to N+1, in order; MIGRATIONS[0] creates version 1.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    lambda db: _run_script(db, _SCHEMA_V1),
]


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the event log."""

    seq: int
    at: int
    recorded: int
    task: str | None
    kind: str
    actor: str
    host: str
    note: str | None
    data: dict[str, Any]

    @property
    def summary(self) -> str:
        """What happened, in a few words: ``done``, ``decide NO-GO``, ``signoff dba``."""
        if self.kind == "decide":
            return f"decide {str(self.data.get('decision', '?')).upper()}"
        if self.kind == "signoff":
            return f"signoff {self.data.get('team', '?')}"
        if self.kind == "check":
            return f"check {self.data.get('item', '?')}"
        return self.kind

    @property
    def forced(self) -> bool:
        """True when the event overrode a refusal (``--force``)."""
        return bool(self.data.get("forced"))


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event about to be appended."""

    at: int
    task: str | None
    kind: str
    actor: str
    host: str
    note: str | None = None
    data: dict[str, Any] | None = None


def _row(row: tuple[Any, ...]) -> Event:
    seq, at, recorded, task, kind, actor, host, note, data = row
    # A time out of bounds (written by a version that did not check) is pulled inside them,
    # so one damaged event cannot stop every screen from drawing.
    at, recorded = _instant(at), _instant(recorded)
    return Event(seq, at, recorded, task, kind, actor, host, note, json.loads(data) if data else {})


def _instant(value: object) -> int:
    """An event's time as whole epoch seconds within the bounds (see ``_row``)."""
    if isinstance(value, int) and epoch_in_bounds(value):
        return value
    if isinstance(value, int | float) and value == value:  # not NaN
        return int(clamp_epoch(value))
    return EARLIEST_EPOCH


def _identify(db: sqlite3.Connection, path: Path) -> int:
    """The state schema version of an open database; refuses one that is not runbook state
    or is newer than this version reads."""
    # One statement, so one read transaction: another process may be creating the schema
    # right now, and reads taken apart could see "no application id" before its commit and
    # "tables" after it, and take our own new file for something else's database.
    app_id, version, tables = db.execute(
        "SELECT (SELECT application_id FROM pragma_application_id),"
        " (SELECT user_version FROM pragma_user_version),"
        " (SELECT count(*) FROM sqlite_master)"
    ).fetchone()
    # An empty database is new (perhaps being created by another process right now); one
    # with tables of its own, or another application's id, belongs to something else.
    if app_id != APPLICATION_ID and (tables or app_id != 0):
        raise StateError(
            f"{path}: not a runbook state file (an SQLite database of something "
            "else); nothing was written to it",
            hint="give the right file with --state PATH",
        )
    if version > SCHEMA_VERSION:
        raise StateError(
            f"{path}: written by a newer runbook (state schema {version}; this "
            f"version reads up to {SCHEMA_VERSION}); nothing was written to it",
            hint="upgrade runbook to use this state file",
        )
    return int(version)


def _not_a_database(path: Path, exc: sqlite3.DatabaseError) -> StateError | None:
    """The refusal for a file SQLite says is not a database; None for any other error."""
    if "not a database" in str(exc) or "malformed" in str(exc):
        return StateError(
            f"{path}: not a runbook state file (it is not an SQLite database); "
            "nothing was written to it",
            hint="give the right file with --state PATH",
        )
    return None


def _probe(path: Path) -> None:
    """Look at a file that has a write-ahead log beside it through a read-only connection
    before opening it for writing: closing a read-write connection to another application's
    database would fold that log into it (a write), and a refusal promises that nothing was
    written. (Without a log there is nothing to fold, and a read-only connection would leave
    an empty log behind, so this is only done when one is there.)"""
    try:
        db = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except sqlite3.Error:
        return  # the read-write open says what is wrong
    try:
        _identify(db, path)
    except sqlite3.DatabaseError as exc:
        refusal = _not_a_database(path, exc)
        if refusal is not None:
            raise refusal from None
        # Any other trouble (locked, say): the read-write open says what is wrong.
    finally:
        db.close()


class Store:
    """An open state database. ``Store.open`` checks it is ours and migrates it."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        self.wal = True  # False when the filesystem refused write-ahead logging

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True) -> Store | None:
        """Open (and, when ``create``, create) the state file; None if it does not exist and
        ``create`` is false. Refuses files that are not runbook state or are too new."""
        target = Path(path)
        exists = target.exists()
        if not exists and not create:
            return None
        if exists and target.is_dir():
            raise StateError(f"{target}: is a directory, not a state file")
        if not exists and not target.parent.exists():
            raise StateError(f"{target}: the folder {target.parent} does not exist")
        if exists and target.with_name(target.name + "-wal").exists():
            _probe(target)
        try:
            db = sqlite3.connect(
                target,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise StateError(f"{target}: cannot open the state file ({exc})") from None
        store = cls(db, target)
        try:
            store._prepare()
        except sqlite3.DatabaseError as exc:
            db.close()
            refusal = _not_a_database(target, exc)
            if refusal is not None:
                raise refusal from None
            raise StateError(f"{target}: cannot use the state file ({exc})") from None
        except StateError:
            db.close()
            raise
        return store

    def _prepare(self) -> None:
        db = self.db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = _identify(db, self.path)
        self._use_wal()
        db.execute("PRAGMA synchronous = FULL")
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _use_wal(self) -> None:
        """Switch the file to WAL. When another process is switching it at the same moment,
        SQLite answers "locked" at once instead of waiting (the busy timeout does not apply
        to this lock), so look again, briefly, until the other process has done it."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    mode = self.db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    # Some filesystems (network shares) cannot do WAL; SQLite then keeps the
                    # old mode without a word. Say so: concurrent check-ins will wait longer.
                    self.wal = str(mode).lower() == "wal"
                return
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self, version: int) -> None:
        with self.write():
            # Re-read inside the write lock: another process may have migrated meanwhile.
            current = self.db.execute("PRAGMA user_version").fetchone()[0]
            for step in range(current, SCHEMA_VERSION):
                MIGRATIONS[step](self.db)
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding the write lock from its start (BEGIN IMMEDIATE), so
        a rule checked inside it still holds when its event is appended."""
        db = self.db
        for attempt in range(8):
            try:
                db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
                if attempt == 7:
                    raise StateError(
                        f"{self.path}: the state file stayed busy for too long; nothing was "
                        "recorded",
                        hint="try again in a moment",
                    ) from None
                time.sleep(0.05 * (attempt + 1))
        try:
            yield db
        except BaseException:
            # SQLite may have rolled back already (disk full, I/O error); a second ROLLBACK
            # would fail and hide the error that matters.
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        else:
            db.execute("COMMIT")

    # -- meta ------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        """A value from the meta table."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a meta value (call inside ``write``)."""
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def check_owner(self, runbook: str, *, what: str = "state file") -> None:
        """Refuse a file that belongs to another runbook (before anything is written)."""
        owner = self.meta("runbook")
        if owner is not None and owner != runbook:
            raise StateError(
                f"{self.path}: this {what} belongs to the runbook '{owner}', not to "
                f"'{runbook}'; nothing was written to it",
                hint="give the right file with --state PATH, or a new path for a new weekend",
            )

    def claim(self, runbook: str) -> None:
        """Mark the file as this runbook's (call inside ``write``; idempotent)."""
        if self.meta("runbook") is None:
            self.set_meta("runbook", runbook)

    # -- events ----------------------------------------------------------------------
    def append(self, event: NewEvent, *, recorded: int) -> Event:
        """Append one event (call inside ``write``) and return it as stored; an instant
        outside the years the product handles is never written."""
        for instant in (event.at, recorded):
            if not epoch_in_bounds(instant):
                raise InputError(
                    f"refused to record a time outside the years {YEARS_TEXT} "
                    f"({instant} seconds since 1970)"
                )
        data = json.dumps(event.data, sort_keys=True) if event.data else None
        cursor = self.db.execute(
            "INSERT INTO events (at, recorded, task, kind, actor, host, note, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (event.at, recorded, event.task, event.kind, event.actor, event.host, event.note, data),
        )
        seq = cursor.lastrowid
        assert seq is not None
        return Event(
            seq,
            event.at,
            recorded,
            event.task,
            event.kind,
            event.actor,
            event.host,
            event.note,
            event.data or {},
        )

    def events(self, *, after: int = 0) -> list[Event]:
        """Every event after sequence number ``after``, oldest first."""
        rows = self.db.execute(
            "SELECT seq, at, recorded, task, kind, actor, host, note, data FROM events "
            "WHERE seq > ? ORDER BY seq",
            (after,),
        ).fetchall()
        return [_row(r) for r in rows]

    def data_version(self) -> int:
        """Changes whenever another connection commits; cheap to poll (no file read)."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    # -- plans -----------------------------------------------------------------------
    def plan_text(self, digest: str) -> str | None:
        """The compiled plan stored for a runbook content hash."""
        row = self.db.execute("SELECT plan FROM plans WHERE digest = ?", (digest,)).fetchone()
        return None if row is None else str(row[0])

    def latest_plan_text(self) -> tuple[str, str, int] | None:
        """The most recently stored plan: (digest, plan, created)."""
        row = self.db.execute(
            "SELECT digest, plan, created FROM plans ORDER BY created DESC, rowid DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), int(row[2]))

    def save_plan(self, digest: str, text: str, *, created: int, replace: bool = False) -> None:
        """Store a compiled plan (call inside ``write``). An existing one is kept unless
        ``replace`` (when it was written in a cache format this version cannot read)."""
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        self.db.execute(
            f"{verb} INTO plans (digest, created, plan) VALUES (?, ?, ?)",
            (digest, created, text),
        )
