"""The Monte Carlo simulation of the finish against cases with known answers.

The expected figures are computed independently of ``runbook.planning.montecarlo``: Beta-PERT means
and variances from their closed forms, percentiles and distribution functions by integrating
the Beta density numerically. With 10,000 runs the standard error of a mean or a median is
about 0.2% of an estimate's range (a 95th percentile's about 0.4%), that of a probability at
most 0.005 and that of a variance about 1.4%, so the tolerances below (1% of the range, 2% for
the 95th percentile, 0.02 for a probability, 5% for a variance) sit at 3.5 or more standard
errors. The seeds are fixed, so every test gives the same answer on every run.
"""

from __future__ import annotations

import math
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from runbook.common.errors import InputError
from runbook.contracts.plan import plan_json
from runbook.planning import montecarlo
from runbook.planning.montecarlo import sample, simulate
from runbook.planning.plan import Plan
from runbook.validation.validate import plan_path

HOUR = 3600
RUNS = 10_000
SPAN_TOLERANCE = 0.01  # of (pessimistic - optimistic): ~5 standard errors of a mean
TAIL_TOLERANCE = 0.02  # of the range, for the 95th percentile: ~5 standard errors
PROBABILITY_TOLERANCE = 0.02  # absolute: 4 standard errors of a proportion at worst
VARIANCE_TOLERANCE = 0.05  # relative: ~3.5 standard errors of a sample variance


def _plan(write_runbook: Callable[..., Path], text: str) -> Plan:
    result = plan_path(write_runbook(text))
    assert result.plan is not None
    return result.plan


# --- Beta-PERT, computed independently -------------------------------------------------


def _shape(a: float, m: float, b: float) -> tuple[float, float]:
    return 1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a)


def _pert_mean(a: float, m: float, b: float) -> float:
    return (a + 4 * m + b) / 6


def _pert_variance(a: float, m: float, b: float) -> float:
    al, be = _shape(a, m, b)
    return (b - a) ** 2 * al * be / ((al + be) ** 2 * (al + be + 1))


def _pert_cdf_grid(a: float, m: float, b: float, points: int = 200_001):
    """Times from a to b and the Beta-PERT distribution function at each (trapezoid rule)."""
    al, be = _shape(a, m, b)
    x = np.linspace(0.0, 1.0, points)
    log_norm = math.lgamma(al + be) - math.lgamma(al) - math.lgamma(be)
    with np.errstate(divide="ignore"):
        density = np.exp(log_norm + (al - 1) * np.log(x) + (be - 1) * np.log1p(-x))
    steps = (density[1:] + density[:-1]) / 2 * np.diff(x)
    cdf = np.concatenate([[0.0], np.cumsum(steps)])
    return a + x * (b - a), cdf / cdf[-1]


def _pert_cdf(t: float, a: float, m: float, b: float) -> float:
    times, cdf = _pert_cdf_grid(a, m, b)
    return float(np.interp(t, times, cdf))


def _pert_quantile(q: float, a: float, m: float, b: float) -> float:
    times, cdf = _pert_cdf_grid(a, m, b)
    return float(np.interp(q, cdf, times))


def _p_first_longer(first: tuple[float, float, float], second: tuple[float, float, float]):
    """P(X > Y) for independent PERTs: the integral of F_Y over the density of X."""
    times, cdf = _pert_cdf_grid(*first)
    f_y = np.interp(times, *_pert_cdf_grid(*second))
    return float(np.sum((f_y[1:] + f_y[:-1]) / 2 * np.diff(cdf)))


def test_the_independent_pert_helpers_agree_with_the_closed_forms():
    a, m, b = 1.0, 2.0, 7.0
    times, cdf = _pert_cdf_grid(a, m, b)
    mean = float(np.sum((times[1:] + times[:-1]) / 2 * np.diff(cdf)))
    assert mean == pytest.approx(_pert_mean(a, m, b), rel=1e-6)
    assert _pert_quantile(0.5, 1.0, 2.0, 3.0) == pytest.approx(2.0, abs=1e-6)


# --- A single task ---------------------------------------------------------------------

SINGLE = """
    name: One task
    start: 2026-12-04T06:00Z
    tasks:
      - id: migrate
        title: Migrate the database
        team: dba
        duration: 2h
        estimate: {optimistic: 1h, pessimistic: 7h}
"""
A, M, B = 1 * HOUR, 2 * HOUR, 7 * HOUR


def test_a_single_task_finishes_on_average_at_its_pert_mean(write_runbook):
    plan = _plan(write_runbook, SINGLE)
    result = simulate(plan, runs=RUNS, seed=1)
    expected = plan.start + _pert_mean(A, M, B)
    assert abs(result.mean - expected) <= SPAN_TOLERANCE * (B - A)


def test_a_single_task_has_the_pert_median_and_upper_percentiles(write_runbook):
    plan = _plan(write_runbook, SINGLE)
    result = simulate(plan, runs=RUNS, seed=1)
    cases = (
        (result.p50, 0.5, SPAN_TOLERANCE),
        (result.p80, 0.8, SPAN_TOLERANCE),
        (result.p95, 0.95, TAIL_TOLERANCE),
    )
    for figure, q, tolerance in cases:
        expected = plan.start + _pert_quantile(q, A, M, B)
        assert abs(figure - expected) <= tolerance * (B - A), q


def test_a_single_task_never_finishes_outside_its_estimate(write_runbook):
    plan = _plan(write_runbook, SINGLE)
    result = simulate(plan, runs=RUNS, seed=1)
    assert plan.start + A <= result.earliest < result.p50 < result.latest <= plan.start + B
    assert result.deterministic_finish == plan.finish == plan.start + M
    assert result.criticality == [1.0]


# --- A chain ---------------------------------------------------------------------------

CHAIN = """
    name: Chain
    start: 2026-12-04T06:00Z
    tasks:
      - id: export
        title: Export
        team: dba
        duration: 2h
        estimate: {optimistic: 1h, pessimistic: 7h}
      - id: import
        title: Import
        team: dba
        duration: 45m
        estimate: {optimistic: 30m, pessimistic: 2h}
        depends_on: export
"""
CHAIN_TASKS = ((A, M, B), (30 * 60, 45 * 60, 2 * HOUR))


def test_a_chain_takes_the_sum_of_the_means(write_runbook):
    plan = _plan(write_runbook, CHAIN)
    result = simulate(plan, runs=RUNS, seed=2)
    expected = plan.start + sum(_pert_mean(*t) for t in CHAIN_TASKS)
    total_span = sum(b - a for a, _, b in CHAIN_TASKS)
    assert abs(result.mean - expected) <= SPAN_TOLERANCE * total_span


def test_a_chain_has_the_sum_of_the_variances(write_runbook):
    plan = _plan(write_runbook, CHAIN)
    finish = sample(plan, runs=RUNS, seed=2).finish
    expected = sum(_pert_variance(*t) for t in CHAIN_TASKS)
    assert float(finish.var()) == pytest.approx(expected, rel=VARIANCE_TOLERANCE)


def test_every_task_of_a_pure_chain_is_always_critical(write_runbook):
    plan = _plan(write_runbook, CHAIN)
    assert simulate(plan, runs=2_000, seed=3).criticality == [1.0, 1.0]


# --- Two parallel tasks ----------------------------------------------------------------

PARALLEL = """
    name: Parallel
    start: 2026-12-04T06:00Z
    tasks:
      - id: servers
        title: Patch the servers
        team: ops
        duration: 3h
        estimate: {optimistic: 2h, pessimistic: 6h}
      - id: network
        title: Replace the switches
        team: net
        duration: 2h30m
        estimate: {optimistic: 1h, pessimistic: 8h}
"""
SERVERS = (2 * HOUR, 3 * HOUR, 6 * HOUR)
NETWORK = (1 * HOUR, 2.5 * HOUR, 8 * HOUR)


@pytest.mark.parametrize("hours", [3.0, 3.5, 4.0, 5.0])
def test_two_parallel_tasks_are_done_by_t_when_both_are(write_runbook, hours):
    plan = _plan(write_runbook, PARALLEL)
    t = hours * HOUR
    result = simulate(replace(plan, deadline=plan.start + int(t)), runs=RUNS, seed=4)
    expected = _pert_cdf(t, *SERVERS) * _pert_cdf(t, *NETWORK)
    assert result.p_on_time == pytest.approx(expected, abs=PROBABILITY_TOLERANCE)


def test_of_two_parallel_tasks_the_longer_one_is_critical(write_runbook):
    plan = _plan(write_runbook, PARALLEL)
    servers, network = simulate(plan, runs=RUNS, seed=5).criticality
    assert servers + network == pytest.approx(1.0, abs=1e-12)
    assert servers == pytest.approx(_p_first_longer(SERVERS, NETWORK), abs=PROBABILITY_TOLERANCE)


# --- The deadline ----------------------------------------------------------------------

SYMMETRIC = """
    name: Symmetric
    start: 2026-12-04T06:00Z
    deadline: 2026-12-04T08:00Z
    tasks:
      - id: a
        title: A
        team: x
        duration: 2h
        estimate: {optimistic: 1h, pessimistic: 3h}
"""


def test_a_deadline_at_the_middle_of_a_symmetric_estimate_is_met_half_the_time(write_runbook):
    plan = _plan(write_runbook, SYMMETRIC)
    result = simulate(plan, runs=RUNS, seed=6)
    assert result.p_on_time == pytest.approx(0.5, abs=PROBABILITY_TOLERANCE)


def test_a_deadline_outside_the_estimate_is_always_or_never_met(write_runbook):
    plan = _plan(write_runbook, SYMMETRIC)
    assert simulate(replace(plan, deadline=plan.start + 3 * HOUR), runs=500).p_on_time == 1.0
    assert simulate(replace(plan, deadline=plan.start + HOUR - 1), runs=500).p_on_time == 0.0


def test_without_a_deadline_there_is_no_probability_of_meeting_it(write_runbook):
    plan = _plan(write_runbook, SINGLE)
    assert simulate(plan, runs=500).p_on_time is None


# --- Determinism -----------------------------------------------------------------------


def test_the_same_seed_gives_the_same_simulation(write_runbook):
    plan = _plan(write_runbook, PARALLEL)
    assert simulate(plan, runs=3_000, seed=42) == simulate(plan, runs=3_000, seed=42)


def test_another_seed_gives_different_but_close_figures(write_runbook):
    plan = _plan(write_runbook, PARALLEL)
    one, other = simulate(plan, runs=RUNS, seed=42), simulate(plan, runs=RUNS, seed=43)
    assert one != other
    assert one.histogram != other.histogram
    span = NETWORK[2] - NETWORK[0]
    # Two independent estimates: each within its tolerance, so within twice of each other.
    assert abs(one.mean - other.mean) <= 2 * SPAN_TOLERANCE * span
    assert abs(one.p50 - other.p50) <= 2 * SPAN_TOLERANCE * span
    assert abs(one.p95 - other.p95) <= 2 * TAIL_TOLERANCE * span
    assert one.p_on_time is other.p_on_time is None


def test_a_simulation_split_into_many_chunks_still_adds_up(write_runbook, monkeypatch):
    plan = _plan(write_runbook, CHAIN)
    monkeypatch.setattr(montecarlo, "CHUNK_CELLS", 1)  # 256 runs per chunk: 40 chunks
    assert montecarlo.chunk_runs(len(plan.tasks)) == montecarlo.MIN_CHUNK_RUNS
    result = simulate(plan, runs=RUNS, seed=2)
    expected = plan.start + sum(_pert_mean(*t) for t in CHAIN_TASKS)
    assert abs(result.mean - expected) <= SPAN_TOLERANCE * sum(b - a for a, _, b in CHAIN_TASKS)
    assert result.criticality == [1.0, 1.0]
    assert sum(runs for _, _, runs in result.histogram) == RUNS


# --- Tasks without estimates, not_before, milestones -----------------------------------

DETERMINISTIC = """
    name: Diamond
    start: 2026-12-04T06:00Z
    deadline: 2026-12-04T12:00Z
    tasks:
      - {id: go, title: Go, team: x, milestone: true}
      - {id: a, title: A, team: x, duration: 2h, depends_on: go}
      - {id: b, title: B, team: x, duration: 1h, depends_on: a}
      - {id: c, title: C, team: x, duration: 3h, depends_on: a}
      - {id: d, title: D, team: x, duration: 30m, depends_on: [b, c]}
      - {id: live, title: Live, team: x, milestone: true, depends_on: d}
"""


def test_without_estimates_every_run_is_the_cpm_plan(write_runbook):
    plan = _plan(write_runbook, DETERMINISTIC)
    result = simulate(plan, runs=1_000, seed=7)
    figures = (result.p50, result.p80, result.p95, result.mean, result.earliest, result.latest)
    assert set(figures) == {plan.finish}
    assert result.p_on_time == 1.0
    assert simulate(replace(plan, deadline=plan.finish - 1), runs=10).p_on_time == 0.0
    on_path = {plan.tasks[i].id for i in plan.critical_path}
    assert on_path == {"go", "a", "c", "d", "live"}
    assert result.criticality == [1.0 if t.id in on_path else 0.0 for t in plan.tasks]
    assert result.histogram == [(plan.finish, plan.finish + 1, 1_000)]


def test_an_estimate_without_spread_keeps_the_planned_duration(write_runbook):
    plan = _plan(
        write_runbook,
        """
        name: Fixed
        start: 2026-12-04T06:00Z
        tasks:
          - id: a
            title: A
            team: x
            duration: 2h
            estimate: {optimistic: 2h, pessimistic: 2h}
        """,
    )
    result = simulate(plan, runs=100)
    assert result.earliest == result.latest == plan.finish == plan.start + 2 * HOUR


def test_a_dominating_not_before_makes_the_task_after_it_critical_and_those_before_not(
    write_runbook,
):
    plan = _plan(
        write_runbook,
        """
        name: Waiting for Saturday
        start: 2026-12-04T06:00Z
        tasks:
          - id: prepare
            title: Prepare
            team: x
            duration: 1h
            estimate: {optimistic: 30m, pessimistic: 4h}
          - id: rollout
            title: Roll out laptops
            team: x
            duration: 2h
            estimate: {optimistic: 1h, pessimistic: 3h}
            depends_on: prepare
            not_before: 2026-12-04T12:00Z
          - id: check
            title: Check
            team: x
            duration: 30m
            estimate: {optimistic: 15m, pessimistic: 1h}
            depends_on: rollout
        """,
    )
    result = simulate(plan, runs=RUNS, seed=8)
    assert result.criticality == [0.0, 1.0, 1.0]
    held = plan.start + 6 * HOUR
    assert held + HOUR + 15 * 60 <= result.earliest
    assert result.latest <= held + 3 * HOUR + HOUR


def test_a_closing_milestone_listed_first_is_on_every_critical_path(write_runbook):
    plan = _plan(
        write_runbook,
        """
        name: Milestone first
        start: 2026-12-04T06:00Z
        tasks:
          - {id: live, title: Live, team: x, milestone: true, depends_on: [a, b]}
          - id: a
            title: A
            team: x
            duration: 2h
            estimate: {optimistic: 1h, pessimistic: 3h}
          - id: b
            title: B
            team: x
            duration: 2h
            estimate: {optimistic: 1h, pessimistic: 3h}
        """,
    )
    live, a, b = simulate(plan, runs=RUNS, seed=9).criticality
    assert live == 1.0
    assert a + b == pytest.approx(1.0, abs=1e-12)
    assert a == pytest.approx(0.5, abs=PROBABILITY_TOLERANCE)


def _random_runbook(rng: random.Random, n: int) -> str:
    """Tasks in shuffled file order, many ties, milestones and an occasional not_before."""
    names = [f"t{i}" for i in range(n)]
    rng.shuffle(names)  # names[k] is the k-th task of the work order; the file is shuffled
    lines = ["name: Random", "start: 2026-12-04T06:00Z", "tasks:"]
    rows = []
    for k, name in enumerate(names):
        deps = sorted({names[j] for j in rng.sample(range(k), min(k, rng.randrange(4)))})
        row = f"  - {{id: {name}, title: {name}, team: x"
        if rng.random() < 0.2:
            row += ", milestone: true"
        else:
            row += f", duration: {rng.choice([15, 30, 60])}m"
        if deps:
            row += f", depends_on: [{', '.join(deps)}]"
        if rng.random() < 0.15:
            hour, minute = 6 + rng.randrange(4), rng.choice([0, 30])
            row += f", not_before: 2026-12-04T{hour:02d}:{minute:02d}:00Z"
        rows.append(row + "}")
    rng.shuffle(rows)
    return "\n".join([*lines, *rows]) + "\n"


def test_without_estimates_the_critical_path_is_the_cpm_one_on_random_runbooks(write_runbook):
    rng = random.Random(2026)
    for case in range(60):
        plan = _plan(write_runbook, _random_runbook(rng, rng.randrange(1, 16)))
        result = simulate(plan, runs=3, seed=case)
        expected = [1.0 if i in plan.critical_path else 0.0 for i in range(len(plan.tasks))]
        assert result.criticality == expected, plan_json(plan)
        assert result.p50 == result.p95 == plan.finish


def test_tasks_with_many_predecessors_follow_the_cpm_path_too(write_runbook, monkeypatch):
    # Tasks with more than PADDED_PREDS predecessors take the one-by-one path: force it.
    monkeypatch.setattr(montecarlo, "PADDED_PREDS", 1)
    rng = random.Random(13)
    for case in range(30):
        plan = _plan(write_runbook, _random_runbook(rng, rng.randrange(1, 16)))
        result = simulate(plan, runs=3, seed=case)
        expected = [1.0 if i in plan.critical_path else 0.0 for i in range(len(plan.tasks))]
        assert result.criticality == expected, plan_json(plan)


@pytest.mark.parametrize("low, likely, high", [(1.0, 2.0, 7.0), (1.0, 1.1, 3.0), (0.0, 5.0, 6.0)])
def test_the_quantile_table_of_an_estimate_shape_matches_its_pert(low, likely, high):
    span = high - low
    alpha = 1 + montecarlo.PERT_LAMBDA * (likely - low) / span
    beta = 1 + montecarlo.PERT_LAMBDA * (high - likely) / span
    table = montecarlo._quantile_table(alpha, beta)
    for q in (0.01, 0.05, 0.25, 0.5, 0.8, 0.95, 0.99):
        drawn = low + span * float(table[int(q * montecarlo.QUANTILES)])
        assert drawn == pytest.approx(_pert_quantile(q, low, likely, high), abs=1e-3 * span)


# --- The result's shape ----------------------------------------------------------------


def test_the_histogram_covers_every_run_in_about_thirty_contiguous_bins(write_runbook):
    plan = _plan(write_runbook, PARALLEL)
    result = simulate(plan, runs=RUNS, seed=10)
    bins = result.histogram
    assert 25 <= len(bins) <= 30
    assert sum(runs for _, _, runs in bins) == RUNS
    assert all(end > begin for begin, end, _ in bins)
    assert all(bins[i][1] == bins[i + 1][0] for i in range(len(bins) - 1))
    assert bins[0][0] <= result.earliest and result.latest <= bins[-1][1]


def test_the_simulation_records_its_runs_and_seed(write_runbook):
    result = simulate(_plan(write_runbook, SINGLE), runs=123, seed=77)
    assert (result.runs, result.seed) == (123, 77)


@pytest.mark.parametrize(("runs", "seed"), [(0, 0), (-5, 0), (10, -1)])
def test_no_runs_or_a_negative_seed_are_refused(write_runbook, runs, seed):
    plan = _plan(write_runbook, SINGLE)
    with pytest.raises(InputError):
        simulate(plan, runs=runs, seed=seed)


def test_importing_the_simulation_loads_neither_numpy_nor_a_front_end():
    code = "import sys, runbook.planning.montecarlo; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    for module in ("numpy", "typer", "textual", "rich"):
        assert module not in loaded, f"importing runbook.planning.montecarlo loaded {module}"
