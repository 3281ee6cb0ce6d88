"""The ``--json`` contracts of the weekend: status, the log, recorded events, the baseline."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from runbook.format.durations import iso, minutes
from runbook.planning.plan import Plan
from runbook.weekend.events import Event
from runbook.weekend.forecast import Snapshot, TaskState
from runbook.weekend.recover import Option, Recovery
from runbook.weekend.versions import Version
from runbook.weekend.views import Verdict, lead, needs_decision, open_no_gos, split_ready
from runbook.weekend.views import verdict as verdict_of
from runbook.weekend.views.progress import Progress, progress
from runbook.weekend.views.team import team_states


def event_json(event: Event, plan: Plan) -> dict[str, Any]:
    """One event: ``{"seq", "at", "recorded", "task", "kind", "actor", "host", "note",
    "forced", "data", "login", "against_rules"}``; times ISO 8601 with the runbook's offset.
    ``login``: the database login that recorded it (PostgreSQL; null on a state file);
    ``against_rules``: the refusal the check-in rules give for an event recorded without
    force all the same (null otherwise)."""
    zone = plan.zone
    return {
        "seq": event.seq,
        "at": iso(event.at, zone),
        "recorded": iso(event.recorded, zone),
        "task": event.task,
        "kind": event.kind,
        "actor": event.actor,
        "host": event.host,
        "note": event.note,
        "forced": event.forced,
        "data": event.data,
        "login": event.login,
        "against_rules": event.against,
    }


def log_json(events: list[Event], plan: Plan) -> list[dict[str, Any]]:
    """``runbook log --json``: the events, oldest first, each as ``event_json``."""
    return [event_json(e, plan) for e in events]


def baseline_json(plan: Plan, baseline: Plan, taken: Event | None) -> dict[str, Any]:
    """``runbook baseline --json``: ``{"baseline", "baseline_finish", "current_finish",
    "runbook_changed"}``; ``baseline`` is the event that took it (null before the first
    check-in), ``runbook_changed`` whether the runbook changed since."""
    return {
        "baseline": None if taken is None else event_json(taken, plan),
        "baseline_finish": iso(baseline.finish, baseline.zone),
        "current_finish": iso(plan.finish, plan.zone),
        "runbook_changed": taken is not None and taken.data.get("digest") != plan.digest,
    }


def task_state_json(state: TaskState, snap: Snapshot) -> dict[str, Any]:
    """One task in ``runbook status --json``."""
    zone = snap.plan.zone
    task = snap.plan.tasks[state.index]
    start_var, duration_var = state.start_variance, state.duration_variance
    finish_var = state.finish_variance
    return {
        "id": state.id,
        "team": task.team,
        "status": state.status,
        "planned_start": iso(state.planned_start, zone),
        "planned_finish": iso(state.planned_finish, zone),
        "actual_start": iso(state.actual_start, zone),
        "actual_finish": iso(state.actual_finish, zone),
        "forecast_start": iso(state.forecast_start, zone),
        "forecast_finish": iso(state.forecast_finish, zone),
        "late": state.late,
        "critical": state.critical,
        "start_variance_minutes": None if start_var is None else minutes(start_var),
        "duration_variance_minutes": None if duration_var is None else minutes(duration_var),
        "finish_variance_minutes": None if finish_var is None else minutes(finish_var),
        "reason": state.reason,
        "forced": state.forced,
        "decision_needed": needs_decision(snap, state),
        "resumed": state.resumed,
        "lost_minutes": minutes(state.lost),
        "worked_minutes": minutes(state.worked),
        "eta": iso(state.eta, zone),
        "revised_duration_minutes": None
        if state.revised_duration is None
        else minutes(state.revised_duration),
        "pulled": state.pulled,
        "priority": task.priority,
        "dropped": state.dropped,
    }


def verdict_json(verdict: Verdict, plan: Plan) -> dict[str, Any]:
    """The headline every face leads with: ``{"headline", "text", "pace", "ahead_minutes",
    "finish", "deadline", "spare_minutes", "closed", "no_go", "finish_held"}``. ``headline``
    is CLOSED, NO-GO, AHEAD, BEHIND or ON PLAN (the first that holds, in that order);
    ``text`` the headline in words; ``pace`` ahead or behind, always; ``finish`` the
    forecast finish, or the close once closed."""
    zone = plan.zone
    said = lead(verdict, zone)
    closed, nogo, held = verdict.closed, verdict.no_go, verdict.held
    return {
        "headline": str(said.state),
        "text": said.line,
        "pace": verdict.word,
        "ahead_minutes": minutes(verdict.ahead),
        "finish": iso(verdict.forecast_finish, zone),
        "deadline": iso(verdict.deadline, zone),
        "spare_minutes": None if verdict.spare is None else minutes(verdict.spare),
        "closed": None
        if closed is None
        else {"at": iso(closed.at, zone), "by": closed.actor, "reason": closed.note},
        "no_go": None
        if nogo is None
        else {
            "gate": nogo.gate,
            "start_rollback_by": iso(nogo.start_by, zone),
            "rollback_minutes": None if nogo.rollback is None else minutes(nogo.rollback),
        },
        "finish_held": None
        if held is None
        else {
            "by": iso(held.by, zone),
            "task": held.task,
            "next": held.mark,
            "next_ahead_minutes": None if held.mark_ahead is None else minutes(held.mark_ahead),
        },
        "rolling_back": None
        if (rolling := verdict.rolling) is None
        else {
            "gate": rolling.gate,
            "started": iso(rolling.started, zone),
            "ends": iso(rolling.ends, zone),
            "point_of_no_return": iso(rolling.point, zone),
            "finished": rolling.finished,
        },
    }


def progress_json(done: Progress) -> dict[str, Any]:
    """How far some work has come, by the core's counting rule: ``{"done", "wanted",
    "total", "dropped", "dropped_must", "skipped", "work_done_minutes",
    "work_wanted_minutes", "share"}``; ``wanted`` = total - dropped - skipped, ``share`` the
    work done over the work still wanted (0..1)."""
    return {
        "done": done.done,
        "wanted": done.wanted,
        "total": done.total,
        "dropped": done.dropped,
        "dropped_must": done.dropped_must,
        "skipped": done.skipped,
        "work_done_minutes": minutes(done.work_done),
        "work_wanted_minutes": minutes(done.work_wanted),
        "share": round(done.weighted, 4),
    }


def version_json(version: Version | None, zone: tzinfo) -> dict[str, Any] | None:
    """The version of the runbook in force (issue 23): ``{"number", "since", "by", "reason",
    "summary", "digest"}`` (reason and summary null for the one the weekend began with), or
    None when the log records none yet (the runbook file is then the plan)."""
    if version is None:
        return None
    return {
        "number": version.number,
        "since": iso(version.at, zone),
        "by": version.event.actor,
        "login": version.event.login,
        "reason": version.reason,
        "summary": version.summary,
        "digest": version.digest,
    }


def status_json(
    snap: Snapshot, team: str | None = None, version: Version | None = None
) -> dict[str, Any]:
    """``runbook status --json``: ``{"now", "baseline_finish", "forecast_finish",
    "deadline", "ahead_minutes", "counts", "critical_path", "next_point_of_no_return",
    "decisions_needed", "no_go", "verdict", "team", "tasks", "later_events", "progress",
    "rehearsal"}`` (``rehearsal_json``: null on the weekend itself).
    ``counts``: tasks per status, the dropped ones apart from the skipped ones; ``progress``:
    ``progress_json``. With a team, the counts, the progress, the critical path and the tasks
    are the team's own; the finish and ahead/behind stay the weekend's. ``later_events``: how
    many events a replay at ``now`` left out. ``runbook_version``: the version of the runbook
    in force at ``now`` (``version_json``). ``verdict``: the headline (``verdict_json``);
    once the weekend is closed, the figures stand at the close (``verdict.closed.at``), and
    ``now`` stays the moment asked for."""
    zone = snap.plan.zone
    chosen = snap.tasks if team is None else team_states(snap, team)
    mine = {s.index for s in chosen}
    done = progress(snap, None if team is None else chosen)
    deadline = snap.plan.deadline
    from runbook.weekend.gates import next_point_of_no_return
    from runbook.weekend.views.rollback import if_rolled_back

    ponr = next_point_of_no_return(snap)
    rolled = if_rolled_back(snap)
    return {
        "now": iso(snap.clock, zone),
        "baseline_finish": iso(snap.baseline_finish, zone),
        "forecast_finish": iso(snap.forecast_finish, zone),
        "deadline": iso(deadline, zone),
        "ahead_minutes": minutes(snap.ahead),
        "counts": done.counts,
        "critical_path": [snap.plan.tasks[i].id for i in snap.critical_path if i in mine],
        "next_point_of_no_return": None
        if ponr is None or ponr.point is None
        else {
            "gate": ponr.gate,
            "at": iso(ponr.point, zone),
            "minutes_left": minutes(ponr.point - snap.now),
            "rollback_minutes": minutes(ponr.rollback or 0),
        },
        "if_rolled_back_now": None
        if rolled is None
        else {
            "gate": rolled.gate,
            "ends": iso(rolled.ends, zone),
            "past_deadline_minutes": None if rolled.late is None else minutes(rolled.late),
        },
        "team": None if team is None else {"id": team, "name": snap.plan.team_name(team)},
        "decisions_needed": [
            {
                "gate": d.gate,
                "approvers": d.approvers,
                "since": iso(d.since, zone),
                "waiting_for": None
                if d.waiting is None
                else {
                    "stage": d.waiting.stage.name,
                    "needs": d.waiting.still_needed,
                    "not_yet": list(d.waiting.not_yet),
                },
                "given": [
                    {
                        "stage": g.stage,
                        "approver": g.who,
                        "recorded_by": g.recorded_by,
                        "at": iso(g.at, zone),
                    }
                    for g in d.given
                ],
            }
            for d in split_ready(snap, chosen)[1]
        ],
        "no_go": [
            {
                "gate": n.gate,
                "decided_at": iso(n.decided.at, zone),
                "decided_by": n.decided.who,
                "recorded_by": n.decided.recorded_by,
                "stage": n.decided.stage,
                "note": n.decided.note,
                "rollback_minutes": None if n.rollback is None else minutes(n.rollback),
                "rollback_tasks": n.rollback_tasks,
                "start_rollback_by": iso(n.start_by, zone),
            }
            for n in open_no_gos(snap)
        ],
        "verdict": verdict_json(verdict_of(snap), snap.plan),
        "tasks": [task_state_json(s, snap) for s in chosen],
        "later_events": snap.later_events,
        "progress": progress_json(done),
        "runbook_version": version_json(version, zone),
        "rehearsal": rehearsal_json(snap.plan),
    }


def rehearsal_json(plan: Plan) -> dict[str, Any] | None:
    """A rehearsal on its own date (``runbook rehearse``): ``{"start", "runbook_start",
    "offset_minutes"}``, its start and the runbook's, and how far its clock is moved (every
    time in the output is the rehearsal's); None on the weekend itself."""
    if not plan.offset:
        return None
    zone = plan.zone
    return {
        "start": iso(plan.start, zone),
        "runbook_start": iso(plan.start - plan.offset, zone),
        "offset_minutes": minutes(plan.offset),
    }


def recover_json(recovery: Recovery, plan: Plan) -> dict[str, Any]:
    """``runbook recover --json``: ``{"now", "behind_minutes", "deadline", "forecast_finish",
    "needed", "enough", "late_gates", "options", "more_options", "candidates", "no_gain",
    "best", "holding", "evaluated", "cut_short"}``. ``options``: the sets of tasks to drop,
    smallest first, each ``{"tasks", "gain_minutes", "forecast_finish", "meets_deadline",
    "gates_in_time"}``; ``best``: dropping every candidate, when no option recovers."""
    zone = plan.zone

    def option(o: Option) -> dict[str, Any]:
        return {
            "tasks": list(o.tasks),
            "gain_minutes": minutes(o.gain),
            "forecast_finish": iso(o.forecast_finish, zone),
            "meets_deadline": o.meets_deadline,
            "gates_in_time": o.gates_in_time,
        }

    return {
        "now": iso(recovery.now, zone),
        "behind_minutes": minutes(recovery.behind),
        "deadline": iso(recovery.deadline, zone),
        "forecast_finish": iso(recovery.forecast_finish, zone),
        "needed": recovery.needed,
        "enough": recovery.enough,
        "late_gates": [
            {
                "gate": g.gate,
                "point_of_no_return": iso(g.point, zone),
                "forecast": iso(g.forecast, zone),
                "late_minutes": minutes(g.late),
                "passed": g.passed,
            }
            for g in recovery.late_gates
        ],
        "options": [option(o) for o in recovery.options],
        "more_options": recovery.more_options,
        "candidates": recovery.candidates,
        "no_gain": recovery.no_gain,
        "best": None if recovery.best is None else option(recovery.best),
        "holding": recovery.holding,
        "evaluated": recovery.evaluated,
        "cut_short": recovery.cut_short,
    }
