"""Issue 22 on PostgreSQL (schema version 7): a login granted a gate's decision stage
(`runbook db grant LOGIN --stage STAGE`) decides at that stage and nowhere else; the database
refuses anyone else, forcing, and any other kind; a database at version 6 migrates."""

from __future__ import annotations

import json
import secrets

import pytest

from runbook.store.postgres.schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION

from .test_contracts import conforms
from .test_postgres_roles import Weekend

STAGED = """
name: Staged on PostgreSQL
timezone: Europe/Amsterdam
start: 2026-12-04T18:00
deadline: 2026-12-05T12:00
teams:
  pmo: {name: Mission control}
  dba: {name: Database team}
tasks:
  - {id: freeze, title: Freeze, team: pmo, duration: 15m}
  - id: gonogo
    title: Go/no-go
    team: pmo
    milestone: true
    gate: true
    decided_by:
      - {stage: project-team, approvers: [Ingrid de Vries, Ruud Mulder], needs: 1}
      - {stage: steering-committee, approvers: [CIO, CMIO], needs: all}
    rollback: 1h
    depends_on: freeze
  - {id: export, title: Export, team: dba, duration: 1h, depends_on: gonogo}
  - id: golive
    title: Go live
    team: pmo
    milestone: true
    gate: true
    approvers: [CIO]
    rollback: 1h
    depends_on: export
"""


@pytest.fixture
def staged(cli, pg_database, tmp_path) -> Weekend:
    prefix = f"rb{secrets.token_hex(3)}_"
    runbook = tmp_path / "staged.yaml"
    runbook.write_text(STAGED, encoding="utf-8")
    setup = Weekend(cli, runbook, pg_database, prefix)
    result = cli(
        "db", "init", "-f", runbook, "--state", pg_database, "--role-prefix", prefix,
        "--now", "2026-12-04T17:00",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    mc = setup.login("mc", "--coordinator")
    setup.ok("start", "freeze", "--at", "18:00", state=mc)
    setup.ok("done", "freeze", "--at", "18:15", state=mc)
    return setup


def test_a_login_granted_a_stage_decides_at_it_and_nowhere_else(staged):
    ingrid = staged.login("ingrid", "--stage", "project-team")
    staged.ok(
        "decide", "gonogo", "go", "--stage", "project-team", "--by", "Ingrid de Vries",
        state=ingrid,
    )  # fmt: skip
    last = staged.events()[-1]
    assert last[1:4] == ("gonogo", "decide", "someone") and last[6] == f"{staged.prefix}ingrid"
    said = staged.refused(
        ingrid, "decide", "gonogo", "go", "--stage", "steering-committee", "--by", "CIO"
    )
    assert (
        "may not decide gonogo at its steering-committee stage: deciding a gate needs mission "
        "control or a login granted the steering-committee stage; "
        f"{staged.prefix}ingrid is granted project-team" in said
    )
    # golive's one-list approvers are the stage 'approvers', not hers
    staged.refused(ingrid, "decide", "golive", "no-go", "--by", "CIO")
    # never forced: the order rule's override is mission control's
    said = staged.refused(
        ingrid, "decide", "gonogo", "no-go", "--stage", "project-team", "--by", "Ruud Mulder",
        "--at", "2026-11-01T10:00", "--force",
    )  # fmt: skip
    assert "mission control" in said
    # and nothing else: a stage is no team
    said = staged.refused(ingrid, "start", "export")
    assert "export" in said


def test_the_database_refuses_a_stage_login_a_decide_that_names_another_stage_in_plain_sql(
    staged,
):
    import psycopg

    cio = staged.login("cio", "--stage", "steering-committee")
    with psycopg.connect(cio, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO runbook.events (at, recorded, task, kind, actor, host, data) "
                "VALUES (1796403600, 1796403600, 'gonogo', 'decide', 'x', 'x', "
                """'{"decision": "go", "stage": "project-team", "approver": "Ruud Mulder"}')"""
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a gate without the stage
            conn.execute(
                "INSERT INTO runbook.events (at, recorded, task, kind, actor, host, data) "
                "VALUES (1796403600, 1796403600, 'export', 'decide', 'x', 'x', "
                """'{"decision": "go", "stage": "steering-committee", "approver": "CIO"}')"""
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # no stage: the whole gate
            conn.execute(
                "INSERT INTO runbook.events (at, recorded, task, kind, actor, host, data) "
                """VALUES (1796403600, 1796403600, 'gonogo', 'decide', 'x', 'x', """
                """'{"decision": "go"}')"""
            )


def test_a_team_login_may_not_decide_and_db_status_lists_the_stage_roles(staged):
    sanne = staged.login("sanne", "--team", "pmo")  # the gate's own team
    said = staged.refused(
        sanne, "decide", "gonogo", "go", "--stage", "project-team", "--by", "Ruud Mulder"
    )
    assert "project-team stage" in said
    staged.login("ruud", "--stage", "project team")  # the stage's name in other words
    status = json.loads(staged.ok("db", "status", "--state", staged.admin, "--json"))
    conforms(status, "db-status")
    stages = {r["stage"]: r for r in status["roles"] if r["kind"] == "stage"}
    assert set(stages) == {"approvers", "project-team", "steering-committee"}
    assert stages["project-team"]["role"] == f"{staged.prefix}stage_project-team"
    assert stages["project-team"]["members"] == [f"{staged.prefix}ruud"]
    text = " ".join(staged.ok("db", "status", "--state", staged.admin).split())
    assert "decide at the" in text and "stage of a gate" in text
    unknown = staged.cli(
        "db", "grant", f"{staged.prefix}ruud", "--stage", "board", "--state", staged.admin
    )
    assert unknown.exit_code == 1 and "no decision stage 'board'" in unknown.stderr


def test_a_weekend_database_at_version_6_migrates_to_7_and_keeps_its_decisions(pg_database):
    import psycopg

    from runbook.store.postgres.schema import migrate

    with psycopg.connect(pg_database, autocommit=True) as conn:
        with conn.transaction():
            for step in MIGRATIONS[:6]:
                for statement in step:
                    conn.execute(statement)
            conn.execute(f"INSERT INTO {SCHEMA}.meta VALUES ('schema_version', '6')")
            conn.execute(  # a decision of before stages
                f"INSERT INTO {SCHEMA}.events (at, recorded, task, kind, actor, host, data) "
                """VALUES (1796403600, 1796403600, 'gonogo', 'decide', 'CIO', 'x', """
                """'{"decision": "go"}')"""
            )
        assert migrate(conn) == 6
        version = conn.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'schema_version'")
        assert version.fetchone() == (str(SCHEMA_VERSION),)
        conn.execute(f"INSERT INTO {SCHEMA}.roles (role, kind, stage) VALUES ('r', 'stage', 'a')")
        with pytest.raises(psycopg.errors.CheckViolation):  # a stage role names its stage
            conn.execute(f"INSERT INTO {SCHEMA}.roles (role, kind) VALUES ('s', 'stage')")
        conn.execute(f"INSERT INTO {SCHEMA}.gate_stages VALUES ('gonogo', 'a')")
        conn.execute(
            f"INSERT INTO {SCHEMA}.events (at, recorded, task, kind, actor, host, data) "
            """VALUES (1796403600, 1796403600, 'gonogo', 'decide', 'mc', 'x', """
            """'{"decision": "go", "stage": "a", "approver": "CIO"}')"""
        )
        conn.execute(
            f"INSERT INTO {SCHEMA}.events (at, recorded, task, kind, actor, host, note) "
            "VALUES (1796403600, 1796403600, 'gonogo', 'rollback', 'mc', 'x', 'why')"
        )
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute(  # an approver's name is one line of at most 100 characters
                f"INSERT INTO {SCHEMA}.events (at, recorded, task, kind, actor, host, data) "
                """VALUES (1796403600, 1796403600, 'gonogo', 'decide', 'mc', 'x', """
                """'{"decision": "go", "stage": "a", "approver": "a\\nb"}')"""
            )
        rows = conn.execute(f"SELECT kind, data FROM {SCHEMA}.events ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == ["decide", "decide", "rollback"]


ROLLED = """
name: Rolled back on PostgreSQL
timezone: Europe/Amsterdam
start: 2026-12-04T18:00
deadline: 2026-12-05T12:00
teams:
  pmo: {name: Mission control}
  dba: {name: Database team}
  net: {name: Network}
tasks:
  - {id: freeze, title: Freeze, team: pmo, duration: 15m}
  - id: gonogo
    title: Go/no-go
    team: pmo
    milestone: true
    gate: true
    approvers: [CIO]
    rollback: [rb-restore, rb-dns]
    depends_on: freeze
  - {id: export, title: Export, team: dba, duration: 1h, depends_on: gonogo}
rollback_tasks:
  - {id: rb-restore, title: Restore, team: dba, duration: 1h}
  - {id: rb-dns, title: DNS back, team: net, duration: 30m, depends_on: [rb-restore]}
"""


def test_team_logins_run_their_rollback_tasks_and_no_team_starts_a_rollback(
    cli, pg_database, tmp_path
):
    prefix = f"rb{secrets.token_hex(3)}_"
    runbook = tmp_path / "rolled.yaml"
    runbook.write_text(ROLLED, encoding="utf-8")
    weekend = Weekend(cli, runbook, pg_database, prefix)
    result = cli(
        "db", "init", "-f", runbook, "--state", pg_database, "--role-prefix", prefix,
        "--now", "2026-12-04T17:00",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    mc = weekend.login("mc", "--coordinator")
    sanne = weekend.login("sanne", "--team", "dba")
    piet = weekend.login("piet", "--team", "net")  # a team that owns only rollback work
    ingrid = weekend.login("ingrid", "--team", "pmo")  # the gate's own team
    weekend.ok("start", "freeze", "--at", "18:00", state=mc)
    weekend.ok("done", "freeze", "--at", "18:15", state=mc)
    weekend.ok("decide", "gonogo", "no-go", "--by", "CIO", "--at", "18:20", state=mc)
    said = weekend.refused(ingrid, "rollback", "gonogo", "--at", "18:25")
    assert "may not record rollback for gonogo" in said
    weekend.ok("rollback", "gonogo", "--at", "18:25", "--reason", "backup unreadable", state=mc)
    said = weekend.refused(ingrid, "rollback", "gonogo", "--undo")  # its undo: mission control's
    assert "may not" in said
    weekend.ok("start", "rb-restore", "--at", "18:25", state=sanne)
    weekend.refused(piet, "start", "rb-restore", "--at", "18:26")  # dba's, not theirs
    weekend.ok("done", "rb-restore", "--at", "18:28", state=sanne)
    weekend.ok("start", "rb-dns", "--at", "18:28", state=piet)
    weekend.ok("done", "rb-dns", "--at", "18:29", state=piet)
    status = json.loads(weekend.ok("status", "--json", state=mc))
    assert status["verdict"]["headline"] == "ROLLING BACK"
    assert status["verdict"]["rolling_back"]["finished"] is True
    assert status["counts"]["suspended"] == 2 and status["counts"]["done"] == 3
    kinds = [row[2] for row in weekend.events()]
    assert kinds[-6:] == ["decide", "rollback", "start", "done", "start", "done"]
