"""`runbook recover` over random runbooks and random bounds on its search (issue 28 §1).

At 5,000 tasks with one in five nice and one in seven should, the bound on forecasts left
candidates untried alone, and the search then looked their forecast up: KeyError. Whatever
the runbook and the bound, recover answers, and what it says holds when checked against
the forecast itself.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runbook.planning.plan import Plan
from runbook.validation.validate import validate_bytes
from runbook.weekend.events import Event, EventKind
from runbook.weekend.forecast import TaskRecord, apply_event, forward
from runbook.weekend.recover import MIN_EVALUATIONS, recover
from runbook.weekend.views.recover import recovery_lines

from .builders import runbook_yaml, task

START = "2026-12-04T08:00Z"
MINUTES = (10, 20, 30, 45, 60, 90)


@st.composite
def late_runbooks(draw: st.DrawFn) -> Plan:
    """A runbook of 2-60 tasks, each after up to three earlier ones, about half of them
    optional, with a deadline somewhere before or after its planned finish."""
    n = draw(st.integers(2, 60))
    lines = []
    for i in range(n):
        preds = draw(st.lists(st.integers(0, i - 1), max_size=3, unique=True)) if i else []
        priority = draw(st.sampled_from(("must", "must", "should", "nice", "nice")))
        extra = {} if priority == "must" else {"priority": priority}
        lines.append(
            task(
                f"t{i:02d}",
                f"{draw(st.sampled_from(MINUTES))}m",
                depends_on=[f"t{p:02d}" for p in sorted(preds)] or None,
                **extra,
            )
        )
    # The planned finish first, then a deadline from two hours before it to after it.
    plain = validate_bytes(runbook_yaml("P", START, lines).encode(), source="p.yaml").plan
    assert plain is not None
    deadline = _iso(max(plain.start + 60, plain.finish + draw(st.integers(-120, 30)) * 60))
    plan = validate_bytes(
        runbook_yaml("P", START, lines, deadline=deadline).encode(), source="p.yaml"
    ).plan
    assert plan is not None
    return plan


def _iso(epoch: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dropped(plan: Plan, tasks: tuple[str, ...], now: int) -> tuple[int, list[int]]:
    """The forecast finish and starts with ``tasks`` dropped, folded here from scratch."""
    records: dict[str, TaskRecord] = {}
    for seq, task_id in enumerate(tasks, 1):
        record = records.setdefault(task_id, TaskRecord())
        skip = Event(-seq, now, now, task_id, EventKind.SKIP, "t", "", None, {"dropped": True})
        apply_event(record, skip)
    starts, finishes, _ = forward(plan, records, now)
    return max(finishes, default=plan.start), starts


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(plan=late_runbooks(), bound=st.integers(0, 2_000))
def test_recover_answers_for_any_runbook_and_bound_and_every_claim_holds(
    plan: Plan, bound: int
) -> None:
    now = plan.start
    recovery = recover(plan, plan, {}, now, work_bound=bound)
    limit = max(MIN_EVALUATIONS, bound // len(plan.tasks))
    # The bound holds (dropping every candidate is tried beyond it, once).
    assert recovery.evaluated <= limit + 1
    candidates = set(recovery.candidates)
    assert set(recovery.no_gain) <= candidates
    assert 0 <= recovery.untried <= len(candidates)
    if recovery.untried:
        assert recovery.cut_short
    # Every option recovers, as the forecast itself says with its tasks dropped.
    sizes = {len(o.tasks) for o in recovery.options}
    assert len(sizes) <= 1  # the smallest size found, only
    for option in recovery.options:
        assert set(option.tasks) <= candidates
        finish, _ = _dropped(plan, option.tasks, now)
        assert option.forecast_finish == finish
        assert option.gain == recovery.forecast_finish - finish
        assert option.recovers and finish <= plan.deadline
    # A candidate said to gain nothing alone gains nothing alone.
    for task_id in recovery.no_gain:
        finish, _ = _dropped(plan, (task_id,), now)
        assert finish == recovery.forecast_finish
    if recovery.best is not None:
        finish, _ = _dropped(plan, tuple(recovery.candidates), now)
        assert recovery.best.forecast_finish == finish and not recovery.best.recovers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=late_runbooks())
def test_with_room_for_every_forecast_the_bound_changes_nothing(plan: Plan) -> None:
    now = plan.start
    free = recover(plan, plan, {}, now, work_bound=10**9)
    if free.cut_short:
        return  # too many sets even then: nothing to compare
    again = recover(plan, plan, {}, now, work_bound=free.evaluated * len(plan.tasks))
    assert [o.tasks for o in again.options] == [o.tasks for o in free.options]
    assert again.no_gain == free.no_gain and not again.cut_short and again.untried == 0


def test_a_wide_weekend_with_more_optional_work_than_the_bound_answers():
    """Forty nice-to-haves in parallel, each alone on the late path, and room for twenty
    forecasts: the search stops, says how many it did not try alone, and claims no gain
    for none of those."""
    lines = [task("a", "1h")]
    lines += [task(f"n{i:02d}", f"{30 + i}m", depends_on="a", priority="nice") for i in range(40)]
    lines.append(task("z", "1h", depends_on=[f"n{i:02d}" for i in range(40)]))
    text = runbook_yaml("Wide", START, lines, deadline="2026-12-04T10:00Z")
    plan = validate_bytes(text.encode(), source="w.yaml").plan
    assert plan is not None
    recovery = recover(plan, plan, {}, plan.start, work_bound=0)
    assert recovery.needed and recovery.cut_short
    assert recovery.evaluated <= MIN_EVALUATIONS + 1
    assert recovery.untried == 40 - MIN_EVALUATIONS
    # The longest (the most promising alone) were tried first, and only those tried are
    # said to gain nothing.
    # n39 alone gains a minute (n38 then holds the finish); the other 19 tried gain nothing.
    assert sorted(recovery.no_gain) == [f"n{i:02d}" for i in range(40 - MIN_EVALUATIONS, 39)]
    said = [line.text for line in recovery_lines(recovery, plan)]
    assert "20 optional tasks were not tried alone" in said[-1]
