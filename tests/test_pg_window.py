"""A team's times on PostgreSQL after issue 24 (schema 9): the guard's window of a team's
times is the weekend's, or a rehearsal's on its own date, with no "within the last day"
special case; a rehearsal's team checks in without --force; a database at schema 8 migrates;
a client that reads up to an older schema meets a newer one as it always has."""

from __future__ import annotations

import json
from typing import Any

import pytest

from runbook.store.postgres import admin, schema, store
from runbook.store.postgres.schema import SCHEMA, SCHEMA_VERSION

from .test_postgres_roles import NOW, T, Weekend
from .test_postgres_roles import weekend as weekend  # the fixture: db init, a prefix of its own

psycopg = pytest.importorskip("psycopg")

TEN_DAYS = 10 * 86400
OLD_CLAUSE = "AND NEW.at < clock - 86400"  # version 8's "or within the last day"


def _sql(uri: str, statement: str, *params: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(uri, autocommit=True) as conn:
        cur = conn.execute(statement, params or None)
        return cur.fetchall() if cur.description else []


def _note(uri: str, when: int) -> None:
    """A note on export dated ``when``, typed at a psql prompt as the login of ``uri``."""
    _sql(
        uri,
        f"INSERT INTO {SCHEMA}.events (at, recorded, task, kind, actor, host, note) "
        "VALUES (%s, %s, 'export', 'note', 'psql', 'psql', 'told late')",
        when,
        when,
    )


def _run(weekend: Weekend, state: str, now: str, *args: str) -> Any:
    env = {"RUNBOOK_NOW": now, "RUNBOOK_USER": "someone", "RUNBOOK_FILE": str(weekend.runbook)}
    return weekend.cli(*args, "--state", state, env=env)


def _version(uri: str) -> int:
    [(value,)] = _sql(uri, f"SELECT value FROM {SCHEMA}.meta WHERE key = 'schema_version'")
    return int(value)


def _window_ended_two_days_ago(uri: str) -> int:
    """Move the weekend's window to one that ended two days before the database's clock;
    that clock (epoch seconds)."""
    [(clock,)] = _sql(uri, "SELECT floor(extract(epoch FROM clock_timestamp()))::bigint")
    for key, value in (("window_start", clock - 9 * 86400), ("window_end", clock - 2 * 86400)):
        _sql(uri, f"UPDATE {SCHEMA}.meta SET value = %s WHERE key = %s", str(value), key)
    return int(clock)


def test_a_rehearsals_team_checks_in_at_the_rehearsals_times_without_force(weekend):
    """The rehearsal moves the guard's window to its own date: a team login's check-ins at
    the rehearsal's times pass the guard without --force, and one dated on the weekend's own
    days is outside the rehearsal's window."""
    mc = weekend.login("mc", "--coordinator")
    sanne = weekend.login("sanne", "--team", "dba")
    begun = _run(weekend, mc, "2026-11-24T17:00", "rehearse", "--start", "2026-11-24T18:00")
    assert begun.exit_code == 0, begun.stderr
    for now, args in (
        ("2026-11-24T18:16", ("start", "freeze", "--at", "18:00")),
        ("2026-11-24T18:16", ("done", "freeze", "--at", "18:15")),
    ):
        assert _run(weekend, mc, now, *args).exit_code == 0
    for now, kind in (("2026-11-24T18:20", "start"), ("2026-11-24T20:20", "done")):
        checked_in = _run(weekend, sanne, now, kind, "export")
        assert checked_in.exit_code == 0, checked_in.stderr
        assert "forced" not in checked_in.stdout + checked_in.stderr
    mine = [e for e in weekend.events() if e[6] == f"{weekend.prefix}sanne"]
    assert [(e[1], e[2], e[5]) for e in mine] == [
        ("export", "start", False),
        ("export", "done", False),
    ]
    with pytest.raises(psycopg.errors.CheckViolation) as refusal:
        _note(sanne, T)  # Friday 4 December: the weekend's own date, not the rehearsal's
    assert refusal.value.diag.message_primary == (
        "its time 2026-12-04 17:30 UTC is outside the weekend's window (2026-11-23 17:00 UTC "
        "to 2026-12-02 11:00 UTC)"
    )


def _at_schema_8(uri: str) -> None:
    """The database as version 8 left it: its guard with the window's special case (this
    version's guard with version 8's clause and message put back)."""
    [statement] = schema.migrations()[8]
    old = statement.replace(
        "AND NEW.at NOT BETWEEN low AND high THEN",
        f"AND NEW.at NOT BETWEEN low AND high {OLD_CLAUSE} THEN",
    ).replace("(%s to %s)'", "(%s to %s) and more than a day ago'")
    assert old.count(OLD_CLAUSE) == 1 and "more than a day ago" in old
    _sql(uri, old)
    _sql(uri, f"UPDATE {SCHEMA}.meta SET value = '8' WHERE key = 'schema_version'")


def test_a_database_at_schema_8_is_migrated_to_9_and_refuses_a_recent_time_outside_the_window(
    weekend,
):
    mc = weekend.login("mc", "--coordinator")
    sanne = weekend.login("sanne", "--team", "dba")
    weekend.ok("start", "freeze", "--at", "18:00", state=mc)
    _at_schema_8(weekend.admin)
    clock = _window_ended_two_days_ago(weekend.admin)
    _note(sanne, clock - 3600)  # version 8 lets an hour ago through: within the last day
    before = weekend.events()

    migrated = weekend.cli("db", "init", "-f", weekend.runbook, "--state", weekend.admin)
    assert migrated.exit_code == 0, migrated.stderr
    assert "schema version 9 migrated from 8" in " ".join(migrated.stdout.split())
    assert _version(weekend.admin) == SCHEMA_VERSION == 9
    assert weekend.events() == before  # the log is kept as it was
    _window_ended_two_days_ago(weekend.admin)  # db init wrote the weekend's window again
    with pytest.raises(psycopg.errors.CheckViolation, match="outside the weekend's window"):
        _note(sanne, clock - 3600)
    assert weekend.events() == before


def test_a_newer_client_of_a_team_or_mission_control_meeting_schema_8_asks_for_db_init(weekend):
    """Only the role that set the database up may replace the guard: any other login's
    client says who migrates, and writes nothing; reading goes on at schema 8."""
    sanne = weekend.login("sanne", "--team", "dba")
    mc = weekend.login("mc", "--coordinator")
    weekend.ok("start", "freeze", "--at", "18:00", state=mc)
    weekend.ok("done", "freeze", "--at", "18:15", state=mc)
    _at_schema_8(weekend.admin)
    before = weekend.events()
    for login, args in ((sanne, ("start", "export")), (mc, ("note", "freeze", "checked"))):
        refused = _run(weekend, login, NOW, *args)
        assert refused.exit_code == 1, refused.stdout
        said = " ".join(refused.stderr.split())
        assert "this user may not create its tables; nothing was written to it" in said
        assert "the coordinator runs `runbook db init --state URI` first" in said
        assert weekend.events() == before and _version(weekend.admin) == 8
        status = _run(weekend, login, NOW, "status", "--json")
        assert status.exit_code == 0, status.stderr
        assert json.loads(status.stdout)["counts"]["done"] == 1


@pytest.fixture
def older_client(monkeypatch: pytest.MonkeyPatch) -> int:
    """This client as one that reads up to the schema before this one (version 8 meeting
    version 9's database: every module that compares versions)."""
    older = SCHEMA_VERSION - 1
    for module in (schema, store, admin):
        monkeypatch.setattr(module, "SCHEMA_VERSION", older)
    return older


def test_an_older_client_meeting_a_newer_schema_is_refused_plainly_and_writes_nothing(
    weekend, older_client
):
    mc = weekend.login("mc", "--coordinator")
    before = weekend.events()
    newer = (
        f"written by a newer runbook (state schema {SCHEMA_VERSION}; this version reads up to "
        f"{older_client})"
    )
    for args in (("start", "freeze", "--at", "18:00"), ("status",), ("log",)):
        result = _run(weekend, mc, NOW, *args)
        assert result.exit_code == 1, args
        said = " ".join(result.stderr.split())
        assert newer in said and "hint: upgrade runbook to use this weekend" in said, args
        assert "Traceback" not in said
    init = weekend.cli("db", "init", "-f", weekend.runbook, "--state", weekend.admin)
    assert init.exit_code == 1 and "nothing was changed" in init.stderr
    assert weekend.events() == before and _version(weekend.admin) == SCHEMA_VERSION
    status = weekend.cli("db", "status", "--state", weekend.admin)
    assert status.exit_code == 0, status.stderr
    text = " ".join(status.stdout.split())
    assert f"schema version {SCHEMA_VERSION} ·" in text
    assert (
        f"this runbook reads schema versions up to {older_client}: upgrade runbook to use "
        "this weekend"
    ) in text
