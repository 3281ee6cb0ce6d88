"""A weekend database made before issue 23 (schema 6, its guard compiled without the kinds
revise, lesson and aftercare) is migrated by the next client that opens it, and from then on
records the weekend's whole record: a revision, a lesson, an aftercare handover."""

from __future__ import annotations

import json

import pytest

from runbook.store.postgres import guards
from runbook.store.postgres.schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION, WRITE_LOCK
from runbook.weekend.eventdata import SHAPES

from .builders import minimal_runbook

NEW_KINDS = ("revise", "lesson", "aftercare")


def _schema_6(uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The schema as a runbook before issue 23 made it: version 5's guard compiled from the
    shapes it knew."""
    import psycopg

    with monkeypatch.context() as patch:
        patch.setattr(guards, "SHAPES", {k: v for k, v in SHAPES.items() if k not in NEW_KINDS})
        version_5 = guards.schema_v5(SCHEMA, WRITE_LOCK)
    steps = [*MIGRATIONS[:4], version_5, MIGRATIONS[5]]
    with psycopg.connect(uri, autocommit=True) as conn, conn.transaction():
        for step in steps:
            for statement in step:
                conn.execute(statement)
        conn.execute(f"INSERT INTO {SCHEMA}.meta (key, value) VALUES ('schema_version', '6')")
        # What such a database refuses: the kinds it does not know.
        problem = conn.execute(f"SELECT {SCHEMA}.data_problem('lesson', NULL, NULL)").fetchone()
        assert problem == ("'lesson' is not a kind of event this version records",)


def test_a_database_from_before_the_record_is_migrated_and_records_revisions_lessons_aftercare(
    cli, pg_database, tmp_path, monkeypatch
):
    import psycopg

    _schema_6(pg_database, monkeypatch)
    runbook = minimal_runbook(tmp_path, "intranet.yaml")
    env = {
        "RUNBOOK_NOW": "2026-12-04T19:00",
        "RUNBOOK_USER": "ingrid",
        "RUNBOOK_FILE": str(runbook),
        "RUNBOOK_STATE": pg_database,
    }
    for args in (("start", "freeze", "--at", "18:00"), ("done", "freeze", "--at", "18:15")):
        assert cli(*args, env=env).exit_code == 0
    text = runbook.read_text(encoding="utf-8")
    runbook.write_text(text.replace("2026-12-05T06:00", "2026-12-05T05:00"), encoding="utf-8")

    steps = [
        ("revise", "--reason", "steering committee"),
        ("lesson", "the freeze was announced too late", "--team", "pmo"),
        ("aftercare", "import", "--owner", "dba", "--ticket", "INC-42"),
    ]
    for args in steps:
        result = cli(*args, env=env)
        assert result.exit_code == 0, result.stderr

    with psycopg.connect(pg_database, autocommit=True) as conn:
        version = conn.execute(
            f"SELECT value FROM {SCHEMA}.meta WHERE key = 'schema_version'"
        ).fetchone()
        kinds = [k for (k,) in conn.execute(f"SELECT kind FROM {SCHEMA}.events ORDER BY seq")]
        # The guard still refuses other data for the new kinds.
        with pytest.raises(psycopg.errors.CheckViolation, match="may not"):
            conn.execute(
                f"INSERT INTO {SCHEMA}.events (at, recorded, task, kind, actor, host, data) "
                "VALUES (1796400000, 1796400000, NULL, 'lesson', 'x', 'h', '{\"owner\": \"dba\"}')"
            )
    assert version == (str(SCHEMA_VERSION),) and SCHEMA_VERSION >= 8
    assert kinds[-3:] == list(NEW_KINDS)
    status = json.loads(cli("status", "--json", env=env).stdout)
    assert status["runbook_version"]["number"] == 2
    assert status["runbook_version"]["reason"] == "steering committee"
    assert status["deadline"] == "2026-12-05T05:00:00+01:00"
