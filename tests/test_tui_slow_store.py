"""The dashboard never waits on the database: with another process holding the weekend's
write lock (SQLite) or a lock the server makes a read wait for (PostgreSQL), the keys and the
clock still answer, and what waited shows once the lock goes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from textual.widgets import Input, TabbedContent

from runbook.tui.app import MissionControl
from runbook.tui.screens import ConfirmScreen
from runbook.tui.widgets import TaskTable
from runbook.usecases import Weekend

from .tui_helpers import FRIDAY_1820, control_app, until
from .weekend_helpers import FakeClock, at

# Holds SQLite's write lock on a state file until told (a line on stdin), or for at most
# HOLD_S seconds: before the dashboard had its store thread, a check-in froze the screen
# until then, so the test fails instead of hanging. Long enough for a loaded 2-core CI machine
# to press the keys (12 s was not), short of the store's 30 s busy timeout, after which the
# waiting check-in would give up.
HOLD_S = 25
HOLDER = textwrap.dedent(
    """
    import select, sqlite3, sys
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    select.select([sys.stdin], [], [], float(sys.argv[2]))
    db.execute("ROLLBACK")
    print("released", flush=True)
    """
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FRIDAY_1820)


def _header(app: MissionControl) -> str:
    return str(app.query_one("#identity").render())


def _last_event(app: MissionControl) -> tuple[str | None, str, str]:
    """The last event as another process reads it."""
    with Weekend.open(app.weekend.runbook_path, app.weekend.state_path) as other:
        event = other.events()[-1]
    return event.task, event.kind, event.actor


def _raw_last_event(state: object) -> tuple[str | None, str, str]:
    """The last event, read by a plain SQLite connection (the lock holder does not stop a
    reader of the log)."""
    import sqlite3

    db = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
    try:
        row = db.execute(
            "SELECT task, kind, actor FROM events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    finally:
        db.close()
    return row[0], row[1], row[2]


async def _keys_and_clock_answer(pilot, app: MissionControl, clock: FakeClock) -> None:
    """A tab key switches tabs (and back), and the clock's next second shows."""
    tabs = app.query_one(TabbedContent)
    await pilot.press("3")
    await until(pilot, lambda: tabs.active == "log")
    await pilot.press("1")
    await until(pilot, lambda: tabs.active == "tasks")
    clock.advance(seconds=2)
    await until(pilot, lambda: "18:20:02" in _header(app))


async def test_a_check_in_waiting_for_another_process_lock_leaves_keys_and_clock_answering(
    tmp_path: Path, clock: FakeClock
) -> None:
    app, _, state = control_app(tmp_path, clock)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(state), str(HOLD_S)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"
        async with app.run_test(size=(120, 40)) as pilot:
            assert app.query_one(TaskTable).select("backup")
            await pilot.press("d")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("enter")  # the check-in now waits for the lock
            await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
            await _keys_and_clock_answer(pilot, app, clock)
            assert holder.poll() is None, "the lock went before the keys answered"
            assert app.io.busy  # the check-in is still waiting ...
            assert app.snap is not None and app.snap.by_id("backup").status == "running"
            assert _raw_last_event(state) != ("backup", "done", "coordinator")  # ... unwritten
            holder.stdin.write("go\n")
            holder.stdin.flush()
            await until(pilot, lambda: app.snap.by_id("backup").status == "done")
            assert _last_event(app) == ("backup", "done", "coordinator")
    finally:
        holder.kill()
        holder.wait()
        app.weekend.close()


@pytest.fixture
def pg_dashboard(tmp_path: Path, pg_database: str, clock: FakeClock) -> Iterator[MissionControl]:
    app, _, _ = control_app(tmp_path, clock, state=pg_database)
    yield app
    app.weekend.close()


async def test_a_read_waiting_on_a_server_lock_leaves_keys_and_clock_answering(
    pg_dashboard: MissionControl, pg_database: str, clock: FakeClock
) -> None:
    app = pg_dashboard
    locker = psycopg.connect(pg_database, autocommit=True)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            assert app.query_one(TaskTable).select("backup")
            locker.execute("BEGIN")
            # As a migration or a dump restore would: every read of the log now waits.
            locker.execute("LOCK TABLE runbook.events, runbook.checkpoint IN ACCESS EXCLUSIVE MODE")
            await pilot.press("d")  # what the rules would say is read from the log: it waits
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            dialog = app.screen
            assert isinstance(dialog, ConfirmScreen)
            await pilot.press(*"18:15")  # the dialog takes the time told meanwhile
            when = dialog.query_one("#when", Input)
            await until(pilot, lambda: when.value == "18:15")
            clock.advance(seconds=2)
            await until(pilot, lambda: "18:20:02" in _header(app))
            assert not dialog.answered and app.io.busy  # the read still waits
            locker.execute("ROLLBACK")
            await until(pilot, lambda: dialog.answered)
            await pilot.press("enter")
            await until(pilot, lambda: app.snap.by_id("backup").status == "done")
            assert _last_event(app) == ("backup", "done", "coordinator")
            with Weekend.open(app.weekend.runbook_path, pg_database) as other:
                assert other.events()[-1].at == int(at("2026-12-04T18:15+01:00").timestamp())
    finally:
        locker.close()


def test_a_snapshot_handed_out_keeps_its_records_when_later_events_are_folded(
    tmp_path: Path, clock: FakeClock
) -> None:
    """The store's thread folds new events while the screen still reads the last snapshot
    (its task states are built as they are read): that snapshot must not change under it."""
    from runbook.usecases.live import Live

    from .tui_helpers import prepared_weekend

    runbook, state = prepared_weekend(tmp_path, clock)
    with Weekend.open(runbook, state, clock=clock) as weekend:
        live = Live(weekend)
        before = live.snapshot()
        handed, count = live.recent, len(live.recent)  # the events the screen was given
        with Weekend.open(runbook, state, clock=clock) as other:
            other.record("done", ["backup"], actor="sanne", host="pc2")
            other.record("note", ["backup"], actor="sanne", host="pc2", note="tapes out")
        assert live.refresh()
        after = live.snapshot()
    assert after.by_id("backup").status == "done"
    backup = before.records["backup"]
    assert (backup.state, len(backup.notes)) == ("running", 1)
    assert before.by_id("backup").status == "running"  # built only now, from its own records
    assert len(handed) == count and len(live.recent) == count + 2
    assert before.records is not after.records
