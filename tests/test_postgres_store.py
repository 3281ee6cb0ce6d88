"""What the PostgreSQL store adds to the contract: the server keeps the log append-only and
says who recorded each event, a message never shows a password, and psycopg stays optional."""

from __future__ import annotations

import subprocess
import sys

import pytest

from runbook.common.errors import StateError
from runbook.store import open_store
from runbook.store.postgres import is_postgres, redact
from runbook.weekend.events import EventKind, NewEvent

T0 = 1_796_000_000


def test_only_a_postgresql_uri_is_taken_for_a_server():
    assert is_postgres("postgresql://ana@db.example/weekend")
    assert is_postgres("postgres://db.example/weekend")
    assert is_postgres("POSTGRESQL://db.example/weekend")
    assert not is_postgres("weekend.state.db")
    assert not is_postgres("postgresql.state.db")


def test_a_location_is_shown_without_its_password_or_its_secret_parameters():
    uri = (
        "postgresql://ana:s3cret@db.example:5432/weekend"
        "?sslmode=verify-full&password=other&sslkey=/home/ana/key&host=db2.example"
    )
    shown = redact(uri)
    assert shown == "postgresql://ana@db.example:5432/weekend?host=db2.example"
    assert "s3cret" not in shown and "other" not in shown and "key" not in shown


def test_a_server_that_does_not_answer_is_a_plain_refusal_without_the_password(monkeypatch):
    monkeypatch.setenv("RUNBOOK_PG_CONNECT_TIMEOUT", "2")
    with pytest.raises(StateError) as refused:
        # Port 1 on this machine: nothing listens there, so the connection is refused at once.
        open_store("postgresql://ana:s3cret@127.0.0.1:1/weekend")
    assert "cannot connect to the PostgreSQL state" in refused.value.message
    assert "postgresql://ana@127.0.0.1:1/weekend" in refused.value.message
    assert "s3cret" not in refused.value.message + (refused.value.hint or "")


def test_a_timeout_that_is_not_a_number_of_seconds_is_refused(monkeypatch):
    monkeypatch.setenv("RUNBOOK_PG_STATEMENT_TIMEOUT", "soon")
    with pytest.raises(StateError, match="RUNBOOK_PG_STATEMENT_TIMEOUT=soon"):
        open_store("postgresql://127.0.0.1:1/weekend")


def test_without_psycopg_a_postgresql_state_says_how_to_install_it():
    code = (
        "import sys\n"
        "sys.modules['psycopg'] = None\n"  # as if it were not installed
        "from runbook.common.errors import StateError\n"
        "from runbook.store import open_store\n"
        "try:\n"
        "    open_store('postgresql://ana:s3cret@db.example/weekend')\n"
        "except StateError as e:\n"
        "    print(e.message)\n"
        "    print(e.hint)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "needs psycopg, which is not installed" in out.stdout
    assert 'pip install "cutover-runbook[postgres]"' in out.stdout
    assert "s3cret" not in out.stdout


def _event(task: str = "freeze") -> NewEvent:
    return NewEvent(T0, task, EventKind.START, "ana", "laptop")


def test_events_cannot_be_updated_deleted_or_truncated_even_by_their_owner(pg_database):
    import psycopg

    store = open_store(pg_database)
    assert store is not None
    with store.write():
        store.append(_event(), recorded=T0)
    store.close()
    with psycopg.connect(pg_database, autocommit=True) as conn:
        for statement in (
            "UPDATE runbook.events SET actor = 'mallory'",
            "DELETE FROM runbook.events",
            "TRUNCATE runbook.events",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT actor FROM runbook.events").fetchall() == [("ana",)]


def test_the_server_says_who_recorded_an_event_its_team_and_whether_it_was_forced(pg_database):
    import psycopg

    store = open_store(pg_database)
    assert store is not None
    with store.write():
        store.conn.execute("INSERT INTO runbook.task_teams VALUES ('freeze', 'dba')")
        store.append(_event(), recorded=T0)  # the client says no team: the server knows it
    store.close()
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(
            # (A task no team owns: the team the client says is replaced by none.)
            "INSERT INTO runbook.events (at, recorded, task, kind, actor, host, data, team,"
            " forced, db_user) VALUES (%s, %s, 'other', 'start', 'mallory', 'x',"
            " '{\"forced\": true}', 'dba', false, 'somebody_else')",
            (T0, T0),
        )
        rows = conn.execute("SELECT db_user, team, forced FROM runbook.events ORDER BY seq")
        user = conn.execute("SELECT session_user").fetchone()
        assert user is not None
        assert rows.fetchall() == [(user[0], "dba", False), (user[0], None, True)]


def test_each_recorded_event_is_announced_with_its_sequence_number(pg_database):
    import psycopg

    store = open_store(pg_database)
    assert store is not None
    with psycopg.connect(pg_database, autocommit=True) as listener:
        listener.execute("LISTEN runbook_events")
        with store.write():
            first = store.append(_event("a"), recorded=T0)
            second = store.append(_event("b"), recorded=T0)
        heard = [n.payload for n in listener.notifies(timeout=2, stop_after=2)]
    store.close()
    assert heard == [str(first.seq), str(second.seq)]


def test_a_check_in_whose_key_is_already_in_the_log_is_not_recorded_twice(pg_database):
    from runbook.common.errors import AlreadyRecorded

    store = open_store(pg_database)
    assert store is not None
    keyed = NewEvent(T0, "freeze", EventKind.START, "ana", "laptop", idem="k1/freeze")
    with store.write():
        first = store.append(keyed, recorded=T0)
    already = f"already recorded as event {first.seq}"
    with pytest.raises(AlreadyRecorded, match=already), store.write():
        store.append(keyed, recorded=T0)
    assert len(store.events()) == 1
    store.close()
