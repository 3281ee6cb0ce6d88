"""Replanning on hand-computed forecasts: an eta, an estimate, a pull, undo, and the what-if."""

from __future__ import annotations

import pytest

from runbook.common.errors import InputError, Refused
from runbook.contracts.weekend import status_json

from .builders import runbook_yaml, task
from .weekend_helpers import FakeClock, at, check, open_weekend

# x (1h) -> y (2h) -> z (1h) from 06:00: planned finish 10:00.
CHAIN = runbook_yaml(
    "Chain",
    "2026-12-04T06:00Z",
    [task("x"), task("y", "2h", depends_on="x"), task("z", depends_on="y")],
    deadline="2026-12-04T14:00Z",
)

# a (1h) -> b (2h) -> d (1h); a -> c (30m, not before 10:00) -> d: b has 1h30m of float.
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

# Saturday's work, then Sunday's (not before Sunday 08:00), then the end; and a supplier's
# visit booked for Sunday that cannot move.
WEEKEND = runbook_yaml(
    "Weekend",
    "2026-12-05T06:00Z",
    [
        task("sat", "2h"),
        task("sun", depends_on="sat", not_before="2026-12-06T08:00Z"),
        task("end", depends_on="sun"),
        task(
            "visit",
            depends_on="sat",
            not_before="{at: 2026-12-06T08:00Z, fixed: true, reason: engineer booked}",
        ),
    ],
)


def t(moment: str) -> int:
    """Epoch seconds of an ISO time."""
    return int(at(moment).timestamp())


@pytest.fixture
def weekend_of(write_runbook):
    opened = []

    def make(text: str, start: str):
        clock = FakeClock(start)
        weekend = open_weekend(write_runbook(text), clock)
        opened.append(weekend)
        return weekend, clock

    yield make
    for weekend in opened:
        weekend.close()


def times(snap, *ids):
    return [(snap.by_id(i).forecast_start, snap.by_id(i).forecast_finish) for i in ids]


# -- eta ------------------------------------------------------------------------------------
def test_an_eta_two_hours_past_the_planned_finish_moves_the_successors_and_the_weekend_by_two_hours(
    weekend_of,
):
    weekend, clock = weekend_of(CHAIN, "2026-12-04T06:00Z")
    check(weekend, "start", "x")
    clock.set("2026-12-04T06:30Z")
    before = weekend.snapshot()
    assert before.forecast_finish == t("2026-12-04T10:00Z") and before.ahead == 0

    check(weekend, "eta", "x", value=t("2026-12-04T09:00Z"), note="tape library slow")
    snap = weekend.snapshot()
    assert snap.by_id("x").forecast_finish == t("2026-12-04T09:00Z")  # planned 07:00
    assert times(snap, "y", "z") == [
        (t("2026-12-04T09:00Z"), t("2026-12-04T11:00Z")),
        (t("2026-12-04T11:00Z"), t("2026-12-04T12:00Z")),
    ]
    assert snap.forecast_finish - before.forecast_finish == 2 * 3600
    assert snap.ahead == -2 * 3600
    assert snap.by_id("x").eta == t("2026-12-04T09:00Z")


def test_a_running_task_past_its_eta_finishes_no_earlier_than_now(weekend_of):
    weekend, clock = weekend_of(CHAIN, "2026-12-04T06:00Z")
    check(weekend, "start", "x")
    check(weekend, "eta", "x", value=t("2026-12-04T09:00Z"))
    clock.set("2026-12-04T09:40Z")
    snap = weekend.snapshot()
    assert snap.by_id("x").forecast_finish == t("2026-12-04T09:40Z")
    assert snap.forecast_finish == t("2026-12-04T12:40Z")


def test_a_later_eta_replaces_an_earlier_one_and_undo_brings_the_earlier_back(weekend_of):
    weekend, clock = weekend_of(CHAIN, "2026-12-04T06:00Z")
    check(weekend, "start", "x")
    clock.set("2026-12-04T06:30Z")
    check(weekend, "eta", "x", value=t("2026-12-04T09:00Z"))
    check(weekend, "eta", "x", value=t("2026-12-04T08:00Z"))
    assert weekend.snapshot().forecast_finish == t("2026-12-04T11:00Z")

    result = check(weekend, "undo", "x")
    assert result.undone[0].kind == "eta"
    assert weekend.snapshot().forecast_finish == t("2026-12-04T12:00Z")
    check(weekend, "undo", "x")
    snap = weekend.snapshot()
    assert snap.by_id("x").status == "running"  # the start is still in force
    assert snap.by_id("x").eta is None
    assert snap.forecast_finish == t("2026-12-04T10:00Z")


def test_an_eta_is_only_for_a_running_task_and_only_ahead(weekend_of):
    weekend, clock = weekend_of(CHAIN, "2026-12-04T06:00Z")
    refused = check(weekend, "eta", "y", value=t("2026-12-04T09:00Z")).refused
    assert "y has not started; an eta revises the finish of a running task" in (
        refused[0][1].message
    )
    assert refused[0][1].hint == "runbook estimate y DURATION"
    assert not refused[0][1].forceable
    check(weekend, "start", "x")
    clock.set("2026-12-04T06:30Z")
    refused = check(weekend, "eta", "x", value=t("2026-12-04T06:20Z"), force=True).refused
    assert "is not after" in refused[0][1].message  # never forced
    assert weekend.snapshot().by_id("x").eta is None


# -- estimate --------------------------------------------------------------------------------
def test_an_estimate_on_a_critical_task_not_started_moves_the_weekend(weekend_of):
    weekend, _ = weekend_of(CHAIN, "2026-12-04T06:00Z")
    check(weekend, "estimate", "y", value=3 * 3600, note="more data than planned")
    snap = weekend.snapshot()
    # y 07:00-10:00 instead of 07:00-09:00; z 10:00-11:00.
    assert times(snap, "y", "z") == [
        (t("2026-12-04T07:00Z"), t("2026-12-04T10:00Z")),
        (t("2026-12-04T10:00Z"), t("2026-12-04T11:00Z")),
    ]
    assert snap.ahead == -3600
    assert snap.by_id("y").revised_duration == 3 * 3600
    assert status_json(snap)["tasks"][1]["revised_duration_minutes"] == 180


def test_an_estimate_within_a_task_s_float_leaves_the_weekend_where_it_was(weekend_of):
    weekend, _ = weekend_of(DIAMOND, "2026-12-04T06:00Z")
    check(weekend, "estimate", "b", value=3 * 3600)  # b 07:00-10:00; c ends 10:30
    assert weekend.snapshot().ahead == 0
    check(weekend, "estimate", "b", value=4 * 3600)  # b 07:00-11:00: d 11:00-12:00
    assert weekend.snapshot().ahead == -30 * 60


def test_a_task_started_after_an_estimate_is_forecast_with_it(weekend_of):
    weekend, _ = weekend_of(CHAIN, "2026-12-04T06:00Z")
    check(weekend, "estimate", "x", value=30 * 60)
    check(weekend, "start", "x")
    assert weekend.snapshot().by_id("x").forecast_finish == t("2026-12-04T06:30Z")
    refused = check(weekend, "estimate", "x", value=3600).refused
    assert "x is running; an estimate revises a task not started yet" in refused[0][1].message
    assert refused[0][1].hint == "runbook eta x TIME"


# -- pull ------------------------------------------------------------------------------------
def test_a_pulled_sunday_task_is_forecast_to_start_when_its_predecessor_finishes_on_saturday(
    weekend_of,
):
    weekend, clock = weekend_of(WEEKEND, "2026-12-05T06:00Z")
    check(weekend, "start", "sat")
    clock.set("2026-12-05T07:00Z")
    assert weekend.snapshot().by_id("sun").forecast_start == t("2026-12-06T08:00Z")
    assert [p.command for p in weekend.pull_forward(weekend.snapshot())] == ["runbook pull sun"]

    check(weekend, "pull", "sun", note="Saturday runs ahead")
    snap = weekend.snapshot()
    assert times(snap, "sun", "end") == [
        (t("2026-12-05T08:00Z"), t("2026-12-05T09:00Z")),
        (t("2026-12-05T09:00Z"), t("2026-12-05T10:00Z")),
    ]
    assert snap.by_id("sun").pulled is True
    assert snap.forecast_finish == t("2026-12-06T09:00Z")  # the fixed visit is the end now
    assert weekend.pull_forward(snap) == []


def test_a_pulled_task_starts_before_its_not_before_without_force(weekend_of):
    weekend, clock = weekend_of(WEEKEND, "2026-12-05T06:00Z")
    check(weekend, "start", "sat")
    clock.set("2026-12-05T08:00Z")
    check(weekend, "done", "sat")
    refused = check(weekend, "start", "sun").refused
    assert "not before Sun 08:00 (runbook)" in refused[0][1].message
    assert refused[0][1].hint == "runbook pull sun"
    check(weekend, "pull", "sun")
    result = check(weekend, "start", "sun")
    assert not result.refused and not result.events[0].forced


def test_a_task_pulled_to_a_time_may_start_from_then(weekend_of):
    weekend, clock = weekend_of(WEEKEND, "2026-12-05T06:00Z")
    check(weekend, "start", "sat")
    clock.set("2026-12-05T08:00Z")
    check(weekend, "done", "sat")
    check(weekend, "pull", "sun", value=t("2026-12-05T12:00Z"))
    snap = weekend.snapshot()
    assert snap.by_id("sun").forecast_start == t("2026-12-05T12:00Z")
    assert [(p.id, p.not_before) for p in weekend.pull_forward(snap)] == [
        ("sun", t("2026-12-05T12:00Z"))
    ]
    refused = check(weekend, "start", "sun").refused
    assert "pulled forward to Sat 12:00 by tester, not earlier" in refused[0][1].message


def test_a_fixed_not_before_cannot_be_pulled_and_the_refusal_says_why(weekend_of):
    weekend, _ = weekend_of(WEEKEND, "2026-12-05T06:00Z")
    refused = check(weekend, "pull", "visit", force=True).refused
    message = refused[0][1].message
    assert "visit cannot be pulled forward" in message and "engineer booked" in message
    assert not refused[0][1].forceable
    assert "runbook pull" not in (
        check(weekend, "start", "visit", force=False).refused[0][1].hint or ""
    )


def test_a_pull_moves_a_task_earlier_only(weekend_of):
    weekend, _ = weekend_of(WEEKEND, "2026-12-05T06:00Z")
    refused = check(weekend, "pull", "sun", value=t("2026-12-06T09:00Z")).refused
    assert "a pull moves a task earlier" in refused[0][1].message
    refused = check(weekend, "pull", "end").refused
    assert "end has no not_before" in refused[0][1].message


def test_undo_revokes_a_pull(weekend_of):
    weekend, _ = weekend_of(WEEKEND, "2026-12-05T06:00Z")
    check(weekend, "pull", "sun")
    check(weekend, "undo", "sun")
    snap = weekend.snapshot()
    assert snap.by_id("sun").pulled is False
    assert snap.by_id("sun").forecast_start == t("2026-12-06T08:00Z")


def test_the_status_contract_shows_the_revisions(weekend_of):
    weekend, _ = weekend_of(WEEKEND, "2026-12-05T06:00Z")
    check(weekend, "start", "sat")
    check(weekend, "eta", "sat", value=t("2026-12-05T09:00Z"))
    check(weekend, "pull", "sun")
    check(weekend, "estimate", "end", value=90 * 60)
    tasks = {row["id"]: row for row in status_json(weekend.snapshot())["tasks"]}
    assert tasks["sat"]["eta"] == "2026-12-05T09:00:00+00:00"
    assert (tasks["sun"]["pulled"], tasks["end"]["revised_duration_minutes"]) == (True, 90)
    assert (
        tasks["end"]["eta"],
        tasks["end"]["pulled"],
        tasks["sun"]["revised_duration_minutes"],
    ) == (
        None,
        False,
        None,
    )


# -- what-if ---------------------------------------------------------------------------------
def test_a_what_if_equals_the_forecast_after_recording_the_same_changes(weekend_of):
    weekend, clock = weekend_of(WEEKEND, "2026-12-05T06:00Z")
    check(weekend, "start", "sat")
    clock.set("2026-12-05T07:00Z")
    recorded = len(weekend.events())

    what = weekend.what_if(["sat+2h", "sun pull", "end estimate 30m"])
    # sat was forecast to finish 08:00: +2h is 10:00; sun 10:00-11:00; end 11:00-11:30.
    after = what.after
    assert times(after, "sat", "sun", "end") == [
        (t("2026-12-05T06:00Z"), t("2026-12-05T10:00Z")),
        (t("2026-12-05T10:00Z"), t("2026-12-05T11:00Z")),
        (t("2026-12-05T11:00Z"), t("2026-12-05T11:30Z")),
    ]
    assert what.before.by_id("sun").forecast_start == t("2026-12-06T08:00Z")
    assert [c.describe(weekend.plan) for c in what.changes] == [
        "sat eta Sat 10:00",
        "sun pull",
        "end estimate 30m",
    ]
    assert len(weekend.events()) == recorded  # nothing was written

    check(weekend, "eta", "sat", value=t("2026-12-05T10:00Z"))
    check(weekend, "pull", "sun")
    check(weekend, "estimate", "end", value=30 * 60)
    real = weekend.snapshot()
    assert times(real, *real.plan.index) == times(after, *after.plan.index)
    assert real.forecast_finish == after.forecast_finish
    assert real.critical_path == after.critical_path


def test_a_what_if_reads_the_grammar(weekend_of):
    weekend, _ = weekend_of(WEEKEND, "2026-12-05T06:00Z")
    check(weekend, "start", "sat")
    what = weekend.what_if(["sat eta +3h", "sun pull to 11:00", "end -30m"])
    assert [c.describe(weekend.plan) for c in what.changes] == [
        "sat eta Sat 09:00",
        "sun pull to Sat 11:00",
        "end estimate 30m",
    ]
    assert what.after.by_id("sun").forecast_start == t("2026-12-05T11:00Z")  # sat ends 09:00


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        (["sat+2h", "sun eta"], "--what-if #2 'sun eta': 'eta' takes one time"),
        (["sun"], "--what-if #1 'sun': say what changes for the task"),
        (["sun later"], "--what-if #1 'sun later': 'later' is not a change"),
        (["nope+1h"], "--what-if #1 'nope+1h': unknown task 'nope'"),
        (["end estimate soon"], "--what-if #1 'end estimate soon': estimate: 'soon' is not a"),
        (["sat eta 25:00"], "--what-if #1 'sat eta 25:00': the time 25:00"),
    ],
)
def test_a_what_if_that_cannot_be_read_says_which_and_why(weekend_of, specs, expected):
    weekend, _ = weekend_of(WEEKEND, "2026-12-05T06:00Z")
    check(weekend, "start", "sat")
    with pytest.raises(InputError) as raised:
        weekend.what_if(specs)
    assert raised.value.message.startswith(expected)


def test_a_what_if_the_rules_would_refuse_says_so(weekend_of):
    weekend, _ = weekend_of(WEEKEND, "2026-12-05T06:00Z")
    with pytest.raises(Refused) as raised:
        weekend.what_if(["visit pull"])
    assert raised.value.message.startswith("--what-if #1 'visit pull': visit cannot be pulled")


# -- review ------------------------------------------------------------------------------------
def test_the_review_lists_the_revisions_made_during_the_weekend(weekend_of):
    from runbook.contracts.reports import review_json
    from runbook.reports.review import review

    weekend, clock = weekend_of(WEEKEND, "2026-12-05T06:00Z")
    check(weekend, "start", "sat")
    check(weekend, "eta", "sat", value=t("2026-12-05T09:00Z"), note="slow disks")
    check(weekend, "pull", "sun", value=t("2026-12-05T12:00Z"))
    check(weekend, "undo", "sun")
    check(weekend, "estimate", "end", value=90 * 60)
    clock.set("2026-12-05T07:00Z")
    found = review(weekend)
    assert [(r.task, r.what, r.reason, r.withdrawn) for r in found.revisions] == [
        ("sat", "eta Sat 09:00", "slow disks", False),
        ("sun", "pull to Sat 12:00", None, True),
        ("end", "estimate 1h30m", None, False),
    ]
    assert all(n.kind not in ("eta", "pull", "estimate") for n in found.notes)
    assert review_json(found)["revisions"][0]["by"] == "tester"
