"""Following a PostgreSQL weekend: the dashboard hears of another machine's check-in by LISTEN,
polls where it cannot LISTEN, says in its header while the server is out of reach, and
catches up by sequence number when it is back, with nothing missing and nothing twice."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest

from runbook.common.errors import ConnectionLost
from runbook.store import open_store
from runbook.store.postgres.store import PostgresStore
from runbook.tui.app import MissionControl
from runbook.usecases import Weekend
from runbook.usecases.live import Live
from runbook.weekend.events import EventKind, NewEvent

from .pg import Cluster
from .tui_helpers import FRIDAY_1820, control_app, prepared_weekend, until
from .weekend_helpers import FakeClock

T0 = 1_796_000_000


def note(text: str) -> NewEvent:
    return NewEvent(T0, "backup", EventKind.NOTE, "ana", "laptop", text)


def record(store: PostgresStore, text: str) -> int:
    with store.write():
        return store.append(note(text), recorded=T0).seq


@pytest.fixture
def stores(pg_database: str) -> Iterator[tuple[PostgresStore, PostgresStore]]:
    """A writer and a follower on the same weekend, as two machines would have them."""
    writer, follower = open_store(pg_database), open_store(pg_database)
    assert isinstance(writer, PostgresStore) and isinstance(follower, PostgresStore)
    follower.follow()
    yield writer, follower
    writer.close()
    follower.close()


def cut_off(cluster: Cluster, uri: str, *, keep: list[int]) -> None:
    """Terminate every backend of the weekend's database but ``keep`` (as a dropped network
    would), from a superuser connection."""
    name = uri.rsplit("/", 1)[1]
    with psycopg.connect(cluster.uri(), autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND NOT pid = ANY(%s)",
            (name, keep),
        )


def allow_connections(cluster: Cluster, uri: str, allowed: bool) -> None:
    """Let new connections into the weekend's database, or keep everyone out (superusers too)."""
    name = uri.rsplit("/", 1)[1]
    with psycopg.connect(cluster.uri(), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')


def test_a_follower_hears_of_another_machines_check_in_within_half_a_second(stores):
    writer, follower = stores
    before = follower.change_token()
    assert follower.listener is not None  # it LISTENs, on a connection of its own
    record(writer, "tape library online")
    started = time.monotonic()
    while follower.change_token() == before:
        assert time.monotonic() - started < 0.5, "the follower did not hear of the check-in"
        time.sleep(0.01)
    assert [e.note for e in follower.events()] == ["tape library online"]


def test_an_idle_follower_asks_the_server_nothing(stores, monkeypatch):
    _, follower = stores
    follower.change_token()
    looks: list[object] = []
    monkeypatch.setattr(follower, "_look", lambda: looks.append(1))
    for _ in range(20):
        follower.change_token()
    assert looks == []


def test_without_listen_a_follower_polls_once_a_second(pg_database, monkeypatch):
    monkeypatch.setenv("RUNBOOK_PG_LISTEN", "0")
    writer, follower = open_store(pg_database), open_store(pg_database)
    assert isinstance(writer, PostgresStore) and isinstance(follower, PostgresStore)
    try:
        follower.follow()
        before = follower.change_token()
        assert follower.listener is None
        record(writer, "tape library online")
        assert follower.change_token() == before  # not looked again within the second
        started = time.monotonic()
        while follower.change_token() == before:
            assert time.monotonic() - started < 1.5, "the follower did not poll"
            time.sleep(0.05)
    finally:
        writer.close()
        follower.close()


def test_a_follower_cut_off_says_so_and_after_reconnecting_reads_what_came_meanwhile(
    stores, pg_cluster, pg_database
):
    writer, follower = stores
    first = record(writer, "before")
    assert [e.seq for e in follower.events()] == [first]
    cut_off(pg_cluster, pg_database, keep=[writer.conn.info.backend_pid])
    time.sleep(0.2)  # the server's goodbye arrives
    with pytest.raises(ConnectionLost) as lost:
        for _ in range(3):  # the first look may only read it
            follower.change_token()
            follower.events()
    assert "lost the connection" in lost.value.message
    meanwhile = [record(writer, f"meanwhile {n}") for n in range(3)]
    follower.reconnect()
    assert follower.listener is not None  # it LISTENs again
    assert [e.seq for e in follower.events(after=first)] == meanwhile


@pytest.fixture
def dashboard(tmp_path, pg_database) -> Iterator[MissionControl]:
    app, _, _ = control_app(tmp_path, FakeClock(FRIDAY_1820), state=pg_database)
    yield app
    app.weekend.close()


def _header(app: MissionControl) -> str:
    return str(app.query_one("#identity").render())


async def test_the_dashboard_says_it_is_disconnected_and_catches_up_in_order_when_back(
    dashboard, pg_cluster, pg_database
):
    app = dashboard
    async with app.run_test(size=(120, 40)) as pilot:
        shown_before = [e.seq for e in app.live.recent]
        with Weekend.open(
            app.weekend.runbook_path, pg_database, clock=app.weekend.clock, create=True
        ) as other:
            store = other.store
            assert isinstance(store, PostgresStore)
            allow_connections(pg_cluster, pg_database, False)
            try:
                cut_off(pg_cluster, pg_database, keep=[store.conn.info.backend_pid])
                await until(pilot, lambda: "DISCONNECTED" in _header(app))
                assert "DISCONNECTED from the weekend's database since Fri 18:20" in _header(app)
                for n in range(5):
                    other.record("note", ["backup"], actor="sanne", host="pc2", note=f"n{n}")
                await pilot.pause(0.3)
                assert "DISCONNECTED" in _header(app)  # still out: it keeps trying
                assert [e.seq for e in app.live.recent] == shown_before  # the data stays
            finally:
                allow_connections(pg_cluster, pg_database, True)
            recorded = [e.seq for e in other.events()]
        await until(pilot, lambda: "DISCONNECTED" not in _header(app))
        await until(pilot, lambda: len(app.live.recent) == len(recorded))
        assert [e.seq for e in app.live.recent] == recorded  # in order, none missing or twice
        assert [e.note for e in app.live.recent[-5:]] == [f"n{n}" for n in range(5)]
        assert app.live.reconnects == 1


def test_a_live_follower_on_a_lost_connection_keeps_its_records_and_tries_again(
    tmp_path, pg_cluster, pg_database
):
    clock = FakeClock(FRIDAY_1820)
    runbook, state = prepared_weekend(tmp_path, clock, pg_database)
    weekend = Weekend.open(runbook, state, clock=clock, create=True)
    try:
        live = Live(weekend)
        records = dict(live.records)
        allow_connections(pg_cluster, pg_database, False)
        try:
            cut_off(pg_cluster, pg_database, keep=[])
            deadline = time.monotonic() + 60  # generous: a loaded machine is slow
            while live.link.connected:
                assert time.monotonic() < deadline, "it did not notice the lost connection"
                live.refresh()
                time.sleep(0.05)
            assert live.link.lost_since == int(clock().timestamp())
            assert live.records == records
        finally:
            allow_connections(pg_cluster, pg_database, True)
        deadline = time.monotonic() + 60
        while not live.link.connected:
            assert time.monotonic() < deadline, "it did not reconnect"
            live.refresh()
            time.sleep(0.05)
    finally:
        weekend.close()
