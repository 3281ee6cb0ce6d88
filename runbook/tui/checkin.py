"""What the dashboard asks before a check-in, and says after it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.app import App

from runbook.common.errors import RunbookError
from runbook.common.text import shown
from runbook.tui.screens import Answer, ConfirmScreen, RefusedScreen, Verdict
from runbook.weekend.forecast import Snapshot
from runbook.weekend.usecases import Weekend
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
TOLD = {"start", "done"}  # kinds whose time may be told by phone, like the CLI's --at
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


@dataclass
class CheckInFlow:
    """A check-in from the keyboard: ask the core what it would refuse, confirm it (or force
    it deliberately), and record it through the same rules as the CLI."""

    app: App[None]
    weekend: Weekend
    actor: str
    host: str
    recorded: Callable[[], None]  # called after something was recorded

    def begin(self, kind: str, task_id: str, snap: Snapshot) -> None:
        """Ask to confirm (and for the reason or note the kind needs, and for a start or a
        finish the time it happened); a check-in the rules would refuse says so here."""
        self.app.push_screen(
            ConfirmScreen(
                question(kind, task_id),
                detail(snap, task_id, self.actor),
                ASK.get(kind),
                when=kind in TOLD,
                check=lambda told: self.verdict(kind, task_id, told),
            ),
            lambda answer: self.record(kind, task_id, answer),
        )

    def verdict(self, kind: str, task_id: str, told: str) -> Verdict:
        """What the core says of this check-in at the time told ("": now), writing nothing."""
        try:
            at = self.weekend.read_time(told, what="the time") if told.strip() else None
            refused = self.weekend.would_refuse(kind, task_id, at=at)
        except RunbookError as exc:
            return Verdict(problem=exc.message + (f" ({exc.hint})" if exc.hint else ""))
        if refused is None:
            return Verdict(at=at)
        return Verdict(at, None, refused.message, refused.hint, refused.forceable)

    def record(self, kind: str, task_id: str, answer: Answer | None) -> None:
        """Record the confirmed check-in (nothing when the dialog was cancelled)."""
        if answer is None:
            return
        try:
            result = self.weekend.record(
                kind,
                [task_id],
                actor=self.actor,
                host=self.host,
                at=answer.at,
                note=answer.text or None,
                force=answer.force,
            )
        except RunbookError as exc:
            self.app.push_screen(RefusedScreen(exc.message, exc.hint, False))
            return
        if result.refused:
            # Recorded by someone else between the dialog and now: say so, offer to force.
            _, refusal = result.refused[0]
            forced = replace(answer, force=True)
            self.app.push_screen(
                RefusedScreen(refusal.message, refusal.hint, refusal.forceable),
                lambda force: self.record(kind, task_id, forced) if force else None,
            )
            return
        for event in result.events:
            self.app.notify(recorded(kind, event.task, event.forced), timeout=4)
        self.recorded()
