"""Whether an SQLite state file is sound, found before anything may write to it.

Every command looks at an existing state file first, through a connection that cannot
change it or anything beside it (``sqlitelook``), and a damaged one is refused there, before
any connection that could write: a read-write open may switch the journal mode, migrate,
roll a journal back or fold a log in, and even a read-only one leaves a log and its index
beside the file. The refusals say what SQLite found and what to do.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from runbook.common.errors import DamagedState
from runbook.weekend.sqlitelook import BUSY_TIMEOUT_S, Unsteady, look_at, sidecar, uri
from runbook.weekend.sqliteschema import (
    SCHEMA_VERSION,
    SQLITE_MAGIC,
    TABLES_ADDED,
    corrupt,
    event_from_row,
    identify,
    not_a_database,
)


def diagnose(path: Path, *, writing: bool) -> bool:
    """Refuse a file that is not a runbook state file, is too new or is damaged, through a
    look that cannot change it or anything beside it (``sqlitelook``), before any connection
    that could: a read-write open may switch the journal mode, migrate, roll a journal back
    or fold a log in, and even a read-only one leaves a log and its index beside the file. A
    refusal promises that nothing was written, to the file or beside it.

    ``writing``: the file is about to be opened for writing. Opening writes to a file in the
    older journal mode (switched to WAL) or of an older schema (migrated), so such a file is
    read through first (``_read_through``): a record that cannot be read is then found
    before that write, not after it.

    True when the file is known to be sound (or holds no state yet). False when the look
    gave no verdict on its soundness: a rollback journal lies beside it (only opening it
    for writing may roll that back, and until then the file may look torn), the file kept
    changing under the look, or SQLite could not look (busy, no permission): the connection
    that opens it checks then, and says what is wrong."""
    journal = sidecar(path, "-journal").exists()
    try:
        look_at(path, lambda db: _examine(db, path, thorough=not journal, writing=writing))
    except Unsteady:
        return False
    # A damaged schema text can make even SQLite's error message undecodable.
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        refusal = not_a_database(path, exc)
        if refusal is not None:
            raise refusal from None
        if journal or not corrupt(exc):
            return False  # locked, busy, cannot open: the real open says what is wrong
        raise damaged_state(path, exc, found_by_a_look(path)) from None
    except sqlite3.Error:
        return False
    return not journal


def log_keeper(path: Path) -> sqlite3.Connection | None:
    """A connection that only reads, held open beside the one that writes when a log was
    beside the file (check-ins a crash left unfolded, or another process's). SQLite folds
    the log into the file, and removes it, when the last connection closes; while this one
    is open the connection that writes is never the last, so a file found damaged only after
    it was opened (a stored record that cannot be read) keeps its log as it was
    (``SQLiteStore.close``). Opened after the writing connection's first read: SQLite shares
    the log's index between the connections of a process, and the writing one must open it
    for writing."""
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
    """Refuse a file with a record that cannot be read, or an index that disagrees with its
    table (SQLite's full integrity check): every event, and every stored plan (its checksum
    and header). Reading every event costs what the checkpoint saves a check-in, so only a
    file that opening writes to is read through: one in the older journal mode, or of an
    older schema, both once in a file's life."""
    from runbook.planning.plan import Plan

    found = [str(r[0]) for r in db.execute("PRAGMA integrity_check(10)")]
    if found != ["ok"]:
        raise damaged_state(path, None, found, check="integrity_check")
    try:
        for row in db.execute(
            "SELECT seq, at, recorded, task, kind, actor, host, note, data FROM events"
        ):
            event_from_row(row)
        for (text,) in db.execute("SELECT plan FROM plans"):
            Plan.loads(text)
    except (sqlite3.DatabaseError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise damaged_state(path, exc, []) from None
    except AttributeError:  # a plan whose checksum line is JSON, but not an object
        raise damaged_state(path, ValueError("a stored plan cannot be read"), []) from None


def check_sound(db: sqlite3.Connection, path: Path, version: int) -> bool:
    """Refuse a damaged file: a header that SQLite would rewrite, tables that disagree with
    the schema version the header gives, or what SQLite's quick check finds. True when the
    file is in WAL mode (as its header says)."""
    wal = _check_header(path)
    _check_tables(db, path, version)
    found = quick_check(db)
    if found:
        raise damaged_state(path, None, found)
    return wal


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
    """Refuse a file whose header gives a schema version its tables disagree with (a
    damaged header, which a migration would write into)."""
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = frozenset().union(*TABLES_ADDED[:version]) - names
    later = frozenset().union(*TABLES_ADDED[version:]) & names
    if not missing and not later:
        return
    what = f"its header gives state schema {version}, but " + (
        f"the table {sorted(missing)[0]} is missing"
        if missing
        else f"it has the table {sorted(later)[0]} of a later schema"
    )
    raise DamagedState(
        f"{path}: the state file is damaged ({what}); nothing was written to it",
        hint=RESTORE_HINT,
    )


def quick_check(db: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA quick_check`` finds wrong (empty when nothing is)."""
    try:
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
    elif isinstance(exc, ValueError) and str(exc).startswith("event "):
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
