"""Who may record what on a PostgreSQL weekend, enforced by the database: real roles and
logins on the throwaway cluster, through the real CLI. Roles are cluster-wide, so each test
has its own role prefix and its own logins."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from runbook.store.postgres.schema import SCHEMA_VERSION

from .builders import golden_runbook
from .test_contracts import conforms
from .weekend_helpers import at

NOW = "2026-12-04T18:30"
T = int(at(NOW + "+01:00").timestamp())  # NOW in Amsterdam, for plain SQL


@dataclass
class Weekend:
    """A weekend database set up by ``db init``, with a runbook and a login maker."""

    cli: Callable[..., object]
    runbook: Path
    admin: str  # the URI as the cluster's superuser (who ran db init)
    prefix: str

    def login(self, name: str, *grant: str) -> str:
        """Create the login ``<prefix><name>``, grant it (``--team dba``...); its URI."""
        import psycopg

        login = f"{self.prefix}{name}"
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'CREATE ROLE "{login}" LOGIN')
        if grant:
            self.ok("db", "grant", login, *grant, "--state", self.admin)
        return self.as_login(login)

    def as_login(self, login: str) -> str:
        rest = self.admin.split("//", 1)[1].split("@", 1)[1]
        return f"postgresql://{login}@{rest}"

    def run(self, state: str, *args: str) -> object:
        env = {"RUNBOOK_NOW": NOW, "RUNBOOK_USER": "someone", "RUNBOOK_FILE": str(self.runbook)}
        return self.cli(*args, "--state", state, env=env)

    def ok(self, *args: str, state: str | None = None) -> str:
        # `db` commands name their state in args; the others run as ``state``'s login.
        result = self.cli(*args) if args[0] == "db" else self.run(state or self.admin, *args)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    def refused(self, state: str, *args: str) -> str:
        """Run a command as a login; assert it is refused plainly (exit 1, no server words,
        nothing recorded); the one-line message."""
        before = self.events()
        result = self.run(state, *args)
        assert result.exit_code == 1, result.stdout
        said = " ".join(result.stderr.split())
        assert "row-level security" not in said and "policy" not in said
        assert "Traceback" not in said and "internal error" not in said
        assert self.events() == before
        return said

    def events(self) -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as conn:
            return conn.execute(
                "SELECT seq, task, kind, actor, team, forced, db_user FROM runbook.events "
                "ORDER BY seq"
            ).fetchall()


@pytest.fixture
def weekend(cli, pg_database, tmp_path) -> Weekend:
    """The golden runbook's weekend (teams pmo, dba, lab; a gate; readiness items owned by
    pmo and lab), set up by `runbook db init` with a prefix of its own."""
    prefix = f"rb{secrets.token_hex(3)}_"
    runbook = golden_runbook(tmp_path)
    setup = Weekend(cli, runbook, pg_database, prefix)
    result = cli(
        "db", "init", "-f", runbook, "--state", pg_database, "--role-prefix", prefix,
        "--now", "2026-12-04T17:00",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return setup


def test_a_team_member_records_its_own_task_and_the_server_says_who_it_was(weekend):
    mc = weekend.login("mc", "--coordinator")
    sanne = weekend.login("sanne", "--team", "dba")
    weekend.ok("start", "freeze", "--at", "18:00", state=mc)
    weekend.ok("done", "freeze", "--at", "18:15", state=mc)
    weekend.ok("start", "export", "--by", "Sanne Bakker", state=sanne)
    last = weekend.events()[-1]
    assert last[1:] == ("export", "start", "Sanne Bakker", "dba", False, f"{weekend.prefix}sanne")


def test_a_client_cannot_forge_who_recorded_an_event_nor_its_team(weekend):
    import psycopg

    sanne = weekend.login("sanne", "--team", "dba")
    with psycopg.connect(sanne, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(  # the recording login is the server's column alone
                "INSERT INTO runbook.events (at, recorded, task, kind, actor, host, db_user) "
                f"VALUES ({T}, {T}, 'export', 'note', 'x', 'x', 'somebody_else')"
            )
        conn.execute(  # the team the client says is replaced by the task's
            "INSERT INTO runbook.events (at, recorded, task, kind, actor, host, team) "
            f"VALUES ({T}, {T}, 'export', 'note', 'x', 'x', 'pmo')"
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            # The client's team says dba; the database knows freeze is pmo's.
            conn.execute(
                "INSERT INTO runbook.events (at, recorded, task, kind, actor, host, team) "
                f"VALUES ({T}, {T}, 'freeze', 'note', 'x', 'x', 'dba')"
            )
    assert weekend.events()[-1][4:] == ("dba", False, f"{weekend.prefix}sanne")


def test_a_team_member_recording_another_teams_task_is_refused_plainly(weekend):
    sanne = weekend.login("sanne", "--team", "dba")
    said = weekend.refused(sanne, "start", "freeze")
    assert (
        f"{weekend.prefix}sanne may not record start for freeze: it belongs to team pmo "
        "(ask team pmo or mission control)" in said
    )


def test_a_team_member_may_not_force_even_its_own_task(weekend):
    sanne = weekend.login("sanne", "--team", "dba")
    said = weekend.refused(sanne, "start", "export", "--force")
    assert f"{weekend.prefix}sanne may not force start for export: that needs mission control" in (
        said
    )


def test_deciding_a_gate_is_mission_controls_even_for_the_gates_own_team(weekend):
    pmo = weekend.login("ingrid", "--team", "pmo")
    said = weekend.refused(pmo, "decide", "gate-transfer", "go", "--by", "CIO")
    assert "may not decide gate-transfer: deciding a gate needs mission control" in said
    mc = weekend.login("mc", "--coordinator")
    weekend.ok("decide", "gate-transfer", "go", "--by", "CIO", state=mc)


def test_resetting_the_baseline_is_mission_controls(weekend):
    sanne = weekend.login("sanne", "--team", "dba")
    said = weekend.refused(sanne, "baseline", "--reset")
    assert f"{weekend.prefix}sanne may not take the baseline: that needs mission control" in said


def test_a_team_signs_off_for_itself_only(weekend):
    sanne = weekend.login("sanne", "--team", "dba")
    weekend.ok("signoff", "dba", state=sanne)
    said = weekend.refused(sanne, "signoff", "lab")
    assert "may not sign off for team lab (ask team lab or mission control)" in said


def test_a_readiness_item_is_checked_by_its_owner_team_or_mission_control(weekend):
    lab = weekend.login("ahmed", "--team", "lab")
    weekend.ok("check", "comms", state=lab)
    said = weekend.refused(lab, "check", "cab")
    assert "may not check cab: it belongs to team pmo (ask team pmo or mission control)" in said


def test_the_reader_only_reads(weekend):
    ana = weekend.login("ana", "--reader")
    said = weekend.refused(ana, "note", "freeze", "hello")
    assert f"{weekend.prefix}ana may only read this weekend (role {weekend.prefix}reader)" in said
    assert "freeze" in weekend.ok("status", "--json", state=ana)


def test_a_login_without_a_role_is_told_so(weekend):
    nobody = weekend.login("nobody")
    said = weekend.refused(nobody, "status")
    assert f"{weekend.prefix}nobody has no role in this weekend's database" in said
    assert f"runbook db grant {weekend.prefix}nobody --team TEAM" in said


@pytest.mark.parametrize(
    "statement",
    ["UPDATE runbook.events SET actor = 'mallory'", "DELETE FROM runbook.events"],
)
def test_events_cannot_be_rewritten_by_the_owner_nor_the_coordinator(weekend, statement):
    import psycopg

    mc = weekend.login("mc", "--coordinator")
    for uri in (weekend.admin, mc):
        with (
            psycopg.connect(uri, autocommit=True) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute(statement)
    assert [e[2] for e in weekend.events()] == ["baseline"]


def test_db_init_forces_row_level_security_on_events(weekend):
    import psycopg

    with psycopg.connect(weekend.admin, autocommit=True) as conn:
        row = conn.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE oid = 'runbook.events'::regclass"
        ).fetchone()
    assert row == (True, True)


def test_db_init_twice_changes_nothing_and_says_so(weekend):
    before = weekend.events()
    again = weekend.ok(
        "db", "init", "-f", str(weekend.runbook), "--state", weekend.admin,
        "--role-prefix", weekend.prefix,
    )  # fmt: skip
    assert again.startswith("nothing to change: ")
    assert f"schema version {SCHEMA_VERSION}" in again
    assert weekend.events() == before  # one baseline, not two


def test_db_init_with_another_prefix_is_refused(weekend):
    result = weekend.cli(
        "db", "init", "-f", weekend.runbook, "--state", weekend.admin, "--role-prefix", "other_"
    )
    assert result.exit_code == 2
    assert f"made with --role-prefix '{weekend.prefix}'" in result.stderr


def test_db_init_refills_the_owner_teams_after_the_runbook_changed(weekend):
    mc = weekend.login("mc", "--coordinator")
    sanne = weekend.login("sanne", "--team", "dba")
    text = weekend.runbook.read_text(encoding="utf-8")
    weekend.runbook.write_text(
        text.replace("id: freeze, title: Change freeze, team: pmo", "id: freeze, "
                     "title: Change freeze, team: dba"),
        encoding="utf-8",
    )  # fmt: skip
    weekend.refused(sanne, "start", "freeze")  # the database still says pmo
    said = weekend.ok(
        "db", "init", "-f", str(weekend.runbook), "--state", weekend.admin,
        "--role-prefix", weekend.prefix,
    )  # fmt: skip
    assert "owner teams brought up to date (1 change" in said
    weekend.ok("start", "freeze", state=sanne)
    assert weekend.events()[-1][6] == f"{weekend.prefix}sanne"
    assert mc


def test_db_grant_then_db_status_shows_the_member(weekend):
    weekend.login("sanne", "--team", "Database")  # a team's display name, resolved
    shown = weekend.ok("db", "status", "--state", weekend.admin)
    assert f"{weekend.prefix}team_dba" in shown and f"{weekend.prefix}sanne" in shown
    data = json.loads(weekend.ok("db", "status", "--state", weekend.admin, "--json"))
    conforms(data, "db-status")
    dba = next(r for r in data["roles"] if r["team"] == "dba")
    assert dba["members"] == [f"{weekend.prefix}sanne"]
    assert data["schema_version"] == SCHEMA_VERSION and data["role_prefix"] == weekend.prefix


def test_db_grant_of_an_unknown_team_says_did_you_mean(weekend):
    weekend.login("sanne")
    result = weekend.cli(
        "db", "grant", f"{weekend.prefix}sanne", "--team", "dbx", "--state", weekend.admin
    )
    assert result.exit_code == 1
    assert "unknown team 'dbx'" in result.stderr and "did you mean 'dba'?" in result.stderr


def test_db_revoke_ends_a_membership(weekend):
    sanne = weekend.login("sanne", "--team", "dba")
    login = f"{weekend.prefix}sanne"
    said = weekend.ok("db", "revoke", login, "--team", "dba", "--state", weekend.admin)
    assert f"{login} is no longer a member of {weekend.prefix}team_dba" in said
    assert "has no role" in weekend.refused(sanne, "note", "export", "still here")


HOSTILE = """\
name: Hostile teams
timezone: Europe/Amsterdam
start: 2026-12-04T18:00
tasks:
  - {id: one, title: One, team: "o'brien \\"crew\\"; DROP ROLE x; ü", duration: 1h}
  - {id: two, title: Two, team: pmo, duration: 1h, depends_on: one}
"""


def test_a_hostile_team_id_gets_a_safely_quoted_role(cli, pg_database, tmp_path):
    prefix = f"rb{secrets.token_hex(3)}_"
    runbook = tmp_path / "hostile.yaml"
    runbook.write_text(HOSTILE, encoding="utf-8")
    weekend = Weekend(cli, runbook, pg_database, prefix)
    weekend.ok(
        "db", "init", "-f", str(runbook), "--state", pg_database, "--role-prefix", prefix,
        "--now", "2026-12-04T17:00",
    )  # fmt: skip
    team = 'o\'brien "crew"; DROP ROLE x; ü'
    member = weekend.login("crew", "--team", "o'brien")
    weekend.ok("start", "one", state=member)
    assert weekend.events()[-1][4] == team
    data = json.loads(weekend.ok("db", "status", "--state", pg_database, "--json"))
    assert f"{prefix}team_{team}" in [r["role"] for r in data["roles"]]


def test_a_team_id_too_long_for_a_role_name_is_refused_where_the_runbook_says_it(
    cli, pg_database, tmp_path
):
    runbook = tmp_path / "long.yaml"
    runbook.write_text(HOSTILE.replace("team: pmo", "team: " + "x" * 60), encoding="utf-8")
    result = cli("db", "init", "-f", runbook, "--state", pg_database)
    assert result.exit_code == 1
    assert f"{runbook}:6:" in result.stderr
    # The default prefix is the database's name: roles are per weekend database.
    size = len(f"{pg_database.rsplit('/', 1)[1]}_team_{'x' * 60}")
    assert f"is {size} bytes long; PostgreSQL keeps at most 63" in result.stderr


def test_a_team_members_check_in_leaves_the_checkpoint_to_mission_control(weekend, monkeypatch):
    import psycopg

    from runbook.store import checkpoint

    monkeypatch.setattr(checkpoint, "EVERY", 1)  # every check-in would rewrite it
    sanne = weekend.login("sanne", "--team", "dba")
    weekend.ok("signoff", "dba", state=sanne)
    weekend.ok("note", "export", "tape library online", state=sanne)
    with psycopg.connect(weekend.admin, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM runbook.checkpoint").fetchone() == (0,)
    mc = weekend.login("mc", "--coordinator")
    weekend.ok("note", "freeze", "bridge open", state=mc)
    with psycopg.connect(weekend.admin, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM runbook.checkpoint").fetchone() == (1,)


def test_dropping_work_for_time_and_undoing_a_drop_are_mission_controls(weekend):
    sanne = weekend.login("sanne", "--team", "dba")
    said = weekend.refused(sanne, "drop", "import", "--reason", "no time", "--force")
    assert "may not" in said and "mission control" in said
    mc = weekend.login("mc", "--coordinator")
    weekend.ok("drop", "import", "--reason", "no time", "--force", state=mc)
    said = weekend.refused(sanne, "undo", "import")
    assert f"{weekend.prefix}sanne may not undo import's last change" in said
    # A plain skip of its own task (not needed this time) stays the team's.
    weekend.ok("skip", "export", "--reason", "exported yesterday", state=sanne)


def test_closing_the_weekend_and_reopening_it_are_mission_controls(weekend):
    sanne = weekend.login("sanne", "--team", "dba")
    mc = weekend.login("mc", "--coordinator")
    weekend.ok("start", "freeze", "--at", "18:00", state=mc)
    weekend.ok("done", "freeze", "--at", "18:15", state=mc)
    said = weekend.refused(sanne, "close", "--reason", "we are done")
    assert f"{weekend.prefix}sanne may not close the weekend: that needs mission control" in said
    weekend.ok("close", "--reason", "called off", state=mc)
    said = weekend.refused(sanne, "close", "--undo")
    assert f"{weekend.prefix}sanne may not reopen the weekend: that needs mission control" in said
    # After the close a team's check-in is refused, and a team member is not told to force.
    said = weekend.refused(sanne, "start", "export")
    assert "the weekend was closed at Fri 18:30" in said
    assert "only mission control may force it" in said and "--force" not in said
    weekend.ok("close", "--undo", state=mc)
    weekend.ok("start", "export", state=sanne)


def test_a_team_member_may_not_pick_its_own_sequence_number(weekend):
    import psycopg

    sanne = weekend.login("sanne", "--team", "dba")
    with psycopg.connect(sanne, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            # A far sequence number would hide every later event from the followers.
            conn.execute(
                "INSERT INTO runbook.events (seq, at, recorded, task, kind, actor, host) "
                f"OVERRIDING SYSTEM VALUE VALUES (10^12, {T}, {T}, 'export', 'note', 'x', 'x')"
            )
        conn.execute(
            "INSERT INTO runbook.events (at, recorded, task, kind, actor, host) "
            f"VALUES ({T}, {T}, 'export', 'note', 'x', 'x')"
        )
    assert weekend.events()[-1][1:3] == ("export", "note")


def test_pulling_is_mission_controls_and_a_team_revises_its_own_running_task(weekend):
    mc = weekend.login("mc", "--coordinator")
    sanne = weekend.login("sanne", "--team", "dba")
    weekend.ok("start", "freeze", "--at", "18:00", state=mc)
    weekend.ok("done", "freeze", "--at", "18:15", state=mc)
    weekend.ok("start", "export", "--at", "18:15", state=sanne)
    weekend.ok("eta", "export", "+3h", "--reason", "slow disks", state=sanne)
    weekend.ok("estimate", "import", "4h", state=sanne)
    lab = weekend.login("ahmed", "--team", "lab")
    said = weekend.refused(lab, "pull", "test")
    assert f"{weekend.prefix}ahmed may not pull test forward: that needs mission control" in said
    weekend.ok("pull", "test", state=mc)


def test_a_team_member_refused_by_the_rules_is_not_told_to_force(weekend):
    sanne = weekend.login("sanne", "--team", "dba")
    result = weekend.run(sanne, "start", "import")  # waits for the transfer gate
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "add --force" not in said
    assert "only mission control may force it" in said
    mc = weekend.login("mc", "--coordinator")
    result = weekend.run(mc, "start", "import")
    assert "add --force to record it anyway" in " ".join(result.stderr.split())


def test_a_time_far_from_the_weekend_is_forced_by_mission_control_only_and_marked_forced(
    weekend,
):
    mc = weekend.login("mc", "--coordinator")
    sanne = weekend.login("sanne", "--team", "dba")
    weekend.ok("start", "freeze", "--at", "18:00", state=mc)
    weekend.ok("done", "freeze", "--at", "18:15", state=mc)
    said = weekend.refused(sanne, "start", "export", "--at", "2026-11-01T10:00", "--force")
    assert "more than a day before the weekend's start" in said
    assert "only mission control may force it" in said and "add --force" not in said
    weekend.ok("start", "export", "--at", "2026-11-01T10:00", "--force", state=mc)
    assert weekend.events()[-1][1:3] + weekend.events()[-1][5:6] == ("export", "start", True)


def test_the_dashboard_does_not_offer_a_team_member_to_force(weekend):
    """The dashboard asks the core before its dialog: a team member's refusal has no Force
    button and says whom to ask; mission control's keeps it."""
    from runbook.usecases import ONLY_MISSION_CONTROL
    from runbook.usecases import Weekend as Opened

    def refusal(state: str):
        with Opened.open(weekend.runbook, state, at=lambda plan: at(NOW)) as opened:
            return opened.would_refuse("start", "import")

    sanne = refusal(weekend.login("sanne", "--team", "dba"))
    assert sanne is not None and not sanne.forceable
    assert sanne.hint is not None and sanne.hint.endswith(ONLY_MISSION_CONTROL)
    mc = refusal(weekend.login("mc", "--coordinator"))
    assert mc is not None and mc.forceable and mc.hint != ONLY_MISSION_CONTROL


def test_notifications_are_sent_by_mission_control_and_a_team_member_is_refused_plainly(
    weekend, tmp_path
):
    from .receivers import start_http_receiver

    receiver, server = start_http_receiver()
    try:
        text = weekend.runbook.read_text(encoding="utf-8")
        weekend.runbook.write_text(
            text + f"\nnotify:\n  coordinator: [{receiver.url('mc')}]\n"
            f"  teams: {{dba: [{receiver.url('dba')}]}}\n",
            encoding="utf-8",
        )
        sanne = weekend.login("sanne", "--team", "dba")
        said = weekend.refused(sanne, "notify", "--once")
        assert "may not change this weekend's stored plans, settings or notification outbox" in (
            said
        )
        assert receiver.posts == []
        mc = weekend.login("mc", "--coordinator")
        weekend.ok("notify", "--once", state=mc)
        assert receiver.posts, "mission control's notifier sent nothing"
        assert "0 waiting" in weekend.ok("notify", "--status", state=sanne)
    finally:
        server.shutdown()
        server.server_close()


def test_any_team_member_records_a_lesson_but_only_mission_control_revises_or_hands_over(weekend):
    """Issue 23: anyone who records may record a lesson (about any task, a team, or the
    weekend); a revision of the runbook and the aftercare handover are mission control's."""
    mc = weekend.login("mc", "--coordinator")
    sanne = weekend.login("sanne", "--team", "dba")
    weekend.ok("start", "freeze", "--at", "18:00", state=mc)
    weekend.ok("lesson", "the export ran slower than rehearsed", "--task", "export", state=sanne)
    weekend.ok(
        "lesson", "the lab's analysers need a vendor on call", "--task", "switch", state=sanne
    )
    weekend.ok("lesson", "the bridge call worked", state=sanne)
    lessons = [e for e in weekend.events() if e[2] == "lesson"]
    assert [(e[1], e[4], e[6]) for e in lessons] == [
        ("export", "dba", f"{weekend.prefix}sanne"),
        ("switch", "lab", f"{weekend.prefix}sanne"),
        (None, None, f"{weekend.prefix}sanne"),
    ]

    weekend.runbook.write_text(
        weekend.runbook.read_text(encoding="utf-8").replace(
            "deadline: 2026-12-05T12:00", "deadline: 2026-12-05T10:00"
        ),
        encoding="utf-8",
    )
    said = weekend.refused(sanne, "revise", "--reason", "tighter")
    assert (
        f"{weekend.prefix}sanne may not revise the runbook: recording a new version needs "
        "mission control" in said
    )
    said = weekend.refused(sanne, "aftercare", "export", "--owner", "dba")
    assert f"{weekend.prefix}sanne may not hand export over for aftercare" in said
    weekend.ok("revise", "--reason", "tighter", state=mc)
    weekend.ok("aftercare", "export", "--owner", "dba", state=mc)
    status = weekend.ok("db", "status", "--state", weekend.admin)
    assert "runbook version 2 in force, revised Fri 04 Dec 17:30 UTC by someone" in " ".join(
        status.split()
    )
