"""The views layer as data: what `runbook status` and the dashboard both show, with no
Textual and no rich in sight."""

from __future__ import annotations

import pytest

from runbook.format.durations import clock
from runbook.usecases import Weekend
from runbook.weekend.views import (
    ReadyRow,
    briefing,
    contact,
    late_rows,
    ready_rows,
    recent_events,
    running_rows,
    up_next_rows,
    verdict,
)
from runbook.weekend.views.checkin import checked_in, standing

from .weekend_helpers import FakeClock, at

RUNBOOK = """
    name: Views
    timezone: Europe/Amsterdam
    start: 2026-12-04T18:00
    deadline: 2026-12-05T06:00
    teams:
      dba: {name: Database team, lead: Sanne Bakker, contact: +31 20 555 0120}
      apps: {name: Application owners}
    tasks:
      - {id: backup, title: Backup, team: dba, duration: 1h}
      - {id: export, title: Export, team: dba, duration: 1h, depends_on: backup}
      - {id: docs, title: Docs, team: apps, duration: 30m}
      - {id: later, title: Later, team: apps, duration: 10m, not_before: 2026-12-04T19:30}
"""


@pytest.fixture
def weekend(write_runbook, tmp_path):
    """Backup started at 18:00 and not finished at 19:20; docs not started."""
    clock = FakeClock("2026-12-04T19:20+01:00")
    with Weekend.open(write_runbook(RUNBOOK), clock=clock, create=True) as opened:
        opened.record("start", ["backup"], actor="sanne", host="h", at=at("2026-12-04T18:00+01:00"))
        yield opened


def test_contact_is_the_teams_lead_and_number_and_empty_for_an_unknown_team(weekend):
    assert contact(weekend.plan, "dba") == "Sanne Bakker +31 20 555 0120"
    assert contact(weekend.plan, "apps") == ""
    assert contact(weekend.plan, None) == ""


def test_a_running_task_shows_how_long_it_has_run_and_its_overrun(weekend):
    [row] = running_rows(weekend.snapshot())
    assert (row.id, row.team, row.elapsed, row.duration) == (
        "backup",
        "Database team",
        80 * 60,
        3600,
    )
    assert row.overrun == 20 * 60
    assert not row.failed and row.resumed == ""


def test_a_task_resumed_after_failing_says_how_much_time_was_lost(weekend):
    weekend.record(
        "fail", ["backup"], actor="a", host="h", note="jam", at=at("2026-12-04T18:30+01:00")
    )
    failed = running_rows(weekend.snapshot())[0]
    assert failed.failed and failed.reason == "jam"
    weekend.record("start", ["backup"], actor="a", host="h", at=at("2026-12-04T19:10+01:00"))
    assert running_rows(weekend.snapshot())[0].resumed == "resumed, 40m lost"


def test_a_ready_task_says_whom_to_call_and_one_waiting_for_its_time_is_up_next_apart(weekend):
    snap = weekend.snapshot()
    ready, decisions = ready_rows(snap)
    assert decisions == []
    docs = next(r for r in ready if r.id == "docs")
    assert docs == ReadyRow("docs", "Application owners", "", None, docs.critical)
    # `later` may not start before 19:30: at 19:20 it is not ready, nobody is called for it.
    assert [r.id for r in ready] == ["docs"]
    [later] = up_next_rows(snap)
    assert (later.id, later.team) == ("later", "Application owners")
    assert clock(later.at, snap.plan.zone) == "Fri 19:30"
    assert briefing(snap).up_next == (later,)


def test_a_late_task_says_how_late_and_what_it_waits_for(weekend):
    late = {r.id: r for r in late_rows(weekend.snapshot())}
    assert late["docs"].late_by == 80 * 60
    assert late["docs"].why == "ready, not started"
    assert late["export"].blocked_by == ("backup",)
    assert late["export"].why == "waiting for backup"
    assert late["export"].late_by == 20 * 60


def test_a_briefing_with_a_late_limit_lists_the_most_overdue_and_counts_them_all(weekend):
    snap = weekend.snapshot()
    every = briefing(snap).late
    first = briefing(snap, late_limit=1)
    assert [r.id for r in every] == ["docs", "export"]  # the most overdue first
    assert first.late == every[:1]
    assert first.late_count == briefing(snap).late_count == 2


def test_the_verdict_gives_the_word_the_amount_and_the_spare_time(weekend):
    view = verdict(weekend.snapshot())
    assert (view.word, view.amount) == ("BEHIND", "20m")
    assert view.ahead == -20 * 60
    assert view.deadline is not None and view.spare == view.deadline - view.forecast_finish


def test_the_briefing_of_one_teams_tasks_lists_only_them(weekend):
    snap = weekend.snapshot()
    apps = [s for s in snap.tasks if snap.plan.tasks[s.index].team == "apps"]
    view = briefing(snap, apps)
    assert view.running == ()
    assert {r.id for r in view.ready} == {"docs"}
    assert [r.id for r in view.up_next] == ["later"]
    assert briefing(snap).running[0].id == "backup"


def test_recent_events_are_the_newest_first_by_when_they_happened_up_to_the_limit(weekend):
    weekend.record("note", ["backup"], actor="a", host="h", note="slow tape")
    # Told by phone afterwards: recorded last, happened at 18:30.
    weekend.record("start", ["docs"], actor="a", host="h", at=at("2026-12-04T18:30+01:00"))
    events = weekend.events()
    newest = recent_events(events, 4)
    assert [(e.kind, e.task) for e in newest] == [
        ("note", "backup"),
        ("baseline", None),
        ("start", "docs"),
        ("start", "backup"),
    ]
    assert recent_events(events, 0) == []


def test_the_line_after_a_late_start_says_how_late_and_the_weekend_standing(weekend):
    result = weekend.record("start", ["docs"], actor="a", host="h")
    [line] = checked_in(result, weekend.plan)
    assert (line.verb, line.task, line.detail) == ("started", "docs", "1h20m late")
    now = standing(result, weekend.plan)
    assert now.word == "BEHIND" and now.deadline == weekend.plan.deadline


def test_the_line_after_a_resumed_start_names_the_first_start_and_the_time_lost(weekend):
    weekend.record(
        "fail", ["backup"], actor="a", host="h", note="jam", at=at("2026-12-04T18:30+01:00")
    )
    result = weekend.record("start", ["backup"], actor="a", host="h")
    [line] = checked_in(result, weekend.plan)
    assert line.verb == "resumed"
    assert line.detail == "first started Fri 18:00 · 50m lost to the failure"


def test_the_line_after_a_failure_carries_its_reason_as_text_not_detail(weekend):
    result = weekend.record("fail", ["backup"], actor="a", host="h", note="[red]jam")
    [line] = checked_in(result, weekend.plan, "[red]jam")
    assert (line.verb, line.detail, line.note) == ("FAILED", "", "[red]jam")
