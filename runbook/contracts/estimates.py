"""Learned estimates in the JSON contracts (``plan``, ``readiness`` and ``status`` with
--estimates, ``readiness --learn``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runbook.format.durations import iso, minutes
from runbook.planning.learning import Estimates, TaskEstimate
from runbook.planning.plan import Plan

if TYPE_CHECKING:
    from runbook.reports.outlook import Outlook


def estimates_json(estimates: Estimates) -> dict[str, Any]:
    """The learned estimates a simulation used (``--estimates``, ``--learn``): where from,
    and per task its three points, the runbook's duration, and what it stands on (its own
    observed runs, or its team's factor and the runs of the team's tasks behind it)."""
    return {
        "source": estimates.source,
        "tasks": [{"id": e.id, **task_estimate_json(e)} for e in estimates.tasks.values()],
    }


def task_estimate_json(e: TaskEstimate) -> dict[str, Any]:
    """One task's learned estimate: ``from`` (history or team), the ``observations`` it
    stands on, the team's ``factor`` (null for history), the runbook's duration and the
    learned three points."""
    return {
        "from": e.source,
        "observations": e.observations,
        "factor": e.factor,
        "runbook_duration_minutes": minutes(e.planned),
        "optimistic_minutes": minutes(e.optimistic),
        "duration_minutes": minutes(e.duration),
        "pessimistic_minutes": minutes(e.pessimistic),
    }


def outlook_json(found: Outlook, plan: Plan) -> dict[str, Any]:
    """``runbook status --estimates FILE --json``'s ``outlook``: the simulation of the
    remaining work by the learned estimates (``p_on_time``, ``p50``, ``p80``, ``p95``,
    ``runs``, ``seed``) and the estimates it used (``estimates_json``)."""
    sim, zone = found.simulation, plan.zone
    return {
        "runs": sim.runs,
        "seed": sim.seed,
        "remaining_from": iso(found.now, zone),
        "p_on_time": None if sim.p_on_time is None else round(sim.p_on_time, 4),
        "p50": iso(sim.p50, zone),
        "p80": iso(sim.p80, zone),
        "p95": iso(sim.p95, zone),
        "estimates": estimates_json(found.estimates),
    }
