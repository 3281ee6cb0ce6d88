"""The briefing both faces show: what runs, whom to call, what is late, and the verdict."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from runbook.format.durations import format_duration
from runbook.planning.plan import Plan
from runbook.weekend.events import UNDER_WAY, Event
from runbook.weekend.forecast import (
    FAILED,
    READY,
    Snapshot,
    TaskState,
    late_tasks,
    overrun,
    ready_to_start,
    running_now,
)
from runbook.weekend.gates import PointOfNoReturn, next_point_of_no_return
from runbook.weekend.usecases import describe_ahead
from runbook.weekend.views.decisions import (
    DecisionNeeded,
    OpenNoGo,
    gate_waits,
    open_no_gos,
    split_ready,
)


def contact(plan: Plan, team: str | None) -> str:
    """``Sanne Bakker +31 20 555 0120``: the lead and number of the team to call."""
    return " ".join(b for b in whom(plan, team) if b)


def whom(plan: Plan, team: str | None) -> tuple[str, str]:
    """The lead of the team to call and their number (or address); "" for one not given."""
    info = plan.teams.get(team or "")
    if info is None:
        return "", ""
    return info.lead or "", info.contact or ""


def call(lead: str, number: str, *, room: int) -> str:
    """``☎ Sanne Bakker +31 20 555 0120`` in at most ``room`` cells where it fits; else the
    number alone (``☎ +31 20 555 0120``), which is never cut; "" with neither."""
    if not (lead or number):
        return ""
    whole = f"☎ {' '.join(p for p in (lead, number) if p)}"
    if len(whole) + 1 <= room or not number:
        return whole
    return f"☎ {number}"


def resumed_note(state: TaskState) -> str:
    """``resumed, 40m lost`` for a task started again after failing; empty otherwise."""
    if not state.resumed:
        return ""
    return f"resumed, {format_duration(state.lost)} lost" if state.lost >= 60 else "resumed"


@dataclass(frozen=True, slots=True)
class RunningRow:
    """A task under way (or failed while under way): how long it has run, and how far over."""

    id: str
    team: str  # the team's name
    since: int
    elapsed: int
    duration: int
    overrun: int
    failed: bool
    reason: str  # why it failed ("" unless it did)
    resumed: str  # ``resumed, 40m lost``, or ""
    eta: int | None = None  # the revised expected finish given (`runbook eta`)
    revised: bool = False  # ``duration`` is a revised estimate, not the runbook's
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
class LateRow:
    """A task whose planned start has passed and that has not started."""

    id: str
    team: str  # the team's name
    planned_start: int
    late_by: int
    critical: bool
    blocked_by: tuple[str, ...]  # unfinished predecessors
    why: str  # ``waiting for a, b``, ``decision needed``, ``NO-GO`` or ``ready, not started``


@dataclass(frozen=True, slots=True)
class Verdict:
    """Ahead of the baseline, behind it or on plan, and the figures that say so."""

    word: str  # AHEAD | BEHIND | ON PLAN
    amount: str  # ``35m``; "" on plan
    ahead: int  # seconds ahead of the baseline (negative: behind)
    forecast_finish: int
    baseline_finish: int
    deadline: int | None
    spare: int | None  # seconds before the deadline (negative: past it); None without one


@dataclass(frozen=True, slots=True)
class Briefing:
    """Everything the bridge call goes through, of all the work or of one team's."""

    verdict: Verdict
    no_gos: tuple[OpenNoGo, ...]
    ponr: PointOfNoReturn | None  # the next point of no return still ahead
    running: tuple[RunningRow, ...]
    decisions: tuple[DecisionNeeded, ...]
    ready: tuple[ReadyRow, ...]
    late: tuple[LateRow, ...]  # the most overdue first (only the first ``limit`` when given)
    late_count: int  # every late task, listed or not


def verdict(snap: Snapshot) -> Verdict:
    """The verdict at the snapshot's moment."""
    word, amount = describe_ahead(snap.ahead)
    deadline = snap.plan.deadline
    return Verdict(
        word,
        amount,
        snap.ahead,
        snap.forecast_finish,
        snap.baseline_finish,
        deadline,
        snap.spare if deadline is not None else None,
    )


def running_rows(snap: Snapshot, states: Sequence[TaskState] | None = None) -> list[RunningRow]:
    """The tasks running now (failed ones too: they hold their team), in start order."""
    plan, now = snap.plan, snap.now
    # By column, not by task object: building one task of a cached plan reads every field.
    teams, durations = plan.column("team"), plan.column("duration")
    rows = []
    for s in snap.where(UNDER_WAY) if states is None else running_now(states):
        since = s.actual_start or now
        failed = s.status == FAILED
        rows.append(
            RunningRow(
                s.id,
                plan.team_name(teams[s.index]),
                since,
                now - since,
                durations[s.index] if s.revised_duration is None else s.revised_duration,
                overrun(snap, s.index),
                failed,
                (s.reason or "") if failed else "",
                resumed_note(s),
                s.eta,
                s.revised_duration is not None,
                *whom(plan, teams[s.index]),
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
    rows = [
        ReadyRow(
            s.id,
            plan.team_name(teams[s.index]),
            contact(plan, teams[s.index]),
            s.forecast_start if s.forecast_start > now else None,
            s.critical,
            s.pulled,
            s.revised_duration,
            *whom(plan, teams[s.index]),
        )
        for s in call
    ]
    return rows, decide


def late_rows(
    snap: Snapshot, states: Sequence[TaskState] | None = None, limit: int | None = None
) -> list[LateRow]:
    """The tasks whose planned start has passed, and what each waits for, most overdue
    first (the ``limit`` most overdue when given)."""
    plan, now, teams = snap.plan, snap.now, snap.plan.column("team")
    rows = []
    for s in snap.most_late(limit) if states is None else late_tasks(states, limit):
        why = (
            f"waiting for {', '.join(s.blocked_by[:3])}"
            if s.blocked_by
            else gate_waits(snap, s) or "ready, not started"
        )
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
    ``late_limit``, only that many late tasks get a row (all are counted)."""
    ready, decisions = ready_rows(snap, states)
    return Briefing(
        verdict(snap),
        tuple(open_no_gos(snap)),
        next_point_of_no_return(snap),
        tuple(running_rows(snap, states)),
        tuple(decisions),
        tuple(ready),
        tuple(late_rows(snap, states, late_limit)),
        snap.late_count if states is None else sum(1 for s in states if s.late),
    )


def recent_events(events: Sequence[Event], limit: int) -> list[Event]:
    """The ``limit`` newest events in force, newest first by the time they happened (a
    check-in told by phone is recorded later than it happened), then by order of recording."""
    if limit <= 0:
        return []
    return heapq.nlargest(limit, events, key=lambda e: (e.at, e.seq))
