"""Whether an SQLite state file is sound, found before anything may write to it.

Every command looks at an existing state file first, through a connection that cannot
change it or anything beside it (``look``), and a damaged one is refused there, before
any connection that could write: a read-write open may switch the journal mode, migrate,
roll a journal back or fold a log in, and even a read-only one leaves a log and its index
beside the file. The refusals say what SQLite found and what to do.
"""

from __future__ import annotations

import sqlite3
import struct
import time
from pathlib import Path

from runbook.common.errors import DamagedState, StateError
from runbook.store.sqlite.look import BUSY_TIMEOUT_S, Unsteady, look_at, sidecar, uri
from runbook.store.sqlite.schema import (
    SCHEMA_VERSION,
    SQLITE_MAGIC,
    TABLES_ADDED,
    corrupt,
    definition,
    identify,
    not_a_database,
    schema_objects,
)


def diagnose(path: Path, *, writing: bool) -> bool:
    """Refuse a file that is not a runbook state file, is too new or is damaged, through a
    look that cannot change it or anything beside it (``look``), before any connection
    that could: a read-write open may switch the journal mode, migrate, roll a journal back
    or fold a log in, and even a read-only one leaves a log and its index beside the file. A
    refusal promises that nothing was written, to the file or beside it.

    ``writing``: the file is about to be opened for writing. Opening writes to a file in the
    older journal mode (switched to WAL) or of an older schema (migrated), so such a file is
    read through first (``_read_through``): a damage found only by reading is then found
    before that write, not after it.

    True when the file is known to be sound (or holds no state yet). False when the look
    gave no verdict on its soundness: a rollback journal lies beside it (only opening it
    for writing may roll that back, and until then the file may look torn), the file kept
    changing under the look, or SQLite could not look (busy, no permission): the connection
    that opens it checks then, and says what is wrong."""
    journal = sidecar(path, "-journal").exists()
    if not journal:
        _check_log(path)
    try:
        look_at(path, lambda db: _examine(db, path, thorough=not journal, writing=writing))
    except Unsteady:
        return False
    # A damaged schema text can make even SQLite's error message undecodable.
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        refusal = not_a_database(path, exc)
        if refusal is not None:
            raise refusal from None
        if journal or _passing(exc):
            return False  # the real open waits, or says what is wrong
        if corrupt(exc):
            raise damaged_state(path, exc, found_by_a_look(path)) from None
        # Anything else SQLite says of the file itself ("unsupported file format": a damaged
        # header) holds for any connection: refused here, before one that could fold a log.
        raise StateError(
            f"{path}: cannot use the state file (SQLite says: {exc}); nothing was written to it",
            hint=RESTORE_HINT,
        ) from None
    except sqlite3.Error:
        return False
    return not journal


def _passing(exc: BaseException) -> bool:
    """True for an error that says nothing about the file's content: busy, locked, cannot
    be opened or read right now."""
    text = str(exc)
    return any(w in text for w in ("locked", "busy", "unable to open", "readonly", "I/O error"))


def log_keeper(path: Path) -> sqlite3.Connection | None:
    """A connection that only reads, held open beside the one that writes when a log was
    beside the file (check-ins a crash left unfolded, or another process's). SQLite folds
    the log into the file, and removes it, when the last connection closes; while this one
    is open the connection that writes is never the last, so a file found damaged only after
    it was opened (a stored record that cannot be read) keeps its log as it was
    (``SQLiteStore.close``). Opened, and reading, before the writing connection first reads:
    it is then never the last. (Not ``readonly_shm``: SQLite shares the log's index between
    the connections of a process, and the writing one must be able to write it.)"""
    try:
        keeper = sqlite3.connect(
            uri(path, mode="ro"),
            uri=True,
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error:
        return None
    try:
        keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()  # holds the file
    except sqlite3.Error:
        keeper.close()
        return None
    return keeper


def _examine(db: sqlite3.Connection, path: Path, *, thorough: bool, writing: bool) -> None:
    """Identify the file; when ``thorough`` and it holds state, check that it is sound, and
    read it through when opening it for ``writing`` would write to it."""
    version = identify(db, path)
    if not thorough or not version:
        return
    wal = check_sound(db, path, version)
    if writing and (not wal or version < SCHEMA_VERSION):
        _read_through(db, path)


def _read_through(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a file with an index that disagrees with its table (SQLite's full integrity
    check) or a stored plan that cannot be read (its checksum and header). (An event that
    cannot be read is left out and named, not a refusal: ``runbook.store.rows.readable``.) Only a
    file that opening writes to is read through: one in the older journal mode, or of an
    older schema, both once in a file's life."""
    from runbook.planning.plan import Plan

    found = [str(r[0]) for r in db.execute("PRAGMA integrity_check(10)")]
    if found != ["ok"]:
        raise damaged_state(path, None, found, check="integrity_check")
    try:
        for (text,) in db.execute("SELECT plan FROM plans"):
            Plan.loads(text)
    except (sqlite3.DatabaseError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise damaged_state(path, exc, []) from None
    except AttributeError:  # a plan whose checksum line is JSON, but not an object
        raise damaged_state(path, ValueError("a stored plan cannot be read"), []) from None


def check_sound(db: sqlite3.Connection, path: Path, version: int) -> bool:
    """Refuse a damaged file: a header that SQLite would rewrite, a schema other than the
    one of the version the header gives, or what SQLite's quick check finds. True when the
    file is in WAL mode (as its header says)."""
    wal = _check_header(path)
    _check_tables(db, path, version)
    found = quick_check(db)
    if found:
        raise damaged_state(path, None, found)
    return wal


WAL_MAGIC = (0x377F0682, 0x377F0683)  # the log's first word: checksums little/big-endian
WAL_VERSION = 3007000


def _check_log(path: Path) -> None:
    """Refuse a file whose write-ahead log has a header SQLite cannot take: any connection
    would throw the whole log away (and, with its check-ins, the index that still lists
    them makes a read-only look wait, then fail). An empty log is no log."""
    head = _log_header(path)
    if head is None or _log_header_valid(head):
        return
    time.sleep(0.05)
    if _log_header(path) != head:
        return  # another process is writing a new one this moment: a log in use
    raise DamagedState(
        f"{path}: the state file is damaged (the header of its write-ahead log, "
        f"{sidecar(path, '-wal').name}, is not valid: the check-ins in it cannot be read); "
        "nothing was written to it, or to the log",
        hint=RESTORE_HINT,
    )


def _log_header(path: Path) -> bytes | None:
    """The first 32 bytes of the file's log; None when there is none, or it is shorter
    (nothing was ever committed to it: SQLite takes it for empty)."""
    try:
        with open(sidecar(path, "-wal"), "rb") as handle:
            head = handle.read(32)
    except OSError:
        return None
    return head if len(head) == 32 else None


def _log_header_valid(head: bytes) -> bool:
    """True when a log's header is one SQLite takes: its magic, version and checksum."""
    magic, version = struct.unpack(">II", head[:8])
    if magic not in WAL_MAGIC or version != WAL_VERSION:
        return False
    order = ">" if magic & 1 else "<"
    words = struct.unpack(f"{order}6I", head[:24])
    s0 = s1 = 0
    for x0, x1 in zip(words[::2], words[1::2], strict=True):
        s0 = (s0 + x0 + s1) & 0xFFFFFFFF
        s1 = (s1 + x1 + s0) & 0xFFFFFFFF
    return (s0, s1) == struct.unpack(">II", head[24:32])


def _check_header(path: Path) -> bool:
    """Refuse a file whose header's change counter and version-valid-for number differ.
    Every SQLite since 3.7.0 writes the two together; when they differ, SQLite no longer
    trusts the page count beside them and rewrites it at the next write transaction, even
    one that changes nothing (a refused check-in's). True when the header says the file is
    in WAL mode (or cannot be read: SQLite itself says what is wrong)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
    except OSError:
        return True
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC) or head[24:28] == head[92:96]:
        return head[18:20] == b"\x02\x02" or len(head) < 100
    raise DamagedState(
        f"{path}: the state file is damaged (its header's change counter and "
        "version-valid-for number differ); nothing was written to it",
        hint=RESTORE_HINT,
    )


def _check_tables(db: sqlite3.Connection, path: Path, version: int) -> None:
    """Refuse a file whose tables, indexes and triggers are not those of the schema version
    its header gives, as the migrations create them: a damaged header (which a migration
    would write into), or a damaged definition (a column's name, which the quick check
    reads past)."""
    rows = db.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    held = {(str(t), str(n), definition(str(q))) for t, n, q in rows}
    names = {n for t, n, _ in held if t == "table"}
    missing = frozenset().union(*TABLES_ADDED[:version]) - names
    later = frozenset().union(*TABLES_ADDED[version:]) & names
    changed = sorted(schema_objects(version) - held)
    if missing:
        what = f"its header gives state schema {version}, but the table {min(missing)} is missing"
    elif later:
        what = (
            f"its header gives state schema {version}, but it has the table {min(later)} of "
            "a later schema"
        )
    elif changed:
        kind, name, _ = changed[0]
        what = f"the definition of the {kind} {name} is not the one runbook writes"
    else:
        return
    raise DamagedState(
        f"{path}: the state file is damaged ({what}); nothing was written to it",
        hint=RESTORE_HINT,
    )


# The quick check reads every page of the file, so its cost grows with the log: through a
# memory map instead of a read() call per page it costs half (3.3 against 7 ms for a
# 20,000-event log), which keeps a check-in's time flat as the weekend goes on. The map
# is SQLite's own (mmap_size), bounded, and only for the connection that checks.
_CHECK_MMAP = 256 * 1024 * 1024


def quick_check(db: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA quick_check`` finds wrong (empty when nothing is)."""
    try:
        db.execute(f"PRAGMA mmap_size = {_CHECK_MMAP}")
        rows = db.execute("PRAGMA quick_check(10)").fetchall()
    except sqlite3.Error as exc:
        return [str(exc)]
    except UnicodeDecodeError:  # SQLite's own message quotes the damaged bytes
        return ["the database schema is damaged"]
    found = [str(r[0]) for r in rows]
    return [] if found == ["ok"] else found


def found_by_a_look(path: Path) -> list[str]:
    """What SQLite's quick check finds in the file, through a look that cannot change it
    (nothing when it cannot look)."""
    try:
        return look_at(path, quick_check)
    except (sqlite3.Error, Unsteady):
        return []


RESTORE_HINT = (
    "restore the state file from a copy (a backup, or the copy of another machine); "
    "`sqlite3 FILE .recover` rescues what is still readable into a new file"
)


def damaged_state(
    path: Path, exc: BaseException | None, found: list[str], *, check: str = "quick_check"
) -> DamagedState:
    """The refusal for a damaged file: what failed (``exc``), what SQLite's ``check``
    found, and what to do."""
    if exc is None:
        what = ""
    elif isinstance(exc, UnicodeDecodeError) or "decode" in str(exc):
        what = "a stored text (an event, or the file's own schema) is not valid UTF-8"
    elif isinstance(exc, ValueError) and str(exc).startswith(("event ", "the cached plan")):
        what = str(exc)
    elif isinstance(exc, ValueError):
        what = "a stored record is not valid JSON"
    elif isinstance(exc, sqlite3.DatabaseError):
        what = f"SQLite says: {exc}"
    else:
        what = f"a stored record cannot be read ({type(exc).__name__})"
    if found:
        what += ("; " if what else "") + f"{check} found: " + "; ".join(found[:3])
        if len(found) > 3:
            what += f" (and {len(found) - 3} more)"
    return DamagedState(
        f"{path}: the state file is damaged ({what}); nothing was written to it",
        hint=RESTORE_HINT,
    )
