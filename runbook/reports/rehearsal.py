"""Evidence from a dress rehearsal: planned against actual durations, and what to plan next
time, learned from this one rehearsal by the rule `runbook learn` applies to many
(``runbook.planning.learning``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from runbook.common.errors import InputError
from runbook.planning.learning import Estimates, Learning
from runbook.planning.plan import Plan
from runbook.reports.history import read_history


@dataclass(frozen=True, slots=True)
class Evidence:
    """One rehearsed task: its planned and actual duration, and what to plan next time."""

    id: str
    title: str
    planned: int
    actual: int
    suggested: int  # most likely
    optimistic: int
    pessimistic: int

    @property
    def overrun(self) -> int:
        """Seconds over plan (negative: faster)."""
        return self.actual - self.planned

    @property
    def ratio(self) -> float:
        """Actual over planned (1.0 when the plan had no duration)."""
        return self.actual / self.planned if self.planned else 1.0


@dataclass
class Rehearsal:
    """What a dress rehearsal's state file shows."""

    source: str
    tasks: list[Evidence] = field(default_factory=list)
    not_done: list[str] = field(default_factory=list)
    learning: Learning = field(default_factory=Learning)  # what it teaches, as `learn` would

    @property
    def overruns(self) -> list[Evidence]:
        """The tasks that overran, most first."""
        return sorted((e for e in self.tasks if e.overrun > 0), key=lambda e: -e.overrun)

    def estimates(self, plan: Plan) -> Estimates:
        """The estimates this rehearsal teaches, as ``--estimates`` would give them from
        `runbook learn` on it alone (``readiness --rehearsal STATE --learn``)."""
        return self.learning.estimates(plan, self.source)


def rehearsal_evidence(plan: Plan, path: str | os.PathLike[str]) -> Rehearsal:
    """Read a rehearsal's state file (it must belong to the same runbook)."""
    if not Path(path).exists():
        raise InputError(f"{path}: no such rehearsal state file")
    history = read_history(plan, [path], what="rehearsal")
    learning = history.learn(plan)
    (source,) = history.sources
    evidence = Rehearsal(str(path), not_done=list(source.not_finished), learning=learning)
    for x in learning.tasks.values():
        task = plan.tasks[plan.index[x.id]]
        (actual,) = x.observed
        evidence.tasks.append(
            Evidence(x.id, task.title, x.planned, actual, x.duration, x.optimistic, x.pessimistic)
        )
    return evidence
