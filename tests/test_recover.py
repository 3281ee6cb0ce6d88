"""Recovery options on hand-computed graphs: which optional work to drop to land in time."""

from __future__ import annotations

import pytest

from runbook.common.errors import InputError
from runbook.weekend.recover import optional_work

from .builders import runbook_yaml, task
from .weekend_helpers import FakeClock, at, check, open_weekend

# a (2h) -> b (3h) -> n (1h, nice) -> end (2h); a -> p (20m, nice) -> end. From 08:00Z the
# plan ends at 16:00; the deadline is 17:00.
LATE = runbook_yaml(
    "Late",
    "2026-12-04T08:00Z",
    [
        task("a", "2h"),
        task("b", "3h", depends_on="a"),
        task("n", "1h", depends_on="b", priority="nice"),
        task("p", "20m", depends_on="a", priority="nice"),
        task("end", "2h", depends_on=["n", "p"]),
    ],
    deadline="2026-12-04T17:00Z",
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


def play_late(weekend, clock):
    """a on time, b 1h30m over: at 14:30 n (14:30-15:30), p (14:30-14:50), end 15:30-17:30."""
    check(weekend, "start", "a")
    clock.set("2026-12-04T10:00Z")
    check(weekend, "done", "a")
    check(weekend, "start", "b")
    clock.set("2026-12-04T14:30Z")
    check(weekend, "done", "b")


def test_thirty_minutes_late_one_nice_to_have_on_the_critical_path_recovers_it(weekend_of):
    weekend, clock = weekend_of(LATE, "2026-12-04T08:00Z")
    play_late(weekend, clock)
    recovery = weekend.recover()
    assert recovery.forecast_finish == t("2026-12-04T17:30Z")
    assert recovery.behind == 30 * 60
    assert recovery.needed and recovery.enough
    [option] = recovery.options
    # Without n, end waits only for p (14:50): 14:50-16:50, 40 minutes earlier.
    assert option.tasks == ("n",)
    assert option.forecast_finish == t("2026-12-04T16:50Z")
    assert option.gain == 40 * 60
    assert option.meets_deadline
    assert not recovery.cut_short


def test_a_parallel_nice_to_have_off_the_critical_path_gains_nothing_and_is_said_so(weekend_of):
    weekend, clock = weekend_of(LATE, "2026-12-04T08:00Z")
    play_late(weekend, clock)
    recovery = weekend.recover()
    assert recovery.candidates == ["n", "p"]
    assert recovery.no_gain == ["p"]
    assert all("p" not in option.tasks for option in recovery.options)


def test_recovering_writes_nothing(weekend_of):
    weekend, clock = weekend_of(LATE, "2026-12-04T08:00Z")
    play_late(weekend, clock)
    before = len(weekend.events())
    weekend.recover()
    assert len(weekend.events()) == before
    assert weekend.snapshot().by_id("n").status == "ready"


def test_a_weekend_in_time_needs_no_recovery(weekend_of):
    weekend, _ = weekend_of(LATE, "2026-12-04T08:00Z")
    recovery = weekend.recover()
    assert not recovery.needed
    assert recovery.options == [] and recovery.behind == 0


# a (3h) -> n (30m, nice) -> z (2h), from 08:00Z with a deadline at 12:00: 13:30, 90m late.
HOPELESS = runbook_yaml(
    "Hopeless",
    "2026-12-04T08:00Z",
    [
        task("a", "3h"),
        task("n", "30m", depends_on="a", priority="nice"),
        task("z", "2h", depends_on="n"),
    ],
    deadline="2026-12-04T12:00Z",
)


def test_when_no_set_suffices_it_says_so_and_names_the_critical_tasks_that_hold_the_finish(
    weekend_of,
):
    weekend, _ = weekend_of(HOPELESS, "2026-12-04T08:00Z")
    recovery = weekend.recover()
    assert recovery.behind == 90 * 60
    assert recovery.options == [] and not recovery.enough
    assert recovery.best is not None
    assert recovery.best.tasks == ("n",)
    assert recovery.best.forecast_finish == t("2026-12-04T13:00Z")  # still an hour late
    assert not recovery.best.meets_deadline
    assert recovery.holding == ["a", "z"]


# Two parallel branches of an hour, both late: dropping one alone gains nothing, both together
# recover. A should-have that would recover alone comes only after the nice-to-haves.
PAIR = runbook_yaml(
    "Pair",
    "2026-12-04T08:00Z",
    [
        task("a", "2h"),
        task("n1", "1h", depends_on="a", priority="nice"),
        task("n2", "1h", depends_on="a", priority="nice"),
        task("s", "1h", depends_on=["n1", "n2"], priority="should"),
        task("end", "1h", depends_on="s"),
    ],
    deadline="2026-12-04T12:30Z",
)


def test_two_parallel_nice_to_haves_recover_together_though_each_alone_gains_nothing(
    weekend_of,
):
    weekend, _ = weekend_of(PAIR, "2026-12-04T08:00Z")
    recovery = weekend.recover()
    assert recovery.behind == 30 * 60  # 13:00
    assert recovery.no_gain == ["n1", "n2"]
    [option] = recovery.options
    assert option.tasks == ("n1", "n2")
    assert option.forecast_finish == t("2026-12-04T12:00Z")


def test_should_haves_are_proposed_only_when_nice_to_haves_are_not_enough(weekend_of):
    text = PAIR.replace('deadline: "2026-12-04T12:30Z"', "").replace(
        "deadline: 2026-12-04T12:30Z", "deadline: 2026-12-04T11:30Z"
    )
    weekend, _ = weekend_of(text, "2026-12-04T08:00Z")
    recovery = weekend.recover()
    # 13:00 is 90m late; n1+n2 gain 1h (12:00), s alone 1h; s with n1 and n2 gains 2h (11:00).
    [option] = recovery.options
    assert option.tasks == ("n1", "n2", "s")
    assert option.forecast_finish == t("2026-12-04T11:00Z")


# a (4h) -> n (1h, nice) -> g (gate, 10m, rolls back in 5h) -> z (30m): the deadline 18:00
# leaves the gate's point of no return at 13:00; the gate is planned at 13:00.
GATED = runbook_yaml(
    "Gated",
    "2026-12-04T08:00Z",
    [
        task("a", "4h"),
        task("n", "1h", depends_on="a", priority="nice"),
        task("g", "10m", depends_on="n", gate="true", rollback="5h"),
        task("z", "30m", depends_on="g"),
    ],
    deadline="2026-12-04T18:00Z",
)


def test_a_gate_forecast_past_its_point_of_no_return_is_recovered_by_dropping_work_before_it(
    weekend_of,
):
    weekend, clock = weekend_of(GATED, "2026-12-04T08:00Z")
    check(weekend, "start", "a")
    clock.set("2026-12-04T12:30Z")
    check(weekend, "done", "a")
    recovery = weekend.recover()
    assert recovery.behind == 0  # the finish (14:10) is well inside the deadline
    [gate] = recovery.late_gates
    assert (gate.gate, gate.late) == ("g", 30 * 60)
    assert recovery.needed
    [option] = recovery.options
    assert option.tasks == ("n",) and option.gates_in_time


def test_the_search_is_bounded_and_says_when_it_was_cut_short(weekend_of):
    from runbook.weekend.recover import recover

    weekend, _ = weekend_of(PAIR, "2026-12-04T08:00Z")
    snap = weekend.snapshot()
    # With room for only a handful of forecasts, the pair is never reached by the search.
    recovery = recover(weekend.plan, weekend.plan, snap.records, snap.now, work_bound=0)
    assert recovery.evaluated <= 20
    assert recovery.enough  # dropping every candidate is tried anyway, beyond the bound


def test_dropping_is_a_skip_marked_dropped_with_its_reason(weekend_of):
    weekend, clock = weekend_of(LATE, "2026-12-04T08:00Z")
    play_late(weekend, clock)
    result = check(weekend, "skip", "n", note="no time: aftercare", dropped=True)
    [event] = result.events
    assert (event.kind, event.data, event.summary) == ("skip", {"dropped": True}, "drop")
    state = weekend.snapshot().by_id("n")
    assert (state.status, state.dropped, state.shown_status) == ("skipped", True, "dropped")
    assert state.reason == "no time: aftercare"
    assert weekend.snapshot().forecast_finish == t("2026-12-04T16:50Z")


def test_a_must_have_is_dropped_only_with_force(weekend_of):
    weekend, clock = weekend_of(LATE, "2026-12-04T08:00Z")
    play_late(weekend, clock)
    result = check(weekend, "skip", "end", note="later", dropped=True)
    [(task_id, refusal)] = result.refused
    assert task_id == "end" and "must-have" in refusal.message
    forced = check(weekend, "skip", "end", note="later", dropped=True, force=True)
    assert forced.events[0].data["dropped"] is True and forced.events[0].forced


def test_undoing_a_drop_brings_the_work_back(weekend_of):
    weekend, clock = weekend_of(LATE, "2026-12-04T08:00Z")
    play_late(weekend, clock)
    check(weekend, "skip", "n", note="no time", dropped=True)
    check(weekend, "undo", "n")
    state = weekend.snapshot().by_id("n")
    assert (state.status, state.dropped) == ("ready", False)


def test_only_a_skip_can_be_a_drop(weekend_of):
    weekend, _ = weekend_of(LATE, "2026-12-04T08:00Z")
    with pytest.raises(InputError, match="only a skip"):
        check(weekend, "start", "a", dropped=True)


def test_the_optional_work_of_a_plan_and_the_buffer_dropping_it_would_give(write_runbook):
    from runbook.validation.validate import validate_path

    plan = validate_path(write_runbook(LATE)).plan
    assert plan is not None
    ids, total, gained = optional_work(plan)
    # Without n (and p) end follows b at 13:00: the plan ends at 15:00, an hour earlier.
    assert (ids, total, gained) == (["n", "p"], 80 * 60, 60 * 60)


def test_the_readiness_report_before_the_weekend_says_how_much_optional_work_and_buffer(
    write_runbook,
):
    from runbook.contracts.reports import readiness_json
    from runbook.reports.readiness import readiness
    from runbook.reports.render.markdown import readiness_markdown

    report = readiness(write_runbook(LATE), now=t("2026-12-01T10:00Z"), runs=50)
    message = (
        "the plan holds 2 optional tasks (should or nice), 1h20m of work; dropping all of it "
        "would give 1h more buffer (runbook recover proposes what to drop when late)"
    )
    assert message in [f.message for f in report.findings if f.outcome == "info"]
    assert "Optional work (should or nice): 2 tasks, 1h20m; dropping all of it would give 1h" in (
        readiness_markdown(report)
    )
    assert readiness_json(report)["schedule"]["optional_work"] == {
        "tasks": ["n", "p"],
        "minutes": 80,
        "buffer_gain_minutes": 60,
    }


def test_the_readiness_report_lists_dropped_work_apart_from_work_skipped_as_not_needed(
    weekend_of,
):
    from runbook.contracts.reports import readiness_json
    from runbook.reports.readiness import readiness
    from runbook.reports.render.markdown import readiness_markdown

    weekend, clock = weekend_of(LATE, "2026-12-04T08:00Z")
    play_late(weekend, clock)
    check(weekend, "skip", "n", note="no time", dropped=True)
    check(weekend, "skip", "p", note="not needed")
    report = readiness(
        weekend.runbook_path, now=t("2026-12-04T14:30Z"), state=weekend.state_path, runs=50
    )
    text = readiness_markdown(report)
    dropped = text.split("Dropped for time (aftercare):")[1].split("Skipped as not needed:")[0]
    assert "| n | nice | no time |" in dropped and "| p |" not in dropped
    assert "| p | not needed |" in text.split("Skipped as not needed:")[1]
    assert "1 skipped as not needed, 1 dropped for time" in text  # counted apart
    schedule = readiness_json(report)["schedule"]
    assert schedule["dropped"] == [
        {"id": "n", "team": "t", "priority": "nice", "reason": "no time"}
    ]
    assert schedule["skipped"] == [{"id": "p", "reason": "not needed"}]


def test_the_filter_keeps_the_nice_to_haves_and_the_dropped_work(weekend_of):
    from runbook.weekend.views.filters import TaskFilter

    weekend, clock = weekend_of(LATE, "2026-12-04T08:00Z")
    play_late(weekend, clock)
    check(weekend, "skip", "n", note="no time", dropped=True)
    snap = weekend.snapshot()

    def kept(text: str) -> list[str]:
        chosen = TaskFilter.parse(text)
        return [s.id for s in snap.tasks if chosen.matches(weekend.plan, s)]

    assert kept("priority:nice") == ["n", "p"]
    assert kept("priority:must") == ["a", "b", "end"]
    assert kept("dropped") == ["n"]
    assert TaskFilter.parse("priority:optional").problems == (
        "unknown priority 'optional' (must, should, nice)",
    )
