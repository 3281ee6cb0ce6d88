"""Estimates learned from history: each task's observed durations blended with the runbook's
own estimate on the log scale, and per team a factor for the tasks never observed.

The rule (docs/format.md, Estimates from history, says it for planners):

- **Where a task's duration lies.** On the log scale (a 2h task taking 3h is the same miss as
  a 20m one taking 30m), the learned centre is ``w * mean(ln observed) + (1 - w) * ln(the
  runbook's duration)`` with ``w = n / (n + K)``: the runbook's own estimate counts as ``K``
  observations. This is the posterior mean of a normal model with the runbook's estimate as
  the prior (``K`` is the run-to-run variance over the prior's variance). ``K = 1``: one
  observation moves the estimate half-way to it, three three quarters of the way.
- **How wide it is.** The runbook's optimistic and pessimistic figures are read as ``SPREAD``
  log-standard deviations either side of its duration (``DEFAULT_SPREAD`` where it gives
  none). The learned spread pools that with the observed scatter, the runbook's counting as
  ``K`` observations, and with how far the observations lie from the runbook's duration (the
  normal-inverse-gamma posterior's sum of squares): ``s^2 = (K * s0^2 + sum((y - mean y)^2)
  + n*K/(n+K) * (mean y - ln planned)^2) / (K + n)``. One run three times the runbook's
  duration widens the estimate (the runbook was wrong, and by how much is not known yet);
  many runs that agree narrow it. The learned optimistic and pessimistic keep the runbook's
  shape (its skew), widened or narrowed to it.
- **A team's factor.** Over every observation of a team's tasks, ``exp(sum(ln(observed /
  planned)) / (N + K))``: the same shrinkage towards 1, for the team's tasks never observed,
  whose three points are the runbook's times the factor.

Durations under a minute count as a minute on the log scale. Learned figures are whole
minutes (five from an hour up): the most likely to the nearest, the optimistic down, the
pessimistic up. Pure: the observations come in, the estimates go out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from runbook.common.limits import MAX_DURATION
from runbook.planning.plan import Plan, PlannedTask

K = 1.0  # the runbook's own estimate weighs as much as K observations
SPREAD = 2.0  # optimistic and pessimistic lie SPREAD log-standard deviations from the centre
DEFAULT_SPREAD = 0.2  # the log-standard deviation of a task whose runbook gives no estimate
FLOOR = 60  # seconds: shorter durations count as a minute on the log scale
HISTORY, TEAM = "history", "team"  # where a task's learned estimate came from

Estimate = tuple[int, int, int]  # optimistic, most likely, pessimistic (seconds)


class Figures(NamedTuple):
    """A task's learned three points and the observations behind them."""

    optimistic: int
    duration: int
    pessimistic: int
    observations: int


class Factor(NamedTuple):
    """A team's factor and the observations of its tasks behind it."""

    factor: float
    observations: int


@dataclass(frozen=True, slots=True)
class Learned:
    """One task's estimate learned from its observations, beside the runbook's."""

    id: str
    team: str | None
    optimistic: int
    duration: int
    pessimistic: int
    observed: tuple[int, ...]  # the work each observation took, seconds, in the order read
    planned: int  # the runbook's duration
    planned_optimistic: int | None
    planned_pessimistic: int | None

    @property
    def observations(self) -> int:
        """How many observations the estimate stands on."""
        return len(self.observed)

    @property
    def figures(self) -> Figures:
        """The learned three points and the observations."""
        return Figures(self.optimistic, self.duration, self.pessimistic, self.observations)

    @property
    def typical(self) -> int:
        """The observations' geometric mean, seconds: what they say, before any shrinking."""
        return round(math.exp(_mean([_log(d) for d in self.observed])))

    @property
    def observed_change(self) -> float:
        """How far the observations lie from the runbook's duration: their geometric mean
        over it, less 1 (+0.5: half as long again)."""
        return math.exp(_mean([_log(d) for d in self.observed]) - _log(self.planned)) - 1

    @property
    def change(self) -> float:
        """How far the learned duration lies from the runbook's (+0.25: a quarter longer)."""
        return _log_ratio(self.duration, self.planned)


@dataclass(frozen=True, slots=True)
class TeamFactor:
    """What a team's observed tasks took against the runbook, as one factor."""

    team: str
    factor: float
    observations: int  # of all its tasks
    tasks: int  # how many of its tasks were observed


@dataclass
class Learning:
    """Everything learned from a history for one plan: per observed task its estimate, and
    per team with observed tasks its factor."""

    tasks: dict[str, Learned] = field(default_factory=dict)
    teams: dict[str, TeamFactor] = field(default_factory=dict)

    def estimates(self, plan: Plan, source: str) -> Estimates:
        """These estimates as the simulation takes them for ``plan``."""
        return estimates_for(
            plan,
            {i: x.figures for i, x in self.tasks.items()},
            {t: Factor(f.factor, f.observations) for t, f in self.teams.items()},
            source,
        )


def learn(plan: Plan, observed: Mapping[str, Sequence[int]], *, k: float = K) -> Learning:
    """The estimates ``observed`` (seconds of work by task id) teach about ``plan``'s tasks:
    ids not in the plan, milestones and tasks without observations are left out."""
    learning = Learning()
    residuals: dict[str, list[float]] = {}
    observed_tasks: dict[str, int] = {}
    for task in plan.tasks:
        seen = observed.get(task.id)
        if not seen or task.milestone:
            continue
        learning.tasks[task.id] = learn_task(task, seen, k=k)
        if task.team is not None:
            residuals.setdefault(task.team, []).extend(_log(d) - _log(task.duration) for d in seen)
            observed_tasks[task.team] = observed_tasks.get(task.team, 0) + 1
    for team, found in residuals.items():
        factor = math.exp(sum(found) / (len(found) + k))
        learning.teams[team] = TeamFactor(team, round(factor, 2), len(found), observed_tasks[team])
    return learning


def learn_task(task: PlannedTask, observed: Sequence[int], *, k: float = K) -> Learned:
    """One task's estimate from its observed durations (seconds; at least one), shrunk
    towards the runbook's by ``k``."""
    if not observed:
        raise ValueError(f"no observation of {task.id}")
    ys = [_log(d) for d in observed]
    n = len(ys)
    mean = _mean(ys)
    prior = _log(task.duration)
    centre = (n * mean + k * prior) / (n + k)
    low, high = _shape(task)
    s0 = (low + high) / (2 * SPREAD)
    scatter = sum((y - mean) ** 2 for y in ys)
    disagreement = n * k / (n + k) * (mean - prior) ** 2
    spread = math.sqrt((k * s0 * s0 + scatter + disagreement) / (k + n))
    scale = spread / s0
    likely = _nearest(math.exp(centre))
    optimistic = min(likely, _down(math.exp(centre - low * scale)))
    pessimistic = max(likely, _up(math.exp(centre + high * scale)))
    return Learned(
        task.id,
        task.team,
        optimistic,
        likely,
        pessimistic,
        tuple(observed),
        task.duration,
        task.optimistic,
        task.pessimistic,
    )


def _shape(task: PlannedTask) -> tuple[float, float]:
    """How far below and above its duration the runbook's estimate reaches, on the log scale
    (SPREAD x DEFAULT_SPREAD each way where it gives no spread)."""
    default = SPREAD * DEFAULT_SPREAD, SPREAD * DEFAULT_SPREAD
    if task.optimistic is None or task.pessimistic is None:
        return default
    likely = _log(task.duration)
    low, high = likely - _log(task.optimistic), _log(task.pessimistic) - likely
    return (low, high) if low + high > 0 else default  # no spread (or none past a minute)


# --- Applying learned estimates to a plan -------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskEstimate:
    """The estimate the simulation takes for a task instead of the runbook's: learned from
    history, or the runbook's scaled by its team's factor."""

    id: str
    team: str | None
    optimistic: int
    duration: int
    pessimistic: int
    source: str  # HISTORY or TEAM
    observations: int  # of the task (history), or of its team's tasks (team)
    planned: int  # the runbook's duration
    factor: float | None = None  # the team's factor (team)

    @property
    def points(self) -> Estimate:
        """Optimistic, most likely and pessimistic seconds."""
        return self.optimistic, self.duration, self.pessimistic


@dataclass
class Estimates:
    """Learned estimates for one plan, by task id, and where they came from (a file, or the
    rehearsal they were learned from)."""

    source: str
    tasks: dict[str, TaskEstimate] = field(default_factory=dict)

    def points(self) -> dict[str, Estimate]:
        """Three points by task id, as ``runbook.planning.montecarlo`` takes them."""
        return {i: e.points for i, e in self.tasks.items()}

    def of(self, source: str) -> list[TaskEstimate]:
        """The estimates that came from ``source`` (HISTORY or TEAM), in plan order."""
        return [e for e in self.tasks.values() if e.source == source]

    @property
    def from_history(self) -> list[TaskEstimate]:
        """The tasks whose estimate was learned from their own observations."""
        return self.of(HISTORY)

    @property
    def from_team(self) -> list[TaskEstimate]:
        """The tasks never observed, scaled by their team's factor."""
        return self.of(TEAM)


def estimates_for(
    plan: Plan,
    tasks: Mapping[str, Figures],
    teams: Mapping[str, Factor],
    source: str,
) -> Estimates:
    """What learned ``tasks`` (by id) and ``teams``' factors give ``plan``: a task with
    figures of its own takes them; one without, of a team with a factor, the runbook's three
    points times the factor (its duration alone, where it has no estimate), rounded as
    learned figures are. Ids not in the
    plan and milestones are left out."""
    found = Estimates(source)
    for task in plan.tasks:
        if task.milestone:
            continue
        mine = tasks.get(task.id)
        if mine is not None:
            found.tasks[task.id] = TaskEstimate(
                task.id, task.team, *mine[:3], HISTORY, mine.observations, task.duration
            )
            continue
        team = teams.get(task.team) if task.team is not None else None
        if team is None:
            continue
        f = team.factor
        likely = _nearest(task.duration * f)
        low = likely if task.optimistic is None else min(likely, _down(task.optimistic * f))
        high = likely if task.pessimistic is None else max(likely, _up(task.pessimistic * f))
        found.tasks[task.id] = TaskEstimate(
            task.id, task.team, low, likely, high, TEAM, team.observations, task.duration, f
        )
    return found


def learned_finish(plan: Plan, estimates: Estimates) -> int:
    """When the plan would finish with every learned most likely duration (and the runbook's
    for the other tasks): the critical-path forward pass, as one run of the simulation in
    which nothing varies."""
    from runbook.planning.montecarlo import sample

    fixed = {t.id: (t.duration, t.duration, t.duration) for t in plan.tasks}
    fixed |= {i: (e.duration, e.duration, e.duration) for i, e in estimates.tasks.items()}
    return plan.start + round(float(sample(plan, runs=1, estimates=fixed).finish[0]))


# --- Numbers --------------------------------------------------------------------------------


def _log(seconds: float) -> float:
    return math.log(max(seconds, FLOOR))


def _mean(values: Iterable[float]) -> float:
    found = list(values)
    return sum(found) / len(found)


def _log_ratio(value: int, planned: int) -> float:
    return math.exp(_log(value) - _log(planned)) - 1


def _unit(seconds: float) -> int:
    """The step learned figures are rounded to: five minutes from an hour up, else one."""
    return 300 if seconds >= 3600 else 60


def _bounded(seconds: float) -> int:
    return max(0, min(MAX_DURATION, round(seconds)))


def _nearest(seconds: float) -> int:
    unit = _unit(seconds)
    return _bounded(max(FLOOR, round(seconds / unit) * unit))


def _down(seconds: float) -> int:
    unit = _unit(seconds)
    return _bounded(max(FLOOR, math.floor(seconds / unit) * unit))


def _up(seconds: float) -> int:
    unit = _unit(seconds)
    return _bounded(math.ceil(seconds / unit) * unit)
