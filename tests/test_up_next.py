"""Ready means "may start now": a task that waits only for its not_before (or the time it was
pulled to) is ``scheduled``, shown apart as up next with its time, and nobody is told to call
it yet, in every face."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from runbook.tui.app import MissionControl
from runbook.tui.widgets import ReadyPanel, TaskTable
from runbook.usecases import Weekend
from runbook.validation.validate import validate_path
from runbook.weekend import rules
from runbook.weekend.events import NOT_STARTED, Event, Status
from runbook.weekend.forecast import TaskRecord, fold, snapshot
from runbook.weekend.views import briefing, ready_rows, up_next_rows
from runbook.weekend.views.filters import TaskFilter
from runbook.weekend.views.team import team_view

from .builders import friday, played_weekend, runbook_yaml, task
from .test_contracts import conforms
from .tui_helpers import EXAMPLE, until
from .weekend_helpers import FakeClock

# a runs 18:00-19:00; b follows it but not before 23:00; c follows it at once; d follows b.
TASKS = [
    task("a"),
    task("b", depends_on="a", not_before="2026-12-04T23:00", team="night"),
    task("c", depends_on="a"),
    task("d", depends_on="b"),
]


@pytest.fixture
def night(tmp_path: Path) -> Path:
    """The runbook, with a started at 18:00 and done at 19:00 (state file beside it)."""
    path = tmp_path / "night.yaml"
    text = runbook_yaml("Night", "2026-12-04T18:00", TASKS, timezone="Europe/Amsterdam")
    path.write_text(
        text
        + "teams:\n  t: {name: Day shift}\n"
        + "  night: {name: Night shift, lead: Noor, contact: '+31 6 1'}\n",
        encoding="utf-8",
    )
    played_weekend(path, [(friday("18:00"), "start", "a"), (friday("19:00"), "done", "a")])
    return path


def _snapshot(runbook: Path, moment: str):
    clock = FakeClock(moment)
    with Weekend.open(runbook, clock=clock) as weekend:
        return weekend.snapshot()


def test_a_task_waiting_only_for_its_not_before_is_scheduled_until_then(night):
    at_20 = _snapshot(night, friday("20:00"))
    assert at_20.by_id("b").status == Status.SCHEDULED == "scheduled"
    assert at_20.by_id("c").status == Status.READY
    assert at_20.by_id("d").status == Status.PENDING
    assert at_20.counts["scheduled"] == 1 and at_20.counts["ready"] == 1
    assert Status.SCHEDULED in NOT_STARTED  # not started, like pending and ready
    # At its time it may start: ready.
    assert _snapshot(night, friday("23:00")).by_id("b").status == Status.READY


def test_a_pull_lifts_the_wait_or_moves_it_to_the_time_pulled_to(night):
    clock = FakeClock(friday("20:00"))
    with Weekend.open(night, clock=clock, create=True) as weekend:
        weekend.record("pull", ["b"], actor="ingrid", host="h", value=None)
        assert weekend.snapshot().by_id("b").status == Status.READY
        weekend.record("undo", ["b"], actor="ingrid", host="h")
        to = int(datetime.fromisoformat(friday("21:00")).timestamp())
        weekend.record("pull", ["b"], actor="ingrid", host="h", value=to)
        assert weekend.snapshot().by_id("b").status == Status.SCHEDULED
        clock.set(friday("21:00"))
        assert weekend.snapshot().by_id("b").status == Status.READY


def _as_planned(plan, moment: int, pulled: str | None = None) -> list[Event]:
    """Every task started at its planned start and done at its planned finish, up to
    ``moment`` (gates decided GO), and ``pulled`` pulled forward at the weekend's start."""
    steps = []
    for t in plan.tasks:
        if not t.milestone:
            steps.append((t.es, 2, t.id, "start", {}))
        if t.gate:
            steps.append((t.ef, 0, t.id, "decide", {"decision": "go"}))
        steps.append((t.ef, 1, t.id, "done", {}))  # at one moment: finished, then started
    if pulled is not None:
        steps.append((plan.start, 0, pulled, "pull", {"to": None}))
    steps.sort()
    events = []
    for at, _, task_id, kind, data in steps:
        if at > moment:
            break
        events.append(Event(len(events) + 1, at, at, task_id, kind, "t", "h", None, data))
    return events


@pytest.mark.parametrize("hours", [1, 13, 26, 30, 44, 52, 58, 65])
def test_ready_is_exactly_what_the_rules_let_start_now_on_the_example(hours):
    """Over the example weekend, played as planned: a task not started is ready exactly when
    `runbook start` would record it without --force."""
    plan = validate_path(EXAMPLE).plan
    assert plan is not None
    now = plan.start + hours * 3600 + 600
    pull = "dba-night-backup-check"  # pulled forward: its not_before no longer holds it
    records, _ = fold(_as_planned(plan, now, pull))
    snap = snapshot(plan, plan, records, now)
    seen = set()
    for state in snap.tasks:
        if state.status not in NOT_STARTED:
            continue
        refused = rules.refusal(
            plan, "start", state.id, records.get(state.id, TaskRecord()), records, now
        )
        assert (refused is None) == (state.status == Status.READY), (state.id, state.status)
        seen.add(state.status)
    if hours == 65:  # Sunday 23:10: the Monday 00:00 checks wait for their time
        assert Status.SCHEDULED in seen and Status.READY in seen
        assert snap.by_id(pull).status == Status.READY


def test_the_briefing_lists_it_apart_as_up_next_with_its_time_never_as_ready(night):
    snap = _snapshot(night, friday("20:00"))
    ready, _ = ready_rows(snap)
    assert [r.id for r in ready] == ["c"]
    [b] = up_next_rows(snap)
    assert (b.id, b.team, b.critical) == ("b", "Night shift", b.critical)
    assert b.at == int(datetime.fromisoformat(friday("23:00")).timestamp())
    view = briefing(snap)
    assert [r.id for r in view.ready] == ["c"] and [r.id for r in view.up_next] == ["b"]
    # A team's briefing: its own tasks up next.
    night_view = team_view(snap, "night")
    assert night_view.ready == [] and [s.id for s in night_view.tasks] == ["b"]
    assert [r.id for r in briefing(snap, night_view.tasks).up_next] == ["b"]


def test_status_shows_up_next_with_its_time_and_does_not_call_the_team(cli, night):
    result = cli("status", "-f", night, env={"RUNBOOK_NOW": friday("20:00"), "COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "1 ready · 1 scheduled · 1 pending" in out
    ready = out[out.index("Ready to start (call the team) (1)") :]
    ready = ready[: ready.index("\n\n")]
    assert "c" in ready.split() and " b " not in ready and "Noor" not in ready
    up = out[out.index("Up next") :]
    assert up.splitlines()[1].split()[:2] == ["○", "b"]
    assert "up next: Fri 23:00" in up.splitlines()[1]
    assert "Noor" not in out  # nobody is told to call it yet


def test_the_counts_line_names_scheduled_tasks_only_when_there_are_some(cli, night):
    # At 23:00 b may start: nothing waits for its time, and the line stays as short as it was.
    result = cli("status", "-f", night, env={"RUNBOOK_NOW": friday("23:00"), "COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    [counts] = [line for line in result.stdout.splitlines() if line.startswith("1 done")]
    assert counts.startswith("1 done · 0 running · 0 failed · 2 ready · 1 pending · 0 skipped")
    assert "scheduled" not in counts
    assert "Up next" not in result.stdout


def test_status_json_gives_it_its_own_status_and_count(cli, night):
    result = cli("status", "-f", night, "--json", env={"RUNBOOK_NOW": friday("20:00")})
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    conforms(report, "status")
    statuses = {t["id"]: t["status"] for t in report["tasks"]}
    assert statuses == {"a": "done", "b": "scheduled", "c": "ready", "d": "pending"}
    assert report["counts"]["scheduled"] == 1 and report["counts"]["ready"] == 1
    [b] = [t for t in report["tasks"] if t["id"] == "b"]
    assert b["forecast_start"] == "2026-12-04T23:00:00+01:00"


def test_the_filter_knows_the_scheduled_status(night):
    snap = _snapshot(night, friday("20:00"))
    wanted = TaskFilter.parse("status:sch")
    assert wanted.problems == ()
    assert [s.id for s in snap.tasks if wanted.matches(snap.plan, s)] == ["b"]


async def test_the_dashboard_shows_it_under_the_ready_ones_apart_and_not_counted(night):
    clock = FakeClock(friday("20:00"))
    weekend = Weekend.open(night, clock=clock, create=True)
    app = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            panel = app.query_one(ReadyPanel)
            await until(pilot, lambda: "up next" in str(panel.render()))
            text = str(panel.render())
            assert panel.border_title == "Ready to start (1)"  # c alone is to call
            lines = text.splitlines()
            assert lines.index("up next Fri 23:00") + 1 == lines.index("○ b")
            assert text.index("c") < text.index("up next")
            table = app.query_one(TaskTable)
            assert table.select("b")
            status = table.get_row("b")[1]
            assert str(status).startswith("scheduled")
    finally:
        weekend.close()


def test_as_planned_plays_the_whole_example_without_a_refusal():
    """The helper above plays what the rules allow: every start it replays was allowed."""
    plan = validate_path(EXAMPLE).plan
    assert plan is not None
    events = _as_planned(plan, plan.finish)
    records: dict[str, TaskRecord] = {}
    for event in events:
        if event.kind == "start":
            assert (
                rules.refusal(
                    plan,
                    "start",
                    event.task or "",
                    records.get(event.task or "", TaskRecord()),
                    records,
                    event.at,
                )
                is None
            ), event.task
        fold([event], records)
    assert len(records) == len(plan.tasks)
    assert all(r.state == Status.DONE for r in records.values())
