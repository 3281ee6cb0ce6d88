"""The briefing both faces show: what runs, whom to call, what is late, and the verdict."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from runbook.format.durations import clock, format_duration
from runbook.weekend.events import UNDER_WAY, Event
from runbook.weekend.forecast import (
    FAILED,
    READY,
    SCHEDULED,
    Snapshot,
    TaskState,
    duration_in_force,
    late_tasks,
    overrun,
    ready_to_start,
    running_now,
    start_order,
    worked_lost,
)
from runbook.weekend.gates import PointOfNoReturn, next_point_of_no_return
from runbook.weekend.views.decisions import (
    DecisionNeeded,
    OpenNoGo,
    gate_waits,
    open_no_gos,
    split_ready,
)
from runbook.weekend.views.rollback import IfRolledBack, if_rolled_back
from runbook.weekend.views.verdict import Verdict as Verdict  # re-exported
from runbook.weekend.views.verdict import verdict as verdict  # re-exported
from runbook.weekend.views.whom import whom_to_call


def resumed_note(state: TaskState, lost_by_now: int | None = None) -> str:
    """``resumed, 40m lost`` for a task started again after failing; ``40m lost`` for one
    that stands failed (the time since it failed counts); empty otherwise. ``lost_by_now``:
    the time lost at a later moment than the state's."""
    seconds = state.lost if lost_by_now is None else lost_by_now
    lost = f"{format_duration(seconds)} lost" if seconds >= 60 else ""
    if state.status == FAILED:
        return lost
    if not state.resumed:
        return ""
    return f"resumed, {lost}" if lost else "resumed"


@dataclass(frozen=True, slots=True)
class RunningRow:
    """A task under way (or failed while under way): how long it has worked, how far over
    its duration, and the time lost to failures apart. The figures add up: ``since`` +
    ``elapsed`` + ``lost`` is now (a failed task's work stopped when it failed), and
    ``overrun`` is ``elapsed`` beyond ``duration``."""

    id: str
    team: str  # the team's name
    since: int  # its first start
    elapsed: int  # the time it has worked (not the time lost to failures)
    duration: int
    overrun: int
    failed: bool
    reason: str  # why it failed ("" unless it did)
    resumed: str  # ``resumed, 40m lost``, ``40m lost`` (failed), or ""
    eta: int | None = None  # the revised expected finish given (`runbook eta`)
    revised: bool = False  # ``duration`` is a revised estimate, not the runbook's
    lost: int = 0  # seconds lost to failures (while it stands failed: up to now)
    lead: str = ""  # whom to call about it and their number (a failed task needs a call)
    number: str = ""


@dataclass(frozen=True, slots=True)
class ReadyRow:
    """A task that may start: whom to call, and from when."""

    id: str
    team: str  # the team's name
    contact: str  # its lead and number, or ""
    not_before: int | None  # its forecast start when that is still ahead; None: now
    critical: bool
    pulled: bool = False  # its not_before lifted by the coordinator (`runbook pull`)
    revised: int | None = None  # its revised duration (`runbook estimate`)
    lead: str = ""  # whom to call and their number, apart: a narrow face keeps each whole
    number: str = ""


@dataclass(frozen=True, slots=True)
class UpNextRow:
    """A task that waits only for its ``not_before`` (or the time it was pulled to): up next
    at that time, not to be called yet."""

    id: str
    team: str  # the team's name
    at: int  # when it may start (its forecast start)
    critical: bool
    pulled: bool = False  # its not_before moved by the coordinator (`runbook pull`)
    fixed: bool = False  # its not_before is fixed in the runbook: it cannot move


@dataclass(frozen=True, slots=True)
class LateRow:
    """A task whose planned start has passed and that has not started."""

    id: str
    team: str  # the team's name
    planned_start: int
    late_by: int
    critical: bool
    blocked_by: tuple[str, ...]  # unfinished predecessors
    why: str  # ``waiting for a, b``, ``not before Mon 00:00``, ``decision needed``, ``NO-GO``
    # or ``ready, not started``


@dataclass(frozen=True, slots=True)
class Briefing:
    """Everything the bridge call goes through, of all the work or of one team's."""

    verdict: Verdict
    no_gos: tuple[OpenNoGo, ...]
    ponr: PointOfNoReturn | None  # the next point of no return still ahead
    running: tuple[RunningRow, ...]
    decisions: tuple[DecisionNeeded, ...]
    ready: tuple[ReadyRow, ...]
    up_next: tuple[UpNextRow, ...]  # waiting only for their time, soonest first
    late: tuple[LateRow, ...]  # the most overdue first (only the first ``limit`` when given)
    late_count: int  # every late task, listed or not
    rolled_back: IfRolledBack | None = None  # the next gate's rollback, if started now


def running_rows(snap: Snapshot, states: Sequence[TaskState] | None = None) -> list[RunningRow]:
    """The tasks running now (failed ones too: they hold their team), in start order."""
    plan, now = snap.plan, snap.now
    # By column, not by task object: building one task of a cached plan reads every field.
    teams = plan.column("team")
    rows = []
    for s in snap.where(UNDER_WAY) if states is None else running_now(states):
        failed = s.status == FAILED
        worked, lost = worked_lost(snap, s)
        whom = whom_to_call(plan, teams[s.index])
        rows.append(
            RunningRow(
                s.id,
                plan.team_name(teams[s.index]),
                s.actual_start or now,
                worked,
                duration_in_force(snap, s),
                overrun(snap, s.index),
                failed,
                (s.reason or "") if failed else "",
                resumed_note(s, lost),
                s.eta,
                s.revised_duration is not None,
                lost,
                whom.lead,
                whom.number,
            )
        )
    return rows


def ready_rows(
    snap: Snapshot, states: Sequence[TaskState] | None = None
) -> tuple[list[ReadyRow], list[DecisionNeeded]]:
    """The ready tasks to call a team for, and the gates waiting for a decision."""
    plan, now, teams = snap.plan, snap.now, snap.plan.column("team")
    call, decide = split_ready(
        snap, ready_to_start(snap.where((READY,)) if states is None else states)
    )
    rows = []
    for s in call:
        whom = whom_to_call(plan, teams[s.index])
        rows.append(
            ReadyRow(
                s.id,
                plan.team_name(teams[s.index]),
                whom.who(),  # as ``contact`` says it
                s.forecast_start if s.forecast_start > now else None,
                s.critical,
                s.pulled,
                s.revised_duration,
                whom.lead,
                whom.number,
            )
        )
    return rows, decide


def up_next_rows(snap: Snapshot, states: Sequence[TaskState] | None = None) -> list[UpNextRow]:
    """The tasks that wait only for their ``not_before``, soonest first: shown apart from
    the ready ones, with their time; nobody is called for them yet."""
    plan, teams = snap.plan, snap.plan.column("team")
    fixed = plan.column("not_before_fixed")
    chosen = (
        snap.where((SCHEDULED,)) if states is None else [s for s in states if s.status == SCHEDULED]
    )
    return [
        UpNextRow(
            s.id,
            plan.team_name(teams[s.index]),
            s.forecast_start,
            s.critical,
            s.pulled,
            bool(fixed[s.index]),
        )
        for s in sorted(chosen, key=start_order)
    ]


def late_rows(
    snap: Snapshot, states: Sequence[TaskState] | None = None, limit: int | None = None
) -> list[LateRow]:
    """The tasks whose planned start has passed, and what each waits for, most overdue
    first (the ``limit`` most overdue when given)."""
    plan, now, teams = snap.plan, snap.now, snap.plan.column("team")
    rows = []
    for s in snap.most_late(limit) if states is None else late_tasks(states, limit):
        if s.blocked_by:
            why = f"waiting for {', '.join(s.blocked_by[:3])}"
        elif s.status == SCHEDULED:
            why = f"not before {clock(s.forecast_start, plan.zone)}"
        else:
            why = gate_waits(snap, s) or "ready, not started"
        planned = s.planned_start or now
        rows.append(
            LateRow(
                s.id,
                plan.team_name(teams[s.index]),
                planned,
                now - planned,
                s.critical,
                tuple(s.blocked_by),
                why,
            )
        )
    return rows


def briefing(
    snap: Snapshot, states: Sequence[TaskState] | None = None, late_limit: int | None = None
) -> Briefing:
    """The briefing of all the work, or of ``states`` (one team's tasks); with
    ``late_limit``, only that many late tasks get a row (all are counted). Once the weekend
    is closed nobody is called: what ran at the close is listed (it goes to aftercare), and
    there is nothing ready, late or to decide."""
    if snap.closed is not None:
        return Briefing(
            verdict(snap), (), None, tuple(running_rows(snap, states)), (), (), (), (), 0
        )
    ready, decisions = ready_rows(snap, states)
    return Briefing(
        verdict(snap),
        tuple(open_no_gos(snap)),
        next_point_of_no_return(snap),
        tuple(running_rows(snap, states)),
        tuple(decisions),
        tuple(ready),
        tuple(up_next_rows(snap, states)),
        tuple(late_rows(snap, states, late_limit)),
        snap.late_count if states is None else sum(1 for s in states if s.late),
        if_rolled_back(snap),
    )


def recent_events(events: Sequence[Event], limit: int) -> list[Event]:
    """The ``limit`` newest events in force, newest first by the time they happened (a
    check-in told by phone is recorded later than it happened), then by order of recording."""
    if limit <= 0:
        return []
    return heapq.nlargest(limit, events, key=lambda e: (e.at, e.seq))
