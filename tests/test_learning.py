"""Estimates learned from history: the shrinkage rule, the team factor, and a generated
history whose true durations are known (issue 24)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from runbook.planning.learning import estimates_for, learn, learn_task
from runbook.planning.montecarlo import simulate
from runbook.validation.validate import validate_bytes

from .builders import runbook_yaml, task

HOUR, MINUTE = 3600, 60


def _plan(tasks: list[str], deadline: str | None = None):
    text = runbook_yaml("gen", "2026-12-05T06:00", tasks, deadline=deadline, timezone="UTC")
    text += "teams:\n  ops: {name: Ops}\n  dba: {name: DBA}\n"
    found = validate_bytes(text.encode(), source="gen.yaml", warnings=False).plan
    assert found is not None
    return found


def _chain(n: int, *, estimate: bool = True, deadline: str | None = None):
    spread = {"estimate": "{optimistic: 45m, pessimistic: 1h30m}"} if estimate else {}
    return _plan(
        [
            task(f"t{i}", "1h", team="ops", depends_on=f"t{i - 1}" if i else None, **spread)
            for i in range(n)
        ],
        deadline,
    )


def test_one_run_moves_the_estimate_half_way_to_it_on_the_log_scale():
    plan = _chain(1, estimate=False)
    learned = learn_task(plan.tasks[0], [4 * HOUR])
    assert learned.duration == 2 * HOUR  # sqrt(1h x 4h): the runbook's weighs as one run
    assert learned.observations == 1
    assert learned.observed_change == pytest.approx(3.0)  # the run was four times the 1h


def test_a_run_far_from_the_runbook_widens_the_estimate_beyond_the_run():
    plan = _chain(1)
    learned = learn_task(plan.tasks[0], [3 * HOUR])
    assert learned.optimistic < learned.duration < 3 * HOUR < learned.pessimistic


def test_many_runs_that_agree_bring_the_estimate_to_them_and_narrow_it():
    plan = _chain(1)
    few = learn_task(plan.tasks[0], [90 * MINUTE] * 2)
    many = learn_task(plan.tasks[0], [90 * MINUTE] * 30)
    assert few.duration < many.duration <= 90 * MINUTE
    assert many.duration >= 85 * MINUTE
    assert many.pessimistic - many.optimistic < few.pessimistic - few.optimistic


def test_a_team_factor_scales_the_estimates_of_its_tasks_never_observed():
    plan = _plan(
        [
            task("a", "2h", team="dba"),
            task("b", "1h", team="dba", depends_on="a"),
            task(
                "c", "1h", team="dba", depends_on="b", estimate="{optimistic: 30m, pessimistic: 2h}"
            ),
            task("d", "1h", team="ops", depends_on="c"),
        ]
    )
    learning = learn(plan, {"a": [4 * HOUR] * 3, "b": [2 * HOUR] * 3})
    factor = learning.teams["dba"]
    # six runs, each twice the runbook: exp(6 ln 2 / (6 + 1)), shrunk toward 1.
    assert factor.factor == round(math.exp(6 * math.log(2) / 7), 2)
    assert (factor.observations, factor.tasks) == (6, 2)
    estimates = learning.estimates(plan, "history")
    c = estimates.tasks["c"]
    assert (c.source, c.factor, c.observations) == ("team", factor.factor, 6)
    assert factor.factor == 1.81
    # 30m, 1h and 2h times 1.81, rounded as learned figures are: 54m down, 1h50m to the
    # nearest five minutes, 3h40m up.
    assert c.points == (54 * MINUTE, 110 * MINUTE, 220 * MINUTE)
    assert "d" not in estimates.tasks  # ops was never observed: the runbook's stands


def test_ids_not_in_the_plan_and_milestones_are_left_out():
    plan = _plan([task("a", "1h", team="ops"), "{id: m, title: M, milestone: true, depends_on: a}"])
    learning = learn(plan, {"a": [HOUR], "m": [HOUR], "gone": [HOUR]})
    assert set(learning.tasks) == {"a"}
    from runbook.planning.learning import Figures

    figures = {"m": Figures(60, 60, 60, 1), "gone": Figures(60, 60, 60, 1)}
    assert estimates_for(plan, figures, {}, "f").tasks == {}


# --- A generated history --------------------------------------------------------------------

N = 8


def _history(seed: int):
    """A chain of eight 1h tasks whose true durations are lognormal around medians the
    runbook did not know (they run 15% long on average, with 30% scatter between tasks and
    25% from run to run): the plan, the true medians, and a draw of runs."""
    rng = np.random.default_rng(seed)
    plan = _chain(N, deadline="2026-12-05T15:00")
    medians = HOUR * np.exp(rng.normal(0.15, 0.3, N))
    return plan, medians, rng


def _rehearse(medians, rng, n: int) -> dict[str, list[int]]:
    runs = rng.lognormal(np.log(medians)[:, None], 0.25, (N, n))
    return {f"t{i}": [int(x) for x in runs[i]] for i in range(N)}


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_on_a_generated_history_the_learned_estimates_approach_the_truth_with_more_runs(seed):
    plan, medians, rng = _history(seed)
    runs = _rehearse(medians, rng, 12)

    def error(n: int) -> float:
        learning = learn(plan, {t: r[:n] for t, r in runs.items()})
        return float(
            np.mean(
                [abs(math.log(learning.tasks[f"t{i}"].duration / medians[i])) for i in range(N)]
            )
        )

    runbook_error = float(np.mean(np.abs(np.log(medians / HOUR))))
    assert error(1) < runbook_error
    assert error(12) < error(3) < error(1)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_on_a_generated_history_learned_estimates_give_a_probability_nearer_the_observed_rate(
    seed,
):
    plan, medians, rng = _history(seed)
    runs = _rehearse(medians, rng, 3)
    weekends = rng.lognormal(np.log(medians)[:, None], 0.25, (N, 20_000)).sum(axis=0)
    observed = float(np.mean(weekends <= plan.deadline - plan.start))  # the on-time rate
    runbook = simulate(plan, runs=4000, seed=0).p_on_time
    learned = learn(plan, runs).estimates(plan, "3 rehearsals")
    with_history = simulate(plan, runs=4000, seed=0, estimates=learned.points()).p_on_time
    assert runbook is not None and with_history is not None
    assert abs(with_history - observed) < abs(runbook - observed)
