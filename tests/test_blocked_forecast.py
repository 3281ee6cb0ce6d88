"""A blocked task costs time while it is blocked (issue 21 §3).

Task a (2h) starts at 06:00 and fails at 07:00; b (1h) follows it. A failed task has done the
work it did before failing (1h here) and its remaining work cannot start before now: at 07:59
it finishes no earlier than 08:59 and b at 09:59; resumed at 08:00, a finishes at 09:00 and b
at 10:00, with no jump at the moment it is resumed. Its figures add up in every face: the
time it worked, plus the time it stood failed (lost), is the time since its first start, and
its overrun is the work beyond its duration.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from runbook.planning.montecarlo import sample
from runbook.reports.readiness import progress_of
from runbook.validation.validate import validate_bytes
from runbook.weekend.events import Event, EventKind
from runbook.weekend.forecast import as_of, fold, snapshot
from runbook.weekend.views import running_rows
from runbook.weekend.views.alerts import alerts
from runbook.weekend.views.progress import progress

from .builders import runbook_yaml, task
from .test_contracts import conforms, json_out
from .test_montecarlo import _pert_quantile
from .weekend_helpers import FakeClock, at

AB = runbook_yaml(
    "AB", "2026-12-05T06:00Z", [task("a", "2h"), task("b", "1h", depends_on="a")], timezone="UTC"
)
SIX = 1_796_450_400  # 2026-12-05T06:00Z
MINUTE, HOUR = 60, 3600


def t(hhmm: str) -> int:
    """Epoch seconds of a time on Sat 05 Dec 2026, UTC."""
    hours, minutes = hhmm.split(":")
    return SIX + (int(hours) - 6) * HOUR + int(minutes) * MINUTE


def iso(hhmm: str) -> str:
    return f"2026-12-05T{hhmm}:00+00:00"


# --- Through the whole command line ------------------------------------------------------


@pytest.fixture
def ab(write_runbook, tmp_path):
    """The environment of mission control for the a/b runbook, its state in a scratch file."""
    path = write_runbook(AB)
    return {"RUNBOOK_FILE": str(path), "RUNBOOK_STATE": str(tmp_path / "ab.db")}


def at_(env: dict[str, str], hhmm: str) -> dict[str, str]:
    return {**env, "RUNBOOK_NOW": f"2026-12-05T{hhmm}Z", "RUNBOOK_USER": "ingrid"}


def forecast(cli, env, hhmm: str) -> tuple[str, str, str, int]:
    """a's and b's forecast finish, the weekend's, and minutes ahead, from status --json."""
    data = json_out(cli, "status", "--json", env=at_(env, hhmm))
    conforms(data, "status")
    tasks = {t["id"]: t for t in data["tasks"]}
    return (
        tasks["a"]["forecast_finish"],
        tasks["b"]["forecast_finish"],
        data["forecast_finish"],
        data["ahead_minutes"],
    )


def test_a_failed_task_finishes_no_earlier_than_now_plus_the_work_it_had_left(cli, ab):
    assert cli("start", "a", env=at_(ab, "06:00")).exit_code == 0
    failed = cli("fail", "a", "--reason", "disk full", env=at_(ab, "07:00"))
    assert "weekend: ON PLAN · forecast finish Sat 09:00" in failed.stdout  # 1h left, from now
    assert forecast(cli, ab, "07:00") == (iso("08:00"), iso("09:00"), iso("09:00"), 0)
    assert forecast(cli, ab, "07:30") == (iso("08:30"), iso("09:30"), iso("09:30"), -30)
    assert forecast(cli, ab, "07:59") == (iso("08:59"), iso("09:59"), iso("09:59"), -59)
    text = " ".join(cli("status", env=at_(ab, "07:59")).stdout.split())
    assert "BEHIND 59m forecast finish Sat 09:59" in text
    assert "since Sat 06:00 1h of 2h disk full 59m lost" in text  # 06:00 + 1h + 59m = 07:59

    resumed = cli("start", "a", env=at_(ab, "08:00"))
    assert "1h lost to the failure" in resumed.stdout
    assert "weekend: BEHIND 1h · forecast finish Sat 10:00" in resumed.stdout
    assert forecast(cli, ab, "08:00") == (iso("09:00"), iso("10:00"), iso("10:00"), -60)
    assert forecast(cli, ab, "08:30") == (iso("09:00"), iso("10:00"), iso("10:00"), -60)
    assert forecast(cli, ab, "10:16") == (iso("10:16"), iso("11:16"), iso("11:16"), -136)


def test_a_resumed_task_s_worked_overrun_and_lost_add_up_in_status(cli, ab):
    cli("start", "a", env=at_(ab, "06:00"))
    cli("fail", "a", "--reason", "disk full", env=at_(ab, "07:00"))
    cli("start", "a", env=at_(ab, "08:00"))
    text = " ".join(cli("status", env=at_(ab, "10:16")).stdout.split())
    # Since 06:00: 3h16m worked + 1h lost = 4h16m; 3h16m of 2h is 1h16m over.
    assert "since Sat 06:00 3h16m of 2h +1h16m OVERRUN resumed, 1h lost" in text
    data = json_out(cli, "status", "--json", env=at_(ab, "10:16"))
    a = next(t for t in data["tasks"] if t["id"] == "a")
    assert (a["worked_minutes"], a["lost_minutes"]) == (196, 60)
    assert a["actual_start"] == iso("06:00")


def test_the_line_after_finishing_a_resumed_task_says_the_work_it_took_and_the_time_lost(cli, ab):
    cli("start", "a", env=at_(ab, "06:00"))
    cli("fail", "a", "--reason", "disk full", env=at_(ab, "07:00"))
    cli("start", "a", env=at_(ab, "08:00"))
    done = cli("done", "a", env=at_(ab, "09:30"))
    assert "took 2h30m of 2h · 1h lost to failures" in done.stdout


def test_an_overrun_is_measured_against_the_revised_duration_the_row_shows(cli, ab):
    assert cli("estimate", "a", "3h", "--reason", "bigger", env=at_(ab, "05:50")).exit_code == 0
    cli("start", "a", env=at_(ab, "06:00"))
    text = " ".join(cli("status", env=at_(ab, "10:16")).stdout.split())
    assert "since Sat 06:00 4h16m of 3h (revised) +1h16m OVERRUN" in text


def test_the_overrun_alert_counts_the_work_against_the_duration_in_force(plan):
    events = [ev(1, "05:50", "estimate", duration=3 * HOUR), *FAILED_AT_SEVEN]
    events += [ev(3, "08:00", "start")]
    snap = snapshot(plan, plan, fold(events)[0], t("11:16"))
    (alert,) = [a for a in alerts(snap) if a.kind == "overrun"]
    assert alert.message == "a has run 4h16m, 1h16m over its revised 3h"


def test_progress_credits_a_blocked_task_with_the_work_it_did_not_the_time_lost(plan):
    snap = snapshot(plan, plan, fold(FAILED_AT_SEVEN)[0], t("07:59"))
    assert progress(snap).work_done == HOUR


def test_a_rehearsal_learns_the_work_a_resumed_task_took_not_the_time_it_stood_failed(
    write_runbook, tmp_path
):
    from runbook.reports.rehearsal import rehearsal_evidence
    from runbook.usecases import Weekend

    path, state = write_runbook(AB), tmp_path / "rehearsal.db"
    with Weekend.open(path, state, clock=FakeClock("2026-12-05T10:00Z"), create=True) as w:
        for kind, moment in (("start", "06:00"), ("fail", "07:00"), ("start", "08:00")):
            w.record(kind, ["a"], actor="mc", host="h", at=at(f"2026-12-05T{moment}Z"), note="x")
        w.record("done", ["a"], actor="mc", host="h", at=at("2026-12-05T09:30Z"))
        plan = w.plan
    (evidence,) = rehearsal_evidence(plan, state).tasks
    assert (evidence.id, evidence.actual) == ("a", 150 * MINUTE)  # 1h + 1h30m of work


def test_the_monte_carlo_simulation_of_a_failed_task_without_estimates_is_the_forecast(cli, ab):
    cli("start", "a", env=at_(ab, "06:00"))
    cli("fail", "a", "--reason", "disk full", env=at_(ab, "07:00"))
    data = json_out(cli, "readiness", "--format", "json", "--runs", "200", env=at_(ab, "07:59"))
    sim = data["simulation"]
    assert (sim["p50"], sim["p95"]) == (iso("09:59"), iso("09:59"))


# --- Through the fold ------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan():
    found = validate_bytes(AB.encode(), source="ab.yaml", warnings=False).plan
    assert found is not None
    return found


def ev(seq: int, hhmm: str, kind: str, task: str = "a", **data: object) -> Event:
    return Event(seq, t(hhmm), t(hhmm), task, kind, "ingrid", "h", "why", dict(data))


def finishes(plan, events: list[Event], hhmm: str) -> tuple[int, int]:
    now = t(hhmm)
    records, _ = fold(as_of(events, now)[0])
    snap = snapshot(plan, plan, records, now)
    return snap.by_id("a").forecast_finish, snap.by_id("b").forecast_finish


FAILED_AT_SEVEN = [ev(1, "06:00", "start"), ev(2, "07:00", "fail")]


def test_the_fold_forecasts_the_failed_task_from_now_and_the_resumed_one_without_a_jump(plan):
    assert finishes(plan, FAILED_AT_SEVEN, "07:59") == (t("08:59"), t("09:59"))
    assert finishes(plan, FAILED_AT_SEVEN, "08:00") == (t("09:00"), t("10:00"))
    resumed = [*FAILED_AT_SEVEN, ev(3, "08:00", "start")]
    assert finishes(plan, resumed, "08:00") == (t("09:00"), t("10:00"))
    assert finishes(plan, resumed, "08:59") == (t("09:00"), t("10:00"))
    assert finishes(plan, resumed, "09:30") == (t("09:30"), t("10:30"))


def test_a_failed_task_with_an_eta_keeps_the_work_the_eta_left_and_waits_for_now(plan):
    # At 06:30 the team said 09:00 (3h of work); it failed at 07:00 with 2h left.
    events = [
        ev(1, "06:00", "start"),
        ev(2, "06:30", "eta", eta=t("09:00")),
        ev(3, "07:00", "fail"),
    ]
    assert finishes(plan, events, "07:00") == (t("09:00"), t("10:00"))
    assert finishes(plan, events, "07:30") == (t("09:30"), t("10:30"))
    resumed = [*events, ev(4, "08:00", "start")]
    assert finishes(plan, events, "08:00") == finishes(plan, resumed, "08:00")
    assert finishes(plan, resumed, "08:00") == (t("10:00"), t("11:00"))


def test_a_task_failed_twice_stopped_working_at_its_first_failure(plan):
    events = [*FAILED_AT_SEVEN, ev(3, "07:30", "fail")]
    assert finishes(plan, events, "08:00") == (t("09:00"), t("10:00"))
    records, _ = fold(events)
    assert (records["a"].worked_by(t("08:00")), records["a"].lost_by(t("08:00"))) == (HOUR, HOUR)


def test_a_task_failed_resumed_and_failed_again_counts_both_losses(plan):
    events = [
        ev(1, "06:00", "start"),
        ev(2, "06:30", "fail"),
        ev(3, "07:00", "start"),
        ev(4, "07:30", "fail"),
    ]
    # Worked 06:00-06:30 and 07:00-07:30: 1h done, 1h left; lost 30m and, at 08:00, 30m more.
    assert finishes(plan, events, "08:00") == (t("09:00"), t("10:00"))
    snap = snapshot(plan, plan, fold(events)[0], t("08:00"))
    a = snap.by_id("a")
    assert (a.worked, a.lost, a.resumed) == (HOUR, HOUR, True)


def test_a_failed_task_that_worked_past_its_duration_finishes_now(plan):
    # 2h30m of work on a 2h task before it failed: nothing is left, so it is done when it is
    # unblocked, which is no earlier than now; the forecast moves with the clock, as an
    # overrunning running task's does, and does not jump when it is resumed.
    events = [ev(1, "06:00", "start"), ev(2, "08:30", "fail")]
    assert finishes(plan, events, "09:00") == (t("09:00"), t("10:00"))
    assert finishes(plan, events, "09:10") == (t("09:10"), t("10:10"))
    assert finishes(plan, [*events, ev(3, "09:10", "start")], "09:10") == (t("09:10"), t("10:10"))


def test_a_forced_done_without_a_start_took_no_work(plan):
    events = [ev(1, "07:00", "done", forced=True, overrode="a was never started")]
    snap = snapshot(plan, plan, fold(events)[0], t("07:30"))
    a = snap.by_id("a")
    assert (a.actual_start, a.actual_finish, a.worked, a.lost) == (t("07:00"), t("07:00"), 0, 0)
    assert snap.by_id("b").forecast_finish == t("08:30")  # b may start now


def test_a_task_dropped_while_running_keeps_its_start_and_work_and_takes_no_more_time(plan):
    events = [ev(1, "06:00", "start"), ev(2, "08:30", "skip", dropped=True, forced=True)]
    snap = snapshot(plan, plan, fold(events)[0], t("09:00"))
    a = snap.by_id("a")
    assert (a.status, a.dropped, a.actual_start, a.worked) == ("skipped", True, t("06:00"), 9000)
    assert snap.by_id("b").forecast_finish == t("10:00")  # from now: a holds nothing back


def test_the_running_panel_rows_add_up_for_a_failed_and_a_resumed_task(plan):
    failed = snapshot(plan, plan, fold(FAILED_AT_SEVEN)[0], t("07:59"))
    (row,) = running_rows(failed)
    assert (row.since, row.elapsed, row.lost, row.overrun) == (t("06:00"), HOUR, 59 * 60, 0)
    assert row.since + row.elapsed + row.lost == failed.now
    assert row.resumed == "59m lost"
    resumed = [*FAILED_AT_SEVEN, ev(3, "08:00", "start")]
    later = snapshot(plan, plan, fold(resumed)[0], t("10:16"))
    (row,) = running_rows(later)
    assert (row.elapsed, row.duration, row.overrun, row.lost) == (196 * 60, 2 * HOUR, 76 * 60, HOUR)
    assert row.since + row.elapsed + row.lost == later.now
    assert row.elapsed - row.duration == row.overrun
    assert row.resumed == "resumed, 1h lost"


# --- A property: the forecast never jumps at the moment a task fails or is resumed -------


def _random_breakdowns(rng: random.Random) -> list[Event]:
    """a started at 06:00, then one to three failures, each resumed after a while (the last
    perhaps not), sometimes reported twice, sometimes with an eta given while it ran."""
    seq, now = 1, SIX
    events = [Event(seq, now, now, "a", EventKind.START, "x", "h", None, {})]
    for cycle in range(rng.randint(1, 3)):
        now += rng.choice([5, 20, 45, 90, 150]) * MINUTE  # runs a while
        if cycle == 0 and rng.random() < 0.4:
            seq += 1
            eta = now + rng.choice([-30, 10, 60, 120]) * MINUTE
            events.append(Event(seq, now, now, "a", EventKind.ETA, "x", "h", None, {"eta": eta}))
            now += rng.choice([5, 30]) * MINUTE
        seq += 1
        events.append(Event(seq, now, now, "a", EventKind.FAIL, "x", "h", "broke", {}))
        if rng.random() < 0.3:  # reported again while it stands failed
            now += 10 * MINUTE
            seq += 1
            events.append(Event(seq, now, now, "a", EventKind.FAIL, "x", "h", "still", {}))
        now += rng.choice([1, 15, 60, 100]) * MINUTE  # stands failed a while
        if cycle < 2 or rng.random() < 0.5:
            seq += 1
            events.append(Event(seq, now, now, "a", EventKind.START, "x", "h", None, {}))
    return events


@pytest.mark.parametrize("seed", range(40))
def test_the_forecast_never_jumps_when_a_task_fails_or_is_resumed(plan, seed):
    events = _random_breakdowns(random.Random(seed))

    def finish(known: list[Event], now: int) -> int:
        return snapshot(plan, plan, fold(known)[0], now).forecast_finish

    for i, event in enumerate(events):
        if event.kind in (EventKind.FAIL, EventKind.START) and i:
            # The same moment, without and with the news: the forecast does not move.
            assert finish(events[:i], event.at) == finish(events[: i + 1], event.at), event
    # Through the weekend, a minute at a time: it never moves back, and never forward by more
    # than the clock does (except when an eta is given: that is news of its own).
    etas = [e.at for e in events if e.kind == EventKind.ETA]
    end = events[-1].at + 5 * HOUR
    previous = finish(as_of(events, SIX)[0], SIX)
    for now in range(SIX + MINUTE, end, MINUTE):
        current = finish(as_of(events, now)[0], now)
        if now not in etas:
            assert 0 <= current - previous <= MINUTE, (now - SIX) // MINUTE
        previous = current


# --- Monte Carlo --------------------------------------------------------------------------

ESTIMATED = """
    name: Estimated
    timezone: UTC
    start: 2026-12-05T06:00Z
    tasks:
      - {id: a, title: A, duration: 2h, estimate: {optimistic: 1h, pessimistic: 6h}}
      - {id: b, title: B, duration: 1h, depends_on: a}
"""


def test_the_simulation_draws_a_failed_task_s_remaining_work_from_now(write_runbook):
    from runbook.usecases import Weekend

    path = write_runbook(ESTIMATED)
    with Weekend.open(path, clock=FakeClock("2026-12-05T09:00Z"), create=True) as w:
        w.record("start", ["a"], actor="mc", host="h", at=at("2026-12-05T06:00Z"))
        w.record("fail", ["a"], actor="mc", host="h", at=at("2026-12-05T07:00Z"), note="x")
        snap = w.snapshot()
        plan = w.plan
    # a has worked 1h (its optimistic figure), so its whole PERT (1h/2h/6h) is still open,
    # and it has stood failed 2h: its work, redone from 08:00, ends between 09:00 and 14:00.
    runs = 10_000
    finish = plan.start + sample(plan, runs=runs, seed=5, progress=progress_of(snap)).finish
    assert finish.min() >= snap.now + HOUR  # b's hour after a, a never before now
    assert finish.max() <= t("15:00")
    assert finish.max() > t("13:00")  # it has not run 3h: a long run is still possible
    median = _pert_quantile(0.5, 1.0, 2.0, 6.0)
    expected = t("08:00") + median * HOUR + HOUR
    assert abs(float(np.median(finish)) - expected) < 0.01 * 5 * HOUR


def test_the_simulation_of_a_failed_task_with_an_eta_is_the_forecast_in_every_run(write_runbook):
    from runbook.usecases import Weekend

    path = write_runbook(ESTIMATED)
    with Weekend.open(path, clock=FakeClock("2026-12-05T08:00Z"), create=True) as w:
        w.record("start", ["a"], actor="mc", host="h", at=at("2026-12-05T06:00Z"))
        w.record("eta", ["a"], actor="mc", host="h", value=t("09:00"), at=at("2026-12-05T06:30Z"))
        w.record("fail", ["a"], actor="mc", host="h", at=at("2026-12-05T07:00Z"), note="x")
        snap = w.snapshot()
        plan = w.plan
    assert snap.forecast_finish == t("11:00")  # 2h of the eta's work left from 08:00, then b
    finish = plan.start + sample(plan, runs=300, seed=1, progress=progress_of(snap)).finish
    assert (finish == snap.forecast_finish).all()
