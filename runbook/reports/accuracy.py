"""How good the estimates were, per team: of the tasks a team finished, the share done within
their estimate, the median and the worst overrun, and, for the tasks with a three-point
estimate, how many stayed within its pessimistic bound.

A task is measured when it was done (not skipped or dropped): its work is the time from its
first start to its finish, less the time it stood failed (counted apart as time lost, as the
review does); its estimate is its duration in the baseline (the most likely one where a
three-point estimate is given). It is within its estimate when its work took no longer; its
overrun is the work beyond the estimate (negative: faster). The median of an even count is the
mean of the middle two, to the second.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from runbook.planning.plan import Plan


@dataclass(frozen=True, slots=True)
class Measured:
    """One task done, as the accuracy figures read it."""

    task: str
    team: str | None
    estimate: int  # seconds: its duration in the baseline
    worked: int  # seconds: first start to finish, less the time it stood failed
    pessimistic: int | None = None  # its three-point estimate's pessimistic bound, if any

    @property
    def overrun(self) -> int:
        """Seconds of work beyond its estimate (negative: faster)."""
        return self.worked - self.estimate


@dataclass(frozen=True, slots=True)
class TeamAccuracy:
    """One team's estimates against what its tasks took."""

    team: str | None
    name: str
    measured: int  # tasks done and measured
    within: int  # of which within their estimate
    median_overrun: int  # seconds (negative: faster)
    worst_overrun: int  # seconds: the largest overrun (negative: every task was faster)
    worst_task: str
    three_point: int = 0  # tasks measured that had a three-point estimate
    within_pessimistic: int = 0  # of which took no longer than its pessimistic bound

    @property
    def share(self) -> float:
        """The share of its tasks done within their estimate, 0 to 1."""
        return self.within / self.measured


def accuracy(done: Iterable[Measured], plan: Plan) -> list[TeamAccuracy]:
    """Every team's accuracy, in the order teams appear in the runbook (no team last); a team
    that finished no task has none."""
    by_team: dict[str | None, list[Measured]] = {}
    for task in done:
        by_team.setdefault(task.team, []).append(task)
    order: dict[str | None, int] = {
        t: i for i, t in enumerate(dict.fromkeys([*plan.teams, *plan.teams_in_use]))
    }
    out = []
    for team in sorted(by_team, key=lambda t: (t is None, order.get(t, len(order)), t or "")):
        tasks = by_team[team]
        worst = max(tasks, key=lambda m: (m.overrun, m.task))
        ranged = [m for m in tasks if m.pessimistic is not None]
        out.append(
            TeamAccuracy(
                team,
                plan.team_name(team) if team is not None else "(no team)",
                len(tasks),
                sum(1 for m in tasks if m.overrun <= 0),
                round(median(m.overrun for m in tasks)),
                worst.overrun,
                worst.task,
                len(ranged),
                sum(1 for m in ranged if m.worked <= (m.pessimistic or 0)),
            )
        )
    return out
