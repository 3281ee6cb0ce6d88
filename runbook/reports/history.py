"""Past weekends and rehearsals read for learning: the work each of this runbook's tasks took
in each of them (SQLite state files, `db export` files, PostgreSQL weekends alike).

A task counts when it was started and finished: its work is the time from its first start
to its finish less the time it stood failed (``TaskRecord.worked_by``). A task skipped or
dropped, still under way, or checked done without ever being started (forced) says nothing
about how long it takes and is left out; so are ids this runbook does not have (a history of
another version of it) and milestones.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from runbook.common.display import count
from runbook.common.errors import InputError, StateError, UsageError
from runbook.format.estimates import dump
from runbook.planning.learning import K, Learning, learn
from runbook.planning.plan import Plan, PlannedTask
from runbook.store import open_store, shown_location, state_location
from runbook.weekend.events import EventKind
from runbook.weekend.forecast import DONE, FINISHED, fold
from runbook.weekend.taskstate import TaskRecord


@dataclass(frozen=True, slots=True)
class Source:
    """One past weekend or rehearsal, and what it showed of this runbook."""

    location: str  # as a message shows it (a URI without its password)
    observed: int  # tasks of this runbook it saw started and finished
    elsewhere: tuple[str, ...]  # tasks it finished that this runbook does not have
    left_out: int  # tasks of this runbook it finished with no run to learn from (skipped, forced)
    not_finished: tuple[str, ...]  # tasks of this runbook neither done nor skipped in it


@dataclass
class History:
    """What a set of past weekends and rehearsals observed, per task id of this runbook."""

    sources: list[Source] = field(default_factory=list)
    observed: dict[str, list[int]] = field(default_factory=dict)  # seconds of work, per run

    def learn(self, plan: Plan) -> Learning:
        """The estimates this history teaches about ``plan``."""
        return learn(plan, self.observed)


def worked(record: TaskRecord) -> int | None:
    """The seconds of work a task's record shows it took, or None when it shows no finished
    run: not done, or done without ever being started."""
    if record.state != DONE or record.actual_finish is None:
        return None
    if not any(e.kind == EventKind.START for e in record.history):
        return None  # checked done without a start (forced): no duration was seen
    return record.worked_by(record.actual_finish)


def observe(
    plan: Plan, records: Mapping[str, TaskRecord], where: str
) -> tuple[Source, dict[str, int]]:
    """What one weekend's folded records show of ``plan``: the source's summary, and the
    work each task it saw run took (by id, in plan order)."""
    seen: dict[str, int] = {}
    left_out = 0
    not_finished = []
    for task in plan.tasks:
        if task.milestone:
            continue
        record = records.get(task.id)
        took = None if record is None else worked(record)
        if took is not None:
            seen[task.id] = took
            continue
        left_out += record is not None and record.state in FINISHED  # skipped, forced
        if record is None or record.state not in FINISHED:
            not_finished.append(task.id)
    index = plan.index
    elsewhere = sorted(t for t, r in records.items() if t not in index and worked(r) is not None)
    return Source(where, len(seen), tuple(elsewhere), left_out, tuple(not_finished)), seen


def read_history(
    plan: Plan, locations: Sequence[str | os.PathLike[str]], *, what: str = "past weekend"
) -> History:
    """Read each past weekend or rehearsal (a state file, a `db export` file or a
    PostgreSQL URI) of this runbook; refused: one that is not there, holds nothing, belongs
    to another runbook, or is given twice (``what`` names them in messages)."""
    history = History()
    given: set[object] = set()
    for location in locations:
        where = shown_location(location)
        place = state_location(location)
        key = place if isinstance(place, str) else Path(place).resolve()
        if key in given:
            raise UsageError(f"{where}: given twice; each past weekend counts once")
        given.add(key)
        if isinstance(place, Path) and not place.exists():
            raise InputError(f"{where}: no such {what} state file")
        store = open_store(location, create=False, read_only=True)
        if store is None:
            raise InputError(f"{where}: the {what} holds no check-ins")
        try:
            owner = store.owner()
            if owner is not None and owner != plan.name:
                raise StateError(
                    f"{where}: this {what} belongs to the runbook '{owner}', not to "
                    f"'{plan.name}'; nothing was learned",
                    hint="give the state files (or databases) of this runbook's weekends and "
                    "rehearsals",
                )
            records, _ = fold(store.events())
        finally:
            store.close()
        source, seen = observe(plan, records, where)
        for task, took in seen.items():
            history.observed.setdefault(task, []).append(took)
        history.sources.append(source)
    return history


@dataclass
class Lesson:
    """What `runbook learn` found: the history it read, and the estimates that teaches."""

    plan: Plan
    history: History
    learning: Learning

    @property
    def unobserved(self) -> list[PlannedTask]:
        """The tasks (not milestones) no history saw run."""
        return [t for t in self.plan.tasks if not t.milestone and t.id not in self.learning.tasks]

    @property
    def observations(self) -> int:
        """How many runs of tasks were observed in all."""
        return sum(x.observations for x in self.learning.tasks.values())

    def text(self) -> str:
        """The estimates file (YAML), for ``--estimates``."""
        learned = self.learning
        unobserved = self.unobserved
        scaled = sum(1 for t in unobserved if t.team in learned.teams)
        return dump(
            runbook=self.plan.name,
            learned_from=[s.location for s in self.history.sources],
            tasks=[
                (x.id, x.duration, x.optimistic, x.pessimistic, x.observations)
                for x in learned.tasks.values()
            ],
            teams=[(f.team, f.factor, f.observations, f.tasks) for f in learned.teams.values()],
            comments=[
                f"From {_histories(len(self.history.sources))}: "
                f"{count(len(learned.tasks), 'task')} observed "
                f"({count(self.observations, 'run')}), {len(unobserved)} never observed "
                f"({scaled} of them take their team's factor).",
                f"The runbook's own estimate counts as {K:g} observation: see the docs, "
                "Estimates from history.",
                "Give it to `runbook plan`, `readiness` or `status` with --estimates FILE.",
            ],
        )


def learn_history(plan: Plan, locations: Sequence[str | os.PathLike[str]]) -> Lesson:
    """`runbook learn`: read the past weekends and rehearsals and learn from them."""
    history = read_history(plan, locations)
    return Lesson(plan, history, history.learn(plan))


def _histories(n: int) -> str:
    """``1 past weekend or rehearsal``, ``3 past weekends and rehearsals``."""
    return f"{n} past weekend or rehearsal" if n == 1 else f"{n} past weekends and rehearsals"


def check_estimates_output(out: Path, protected: Sequence[tuple[Path | str | None, str]]) -> None:
    """Refuse ``-o`` for an estimates file over anything `runbook learn` did not write: the
    runbook, a state file or database (``protected``), or any file whose first line is not
    the estimates file's header (a runbook or a report given as -o by mistake)."""
    from runbook.format.estimates import HEADER
    from runbook.reports.outfile import check_output

    check_output(out, protected)
    if not out.exists():
        return
    try:
        with out.open("rb") as handle:
            first = handle.readline(len(HEADER) + 2).decode("utf-8", "replace").rstrip("\r\n")
    except OSError as exc:
        raise InputError(f"{out}: cannot read ({exc.strerror or exc})") from None
    if first != HEADER:
        raise InputError(
            f"{out}: exists and is not an estimates file `runbook learn` wrote; it is never "
            "written over",
            hint="give a new file name with -o, or remove the file first",
        )
