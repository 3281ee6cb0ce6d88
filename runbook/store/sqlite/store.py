# Size: one class implements the whole EventStore interface on SQLite; its schema, migrations and
# file checks are already apart.
"""The SQLite event store: open, append, read (the first ``EventStore``).

One state file holds one weekend (or one dress rehearsal) of one runbook. Events are appended
and never updated or deleted (triggers refuse it); all task state is derived from them. The
file is in WAL mode with a busy timeout, so many teams can check in at once, and synchronous
FULL, so a committed check-in survives a crash or a power cut. Its schema and migrations are
``schema``; the look at a file before anything may write to it, ``check``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from runbook.common.errors import DamagedState, StateError
from runbook.common.limits import SEQ_LIMIT
from runbook.store.rows import (
    CLOCK_OFFSET,
    event_values,
    new_event_values,
    offset_from_meta,
    quarantine_notice,
    readable,
)
from runbook.store.sqlite.check import (
    check_sound,
    damaged_state,
    diagnose,
    found_by_a_look,
    log_keeper,
    quick_check,
)
from runbook.store.sqlite.look import sidecar as _sidecar
from runbook.store.sqlite.look import uri as _uri
from runbook.store.sqlite.schema import APPLICATION_ID as APPLICATION_ID
from runbook.store.sqlite.schema import EVENT_COLUMNS as _EVENT_COLUMNS
from runbook.store.sqlite.schema import MIGRATIONS as MIGRATIONS
from runbook.store.sqlite.schema import OLDEST_READABLE as OLDEST_READABLE
from runbook.store.sqlite.schema import SCHEMA_VERSION as SCHEMA_VERSION
from runbook.store.sqlite.schema import SQLITE_MAGIC as SQLITE_MAGIC
from runbook.store.sqlite.schema import TABLES_ADDED as TABLES_ADDED
from runbook.store.sqlite.schema import corrupt as _corrupt
from runbook.store.sqlite.schema import identify as _identify
from runbook.store.sqlite.schema import is_sqlite_database as is_sqlite_database
from runbook.store.sqlite.schema import not_a_database as _not_a_database
from runbook.weekend.eventdata import check_new_event
from runbook.weekend.events import Event as Event  # re-exported: imported from here by faces
from runbook.weekend.events import NewEvent as NewEvent
from runbook.weekend.events import check_instants

if TYPE_CHECKING:  # a check-in never loads the outbox: only runbook notify and the dashboard
    from runbook.weekend.figures import TaskFigures
    from runbook.weekend.outbox import OutboxEntry

BUSY_TIMEOUT_MS = 30_000


def _busy(exc: sqlite3.OperationalError) -> bool:
    """True when the error only means another connection holds the lock right now."""
    return "locked" in str(exc) or "busy" in str(exc)


def _connect(target: str | Path, *, uri: bool = False) -> sqlite3.Connection:
    return sqlite3.connect(
        target,
        uri=uri,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
    )


def _may_write(path: Path) -> bool:
    """True when this user may write to ``path``. The superuser may write anything, so for
    it the permission bits are taken as what they say: a file or folder without any write
    permission was made read-only on purpose (as ``rm`` asks before removing one)."""
    if os.geteuid() == 0:
        try:
            return bool(os.stat(path).st_mode & 0o222)
        except OSError:
            return False
    return os.access(path, os.W_OK)


def unwritable(path: Path) -> str | None:
    """Why a check-in could not write to this state file (read-only file or folder), or None.
    SQLite writes its log (``-wal``, ``-shm``) beside the file, so the folder counts too."""
    folder = path.parent
    if path.exists() and not _may_write(path):
        return "the state file is read-only"
    sidecars = [_sidecar(path, s) for s in ("-wal", "-shm")]
    if not _may_write(folder) and not all(p.exists() and _may_write(p) for p in sidecars):
        return (
            f"its folder {folder.resolve()} is read-only (SQLite keeps its log beside the "
            "state file)"
        )
    return None


class SQLiteStore:
    """An open state database. ``SQLiteStore.open`` checks it is ours and migrates it."""

    # Every error SQLite raises; what a best-effort write (the plan cache) may swallow.
    driver_error: ClassVar[type[Exception]] = sqlite3.Error

    def __init__(self, db: sqlite3.Connection, path: Path, *, writable: bool = True) -> None:
        self.db = db
        self.path = path
        self.wal = True  # False when the filesystem refused write-ahead logging
        self.writable = writable  # False when opened read-only (nothing can be written)
        self.damaged = False
        self._keeper: sqlite3.Connection | None = None  # see check.log_keeper
        self.quarantined: dict[int, str] = {}  # events that cannot be read: seq -> why

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, create: bool = True, read_only: bool = False
    ) -> SQLiteStore | None:
        """Open (and, when ``create``, create) the state file; None if it does not exist and
        ``create`` is false. Refuses files that are not runbook state or are too new.

        ``read_only``: for commands that only read. The file is then never written to (no
        migration, no change of journal mode); it is opened read-only when the file or its
        folder cannot be written (``immutable`` when SQLite cannot even create its index
        beside it), and None is returned for a file that holds no state yet.

        An existing file is looked at first through a connection that cannot change it
        (``check.diagnose``): one that is damaged, not runbook state or too new is
        refused before anything could write to it or beside it."""
        target = Path(path)
        exists = target.exists()
        if read_only:
            create = False
        if not exists and not create:
            return None
        if exists and target.is_dir():
            raise StateError(f"{target}: is a directory, not a state file")
        if not exists and not target.parent.exists():
            raise StateError(f"{target}: the folder {target.parent} does not exist")
        checked = exists and diagnose(target, writing=not read_only)
        if read_only:
            return cls._open_read_only(target)
        reason = unwritable(target)
        if reason is not None:
            raise StateError(
                f"{target}: {reason}; nothing can be recorded in it",
                hint="reading commands (status, log, plan, review) still work; to record, "
                "make the file and its folder writable, or copy the state file elsewhere",
            )
        logged = all(_sidecar(target, s).exists() for s in ("-wal", "-shm"))
        keeper = log_keeper(target) if logged else None
        try:
            db = _connect(target)
        except sqlite3.Error as exc:
            if keeper is not None:
                keeper.close()
            raise StateError(f"{target}: cannot open the state file ({exc})") from None
        return cls._prepared(db, target, writable=True, checked=checked, keeper=keeper)

    @classmethod
    def _open_read_only(cls, target: Path) -> SQLiteStore | None:
        """A connection that only reads: read-write (so a clean close leaves no log behind)
        when the file and folder allow it and no log is there; else read-only, and immutable
        when SQLite could not even create its index beside the file. The store is not
        writable either way: a command that only reads writes nothing, not even the plan
        cache (a plan it cannot read from the cache it compiles, and leaves for a check-in
        to cache)."""
        wal = _sidecar(target, "-wal").exists()
        if not wal and unwritable(target) is None:
            attempts = [(str(target), False, False)]
        else:
            attempts = [
                (_uri(target, mode="ro"), True, False),
                (_uri(target, mode="ro", immutable="1"), True, False),
            ]
            if not wal:  # nothing the file lacks: skip the -wal/-shm a read-only look creates
                attempts = attempts[1:]
        for number, (where, uri, writable) in enumerate(attempts):
            try:
                db = _connect(where, uri=uri)
            except sqlite3.Error as exc:
                raise StateError(f"{target}: cannot open the state file ({exc})") from None
            try:
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            # A damaged schema text can make even SQLite's error message undecodable.
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
                db.close()
                if number + 1 < len(attempts) and not _corrupt(exc):
                    continue  # e.g. no -shm and none can be created: look immutably
                refusal = _not_a_database(target, exc)
                if refusal is None and _corrupt(exc):
                    refusal = damaged_state(target, exc, found_by_a_look(target))
                raise refusal or StateError(
                    f"{target}: cannot read the state file ({exc})"
                ) from None
            return cls._prepared(db, target, writable=writable, read_only=True)
        return None  # pragma: no cover (the last attempt returns or raises)

    @classmethod
    def _prepared(
        cls,
        db: sqlite3.Connection,
        target: Path,
        *,
        writable: bool,
        read_only: bool = False,
        checked: bool = True,
        keeper: sqlite3.Connection | None = None,
    ) -> SQLiteStore | None:
        store = cls(db, target, writable=writable)
        store._keeper = keeper
        try:
            if read_only:
                if store._identify_only() == 0:
                    db.close()
                    return None  # nothing recorded yet
            else:
                store._prepare(checked=checked)
        except sqlite3.DatabaseError as exc:
            refusal = _not_a_database(target, exc)
            if refusal is None and _corrupt(exc):
                refusal = store.damage(exc)
            store.damaged = True  # whatever went wrong, leave the file as it is
            store.close()
            if refusal is not None:
                raise refusal from None
            raise StateError(f"{target}: cannot use the state file ({exc})") from None
        except StateError:
            store.damaged = True
            store.close()
            raise
        return store

    def _identify_only(self) -> int:
        """The schema version, for a connection that writes nothing (0: no state yet)."""
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = _identify(self.db, self.path)
        if 0 < version < OLDEST_READABLE:
            raise StateError(
                f"{self.path}: written by an older runbook (state schema {version}); it "
                "cannot be read without upgrading it",
                hint="record a check-in (or run a command that writes) to upgrade it",
            )
        return version

    # -- damage ----------------------------------------------------------------------
    def damage(self, exc: BaseException) -> StateError:
        """The refusal for a damaged file: what SQLite's quick check says, and what to do."""
        self.damaged = True
        return damaged_state(self.path, exc, self.quick_check())

    def quick_check(self) -> list[str]:
        """What ``PRAGMA quick_check`` finds wrong (empty when nothing is)."""
        return quick_check(self.db)

    def verify(self) -> None:
        """Refuse a damaged file before writing the plan cache or copying it: SQLite's full
        integrity check (every index against its table too, which opening's quick check
        leaves out for speed), and every event read back (text and JSON). Worth its cost
        where a runbook is compiled anyway."""
        try:
            rows = self.db.execute("PRAGMA integrity_check(10)").fetchall()
            found = [str(r[0]) for r in rows]
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise self.damage(exc) from None
        if found != ["ok"]:
            self.damaged = True
            raise damaged_state(self.path, None, found, check="integrity_check")
        self.events()

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn an error that means the file is damaged into a plain refusal."""
        try:
            yield
        except (sqlite3.DatabaseError, ValueError, KeyError, TypeError, IndexError) as exc:
            if _corrupt(exc):
                raise self.damage(exc) from None
            raise

    def _prepare(self, *, checked: bool) -> None:
        """Make the file ready to write: WAL, synchronous, the current schema. Unless a look
        already found it sound (``checked``), it is checked first, through this connection
        (after SQLite rolled back a journal an interrupted write left), before any write."""
        db = self.db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = _identify(db, self.path)
        if not checked and version:
            try:
                check_sound(db, self.path, version)
            except DamagedState:
                self.damaged = True
                raise
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

    @property
    def notices(self) -> list[str]:
        """What a user of this file should know: a filesystem without write-ahead logging,
        events that cannot be read (once read)."""
        said = []
        if not self.wal:
            said.append(
                f"{self.path}: this filesystem does not support SQLite's write-ahead log; "
                "check-ins from many terminals at once will queue (keep the state file on a "
                "local disk)"
            )
        quarantine = quarantine_notice(str(self.path), self.quarantined)
        return said + ([quarantine] if quarantine else [])

    def schema_version(self) -> int:
        """The state schema version of the file (``SCHEMA_VERSION`` once it is migrated)."""
        with self._reading():
            return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection. A file found damaged is left as it was: its connection
        closes while the log keeper still reads (``check.log_keeper``), so SQLite folds no log
        into it; a sound one closes last, and SQLite folds its log as usual."""
        keeper, self._keeper = self._keeper, None
        if keeper is not None and not self.damaged:
            keeper.close()
        self.db.close()
        if keeper is not None:
            keeper.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding the write lock from its start (BEGIN IMMEDIATE), so
        a rule checked inside it still holds when its event is appended."""
        if not self.writable:
            raise StateError(
                f"{self.path}: opened read-only; nothing can be recorded in it",
                hint="run a command that records (start, done, ...) to write to it",
            )
        db = self.db
        for attempt in range(8):
            try:
                db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if _corrupt(exc):
                    raise self.damage(exc) from None
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
            db.execute("COMMIT")
        except BaseException as exc:
            # SQLite may have rolled back already (disk full, I/O error); a second ROLLBACK
            # would fail and hide the error that matters.
            if db.in_transaction:
                with suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError | ValueError) and _corrupt(exc):
                raise self.damage(exc) from None
            if isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc):
                raise StateError(
                    f"{self.path}: the state file cannot be written (read-only); nothing was "
                    "recorded",
                    hint="make the file and its folder writable, or copy the state file",
                ) from None
            raise

    # -- meta ------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        """A value from the meta table."""
        with self._reading():
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a meta value (call inside ``write``)."""
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def clock_offset(self) -> int:
        """Seconds this weekend's clock is moved from its runbook's (a rehearsal); 0."""
        try:
            return offset_from_meta(self.meta(CLOCK_OFFSET))
        except ValueError as exc:
            raise self.damage(exc) from None

    def set_clock_offset(self, seconds: int) -> None:
        """Record the clock offset (call inside ``write``)."""
        self.set_meta(CLOCK_OFFSET, str(seconds))

    def owner(self) -> str | None:
        """The runbook this file belongs to (None before the first write)."""
        return self.meta("runbook")

    def check_owner(self, runbook: str) -> None:
        """Refuse a file that belongs to another runbook (before anything is written)."""
        owner = self.owner()
        if owner is not None and owner != runbook:
            raise StateError(
                f"{self.path}: this state file belongs to the runbook '{owner}', not to "
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
        check_instants(event.at, recorded)
        check_new_event(event)
        try:
            cursor = self.db.execute(
                "INSERT INTO events (at, recorded, task, kind, actor, host, note, data) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                new_event_values(event, recorded),
            )
        except sqlite3.OperationalError as exc:
            # SQLite says "full" when no rowid is left after the largest: not the disk.
            last = self.db.execute("SELECT max(seq) FROM events").fetchone()[0]
            if "full" in str(exc) and isinstance(last, int) and last > SEQ_LIMIT:
                raise self._numbered_out(last) from None
            raise
        seq = cursor.lastrowid
        assert seq is not None
        if seq > SEQ_LIMIT:
            raise self._numbered_out(seq - 1)
        return event.stored(seq, recorded)

    def _numbered_out(self, last: int) -> StateError:
        """The refusal for a log whose sequence numbers ran past ``SEQ_LIMIT`` (a hand-edited
        file): no event can be numbered after it."""
        return StateError(
            f"{self.path}: the state file holds an event numbered {last}, past the largest "
            f"sequence number an event may have ({SEQ_LIMIT}); nothing was recorded, and "
            "nothing more can be",
            hint="the file was edited by hand: restore the state file from a copy",
        )

    def events(self, *, after: int = 0) -> list[Event]:
        """Every event after sequence number ``after`` that can be read, oldest first; one
        that cannot is quarantined (``quarantined``, said by ``notices``)."""
        query = f"SELECT {_EVENT_COLUMNS} FROM events WHERE seq > ? ORDER BY seq"
        with self._reading():
            try:
                rows = self.db.execute(query, (after,)).fetchall()
            except (sqlite3.OperationalError, UnicodeDecodeError) as exc:
                if "decode" not in str(exc):
                    raise
                rows = self._rows_with_bad_text(after)
            return readable(rows, self.quarantined)

    def version_events(self) -> list[Event]:
        """The events that put a version of the runbook in force (baselines and revisions,
        about no task), oldest first: read through the index by task, so their cost does not
        grow with the check-ins."""
        query = (
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE task IS NULL "
            "AND kind IN ('baseline', 'revise') ORDER BY seq"
        )
        with self._reading():
            try:
                rows = self.db.execute(query).fetchall()
            except (sqlite3.OperationalError, UnicodeDecodeError) as exc:
                if "decode" not in str(exc):
                    raise
                return [
                    e for e in self.events() if e.task is None and e.kind in ("baseline", "revise")
                ]
            return readable(rows, self.quarantined)

    def _rows_with_bad_text(self, after: int) -> list[tuple[Any, ...]]:
        """The event rows read as bytes and decoded one by one: a text that is not UTF-8
        (written by another program) makes its row unreadable, not the whole read."""
        texts = ("task", "kind", "actor", "host", "note", "data")
        columns = ", ".join(
            f"CASE WHEN typeof({c}) = 'text' THEN CAST({c} AS BLOB) ELSE {c} END AS {c}"
            for c in texts
        )
        rows = []
        for seq, at, recorded, *raw in self.db.execute(
            f"SELECT seq, at, recorded, {columns} FROM events WHERE seq > ? ORDER BY seq",
            (after,),
        ):
            try:
                values = [v.decode("utf-8") if isinstance(v, bytes) else v for v in raw]
            except UnicodeDecodeError:
                self.quarantined[seq] = "a text in it is not valid UTF-8"
                continue
            rows.append((seq, at, recorded, *values))
        return rows

    def event_count(self) -> int:
        """How many events the file holds (those that cannot be read too)."""
        with self._reading():
            return int(self.db.execute("SELECT count(*) FROM events").fetchone()[0])

    def copy_in(self, events: Sequence[Event]) -> None:
        """Append events recorded in another store as they were, sequence numbers and all
        (inside ``write``, into a file holding none)."""
        self.db.executemany(
            "INSERT INTO events (seq, at, recorded, task, kind, actor, host, note, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [event_values(e) for e in events],
        )

    def recorded_with(self, key: str) -> list[Event]:
        """No idempotency keys are kept here: a local commit is never lost halfway."""
        return []

    def task_counts(self) -> dict[str, int]:
        """How many events each task id has in the log."""
        with self._reading():
            rows = self.db.execute(
                "SELECT task, count(*) FROM events WHERE task IS NOT NULL GROUP BY task"
            ).fetchall()
        return {str(task): int(n) for task, n in rows}

    def change_token(self) -> int:
        """SQLite's ``data_version``: changes whenever another connection commits; cheap to
        poll (answered from memory, no file read)."""
        with self._reading():
            return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def follow(self) -> None:
        """Nothing to set up: ``data_version`` is already the cheapest look."""

    def reconnect(self) -> None:
        """Nothing to do: a file's connection is never lost to a network."""

    def may_force(self) -> bool:
        """A state file has no roles: whoever may write it may force."""
        return True

    def publishes_figures(self) -> bool:
        """A state file publishes no figures: other tools read its events (db export)."""
        return False

    def save_figures(self, covers: int, as_of: int, rows: Sequence[TaskFigures]) -> None:
        """Never asked (see ``publishes_figures``)."""
        return None

    # -- the checkpoint --------------------------------------------------------------
    def checkpoint(self) -> tuple[int, str] | None:
        """The checkpoint: the last event it covers and its text (None: none yet)."""
        with self._reading():
            try:
                row = self.db.execute("SELECT seq, state FROM checkpoint WHERE id = 1").fetchone()
            except sqlite3.OperationalError:
                return None  # an older file, read without migrating it
        if row is None or not isinstance(row[0], int) or not isinstance(row[1], str):
            return None
        return int(row[0]), str(row[1])

    def save_checkpoint(self, seq: int, text: str) -> None:
        """Replace the checkpoint (call inside ``write``, with the events it covers)."""
        self.db.execute(
            "INSERT OR REPLACE INTO checkpoint (id, seq, state) VALUES (1, ?, ?)", (seq, text)
        )

    # -- the notification outbox ------------------------------------------------------
    def outbox_add(self, entries: list[OutboxEntry]) -> int:
        """Write new entries (inside ``write``); an entry whose key is there is left alone.
        Returns how many were new."""
        from runbook.store.outbox import OUTBOX_COLUMNS

        before = self.db.total_changes
        self.db.executemany(
            f"INSERT OR IGNORE INTO outbox ({', '.join(OUTBOX_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(OUTBOX_COLUMNS))})",
            [tuple(getattr(e, c) for c in OUTBOX_COLUMNS) for e in entries],
        )
        return self.db.total_changes - before

    def outbox_claim(
        self, now: int, until: int, *, limit: int = 1, free_at: int | None = None
    ) -> list[OutboxEntry]:
        """Claim the pending entries due at ``now`` that nobody holds at ``free_at`` (inside
        ``write``): nobody else takes them before ``until``."""
        from runbook.store.outbox import OUTBOX_COLUMNS, entry_of
        from runbook.weekend.outbox import PENDING

        rows = self.db.execute(
            f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM outbox WHERE state = ? AND next_try <= ?"
            " AND claimed_until <= ? ORDER BY created, key LIMIT ?",
            (PENDING, now, now if free_at is None else free_at, limit),
        ).fetchall()
        self.db.executemany(
            "UPDATE outbox SET claimed_until = ? WHERE key = ?", [(until, r[0]) for r in rows]
        )
        return [entry_of(r) for r in rows]

    def outbox_settle(
        self,
        key: str,
        *,
        state: str,
        attempts: int,
        next_try: int = 0,
        sent: int | None = None,
        error: str | None = None,
    ) -> None:
        """Record how a claimed entry's try ended (inside ``write``)."""
        self.db.execute(
            "UPDATE outbox SET state = ?, attempts = ?, next_try = ?, sent = ?, error = ?,"
            " claimed_until = 0 WHERE key = ?",
            (state, attempts, next_try, sent, error, key),
        )

    def outbox(self) -> list[OutboxEntry]:
        """Every entry, oldest first (none in a file older than the outbox)."""
        from runbook.store.outbox import OUTBOX_COLUMNS, entry_of

        with self._reading():
            try:
                rows = self.db.execute(
                    f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM outbox ORDER BY created, key"
                ).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    return []
                raise
        return [entry_of(r) for r in rows]

    # -- plans -----------------------------------------------------------------------
    def plan_text(self, digest: str) -> str | None:
        """The compiled plan stored for a runbook content hash."""
        with self._reading():
            row = self.db.execute("SELECT plan FROM plans WHERE digest = ?", (digest,)).fetchone()
        return None if row is None else str(row[0])

    def latest_plan_text(self) -> tuple[str, str, int] | None:
        """The most recently stored plan: (digest, plan, created)."""
        with self._reading():
            row = self.db.execute(
                "SELECT digest, plan, created FROM plans ORDER BY created DESC, rowid DESC LIMIT 1"
            ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), int(row[2]))

    def plans(self) -> list[tuple[str, str, int]]:
        """Every compiled plan stored: (digest, plan, created), in the order they were
        stored."""
        with self._reading():
            rows = self.db.execute("SELECT digest, plan, created FROM plans ORDER BY rowid")
            return [(str(d), str(p), int(c)) for d, p, c in rows.fetchall()]

    def save_plan(self, digest: str, text: str, *, created: int, replace: bool = False) -> None:
        """Store a compiled plan (call inside ``write``). An existing one is kept unless
        ``replace`` (when it was written in a cache format this version cannot read)."""
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        self.db.execute(
            f"{verb} INTO plans (digest, created, plan) VALUES (?, ?, ?)",
            (digest, created, text),
        )


Store = SQLiteStore  # the name it had before there was more than one kind of store
