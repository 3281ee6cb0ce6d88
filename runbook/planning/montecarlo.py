# Size: one vectorised simulation: the model, the draws and the forward pass share private array
# layouts that only make sense read together.
"""Monte Carlo simulation of the finish: Beta-PERT task durations over the dependency graph.

Every run draws each estimated task's duration from the Beta-PERT distribution of its
three-point estimate (``optimistic``, ``duration`` as the most likely, ``pessimistic``;
lambda = 4); a task without an estimate keeps its planned duration. The forward pass is the
CPM one of ``runbook.planning.cpm``: a task starts at the latest of the runbook's start, its
``not_before`` and its predecessors' finish. The work is vectorised over runs: times are
``tasks x runs`` arrays, in seconds after ``plan.start``, processed in chunks of runs so memory
stays bounded on large runbooks, and a topological level at a time (every task of a level
with numpy operations over all its predecessors and all runs at once).

The Beta-PERT shapes of three-point estimates repeat (PERT's alpha + beta is always 6, and a
runbook uses a few kinds of estimate), so each shape gets a table of its quantiles at the
midpoints of 65,536 equal slices of probability, and a draw is a uniform 16-bit index into
it: a fine stratified approximation of the distribution, an order of magnitude faster than
``Generator.beta``. Shapes beyond the first 64 draw from ``Generator.beta`` directly.

The critical path of a run is the CPM one (``schedule._critical_path``) for that run's
durations: it ends at the task with the latest finish (the first in file order on a tie,
then on through zero-duration successors that end at the same moment, such as a closing
milestone) and goes back through each task's driving predecessor, the one whose finish sets
its start (the first in file order on a tie; a predecessor that finishes exactly at the
task's ``not_before`` still drives it). It stops at a task whose start is set by its
``not_before`` or by the runbook's start.

During the weekend (``progress`` given) the simulation runs the remaining work only, by the
forecast rule of ``runbook.weekend.forecast`` with drawn durations:

- a done task keeps its actual start and finish, and a skipped one takes no time (it ends when
  its last predecessor does);
- a running (or failed) task keeps its actual start, and the time it lost standing failed
  (up to now for a failed one) pushes it later: its duration is drawn from its Beta-PERT
  *conditional on being longer than the time it has already worked* (inverse transform: a
  uniform draw between F(worked) and 1, mapped back through the distribution function, which
  is integrated numerically on a fine grid), and its remaining work starts now, so it never
  finishes before now and a failed task's remaining work waits for now like the forecast's. A
  task that has already worked past its pessimistic figure finishes now: the estimate no
  longer says anything about it, and the forecast rule makes the same assumption. Without an
  estimate it finishes at now + the planned duration it has not worked yet (never before
  now), as in the forecast;
- a task not yet started starts no earlier than now;
- the revisions in force count as in the forecast: a running task given an ``eta`` finishes
  then (or now, if that has passed) in every run; a task given a revised duration
  (``estimate``) draws from its three-point estimate scaled to that duration (or takes it
  exactly, without one); a pulled task starts no earlier than the time it was pulled to.

Done and skipped tasks are history: they are never counted on a run's critical path. Without
any estimate every run is the forecast. ``estimates`` replaces tasks' three-point estimates
(the ones learnt from a dress rehearsal).

numpy is imported by the functions that need it, not at import time, so a front end can
import this module without paying for numpy until it simulates.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from runbook.common.errors import InputError
from runbook.planning.plan import Plan

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Floats = NDArray[np.float64]
    Ints = NDArray[np.int32]

DEFAULT_RUNS = 10_000
PERT_LAMBDA = 4.0
HISTOGRAM_BINS = 30
CHUNK_CELLS = 12_000_000  # task x run cells per chunk (1,200 runs at 10,000 tasks): ~100 MB
DRAW_CELLS = 1_000_000  # task x run cells drawn at once
MIN_CHUNK_RUNS = 256  # fewer runs per chunk would spend the time in Python, not numpy
QUANTILES = 65_536  # points of each estimate shape's quantile table (uint16 draws index it)
MAX_TABLES = 64  # distinct shapes given a table; tasks of any other shape draw betas directly
PADDED_PREDS = 8  # tasks with more predecessors get a group of their own in their level
PERCENTILES = (50, 80, 95)
CDF_POINTS = 4097  # grid of the numerical distribution function of a running task's PERT

Estimate = tuple[int, int, int]  # optimistic, most likely, pessimistic (seconds)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the weekend stands at a checkpoint, as the simulation needs it (epoch seconds,
    tasks by index): the forecast rule's view of the check-ins."""

    now: int
    forecast: int  # the forecast finish (what every run gives without estimates)
    done: Mapping[int, tuple[int, int]] = field(default_factory=dict)  # actual start, finish
    skipped: frozenset[int] = frozenset()
    running: Mapping[int, int] = field(default_factory=dict)  # actual start (running/failed)
    # The revisions in force (`runbook eta`, `estimate`, `pull`): a task's three-point duration
    # instead of the runbook's (a running task's eta as a fixed one), and the not_before a
    # pulled task has now (None: none).
    revised: Mapping[int, tuple[int, int, int]] = field(default_factory=dict)
    not_before: Mapping[int, int | None] = field(default_factory=dict)
    # Seconds each task under way has lost to failures by now (a failed one: up to now): its
    # work is that much later than its start, and has gone on for now - start - lost.
    lost: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Simulation:
    """The distribution of the finish over ``runs`` simulated weekends (epoch seconds)."""

    runs: int
    seed: int
    p_on_time: float | None  # P(finish <= deadline); None without a deadline
    p50: int
    p80: int
    p95: int
    mean: int
    earliest: int  # the earliest simulated finish
    latest: int  # the latest simulated finish
    criticality: list[float]  # per task index (file order): share of runs on the critical path
    histogram: list[tuple[int, int, int]]  # (bin start, bin end, runs) over the finish times
    deterministic_finish: int  # plan.finish (during the weekend: the forecast), for comparison


class Samples(NamedTuple):
    """The raw outcome of the runs: each run's finish and each task's critical-path count."""

    finish: Floats  # per run, seconds after plan.start
    critical_runs: NDArray[np.int64]  # per task index, runs in which it was on the path


class _Group(NamedTuple):
    """Tasks of one topological level with their predecessors padded to one width (the
    last repeated: the first maximum, the lowest index, still wins a tie)."""

    tasks: Ints
    preds: Ints  # len(tasks) x width
    base: Floats  # len(tasks) x 1: earliest start of each (0: the runbook's start)
    held: bool  # some task of the group has a base after the start


class _Model(NamedTuple):
    """The plan as arrays: what the forward pass of every chunk needs."""

    base: Floats  # earliest start of each task (runbook start or not_before), seconds
    duration: Floats  # planned duration of each task, seconds
    estimated: Ints  # indices of the tasks whose duration is drawn
    fixed: Ints  # the others: every run takes the planned (or actual) duration
    low: Floats  # optimistic duration of each estimated task
    span: Floats  # pessimistic minus optimistic
    alpha: Floats  # Beta shape parameters of each estimated task with span > 0
    beta: Floats
    preds: list[Ints]  # predecessor indices of each task, ascending (file order wins ties)
    kind: NDArray[np.int8]  # per task: _ROOT (no predecessors), _NARROW or _WIDE
    has_wide: bool  # some task has more than PADDED_PREDS predecessors
    narrow: Ints  # tasks x PADDED_PREDS at most: the predecessors, padded (rows of _NARROW)
    roots: Ints  # tasks without predecessors whose start is held back (by not_before or now)
    levels: list[_Group]  # the tasks with predecessors, level by level in dependency order
    shapes: list[tuple[Floats | None, Ints]]  # quantile table (None: draw betas), positions
    may_be_instant: list[int]  # tasks with predecessors whose duration can be zero, descending
    running: Ints  # tasks running at the checkpoint (their duration is at least ``elapsed``)
    elapsed: Floats  # seconds each running task has worked by the checkpoint
    conditioned: Ints  # the running tasks among ``estimated``, by position in ``estimated``
    finished: Ints  # done and skipped tasks: never on the remaining critical path


def simulate(
    plan: Plan,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    progress: Progress | None = None,
    estimates: Mapping[str, Estimate] | None = None,
) -> Simulation:
    """Simulate the weekend ``runs`` times (seeded) and summarise the finish and criticality;
    from a checkpoint's ``progress`` on when given, with ``estimates`` replacing the
    runbook's three-point estimates of those tasks."""
    import numpy as np

    samples = sample(plan, runs=runs, seed=seed, progress=progress, estimates=estimates)
    finish = samples.finish
    start = plan.start
    quantiles = np.percentile(finish, PERCENTILES)
    p50, p80, p95 = (start + _round(q) for q in quantiles)
    on_time = None
    if plan.deadline is not None:
        on_time = float(np.count_nonzero(finish <= plan.deadline - start)) / runs
    return Simulation(
        runs=runs,
        seed=seed,
        p_on_time=on_time,
        p50=p50,
        p80=p80,
        p95=p95,
        mean=start + _round(float(finish.mean())),
        earliest=start + _round(float(finish.min())),
        latest=start + _round(float(finish.max())),
        criticality=(samples.critical_runs / runs).tolist(),
        histogram=histogram(finish, start),
        deterministic_finish=plan.finish if progress is None else progress.forecast,
    )


def sample(
    plan: Plan,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    progress: Progress | None = None,
    estimates: Mapping[str, Estimate] | None = None,
) -> Samples:
    """Run the simulation and return every run's finish and each task's critical count.

    The runs are drawn chunk by chunk from one ``numpy.random.default_rng(seed)`` stream, so
    the same plan, runs and seed give the same samples.
    """
    import numpy as np

    if runs < 1:
        raise InputError(f"the number of runs must be at least 1, not {runs}")
    if seed < 0:
        raise InputError(f"the seed must be zero or more, not {seed}")
    model = _model(plan, progress, estimates or {})
    rng = np.random.default_rng(seed)
    tasks = len(plan.tasks)
    finish = np.empty(runs, dtype=np.float64)
    counts = np.zeros(tasks, dtype=np.int64)
    chunk = chunk_runs(tasks)
    for first in range(0, runs, chunk):
        n = min(chunk, runs - first)
        ends = _forward(model, _durations(model, rng, n))
        finish[first : first + n] = ends.max(axis=0)
        counts += _critical_counts(model, ends)
    counts[model.finished] = 0
    return Samples(finish, counts)


def chunk_runs(tasks: int) -> int:
    """How many runs to simulate at once so a chunk's arrays stay near ``CHUNK_CELLS``."""
    return max(MIN_CHUNK_RUNS, CHUNK_CELLS // max(1, tasks))


def histogram(finish: Floats, start: int) -> list[tuple[int, int, int]]:
    """About 30 bins of whole seconds over the finish times: ``(start, end, runs)`` each.

    Bins are half-open ``[start, end)`` except the last, which includes its end.
    """
    import numpy as np

    low = int(np.floor(finish.min()))
    high = int(np.ceil(finish.max()))
    width = max(1, -(-(high - low) // HISTOGRAM_BINS))
    bins = max(1, -(-(high - low) // width))
    edges = low + width * np.arange(bins + 1, dtype=np.int64)
    counts, _ = np.histogram(finish, bins=edges)
    return [(start + int(edges[i]), start + int(edges[i + 1]), int(counts[i])) for i in range(bins)]


# --- The plan as arrays -----------------------------------------------------------------


def _model(plan: Plan, progress: Progress | None, estimates: Mapping[str, Estimate]) -> _Model:
    """Base starts, durations, PERT parameters and predecessors of every task, as arrays."""
    import numpy as np

    start = plan.start
    tasks = plan.tasks
    now = 0 if progress is None else max(0, progress.now - start)
    done = progress.done if progress is not None else {}
    skipped = progress.skipped if progress is not None else frozenset()
    running = progress.running if progress is not None else {}
    lost = progress.lost if progress is not None else {}
    held = progress.not_before if progress is not None else {}
    revised = progress.revised if progress is not None else {}
    not_before = [held.get(i, t.not_before) for i, t in enumerate(tasks)]
    base = np.array(
        [max(now, 0 if nb is None else nb - start) for nb in not_before], dtype=np.float64
    )
    points = [
        revised.get(i) or estimates.get(t.id) or (t.optimistic, t.duration, t.pessimistic)
        for i, t in enumerate(tasks)
    ]
    duration = np.array([m for _, m, _ in points], dtype=np.float64)
    preds = [np.array(sorted(set(t.preds)), dtype=np.int32) for t in tasks]
    no_preds = np.array([], dtype=np.int32)
    for i, (began, ended) in done.items():  # history: its actual times, whatever came before
        base[i], duration[i], preds[i] = began - start, ended - began, no_preds
    for i in skipped:  # takes no time: ends when its last predecessor does
        base[i], duration[i] = 0, 0
    # Began already, and lost time to failures since: drawn (or planned) from the moment its
    # work would have begun to have worked as long as it has by now.
    for i, began in running.items():
        base[i], preds[i] = began + lost.get(i, 0) - start, no_preds
    drawn = [
        i
        for i, (o, _, p) in enumerate(points)
        if o is not None and p is not None and p > o and i not in done and i not in skipped
    ]
    low = np.array([points[i][0] or 0 for i in drawn], dtype=np.float64)
    high = np.array([points[i][2] or 0 for i in drawn], dtype=np.float64)
    likely = duration[drawn]
    instant = [
        i
        for i in range(len(tasks))
        if len(preds[i]) and (duration[i] == 0 or (i not in done and points[i][0] == 0))
    ]
    on = sorted(running)
    narrow = _padded(preds)
    alpha = 1 + PERT_LAMBDA * (likely - low) / (high - low)
    beta = 1 + PERT_LAMBDA * (high - likely) / (high - low)
    return _Model(
        base=base,
        duration=duration,
        estimated=np.array(drawn, dtype=np.int32),
        fixed=np.setdiff1d(np.arange(len(tasks)), drawn).astype(np.int32),
        low=low,
        span=high - low,
        alpha=alpha,
        beta=beta,
        preds=preds,
        roots=np.array([i for i, p in enumerate(preds) if not len(p) and base[i]], dtype=np.int32),
        kind=np.array(
            [_ROOT if not len(p) else _NARROW if len(p) <= PADDED_PREDS else _WIDE for p in preds],
            dtype=np.int8,
        ),
        has_wide=any(len(p) > PADDED_PREDS for p in preds),
        narrow=narrow,
        levels=_levels(plan.order, preds, narrow, base),
        shapes=_shapes(alpha, beta),
        may_be_instant=sorted(instant, reverse=True),
        running=np.array(on, dtype=np.int32),
        elapsed=np.array([max(0.0, now - base[i]) for i in on], dtype=np.float64),
        conditioned=np.array([k for k, i in enumerate(drawn) if i in running], dtype=np.int32),
        finished=np.array(sorted({*done, *skipped}), dtype=np.int32),
    )


_ROOT, _NARROW, _WIDE = 0, 1, 2


def _padded(preds: list[Ints]) -> Ints:
    """Every task's predecessors as a row, padded by repeating the last (a task without
    predecessors, or with more than ``PADDED_PREDS``, names the sentinel row after the last
    task, which ``_durations`` sets to -inf)."""
    import numpy as np

    width = max((len(p) for p in preds if len(p) <= PADDED_PREDS), default=1) or 1
    table = np.full((len(preds), width), len(preds), dtype=np.int32)  # the sentinel row
    for i, p in enumerate(preds):
        if 0 < len(p) <= PADDED_PREDS:
            table[i, : len(p)] = p
            table[i, len(p) :] = p[-1]
    return table


def _levels(order: list[int], preds: list[Ints], narrow: Ints, base: Floats) -> list[_Group]:
    """The tasks with predecessors grouped by topological level (longest chain from a task
    without predecessors), each level split so no group pads beyond ``PADDED_PREDS``."""
    import numpy as np

    depth = [0] * len(preds)
    by_level: dict[int, list[int]] = {}
    for v in order:
        if len(preds[v]):
            depth[v] = 1 + max(depth[p] for p in preds[v].tolist())
            by_level.setdefault(depth[v], []).append(v)
    groups = []
    for level in sorted(by_level):
        members = by_level[level]
        few = [v for v in members if len(preds[v]) <= PADDED_PREDS]
        many = [[v] for v in members if len(preds[v]) > PADDED_PREDS]
        for tasks in ([few] if few else []) + many:
            rows = narrow[tasks] if len(preds[tasks[0]]) <= PADDED_PREDS else preds[tasks[0]][None]
            padded = rows[:, : max(len(preds[v]) for v in tasks)]  # as wide as the group needs
            starts = base[tasks][:, None]
            groups.append(
                _Group(np.array(tasks, dtype=np.int32), padded, starts, bool(starts.any()))
            )
    return groups


def _shapes(alpha: Floats, beta: Floats) -> list[tuple[Floats | None, Ints]]:
    """The estimated tasks grouped by Beta shape: the most common shapes with a quantile
    table each, the rest (positions in ``estimated``) drawn directly (table None)."""
    import numpy as np

    by_shape: dict[tuple[float, float], list[int]] = {}
    for k, shape in enumerate(zip(alpha.tolist(), beta.tolist(), strict=True)):
        by_shape.setdefault(shape, []).append(k)
    ranked = sorted(by_shape.items(), key=lambda item: -len(item[1]))
    out: list[tuple[Floats | None, Ints]] = [
        (_quantile_table(a, b), np.array(rows, dtype=np.int32))
        for (a, b), rows in ranked[:MAX_TABLES]
    ]
    rest = sorted(k for _, rows in ranked[MAX_TABLES:] for k in rows)
    if rest:
        out.append((None, np.array(rest, dtype=np.int32)))
    return out


def _quantile_table(a: float, b: float) -> Floats:
    """Beta(a, b)'s quantiles at the midpoints of ``QUANTILES`` equal slices of probability,
    from its distribution function integrated numerically on a grid four times finer."""
    import numpy as np

    x = np.linspace(0.0, 1.0, 4 * QUANTILES + 1)
    density = x ** (a - 1) * (1 - x) ** (b - 1)  # a, b >= 1: bounded, 0**0 is 1
    cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2)])
    cdf /= cdf[-1]
    return np.interp((np.arange(QUANTILES) + 0.5) / QUANTILES, cdf, x)


# --- One chunk of runs ------------------------------------------------------------------


def _durations(model: _Model, rng: np.random.Generator, runs: int) -> Floats:
    """A ``tasks x runs`` array of durations: PERT draws for estimated tasks, else planned."""
    import numpy as np

    # One row per task, and a sentinel row after them that finishes at -inf (``_drivers``).
    durations = np.empty((len(model.duration) + 1, runs))
    durations[-1] = -np.inf
    durations[model.fixed] = model.duration[model.fixed, None]
    block = max(1, DRAW_CELLS // runs)  # tasks drawn at once: bounded temporaries
    for table, shaped in model.shapes:
        for first in range(0, len(shaped), block):
            rows = shaped[first : first + block]
            if table is not None:
                draws = table.take(rng.integers(0, QUANTILES, (len(rows), runs), dtype=np.uint16))
            else:
                draws = rng.beta(model.alpha[rows, None], model.beta[rows, None], (len(rows), runs))
            draws *= model.span[rows, None]  # in place: no second temporary
            draws += model.low[rows, None]
            durations[model.estimated[rows]] = draws
    if len(model.running):
        for k in model.conditioned:
            durations[model.estimated[k]] = _beyond(model, int(k), rng, runs)
        # It has run this long already: at the least it finishes now.
        durations[model.running] = np.maximum(durations[model.running], model.elapsed[:, None])
    return durations


def _beyond(model: _Model, k: int, rng: np.random.Generator, runs: int) -> Floats:
    """Durations of the ``k``-th estimated task, a running one, drawn from its Beta-PERT
    conditional on exceeding the time it has run (inverse transform over a numerical
    distribution function); the elapsed time itself once that is past the pessimistic."""
    import numpy as np

    task = int(model.estimated[k])
    elapsed = float(model.elapsed[np.searchsorted(model.running, task)])
    low, span = float(model.low[k]), float(model.span[k])
    a, b = float(model.alpha[k]), float(model.beta[k])
    x = np.linspace(0.0, 1.0, CDF_POINTS)
    density = x ** (a - 1) * (1 - x) ** (b - 1)  # a, b >= 1: bounded, 0**0 is 1
    cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2)])
    cdf /= cdf[-1]
    reached = float(np.interp((elapsed - low) / span, x, cdf))
    if reached >= 1.0:
        return np.full(runs, elapsed)
    u = reached + (1.0 - reached) * rng.random(runs)
    return np.maximum(low + span * np.interp(u, cdf, x), elapsed)


def _forward(model: _Model, durations: Floats) -> Floats:
    """The forward pass of every run at once: each task's finish.

    ``durations`` becomes the finish times (it is updated in place). A level's tasks depend
    only on earlier levels, so each level is a few numpy operations over all its tasks.
    """
    import numpy as np

    ends = durations
    ends[model.roots] += model.base[model.roots, None]
    for group in model.levels:
        begin = ends[group.preds].max(axis=1)
        if group.held:  # a not_before after the start holds tasks back in some runs
            np.maximum(begin, group.base, out=begin)
        ends[group.tasks] += begin
    return ends


def _critical_counts(model: _Model, ends: Floats) -> NDArray[np.int64]:
    """How many runs of this chunk have each task on their critical path."""
    import numpy as np

    tasks, runs = len(model.duration), ends.shape[1]
    columns = np.arange(runs, dtype=np.int32)
    # The first task (in file order) with the latest finish; argmax down the columns of a
    # large array is slow in numpy, so only over the rows that are the latest in some run.
    latest = ends == ends.max(axis=0)
    rows = np.flatnonzero(latest.any(axis=1))
    last = _extend_through_instant_tasks(model, ends, rows[latest[rows].argmax(axis=0)])
    # Walk every run's chain backwards at once, dropping runs whose chain has begun.
    visited = []
    while len(last):
        visited.append(last)
        last = _drivers(model, ends, last, columns)
        going = last >= 0
        last, columns = last[going], columns[going]
    return np.bincount(np.concatenate(visited), minlength=tasks).astype(np.int64)


def _drivers(model: _Model, ends: Floats, tasks: Ints, columns: Ints) -> Ints:
    """The driving predecessor of each ``tasks[r]`` in run ``columns[r]``: the first (in
    file order) of those that finish latest; -1 where the runbook's start or the task's
    ``not_before`` sets its start (a predecessor finishing at the not_before still drives)."""
    import numpy as np

    # Rows of tasks without predecessors (and of wide ones) name the sentinel row of ``ends``,
    # which finishes at -inf: before any start, so they come out as -1.
    preds = model.narrow[tasks]  # padded with the last: the first maximum still wins
    finishes = ends[preds, columns[:, None]]
    pick = finishes.argmax(axis=1)
    rows = np.arange(len(tasks))
    out: Ints = preds[rows, pick]
    out[finishes[rows, pick] < model.base[tasks]] = -1
    if not model.has_wide:
        return out
    kind = model.kind[tasks]
    wide = kind == _WIDE
    for task in np.unique(tasks[wide]).tolist() if wide.any() else ():  # one by one
        at = np.flatnonzero(tasks == task)
        preds = model.preds[task]
        finishes = ends[preds][:, columns[at]]
        pick = finishes.argmax(axis=0)
        found = preds[pick]
        found[finishes[pick, np.arange(len(at))] < model.base[task]] = -1
        out[at] = found
    return out


def _extend_through_instant_tasks(model: _Model, ends: Floats, last: Ints) -> Ints:
    """Move each run's path end on to a zero-duration successor that ends at the same time.

    As the CPM path does: from the last-finishing task, on to the first (in file order)
    successor that takes no time in this run, such as a closing milestone, and so on.
    """
    import numpy as np

    if not model.may_be_instant:
        return last
    runs = ends.shape[1]
    columns = np.arange(runs)
    # next_[task] holds, per run, the first instant successor of the task, or -1.
    next_: dict[int, Ints] = {}
    for s in model.may_be_instant:  # descending, so the lowest index is written last
        for p in model.preds[s]:
            row = next_.setdefault(int(p), np.full(runs, -1, dtype=np.int32))
            row[ends[s] == ends[p]] = s
    rows = np.stack([next_[p] for p in sorted(next_)] + [np.full(runs, -1, dtype=np.int32)])
    row_of = np.full(ends.shape[0], len(next_), dtype=np.int64)
    row_of[sorted(next_)] = np.arange(len(next_))
    while True:
        following = rows[row_of[last], columns]
        moving = following >= 0
        if not moving.any():
            return last
        last = np.where(moving, following, last)


def _round(seconds: float) -> int:
    """Seconds to the nearest whole second (halves up)."""
    return math.floor(seconds + 0.5)
