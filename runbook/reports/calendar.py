"""A team's tasks as calendar entries: which tasks, at which times, and whom to call.

``runbook export ics`` renders this (``reports.render.ics``); the choices live here: one entry
per task, planned times from the plan or the forecast from a snapshot, a UID per task that
stays the same across exports (so a calendar that imports the file again updates its events
instead of adding copies), a SEQUENCE taken from the state (never the clock), and the
coordinator's contact. A rehearsal's calendar is at the rehearsal's own times, says
``[REHEARSAL]`` in its name and every entry's summary and where each entry lies in the
runbook, and has UIDs of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runbook.common.text import shown
from runbook.format.durations import format_duration
from runbook.planning.plan import Plan
from runbook.weekend.forecast import Snapshot
from runbook.weekend.views.rehearsal import marked, runbook_line
from runbook.weekend.views.whom import Contact, mission_control, whom_to_call

if TYPE_CHECKING:
    from runbook.usecases import Weekend


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One task in the calendar: its times (seconds since the epoch, UTC) and what to say."""

    uid: str
    task_id: str
    summary: str  # the task's id and title, controls made visible
    start: int
    finish: int  # equal to start for a milestone: a zero-length event
    description: str
    status: str | None = None  # with the forecast: the task's status then
    cancelled: bool = False  # skipped (or dropped): the event stays, marked cancelled


@dataclass(frozen=True, slots=True)
class TaskCalendar:
    """Everything a calendar file of the weekend holds."""

    name: str  # the calendar's name (X-WR-CALNAME)
    timezone: str  # the runbook's IANA zone: times are written in it
    stamp: int  # when the calendar was made (DTSTAMP), by the injected clock
    sequence: int  # every event's SEQUENCE: the state's revision it shows (see ``revision``)
    heads_up: int  # seconds before a task's start its alarm rings
    forecast: bool  # times are the forecast at ``stamp``, not the plan
    entries: list[CalendarEntry]


def calendar_slug(name: str) -> str:
    """The runbook's part of every UID: its name in lower case, letters and digits joined
    by hyphens (``Zorggroep Rijnland cloud migration weekend`` ->
    ``zorggroep-rijnland-cloud-migration-weekend``); ``runbook`` when nothing is left."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "runbook"


def task_uid(task_id: str, plan: Plan) -> str:
    """A task's UID: the same for every export of the same runbook, whatever else changes
    (a title, a time, a team), so a calendar updates the event instead of adding another.
    A rehearsal on its own date has UIDs of its own, by its clock's offset
    (``copy-data@slug.rehearsal-14400.runbook``: 14,400 minutes earlier than the runbook):
    importing its calendar never moves the weekend's events to the rehearsal's dates."""
    rehearsal = f".rehearsal{plan.offset // 60:+d}" if plan.offset else ""
    return f"{task_id}@{calendar_slug(plan.name)}{rehearsal}.runbook"


def revision(weekend: Weekend, now: int | None = None) -> int:
    """The state's revision at ``now``: the sequence number of the last event recorded by
    then (0 before any). Every check-in, revision or decision raises it, and it is the same
    for every export of the same state, whatever the clock says: an export of a replay
    (``--now``) made after a live one is not taken for an older version."""
    events = weekend.events(now)
    return events[-1].seq if events else 0


def weekend_calendar(
    weekend: Weekend, *, team: str | None = None, forecast: bool = False
) -> TaskCalendar:
    """The calendar ``runbook export ics`` writes: ``team``'s tasks (all without one) at
    their planned times, or at the forecast at the weekend's clock; stamped with that clock,
    sequenced by the state's revision."""
    now = weekend.now()
    snapshot = weekend.snapshot(now) if forecast else None
    # At the forecast, the plan in force: a rollback's tasks once it started, never before.
    plan = snapshot.plan if snapshot is not None else weekend.plan
    return build_calendar(
        plan, stamp=now, sequence=revision(weekend, now), team=team, snapshot=snapshot
    )


def build_calendar(
    plan: Plan,
    *,
    stamp: int,
    sequence: int = 0,
    team: str | None = None,
    snapshot: Snapshot | None = None,
) -> TaskCalendar:
    """The calendar of ``plan``'s tasks (only ``team``'s when given), at the planned times,
    or at the times the ``snapshot`` forecasts when one is given (actual times for what has
    run). ``stamp`` is the moment it is made, ``sequence`` the state's revision."""
    coordinator = mission_control(plan)
    entries = []
    for i, task in enumerate(plan.tasks):
        if team is not None and task.team != team:
            continue
        status: str | None = None
        cancelled = False
        if snapshot is None:
            start, finish = task.es, task.ef
        else:
            state = snapshot.tasks[i]
            start, finish = state.forecast_start, state.forecast_finish
            status = state.shown_status
            cancelled = status in ("skipped", "dropped", "suspended")
        if task.milestone:
            finish = start
        lines = []
        if (where := runbook_line(plan, start)) is not None:
            lines.append(where)  # a rehearsal: where this lies in the runbook
        if status is not None:
            lines.append(f"Status: {status}")
        lines.append(f"Team: {_contact_line(whom_to_call(plan, task.team))}")
        if task.depends_on:
            lines.append("After: " + ", ".join(task.depends_on))
        if task.gate:
            lines.append("Go/no-go: this task is a gate")
        if coordinator is not None:
            lines.append(f"Coordinator: {_contact_line(coordinator)}")
        if task.notes:
            lines.append("")
            lines.append(shown(task.notes, one_line=False))
        entries.append(
            CalendarEntry(
                uid=task_uid(task.id, plan),
                task_id=task.id,
                summary=marked(plan, f"{task.id}: {shown(task.title)}"),
                start=start,
                finish=finish,
                description="\n".join(lines),
                status=status,
                cancelled=cancelled,
            )
        )
    name = plan.name if team is None else f"{plan.name} — {plan.team_name(team)}"
    return TaskCalendar(
        name=marked(plan, shown(name)),
        timezone=plan.timezone,
        stamp=stamp,
        sequence=sequence,
        heads_up=plan.heads_up,
        forecast=snapshot is not None,
        entries=entries,
    )


def alarm_text(entry: CalendarEntry, heads_up: int) -> str:
    """What the alarm says: the task, and how soon it starts."""
    if heads_up <= 0:
        return f"Starting now: {entry.summary}"
    return f"Starts in {format_duration(heads_up)}: {entry.summary}"


def _contact_line(whom: Contact) -> str:
    """``Name (id): lead, contact`` with what the runbook gives."""
    return shown(f"{whom.label}: {whom.who(', ')}" if whom.parts else whom.label)
