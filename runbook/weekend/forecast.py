# Size: the forecast rule is one fold and the small readers of its snapshot, kept together so the
# rule is read in one place.
"""The pure fold: plan + baseline + events + now -> every task's state and the forecast.

This is the one place the forecast rule lives, so the CLI, the dashboard and the reports agree:

- a done task keeps its actual start and finish;
- a task under way has done the work it did: from its first start, less the time it stood
  failed (lost), up to now while it runs and up to its failure while it stands failed. Its
  remaining work (planned duration less the work done, never below 0) cannot start before
  now, so it finishes at now + remaining: a running task at the later of actual start + time
  lost + planned duration and now; a failed task no earlier than now + the work it had left
  when it failed, so the forecast moves with the clock while the task is blocked and does not
  jump when it is resumed. Given an ``eta`` (a revised expected finish), it finishes then, or
  now if that has passed, moved by the time lost to failures since the eta was given; it
  overruns once that eta passes, else once it has worked longer than its duration (``overrun``);
- a skipped task takes no time: it finishes when its last predecessor finishes (one skipped
  or dropped while under way keeps its actual start and the work it did, and takes no more);
- a task not yet started starts at the latest of now, its predecessors' forecast finish, its
  ``not_before`` and the runbook's start, and takes its planned duration; a ``pull`` replaces
  its ``not_before`` by the pull's time (or removes it), an ``estimate`` its duration (which a
  task started since keeps);
- a task not yet started is ``pending`` while a predecessor is unfinished; else ``ready``
  when it may start now, and ``scheduled`` when only its (effective) ``not_before``, still
  ahead, holds it back: the check-in rules refuse its start until then;
- the forecast finish is the latest task finish; ``ahead`` = baseline finish - forecast finish;
- once the weekend is closed (``runbook close``), every figure is computed at the close: the
  moment used as now is the earlier of now and the close, and unfinished work stays unfinished.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import cast

from runbook.planning.plan import Plan

# A revision's value as the door lets it in (a hand-edited 1e23 is shown at the nearest bound).
from runbook.weekend.eventdata import revision_value

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
from runbook.weekend.taskstate import UNRECORDED, Figures, TaskStates

# Re-exported: a task's record and state are read from here by the faces and the reports.
from runbook.weekend.taskstate import TaskRecord as TaskRecord
from runbook.weekend.taskstate import TaskState as TaskState

PENDING = Status.PENDING
READY = Status.READY
SCHEDULED = Status.SCHEDULED
RUNNING = Status.RUNNING
FAILED = Status.FAILED
DONE = Status.DONE
SKIPPED = Status.SKIPPED
SUSPENDED = Status.SUSPENDED
# The kinds the fold tells apart, as globals: it looks them up for every event, and an enum
# class's attribute costs several times a global's.
_START, _DONE, _FAIL, _SKIP = EventKind.START, EventKind.DONE, EventKind.FAIL, EventKind.SKIP
_UNDO, _NOTE, _DECIDE = EventKind.UNDO, EventKind.NOTE, EventKind.DECIDE
_ETA, _ESTIMATE, _PULL = EventKind.ETA, EventKind.ESTIMATE, EventKind.PULL
_ROLLBACK = EventKind.ROLLBACK


def apply_event(record: TaskRecord, event: Event) -> None:
    """Fold one event into a task's record."""
    kind = event.kind
    if kind == _UNDO:
        # An undo names the event it revokes; one from before that was recorded revokes the
        # last state change still in force. A gate's rollback is revoked by name only.
        target = event.data.get("undoes") if event.data else None
        if target is not None and any(r.seq == target for r in record.rollbacks):
            record.rollbacks = [r for r in record.rollbacks if r.seq != target]
            record.last_actor = event.actor
            return
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
    elif kind == _ROLLBACK:
        record.rollbacks.append(event)
    record.last_actor = event.actor


def restate(record: TaskRecord) -> None:
    """Recompute a task's state from the state changes still in force (its history)."""
    _replay(record)


def _replay(record: TaskRecord) -> None:
    """Recompute a task's state and revisions from the events still in force."""
    record.state = record.actual_start = record.actual_finish = record.reason = None
    record.failed_at = record.stopped = record.eta = record.estimate = record.pull_to = None
    record.forced = record.pulled = record.dropped = False
    record.lost = record.resumed = record.eta_lost = 0
    for event in record.history:
        kind = event.kind
        if record.state == FAILED and kind in (_START, _DONE, _SKIP):
            # Out of a failure (resumed, finished or stopped): the time it stood failed is
            # lost, as it was counted every minute it stood failed.
            record.lost += max(0, event.at - (record.failed_at or event.at))
        if kind == _START:
            if record.state not in UNDER_WAY or record.actual_start is None:
                # A fresh run: its first start, nothing lost or resumed yet, and no eta (an
                # eta is for one run).
                record.actual_start = event.at
                record.eta = record.stopped = None
                record.lost = record.resumed = record.eta_lost = 0
            elif record.state == FAILED:
                record.resumed += 1  # resumed: the task keeps its first start
            record.state, record.actual_finish, record.reason = RUNNING, None, None
        elif kind == _DONE:
            if record.actual_start is None:
                record.actual_start = event.at  # forced: never started
            record.state, record.actual_finish = DONE, event.at
        elif kind == _FAIL:
            if record.actual_start is None:
                record.actual_start = event.at  # forced: never started
            if record.state != FAILED:  # failing again while failed: its work stopped then
                record.failed_at = event.at
            record.state, record.reason = FAILED, event.note
        elif kind == _SKIP:
            if record.state in UNDER_WAY or record.state == DONE:
                # Stopped after it ran (forced): it keeps its start and the work it did.
                record.stopped = record.actual_finish or event.at
            else:
                record.actual_start = record.stopped = None
            record.state, record.reason, record.actual_finish = SKIPPED, event.note, None
            record.dropped = bool(event.data and event.data.get("dropped"))
        elif kind == _ETA:  # a later eta replaces an earlier one
            record.eta = revision_value(event)
            record.eta_lost = record.lost_by(event.at)
        elif kind == _ESTIMATE:
            record.estimate = revision_value(event)
        elif kind == _PULL:
            record.pulled, record.pull_to = True, revision_value(event)
        record.forced = record.forced or event.overridden  # forced, or against the rules


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
    check: Callable[[Event, dict[str, TaskRecord]], Event] | None = None,
) -> tuple[dict[str, TaskRecord], list[Event]]:
    """Per-task records from the event log, and the runbook-level events (baselines); given
    records and runbook events already folded (a checkpoint, a live view), the events are
    folded onto them, in place. ``check`` (a reader's: ``rules.audit``) sees each task's
    event with the records before it and gives it back, marked when it broke the rules."""
    records = {} if records is None else records
    runbook_events = [] if runbook_events is None else runbook_events
    for event in events:
        task = event.task
        if task is None:
            runbook_events.append(event)
            continue
        if check is not None:
            event = check(event, records)
        record = records.get(task)
        if record is None:
            record = records[task] = TaskRecord()
        apply_event(record, event)
    return records, runbook_events


@dataclass(slots=True)
class Snapshot:
    """The whole weekend at one moment: task states, the forecast, and ahead or behind.

    ``tasks`` builds a task's state when it is first read; ``figures`` holds the numbers of
    every task as plain lists, for a view that picks the few it shows (``where``)."""

    now: int
    plan: Plan
    baseline: Plan
    tasks: Sequence[TaskState]
    forecast_finish: int
    critical_path: list[int]
    records: dict[str, TaskRecord]
    figures: Figures
    later_events: int = 0  # recorded for a moment after ``now``: not part of this picture
    # The close in force (`runbook close`): ``now`` then stands at its moment, and ``asked``
    # is the moment the snapshot was asked for (the clock, or --now), later than that.
    closed: Event | None = None
    asked: int | None = None

    @property
    def clock(self) -> int:
        """The moment asked for: ``now``, or later once the weekend was closed before it."""
        return self.now if self.asked is None else self.asked

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
        found = Counter(self.figures.status)
        return {s: found.get(s, 0) for s in STATUSES}

    @property
    def dropped(self) -> int:
        """How many tasks were skipped as optional work dropped for time."""
        index, status = self.plan.index, self.figures.status
        return sum(
            1
            for t, r in self.records.items()
            if r.dropped and t in index and status[index[t]] == SKIPPED
        )

    @property
    def late_count(self) -> int:
        """How many tasks are late (not started, their planned start passed)."""
        return sum(self.figures.late)

    def by_id(self, task_id: str) -> TaskState:
        """The state of one task."""
        return self.tasks[self.plan.index[task_id]]

    def where(self, statuses: Iterable[Status]) -> list[TaskState]:
        """The states of the tasks in one of ``statuses``, in task order (only those built)."""
        wanted, tasks, status = frozenset(statuses), self.tasks, self.figures.status
        return [tasks[i] for i in compress(range(len(status)), map(wanted.__contains__, status))]

    def most_late(self, limit: int | None = None) -> list[TaskState]:
        """The late tasks, most overdue first (the ``limit`` most overdue when given); as
        ``late_tasks`` of every state, building only the states it returns."""
        late_flags, tasks = self.figures.late, self.tasks
        late = list(compress(range(len(late_flags)), late_flags))
        # A late task has a planned start: no None among the keys.
        key = cast("Callable[[int], int]", self.figures.planned_start.__getitem__)
        chosen = sorted(late, key=key) if limit is None else heapq.nsmallest(limit, late, key=key)
        return [tasks[i] for i in chosen]


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
    finished = [False] * n  # done or skipped: asked for every predecessor
    floor = max(now, plan.start)
    find = records.get
    rolling = plan.rolling_back
    forward_count = n if rolling is None else rolling.forward
    for v in plan.order:
        record = find(ids[v])
        if (
            rolling is not None
            and v < forward_count
            and (record is None or record.state not in FINISHED)
        ):
            # Rolled back: the forward work not finished stops where the rollback started
            # (a task under way keeps its start); it is suspended, not dropped. The
            # rollback's tasks, after it, follow the ordinary rule.
            began = record.actual_start if record is not None else None
            stop = rolling.start if began is None else max(began, rolling.start)
            starts[v] = stop if began is None else began
            finishes[v], statuses[v] = stop, SUSPENDED
            continue
        if record is None or record.state is None:  # not started: most tasks, most of the time
            if record is None:
                held, duration = not_before[v], durations[v]
            else:
                held = record.not_before_in_force(not_before[v])
                duration = record.duration_in_force(durations[v])
            start = floor
            if held is not None and held > start:
                start = held
            blocked = False
            for p in preds_of[v]:
                if finishes[p] > start:
                    start = finishes[p]
                if not finished[p]:
                    blocked = True
            starts[v], finishes[v] = start, start + duration
            if not blocked:
                # Ready only when it may start now: one that waits for nothing but its
                # not_before (or the time it was pulled to) is scheduled, as the rules say.
                statuses[v] = SCHEDULED if held is not None and held > now else READY
            continue
        state = record.state
        if state == DONE:
            start, finish = record.actual_start or now, record.actual_finish or now
            finished[v] = True
        elif state == SKIPPED:
            finish = max((finishes[p] for p in preds_of[v]), default=plan.start)
            start = finish
            finished[v] = True
        else:  # under way: running, or failed while running
            start = record.actual_start if record.actual_start is not None else now
            eta = eta_in_force(record, now)
            if eta is not None:  # the team's word: then, or later if it still runs
                finish = max(eta, now)
            else:  # the work it has left cannot start before now
                finish = now + record.remaining(record.duration_in_force(durations[v]), now)
        starts[v], finishes[v], statuses[v] = start, finish, state
    return starts, finishes, statuses


def eta_in_force(record: TaskRecord, now: int) -> int | None:
    """When the eta the team gave says a task under way finishes, moved by the time it lost
    to failures since it was given (a failure after the eta delays it as much); None without
    an eta. The forecast finishes the task then, or now if that has passed; past it, the task
    overruns (``overrun``)."""
    if record.eta is None:
        return None
    return record.eta + record.lost_by(now) - record.eta_lost


def forecast_finish(plan: Plan, records: dict[str, TaskRecord], now: int) -> int:
    """When the weekend is forecast to finish at ``now`` (the forward pass alone)."""
    return max(forward(plan, records, now)[1], default=plan.start)


def snapshot(
    plan: Plan,
    baseline: Plan,
    records: dict[str, TaskRecord],
    now: int,
    closed: Event | None = None,
) -> Snapshot:
    """Every task's status and forecast at ``now`` (epoch seconds); once ``closed`` (the
    close in force), at the earlier of now and the close: the weekend stands still there."""
    asked = None
    if closed is not None and closed.at < now:
        asked, now = now, closed.at
    ids, preds_of = plan.column("id"), plan.column("preds")
    starts, finishes, statuses = forward(plan, records, now)
    forecast_finish = max(finishes, default=plan.start)

    # Backward pass over the forecast: how far each task can slip without moving the end.
    # Each task, its successors all seen (reverse dependency order), hands its latest start
    # to its predecessors: the same minimum as taken over its successors, without them.
    latest = [forecast_finish] * len(ids)
    for v in reversed(plan.order):
        ls = latest[v] - (finishes[v] - starts[v])
        for p in preds_of[v]:
            if ls < latest[p]:
                latest[p] = ls
    slack = [lf - f for lf, f in zip(latest, finishes, strict=True)]

    if baseline is plan:
        planned = plan.column("es")
    else:
        base_index, base_es = baseline.index, baseline.column("es")
        planned = [base_es[b] if (b := base_index.get(t)) is not None else None for t in ids]
    figures = Figures(
        statuses,
        starts,
        finishes,
        slack,
        planned,
        [
            p is not None and now > p and s in NOT_STARTED
            for s, p in zip(statuses, planned, strict=True)
        ],
        [sl <= 0 and s not in FINISHED for s, sl in zip(statuses, slack, strict=True)],
    )
    return Snapshot(
        now=now,
        plan=plan,
        baseline=baseline,
        tasks=TaskStates(plan, baseline, records, figures, now),
        forecast_finish=forecast_finish,
        critical_path=_remaining_critical_path(plan, figures, forecast_finish),
        records=records,
        figures=figures,
        closed=closed,
        asked=asked,
    )


def _remaining_critical_path(plan: Plan, figures: Figures, end: int) -> list[int]:
    """The chain of unfinished critical tasks that ends at the forecast finish."""
    critical, starts, finishes = figures.critical, figures.start, figures.finish
    on_it = list(compress(range(len(critical)), critical))  # every critical task, in order
    current = next((i for i in on_it if finishes[i] == end), None)
    if current is None:
        return []
    preds_of = plan.column("preds")
    # Forward, through what starts when the first one finishes (the end itself: only tasks
    # that take no time), in index order like the successors would be.
    at_end = [i for i in on_it if starts[i] == end]
    while follow := [s for s in at_end if current in preds_of[s]]:
        current = follow[0]
    path = [current]
    while True:
        here = path[-1]
        drivers = [p for p in sorted(preds_of[here]) if critical[p] and finishes[p] == starts[here]]
        if not drivers:
            break
        path.append(drivers[0])
    path.reverse()
    return path


@dataclass(frozen=True, slots=True)
class PullForward:
    """A task that only its ``not_before`` holds back: it could start ``gain`` earlier, and
    pulling it would bring the forecast finish ``finish_gain`` closer, and the next gate or
    milestone after it (``milestone``) ``milestone_gain`` closer (0: nothing)."""

    id: str
    not_before: int
    could_start: int
    finish_gain: int = 0
    milestone: str | None = None
    milestone_gain: int = 0

    @property
    def gain(self) -> int:
        """Seconds earlier it could start."""
        return self.not_before - self.could_start

    @property
    def gains_anything(self) -> bool:
        """Whether pulling it brings the finish or a gate or milestone closer."""
        return self.finish_gain > 0 or self.milestone_gain > 0

    @property
    def command(self) -> str:
        """The command that pulls it forward: ``runbook pull ID``."""
        return f"runbook pull {self.id}"


def pull_forward(snap: Snapshot) -> list[PullForward]:
    """Tasks not started whose ``not_before`` is now the only thing holding them back (a
    ``not_before`` fixed in the runbook cannot move, so its task is never listed; one already
    pulled is held back only by the time it was pulled to, if any), ranked by what pulling
    gains: on the forecast finish first, then on the next gate or milestone, then by how much
    earlier the task itself could start (which alone moves nothing that waits). None once the
    weekend is closed."""
    from runbook.weekend.pulling import pull_gains

    plan, found = snap.plan, list[tuple[int, int, int]]()
    if snap.closed is not None:
        return []
    ids, not_before = plan.column("id"), plan.column("not_before")
    statuses, finishes = snap.figures.status, snap.figures.finish
    # By the figures, not the task states: only a task with a not_before (or pulled) counts.
    index, records = plan.index, snap.records
    pulled = {index[t] for t, r in records.items() if r.pulled and t in index}
    held_back = [i for i, held in enumerate(not_before) if held is not None or i in pulled]
    if not held_back:
        return []
    fixed, preds_of = plan.column("not_before_fixed"), plan.column("preds")
    for i in held_back:
        held = records.get(ids[i], UNRECORDED).not_before_in_force(not_before[i])
        if statuses[i] not in NOT_STARTED or held is None:
            continue
        if fixed[i]:  # an announced downtime, an appointment: it cannot move
            continue
        could = max(snap.now, plan.start)
        for p in preds_of[i]:
            could = max(could, finishes[p])
        if could < held:
            found.append((i, held, could))
    gains = pull_gains(plan, snap.figures, snap.records, snap.now, [(i, c) for i, _, c in found])
    out = [
        PullForward(ids[i], held, could, g.finish, g.milestone, g.milestone_gain)
        for (i, held, could), g in zip(found, gains, strict=True)
    ]
    out.sort(key=lambda p: (-p.finish_gain, -p.milestone_gain, -p.gain, p.id))
    return out


PULL_HORIZON = 3 * 3600  # the briefing lists what could start within this: worth a call now


def pull_forward_soon(
    pull: Sequence[PullForward], now: int, horizon: int = PULL_HORIZON
) -> tuple[list[PullForward], int]:
    """The tasks that could be pulled forward to start within ``horizon`` of ``now`` (the
    bridge call can act on those), and how many others could move later in the weekend."""
    soon = [p for p in pull if p.could_start <= now + horizon]
    return soon, len(pull) - len(soon)


def best_pulled_later(
    pull: Sequence[PullForward], now: int, horizon: int = PULL_HORIZON
) -> PullForward | None:
    """Of the tasks that could be pulled forward but not start within ``horizon``, the one
    whose pull gains most on the finish or the next gate or milestone (None when none gains
    anything): worth deciding now, to have the team there."""
    return next((p for p in pull if p.could_start > now + horizon and p.gains_anything), None)


def overrun(snap: Snapshot, index: int) -> int:
    """Seconds a running (or failed) task is past what it was expected to take: past the eta
    the team gave, when there is one (``eta_in_force``: not its planned duration), else the
    time it has worked beyond its duration (the revised one in force, else the planned one).
    Time lost to failures is counted apart; 0 when it is not over, and for a milestone,
    which takes no time by definition."""
    state = snap.tasks[index]
    if state.status not in UNDER_WAY or state.actual_start is None:
        return 0
    if snap.plan.column("milestone")[index]:
        return 0
    record = snap.records.get(state.id)
    if record is not None and (eta := eta_in_force(record, snap.now)) is not None:
        return max(0, snap.now - eta)
    return max(0, worked_lost(snap, state)[0] - duration_in_force(snap, state))


def worked_lost(snap: Snapshot, state: TaskState) -> tuple[int, int]:
    """The time a task has worked and the time it lost to failures, at the snapshot's
    ``now`` (read from its record: the dashboard moves ``now`` on every second between two
    snapshots, and these figures move with it)."""
    record = snap.records.get(state.id)
    if record is None:
        return 0, 0
    return record.worked_by(snap.now), record.lost_by(snap.now)


def duration_in_force(snap: Snapshot, state: TaskState) -> int:
    """The duration a task is measured against at the snapshot: its revised estimate, else
    the runbook's (``TaskRecord.duration_in_force``)."""
    planned: int = snap.plan.column("duration")[state.index]
    return snap.records.get(state.id, UNRECORDED).duration_in_force(planned)


def running_now(states: Iterable[TaskState]) -> list[TaskState]:
    """The bridge call's first list: what runs (or is stuck, failed) right now."""
    return [s for s in states if s.status in UNDER_WAY]


def start_order(state: TaskState) -> tuple[int, bool, int, int]:
    """The order tasks are called in: soonest (actual or forecast) start first; among tasks
    that can start at the same moment, critical ones first, then the most overdue."""
    return _start_key(
        state.forecast_start, state.critical, state.planned_start, state.forecast_finish
    )


def _start_key(
    start: int, critical: bool, planned: int | None, finish: int
) -> tuple[int, bool, int, int]:
    return (start, not critical, planned if planned is not None else 2**62, finish)


def start_orders(figures: Figures) -> list[tuple[int, bool, int, int]]:
    """``start_order`` of every task, by index, from the forecast's figures (no task state
    built: a table of 10,000 tasks sorts on these)."""
    return list(
        map(_start_key, figures.start, figures.critical, figures.planned_start, figures.finish)
    )


# What matters now, first: what failed, what runs, what may start (a team to call).
# (what a rollback suspended comes after everything that may still move)
_NOW_RANK = {FAILED: 0, RUNNING: 1, READY: 2, SUSPENDED: 6}


def _now_rank(status: Status, late: bool) -> int:
    rank = _NOW_RANK.get(status)
    if rank is None:
        rank = 5 if status in FINISHED else 3 if late else 4
    return rank


def now_order(state: TaskState) -> tuple[int, tuple[int, bool, int, int]]:
    """The order of what matters now: failed, running, ready, then the tasks not started
    that are late, then the others not started, then what is finished, then what a rollback
    suspended; within each, the order teams are called in (``start_order``)."""
    return _now_rank(state.status, state.late), start_order(state)


def now_orders(figures: Figures) -> list[tuple[int, tuple[int, bool, int, int]]]:
    """``now_order`` of every task, by index, from the forecast's figures."""
    return list(
        zip(map(_now_rank, figures.status, figures.late), start_orders(figures), strict=True)
    )


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
