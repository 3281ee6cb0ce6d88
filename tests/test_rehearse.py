"""A dress rehearsal on its own date (issue 24): `runbook rehearse --start TIME --state S`
moves the runbook's clock to the rehearsal's, the state keeps the offset, and every check-in
follows the ordinary rules without --force."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runbook.usecases import Weekend
from runbook.weekend.events import FINISHED, Status

from .builders import minimal_runbook
from .conftest import EXAMPLES
from .weekend_helpers import FakeClock

TUESDAY = "2026-11-24T06:00"  # the example weekend starts Friday 2026-12-04 06:00
TEN_DAYS = 10 * 86400


@pytest.fixture
def example(tmp_path: Path) -> Path:
    path = tmp_path / "cloud.yaml"
    shutil.copy(EXAMPLES / "cloud-migration-weekend.yaml", path)
    return path


@pytest.fixture
def env(example: Path) -> dict[str, str]:
    return {
        "RUNBOOK_FILE": str(example),
        "RUNBOOK_USER": "ingrid",
        "RUNBOOK_NOW": "2026-11-24T05:00",
    }


def _play_the_whole_runbook(
    weekend: Weekend, clock: FakeClock, took: dict[str, int] | None = None
) -> int:
    """Play every task as the forecast has it, without force: start what is ready, decide GO
    at a gate, finish what has run its duration (or what ``took`` says, in seconds), then
    move the clock to the next moment something can happen. Every check-in must be
    accepted; how many were recorded."""
    plan = weekend.plan
    took = took or {}

    def ran(task_id: str, duration: int) -> int:
        return took.get(task_id, duration)

    def go(gate: str) -> None:
        """GO at every stage, from as many of its approvers as it needs (mission control
        recording what each said)."""
        stages = plan.gates[gate].stages
        if not stages:
            weekend.decide(gate, "go", actor="ingrid", host="bridge")
        for stage in stages:
            for name in stage.approvers[: stage.needs]:
                weekend.decide(
                    gate, "go", actor="ingrid", host="bridge", stage=stage.name, approver=name
                )

    recorded = 0

    def record(kind: str, task: str) -> None:
        nonlocal recorded
        result = weekend.record(kind, [task], actor="ingrid", host="bridge")
        assert not result.refused, (kind, task, result.refused)
        assert not any(e.forced for e in result.events)
        recorded += 1

    for _ in range(2000):
        snap = weekend.snapshot()
        now = weekend.now()
        if all(s.status in FINISHED for s in snap.tasks):
            return recorded
        acted = False
        for s in snap.tasks:
            task = plan.tasks[s.index]
            if s.status == Status.READY:
                if task.milestone:
                    if task.gate:
                        go(s.id)
                    record("done", s.id)
                else:
                    record("start", s.id)
                acted = True
            elif (
                s.status == Status.RUNNING
                and (s.actual_start or now) + ran(s.id, task.duration) <= now
            ):
                if task.gate:
                    go(s.id)
                record("done", s.id)
                acted = True
        if not acted:
            upcoming = [
                s.actual_start + ran(s.id, plan.tasks[s.index].duration)
                for s in snap.tasks
                if s.status == Status.RUNNING and s.actual_start is not None
            ] + [s.forecast_start for s in snap.tasks if s.status == Status.SCHEDULED]
            later = [t for t in upcoming if t > now]
            assert later, "nothing can happen any more"
            clock.now = datetime.fromtimestamp(min(later), UTC)
    raise AssertionError("the rehearsal did not finish")


@pytest.mark.slow
def test_a_rehearsal_on_a_tuesday_plays_the_whole_runbook_without_force(example, tmp_path):
    clock = FakeClock("2026-11-24T06:00+01:00")
    state = tmp_path / "rehearsal.db"
    with Weekend.open(example, state, clock=clock, create=True) as weekend:
        own_start = weekend.plan.start
        begun = weekend.begin_rehearsal(datetime.fromisoformat("2026-11-24T06:00+01:00"))
        assert begun.recorded and begun.offset == -TEN_DAYS
        assert weekend.plan.start == own_start - TEN_DAYS
        recorded = _play_the_whole_runbook(weekend, clock)
        assert recorded >= len(weekend.plan.tasks)
        snap = weekend.snapshot()
        assert snap.forecast_finish <= (weekend.plan.deadline or 0)
        assert all(not e.overridden for e in weekend.audited_events())
        # It ran on its own week: everything before the weekend's own start.
        assert max(e.at for e in weekend.events()) < own_start


def test_the_state_keeps_the_offset_and_every_command_on_it_uses_it(cli, example, env, tmp_path):
    state = tmp_path / "rehearsal.db"
    begun = cli("rehearse", "--start", TUESDAY, "--state", state, env=env)
    assert begun.exit_code == 0, begun.stderr
    assert "REHEARSAL of Zorggroep Rijnland cloud migration weekend" in begun.stdout
    assert "start     Tue 24 Nov 06:00 (Fri 06:00 in the runbook)" in begun.stdout
    assert "deadline  Fri 27 Nov 06:00 (Mon 06:00 in the runbook)" in begun.stdout
    assert "point of no return (gonogo-2)  Thu 26 Nov 20:00 (Sun 20:00 in the runbook)" in (
        begun.stdout
    )
    with Weekend.open(example, state, read_only=True) as weekend:
        assert weekend.offset == -TEN_DAYS and weekend.rehearsal
        assert weekend.plan.deadline == int(
            datetime.fromisoformat("2026-11-27T06:00+01:00").timestamp()
        )
    status = cli("status", "--state", state, "--json", env=env)
    data = json.loads(status.stdout)
    assert data["rehearsal"] == {
        "start": "2026-11-24T06:00:00+01:00",
        "runbook_start": "2026-12-04T06:00:00+01:00",
        "offset_minutes": -TEN_DAYS // 60,
    }
    assert data["deadline"] == "2026-11-27T06:00:00+01:00"


def test_a_check_in_at_the_rehearsals_own_time_needs_no_force(cli, env, tmp_path):
    state = tmp_path / "rehearsal.db"
    assert cli("rehearse", "--start", TUESDAY, "--state", state, env=env).exit_code == 0
    at_six = {**env, "RUNBOOK_NOW": "2026-11-24T06:05"}
    started = cli("start", "fri-bridge-open", "--state", state, env=at_six)
    assert started.exit_code == 0, started.stderr
    assert "forced" not in started.stdout + started.stderr
    # The line after a check-in says whose figures they are.
    assert "REHEARSAL: ON PLAN" in started.stdout and "weekend: " not in started.stdout
    # A task whose not_before is Friday 08:00 in the runbook waits for Tuesday 08:00.
    later = {**env, "RUNBOOK_NOW": "2026-11-24T06:40"}
    assert cli("done", "fri-bridge-open", "--state", state, env=later).exit_code == 0
    early = cli("start", "comms-fri-staff-notice", "--state", state, env=later)
    assert early.exit_code == 1
    assert "not before Tue 08:00 (Fri 08:00 in the runbook)" in " ".join(early.stderr.split())
    at_eight = {**env, "RUNBOOK_NOW": "2026-11-24T08:00"}
    on_time = cli("start", "comms-fri-staff-notice", "--state", state, env=at_eight)
    assert on_time.exit_code == 0, on_time.stderr


def test_status_on_a_rehearsal_says_rehearsal_and_the_runbooks_time(cli, env, tmp_path):
    state = tmp_path / "rehearsal.db"
    assert cli("rehearse", "--start", TUESDAY, "--state", state, env=env).exit_code == 0
    result = cli("status", "--state", state, env=env)
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert text.startswith("REHEARSAL Zorggroep Rijnland cloud migration weekend")
    assert "Tue 24 Nov 05:00 (Fri 05:00 in the runbook)" in text
    assert "deadline Fri 06:00 (Mon 06:00 in the runbook)" in text
    assert "gonogo-2 at Thu 20:00 (Sun 20:00 in the runbook)" in text


def test_the_plan_on_a_rehearsal_says_rehearsal_on_the_rehearsals_clock(cli, env, tmp_path):
    state = tmp_path / "rehearsal.db"
    assert cli("rehearse", "--start", TUESDAY, "--state", state, env=env).exit_code == 0
    at_six = {**env, "RUNBOOK_NOW": "2026-11-24T06:05"}
    assert cli("start", "fri-bridge-open", "--state", state, env=at_six).exit_code == 0
    table = cli("plan", "--state", state, env=at_six)
    assert table.exit_code == 0, table.stderr
    text = " ".join(table.stdout.split())
    assert text.startswith("REHEARSAL · Zorggroep Rijnland cloud migration weekend")
    assert "forecast at Tue 24 Nov 06:05 (Fri 06:05 in the runbook)" in text
    assert "REHEARSAL: times on the rehearsal's clock (10d earlier than the runbook)" in text
    # Every time in it, and in its JSON, is the rehearsal's, the plan's own included.
    data = json.loads(cli("plan", "--json", "--state", state, env=at_six).stdout)
    assert data["start"] == "2026-11-24T06:00:00+01:00"
    assert data["deadline"] == "2026-11-27T06:00:00+01:00"
    # The runbook alone (no state, or --ignore-state) is the runbook's own plan.
    alone = cli("plan", "--json", "--ignore-state", env=at_six)
    assert json.loads(alone.stdout)["start"] == "2026-12-04T06:00:00+01:00"


def test_the_weekend_itself_says_no_rehearsal(cli, env, tmp_path):
    result = cli("status", "--state", tmp_path / "weekend.db", "--json", env=env)
    assert json.loads(result.stdout)["rehearsal"] is None
    text = cli("status", "--state", tmp_path / "weekend.db", env=env).stdout
    assert "REHEARSAL" not in text and "in the runbook" not in text


def test_a_rehearsal_is_begun_again_at_the_same_start_without_change(cli, env, tmp_path):
    state = tmp_path / "rehearsal.db"
    assert cli("rehearse", "--start", TUESDAY, "--state", state, env=env).exit_code == 0
    again = cli("rehearse", "--start", TUESDAY, "--state", state, env=env)
    assert again.exit_code == 0, again.stderr
    assert "is this rehearsal already; nothing was changed" in again.stderr


def test_a_state_with_check_ins_keeps_its_date(cli, env, tmp_path):
    state = tmp_path / "rehearsal.db"
    assert cli("rehearse", "--start", TUESDAY, "--state", state, env=env).exit_code == 0
    at_six = {**env, "RUNBOOK_NOW": "2026-11-24T06:05"}
    assert cli("start", "fri-bridge-open", "--state", state, env=at_six).exit_code == 0
    moved = cli("rehearse", "--start", "2026-11-25T06:00", "--state", state, env=at_six)
    assert moved.exit_code == 1
    said = " ".join(moved.stderr.split())
    assert "already holds 1 event of a rehearsal starting Tue 24 Nov 06:00" in said
    assert "give the rehearsal a new state" in said
    with Weekend.open(Path(env["RUNBOOK_FILE"]), state, read_only=True) as weekend:
        assert weekend.offset == -TEN_DAYS


def test_the_weekends_own_state_is_never_made_a_rehearsal(cli, env, tmp_path):
    weekend_state = tmp_path / "weekend.db"
    at_six = {**env, "RUNBOOK_NOW": "2026-12-04T06:05"}
    assert cli("start", "fri-bridge-open", "--state", weekend_state, env=at_six).exit_code == 0
    result = cli("rehearse", "--start", TUESDAY, "--state", weekend_state, env=at_six)
    assert result.exit_code == 1
    assert "already holds 1 event of the weekend itself" in " ".join(result.stderr.split())


def test_rehearse_needs_a_state_of_its_own_and_not_the_runbooks_own_start(cli, env, tmp_path):
    no_state = cli("rehearse", "--start", TUESDAY, env=env)
    assert no_state.exit_code != 0
    assert "give the rehearsal's own state" in no_state.stderr
    same = cli("rehearse", "--start", "2026-12-04T06:00", "--state", tmp_path / "r.db", env=env)
    assert same.exit_code == 1
    assert "is the runbook's own start: that is the weekend itself" in same.stderr


def test_a_time_a_day_ago_by_the_clock_but_far_from_the_weekend_needs_force(cli, tmp_path):
    """The special case is gone: before `runbook rehearse`, any --at within the last day by
    the clock was let through, so a rehearsal days before the weekend passed; now a time far
    from the weekend (or from the rehearsal's own date) needs --force, whenever it is told."""
    runbook = minimal_runbook(tmp_path, "intranet.yaml")  # Friday 2026-12-04 18:00
    env = {"RUNBOOK_FILE": str(runbook), "RUNBOOK_USER": "ingrid"}
    days_before = {**env, "RUNBOOK_NOW": "2026-11-24T19:00"}
    result = cli("start", "freeze", "--at", "2026-11-24T18:00", env=days_before)
    assert result.exit_code == 1
    assert "more than a day before the weekend's start" in result.stderr
    assert "add --force to record it anyway" in result.stderr
    # ... and a rehearsal on that date takes it as its own time.
    state = tmp_path / "rehearsal.db"
    begun = cli("rehearse", "--start", "2026-11-24T18:00", "--state", state, env=days_before)
    assert begun.exit_code == 0, begun.stderr
    told = cli("start", "freeze", "--at", "2026-11-24T18:00", "--state", state, env=days_before)
    assert told.exit_code == 0, told.stderr


def test_a_rehearsal_exported_and_read_back_is_still_one(cli, example, env, tmp_path):
    """A copy of a rehearsal (db export's target is a state file like this one) keeps the
    offset: the transfer goes through the store interface."""
    from runbook.store import open_store

    state = tmp_path / "rehearsal.db"
    assert cli("rehearse", "--start", TUESDAY, "--state", state, env=env).exit_code == 0
    store = open_store(state, create=False, read_only=True)
    assert store is not None
    try:
        assert store.clock_offset() == -TEN_DAYS
    finally:
        store.close()


def test_the_baseline_of_a_rehearsal_is_on_its_date_too(example, tmp_path):
    clock = FakeClock("2026-11-24T06:30+01:00")
    state = tmp_path / "rehearsal.db"
    with Weekend.open(example, state, clock=clock, create=True) as weekend:
        weekend.begin_rehearsal(datetime.fromisoformat(TUESDAY + "+01:00"))
        weekend.record("start", ["fri-bridge-open"], actor="ingrid", host="bridge")
        clock.now += timedelta(minutes=5)
    example.write_text(example.read_text().replace("Cutover weekend", "The cutover weekend"))
    with Weekend.open(example, state, clock=clock, read_only=True) as weekend:
        snap = weekend.snapshot()
        assert snap.baseline.offset == -TEN_DAYS
        assert snap.baseline.start == weekend.plan.start


# -- notify on a rehearsal: its own addresses, or nobody -----------------------------------
@pytest.fixture
def receiver():
    from .receivers import start_http_receiver

    got, server = start_http_receiver()
    yield got
    server.shutdown()
    server.server_close()


def _minimal_with_addresses(tmp_path: Path, receiver, *, rehearsal: bool) -> Path:
    """The minimal example (freeze Fri 18:00, backup 18:15 by dba) with the weekend's
    addresses for dba and mission control, and (``rehearsal``) the rehearsal's own."""
    own = (
        "  rehearsal:\n"
        f"    teams:\n      dba: {json.dumps([receiver.url('rehearsal-dba')])}\n"
        f"    coordinator: {json.dumps([receiver.url('rehearsal-mc')])}\n"
        if rehearsal
        else ""
    )
    path = tmp_path / "runbook.yaml"
    path.write_text(
        (EXAMPLES / "minimal.yaml").read_text(encoding="utf-8") + "\nnotify:\n"
        f"  teams:\n    dba: {json.dumps([receiver.url('dba')])}\n"
        f"  coordinator: {json.dumps([receiver.url('coordinator')])}\n" + own,
        encoding="utf-8",
    )
    return path


def test_a_rehearsal_without_addresses_of_its_own_notifies_nobody(cli, tmp_path, receiver):
    runbook = _minimal_with_addresses(tmp_path, receiver, rehearsal=False)
    state = tmp_path / "rehearsal.db"
    env = {"RUNBOOK_FILE": str(runbook), "RUNBOOK_USER": "ingrid"}
    tuesday = {**env, "RUNBOOK_NOW": "2026-11-24T17:50"}
    assert (
        cli("rehearse", "--start", "2026-11-24T18:00", "--state", state, env=tuesday).exit_code == 0
    )
    result = cli("notify", "--once", "--state", state, env=tuesday)
    assert result.exit_code == 0, result.stderr
    assert "a rehearsal sends only to its own addresses (notify.rehearsal" in result.stderr
    assert receiver.to("dba") == [] and receiver.to("coordinator") == []


def test_a_rehearsal_notifies_its_own_addresses_marked_rehearsal(cli, tmp_path, receiver):
    runbook = _minimal_with_addresses(tmp_path, receiver, rehearsal=True)
    state = tmp_path / "rehearsal.db"
    env = {"RUNBOOK_FILE": str(runbook), "RUNBOOK_USER": "ingrid"}
    tuesday = {**env, "RUNBOOK_NOW": "2026-11-24T17:50"}
    assert (
        cli("rehearse", "--start", "2026-11-24T18:00", "--state", state, env=tuesday).exit_code == 0
    )
    result = cli("notify", "--once", "--state", state, env=tuesday)
    assert result.exit_code == 0, result.stderr
    [heads_up] = receiver.to("rehearsal-dba")
    assert heads_up.title == "[REHEARSAL] Heads-up: backup at Tue 18:15"
    assert "REHEARSAL: sent at Tue 24 Nov 17:50 (Fri 17:50 in the runbook)." in heads_up.message
    assert receiver.to("dba") == [] and receiver.to("coordinator") == []


# -- review and readiness on a rehearsal's state -------------------------------------------
@pytest.fixture
def rehearsed(cli, env, tmp_path) -> Path:
    """A rehearsal of the example on Tuesday, its first task done."""
    state = tmp_path / "rehearsal.db"
    assert cli("rehearse", "--start", TUESDAY, "--state", state, env=env).exit_code == 0
    for moment, kind in (("06:05", "start"), ("06:35", "done")):
        told = {**env, "RUNBOOK_NOW": f"2026-11-24T{moment}"}
        assert cli(kind, "fri-bridge-open", "--state", state, env=told).exit_code == 0
    return state


def test_the_review_of_a_rehearsal_says_so_with_the_runbooks_deadline(cli, env, rehearsed):
    result = cli("review", "--state", rehearsed, env=env)
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert (
        "REHEARSAL on its own date: it started Tue 24 Nov 06:00 (Fri 06:00 in the runbook); "
        "every time here is the rehearsal's, 10d earlier than the runbook." in text
    )
    assert "Deadline | Fri 27 Nov 06:00 (Mon 06:00 in the runbook)" in text
    html = cli("review", "--state", rehearsed, "--format", "html", env=env)
    assert "Review of the rehearsal" in html.stdout


def test_readiness_on_a_rehearsal_is_on_the_rehearsals_date(cli, env, rehearsed):
    at_seven = {**env, "RUNBOOK_NOW": "2026-11-24T07:00"}
    result = cli("readiness", "--state", rehearsed, "--format", "json", env=at_seven)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schedule"]["deadline"].startswith("2026-11-27T06:00")
    assert data["schedule"]["start"].startswith("2026-11-24T06:00")
    text = cli("readiness", "--state", rehearsed, env=at_seven).stdout
    assert "REHEARSAL on its own date" in " ".join(text.split())


def test_a_rehearsal_is_kept_alike_in_either_store(cli, env, tmp_path, state_location):
    state = state_location or str(tmp_path / "rehearsal.db")
    begun = cli("rehearse", "--start", TUESDAY, "--state", state, env=env)
    assert begun.exit_code == 0, begun.stderr
    at_six = {**env, "RUNBOOK_NOW": "2026-11-24T06:05"}
    started = cli("start", "fri-bridge-open", "--state", state, env=at_six)
    assert started.exit_code == 0, started.stderr
    data = json.loads(cli("status", "--state", state, "--json", env=at_six).stdout)
    assert data["rehearsal"]["offset_minutes"] == -TEN_DAYS // 60
    assert data["tasks"][0]["status"] == "running"
    assert not data["tasks"][0]["forced"]


def test_on_postgresql_the_guards_window_moves_to_the_rehearsals_date(cli, env, pg_database):
    """db init writes the weekend's window (a team's times must lie in it); a rehearsal
    moves it by its offset, and db init run again keeps it moved."""
    import psycopg

    def window() -> tuple[int, int]:
        with psycopg.connect(pg_database) as conn:
            rows = dict(
                conn.execute(
                    "SELECT key, value FROM runbook.meta WHERE key LIKE 'window_%'"
                ).fetchall()
            )
        return int(rows["window_start"]), int(rows["window_end"])

    init = ("db", "init", "--state", pg_database, "--now", "2026-11-24T05:00")
    assert cli(*init, env=env).exit_code == 0
    weekend = window()
    assert cli("rehearse", "--start", TUESDAY, "--state", pg_database, env=env).exit_code == 0
    assert window() == (weekend[0] - TEN_DAYS, weekend[1] - TEN_DAYS)
    again = cli(*init, env=env)
    assert again.exit_code == 0, again.stderr
    assert window() == (weekend[0] - TEN_DAYS, weekend[1] - TEN_DAYS)
