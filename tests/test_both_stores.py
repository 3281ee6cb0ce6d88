"""Every command works on a PostgreSQL state exactly as on SQLite: the same weekend played
through the real CLI on both stores reads back the same, command by command; a weekend
exported from PostgreSQL reviews the same on a laptop; a commit whose connection broke is
recorded once."""

from __future__ import annotations

import json
import re

import pytest

from .builders import minimal_runbook

NOW = "2026-12-04T22:30"
# A Friday evening through every kind of command that records (times on the Friday).
SESSION = [
    ("start", "freeze", "--at", "18:02"),
    ("done", "freeze", "--at", "18:14"),
    ("start", "backup", "--at", "18:15"),
    ("note", "backup", "tape library online", "--at", "18:40"),
    ("done", "backup", "--at", "19:30"),
    ("signoff", "dba"),
    ("done", "go-no-go", "--at", "19:31"),
    ("start", "export", "--at", "19:35"),
    ("fail", "export", "--reason", "disk full on the export host", "--at", "20:10"),
    ("start", "export", "--at", "20:25"),
    ("done", "export", "--at", "21:40"),
    ("start", "import", "--at", "21:45"),
    ("undo", "import"),
    ("start", "switch-dns", "--force"),
    ("baseline", "--reset"),
]
# What each store must answer alike (run after the session).
READS = [
    ("status", "--json"),
    ("log", "--json"),
    ("plan", "--json"),
    ("review", "--format", "json"),
    ("readiness", "--format", "json", "--runs", "200", "--seed", "1"),
]


def _played(cli, tmp_path, state: str | None) -> dict[str, object]:
    tmp_path.mkdir(exist_ok=True)
    runbook = minimal_runbook(tmp_path, "intranet.yaml")
    env = {"RUNBOOK_NOW": NOW, "RUNBOOK_USER": "ingrid", "RUNBOOK_FILE": str(runbook)}
    if state is not None:
        env["RUNBOOK_STATE"] = state
    for step in SESSION:
        result = cli(*step, env=env)
        assert result.exit_code == 0, (step, result.stderr)
    answers: dict[str, object] = {}
    for read in READS:
        result = cli(*read, env=env)
        assert result.exit_code == 0, (read, result.stderr)
        answers[read[0]] = _without_volatile(json.loads(result.stdout))
    return answers


def _without_volatile(value: object) -> object:
    """The answer without what names the state's location or the runbook's folder, and the
    database login (a state file has no logins: null there, the session's login here)."""
    if isinstance(value, dict):
        return {
            k: _without_volatile(re.sub(r" \(login [^)]*\)$", "", v) if k == "by" else v)
            for k, v in value.items()
            if k not in {"state", "source", "runbook", "path", "generated", "file", "login"}
        }
    if isinstance(value, list):
        return [_without_volatile(v) for v in value]
    return value


def test_a_weekend_played_on_postgresql_reads_back_as_it_does_on_sqlite(cli, tmp_path, pg_database):
    on_sqlite = _played(cli, tmp_path / "sqlite", None)
    on_postgres = _played(cli, tmp_path / "postgres", pg_database)
    for command in on_sqlite:
        assert on_postgres[command] == on_sqlite[command], command


def test_an_exported_weekend_reviews_the_same_on_a_laptop_and_imports_back(
    cli, tmp_path, pg_database, pg_cluster
):
    on_postgres = _played(cli, tmp_path, pg_database)
    laptop = tmp_path / "laptop.state.db"
    exported = cli("db", "export", laptop, "--state", pg_database)
    assert exported.exit_code == 0, exported.stderr
    assert "exported 16 events" in exported.stdout
    env = {"RUNBOOK_NOW": NOW, "RUNBOOK_FILE": str(tmp_path / "intranet.yaml")}
    review = cli("review", "--format", "json", "--state", laptop, env=env)
    assert _without_volatile(json.loads(review.stdout)) == on_postgres["review"]
    # Back into PostgreSQL: only into a database that holds no events.
    runbook = tmp_path / "intranet.yaml"
    refused = cli("db", "import", laptop, "-f", runbook, "--state", pg_database)
    assert refused.exit_code == 1
    assert "already holds 16 events" in refused.stderr
    other = pg_cluster.create_database()
    try:
        imported = cli("db", "import", laptop, "-f", runbook, "--state", other)
        assert imported.exit_code == 0, imported.stderr
        log = cli("log", "--json", "--state", other, env=env)
        assert _without_volatile(json.loads(log.stdout)) == on_postgres["log"]
        after = cli("note", "import", "imported and carrying on", "--state", other, env=env)
        assert after.exit_code == 0, after.stderr
        seqs = [
            e["seq"] for e in json.loads(cli("log", "--json", "--state", other, env=env).stdout)
        ]
        assert seqs == sorted(set(seqs)) and seqs[-1] == 17
    finally:
        pg_cluster.recycle(other)


def test_an_export_never_writes_over_a_file(cli, tmp_path, pg_database):
    existing = tmp_path / "weekend.state.db"
    existing.write_text("keep me")
    result = cli("db", "export", existing, "--state", pg_database)
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert existing.read_text() == "keep me"


def test_db_commands_need_a_postgresql_uri(cli, tmp_path):
    result = cli("db", "export", tmp_path / "x.state.db", "--state", tmp_path / "y.state.db")
    assert result.exit_code == 2
    assert "not a PostgreSQL URI" in result.stderr


@pytest.fixture
def dropped_after_commit(monkeypatch):
    """The connection breaks right after the server has committed the first write of an
    event (as when the network drops before the answer arrives); later connections work."""
    import psycopg

    real = psycopg.Connection.execute
    dropped: list[bool] = []
    appended: list[bool] = []

    def execute(self, query, *args, **kwargs):
        result = real(self, query, *args, **kwargs)
        if isinstance(query, str) and query.startswith("INSERT INTO runbook.events"):
            appended.append(True)
        if query == "COMMIT" and appended and not dropped:
            dropped.append(True)
            self.close()
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return result

    monkeypatch.setattr(psycopg.Connection, "execute", execute)
    return dropped


def test_a_check_in_whose_commit_lost_its_connection_is_recorded_once(
    cli, tmp_path, pg_database, dropped_after_commit
):
    runbook = minimal_runbook(tmp_path, "intranet.yaml")
    env = {"RUNBOOK_NOW": NOW, "RUNBOOK_FILE": str(runbook), "RUNBOOK_STATE": pg_database}
    result = cli("start", "freeze", "--at", "18:02", env=env)
    assert dropped_after_commit == [True]
    assert result.exit_code == 0, result.stderr
    # Its first event is the baseline the first check-in takes, in the same transaction.
    assert "already recorded as event 1" in result.stderr
    assert "started freeze" in result.stdout
    log = json.loads(cli("log", "--json", env=env).stdout)
    assert [(e["kind"], e["task"]) for e in log] == [("baseline", None), ("start", "freeze")]


def test_a_check_in_whose_connection_broke_before_the_commit_says_nothing_was_recorded(
    cli, tmp_path, pg_database, monkeypatch
):
    import psycopg

    runbook = minimal_runbook(tmp_path, "intranet.yaml")
    env = {"RUNBOOK_NOW": NOW, "RUNBOOK_FILE": str(runbook), "RUNBOOK_STATE": pg_database}
    assert cli("note", "freeze", "the weekend's state exists", env=env).exit_code == 0
    real = psycopg.Connection.execute

    def execute(self, query, *args, **kwargs):
        if isinstance(query, str) and query.startswith("INSERT INTO runbook.events"):
            self.close()
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return real(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", execute)
    result = cli("start", "freeze", "--at", "18:02", env=env)
    assert result.exit_code == 1
    assert "lost the connection to the PostgreSQL state" in result.stderr
    assert "nothing was recorded" in result.stderr
    assert "Traceback" not in result.stderr
    monkeypatch.undo()
    log = json.loads(cli("log", "--json", env=env).stdout)
    assert [e["kind"] for e in log] == ["baseline", "note"]
