"""No test records at the real clock (a pytest plugin, loaded by conftest.py).

A test that records at the real clock passes today and fails once the calendar has moved on
(its events become "later events" of a weekend read at a fixed moment, or fall outside the
weekend). So every test runs under this guard: an event recorded while the test ran, whose
time (`recorded`, or `at`) is within a few seconds of the real clock, fails the test at its
teardown, naming the event. It sees what the test records in-process (through either store's
`append`), and what a subprocess left in a state file under the test's `tmp_path`.

A test that records at the real clock on purpose, with dates taken from the real clock so
that it passes on any day (the notifier follows the log as of now, and refuses --now), says
so with `@pytest.mark.real_clock("why")`.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

SLACK = 2  # seconds either side of the test's run: epoch seconds are whole
SQLITE_MAGIC = b"SQLite format 3\x00"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "real_clock(why): records at the real clock on purpose, its dates set from the real "
        "clock (tests/clock_guard.py lets it)",
    )


class Recorded:
    """Events recorded near the real clock while a test ran."""

    def __init__(self) -> None:
        self.began = time.time()
        self.found: list[str] = []

    def near(self, *instants: object) -> bool:
        """True when one of the instants (epoch seconds) is within the test's run."""
        now = time.time()
        return any(
            isinstance(i, int | float) and self.began - SLACK <= i <= now + SLACK for i in instants
        )

    def note(self, where: str, task: object, kind: object, at: object, recorded: object) -> None:
        moment = datetime.fromtimestamp(float(recorded), UTC)  # type: ignore[arg-type]
        what = f"{kind} on {task}" if task else str(kind)
        self.found.append(f"{what} recorded at {moment:%Y-%m-%d %H:%M:%S} UTC ({where})")


@pytest.fixture(autouse=True)
def recorded_under_a_fixed_clock(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Fail a test that recorded an event at the real clock (see the module's docstring)."""
    if request.node.get_closest_marker("real_clock") is not None:
        yield
        return
    # Asked for now, so that it is still there after the test.
    folder = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    watch = Recorded()
    _watch_appends(monkeypatch, watch)
    yield
    if folder is not None:
        _scan(folder, watch)
    if watch.found:
        shown = "; ".join(watch.found[:3])
        more = f" (and {len(watch.found) - 3} more)" if len(watch.found) > 3 else ""
        pytest.fail(
            f"recorded at the real clock: {shown}{more}. Record under a fixed clock (--at, "
            "--now or RUNBOOK_NOW, a FakeClock), or mark the test real_clock with why.",
            pytrace=False,
        )


def _stores() -> list[type]:
    """Both stores' classes. Imported with this plugin, at the session's start: a module
    first imported inside a test that runs pytest in-process (pytester) is taken out of
    sys.modules after it, and psycopg imported twice in one process breaks."""
    from runbook.store.sqlite.store import SQLiteStore

    try:
        from runbook.store.postgres.store import PostgresStore
    except ImportError:  # pragma: no cover (psycopg is a test dependency)
        return [SQLiteStore]
    return [SQLiteStore, PostgresStore]


STORES = _stores()


def _watch_appends(monkeypatch: pytest.MonkeyPatch, watch: Recorded) -> None:
    """Note every event a store appends in this process at the real clock."""
    for store in STORES:
        append = store.append

        def watched(self, event, *, recorded, _append=append, _name=store.__name__):  # type: ignore[no-untyped-def]
            if watch.near(event.at, recorded):
                watch.note(_name, event.task, event.kind, event.at, recorded)
            return _append(self, event, recorded=recorded)

        monkeypatch.setattr(store, "append", watched)


def _scan(folder: Path, watch: Recorded) -> None:
    """Note the events near the real clock in every state file under ``folder`` (what a
    subprocess recorded), read from a copy of the file and its log: the test's files stay as
    they are, and a damaged one only makes its copy unreadable."""
    for path in folder.rglob("*"):
        try:
            if not path.is_file() or path.is_symlink():
                continue
            with open(path, "rb") as handle:
                if handle.read(16) != SQLITE_MAGIC:
                    continue
        except OSError:
            continue
        try:
            rows = _times(path)
        except (OSError, sqlite3.Error, ValueError):  # damaged, foreign: nothing to see
            continue
        for task, kind, at, recorded in rows:
            if watch.near(at, recorded):
                watch.note(path.name, task, kind, at, recorded)


def _times(path: Path) -> list[tuple[object, object, object, object]]:
    """Every event's task, kind and times in the state file at ``path`` (and its log)."""
    with tempfile.TemporaryDirectory(prefix="clock-guard-") as folder:
        copy = Path(folder) / "state.db"
        shutil.copyfile(path, copy)
        log = path.with_name(path.name + "-wal")
        if log.exists():
            shutil.copyfile(log, Path(folder) / "state.db-wal")
        with closing(sqlite3.connect(copy)) as db:
            return db.execute("SELECT task, kind, at, recorded FROM events").fetchall()
