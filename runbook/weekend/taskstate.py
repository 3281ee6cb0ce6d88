"""What the log says about a task, how mission control sees it, and a snapshot's tasks, each
built when first read.

The forecast computes its figures for every task as plain lists, one value per task index
(``Figures``); a ``TaskState`` object is built only for a task a view asks for. A briefing of
10,000 tasks lists a few dozen: building the other states would be most of its time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, overload

from runbook.weekend.events import FINISHED, UNDER_WAY, Event, Status

if TYPE_CHECKING:
    from runbook.planning.plan import Plan


@dataclass(slots=True)
class TaskRecord:
    """What the event log says about one task (before the forecast)."""

    state: Status | None = None  # running/failed/done/skipped, or None when never started
    actual_start: int | None = None
    actual_finish: int | None = None
    reason: str | None = None  # why it failed or was skipped
    history: list[Event] = field(default_factory=list)  # state changes still in force
    notes: list[Event] = field(default_factory=list)
    forced: bool = False
    last_actor: str | None = None
    decisions: list[Event] = field(default_factory=list)  # go/no-go, newest last
    rollbacks: list[Event] = field(default_factory=list)  # a gate's rollbacks in force
    lost: int = 0  # seconds it stood failed, each failure until it was resumed (or ended)
    resumed: int = 0  # how many times it was started again after failing
    failed_at: int | None = None  # when it last failed (its work stopped then)
    stopped: int | None = None  # when its work stopped for good: skipped or dropped under way
    eta: int | None = None  # the revised expected finish of this run (`runbook eta`)
    eta_lost: int = 0  # the time lost to failures when that eta was given
    estimate: int | None = None  # the revised duration, seconds (`runbook estimate`)
    pulled: bool = False  # its not_before lifted (`runbook pull`) ...
    pull_to: int | None = None  # ... to this time (None: as soon as its predecessors allow)
    dropped: bool = False  # skipped as optional work dropped for time (`runbook drop`)

    # -- the revision rule, once: every reader of a task's duration or not_before asks here --

    def duration_in_force(self, planned: int) -> int:
        """The duration the task is forecast and measured with: the revised estimate
        (``runbook estimate``, which a task started since keeps) if there is one, else
        ``planned``, the runbook's."""
        return planned if self.estimate is None else self.estimate

    def not_before_in_force(self, planned: int | None) -> int | None:
        """The earliest the task may start, besides its predecessors: the time it was pulled
        to if it was pulled (``runbook pull``; None: pulled to as soon as its predecessors
        allow), else ``planned``, the runbook's ``not_before`` (None: none)."""
        return self.pull_to if self.pulled else planned

    def lost_by(self, now: int) -> int:
        """Seconds lost to failures by ``now``: the time between each failure and the start
        that resumed the task, and, while it stands failed, the time since it failed."""
        if self.state == Status.FAILED and self.failed_at is not None:
            return self.lost + max(0, now - self.failed_at)
        return self.lost

    def worked_by(self, now: int) -> int:
        """Seconds the task has worked by ``now``: from its first start to the moment its
        work stopped (now while it runs; its failure while it stands failed; its finish, or
        the skip or drop that stopped it), less the time lost to failures. So worked + lost
        is the time since its first start, and a task never started has worked 0."""
        start = self.actual_start
        if start is None:
            return 0
        state = self.state
        if state == Status.RUNNING:
            end = now
        elif state == Status.FAILED:
            end = self.failed_at if self.failed_at is not None else now
        elif state == Status.DONE:
            end = self.actual_finish if self.actual_finish is not None else start
        else:  # skipped: it worked until the skip stopped it, if it ran at all
            end = self.stopped if self.stopped is not None else start
        return max(0, end - start - self.lost)

    def remaining(self, duration: int, now: int) -> int:
        """Seconds of work still to do at ``now`` on a task under way that takes
        ``duration`` in all: what it has not worked yet (0 once it has worked longer)."""
        return max(0, duration - self.worked_by(now))


# A task nothing was recorded about: no revision, nothing lost. Read it, never fold into it.
UNRECORDED = TaskRecord()


@dataclass(slots=True)
class TaskState:
    """A task as mission control sees it now."""

    index: int
    id: str
    status: Status
    planned_start: int | None  # from the baseline
    planned_finish: int | None
    actual_start: int | None
    actual_finish: int | None
    forecast_start: int
    forecast_finish: int
    late: bool
    critical: bool
    float: int  # seconds the forecast finish can slip without moving the weekend's end
    reason: str | None = None
    forced: bool = False
    blocked_by: list[str] = field(default_factory=list)
    notes: int = 0
    lost: int = 0  # seconds lost to failures (while it stands failed: up to now)
    resumed: bool = False  # started again after failing
    eta: int | None = None  # a revised expected finish in force (a running task)
    revised_duration: int | None = None  # a revised duration in force (`estimate`)
    pulled: bool = False  # its not_before lifted by the coordinator (`pull`)
    pulled_to: int | None = None  # the time it was pulled to (None: no time given)
    dropped: bool = False  # skipped as optional work dropped for time: aftercare
    worked: int = 0  # seconds it has worked (worked + lost: the time since its first start)

    @property
    def shown_status(self) -> str:
        """The status as people read it: ``dropped`` for work skipped as dropped."""
        return "dropped" if self.dropped else str(self.status)

    @property
    def start_variance(self) -> int | None:
        """Seconds the (actual or forecast) start lies after the baseline start."""
        return None if self.planned_start is None else self.forecast_start - self.planned_start

    @property
    def finish_variance(self) -> int | None:
        """Seconds the (actual or forecast) finish lies after the baseline finish: the
        headline variance, which counts a late start and an overrun alike."""
        return None if self.planned_finish is None else self.forecast_finish - self.planned_finish

    @property
    def duration_variance(self) -> int | None:
        """Seconds the (actual or forecast) duration exceeds the baseline duration."""
        if self.planned_start is None or self.planned_finish is None:
            return None
        planned = self.planned_finish - self.planned_start
        return (self.forecast_finish - self.forecast_start) - planned


@dataclass(frozen=True, slots=True)
class Figures:
    """The forecast's figures of every task, one list per figure, by task index: what a
    view filters and sorts on without building a ``TaskState`` per task."""

    status: list[Status]
    start: list[int]  # the forecast (or actual) start
    finish: list[int]  # the forecast (or actual) finish
    slack: list[int]  # seconds the finish can slip without moving the weekend's end
    planned_start: list[int | None]  # from the baseline; None for a task not in it
    late: list[bool]  # not started, and its planned start has passed
    critical: list[bool]  # unfinished, and no slack


class TaskStates(Sequence[TaskState]):
    """The task states of a snapshot, in task order, each built when first read (by index
    or by iterating: then all at once); the same object every time it is read."""

    def __init__(
        self,
        plan: Plan,
        baseline: Plan,
        records: dict[str, TaskRecord],
        figures: Figures,
        now: int,
    ) -> None:
        self._plan = plan
        self._now = now
        self._baseline = baseline
        self._records = records
        self._figures = figures
        self._built: list[TaskState | None] = [None] * len(figures.status)
        self._missing = len(self._built)  # how many are not built yet

    def __len__(self) -> int:
        return len(self._built)

    @overload
    def __getitem__(self, i: int) -> TaskState: ...
    @overload
    def __getitem__(self, i: slice) -> list[TaskState]: ...
    def __getitem__(self, i: int | slice) -> TaskState | list[TaskState]:
        state = self._built[i]  # an IndexError here, as a list's
        if state.__class__ is TaskState:  # built already: the views' loops read them often
            return state
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._built)))]
        if i < 0:
            i += len(self._built)
        state = self._built[i] = self._build([i])[0]
        self._missing -= 1
        return state

    def __iter__(self) -> Iterator[TaskState]:
        built = self._built
        if self._missing:  # all the missing ones in one pass
            missing = [i for i, s in enumerate(built) if s is None]
            for i, state in zip(missing, self._build(missing), strict=True):
                built[i] = state
            self._missing = 0
        return iter(built)  # type: ignore[arg-type]  # every one built now

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # like a list

    def _build(self, indices: Sequence[int]) -> list[TaskState]:
        """The states of the tasks at ``indices``."""
        plan, baseline, records, f = self._plan, self._baseline, self._records, self._figures
        now = self._now
        ids, preds_of = plan.column("id"), plan.column("preds")
        statuses, planned_starts = f.status, f.planned_start
        base_index, base_ef = baseline.index, baseline.column("ef")
        same = baseline is plan
        empty = UNRECORDED
        out = []
        for i in indices:
            tid = ids[i]
            record = records.get(tid, empty)
            status = statuses[i]
            b = i if same else base_index.get(tid)
            # Positional, in the fields' order: iterating builds one per task.
            out.append(
                TaskState(
                    i,
                    tid,
                    status,
                    planned_starts[i],
                    base_ef[b] if b is not None else None,
                    record.actual_start,
                    record.actual_finish,
                    f.start[i],
                    f.finish[i],
                    f.late[i],
                    f.critical[i],
                    f.slack[i],
                    record.reason,
                    record.forced,
                    [ids[p] for p in preds_of[i] if statuses[p] not in FINISHED]
                    if status == Status.PENDING
                    else [],
                    len(record.notes),
                    record.lost_by(now),
                    record.resumed > 0,
                    record.eta if status in UNDER_WAY else None,
                    record.estimate,
                    record.pulled,
                    record.pull_to if record.pulled else None,
                    record.dropped and status == Status.SKIPPED,
                    record.worked_by(now),
                )
            )
        return out
