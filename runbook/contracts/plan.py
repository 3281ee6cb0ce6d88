"""The ``runbook plan --json`` contract: the schedule, and with a state file the forecast."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from runbook.common.limits import epoch_in_bounds
from runbook.format.durations import iso, minutes
from runbook.planning.plan import Plan

if TYPE_CHECKING:
    from runbook.planning.learning import Estimates
    from runbook.weekend.forecast import PullForward, Snapshot
    from runbook.weekend.views.whatif import WhatIfView


def plan_json(plan: Plan) -> dict[str, Any]:
    """``runbook plan --json``: tasks in file order, times ISO 8601 with the runbook's offset."""
    zone = plan.zone
    cache: dict[int, str | None] = {}
    known = cache.get
    # Every task's times lie between the start and the finish: when those are within the
    # years the product handles (as a valid plan's are), none needs clamping (``iso``).
    inside = epoch_in_bounds(plan.start) and epoch_in_bounds(plan.finish)
    moment = datetime.fromtimestamp

    def when(ts: int) -> str | None:
        # Thousands of tasks share a handful of times: format each once (``known(ts) or``
        # spares the call for the rest).
        text = cache[ts] = moment(ts, zone).isoformat() if inside else iso(ts, zone)
        return text

    # A whole number of minutes is worked out in line (most are): a call per figure of
    # each of 10,000 tasks is a tenth of the plan's JSON.
    return {
        "name": plan.name,
        "timezone": plan.timezone,
        "start": when(plan.start),
        "finish": known(plan.finish) or when(plan.finish),
        "deadline": None if plan.deadline is None else when(plan.deadline),
        "buffer_minutes": None if plan.buffer is None else minutes(plan.buffer),
        "critical_path": [plan.tasks[i].id for i in plan.critical_path],
        "tasks": [
            {
                "id": t.id,
                "title": t.title,
                "team": t.team,
                "phase": t.phase,
                "duration_minutes": t.duration // 60
                if type(t.duration) is int and not t.duration % 60
                else minutes(t.duration),
                "depends_on": t.depends_on,
                "earliest_start": known(t.es) or when(t.es),
                "earliest_finish": known(t.ef) or when(t.ef),
                "latest_start": known(t.ls) or when(t.ls),
                "latest_finish": known(t.lf) or when(t.lf),
                "total_float_minutes": t.total_float // 60
                if type(t.total_float) is int and not t.total_float % 60
                else minutes(t.total_float),
                "free_float_minutes": t.free_float // 60
                if type(t.free_float) is int and not t.free_float % 60
                else minutes(t.free_float),
                "critical": t.critical,
                "priority": t.priority,
            }
            for t in plan.tasks
        ],
    }


def with_forecast(
    plan_json: dict[str, Any], snap: Snapshot, pull: list[PullForward]
) -> dict[str, Any]:
    """``runbook plan --json`` with a state file: the plan contract, plus each task's
    ``status``, ``forecast_start`` and ``forecast_finish``, and a ``forecast`` object with
    ``now``, ``baseline_finish``, ``forecast_finish``, ``ahead_minutes`` and ``pull_forward``
    (tasks only their not_before holds back, ranked by what pulling each gains on the finish,
    then on the next gate or milestone)."""
    zone = snap.plan.zone
    by_id = {s.id: s for s in snap.tasks}
    for row in plan_json["tasks"]:
        state = by_id.get(row["id"])
        if state is not None:
            row["status"] = state.status
            row["forecast_start"] = iso(state.forecast_start, zone)
            row["forecast_finish"] = iso(state.forecast_finish, zone)
    plan_json["forecast"] = {
        "now": iso(snap.now, zone),
        "baseline_finish": iso(snap.baseline_finish, zone),
        "forecast_finish": iso(snap.forecast_finish, zone),
        "ahead_minutes": minutes(snap.ahead),
        "pull_forward": [
            {
                "id": p.id,
                "not_before": iso(p.not_before, zone),
                "could_start": iso(p.could_start, zone),
                "gain_minutes": minutes(p.gain),
                "finish_gain_minutes": minutes(p.finish_gain),
                "milestone": p.milestone,
                "milestone_gain_minutes": minutes(p.milestone_gain),
                "command": p.command,
            }
            for p in pull
        ],
    }
    return plan_json


def with_learned(plan_json: dict[str, Any], plan: Plan, learned: Estimates) -> dict[str, Any]:
    """``runbook plan --estimates FILE --json``: each task with a learned estimate gets a
    ``learned`` object (its three points, ``from`` history or its team's factor, the
    observations); an ``estimates`` object says where they came from and the finish the
    plan would have with the learned durations (``learned_finish``)."""
    from runbook.contracts.estimates import task_estimate_json
    from runbook.planning.learning import learned_finish

    for row in plan_json["tasks"]:
        found = learned.tasks.get(row["id"])
        if found is not None:
            row["learned"] = task_estimate_json(found)
    plan_json["estimates"] = {
        "source": learned.source,
        "from_history": len(learned.from_history),
        "from_team": len(learned.from_team),
        "learned_finish": iso(learned_finish(plan, learned), plan.zone),
    }
    return plan_json


def for_team(plan_json: dict[str, Any], plan: Plan, team: str) -> dict[str, Any]:
    """``runbook plan --team TEAM --json``: the plan contract with only the team's tasks, its
    part of the critical path (and of ``forecast.pull_forward``), and a ``team`` object;
    ``finish``, ``deadline`` and ``buffer_minutes`` stay the weekend's."""
    from runbook.weekend.views.team import team_indices

    mine = {plan.tasks[i].id for i in team_indices(plan, team)}
    plan_json["critical_path"] = [i for i in plan_json["critical_path"] if i in mine]
    plan_json["team"] = {"id": team, "name": plan.team_name(team)}
    plan_json["tasks"] = [row for row in plan_json["tasks"] if row["id"] in mine]
    forecast = plan_json.get("forecast")
    if forecast is not None:
        forecast["pull_forward"] = [p for p in forecast["pull_forward"] if p["id"] in mine]
    return plan_json


def plan_contract(
    plan: Plan,
    *,
    snap: Snapshot | None = None,
    pull: list[PullForward] | None = None,
    team: str | None = None,
    learned: Estimates | None = None,
) -> dict[str, Any]:
    """The whole ``runbook plan --json`` object: the plan, with the forecast when a weekend
    is under way (``snap`` and ``pull``), with the ``learned`` estimates when given, cut to
    ``team``'s tasks when one is given."""
    data = plan_json(plan)
    if snap is not None and pull is not None:
        data = with_forecast(data, snap, pull)
    if learned is not None:
        data = with_learned(data, plan, learned)
    if team is not None:
        data = for_team(data, plan, team)
    return data


def what_if_json(view: WhatIfView, plan: Plan) -> dict[str, Any]:
    """``runbook plan --what-if ... --json``: the ``what_if`` object beside the forecast (which
    is then the forecast with the changes): ``changes``, the ``now`` and ``what_if`` finish and
    ``ahead_minutes``, each gate's ``points_of_no_return`` (its point, and the gate's forecast
    now and with the changes), and the tasks that ``moved``."""
    zone = plan.zone
    return {
        "changes": list(view.changes),
        "now": {
            "forecast_finish": iso(view.before.forecast_finish, zone),
            "ahead_minutes": minutes(view.before.ahead),
        },
        "what_if": {
            "forecast_finish": iso(view.after.forecast_finish, zone),
            "ahead_minutes": minutes(view.after.ahead),
        },
        "points_of_no_return": [
            {
                "gate": p.gate,
                "point": iso(p.point, zone),
                "gate_forecast_now": iso(p.before, zone),
                "gate_forecast_what_if": iso(p.after, zone),
            }
            for p in view.points
        ],
        "moved": [
            {
                "id": m.id,
                "forecast_start_now": iso(m.before_start, zone),
                "forecast_finish_now": iso(m.before_finish, zone),
                "forecast_start_what_if": iso(m.after_start, zone),
                "forecast_finish_what_if": iso(m.after_finish, zone),
                "shift_minutes": minutes(m.shift),
                "critical": m.critical,
            }
            for m in view.moved
        ],
    }
