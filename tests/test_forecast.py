"""The forecast rule on hand-computed cases: ahead, behind, skipped, not_before absorbing."""

from __future__ import annotations

import pytest

from runbook.contracts.weekend import status_json

from .builders import chain, runbook_yaml, task
from .weekend_helpers import FakeClock, at, check, open_weekend

CHAIN = runbook_yaml("Chain", "2026-12-04T06:00Z", chain(["x", "y"]), deadline="2026-12-04T12:00Z")

# a (1h) -> b (2h) -> d (1h); a -> c (30m, not before 10:00) -> d.
# Planned: a 06-07, b 07-09, c 10:00-10:30, d 10:30-11:30; b has 1h30m of float.
DIAMOND = runbook_yaml(
    "Diamond",
    "2026-12-04T06:00Z",
    [
        task("a"),
        task("b", "2h", depends_on="a"),
        task("c", "30m", team="u", depends_on="a", not_before="2026-12-04T10:00Z"),
        task("d", team="u", depends_on=["b", "c"]),
    ],
)


@pytest.fixture
def chain(write_runbook):
    clock = FakeClock("2026-12-04T06:00Z")
    weekend = open_weekend(write_runbook(CHAIN), clock)
    yield weekend, clock
    weekend.close()


@pytest.fixture
def diamond(write_runbook):
    clock = FakeClock("2026-12-04T06:00Z")
    weekend = open_weekend(write_runbook(DIAMOND), clock)
    yield weekend, clock
    weekend.close()


def test_before_anything_happens_the_forecast_is_the_plan(chain):
    weekend, _ = chain
    snap = weekend.snapshot()
    assert snap.ahead == 0
    assert snap.forecast_finish == snap.baseline_finish
    assert [s.status for s in snap.tasks] == ["ready", "pending"]


def test_finishing_early_puts_the_weekend_ahead(chain):
    weekend, clock = chain
    check(weekend, "start", "x")
    clock.set("2026-12-04T06:30Z")
    check(weekend, "done", "x")
    snap = weekend.snapshot()
    assert snap.by_id("x").actual_finish == int(at("2026-12-04T06:30Z").timestamp())
    assert snap.by_id("y").forecast_start == int(at("2026-12-04T06:30Z").timestamp())
    assert snap.ahead == 30 * 60
    assert status_json(snap)["ahead_minutes"] == 30


def test_a_running_task_past_its_duration_pushes_the_weekend_behind(chain):
    weekend, clock = chain
    check(weekend, "start", "x")
    clock.set("2026-12-04T07:20Z")
    snap = weekend.snapshot()
    x, y = snap.by_id("x"), snap.by_id("y")
    assert x.status == "running"
    assert x.forecast_finish == int(at("2026-12-04T07:20Z").timestamp())  # max(06:00+1h, now)
    assert y.forecast_finish == int(at("2026-12-04T08:20Z").timestamp())
    assert snap.ahead == -20 * 60
    assert y.start_variance == 20 * 60 and y.duration_variance == 0
    assert x.duration_variance == 20 * 60


def test_a_running_task_within_its_duration_keeps_its_planned_finish(chain):
    weekend, clock = chain
    check(weekend, "start", "x")
    clock.set("2026-12-04T06:40Z")
    snap = weekend.snapshot()
    assert snap.by_id("x").forecast_finish == int(at("2026-12-04T07:00Z").timestamp())
    assert snap.ahead == 0


def test_a_failed_task_is_forecast_like_a_running_one(chain):
    weekend, clock = chain
    check(weekend, "start", "x")
    clock.set("2026-12-04T07:30Z")
    check(weekend, "fail", "x", note="disk full")
    snap = weekend.snapshot()
    x = snap.by_id("x")
    assert x.status == "failed" and x.reason == "disk full"
    assert x.forecast_finish == int(at("2026-12-04T07:30Z").timestamp())
    assert snap.by_id("y").status == "pending"
    assert snap.ahead == -30 * 60


def test_a_skipped_task_takes_no_time(chain):
    weekend, _ = chain
    check(weekend, "skip", "x", note="not needed")
    snap = weekend.snapshot()
    x, y = snap.by_id("x"), snap.by_id("y")
    assert x.status == "skipped"
    assert x.forecast_finish == x.forecast_start == int(at("2026-12-04T06:00Z").timestamp())
    assert y.status == "ready"
    assert y.forecast_finish == int(at("2026-12-04T07:00Z").timestamp())
    assert snap.ahead == 60 * 60


def test_a_skipped_task_finishes_when_its_last_predecessor_finishes(diamond):
    weekend, clock = diamond
    check(weekend, "start", "a")
    clock.set("2026-12-04T07:00Z")
    check(weekend, "done", "a")
    check(weekend, "skip", "c", note="not needed")
    snap = weekend.snapshot()
    assert snap.by_id("c").forecast_finish == int(at("2026-12-04T07:00Z").timestamp())
    # d now waits only for b (07:00-09:00): the weekend ends at 10:00, 1h30m ahead.
    assert snap.by_id("d").forecast_start == int(at("2026-12-04T09:00Z").timestamp())
    assert snap.ahead == 90 * 60


def test_a_not_before_absorbs_a_delay_elsewhere(diamond):
    weekend, clock = diamond
    check(weekend, "start", "a")
    clock.set("2026-12-04T07:00Z")
    check(weekend, "done", "a")
    clock.set("2026-12-04T08:00Z")  # b starts an hour late
    check(weekend, "start", "b")
    clock.set("2026-12-04T09:30Z")
    snap = weekend.snapshot()
    assert snap.by_id("b").forecast_finish == int(at("2026-12-04T10:00Z").timestamp())
    # c still waits for its not_before (10:00-10:30), so d starts 10:30 as planned.
    assert snap.by_id("d").forecast_start == int(at("2026-12-04T10:30Z").timestamp())
    assert snap.ahead == 0


def test_a_task_not_started_never_starts_in_the_past(chain):
    weekend, clock = chain
    clock.set("2026-12-04T06:45Z")
    snap = weekend.snapshot()
    x = snap.by_id("x")
    assert x.forecast_start == int(at("2026-12-04T06:45Z").timestamp())
    assert x.late is True
    assert snap.ahead == -45 * 60


def test_lateness_counts_from_the_baseline_planned_start(diamond):
    weekend, clock = diamond
    clock.set("2026-12-04T06:10Z")
    snap = weekend.snapshot()
    assert snap.by_id("a").late is True
    assert snap.by_id("b").late is False  # planned for 07:00


def test_the_remaining_critical_path_follows_the_forecast(diamond):
    weekend, _ = diamond
    snap = weekend.snapshot()
    path = [snap.plan.tasks[i].id for i in snap.critical_path]
    assert path == ["c", "d"]


def test_a_task_only_held_back_by_not_before_could_be_pulled_forward(diamond):
    weekend, clock = diamond
    check(weekend, "start", "a")
    clock.set("2026-12-04T06:50Z")
    check(weekend, "done", "a")
    pull = weekend.pull_forward(weekend.snapshot())
    assert [(p.id, p.gain) for p in pull] == [("c", 3 * 3600 + 10 * 60)]


def test_done_tasks_keep_their_actual_times(chain):
    weekend, clock = chain
    clock.set("2026-12-04T06:20Z")
    check(weekend, "start", "x")
    clock.set("2026-12-04T07:50Z")
    check(weekend, "done", "x")
    clock.set("2026-12-04T09:00Z")
    x = weekend.snapshot().by_id("x")
    assert (x.forecast_start, x.forecast_finish) == (x.actual_start, x.actual_finish)
    assert x.start_variance == 20 * 60
    assert x.duration_variance == 30 * 60


def test_status_json_follows_the_contract(chain):
    weekend, clock = chain
    check(weekend, "start", "x")
    clock.set("2026-12-04T06:30Z")
    report = status_json(weekend.snapshot())
    assert list(report)[:7] == [
        "now",
        "baseline_finish",
        "forecast_finish",
        "deadline",
        "ahead_minutes",
        "counts",
        "critical_path",
    ]
    assert report["now"] == "2026-12-04T06:30:00+00:00"
    assert report["counts"] == {
        "pending": 1,
        "ready": 0,
        "scheduled": 0,
        "running": 1,
        "failed": 0,
        "done": 0,
        "skipped": 0,
        "suspended": 0,
        "dropped": 0,
    }
    task = report["tasks"][0]
    for key in (
        "id",
        "team",
        "status",
        "planned_start",
        "planned_finish",
        "actual_start",
        "actual_finish",
        "forecast_start",
        "forecast_finish",
        "late",
        "critical",
    ):
        assert key in task
    assert task["actual_start"] == "2026-12-04T06:00:00+00:00"
    assert task["actual_finish"] is None


def test_a_task_done_late_shows_its_finish_variance_not_just_its_late_start(chain):
    weekend, clock = chain
    clock.set("2026-12-04T06:10Z")
    check(weekend, "start", "x")
    clock.set("2026-12-04T09:40Z")
    check(weekend, "done", "x")
    x = weekend.snapshot().by_id("x")
    assert x.start_variance == 10 * 60
    assert x.finish_variance == 2 * 3600 + 40 * 60


def test_a_task_that_overran_from_an_on_time_start_has_a_finish_variance(chain):
    weekend, clock = chain
    check(weekend, "start", "x")
    clock.set("2026-12-04T08:00Z")
    x = weekend.snapshot().by_id("x")
    assert x.start_variance == 0
    assert x.finish_variance == 3600  # running 2h of a 1h task: forecast to finish now
    clock.set("2026-12-04T08:30Z")
    check(weekend, "done", "x")
    x = weekend.snapshot().by_id("x")
    assert (x.start_variance, x.finish_variance) == (0, 90 * 60)


def test_status_json_gives_each_task_its_finish_variance(chain):
    weekend, clock = chain
    check(weekend, "start", "x")
    clock.set("2026-12-04T07:30Z")
    check(weekend, "done", "x")
    tasks = {t["id"]: t for t in status_json(weekend.snapshot())["tasks"]}
    assert tasks["x"]["start_variance_minutes"] == 0
    assert tasks["x"]["finish_variance_minutes"] == 30
    assert tasks["y"]["start_variance_minutes"] == 30
    assert tasks["y"]["finish_variance_minutes"] == 30
