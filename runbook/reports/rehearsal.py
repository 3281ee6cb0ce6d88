"""Evidence from a dress rehearsal: planned against actual durations, and suggested estimates."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from runbook.common.errors import InputError, StateError
from runbook.planning.plan import Plan
from runbook.store import open_store
from runbook.weekend.forecast import DONE, FINISHED, fold

ROUND = 5 * 60  # suggestions are rounded up to five minutes


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
    learned: list[Learned] | None = None  # the estimates the simulation used (--learn)

    @property
    def overruns(self) -> list[Evidence]:
        """The tasks that overran, most first."""
        return sorted((e for e in self.tasks if e.overrun > 0), key=lambda e: -e.overrun)


@dataclass(frozen=True, slots=True)
class Learned:
    """A rehearsed task whose suggested estimate the simulation uses instead of the
    runbook's, and why."""

    evidence: Evidence
    reason: str  # "no estimate" | "over the pessimistic"

    @property
    def estimate(self) -> tuple[int, int, int]:
        """Optimistic, most likely and pessimistic seconds."""
        e = self.evidence
        return e.optimistic, e.suggested, e.pessimistic


NO_ESTIMATE, OVER_PESSIMISTIC = "no estimate", "over the pessimistic"


def learn(plan: Plan, rehearsal: Rehearsal) -> list[Learned]:
    """The rehearsal's suggested estimates to simulate with: for each rehearsed task that has
    no three-point estimate in the runbook, or whose rehearsal took longer than its
    pessimistic figure. Also kept on ``rehearsal.learned``."""
    learned = []
    for e in rehearsal.tasks:
        task = plan.tasks[plan.index[e.id]]
        if task.optimistic is None or task.pessimistic is None:
            learned.append(Learned(e, NO_ESTIMATE))
        elif e.actual > task.pessimistic:
            learned.append(Learned(e, OVER_PESSIMISTIC))
    rehearsal.learned = learned
    return learned


def _up(seconds: float) -> int:
    return int(math.ceil(seconds / ROUND) * ROUND)


def suggest(
    planned: int, actual: int, optimistic: int | None, pessimistic: int | None
) -> tuple[int, int, int]:
    """Next time's estimate from one rehearsal: most likely = the rehearsed duration (rounded up
    to 5 minutes); optimistic = the lower of the old optimistic (or plan) and the rehearsal;
    pessimistic = the higher of the old pessimistic (or plan) and 1.5 x the rehearsal."""
    likely = max(_up(actual), ROUND) if actual > 0 else 0
    low = min(optimistic if optimistic is not None else planned, likely)
    high = max(pessimistic if pessimistic is not None else planned, _up(actual * 1.5), likely)
    return likely, low, high


def rehearsal_evidence(plan: Plan, path: str | os.PathLike[str]) -> Rehearsal:
    """Read a rehearsal's state file (it must belong to the same runbook)."""
    if not Path(path).exists():
        raise InputError(f"{path}: no such rehearsal state file")
    store = open_store(path, read_only=True)
    if store is None:
        raise InputError(f"{path}: the rehearsal state file holds no check-ins")
    try:
        owner = store.owner()
        if owner is not None and owner != plan.name:
            raise StateError(
                f"{Path(path)}: this rehearsal belongs to the runbook '{owner}', not to "
                f"'{plan.name}'; nothing was written to it",
                hint="give the right file with --state PATH, or a new path for a new weekend",
            )
        records, _ = fold(store.events())
    finally:
        store.close()
    evidence = Rehearsal(source=str(path))
    for task in plan.tasks:
        record = records.get(task.id)
        if record is None or record.state != DONE or task.milestone:
            if not task.milestone and (record is None or record.state not in FINISHED):
                evidence.not_done.append(task.id)
            continue
        # The work it took: time it stood failed says nothing about how long it takes.
        actual = record.worked_by(record.actual_finish or 0)
        likely, low, high = suggest(task.duration, actual, task.optimistic, task.pessimistic)
        evidence.tasks.append(
            Evidence(task.id, task.title, task.duration, actual, likely, low, high)
        )
    return evidence
