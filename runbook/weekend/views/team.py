"""One team's share of the weekend: its tasks, what it runs, can start, and does next.

The CLI (``status --team``, ``plan --team``) and the dashboard's filter call these, so a team
sees the same tasks everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from runbook.planning.plan import Plan
from runbook.weekend.forecast import (
    PENDING,
    PullForward,
    Snapshot,
    TaskState,
    ready_to_start,
    running_now,
)

# How many of a team's pending tasks "next" lists by default.
UPCOMING = 5


def team_indices(plan: Plan, team: str) -> list[int]:
    """The indices of the tasks assigned to ``team`` (a resolved id), in runbook order."""
    return [i for i, task in enumerate(plan.tasks) if task.team == team]


def team_states(snap: Snapshot, team: str) -> list[TaskState]:
    """The states of the team's tasks, in runbook order."""
    return [snap.tasks[i] for i in team_indices(snap.plan, team)]


@dataclass(frozen=True, slots=True)
class TeamView:
    """What one team has on its plate at the snapshot's moment."""

    team: str
    name: str
    tasks: list[TaskState]  # all of the team's tasks
    running: list[TaskState]  # running or failed
    ready: list[TaskState]  # can start, in the order to call them
    upcoming: list[TaskState]  # not yet ready: the next ones by forecast start
    waiting: int  # how many pending tasks there are in all (upcoming shows the first few)
    critical: list[TaskState]  # the team's tasks on the remaining critical path, in its order
    pull: list[PullForward]  # the team's tasks only their not_before holds back


def team_view(
    snap: Snapshot, team: str, pull: Sequence[PullForward] = (), *, upcoming: int = UPCOMING
) -> TeamView:
    """The team's running, ready and next tasks, and its part of the remaining critical path."""
    plan = snap.plan
    states = team_states(snap, team)
    mine = {s.index for s in states}
    pending = sorted(
        (s for s in states if s.status == PENDING), key=lambda s: (s.forecast_start, s.index)
    )
    return TeamView(
        team=team,
        name=plan.team_name(team),
        tasks=states,
        running=running_now(states),
        ready=ready_to_start(states),
        upcoming=pending[:upcoming],
        waiting=len(pending),
        critical=[snap.tasks[i] for i in snap.critical_path if i in mine],
        pull=[p for p in pull if plan.index[p.id] in mine],
    )
