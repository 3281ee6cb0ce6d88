"""The attacks of issue 29 on a PostgreSQL weekend, each run for real: a throwaway cluster, real
team, reader and coordinator logins, plain SQL through psycopg as those logins (what anyone
with a login and ``psql`` can do), and the CLI. Each must be refused by the database with a
plain sentence, or shown by every reader as recorded against the rules."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from .test_postgres_roles import NOW, T, Weekend
from .test_postgres_roles import weekend as weekend  # the fixture: db init, a prefix of its own
from .weekend_helpers import at

psycopg = pytest.importorskip("psycopg")

INSERT = (
    "INSERT INTO runbook.events (at, recorded, task, kind, actor, host, note, data) "
    "VALUES (%s, %s, %s, %s, %s, 'psql', %s, %s)"
)


def _sql(uri: str, statement: str, *params: object) -> list[tuple[Any, ...]]:
    """Run one statement as the login of ``uri``; its rows (none for an INSERT)."""
    with psycopg.connect(uri, autocommit=True) as conn:
        cur = conn.execute(statement, params or None)
        return cur.fetchall() if cur.description else []


def insert(
    uri: str,
    kind: str,
    task: str | None,
    data: str | None = None,
    *,
    when: int = T,
    recorded: int | None = None,
    note: str | None = None,
    actor: str = "psql",
) -> None:
    """One event inserted by hand, as the login of ``uri`` would at a ``psql`` prompt."""
    _sql(uri, INSERT, when, when if recorded is None else recorded, task, kind, actor, note, data)


def refused_by_the_database(weekend: Weekend, uri: str, *args: Any, **kwargs: Any) -> str:
    """Insert by hand; assert the database refuses it in a plain sentence and records
    nothing; that sentence."""
    before = weekend.events()
    with pytest.raises(psycopg.errors.CheckViolation) as refusal:
        insert(uri, *args, **kwargs)
    assert weekend.events() == before
    said = refusal.value.diag.message_primary or ""
    assert "jsonb" not in said and "syntax" not in said and "function" not in said
    return said


@pytest.fixture
def logins(weekend: Weekend) -> dict[str, str]:
    """Mission control, the dba team, the lab team and a reader, as URIs; freeze is done
    and export (dba's) is running, so there is something to revoke."""
    found = {
        "mc": weekend.login("mc", "--coordinator"),
        "sanne": weekend.login("sanne", "--team", "dba"),
        "ahmed": weekend.login("ahmed", "--team", "lab"),
        "ana": weekend.login("ana", "--reader"),
    }
    weekend.ok("start", "freeze", "--at", "18:00", state=found["mc"])
    weekend.ok("done", "freeze", "--at", "18:15", state=found["mc"])
    weekend.ok("start", "export", "--at", "18:15", state=found["sanne"])
    return found


# -- the shape of what is written -------------------------------------------------------
DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize(
    ("kind", "data", "words"),
    [
        ("note", "[1]", "the data of note is not a JSON object"),
        ("note", DEEP, "the data of note is not a JSON object"),
        ("note", "{not json", "the data of note is not JSON"),
        ("note", '{"rows": 1}', "holds the key 'rows', which it may not (allowed: forced, "),
        ("eta", '{"eta": "tomorrow"}', "eta must be a whole number of seconds since 1970"),
        ("eta", '{"eta": 1e23}', "eta must be a whole number of seconds since 1970"),
        ("estimate", '{"duration": 3000000}', "duration must be a whole number of seconds"),
        ("skip", '{"dropped": "yes"}', "dropped must be true or false"),
        ("eta", None, "the data of eta must hold eta"),
        ("start", '{"forced": true, "overrode": "' + "x" * 2001 + '"}', "at most 2000"),
        ("note", '{"x": "' + "y" * 20_000 + '"}', "at most 16384 are recorded"),
    ],
    ids=[
        "a list",
        "5000 deep",
        "not JSON",
        "an unknown key",
        "a text for a time",
        "1e23",
        "35 days",
        "a text for a flag",
        "nothing",
        "a long reason",
        "20k of data",
    ],
)
def test_data_of_a_shape_its_kind_does_not_allow_is_refused_by_the_database(
    weekend, logins, kind, data, words
):
    said = refused_by_the_database(weekend, logins["sanne"], kind, "export", data)
    assert words in said


def test_a_note_longer_than_the_clients_cap_is_refused_by_the_database(weekend, logins):
    said = refused_by_the_database(weekend, logins["sanne"], "note", "export", note="n" * 100_000)
    assert said == "the note is 100000 characters long; at most 2000 are recorded"


def test_an_unknown_kind_and_a_name_with_control_characters_are_refused(weekend, logins):
    said = refused_by_the_database(weekend, logins["mc"], "erase", "export")
    assert said == "'erase' is not a kind of event this version records"
    said = refused_by_the_database(
        weekend, logins["mc"], "note", "export", note="x", actor="\x1b[2J"
    )
    assert "the name it is recorded by (--by) must be one printable line" in said


def test_mission_control_is_held_to_the_shapes_too(weekend, logins):
    said = refused_by_the_database(weekend, logins["mc"], "decide", "gate-transfer", '"go"')
    assert said == "the data of decide is not a JSON object"


def test_data_as_the_database_read_it_is_what_every_reader_reads(weekend, logins):
    """A number written 4e0, or a key given twice, is kept as the database parsed it."""
    insert(logins["sanne"], "eta", "export", '{"eta": 1796430600e0, "eta": 1796432400}')
    row = _sql(weekend.admin, "SELECT data FROM runbook.events ORDER BY seq DESC LIMIT 1")
    assert row == [('{"eta": 1796432400}',)]


# -- undo ------------------------------------------------------------------------------
def _seq_of(weekend: Weekend, task: str, kind: str) -> int:
    return max(int(e[0]) for e in weekend.events() if e[1] == task and e[2] == kind)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ('{{"undoes": {seq}.0}}', "undoes must be the whole sequence number of an event"),
        ('{{"undoes": null}}', "undoes must be the whole sequence number of an event"),
        ("{{}}", "the data of undo must hold undoes"),
        (None, "the data of undo must hold undoes"),
        ('{{"undoes": "{seq}"}}', "undoes must be the whole sequence number of an event"),
    ],
    ids=["4.0", "null", "{}", "NULL", "a text"],
)
def test_an_undo_that_names_no_event_by_its_number_is_refused(weekend, logins, data, words):
    weekend.ok("pull", "test", state=logins["mc"])  # mission control's decision
    seq = _seq_of(weekend, "test", "pull")
    text = None if data is None else data.format(seq=seq)
    said = refused_by_the_database(weekend, logins["ahmed"], "undo", "test", text)
    assert words in said
    assert "pull" in [e[2] for e in weekend.events()]  # the pull stands


def test_a_team_cannot_undo_mission_controls_pull_drop_or_forced_start(weekend, logins):
    mc, ahmed = logins["mc"], logins["ahmed"]
    weekend.ok("pull", "test", state=mc)
    weekend.ok("drop", "switch", "--reason", "no time", "--force", state=mc)
    for task, kind in (("test", "pull"), ("switch", "skip")):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            insert(ahmed, "undo", task, f'{{"undoes": {_seq_of(weekend, task, kind)}}}')


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("missing", "the undo names event 999999, which is not in the log"),
        ("other task", "which is about freeze"),
        ("a note", "is a note, which an undo cannot revoke"),
        ("undone", "was undone already"),
    ],
    ids=["missing", "other task", "a note", "undone"],
)
def test_an_undo_of_what_is_not_its_tasks_to_revoke_is_refused(weekend, logins, target, words):
    sanne = logins["sanne"]
    weekend.ok("note", "export", "tape library online", state=sanne)
    if target == "undone":
        weekend.ok("undo", "export", "--reason", "started by mistake", state=sanne)
    seq = {
        "missing": 999_999,
        "other task": _seq_of(weekend, "freeze", "done"),
        "a note": _seq_of(weekend, "export", "note"),
        "undone": _seq_of(weekend, "export", "start"),
    }[target]
    said = refused_by_the_database(weekend, sanne, "undo", "export", f'{{"undoes": {seq}}}')
    assert words in said


def test_an_undo_about_no_task_revokes_only_a_close_and_only_once(weekend, logins):
    """``runbook close --undo`` is an undo about no task: the database lets it revoke a
    close, never a task's event (a task-less undo of a done would reopen it behind every
    reader's back), and never the same close twice."""
    mc = logins["mc"]
    done = _seq_of(weekend, "freeze", "done")
    said = refused_by_the_database(weekend, mc, "undo", None, f'{{"undoes": {done}}}')
    assert "which is about freeze" in said
    weekend.ok("close", "--at", "18:30", "--reason", "rehearsal over", state=mc)
    close = max(int(e[0]) for e in weekend.events() if e[2] == "close")
    weekend.ok("close", "--undo", state=mc)
    said = refused_by_the_database(weekend, mc, "undo", None, f'{{"undoes": {close}}}')
    assert f"event {close} was undone already" in said


# -- times -----------------------------------------------------------------------------
def test_a_team_cannot_record_an_event_dated_in_the_future_by_the_databases_clock(weekend, logins):
    in_2199 = int(at("2199-01-01T00:00+00:00").timestamp())
    said = refused_by_the_database(
        weekend, logins["sanne"], "note", "export", note="x", when=in_2199
    )
    assert "its time 2199-01-01 00:00 UTC is in the future by the database's clock" in said
    assert "5 minutes ahead are allowed" in said
    said = refused_by_the_database(
        weekend, logins["sanne"], "note", "export", note="x", recorded=in_2199
    )
    assert "in the future by the database's clock" in said


def test_the_cli_of_a_team_member_whose_clock_says_2199_is_refused_plainly(weekend, logins):
    env = {"RUNBOOK_NOW": "2199-01-01T10:00", "RUNBOOK_FILE": str(weekend.runbook)}
    before = weekend.events()
    result = weekend.cli("note", "export", "from the future", "--state", logins["sanne"], env=env)
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "the database refused the event: its time 2199-01-01 09:00 UTC is in the future" in said
    assert "Traceback" not in said and "CheckViolation" not in said
    assert weekend.events() == before


def test_a_team_cannot_record_an_event_outside_the_weekends_window(weekend, logins):
    years_ago = int(at("2020-03-01T12:00+00:00").timestamp())
    said = refused_by_the_database(
        weekend, logins["sanne"], "note", "export", note="x", when=years_ago
    )
    assert said == (
        "its time 2020-03-01 12:00 UTC is outside the weekend's window (2026-12-03 17:00 UTC "
        "to 2026-12-12 11:00 UTC)"
    )
    insert(logins["sanne"], "note", "export", note="told late, still this weekend", when=T - 3600)


def _utc(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")


def test_a_team_event_outside_the_window_is_refused_however_recently_it_is_told(weekend, logins):
    """Schema 9 (issue 24): a time within the last day by the database's clock is no excuse
    for one outside the weekend's window (before, it let a rehearsal's told-late check-ins
    through; a rehearsal's window is on its own date now). The window here is one that
    ended two days before the database's clock, so an hour ago lies outside it."""
    [(clock,)] = _sql(weekend.admin, "SELECT floor(extract(epoch FROM clock_timestamp()))::bigint")
    low, high = clock - 9 * 86400, clock - 2 * 86400
    for key, value in (("window_start", low), ("window_end", high)):
        _sql(weekend.admin, "UPDATE runbook.meta SET value = %s WHERE key = %s", str(value), key)
    an_hour_ago = clock - 3600
    said = refused_by_the_database(
        weekend, logins["sanne"], "note", "export", note="x", when=an_hour_ago
    )
    assert said == (
        f"its time {_utc(an_hour_ago)} is outside the weekend's window ({_utc(low)} to "
        f"{_utc(high)})"
    )
    # Mission control's times are trusted, as on a state file.
    insert(logins["mc"], "note", "export", note="told by mission control", when=an_hour_ago)


def test_an_eta_not_after_its_moment_or_a_month_ahead_is_refused(weekend, logins):
    for eta in (T - 60, T + 31 * 86400):
        said = refused_by_the_database(
            weekend, logins["sanne"], "eta", "export", f'{{"eta": {eta}}}'
        )
        assert "is not after the time it is said" in said


# -- the write lock --------------------------------------------------------------------
def _waiting_on_a_lock(admin: str, login: str, timeout: float = 10.0) -> bool:
    """Wait until a session of ``login`` waits for a lock; False when none did in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = _sql(
            admin,
            "SELECT 1 FROM pg_stat_activity WHERE usename = %s AND wait_event_type = 'Lock'",
            login,
        )
        if rows:
            return True
        time.sleep(0.02)
    return False


def test_a_raw_insert_takes_the_write_lock_so_a_check_in_after_it_sees_it(weekend, logins):
    """A start typed at a psql prompt, its transaction still open, holds the write lock from
    its INSERT: mission control's start of the same task waits for it, then sees it and is
    refused, instead of recording a second start (commit order is sequence order)."""
    from runbook.usecases import Weekend as Opened

    sanne = logins["sanne"]
    weekend.ok("done", "export", "--at", "18:20", state=sanne)
    weekend.ok("decide", "gate-transfer", "go", "--by", "CIO", state=logins["mc"])
    weekend.ok("done", "gate-transfer", state=logins["mc"])
    outcome: dict[str, Any] = {}

    def check_in() -> None:
        with Opened.open(weekend.runbook, logins["mc"], at=lambda plan: at(NOW)) as opened:
            outcome["result"] = opened.record("start", ["import"], actor="mc", host="desk")

    with psycopg.connect(sanne) as raw:  # a transaction, as psql's BEGIN
        raw.execute(INSERT, (T, T, "import", "start", "sanne", None, None))
        thread = threading.Thread(target=check_in)
        thread.start()
        waited = _waiting_on_a_lock(weekend.admin, f"{weekend.prefix}mc")
        raw.commit()
    thread.join(timeout=30)
    assert waited, "the check-in did not wait for the raw insert's transaction"
    result = outcome["result"]
    assert not result.events
    assert "import is already running" in result.refused[0][1].message
    starts = [e for e in weekend.events() if e[1] == "import" and e[2] == "start"]
    assert len(starts) == 1


# -- roles are per weekend database ----------------------------------------------------
@pytest.fixture
def two_weekends(cli, pg_cluster, tmp_path) -> Iterator[Callable[..., Weekend]]:
    """Two weekend databases of one runbook in one cluster (a rehearsal and the real one),
    each set up by `db init` with the default role prefix: the database's name."""
    from .builders import golden_runbook

    made: list[str] = []
    runbook = golden_runbook(tmp_path)

    def make(name: str, *, init: bool = True) -> Weekend:
        uri = pg_cluster.uri(f"{name}_{len(made)}_{time.monotonic_ns() % 10**9}")
        _sql(pg_cluster.uri(), f'CREATE DATABASE "{uri.rsplit("/", 1)[1]}"')
        made.append(uri)
        if init:
            result = cli("db", "init", "-f", runbook, "--state", uri, "--now", "2026-12-04T17:00")
            assert result.exit_code == 0, result.stderr
        return Weekend(cli, runbook, uri, prefix=f"{uri.rsplit('/', 1)[1]}_")

    yield make
    for uri in made:
        _sql(pg_cluster.uri(), f'DROP DATABASE IF EXISTS "{uri.rsplit("/", 1)[1]}" WITH (FORCE)')


def test_a_coordinator_granted_in_the_rehearsal_is_nobody_in_the_real_weekend(two_weekends):
    rehearsal, real = two_weekends("rehearsal"), two_weekends("real")
    trainee = rehearsal.login("trainee", "--coordinator")
    rehearsal.ok("note", "freeze", "practising", state=trainee)
    as_trainee = real.as_login(f"{rehearsal.prefix}trainee")
    said = real.refused(as_trainee, "decide", "gate-transfer", "go", "--by", "CIO")
    assert f"{rehearsal.prefix}trainee has no role in this weekend's database" in said
    shown = real.ok("db", "status", "--state", real.admin)
    assert f"{real.prefix}coordinator" in shown and f"{rehearsal.prefix}coordinator" not in shown


def test_db_init_refuses_a_prefix_whose_roles_another_weekend_database_owns(two_weekends, cli):
    rehearsal, real = two_weekends("rehearsal"), two_weekends("real", init=False)
    result = cli(
        "db", "init", "-f", real.runbook, "--state", real.admin, "--role-prefix", rehearsal.prefix
    )
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert f"the role {rehearsal.prefix}coordinator is the weekend database" in said
    assert "roles are per weekend database" in said and "nothing was changed" in said


def test_a_weekend_that_shared_its_roles_moves_to_its_own_and_says_whose_grants_to_redo(
    weekend, cli
):
    """A database set up before roles were per database: its roles carry no mark (as
    ``runbook_coordinator`` did, shared by every weekend of the cluster)."""
    import psycopg

    trainee = weekend.login("trainee", "--coordinator")
    sanne = weekend.login("sanne", "--team", "dba")
    with psycopg.connect(weekend.admin, autocommit=True) as conn:
        for (role,) in conn.execute("SELECT role FROM runbook.roles").fetchall():
            conn.execute(f'COMMENT ON ROLE "{role}" IS NULL')
    said = weekend.ok("db", "status", "--state", weekend.admin)
    assert "not this database's own" in " ".join(said.split())
    weekend.login("other")
    refused = cli("db", "grant", f"{weekend.prefix}other", "--reader", "--state", weekend.admin)
    assert refused.exit_code == 1
    assert "is not this weekend database's own" in " ".join(refused.stderr.split())
    result = cli("db", "init", "-f", weekend.runbook, "--state", weekend.admin)
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    database = weekend.admin.rsplit("/", 1)[1]
    assert f"roles are now this database's own ({database}_*)" in said
    assert (
        f"were shared by every weekend database whose roles have the prefix {weekend.prefix}"
        in (said)
    )
    assert f"runbook db grant {weekend.prefix}trainee --coordinator" in said
    assert f"runbook db grant {weekend.prefix}sanne --team dba" in said
    # The old roles grant nothing here any more, not even reading.
    assert "has no role in this weekend's database" in weekend.refused(trainee, "status")
    assert "has no role in this weekend's database" in weekend.refused(sanne, "status")


# -- imports and cached data -----------------------------------------------------------
def _laptop_weekend(cli: Any, tmp_path: Any) -> tuple[Any, Any]:
    """The golden weekend played on a laptop's state file (freeze done, export running):
    the runbook and the state file."""
    from .builders import golden_runbook

    (tmp_path / "laptop").mkdir()
    runbook = golden_runbook(tmp_path / "laptop")
    state = runbook.with_suffix(".state.db")
    env = {"RUNBOOK_NOW": NOW, "RUNBOOK_FILE": str(runbook), "RUNBOOK_USER": "ingrid"}
    for args in (("start", "freeze", "--at", "18:00"), ("done", "freeze", "--at", "18:15")):
        result = cli(*args, "--state", state, env=env)
        assert result.exit_code == 0, result.stderr
    return runbook, state


def _forge_the_cached_plan(runbook: Any, state: Any, tmp_path: Any) -> None:
    """Replace, by hand, the plan the state file caches under the real runbook's digest with
    one compiled from a forged runbook: a deadline a week later, import without its gate."""
    import sqlite3

    from runbook.format.source import digest_of
    from runbook.validation.validate import validate_path

    text = runbook.read_text(encoding="utf-8")
    forged = tmp_path / "forged.yaml"
    forged.write_text(
        text.replace("deadline: 2026-12-05T12:00", "deadline: 2026-12-12T12:00").replace(
            "duration: 3h, depends_on: gate-transfer", "duration: 3h"
        ),
        encoding="utf-8",
    )
    plan = validate_path(forged, warnings=False).plan
    assert plan is not None
    with sqlite3.connect(state) as db:
        db.execute(
            "UPDATE plans SET plan = ? WHERE digest = ?",
            (plan.dumps(), digest_of(runbook.read_bytes())),
        )
    db.close()


def test_db_import_compiles_the_plan_again_and_never_trusts_a_forged_one(
    cli, tmp_path, pg_database
):
    import json

    runbook, state = _laptop_weekend(cli, tmp_path)
    _forge_the_cached_plan(runbook, state, tmp_path)
    imported = cli("db", "import", state, "-f", runbook, "--state", pg_database)
    assert imported.exit_code == 0, imported.stderr
    assert "with the plan compiled from the runbook" in imported.stdout
    assert "its cached plan of this runbook is not what the runbook compiles to" in (
        " ".join(imported.stderr.split())
    )
    env = {"RUNBOOK_NOW": NOW, "RUNBOOK_FILE": str(runbook), "RUNBOOK_USER": "ingrid"}
    status = json.loads(cli("status", "--json", "--state", pg_database, env=env).stdout)
    assert status["deadline"].startswith("2026-12-05T12:00")
    result = cli("start", "import", "--state", pg_database, env=env)
    assert result.exit_code == 1
    assert "import cannot start: predecessor not done yet: gate-transfer" in result.stderr


def test_db_import_of_a_file_for_another_runbook_is_refused(cli, tmp_path, pg_database):
    runbook, state = _laptop_weekend(cli, tmp_path)
    other = tmp_path / "other.yaml"
    other.write_text(
        runbook.read_text(encoding="utf-8").replace("Lab system to the cloud", "Something else"),
        encoding="utf-8",
    )
    result = cli("db", "import", state, "-f", other, "--state", pg_database)
    assert result.exit_code == 1
    assert "belongs to the runbook 'Lab system to the cloud', not to 'Something else'" in (
        " ".join(result.stderr.split())
    )


LAST_SEQ = 2**63 - 1


def _hand_insert(
    state: Any, seq: int | None, kind: str, task: str | None, data: str | None
) -> None:
    """One row added to a state file by hand (sqlite3 at a prompt)."""
    import sqlite3

    with sqlite3.connect(state) as db:
        db.execute(
            "INSERT INTO events (seq, at, recorded, task, kind, actor, host, note, data) "
            "VALUES (?, ?, ?, ?, ?, 'x', 'x', 'by hand', ?)",
            (seq, T, T, task, kind, data),
        )
    db.close()


def _pg_events(uri: str) -> int:
    """How many events the database holds (0 when not even the schema was made)."""
    if not _sql(uri, "SELECT to_regclass('runbook.events')")[0][0]:
        return 0
    return int(_sql(uri, "SELECT count(*) FROM runbook.events")[0][0])


def test_db_import_refuses_sequence_numbers_at_the_maximum_before_writing_anything(
    cli, tmp_path, pg_database
):
    runbook, state = _laptop_weekend(cli, tmp_path)
    _hand_insert(state, LAST_SEQ, "note", "export", None)
    result = cli("db", "import", state, "-f", runbook, "--state", pg_database)
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert f"event {LAST_SEQ} has a sequence number outside 1 to {2**53 - 1}" in said
    assert "nothing was imported" in said and "Traceback" not in said
    assert _pg_events(pg_database) == 0


def test_db_import_refuses_an_event_edited_into_a_shape_its_kind_does_not_allow(
    cli, tmp_path, pg_database
):
    runbook, state = _laptop_weekend(cli, tmp_path)
    _hand_insert(state, None, "undo", "freeze", '{"undoes": 2.0}')
    result = cli("db", "import", state, "-f", runbook, "--state", pg_database)
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "is not one this version records (the data of undo: undoes must be" in said
    assert _pg_events(pg_database) == 0


def test_a_state_file_numbered_to_the_maximum_refuses_a_check_in_plainly(cli, tmp_path):
    runbook, state = _laptop_weekend(cli, tmp_path)
    _hand_insert(state, LAST_SEQ, "note", "export", None)
    env = {"RUNBOOK_NOW": NOW, "RUNBOOK_FILE": str(runbook), "RUNBOOK_USER": "ingrid"}
    result = cli("start", "export", "--state", state, env=env)
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert f"holds an event numbered {LAST_SEQ}, past the largest sequence number" in said
    assert "Traceback" not in said and "disk" not in said


# -- extremes already stored -------------------------------------------------------------
def store_by_hand(state: Any, kind: str, task: str | None, data: str | None) -> None:
    """An event written past every door: a hand-edited state file, or on PostgreSQL a row
    from before the database checked what is written (the guard set aside as its owner)."""
    import sqlite3

    if isinstance(state, str):
        guard = "runbook.events_are_well_formed"
        _sql(state, f"ALTER TABLE runbook.events DISABLE TRIGGER {guard.split('.')[1]}")
        try:
            _sql(state, INSERT, T, T, task, kind, "by hand", None, data)
        finally:
            _sql(state, f"ALTER TABLE runbook.events ENABLE TRIGGER {guard.split('.')[1]}")
        return
    with sqlite3.connect(state) as db:
        db.execute(
            "INSERT INTO events (at, recorded, task, kind, actor, host, data) "
            "VALUES (?, ?, ?, ?, 'by hand', 'x', ?)",
            (T, T, task, kind, data),
        )
    db.close()


@pytest.fixture
def played(cli, tmp_path, state_location) -> tuple[Any, Any, dict[str, str]]:
    """The golden weekend, freeze done and export running, on each store: the runbook, the
    state (a path or a URI) and the environment of its commands."""
    from .builders import golden_runbook

    runbook = golden_runbook(tmp_path)
    state = state_location or runbook.with_suffix(".state.db")
    env = {"RUNBOOK_NOW": NOW, "RUNBOOK_FILE": str(runbook), "RUNBOOK_USER": "ingrid"}
    for args in (
        ("start", "freeze", "--at", "18:00"),
        ("done", "freeze", "--at", "18:15"),
        ("start", "export", "--at", "18:15"),
    ):
        result = cli(*args, "--state", state, env=env)
        assert result.exit_code == 0, result.stderr
    return runbook, state, env


def test_an_eta_of_1e23_already_stored_is_shown_at_the_nearest_bound_by_every_reader(
    cli, tmp_path, played
):
    _, state, env = played
    store_by_hand(state, "eta", "export", '{"eta": 100000000000000000000000}')
    outputs = {}
    for command in (
        ("status",),
        ("log",),
        ("readiness",),
        ("review",),
        ("status", "--format", "html", "-o", str(tmp_path / "page.html")),
        ("export", "ics", "--forecast", "-o", str(tmp_path / "weekend.ics")),
    ):
        result = cli(*command, "--state", state, env=env)
        assert result.exit_code == 0, f"{command}: {result.stderr}"
        assert "internal error" not in result.stderr
        outputs[" ".join(command[:2])] = result.stdout
    # 30 days after the moment it was said (Fri 4 Dec 18:30): the bound an eta may have.
    assert "eta Sun 18:30" in outputs["log"]
    assert "BEHIND 29d" in outputs["status"]
    assert "1157407407407" not in "".join(outputs.values())


# -- what readers check -------------------------------------------------------------------
GATE_WAIT = "import cannot start: predecessor not done yet: gate-transfer"
WIDE = {"COLUMNS": "250"}  # the log's columns whole


def wide(weekend: Weekend, state: str, *args: str) -> str:
    """A reading command as a login, on a terminal wide enough for every column; its words."""
    env = {"RUNBOOK_NOW": NOW, "RUNBOOK_FILE": str(weekend.runbook), **WIDE}
    result = weekend.cli(*args, "--state", state, env=env)
    assert result.exit_code == 0, result.stderr
    return " ".join(result.stdout.split())


def test_a_raw_start_against_the_rules_is_shown_everywhere_as_recorded_against_them(
    weekend, logins
):
    import json

    sanne, reader = logins["sanne"], logins["ana"]
    insert(sanne, "start", "import")  # the database cannot fold the log: it accepts it
    login = f"{weekend.prefix}sanne"

    log = wide(weekend, reader, "log")
    assert "start AGAINST THE RULES" in log
    assert f"[recorded against the rules, not forced: {GATE_WAIT}]" in log
    assert f"psql (login {login})" in log

    events = json.loads(weekend.ok("log", "--json", state=reader))
    last = events[-1]
    assert (last["kind"], last["forced"], last["login"]) == ("start", False, login)
    assert last["against_rules"] == GATE_WAIT
    assert all(e["against_rules"] is None for e in events[:-1])

    status = json.loads(weekend.ok("status", "--json", state=reader))
    assert next(t for t in status["tasks"] if t["id"] == "import")["forced"] is True

    review = json.loads(weekend.ok("review", "--format", "json", state=reader))
    [against] = [o for o in review["forced"] if o["against_rules"]]
    assert (against["task"], against["overrode"], against["login"]) == ("import", GATE_WAIT, login)
    assert against["by"] == f"psql (login {login})"
    markdown = " ".join(weekend.ok("review", state=reader).split())
    assert f"recorded against the rules, not forced: {GATE_WAIT}" in markdown


def test_the_dashboards_live_view_marks_the_event_too(weekend, logins):
    from runbook.usecases import Weekend as Opened
    from runbook.usecases.live import Live

    insert(logins["sanne"], "start", "import")
    with Opened.open(weekend.runbook, logins["ana"], at=lambda plan: at(NOW)) as opened:
        live = Live(opened)
        assert live.recent[-1].against == GATE_WAIT
        assert live.snapshot().by_id("import").forced


def test_the_log_shows_the_database_login_beside_the_by_name_when_they_differ(weekend, logins):
    sanne, login = logins["sanne"], f"{weekend.prefix}sanne"
    weekend.ok("note", "export", "tape library online", "--by", "Ingrid de Vries", state=sanne)
    weekend.ok("note", "export", "mine", "--by", login, state=sanne)
    log = wide(weekend, logins["mc"], "log", "--task", "export")
    assert f"Ingrid de Vries (login {login})" in log
    assert f"{login} (login" not in log


def test_a_start_against_the_rules_edited_into_a_state_file_is_shown_as_such(cli, played):
    import json

    _, state, env = played
    store_by_hand(state, "start", "import", None)
    log = " ".join(cli("log", "--state", state, env={**env, **WIDE}).stdout.split())
    assert "start AGAINST THE RULES" in log and GATE_WAIT in log
    last = json.loads(cli("log", "--json", "--state", state, env=env).stdout)[-1]
    assert last["against_rules"] == GATE_WAIT


def test_a_record_that_cannot_be_read_is_quarantined_and_db_export_copies_the_rest(
    cli, tmp_path, played
):
    _, state, env = played
    # An object it is not: what a database before the guards took (it refused text not JSON).
    store_by_hand(state, "note", "export", "[1, 2]")
    status = cli("status", "--state", state, env=env)
    assert status.exit_code == 0
    said = " ".join(status.stderr.split())
    assert "(its data is not valid JSON (not an object)) cannot be read" in said
    assert "left out of every view and every check-in" in said
    done = cli("done", "export", "--state", state, env=env)  # check-ins go on
    assert done.exit_code == 0, done.stderr
    if isinstance(state, str):
        copy = tmp_path / "archive.state.db"
        exported = cli("db", "export", copy, "--state", state)
        assert exported.exit_code == 0, exported.stderr
        assert "exported 5 events" in exported.stdout  # the baseline, three check-ins, done
        assert "not exported: what can be read was" in " ".join(exported.stderr.split())


# -- the same attacks on a state file edited by hand ----------------------------------------
@pytest.mark.parametrize(
    ("kind", "task", "data", "note"),
    [
        ("note", "export", "[1]", None),
        ("note", "export", DEEP, None),
        ("note", "export", '{"rows": {"a": [1, 2]}}', None),
        ("eta", "export", '{"eta": "tomorrow"}', None),
        ("eta", "export", '{"eta": 1e23}', None),
        ("undo", "export", '{"undoes": 4.0}', None),
        ("undo", "export", '{"undoes": null}', None),
        ("undo", "export", "{}", None),
        ("undo", "export", None, None),
        ("undo", "export", '{"undoes": 999999}', None),
        ("note", "export", None, "n" * 300_000),
        ("decide", "gate-transfer", '{"decision": ["go"]}', None),
        ("signoff", None, '{"team": {"id": "dba"}}', None),
        ("start", None, None, None),
    ],
    ids=[
        "a list",
        "5000 deep",
        "unknown keys",
        "a text for a time",
        "1e23 as a float",
        "undoes 4.0",
        "undoes null",
        "undoes nothing",
        "undo without data",
        "undoes a missing event",
        "a 300k note",
        "a decision in a list",
        "a team as an object",
        "a start of no task",
    ],
)
def test_a_state_file_edited_by_hand_ends_in_a_plain_answer_never_an_internal_error(
    cli, tmp_path, kind, task, data, note
):
    import sqlite3

    from .builders import golden_runbook

    runbook = golden_runbook(tmp_path)
    state = runbook.with_suffix(".state.db")
    env = {"RUNBOOK_NOW": NOW, "RUNBOOK_FILE": str(runbook), "RUNBOOK_USER": "ingrid"}
    for args in (("start", "freeze", "--at", "18:00"), ("done", "freeze", "--at", "18:15")):
        assert cli(*args, "--state", state, env=env).exit_code == 0
    assert cli("start", "export", "--state", state, env=env).exit_code == 0
    with sqlite3.connect(state) as db:
        db.execute(
            "INSERT INTO events (at, recorded, task, kind, actor, host, note, data) "
            "VALUES (?, ?, ?, ?, 'by hand', 'x', ?, ?)",
            (T, T, task, kind, note, data),
        )
    db.close()
    for command in (
        ("status",),
        ("status", "--json"),
        ("log",),
        ("log", "--json"),
        ("review", "--format", "json"),
        ("readiness", "--format", "json"),
        ("undo", "export"),
        ("done", "export"),
    ):
        result = cli(*command, "--state", state, env=env)
        said = " ".join(result.stderr.split())
        assert result.exit_code in (0, 1), f"{command}: {said}"
        assert "internal error" not in said and "Traceback" not in said, f"{command}: {said}"


def test_the_dashboards_event_screen_says_what_an_event_recorded_against_the_rules_broke():
    from zoneinfo import ZoneInfo

    from runbook.tui.screens.event import event_detail
    from runbook.weekend.events import Event

    event = Event(7, T, T, "import", "start", "psql", "laptop", None, {}, "sanne", GATE_WAIT)
    shown = event_detail(event, ZoneInfo("Europe/Amsterdam")).plain
    assert "AGAINST THE RULES" in shown and "FORCED" not in shown
    assert f"broke  {GATE_WAIT} (recorded without --force)" in shown
    assert "psql (login sanne) on laptop" in shown
