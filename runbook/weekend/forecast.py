"""The pure fold: plan + baseline + events + now -> every task's state and the forecast.

This is the one place the forecast rule lives, so the CLI, the dashboard and the reports agree:

- a done task keeps its actual start and finish;
- a running (or failed) task finishes at the later of actual start + planned duration and now
  (a task resumed after failing keeps its first start, plus the time lost to the failure);
  given an ``eta`` (a revised expected finish), at the later of that and now instead;
- a skipped task takes no time: it finishes when its last predecessor finishes;
- a task not yet started starts at the latest of now, its predecessors' forecast finish, its
  ``not_before`` and the runbook's start, and takes its planned duration; a ``pull`` replaces
  its ``not_before`` by the pull's time (or removes it), an ``estimate`` its duration (which a
  task started since keeps);
- the forecast finish is the latest task finish; ``ahead`` = baseline finish - forecast finish.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from runbook.planning.plan import Plan

# Re-exported: the faces and the reports import the statuses and their groups from here.
from runbook.weekend.events import FINISHED as FINISHED
from runbook.weekend.events import (
    NOT_STARTED,
    UNDER_WAY,
    UNDOABLE_KINDS,
    Event,
    EventKind,
    Status,
)
from runbook.weekend.events import STATUSES as STATUSES

PENDING = Status.PENDING
READY = Status.READY
RUNNING = Status.RUNNING
FAILED = Status.FAILED
DONE = Status.DONE
SKIPPED = Status.SKIPPED
# The kinds the fold tells apart, as globals: it looks them up for every event, and an enum
# class's attribute costs several times a global's.
_START, _DONE, _FAIL, _SKIP = EventKind.START, EventKind.DONE, EventKind.FAIL, EventKind.SKIP
_UNDO, _NOTE, _DECIDE = EventKind.UNDO, EventKind.NOTE, EventKind.DECIDE
_ETA, _ESTIMATE, _PULL = EventKind.ETA, EventKind.ESTIMATE, EventKind.PULL


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
    lost: int = 0  # seconds between each failure and the start that resumed the task
    resumed: int = 0  # how many times it was started again after failing
    failed_at: int | None = None  # when it last failed
    eta: int | None = None  # the revised expected finish of this run (`runbook eta`)
    estimate: int | None = None  # the revised duration, seconds (`runbook estimate`)
    pulled: bool = False  # its not_before lifted (`runbook pull`) ...
    pull_to: int | None = None  # ... to this time (None: as soon as its predecessors allow)
    dropped: bool = False  # skipped as optional work dropped for time (`runbook drop`)


def apply_event(record: TaskRecord, event: Event) -> None:
    """Fold one event into a task's record."""
    kind = event.kind
    if kind == _UNDO:
        # An undo names the event it revokes; one from before that was recorded revokes the
        # last state change still in force.
        target = event.data.get("undoes") if event.data else None
        for i in range(len(record.history) - 1, -1, -1):
            if target is None or record.history[i].seq == target:
                del record.history[i]
                break
        _replay(record)
    elif kind in UNDOABLE_KINDS:
        record.history.append(event)
        _replay(record)
    elif kind == _NOTE:
        record.notes.append(event)
    elif kind == _DECIDE:
        record.decisions.append(event)
    record.last_actor = event.actor


def restate(record: TaskRecord) -> None:
    """Recompute a task's state from the state changes still in force (its history)."""
    _replay(record)


def _replay(record: TaskRecord) -> None:
    """Recompute a task's state and revisions from the events still in force."""
    record.state = record.actual_start = record.actual_finish = record.reason = None
    record.failed_at = record.eta = record.estimate = record.pull_to = None
    record.forced = record.pulled = record.dropped = False
    record.lost = record.resumed = 0
    for event in record.history:
        kind = event.kind
        if kind == _START:
            if record.state not in UNDER_WAY or record.actual_start is None:
                record.actual_start = event.at
                record.eta = None  # an eta is for one run: a fresh start has none yet
            elif record.state == FAILED and record.failed_at is not None:
                # Resumed: the task keeps its first start; the failure cost the time between.
                record.lost += max(0, event.at - record.failed_at)
                record.resumed += 1
            record.state, record.actual_finish, record.reason = RUNNING, None, None
        elif kind == _DONE:
            if record.actual_start is None:
                record.actual_start = event.at  # forced: never started
            record.state, record.actual_finish = DONE, event.at
        elif kind == _FAIL:
            if record.actual_start is None:
                record.actual_start = event.at
            record.state, record.reason, record.failed_at = FAILED, event.note, event.at
        elif kind == _SKIP:
            record.state, record.reason = SKIPPED, event.note
            record.actual_start = record.actual_finish = None
            record.dropped = bool(event.data and event.data.get("dropped"))
        elif kind == _ETA:
            record.eta = _seconds(event.data, "eta")  # a later eta replaces an earlier one
        elif kind == _ESTIMATE:
            record.estimate = _seconds(event.data, "duration")
        elif kind == _PULL:
            record.pulled, record.pull_to = True, _seconds(event.data, "to")
        record.forced = record.forced or event.forced


def _seconds(data: dict[str, object] | None, key: str) -> int | None:
    """An epoch or a duration a revision carries in its data (None when absent or unreadable:
    a hand-edited or newer log must not break the fold)."""
    value = data.get(key) if data else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_of(events: Sequence[Event], now: int) -> tuple[list[Event], int]:
    """The events that had happened by ``now`` (their ``at`` at or before it), in log order,
    and how many later ones are left out: replaying only these shows the weekend as it was
    then, whatever was recorded afterwards."""
    kept = [e for e in events if e.at <= now]
    return kept, len(events) - len(kept)


def fold(
    events: Iterable[Event],
    records: dict[str, TaskRecord] | None = None,
    runbook_events: list[Event] | None = None,
) -> tuple[dict[str, TaskRecord], list[Event]]:
    """Per-task records from the event log, and the runbook-level events (baselines); given
    records and runbook events already folded (a checkpoint, a live view), the events are
    folded onto them, in place."""
    records = {} if records is None else records
    runbook_events = [] if runbook_events is None else runbook_events
    for event in events:
        if event.task is None:
            runbook_events.append(event)
            continue
        record = records.get(event.task)
        if record is None:
            record = records[event.task] = TaskRecord()
        apply_event(record, event)
    return records, runbook_events


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
    lost: int = 0  # seconds lost to failures before the task was resumed
    resumed: bool = False  # started again after failing
    eta: int | None = None  # a revised expected finish in force (a running task)
    revised_duration: int | None = None  # a revised duration in force (`estimate`)
    pulled: bool = False  # its not_before lifted by the coordinator (`pull`)
    pulled_to: int | None = None  # the time it was pulled to (None: no time given)
    dropped: bool = False  # skipped as optional work dropped for time: aftercare

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


@dataclass(slots=True)
class Snapshot:
    """The whole weekend at one moment: task states, the forecast, and ahead or behind."""

    now: int
    plan: Plan
    baseline: Plan
    tasks: list[TaskState]
    forecast_finish: int
    critical_path: list[int]
    records: dict[str, TaskRecord]
    later_events: int = 0  # recorded for a moment after ``now``: not part of this picture

    @property
    def baseline_finish(self) -> int:
        """When the baseline plan finished."""
        return self.baseline.finish

    @property
    def ahead(self) -> int:
        """Seconds ahead of the baseline (negative: behind)."""
        return self.baseline.finish - self.forecast_finish

    @property
    def spare(self) -> int | None:
        """Seconds from the forecast finish to the deadline (negative: past it); None
        without a deadline."""
        deadline = self.plan.deadline
        return None if deadline is None else deadline - self.forecast_finish

    @property
    def counts(self) -> dict[str, int]:
        """Tasks per status, every status present."""
        found = Counter(t.status for t in self.tasks)
        return {s: found.get(s, 0) for s in STATUSES}

    def by_id(self, task_id: str) -> TaskState:
        """The state of one task."""
        return self.tasks[self.plan.index[task_id]]


def forward(
    plan: Plan, records: dict[str, TaskRecord], now: int
) -> tuple[list[int], list[int], list[Status]]:
    """The forecast rule over the tasks in dependency order: start, finish and status of
    every task at ``now``."""
    # By column, not by task object: a cached plan builds only the tasks a command shows.
    ids, durations = plan.column("id"), plan.column("duration")
    preds_of, not_before = plan.column("preds"), plan.column("not_before")
    n = len(ids)
    starts = [0] * n
    finishes = [0] * n
    statuses: list[Status] = [PENDING] * n
    empty = TaskRecord()
    for v in plan.order:
        record = records.get(ids[v], empty)
        state = record.state
        if state == DONE:
            start, finish = record.actual_start or now, record.actual_finish or now
        elif state in UNDER_WAY:
            start = record.actual_start if record.actual_start is not None else now
            if record.eta is not None:  # the team's word: then, or later if it still runs
                finish = max(record.eta, now)
            else:
                duration = durations[v] if record.estimate is None else record.estimate
                finish = max(start + record.lost + duration, now)
        elif state == SKIPPED:
            finish = max((finishes[p] for p in preds_of[v]), default=plan.start)
            start = finish
        else:
            start = max(now, plan.start)
            held = record.pull_to if record.pulled else not_before[v]
            if held is not None and held > start:
                start = held
            blocked = False
            for p in preds_of[v]:
                if finishes[p] > start:
                    start = finishes[p]
                if statuses[p] not in FINISHED:
                    blocked = True
            finish = start + (durations[v] if record.estimate is None else record.estimate)
            state = PENDING if blocked else READY
        starts[v], finishes[v], statuses[v] = start, finish, state
    return starts, finishes, statuses


def forecast_finish(plan: Plan, records: dict[str, TaskRecord], now: int) -> int:
    """When the weekend is forecast to finish at ``now`` (the forward pass alone)."""
    return max(forward(plan, records, now)[1], default=plan.start)


def snapshot(plan: Plan, baseline: Plan, records: dict[str, TaskRecord], now: int) -> Snapshot:
    """Every task's status and forecast at ``now`` (epoch seconds)."""
    ids, preds_of = plan.column("id"), plan.column("preds")
    n = len(ids)
    empty = TaskRecord()
    starts, finishes, statuses = forward(plan, records, now)
    forecast_finish = max(finishes, default=plan.start)

    # Backward pass over the forecast: how far each task can slip without moving the end.
    latest = [forecast_finish] * n
    succ = plan.successors
    for v in reversed(plan.order):
        lf = forecast_finish
        for s in succ[v]:
            ls = latest[s] - (finishes[s] - starts[s])
            if ls < lf:
                lf = ls
        latest[v] = lf

    base_index, base_es, base_ef = baseline.index, baseline.column("es"), baseline.column("ef")
    # Membership asked once per task, not per predecessor: hashing a StrEnum is not free.
    finished = [s in FINISHED for s in statuses]
    states: list[TaskState] = []
    for i, tid in enumerate(ids):
        record = records.get(tid, empty)
        status = statuses[i]
        b = base_index.get(tid)
        planned_start = base_es[b] if b is not None else None
        planned_finish = base_ef[b] if b is not None else None
        slack = latest[i] - finishes[i]
        open_ = not finished[i]
        # Positional, in the fields' order: a snapshot of 10,000 tasks builds 10,000 of them.
        states.append(
            TaskState(
                i,
                tid,
                status,
                planned_start,
                planned_finish,
                record.actual_start,
                record.actual_finish,
                starts[i],
                finishes[i],
                status in NOT_STARTED and planned_start is not None and now > planned_start,
                open_ and slack <= 0,
                slack,
                record.reason,
                record.forced,
                [ids[p] for p in preds_of[i] if not finished[p]] if status == PENDING else [],
                len(record.notes),
                record.lost,
                record.resumed > 0,
                record.eta if status in UNDER_WAY else None,
                record.estimate,
                record.pulled,
                record.pull_to if record.pulled else None,
                record.dropped and status == SKIPPED,
            )
        )
    return Snapshot(
        now=now,
        plan=plan,
        baseline=baseline,
        tasks=states,
        forecast_finish=forecast_finish,
        critical_path=_remaining_critical_path(plan, states, forecast_finish),
        records=records,
    )


def _remaining_critical_path(plan: Plan, states: list[TaskState], end: int) -> list[int]:
    """The chain of unfinished critical tasks that ends at the forecast finish."""
    ends = [s.index for s in states if s.critical and s.forecast_finish == end]
    if not ends:
        return []
    succ = plan.successors
    current = ends[0]
    while follow := [
        s
        for s in sorted(succ[current])
        if states[s].critical and states[s].forecast_start == states[current].forecast_finish
    ]:
        current = follow[0]
    path = [current]
    while True:
        here = states[path[-1]]
        drivers = [
            p
            for p in sorted(plan.column("preds")[here.index])
            if states[p].critical and states[p].forecast_finish == here.forecast_start
        ]
        if not drivers:
            break
        path.append(drivers[0])
    path.reverse()
    return path


@dataclass(frozen=True, slots=True)
class PullForward:
    """A task that only its ``not_before`` holds back: it could start ``gain`` earlier."""

    id: str
    not_before: int
    could_start: int

    @property
    def gain(self) -> int:
        """Seconds earlier it could start."""
        return self.not_before - self.could_start

    @property
    def command(self) -> str:
        """The command that pulls it forward: ``runbook pull ID``."""
        return f"runbook pull {self.id}"


def pull_forward(snap: Snapshot) -> list[PullForward]:
    """Tasks not started whose ``not_before`` is now the only thing holding them back (a
    ``not_before`` fixed in the runbook cannot move, so its task is never listed; one already
    pulled is held back only by the time it was pulled to, if any)."""
    plan, out = snap.plan, []
    not_before, fixed = plan.column("not_before"), plan.column("not_before_fixed")
    preds_of = plan.column("preds")
    for state in snap.tasks:
        i = state.index
        held = state.pulled_to if state.pulled else not_before[i]
        if state.status not in NOT_STARTED or held is None:
            continue
        if fixed[i]:  # an announced downtime, an appointment: it cannot move
            continue
        could = max(snap.now, plan.start)
        for p in preds_of[i]:
            could = max(could, snap.tasks[p].forecast_finish)
        if could < held:
            out.append(PullForward(state.id, held, could))
    out.sort(key=lambda p: (-p.gain, p.id))
    return out


PULL_HORIZON = 3 * 3600  # the briefing lists what could start within this: worth a call now


def pull_forward_soon(
    pull: Sequence[PullForward], now: int, horizon: int = PULL_HORIZON
) -> tuple[list[PullForward], int]:
    """The tasks that could be pulled forward to start within ``horizon`` of ``now`` (the
    bridge call can act on those), and how many others could move later in the weekend."""
    soon = [p for p in pull if p.could_start <= now + horizon]
    return soon, len(pull) - len(soon)


def overrun(snap: Snapshot, index: int) -> int:
    """Seconds a running (or failed) task is past its planned duration (time lost to a failure
    before it was resumed is counted apart); 0 when it is not, and for a milestone, which takes
    no time by definition."""
    state = snap.tasks[index]
    if state.status not in UNDER_WAY or state.actual_start is None:
        return 0
    task = snap.plan.tasks[index]  # only now: most tasks are not under way
    if task.milestone:
        return 0
    return max(0, snap.now - state.actual_start - state.lost - task.duration)


def running_now(states: Iterable[TaskState]) -> list[TaskState]:
    """The bridge call's first list: what runs (or is stuck, failed) right now."""
    return [s for s in states if s.status in UNDER_WAY]


def start_order(state: TaskState) -> tuple[int, bool, int, int]:
    """The order tasks are called in: soonest (actual or forecast) start first; among tasks
    that can start at the same moment, critical ones first, then the most overdue."""
    planned = state.planned_start if state.planned_start is not None else 2**62
    return (state.forecast_start, not state.critical, planned, state.forecast_finish)


def ready_to_start(states: Iterable[TaskState]) -> list[TaskState]:
    """What can start, in the order to call the teams (see ``start_order``)."""
    return sorted((s for s in states if s.status == READY), key=start_order)


def late_tasks(states: Iterable[TaskState], limit: int | None = None) -> list[TaskState]:
    """What should have started by the baseline and has not, most overdue first (only the
    ``limit`` most overdue when given: a briefing shows a few, not thousands)."""
    late = (s for s in states if s.late)
    if limit is None:
        return sorted(late, key=_planned_start)
    return heapq.nsmallest(limit, late, key=_planned_start)  # the same as sorted()[:limit]


def _planned_start(state: TaskState) -> int:
    return state.planned_start or 0
