"""Issue 22: a rollback that can be run. After a NO-GO, `runbook rollback GATE` makes the
gate's rollback tasks tasks of the weekend (checked in by the ordinary rules), suspends the
forward work not finished, and the forecast and the headline are the rollback's; before any
NO-GO, every face says when a rollback started now would end (checked here by hand)."""

from __future__ import annotations

import json
import textwrap

import pytest

from runbook.common.errors import Refused
from runbook.planning.rollback import rollback_plan, with_rollback
from runbook.validation.validate import plan_path
from runbook.weekend.events import Status
from runbook.weekend.views import verdict
from runbook.weekend.views.alerts import alerts
from runbook.weekend.views.rollback import if_rolled_back
from runbook.weekend.views.verdict import Headline, lead

from .test_contracts import conforms
from .weekend_helpers import FakeClock, at, check, open_weekend

ROLLBACK = """
    name: Rolled back
    timezone: Europe/Amsterdam
    start: 2026-12-04T18:00
    deadline: 2026-12-05T06:00
    teams:
      pmo: {name: Mission control}
      dba: {name: Database team}
      net: {name: Network}
    tasks:
      - {id: backup, title: Backup, team: dba, duration: 1h}
      - id: gonogo
        title: Go/no-go
        team: pmo
        milestone: true
        gate: true
        approvers: [CIO]
        rollback: [rb-announce, rb-restore, rb-dns, rb-check]
        depends_on: backup
      - {id: export, title: Export, team: dba, duration: 2h, depends_on: gonogo}
      - {id: dns, title: Cut DNS over, team: net, duration: 1h, depends_on: export}
    rollback_tasks:
      - {id: rb-announce, title: Announce the NO-GO, team: pmo, duration: 30m}
      - {id: rb-restore, title: Restore, team: dba, duration: 2h, depends_on: [rb-announce]}
      - id: rb-dns
        title: DNS back
        team: net
        duration: 1h
        depends_on: [rb-announce]
        not_before: NOT_BEFORE
      - {id: rb-check, title: Check, team: dba, duration: 30m, depends_on: [rb-restore, rb-dns]}
"""


def _runbook(write_runbook, not_before: str = "2026-12-05T00:00"):
    return write_runbook(ROLLBACK.replace("NOT_BEFORE", not_before))


def _epoch(moment: str) -> int:
    return int(at(moment).timestamp())


def test_if_rolled_back_now_is_the_rollbacks_own_critical_path_from_now_by_hand(write_runbook):
    plan = plan_path(_runbook(write_runbook)).plan
    assert plan is not None
    # From 19:10: announce 19:10-19:40; restore 19:40-21:40; DNS waits for its not_before,
    # 00:00-01:00; the check waits for both (fan-in), 01:00-01:30.
    alone = rollback_plan(plan, "gonogo", _epoch("2026-12-04T19:10+01:00"))
    assert [t.id for t in alone.tasks] == ["rb-announce", "rb-restore", "rb-dns", "rb-check"]
    assert alone.finish == _epoch("2026-12-05T01:30+01:00")
    # From 23:40 the restore drives it: 00:10-02:10, the check 02:10-02:40.
    assert rollback_plan(plan, "gonogo", _epoch("2026-12-04T23:40+01:00")).finish == _epoch(
        "2026-12-05T02:40+01:00"
    )
    # Its duration (the point of no return's) is the critical path without a not_before: 3h.
    assert plan.gates["gonogo"].rollback == 3 * 3600


def test_the_rollback_appended_to_the_plan_keeps_the_forward_tasks_and_their_order(
    write_runbook,
):
    plan = plan_path(_runbook(write_runbook)).plan
    assert plan is not None
    start = _epoch("2026-12-04T19:30+01:00")
    in_force = with_rollback(plan, "gonogo", start)
    assert in_force.column("id") == [
        *plan.column("id"),
        "rb-announce",
        "rb-restore",
        "rb-dns",
        "rb-check",
    ]
    assert in_force.tasks[5].preds == [4] and in_force.tasks[7].preds == [5, 6]
    assert in_force.tasks[4].not_before == start  # the root waits for the rollback's start
    assert in_force.digest == plan.digest and in_force.rolling_back is not None
    assert in_force.order[: len(plan.order)] == plan.order


@pytest.fixture
def nogo(write_runbook, state_location):
    """The backup done at 19:00; the CIO's NO-GO at 19:10; at 19:30."""
    path = _runbook(write_runbook)
    clock = FakeClock("2026-12-04T19:00+01:00")
    weekend = open_weekend(path, clock, state_location)
    check(weekend, "start", "backup", at=at("2026-12-04T18:00+01:00"))
    check(weekend, "done", "backup")
    status = weekend.snapshot()
    rolled = if_rolled_back(status)
    assert rolled is not None and rolled.ends == _epoch("2026-12-05T01:30+01:00")  # DNS: 00:00
    clock.set("2026-12-04T19:10+01:00")
    weekend.decide("gonogo", "no-go", actor="CIO", host="h", note="backup unreadable")
    clock.set("2026-12-04T19:30+01:00")
    yield weekend, clock
    weekend.close()


def test_a_rollback_task_is_refused_plainly_before_its_rollback_starts(nogo):
    weekend, _ = nogo
    with pytest.raises(Refused) as refused:
        check(weekend, "start", "rb-announce")
    assert "rb-announce is a rollback task of gonogo" in str(refused.value)
    assert refused.value.hint == "`runbook rollback gonogo` starts it (after a NO-GO at gonogo)"
    assert if_rolled_back(weekend.snapshot()) is None  # a NO-GO is open: it is the rollback's


def test_a_rollback_run_to_its_end_suspends_the_forward_work_and_leads_every_headline(nogo):
    weekend, clock = nogo
    event = weekend.rollback("gonogo", actor="mc", host="h", note="backup unreadable")
    assert event.kind == "rollback" and event.task == "gonogo"
    snap = weekend.snapshot()
    said = verdict(snap)
    assert said.headline == Headline.ROLLING_BACK
    assert said.no_go is None  # the rollback resolves the NO-GO
    assert lead(said, weekend.plan.zone).line == (
        "ROLLING BACK gonogo · ends Sat 01:30 · 4h30m before the deadline Sat 06:00"
    )
    statuses = {s.id: s.status for s in snap.tasks}
    assert statuses == {
        "backup": Status.DONE,
        "gonogo": Status.SUSPENDED,
        "export": Status.SUSPENDED,
        "dns": Status.SUSPENDED,
        "rb-announce": Status.READY,
        "rb-restore": Status.PENDING,
        "rb-dns": Status.PENDING,
        "rb-check": Status.PENDING,
    }
    # DNS's not_before (00:00) holds the end, not the announcement.
    assert [snap.plan.tasks[i].id for i in snap.critical_path] == ["rb-dns", "rb-check"]
    assert snap.counts["suspended"] == 3
    # The rollback's tasks are checked in by the ordinary rules, prefixes and --at included.
    check(weekend, "start", "rb-ann")
    clock.set("2026-12-04T20:00+01:00")
    check(weekend, "done", "rb-announce")
    assert check(weekend, "start", "rb-check").refused  # its predecessors are not done
    check(weekend, "start", "rb-restore", "rb-dns", at=at("2026-12-04T20:00+01:00"), force=True)
    clock.set("2026-12-04T22:00+01:00")
    check(weekend, "done", "rb-restore", "rb-dns")
    check(weekend, "start", "rb-check")
    clock.set("2026-12-04T22:20+01:00")
    check(weekend, "done", "rb-check")
    snap = weekend.snapshot()
    said = verdict(snap)
    assert lead(said, weekend.plan.zone).line == (
        "ROLLING BACK gonogo · ended Fri 22:20 · 7h40m before the deadline Sat 06:00"
    )
    assert snap.counts["done"] == 5 and snap.counts["suspended"] == 3
    assert not [a for a in alerts(snap) if a.kind == "critical-late"]


def test_one_rollback_at_a_time_and_none_without_a_no_go_unless_forced(
    write_runbook, state_location
):
    path = _runbook(write_runbook)
    clock = FakeClock("2026-12-04T19:10+01:00")
    with open_weekend(path, clock, state_location) as weekend:
        with pytest.raises(Refused) as early:
            weekend.rollback("gonogo", actor="mc", host="h")
        assert "gonogo has no NO-GO: a rollback follows a NO-GO" in str(early.value)
        assert early.value.forceable
        forced = weekend.rollback("gonogo", actor="mc", host="h", force=True)
        assert forced.data["forced"] is True
        with pytest.raises(Refused) as again:
            weekend.rollback("gonogo", actor="mc", host="h", force=True)
        assert "the rollback of gonogo is already running" in str(again.value)
        assert not again.value.forceable


def test_a_rollback_is_undone_before_its_first_check_in_and_not_after(nogo):
    weekend, _ = nogo
    weekend.rollback("gonogo", actor="mc", host="h")
    undone = weekend.rollback("gonogo", actor="mc", host="h", undo=True)
    assert undone.kind == "undo" and undone.task == "gonogo"
    snap = weekend.snapshot()
    assert verdict(snap).headline == Headline.NO_GO  # back where it stood
    assert "rb-announce" not in snap.plan.index
    weekend.rollback("gonogo", actor="mc", host="h")
    check(weekend, "start", "rb-announce")
    with pytest.raises(Refused) as begun:
        weekend.rollback("gonogo", actor="mc", host="h", undo=True)
    assert "the rollback of gonogo has begun: rb-announce has a check-in" in str(begun.value)
    check(weekend, "undo", "rb-announce")
    weekend.rollback("gonogo", actor="mc", host="h", undo=True)
    assert weekend.snapshot().plan.rolling_back is None


def test_if_rolled_back_now_turns_into_an_alert_once_it_would_end_past_the_deadline(
    write_runbook,
):
    path = _runbook(write_runbook, not_before="2026-12-05T05:30")
    clock = FakeClock("2026-12-04T18:30+01:00")
    with open_weekend(path, clock) as weekend:
        snap = weekend.snapshot()
        rolled = if_rolled_back(snap)
        # DNS waits until 05:30 and takes 1h, the check 06:30-07:00: 1h past the deadline.
        assert rolled is not None and rolled.ends == _epoch("2026-12-05T07:00+01:00")
        assert rolled.line(weekend.plan.zone) == (
            "if rolled back now, it would end Sat 07:00 (1h AFTER the deadline)"
        )
        [late] = [a for a in alerts(snap) if a.kind == "rollback-late"]
        assert late.message == (
            "if rolled back now, gonogo's rollback would end Sat 07:00, 1h past the deadline"
        )


def test_status_says_rolling_back_and_the_suspended_work_at_80_columns(cli, nogo):
    weekend, _ = nogo
    weekend.rollback("gonogo", actor="mc", host="h")
    env = {
        "RUNBOOK_FILE": str(weekend.runbook_path),
        "RUNBOOK_NOW": "2026-12-04T19:30",
        "COLUMNS": "80",
    }
    if isinstance(weekend.state_path, str):
        env["RUNBOOK_STATE"] = weekend.state_path
    out = cli("status", env=env).stdout
    lines = out.splitlines()
    assert lines[1].strip() == (
        "ROLLING BACK   gonogo · ends Sat 01:30 · 4h30m before the deadline Sat 06:00"
    )
    assert "3 suspended" in out
    assert "▶  rb-announce" in out
    assert all(len(line) <= 80 for line in lines)
    report = json.loads(cli("status", "--json", env=env).stdout)
    assert report["verdict"]["headline"] == "ROLLING BACK"
    assert report["verdict"]["rolling_back"] == {
        "gate": "gonogo",
        "started": "2026-12-04T19:30:00+01:00",
        "ends": "2026-12-05T01:30:00+01:00",
        "point_of_no_return": "2026-12-05T03:00:00+01:00",
        "finished": False,
    }
    assert report["counts"]["suspended"] == 3


def test_after_a_rollback_the_review_readiness_calendar_and_log_tell_it(cli, nogo):
    weekend, clock = nogo
    weekend.rollback("gonogo", actor="mc", host="h", note="backup unreadable")
    check(weekend, "start", "rb-announce")
    clock.set("2026-12-04T20:00+01:00")
    check(weekend, "done", "rb-announce")
    env = {
        "RUNBOOK_FILE": str(weekend.runbook_path),
        "RUNBOOK_NOW": "2026-12-04T20:05",
        "COLUMNS": "200",
    }
    if isinstance(weekend.state_path, str):
        env["RUNBOOK_STATE"] = weekend.state_path
    review = json.loads(cli("review", "--format", "json", env=env).stdout)
    rows = {r["id"]: r for r in review["tasks"]}
    assert rows["rb-announce"]["rollback"] is True
    assert rows["rb-announce"]["planned_start"] == "2026-12-04T19:30:00+01:00"
    assert rows["rb-announce"]["actual_finish"] == "2026-12-04T20:00:00+01:00"
    assert rows["export"]["status"] == "suspended"
    assert rows["export"]["reason"] == "not done: rolled back at gonogo (Fri 19:30)"
    conforms(review, "review")
    text = cli("review", env=env).stdout
    assert "## The rollback: planned against actual" in text
    assert "3 forward tasks not done: rolled back at gonogo (Fri 19:30)" in text
    readiness = cli("readiness", "--format", "json", env=env)
    assert readiness.exit_code in (0, 1), readiness.stderr  # a verdict, never a crash
    conforms(json.loads(readiness.stdout), "readiness")
    forecast = cli("export", "ics", "--forecast", "-o", "-", env=env).stdout
    planned = cli("export", "ics", "-o", "-", env=env).stdout
    assert "UID:rb-announce@" in forecast and "UID:rb-announce@" not in planned
    log = cli("log", env=env).stdout
    assert "rollback" in log and "decide NO-GO" in log


async def test_the_dashboard_at_80_by_24_leads_with_rolling_back_and_lists_the_rollback(nogo):
    from runbook.tui.app import MissionControl

    from .tui_helpers import until

    weekend, _ = nogo
    weekend.rollback("gonogo", actor="mc", host="h")
    app = MissionControl(weekend, actor="mc", host="bridge", poll_seconds=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "ROLLING BACK" in str(app.query_one("#headline").render()))
        headline = str(app.query_one("#headline").render())
        assert "ROLLING BACK" in headline and "gonogo · ends Sat 01:30" in headline
        now = str(app.query_one("#now").render())
        assert "rb-announce" in now


def test_completion_offers_a_running_rollbacks_tasks_and_a_gates_stages(cli, tmp_path):
    from .test_completion import offered

    path = tmp_path / "runbook.yaml"
    path.write_text(
        textwrap.dedent(ROLLBACK.replace("NOT_BEFORE", "2026-12-05T00:00")).lstrip(),
        encoding="utf-8",
    )
    env = {"RUNBOOK_NOW": "2026-12-04T19:30", "RUNBOOK_USER": "mc"}
    for args in (
        ("start", "backup", "--at", "18:00"),
        ("done", "backup", "--at", "19:00"),
        ("decide", "gonogo", "no-go", "--by", "CIO", "--at", "19:10"),
    ):
        assert cli(*args, env={**env, "RUNBOOK_FILE": str(path)}).exit_code == 0
    assert offered("runbook start rb-", tmp_path) == []  # no rollback in force yet
    assert cli("rollback", "gonogo", env={**env, "RUNBOOK_FILE": str(path)}).exit_code == 0
    assert offered("runbook start rb-", tmp_path) == [
        "rb-announce",
        "rb-restore",
        "rb-dns",
        "rb-check",
    ]
    assert offered("runbook decide gonogo go --by ", tmp_path) == ["CIO"]


def test_the_status_page_says_when_a_rollback_started_now_would_end(cli, write_runbook):
    path = _runbook(write_runbook)
    env = {"RUNBOOK_FILE": str(path), "RUNBOOK_NOW": "2026-12-04T19:10"}
    page = cli("status", "--format", "html", "-o", "-", env=env).stdout
    # From 19:10, as by hand above: it ends Sat 01:30, 4h30m before the deadline.
    assert "If rolled back now, it would end Sat 01:30 (4h30m before the deadline)." in page
