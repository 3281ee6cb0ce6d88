"""The readiness report and the review as JSON: every figure, times ISO 8601 with offset."""

from __future__ import annotations

from typing import Any

from runbook.contracts.estimates import estimates_json
from runbook.contracts.validation import problem_json
from runbook.contracts.weekend import progress_json, rehearsal_json
from runbook.format.durations import iso, minutes
from runbook.planning.plan import Plan
from runbook.reports.readiness import ReadinessReport
from runbook.reports.review import Review, ReviewRow
from runbook.weekend.aftercare import Handover


def readiness_json(report: ReadinessReport) -> dict[str, Any]:
    """``runbook readiness --format json``."""
    plan = report.plan
    zone = plan.zone if plan is not None else None

    def when(seconds: int | None) -> str | None:
        return iso(seconds, zone) if zone is not None and seconds is not None else None

    data: dict[str, Any] = {
        "runbook": plan.name if plan else None,
        "file": report.source,
        "generated": when(report.now),
        # A rehearsal's state (``rehearsal`` is the evidence of ``--rehearsal STATE``).
        "rehearsal_clock": rehearsal_json(plan) if plan is not None else None,
        "recommendation": report.recommendation,
        "findings": [
            {"rule": f.rule, "outcome": f.outcome, "message": f.message} for f in report.findings
        ],
        "validation": {
            "valid": plan is not None,
            "problems": [problem_json(p, report.source) for p in report.problems],
        },
        "missing": report.missing,
        "rules": report.rules.model_dump(),
    }
    if plan is None:
        return data
    by_index = {t.id: i for i, t in enumerate(plan.tasks)}
    data["schedule"] = {
        "start": when(plan.start),
        "finish": when(plan.finish),
        "deadline": when(plan.deadline),
        "buffer_minutes": None if plan.buffer is None else minutes(plan.buffer),
        "critical_path": [plan.tasks[i].id for i in plan.critical_path],
        "near_critical": [{"id": i, "float_minutes": minutes(f)} for i, f in report.near_critical],
        "optional_work": {
            "tasks": report.optional.tasks if report.optional else [],
            "minutes": minutes(report.optional.work if report.optional else 0),
            "buffer_gain_minutes": minutes(report.optional.buffer_gain if report.optional else 0),
        },
    }
    snap, done = report.snapshot, report.progress
    if snap is not None and done is not None:  # during the weekend: the live forecast too
        data["schedule"].update(
            {
                "as_of": when(report.now),
                "forecast_finish": when(snap.forecast_finish),
                "ahead_minutes": minutes(snap.ahead),
                "spare_minutes": None if snap.spare is None else minutes(snap.spare),
                # The snapshot's own plan: a rollback's tasks once one runs.
                "remaining_critical_path": [snap.plan.tasks[i].id for i in snap.critical_path],
                "counts": done.counts,
                "progress": progress_json(done),
                "later_events_left_out": report.later_events,
                "dropped": [
                    {
                        "id": t.id,
                        "team": plan.tasks[t.index].team,
                        "priority": plan.tasks[t.index].priority,
                        "reason": t.reason,
                    }
                    for t in report.dropped
                ],
                "skipped": [{"id": t.id, "reason": t.reason} for t in report.skipped],
            }
        )
    data["gates"] = [
        {
            "id": g.id,
            "title": g.title,
            "criteria": g.criteria,
            "approvers": g.approvers,
            "rollback_minutes": None if g.ponr.rollback is None else minutes(g.ponr.rollback),
            "rollback_tasks": g.rollback_tasks,
            "planned": when(g.ponr.planned),
            "point_of_no_return": when(g.ponr.point),
            "margin_minutes": None if g.ponr.margin is None else minutes(g.ponr.margin),
            "decision": g.decision,
            "decided_by": g.decided_by,
            "decisions": [
                {
                    "decision": d.verdict,
                    "stage": d.stage,
                    "approver": d.who,
                    "recorded_by": d.recorded_by,
                    "at": when(d.at),
                    "note": d.note,
                }
                for d in g.decisions
            ],
            "waiting": g.waiting,
            "rollback_on_time": g.rollback_on_time,
            **(
                {
                    "status": g.status,
                    "standing": g.standing,
                    "forecast": when(g.ponr.forecast),
                    "forecast_margin_minutes": None
                    if g.ponr.forecast_margin is None
                    else minutes(g.ponr.forecast_margin),
                }
                if snap is not None
                else {}
            ),
        }
        for g in report.gates
    ]
    sim = report.simulation
    if sim is not None:
        data["simulation"] = {
            "runs": sim.runs,
            "seed": sim.seed,
            "p_on_time": None if sim.p_on_time is None else round(sim.p_on_time, 4),
            "p50": when(sim.p50),
            "p80": when(sim.p80),
            "p95": when(sim.p95),
            "mean": when(sim.mean),
            "earliest": when(sim.earliest),
            "latest": when(sim.latest),
            "deterministic_finish": when(sim.deterministic_finish),
            **({"remaining_from": when(report.now)} if snap is not None else {}),
            "histogram": [{"from": when(a), "to": when(b), "runs": n} for a, b, n in sim.histogram],
            "criticality": [
                {"id": t.id, "index": round(sim.criticality[by_index[t.id]], 4)}
                for t in sorted(plan.tasks, key=lambda t: -sim.criticality[by_index[t.id]])
                if sim.criticality[by_index[t.id]] > 0
            ],
        }
    if report.estimates is not None:
        data["estimates"] = estimates_json(report.estimates)
    if report.rehearsal is not None:
        r = report.rehearsal
        data["rehearsal"] = {
            "file": r.source,
            "tasks": [
                {
                    "id": e.id,
                    "planned_minutes": minutes(e.planned),
                    "actual_minutes": minutes(e.actual),
                    "overrun_minutes": minutes(e.overrun),
                    "suggested": {
                        "optimistic_minutes": minutes(e.optimistic),
                        "duration_minutes": minutes(e.suggested),
                        "pessimistic_minutes": minutes(e.pessimistic),
                    },
                }
                for e in r.tasks
            ],
            "most_overrun": [e.id for e in r.overruns[:10]],
            "not_done": r.not_done,
        }
    data["risks"] = [
        {
            "id": r.id,
            "title": r.title,
            "likelihood": r.likelihood,
            "impact": r.impact,
            "score": r.score,
            "owner": r.owner,
            "mitigation": r.mitigation,
            "status": r.status,
            "tasks": r.tasks,
        }
        for r in report.risks
    ]
    data["readiness"] = [
        {
            "id": i.id,
            "title": i.title,
            "owner": i.owner,
            "due": when(i.due),
            "done_by": i.done_by,
            "done_at": when(i.done_at),
            "overdue": i.overdue,
        }
        for i in report.items
    ]
    data["signoffs"] = [
        {
            "team": s.team,
            "name": s.name,
            "lead": s.lead,
            "signed_by": s.by,
            "at": when(s.at),
            "signers": [{"by": x.by, "at": when(x.at)} for x in s.signers],
        }
        for s in report.signoffs
    ]
    return data


def review_json(review: Review) -> dict[str, Any]:
    """``runbook review --format json``."""
    zone = review.plan.zone

    def when(seconds: int | None) -> str | None:
        return iso(seconds, zone) if seconds is not None else None

    def mins(seconds: int | None) -> int | float | None:
        return None if seconds is None else minutes(seconds)

    return {
        "runbook": review.plan.name,
        "generated": when(review.now),
        "rehearsal": rehearsal_json(review.plan),
        "baseline_finish": when(review.baseline_finish),
        "actual_finish": when(review.actual_finish),
        "slip_minutes": mins(review.slip),
        "deadline": when(review.plan.deadline),
        "counts": review.counts,
        "progress": progress_json(review.progress),
        "tasks": [
            {
                "id": r.id,
                "team": r.team,
                "status": r.status,
                "planned_start": when(r.planned_start),
                "planned_finish": when(r.planned_finish),
                "actual_start": when(r.actual_start),
                "actual_finish": when(r.actual_finish),
                "planned_minutes": mins(r.planned),
                "actual_minutes": mins(r.actual),
                "worked_minutes": mins(r.worked),
                "lost_minutes": mins(r.lost),
                "finish_slip_minutes": mins(r.finish_slip),
                "own_overrun_minutes": mins(r.own_overrun),
                "inherited_minutes": mins(r.inherited),
                "reason": r.reason,
                "rollback": r.rollback,
                "started_by": r.started_by,
                "finished_by": r.finished_by,
            }
            for r in review.rows
        ],
        "teams": [
            {
                "team": t.team,
                "name": t.name,
                "tasks": t.tasks,
                "done": t.done,
                "dropped": t.dropped,
                "dropped_must": t.dropped_must,
                "skipped": t.skipped,
                "planned_minutes": mins(t.planned),
                "actual_minutes": mins(t.actual),
                "overrun_minutes": mins(t.overrun),
                "lost_minutes": mins(t.lost),
            }
            for t in review.teams
        ],
        "lateness_minutes": mins(review.lateness),
        "root_causes": [
            {
                "id": c.id,
                "team": c.team,
                "caused_minutes": mins(c.caused),
                "own_overrun_minutes": mins(c.overrun),
                "own_late_start_minutes": mins(c.late_start),
                "lost_minutes": mins(c.lost),
            }
            for c in review.root_causes
        ],
        "biggest_slips": [
            {
                "id": s.id,
                "finish_slip_minutes": mins(s.finish_slip),
                "own_overrun_minutes": mins(s.own_overrun),
                "lost_minutes": mins(s.lost),
                "inherited_minutes": mins(s.inherited),
                "came_from": s.came_from,
            }
            for s in review.slips
        ],
        "closed": None
        if review.closed is None
        else {
            "at": when(review.closed.at),
            "by": review.closed.actor,
            "reason": review.closed.note,
        },
        "aftercare": [aftercare_item_json(r, h, review.plan) for r, h in review.aftercare_items],
        "unowned": review.unowned,
        "dropped": [
            {
                "id": r.id,
                "team": r.team,
                "reason": r.reason,
                "actual_start": when(r.actual_start),
                "worked_minutes": mins(r.worked),
            }
            for r in review.dropped
        ],
        "skipped": [{"id": r.id, "reason": r.reason} for r in review.skipped],
        "notes": [
            {"at": when(e.at), "task": e.task, "kind": e.summary, "by": e.actor, "note": e.note}
            for e in review.notes
        ],
        "revisions": [
            {
                "at": when(r.at),
                "task": r.task,
                "kind": r.kind,
                "what": r.what,
                "by": r.actor,
                "reason": r.reason,
                "withdrawn": r.withdrawn,
            }
            for r in review.revisions
        ],
        "forced": [
            {
                "at": when(o.at),
                "task": o.task,
                "kind": o.what,
                "by": o.actor,
                "overrode": o.overrode,
                "reason": o.reason,
                "withdrawn": o.withdrawn,
                "against_rules": o.against,
                "login": o.login,
            }
            for o in review.forced
        ],
        "runbook_revisions": [
            {
                "version": v.number,
                "at": when(v.at),
                "by": v.event.actor,  # the login is in the log, as for the other lists
                "reason": v.reason,
                "summary": v.summary,
                "digest": v.digest,
            }
            for v in review.runbook_revisions
        ],
        "nogos": [
            {"at": when(e.at), "gate": e.task, "by": e.actor, "note": e.note} for e in review.nogos
        ],
        "accuracy": [
            {
                "team": a.team,
                "name": a.name,
                "done": a.measured,
                "within_estimate": a.within,
                "median_overrun_minutes": mins(a.median_overrun),
                "worst_overrun_minutes": mins(a.worst_overrun),
                "worst_task": a.worst_task,
                "three_point": a.three_point,
                "within_pessimistic": a.within_pessimistic,
            }
            for a in review.accuracy
        ],
        "lessons": [
            {
                "phase": g.phase,
                "team": g.team,
                "lessons": [
                    {"at": when(x.at), "text": x.text, "by": x.actor, "task": x.task}
                    for x in g.lessons
                ],
            }
            for g in review.lessons
        ],
    }


def aftercare_item_json(row: ReviewRow, handover: Handover, plan: Plan) -> dict[str, Any]:
    """One item of the aftercare list with its handover: the review's, and ``runbook
    aftercare --format json``'s."""
    zone = plan.zone
    return {
        "id": row.id,
        "title": row.title,
        "status": row.status,
        "dropped": row.dropped,
        "carried_over": row.carried,
        "priority": row.priority,
        "team": row.team,
        "reason": row.reason,
        "actual_start": iso(row.actual_start, zone) if row.actual_start is not None else None,
        "worked_minutes": None if row.worked is None else minutes(row.worked),
        "owner": handover.owner,
        "due": iso(handover.due, zone) if handover.due is not None else None,
        "ticket": handover.ticket,
        "handover_notes": list(handover.notes),
    }


def aftercare_json(review: Review) -> dict[str, Any]:
    """``runbook aftercare --format json``: the aftercare list for a service desk's tool, one
    item a task, with its handover."""
    return {
        "runbook": review.plan.name,
        "generated": iso(review.now, review.plan.zone),
        "items": [aftercare_item_json(r, h, review.plan) for r, h in review.aftercare_items],
        "unowned": review.unowned,
    }
