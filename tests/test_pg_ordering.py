"""Events on PostgreSQL are ordered by commit: fifty machines checking in at once lose nothing,
and the dashboard's follower, reading "events after N" while they write, sees every one of
them in sequence order, with no gap (the write lock in ``PostgresStore.write`` is what makes
a sequence number visible only after every smaller one)."""

from __future__ import annotations

import multiprocessing
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runbook.usecases import Weekend
from runbook.usecases.live import Live

from .builders import minimal_runbook

WRITERS, PER_WRITER = 50, 20
TIMEOUT = 180  # seconds for the whole group: a generous deadline, they need a few
# Every machine checks in at this moment (Fri 19:30 in Amsterdam): a test records under a
# fixed clock, never the real one.
AT = datetime(2026, 12, 4, 18, 30, tzinfo=UTC)


def _writer(runbook: str, uri: str, name: str, go: object) -> None:
    """One machine: its own process and connection, twenty notes as fast as it can."""
    with Weekend.open(runbook, uri, create=True, clock=lambda: AT) as weekend:
        go.wait(TIMEOUT)  # type: ignore[attr-defined]
        for n in range(PER_WRITER):
            result = weekend.record("note", ["backup"], actor=name, host=name, note=f"{name} {n}")
            assert not result.refused, result.refused


@pytest.mark.slow
def test_fifty_writers_lose_nothing_and_the_follower_sees_all_in_order(
    tmp_path: Path, pg_database: str
):
    runbook = minimal_runbook(tmp_path)
    with Weekend.open(runbook, pg_database, create=True):
        pass  # the schema and the plan exist before the race
    # Forked before this process holds any connection: each child opens its own.
    context = multiprocessing.get_context("fork")
    go = context.Event()
    names = [f"team-{n:02d}" for n in range(WRITERS)]
    procs = [
        context.Process(target=_writer, args=(str(runbook), pg_database, name, go))
        for name in names
    ]
    for proc in procs:
        proc.start()
    seen: list[int] = []
    try:
        with Weekend.open(runbook, pg_database) as dashboard:
            live = Live(dashboard)
            go.set()
            deadline = time.monotonic() + TIMEOUT
            while any(p.is_alive() for p in procs) and time.monotonic() < deadline:
                seen.extend(e.seq for e in live.refresh().events)
                time.sleep(0.01)
            seen.extend(e.seq for e in live.refresh(force=True).events)  # the last ones
            stored = dashboard.store.events() if dashboard.store else []
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
    assert [p.exitcode for p in procs] == [0] * WRITERS
    notes = [e for e in stored if e.kind == "note"]  # the first check-in also sets a baseline
    assert len(notes) == WRITERS * PER_WRITER  # nothing lost
    for name in names:
        assert [e.note for e in notes if e.actor == name] == [
            f"{name} {n}" for n in range(PER_WRITER)
        ]
    assert [e.seq for e in stored] == list(range(1, len(stored) + 1))  # no gap
    # The follower saw each event once, in sequence order, while they wrote: none missed
    # (a follower reading "after N" skips for good an event committed after a later one).
    assert seen == [e.seq for e in stored]
