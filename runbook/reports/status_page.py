"""The status page for the people who only watch, as data: the headline and the verdict
(CLOSED, an open NO-GO, then ahead or behind), the forecast against the deadline, the next
point of no return, progress per team and per phase, what runs, the alerts and the recent
events, at one moment. ``runbook.reports.render.html`` renders it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from runbook.planning.plan import Plan
from runbook.weekend.closing import OpenAtClose, open_at_close
from runbook.weekend.events import Event
from runbook.weekend.forecast import Snapshot
from runbook.weekend.gates import PointOfNoReturn
from runbook.weekend.replan import event_summary
from runbook.weekend.views import (
    DecisionNeeded,
    Lead,
    OpenNoGo,
    RunningRow,
    Verdict,
    briefing,
    lead,
    recent_events,
)
from runbook.weekend.views.alerts import Alert, alerts
from runbook.weekend.views.progress import Progress, progress, progress_by
from runbook.weekend.views.rollback import IfRolledBack

RECENT = 12  # how many of the newest events the page lists


@dataclass(frozen=True, slots=True)
class EventLine:
    """One recent event as the page lists it."""

    at: int
    task: str | None
    title: str  # the task's title, or "" for a runbook-level event
    what: str  # ``done``, ``eta Sat 16:00``, ``decide NO-GO``
    kind: str
    actor: str
    note: str


@dataclass(frozen=True, slots=True)
class StatusPage:
    """Everything the status page shows, at the snapshot's moment."""

    plan: Plan
    now: int  # the moment the page is written (the figures stand at the close once closed)
    verdict: Verdict
    lead: Lead  # the headline in words: the page's banner
    overall: Progress  # its counts: tasks per status, the dropped ones apart
    teams: list[Progress]
    phases: list[Progress]
    ponr: PointOfNoReturn | None  # the next point of no return still ahead
    no_gos: tuple[OpenNoGo, ...]
    running: tuple[RunningRow, ...]
    alerts: list[Alert]
    recent: list[EventLine]
    snapshot: Snapshot  # for the timeline
    refresh: int | None  # seconds between rewrites (the page reloads itself); None: once
    aftercare: OpenAtClose | None = None  # what the close left open; None while it runs
    decisions: tuple[DecisionNeeded, ...] = ()  # gates waiting for a decision, and for whom
    rolled_back: IfRolledBack | None = None  # the next gate's rollback, if started now


def status_page(
    snap: Snapshot, events: Sequence[Event], *, refresh: int | None = None, recent: int = RECENT
) -> StatusPage:
    """The status page at the snapshot's moment, from the events in force at it."""
    plan = snap.plan
    view = briefing(snap, late_limit=0)
    lines = []
    for event in recent_events(events, recent):
        index = plan.index.get(event.task) if event.task else None
        lines.append(
            EventLine(
                event.at,
                event.task,
                plan.tasks[index].title if index is not None else "",
                event_summary(event, plan.zone),
                event.kind,
                event.actor,
                event.note or "",
            )
        )
    return StatusPage(
        plan=plan,
        now=snap.clock,
        verdict=view.verdict,
        lead=lead(view.verdict, plan.zone),
        overall=progress(snap),
        teams=progress_by(snap, "team"),
        phases=progress_by(snap, "phase") if any(t.phase for t in plan.tasks) else [],
        ponr=view.ponr,
        no_gos=view.no_gos,
        running=view.running,
        alerts=alerts(snap),
        recent=lines,
        snapshot=snap,
        refresh=refresh,
        aftercare=None if snap.closed is None else open_at_close(snap),
        decisions=tuple(view.decisions),
        rolled_back=view.rolled_back,
    )
