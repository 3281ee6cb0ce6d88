"""The state database: what a new one looks like, an append-only log, and the files it refuses.

A state file that belongs to another runbook, that is not a runbook state database, or that a
newer runbook wrote, is refused with a clear message, and nothing is written to it: every test
of a refusal compares the bytes of the file (and of its WAL) before and after.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runbook.common.errors import StateError
from runbook.store.sqlite.store import (
    APPLICATION_ID,
    BUSY_TIMEOUT_MS,
    SCHEMA_VERSION,
    SQLiteStore,
)
from runbook.usecases import Weekend
from runbook.weekend.events import NewEvent

from .conftest import EXAMPLES

MINIMAL = EXAMPLES / "minimal.yaml"
MINIMAL_NAME = "Move the intranet to the cloud"
OTHER_NAME = "Move the payroll to the cloud"


def now() -> datetime:
    """A fixed moment of the minimal example's weekend (Fri 04 Dec 2026 19:30 in Amsterdam):
    a test records under a fixed clock, never the real one."""
    return datetime(2026, 12, 4, 18, 30, tzinfo=UTC)


def fingerprint(state: Path) -> dict[str, str]:
    """A hash of every file of a state database in its folder: the file itself, and its WAL
    when there is one. (The -shm file is only SQLite's shared-memory index of the WAL.)"""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(state.parent.glob(state.name + "*"))
        if not p.name.endswith("-shm")
    }


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def open_store(path: Path) -> SQLiteStore:
    store = SQLiteStore.open(path)
    assert store is not None
    return store


@pytest.fixture
def minimal_state(tmp_path: Path) -> Path:
    """A state file of examples/minimal.yaml with the first check-ins of the weekend."""
    state = tmp_path / "weekend.state.db"
    with Weekend.open(MINIMAL, state, clock=now, create=True) as weekend:
        weekend.record("start", ["freeze"], actor="ingrid", host="pmo-1")
        weekend.record("note", ["freeze"], actor="ingrid", host="pmo-1", note="all quiet")
    return state


@pytest.fixture
def other_runbook(tmp_path: Path) -> Path:
    """Another runbook: examples/minimal.yaml under another name."""
    path = tmp_path / "payroll.yaml"
    text = MINIMAL.read_text(encoding="utf-8")
    assert f"name: {MINIMAL_NAME}\n" in text
    path.write_text(text.replace(f"name: {MINIMAL_NAME}\n", f"name: {OTHER_NAME}\n"), "utf-8")
    return path


# -- a new state file ------------------------------------------------------------------


def test_a_new_state_file_carries_the_application_id_and_the_schema_version(tmp_path):
    state = tmp_path / "new.state.db"
    open_store(state).close()
    with closing(sqlite3.connect(state)) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # kept in the file
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"meta", "events", "plans"} <= tables


def test_an_open_store_waits_when_busy_and_syncs_every_commit(tmp_path):
    store = open_store(tmp_path / "new.state.db")
    try:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        store.close()


def test_opening_a_missing_state_file_without_create_gives_none_and_creates_nothing(tmp_path):
    assert SQLiteStore.open(tmp_path / "missing.state.db", create=False) is None
    assert files_in(tmp_path) == []


def test_a_state_file_in_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(StateError, match="does not exist"):
        SQLiteStore.open(tmp_path / "no" / "such" / "weekend.state.db")


def test_a_folder_given_as_the_state_file_is_refused(tmp_path):
    with pytest.raises(StateError, match="is a directory"):
        SQLiteStore.open(tmp_path)


def test_reopening_a_current_state_file_writes_nothing(minimal_state):
    before = fingerprint(minimal_state)
    store = open_store(minimal_state)
    assert [e.kind for e in store.events()] == ["baseline", "start", "note"]
    store.close()
    assert fingerprint(minimal_state) == before


def test_events_come_back_in_order_with_their_data(tmp_path):
    store = open_store(tmp_path / "new.state.db")
    try:
        with store.write():
            first = store.append(
                NewEvent(100, "freeze", "start", "ingrid", "pmo-1", None, {"forced": True}),
                recorded=105,
            )
            # (A baseline names its runbook: an event of the shape its kind allows.)
            taken = {"digest": "0" * 64}
            second = store.append(
                NewEvent(200, None, "baseline", "ingrid", "pmo-1", None, taken), recorded=200
            )
        events = store.events()
    finally:
        store.close()
    assert events == [first, second]
    assert (first.seq, first.at, first.recorded, first.forced) == (1, 100, 105, True)
    assert (second.task, second.data, second.forced) == (None, {"digest": "0" * 64}, False)


def test_a_failed_write_transaction_records_nothing(tmp_path):
    store = open_store(tmp_path / "new.state.db")
    try:
        with pytest.raises(RuntimeError), store.write():
            store.append(NewEvent(100, "freeze", "note", "a", "h", "lost"), recorded=100)
            raise RuntimeError("the check-in went wrong half-way")
        assert store.events() == []
        assert not store.db.in_transaction
    finally:
        store.close()


# -- append-only -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET note = 'rewritten history'",
        "UPDATE events SET at = at - 3600 WHERE kind = 'start'",
        "DELETE FROM events",
        "DELETE FROM events WHERE kind = 'note'",
    ],
)
def test_events_cannot_be_rewritten_or_deleted_by_any_sqlite_client(minimal_state, statement):
    with closing(sqlite3.connect(minimal_state)) as db:
        before = db.execute("SELECT * FROM events ORDER BY seq").fetchall()
        with pytest.raises(sqlite3.DatabaseError, match="events are append-only"):
            db.execute(statement)
        db.commit()
        assert db.execute("SELECT * FROM events ORDER BY seq").fetchall() == before


def test_events_cannot_be_rewritten_even_inside_the_stores_own_transaction(minimal_state):
    store = open_store(minimal_state)
    try:
        before = store.events()
        with pytest.raises(sqlite3.DatabaseError, match="append-only"), store.write() as db:
            db.execute("UPDATE events SET actor = 'someone else'")
        assert store.events() == before
    finally:
        store.close()


# -- refusals --------------------------------------------------------------------------


@pytest.mark.parametrize("watched", [False, True], ids=["closed", "open-in-another-terminal"])
def test_a_state_file_of_another_runbook_is_refused_naming_both_and_left_untouched(
    minimal_state, other_runbook, watched
):
    # Mission control may have the state file open, with check-ins still in the WAL.
    watcher = sqlite3.connect(minimal_state) if watched else None
    try:
        if watcher is not None:
            watcher.execute("SELECT count(*) FROM events").fetchone()
            with Weekend.open(MINIMAL, minimal_state, clock=now, create=True) as weekend:
                weekend.record("done", ["freeze"], actor="ingrid", host="pmo-1")
            assert Path(f"{minimal_state}-wal").stat().st_size > 0
        before = fingerprint(minimal_state)

        with pytest.raises(StateError) as refused:
            Weekend.open(other_runbook, minimal_state, clock=now, create=True)

        message = refused.value.message
        assert f"'{MINIMAL_NAME}'" in message
        assert f"'{OTHER_NAME}'" in message
        assert "nothing was written" in message
        assert refused.value.hint and "--state" in refused.value.hint
        assert fingerprint(minimal_state) == before
    finally:
        if watcher is not None:
            watcher.close()
    with Weekend.open(MINIMAL, minimal_state, clock=now) as weekend:  # still its owner's
        assert weekend.events()[-1].kind == ("done" if watched else "note")


NOT_A_DATABASE: dict[str, bytes] = {
    "the-runbook-itself": MINIMAL.read_bytes(),  # `--state weekend.yaml` by mistake
    "a-short-text": b"hello\n",
    "binary-junk": random.Random(7).randbytes(8192),
    "a-corrupt-sqlite-header": b"SQLite format 3\x00" + random.Random(8).randbytes(4080),
}


@pytest.mark.parametrize("content", NOT_A_DATABASE.values(), ids=NOT_A_DATABASE.keys())
def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path, content):
    state = tmp_path / "given.db"
    state.write_bytes(content)
    with pytest.raises(StateError, match="not a runbook state file") as refused:
        SQLiteStore.open(state)
    assert "not an SQLite database" in refused.value.message
    assert state.read_bytes() == content
    assert files_in(tmp_path) == ["given.db"]


def _foreign_database(path: Path, *, journal_mode: str) -> None:
    """Another application's SQLite database (an invoicing tool, say)."""
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA journal_mode = {journal_mode}")
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, customer TEXT, total REAL)")
        db.executemany(
            "INSERT INTO invoices (customer, total) VALUES (?, ?)",
            [("Acme", 120.5), ("Globex", 99.0)],
        )
        db.commit()


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_another_applications_sqlite_database_is_refused_and_left_untouched(tmp_path, journal_mode):
    state = tmp_path / "invoices.db"
    _foreign_database(state, journal_mode=journal_mode)
    before, listing = fingerprint(state), files_in(tmp_path)

    with pytest.raises(StateError, match="an SQLite database of something else") as refused:
        SQLiteStore.open(state)

    assert "nothing was written" in refused.value.message
    assert fingerprint(state) == before
    assert files_in(tmp_path) == listing
    with closing(sqlite3.connect(state)) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0  # not claimed as ours
        assert db.execute("SELECT count(*) FROM invoices").fetchone()[0] == 2


def test_a_foreign_database_with_a_leftover_write_ahead_log_keeps_it(tmp_path):
    """Its writer died with transactions still in the WAL. Closing a read-write connection
    would fold them into the file; the refusal looks through a read-only one instead."""
    state = tmp_path / "invoices.db"
    writer = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA journal_mode = WAL')\n"
        "db.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "db.execute('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)')\n"
        "db.executemany('INSERT INTO invoices (total) VALUES (?)', [(1.0,), (2.0,)])\n"
        "os._exit(0)  # no close: the log stays behind\n"
    )
    subprocess.run([sys.executable, "-c", writer, str(state)], check=True)
    (tmp_path / "invoices.db-shm").unlink()  # as after a copy: only the file and its log
    before = fingerprint(state)
    assert "invoices.db-wal" in before

    with pytest.raises(StateError, match="an SQLite database of something else"):
        SQLiteStore.open(state)

    assert fingerprint(state) == before
    with closing(sqlite3.connect(f"{state.as_uri()}?mode=ro", uri=True)) as db:
        assert db.execute("SELECT count(*) FROM invoices").fetchone()[0] == 2


def test_an_empty_database_stamped_by_another_application_is_refused(tmp_path):
    state = tmp_path / "theirs.db"
    with closing(sqlite3.connect(state)) as db:
        db.execute("PRAGMA application_id = 1179798321")  # someone else's id, no tables yet
        db.commit()
    before = fingerprint(state)
    with pytest.raises(StateError, match="something else"):
        SQLiteStore.open(state)
    assert fingerprint(state) == before


def _make_newer(state: Path) -> None:
    with closing(sqlite3.connect(state)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        db.commit()


@pytest.mark.parametrize(
    "opener",
    [
        pytest.param(lambda state: SQLiteStore.open(state), id="store"),
        pytest.param(lambda state: Weekend.open(MINIMAL, state, create=True), id="weekend"),
    ],
)
def test_a_state_file_from_a_newer_runbook_is_refused_and_left_untouched(
    minimal_state, opener: Callable[[Path], object]
):
    _make_newer(minimal_state)
    before, listing = fingerprint(minimal_state), files_in(minimal_state.parent)

    with pytest.raises(StateError, match="newer") as refused:
        opener(minimal_state)

    assert f"state schema {SCHEMA_VERSION + 1}" in refused.value.message
    assert "nothing was written" in refused.value.message
    assert refused.value.hint and "upgrade" in refused.value.hint
    assert fingerprint(minimal_state) == before
    assert files_in(minimal_state.parent) == listing


# -- the same refusals at the command line ---------------------------------------------


@pytest.fixture
def bad_state(
    tmp_path: Path, minimal_state: Path, other_runbook: Path
) -> Callable[[str], tuple[Path, Path, str]]:
    """(runbook, state file, expected words) for each kind of state file that is refused."""

    def make(kind: str) -> tuple[Path, Path, str]:
        if kind == "another-runbook":
            return other_runbook, minimal_state, "belongs to the runbook"
        if kind == "newer":
            _make_newer(minimal_state)
            return MINIMAL, minimal_state, "written by a newer runbook"
        path = tmp_path / f"{kind}.db"
        if kind == "text":
            path.write_text("these are my notes for the weekend\n", encoding="utf-8")
        elif kind == "junk":
            path.write_bytes(NOT_A_DATABASE["binary-junk"])
        elif kind == "foreign":
            _foreign_database(path, journal_mode="wal")
            return MINIMAL, path, "an SQLite database of something else"
        return MINIMAL, path, "not a runbook state file (it is not an SQLite database)"

    return make


@pytest.mark.parametrize("kind", ["another-runbook", "text", "junk", "foreign", "newer"])
@pytest.mark.parametrize(
    "command",
    [("start", "freeze"), ("note", "freeze", "all quiet"), ("status",)],
    ids=["start", "note", "status"],
)
def test_the_cli_refuses_a_bad_state_file_with_one_clear_line_and_writes_nothing(
    cli, bad_state, kind, command
):
    runbook, state, expected = bad_state(kind)
    before, listing = fingerprint(state), files_in(state.parent)

    result = cli(*command, "-f", runbook, "--state", state)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    first, *rest = result.stderr.splitlines()
    assert first.startswith("runbook: error: ")
    assert str(state) in first
    assert expected in first
    assert all(line.startswith("  hint: ") for line in rest)
    assert fingerprint(state) == before
    assert files_in(state.parent) == listing
