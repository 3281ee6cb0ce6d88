"""A check-in on PostgreSQL opens its weekend while it starts and begins its write while
opening (issue 28 §5): the connection is made in a thread while the command imports the rest
of runbook (``runbook.store.postgres.early``), and the write's BEGIN, lock, checkpoint and
log go with opening's questions. What each may and may not do is pinned here: the early
connection is used only when asked for the same thing, writes nothing and says its errors
as opening always did; the lock taken while opening is held only until the write, never
while anything else is asked, and the session's bounded waits survive a rollback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from runbook.common.errors import ConnectionLost
from runbook.format.source import digest_of
from runbook.store import open_soon, open_store
from runbook.weekend.events import EventKind, NewEvent

T0 = 1_796_000_000
RUNBOOK = b"name: x\n"  # a runbook (its bytes: only their digest is used here)
DIGEST = digest_of(RUNBOOK)


@pytest.fixture
def weekend(pg_database: str) -> Iterator[str]:
    """A weekend database holding one event and the plan of the runbook ``RUNBOOK``."""
    store = open_store(pg_database)
    assert store is not None
    with store.write():
        store.append(NewEvent(T0, "freeze", EventKind.START, "ana", "laptop"), recorded=T0)
        store.save_plan(DIGEST, "the compiled plan", created=T0)
    store.close()
    yield pg_database
    from runbook.store.postgres import early

    early.take("", read_only=False, digest=None, writing=False)  # nothing left running


@pytest.fixture
def runbook(tmp_path: Path) -> Path:
    path = tmp_path / "runbook.yaml"
    path.write_bytes(RUNBOOK)
    return path


def _lock_is_free(uri: str) -> bool:
    """Whether another session could take the weekend's write lock now."""
    import psycopg

    from runbook.store.postgres.schema import WRITE_LOCK

    with psycopg.connect(uri, autocommit=True) as conn:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (WRITE_LOCK,)).fetchone()
        return bool(row and row[0])


def _settings(store) -> tuple[str, str, str]:
    row = store.conn.execute(
        "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'),"
        " current_setting('default_transaction_read_only')"
    ).fetchone()
    return row[0], row[1], row[2]


def _idle(store) -> bool:
    import psycopg

    return store.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_opening_for_a_write_holds_the_lock_until_the_write_commits(weekend):
    store = open_store(weekend, digest=DIGEST, writing=True)
    assert store is not None
    assert store.plan_text(DIGEST) == "the compiled plan"  # read while opening
    assert not _lock_is_free(weekend)
    with store.write():
        assert store.checkpoint() is None
        (event,) = store.events()  # as read while opening, under the lock
        assert event.task == "freeze"
        store.append(NewEvent(T0 + 60, "freeze", EventKind.DONE, "ana", "laptop"), recorded=T0)
    assert _lock_is_free(weekend)
    assert [e.kind for e in store.events()] == [EventKind.START, EventKind.DONE]
    assert _settings(store) == ("15s", "15s", "off")
    store.close()


def test_a_write_rolled_back_after_opening_keeps_the_sessions_bounded_waits(weekend):
    store = open_store(weekend, digest=DIGEST, writing=True)
    assert store is not None
    with pytest.raises(RuntimeError), store.write():
        store.checkpoint()
        raise RuntimeError("refused")
    assert _idle(store) and _lock_is_free(weekend)
    # The settings were made in the transaction the rollback ended: made again.
    assert _settings(store) == ("15s", "15s", "off")
    assert len(store.events()) == 1
    store.close()


def test_a_read_before_the_write_lets_the_lock_go_first(weekend):
    store = open_store(weekend, digest=DIGEST, writing=True)
    assert store is not None
    assert store.event_count() == 1
    assert _idle(store) and _lock_is_free(weekend)
    assert _settings(store) == ("15s", "15s", "off")
    with store.write():  # begins as any write does
        store.checkpoint()
        store.append(NewEvent(T0 + 60, "freeze", EventKind.DONE, "ana", "laptop"), recorded=T0)
    assert store.event_count() == 2
    store.close()


def test_a_runbook_whose_plan_is_not_stored_is_compiled_without_holding_the_lock(weekend):
    store = open_store(weekend, digest="e" * 64, writing=True)
    assert store is not None
    assert _idle(store) and _lock_is_free(weekend)
    assert _settings(store) == ("15s", "15s", "off")
    store.close()


def test_an_early_connection_is_taken_by_the_open_that_asks_the_same(weekend, runbook):
    open_soon(weekend, runbook, writing=True)
    from runbook.store.postgres import early

    reaching = early._reaching
    assert reaching is not None
    store = open_store(weekend, digest=DIGEST, writing=True)
    assert store is not None and reaching.reached is not None
    assert store is reaching.reached[0]  # no second connection
    assert store.plan_text(DIGEST) == "the compiled plan"
    assert not _lock_is_free(weekend)  # its write begun while opening, in the thread
    with store.write():
        assert len(store.events()) == 1
    assert _lock_is_free(weekend)
    store.close()


def test_an_early_connection_for_another_runbook_is_closed_and_opened_again(weekend, runbook):
    open_soon(weekend, runbook, writing=True)
    from runbook.store.postgres import early

    reaching = early._reaching
    assert reaching is not None
    runbook.write_bytes(b"name: edited meanwhile\n")
    store = open_store(weekend, digest=digest_of(runbook.read_bytes()), writing=True)
    assert store is not None and reaching.reached is not None
    early_store = reaching.reached[0]
    assert store is not early_store and early_store.conn.closed
    assert _lock_is_free(weekend)  # no plan stored for the edited runbook: compiled first
    store.close()


def test_an_early_connection_that_fails_says_so_when_the_store_is_opened(monkeypatch, runbook):
    monkeypatch.setenv("RUNBOOK_PG_CONNECT_TIMEOUT", "2")
    uri = "postgresql://ana:s3cret@127.0.0.1:1/weekend"  # nothing listens on port 1
    open_soon(uri, runbook, writing=True)  # says nothing yet
    with pytest.raises(ConnectionLost) as early_refusal:
        open_store(uri, digest=DIGEST, writing=True)
    from runbook.store.postgres import early

    assert early._reaching is None
    with pytest.raises(ConnectionLost) as refusal:
        open_store(uri, digest=DIGEST, writing=True)
    assert early_refusal.value.message == refusal.value.message
    assert "s3cret" not in early_refusal.value.message


def test_a_runbook_that_cannot_be_read_starts_no_early_connection(weekend, tmp_path):
    open_soon(weekend, tmp_path / "missing.yaml", writing=True)
    from runbook.store.postgres import early

    assert early._reaching is None


def test_an_early_connection_writes_nothing_to_an_empty_database(pg_database, runbook):
    import psycopg

    open_soon(pg_database, runbook, writing=True)
    from runbook.store.postgres import early

    reaching = early._reaching
    assert reaching is not None
    reaching.thread.join()
    with psycopg.connect(pg_database, autocommit=True) as conn:
        row = conn.execute("SELECT to_regclass('runbook.meta')").fetchone()
        assert row == (None,)  # the schema is made by open, in the command's own thread
    assert open_store(pg_database, create=False, digest=DIGEST, writing=True) is None
    assert reaching.reached is not None and reaching.reached[0].conn.closed


def _events(uri: str) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(uri, autocommit=True) as conn:
        return conn.execute(
            "SELECT seq, task, kind, db_user FROM runbook.events ORDER BY seq"
        ).fetchall()


def _number_drawn_meanwhile(uri: str) -> None:
    """A sequence number drawn by another session while the check-in holds the write lock.
    An INSERT cannot (the schema's trigger makes it wait for the lock first); only a
    superuser's nextval can, which is what a guess's guard is for."""
    import psycopg

    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute("SELECT nextval(pg_get_serial_sequence('runbook.events', 'seq'))")


def _done(idem: str = "k1/freeze") -> NewEvent:
    return NewEvent(T0 + 60, "freeze", EventKind.DONE, "ana", "laptop", idem=idem)


def test_the_first_write_appends_with_the_number_it_will_have_and_sends_it_with_the_commit(
    weekend,
):
    store = open_store(weekend, digest=DIGEST, writing=True)
    assert store is not None
    with store.write():
        store.checkpoint()
        event = store.append(_done(), recorded=T0)
        assert _events(weekend)[-1][0] < event.seq  # not sent yet
    seq, task, kind, login = _events(weekend)[-1]
    assert (event.seq, event.task, event.kind, event.login) == (seq, task, kind, login)
    store.close()


def test_an_event_written_meanwhile_makes_the_write_run_again_and_records_nothing(weekend):
    from runbook.common.errors import WriteAgain

    store = open_store(weekend, digest=DIGEST, writing=True)
    assert store is not None
    _number_drawn_meanwhile(weekend)  # the number the check-in guessed
    with pytest.raises(WriteAgain), store.write():
        store.checkpoint()
        store.append(_done(), recorded=T0)
    assert [e[2] for e in _events(weekend)] == ["start"]
    assert _idle(store) and _lock_is_free(weekend)
    assert _settings(store) == ("15s", "15s", "off")
    with store.write():  # again, the usual way
        store.checkpoint()
        again = store.append(_done(), recorded=T0)
    assert _events(weekend)[-1][:3] == (again.seq, "freeze", "done")
    store.close()


def test_a_key_already_recorded_is_said_as_before_once_the_write_runs_again(weekend):
    from runbook.common.errors import AlreadyRecorded, WriteAgain

    store = open_store(weekend)
    assert store is not None
    with store.write():
        first = store.append(_done("k2/freeze"), recorded=T0)
    store.close()
    store = open_store(weekend, digest=DIGEST, writing=True)
    assert store is not None
    with pytest.raises(WriteAgain), store.write():
        store.checkpoint()
        store.append(_done("k2/freeze"), recorded=T0)
    already = f"already recorded as event {first.seq}"
    with pytest.raises(AlreadyRecorded, match=already), store.write():
        store.append(_done("k2/freeze"), recorded=T0)
    assert len(_events(weekend)) == 2
    store.close()


def test_a_statement_after_an_event_appended_on_a_guess_sends_the_event_first(weekend):
    store = open_store(weekend, digest=DIGEST, writing=True)
    assert store is not None
    with store.write():
        store.checkpoint()
        event = store.append(_done(), recorded=T0)
        assert [e.seq for e in store.events()][-1] == event.seq  # sent, then read
        second = store.append(_done("k3/freeze"), recorded=T0)
    assert [e[0] for e in _events(weekend)][-2:] == [event.seq, second.seq]
    store.close()


def test_a_check_in_that_finds_the_log_moved_is_recorded_the_usual_way(pg_database, tmp_path):
    from runbook.usecases import Weekend

    from .builders import minimal_runbook
    from .weekend_helpers import FakeClock

    runbook = minimal_runbook(tmp_path)
    clock = FakeClock("2026-12-04T18:30+01:00")
    with Weekend.open(runbook, pg_database, clock=clock, create=True) as opened:
        opened.record("start", ["freeze"], actor="ana", host="laptop")  # and the baseline
    with Weekend.open(runbook, pg_database, clock=clock, create=True, writing=True) as opened:
        _number_drawn_meanwhile(pg_database)
        result = opened.record("done", ["freeze"], actor="ana", host="laptop")
    assert not result.refused
    (event,) = result.events
    assert _events(pg_database)[-1][:3] == (event.seq, "freeze", "done")
    # after the number drawn meanwhile, and the one the guess's INSERT drew and rolled back
    assert event.seq == _events(pg_database)[-2][0] + 3
