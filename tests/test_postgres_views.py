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


# Every column a client writes, as the server shows it: the interval's days apart from its
# time ("1 day 01:00:00" is not "25:00:00" to a reader), the times in UTC.
_AS_TEXT = (
    "SELECT task, title, team, phase, priority, milestone, gate, status, reason,"
    " duration::text, planned_start, planned_finish, baseline_start, baseline_finish,"
    " actual_start, actual_finish, forecast_start, forecast_finish, total_float::text,"
    " critical, late, as_of, covers_seq FROM {} ORDER BY task"
)


def _as_psycopg_sends_them(rows, covers: int, as_of: int) -> list[tuple[object, ...]]:
    """The figures as psycopg's own adapters send them (a datetime, a timedelta): what a
    row by row INSERT of each task wrote before issue 28 §5."""
    from datetime import timedelta

    def moment(seconds: int | None) -> datetime | None:
        return None if seconds is None else datetime.fromtimestamp(seconds, UTC)

    def row(r) -> tuple[object, ...]:
        return (
            r.task, r.title, r.team, r.phase, r.priority, r.milestone, r.gate, r.status,
            r.reason, timedelta(seconds=r.duration), moment(r.planned_start),
            moment(r.planned_finish), moment(r.baseline_start), moment(r.baseline_finish),
            moment(r.actual_start), moment(r.actual_finish), moment(r.forecast_start),
            moment(r.forecast_finish), timedelta(seconds=r.total_float), r.critical, r.late,
            moment(as_of), covers,
        )  # fmt: skip

    return [row(r) for r in rows]


def _written_by_psycopg(conn, rows, covers: int, as_of: int) -> list[tuple[object, ...]]:
    """The rows psycopg's adapters write, read back as ``_AS_TEXT`` reads them."""
    from runbook.store.postgres.views import FIGURE_COLUMNS

    conn.execute("CREATE TEMP TABLE expected (LIKE runbook.task_figures INCLUDING DEFAULTS)")
    with conn.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO expected ({', '.join(FIGURE_COLUMNS)}) "
            f"VALUES ({', '.join(['%s'] * len(FIGURE_COLUMNS))})",
            _as_psycopg_sends_them(rows, covers, as_of),
        )
    return conn.execute(_AS_TEXT.format("expected")).fetchall()


def test_the_figures_in_one_statement_are_what_psycopg_wrote_row_by_row(pg_database):
    import psycopg

    from runbook.store.postgres.store import PostgresStore
    from runbook.store.postgres.views import figures_text, insert_figures
    from runbook.weekend.figures import TaskFigures

    store = PostgresStore.open(pg_database)
    assert store is not None
    store.close()
    day = 86_400
    base = dict(
        team=None, phase="migrate", priority="must", milestone=False, gate=False,
        status="waiting", reason=None, duration=45 * 60, planned_start=T,
        planned_finish=T + 2700, baseline_start=None, baseline_finish=None, actual_start=None,
        actual_finish=None, forecast_start=T, forecast_finish=T + 2700, total_float=0,
        critical=True, late=False,
    )  # fmt: skip
    rows = [
        TaskFigures(task="a", title="Plain", **base),
        TaskFigures(
            task="b", title="Quotes ' \" \\ and ünïcode 🚀 \t tab", **base | {"total_float": -100}
        ),
        TaskFigures(
            task="c",
            title="Late by more than a day",
            **base | {"total_float": -day - 3600, "duration": 2 * day + 1, "late": True},
        ),
        TaskFigures(
            task="d",
            title="Done",
            **base
            | {
                "team": "dba",
                "status": "done",
                "actual_start": T - 600,
                "actual_finish": T - 60,
                "baseline_start": T - 900,
                "baseline_finish": T - 300,
                "total_float": 3 * day + 7,
                "reason": "a reason",
                "milestone": True,
                "gate": True,
                "critical": False,
            },
        ),
    ]
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(insert_figures("runbook"), (T, 42, figures_text(rows)))
        written = conn.execute(_AS_TEXT.format("runbook.task_figures")).fetchall()
        assert written == _written_by_psycopg(conn, rows, 42, T)
    # as psycopg sends a timedelta: its days, then its seconds (a day's worth at most)
    floats = ["00:00:00", "-1 days +23:58:20", "-2 days +23:00:00", "3 days 00:00:07"]
    assert [w[18] for w in written] == floats


def test_a_check_in_leaves_every_task_figure_as_a_full_recompute_writes_it(played):
    import psycopg

    from runbook.weekend.figures import task_figures

    with Weekend.open(played.runbook, played.admin, clock=FakeClock(NOW + "+01:00")) as weekend:
        snap = weekend.snapshot()
    expected = task_figures(snap)
    with psycopg.connect(played.admin, autocommit=True) as conn:
        last = conn.execute("SELECT max(seq) FROM runbook.events").fetchone()[0]
        written = conn.execute(_AS_TEXT.format("runbook.task_figures")).fetchall()
        assert written == _written_by_psycopg(conn, expected, last, T)
    assert len(written) == len(snap.plan.tasks)
