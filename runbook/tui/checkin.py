"""What the dashboard asks before a check-in, and says after it."""

from __future__ import annotations

from runbook.common.text import shown
from runbook.weekend.forecast import Snapshot
from runbook.weekend.views import contact

VERBS = {
    "start": "Start",
    "done": "Finish",
    "fail": "Mark as FAILED",
    "skip": "Skip",
    "undo": "Undo the last check-in of",
    "note": "Add a note to",
}
PAST = {
    "start": "started",
    "done": "done",
    "fail": "FAILED",
    "skip": "skipped",
    "undo": "undone",
    "note": "note added to",
}
ASK = {
    "fail": "What went wrong? (for the log)",
    "skip": "Why is it not needed? (for the log)",
    "note": "The note",
}


def question(kind: str, task_id: str) -> str:
    """``Finish backup?``."""
    return f"{VERBS[kind]} {task_id}?"


def detail(snap: Snapshot, task_id: str, actor: str) -> str:
    """The task, whom to call, its status and what it waits for, and who is recorded."""
    plan = snap.plan
    task = plan.tasks[plan.index[task_id]]
    state = snap.by_id(task_id)
    return (
        f"{shown(task.title)}\n"
        f"team: {shown(plan.team_name(task.team))}  "
        f"{shown(contact(plan, task.team))}\n"
        f"now: {state.status}"
        + (f" (waiting for {', '.join(state.blocked_by)})" if state.blocked_by else "")
        + f"   recorded as: {shown(actor)}"
    )


def recorded(kind: str, task: str | None, forced: bool) -> str:
    """The toast after a check-in: ``done backup``, ``started export (FORCED)``."""
    return f"{PAST[kind]} {task}" + (" (FORCED)" if forced else "")
