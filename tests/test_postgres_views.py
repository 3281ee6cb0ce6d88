"""The weekend database as a PMO's data source: documented read-only views with timestamptz
columns (events, tasks with their plan and forecast figures as last computed, decisions,
aftercare), a comment on every table and view, read with the real reader login, and the
whole database dumped by pg_dump as that login and restored by pg_restore."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runbook.usecases import Weekend

from .pg import _binaries
from .test_postgres_roles import NOW, T, weekend
from .weekend_helpers import FakeClock

__all__ = ["weekend"]  # the fixture, used by name

VIEWS = ("event_log", "tasks", "decisions", "aftercare")


def _tool(name: str) -> Path:
    """A PostgreSQL client program: beside the server's initdb (its own version), else on
    the PATH."""
    bin_dir = _binaries()
    if bin_dir is not None and (bin_dir / name).exists():
        return bin_dir / name
    if bin_dir is not None and ((bin_dir / "initdb").resolve().parent / name).exists():
        return (bin_dir / "initdb").resolve().parent / name
    found = shutil.which(name)
    assert found, f"{name} is not installed"
    return Path(found)


@pytest.fixture
def played(weekend):
    """The golden weekend at Fri 18:30: freeze done by mission control, export started by a
    team member, the transfer gate decided GO, the analysers' switch dropped for time."""
    mc = weekend.login("mc", "--coordinator")
    sanne = weekend.login("sanne", "--team", "dba")
    weekend.ok("start", "freeze", "--at", "18:00", state=mc)
    weekend.ok("done", "freeze", "--at", "18:15", state=mc)
    weekend.ok("start", "export", "--at", "18:20", "--by", "Sanne Bakker", state=sanne)
    weekend.ok(
        "decide", "gate-transfer", "go", "--by", "CIO", "--note", "bandwidth tested", state=mc
    )
    weekend.ok("drop", "switch", "--reason", "no time", "--force", state=mc)
    return weekend


def _read(uri: str, query: str, *args: object) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(uri, autocommit=True) as conn:
        return conn.execute(query, args).fetchall()


def test_the_reader_reads_every_task_with_plan_and_forecast_as_timestamps(played):
    reader = played.login("pmo_bi", "--reader")
    rows = _read(
        reader,
        "SELECT task, status, planned_start, forecast_start, forecast_finish, baseline_finish,"
        " actual_start, critical, as_of, events_since, computed_by FROM runbook.tasks",
    )
    by_task = {row[0]: row for row in rows}
    with Weekend.open(played.runbook, played.admin, clock=FakeClock(NOW + "+01:00")) as weekend:
        snap = weekend.snapshot()
    assert set(by_task) == {t.id for t in snap.plan.tasks}
    for state in snap.tasks:
        row = by_task[state.id]
        assert row[1] == state.shown_status
        assert row[3] == datetime.fromtimestamp(state.forecast_start, UTC)
        assert row[4] == datetime.fromtimestamp(state.forecast_finish, UTC)
        assert row[7] is state.critical
    export = by_task["export"]
    assert export[1] == "running"
    assert export[6] == datetime(2026, 12, 4, 17, 20, tzinfo=UTC)  # 18:20 in Amsterdam
    assert export[8] == datetime.fromtimestamp(T, UTC)  # as of the last write's clock
    assert {row[9] for row in rows} == {0}  # computed after the last event
    assert {row[10] for row in rows} == {f"{played.prefix}mc"}  # by the server's word


def test_the_views_have_real_timestamptz_and_jsonb_columns(played):
    reader = played.login("pmo_bi", "--reader")
    types = dict(
        ((table, column), kind)
        for table, column, kind in _read(
            reader,
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'runbook' AND table_name = ANY(%s)",
            list(VIEWS),
        )
    )
    stamp = "timestamp with time zone"
    for place in [
        ("event_log", "at"),
        ("event_log", "recorded"),
        ("tasks", "planned_start"),
        ("tasks", "forecast_finish"),
        ("tasks", "as_of"),
        ("decisions", "decided_at"),
        ("aftercare", "forecast_finish"),
    ]:
        assert types[place] == stamp, place
    assert types[("event_log", "data")] == "jsonb"
    assert types[("tasks", "duration")] == "interval"
    [(at, data)] = _read(
        reader,
        "SELECT at, data FROM runbook.event_log WHERE task = 'switch' AND kind = 'skip'",
    )
    assert at == datetime.fromtimestamp(T, UTC)
    assert data == {"dropped": True, "forced": True, "overrode": data["overrode"]}


def test_decisions_and_aftercare_say_what_a_pmo_asks(played):
    reader = played.login("pmo_bi", "--reader")
    query = "SELECT gate, decision, decided_at, note, db_user, in_force FROM runbook.decisions"
    [decision] = _read(reader, query)
    assert decision == (
        "gate-transfer",
        "go",
        datetime.fromtimestamp(T, UTC),
        "bandwidth tested",
        f"{played.prefix}mc",
        True,
    )
    mc = played.as_login(f"{played.prefix}mc")
    played.ok("decide", "gate-transfer", "no-go", "--by", "CIO", "--note", "vendor gone", state=mc)
    assert [(d[1], d[5]) for d in _read(reader, query + " ORDER BY seq")] == [
        ("go", False),
        ("no-go", True),
    ]
    aftercare = dict(
        (task, (status, reason))
        for task, status, reason in _read(
            reader, "SELECT task, status, reason FROM runbook.aftercare"
        )
    )
    assert "freeze" not in aftercare  # done
    assert aftercare["switch"] == ("dropped", "no time")
    assert aftercare["export"] == ("running", None)


def test_a_write_by_plain_sql_shows_as_events_since_the_figures(played):
    import psycopg

    reader = played.login("pmo_bi", "--reader")
    sanne = played.as_login(f"{played.prefix}sanne")
    with psycopg.connect(sanne, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO runbook.events (at, recorded, task, kind, actor, host, note) "
            f"VALUES ({T}, {T}, 'export', 'note', 'Sanne', 'sql', 'by hand')"
        )
    assert {r[0] for r in _read(reader, "SELECT events_since FROM runbook.tasks")} == {1}
    played.ok("note", "export", "through the client", state=sanne)  # a team member's write
    rows = _read(reader, "SELECT events_since, computed_by FROM runbook.tasks")
    assert {r for r in rows} == {(0, f"{played.prefix}sanne")}


def test_the_reader_may_not_write_the_figures_nor_anything_else(played):
    import psycopg

    reader = played.login("pmo_bi", "--reader")
    with psycopg.connect(reader, autocommit=True) as conn:
        for statement in (
            "DELETE FROM runbook.task_figures",
            "UPDATE runbook.task_figures SET status = 'done'",
            "INSERT INTO runbook.meta (key, value) VALUES ('x', 'y')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_every_table_and_view_has_a_comment(played):
    reader = played.login("pmo_bi", "--reader")
    found = _read(
        reader,
        "SELECT c.relname, c.relkind, obj_description(c.oid, 'pg_class') FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'runbook' AND c.relkind IN ('r', 'v', 'p')",
    )
    kinds = {name: kind for name, kind, _ in found}
    assert {name for name, kind in kinds.items() if kind == "v"} == set(VIEWS)
    assert {"events", "meta", "plans", "task_figures", "outbox"} <= set(kinds)
    assert [name for name, _, comment in found if not comment] == []


def test_pg_dump_as_the_reader_dumps_the_whole_database_and_pg_restore_brings_it_back(
    played, pg_cluster, tmp_path
):
    pg_dump, pg_restore = _tool("pg_dump"), _tool("pg_restore")
    reader = played.login("pmo_bi", "--reader")
    dump = tmp_path / "weekend.dump"
    # The events table has row-level security (who may record what): pg_dump switches it
    # off by default, which only a table's owner may; --enable-row-security keeps it on, and
    # the reader's policy lets it read every row.
    plain = subprocess.run([pg_dump, "-Fc", "-f", dump, reader], capture_output=True)
    assert plain.returncode != 0 and b"row-level security" in plain.stderr
    done = subprocess.run(
        [pg_dump, "--enable-row-security", "-Fc", "-f", dump, reader],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    copy = pg_cluster.create_database()
    restored = subprocess.run(
        [pg_restore, "--exit-on-error", "-d", copy, dump],
        capture_output=True,
        text=True,
    )
    assert restored.returncode == 0, restored.stderr
    count = "SELECT count(*), max(seq) FROM runbook.events"
    assert _read(copy, count) == _read(played.admin, count)
    figures = "SELECT task, status, forecast_finish FROM runbook.tasks ORDER BY task"
    assert _read(copy, figures) == _read(played.admin, figures)
    pg_cluster.recycle(copy)
