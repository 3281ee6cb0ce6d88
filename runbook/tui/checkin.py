"""What the dashboard asks before a check-in, and says after it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from textual.app import App

from runbook.common.errors import RunbookError
from runbook.common.text import shown
from runbook.format.durations import FUTURE, PAST, clock
from runbook.tui.follow import News, look
from runbook.tui.screens import Answer, AskScreen, ConfirmScreen, RefusedScreen, Verdict
from runbook.tui.screens.dialogs import Check
from runbook.tui.store_io import StoreIO
from runbook.usecases import Weekend
from runbook.usecases.live import Live
from runbook.weekend.checkin import CheckIn
from runbook.weekend.forecast import Snapshot
from runbook.weekend.views import contact
from runbook.weekend.views.checkin import VERBS as DONE_VERBS

VERBS = {
    "start": "Start",
    "done": "Finish",
    "fail": "Mark as FAILED",
    "skip": "Skip",
    "undo": "Undo the last check-in of",
    "note": "Add a note to",
    "eta": "Set a new eta for",
    "estimate": "Set a new estimate for",
    "pull": "Pull forward",
}
# What a revision asks for first (its value), read by the core as the CLI reads it.
REVISE = {
    "eta": "New expected finish of {task}: 14:00, +2h (from now) or 2026-12-05T14:00",
    "estimate": "How long will {task} take now? e.g. 3h, 90m",
    "pull": "Pull {task} forward to (blank: as soon as its predecessors allow)",
}
TOLD = {"start", "done"}  # kinds whose time may be told by phone, like the CLI's --at
ASK = {
    "fail": "What went wrong? (for the log)",
    "skip": "Why is it not needed? (for the log)",
    "note": "The note",
}


def question(kind: str, task_id: str, said: str = "") -> str:
    """``Finish backup?``, ``Set a new eta for export: Sat 01:10?``."""
    return f"{VERBS[kind]} {task_id}{': ' + said if said else ''}?"


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


def recorded(kind: str, task: str | None, forced: bool, told: str = "") -> str:
    """The toast after a check-in: ``done backup``, ``started export (FORCED)``; with the
    time told, the moment taken: ``done backup at Fri 23:50``."""
    return (
        f"{DONE_VERBS[kind]} {task}"
        + (f" at {told}" if told else "")
        + (" (FORCED)" if forced else "")
    )


@dataclass
class CheckInFlow:
    """A check-in from the keyboard: ask the core what it would refuse, confirm it (or force
    it deliberately), and record it through the same rules as the CLI. The store is read and
    written on its own thread (``io``); the dialogs come and go as the answers arrive."""

    app: App[None]
    io: StoreIO
    live: Live
    actor: str
    host: str
    recorded: Callable[[News], None]  # given the weekend as it is after a check-in

    @property
    def weekend(self) -> Weekend:
        return self.live.weekend

    def begin(self, kind: str, task_id: str, snap: Snapshot) -> None:
        """Ask to confirm (and for the reason or note the kind needs, and for a start or a
        finish the time it happened); a check-in the rules would refuse says so here."""
        self.app.push_screen(
            ConfirmScreen(
                question(kind, task_id),
                detail(snap, task_id, self.actor),
                ASK.get(kind),
                when=kind in TOLD,
                check=self.check(kind, task_id),
            ),
            lambda answer: self.record(kind, task_id, answer),
        )

    def check(self, kind: str, task_id: str, value: int | None = None) -> Check:
        """What the dialog calls to ask the core about the time typed, on the store's thread."""

        def ask(told: str, answer: Callable[[Verdict], None]) -> None:
            self.io.ask(lambda: self.verdict(kind, task_id, told, value), answer)

        return ask

    def revise(self, kind: str, task_id: str, snap: Snapshot) -> None:
        """A revision (eta, estimate, pull): ask what it says, then confirm it like a
        check-in (with a reason, which may be left empty), refused as the CLI would be."""

        def said(text: str | None) -> None:
            if text is None:
                return
            try:
                value = self.value_of(kind, text)
            except RunbookError as exc:
                self.app.notify(
                    exc.message + (f" ({exc.hint})" if exc.hint else ""), severity="error"
                )
                return
            self.app.push_screen(
                ConfirmScreen(
                    question(kind, task_id, self.said(kind, value)),
                    detail(snap, task_id, self.actor),
                    "Why? (optional, for the log)",
                    optional=True,
                    check=self.check(kind, task_id, value),
                ),
                lambda answer: self.record(kind, task_id, answer, value),
            )

        self.app.push_screen(AskScreen(REVISE[kind].format(task=task_id)), said)

    def value_of(self, kind: str, text: str) -> int | None:
        """What a revision typed says, read by the core (RunbookError when it cannot be)."""
        from runbook.weekend.replan import read_duration, read_eta

        text = text.strip()
        if kind == "eta":
            return read_eta(text, self.weekend.now(), self._time("the eta"))
        if kind == "estimate":
            return read_duration(text, "the estimate")
        return int(self._time("the time")(text).timestamp()) if text else None

    def _time(self, what: str) -> Callable[[str], datetime]:
        """A time still ahead (an eta, a pull's time): at 23:30, 00:30 is tomorrow's."""
        return lambda text: self.weekend.read_time(text, what=what, side=FUTURE)

    def said(self, kind: str, value: int | None) -> str:
        """``Sat 01:10``, ``3h``, ``from Sat 12:00`` or ``as soon as possible``."""
        from runbook.format.durations import format_duration

        zone = self.weekend.plan.zone
        if value is None:
            return "as soon as its predecessors allow"
        if kind == "estimate":
            return format_duration(value)
        return ("from " if kind == "pull" else "") + clock(value, zone)

    def verdict(self, kind: str, task_id: str, told: str, value: int | None = None) -> Verdict:
        """What the core says of this check-in at the time told ("": now), writing nothing
        (on the store's thread: it reads the log)."""
        try:
            at = self.weekend.read_time(told, what="the time", side=PAST) if told.strip() else None
            refused = self.weekend.would_refuse(kind, task_id, at=at, value=value)
        except RunbookError as exc:
            return Verdict(problem=exc.message + (f" ({exc.hint})" if exc.hint else ""))
        if refused is None:
            return Verdict(at=at)
        return Verdict(at, None, refused.message, refused.hint, refused.forceable)

    def record(
        self, kind: str, task_id: str, answer: Answer | None, value: int | None = None
    ) -> None:
        """Record the confirmed check-in or revision (nothing when the dialog was cancelled),
        on the store's thread; what it did is said when it is done."""
        if answer is None:
            return

        def write() -> tuple[CheckIn, News | None]:
            result = self.weekend.record(
                kind,
                [task_id],
                actor=self.actor,
                host=self.host,
                at=answer.at,
                note=answer.text or None,
                force=answer.force,
                value=value,
            )
            return result, look(self.live, force=True, picture=True) if result.events else None

        def failed(exc: Exception) -> bool:
            if not isinstance(exc, RunbookError):
                return False
            self.app.push_screen(RefusedScreen(exc.message, exc.hint, False))
            return True

        self.io.ask(write, lambda done: self.done(kind, task_id, answer, value, *done), failed)

    def done(
        self,
        kind: str,
        task_id: str,
        answer: Answer,
        value: int | None,
        result: CheckIn,
        news: News | None,
    ) -> None:
        """Say what was recorded (or refused meanwhile, and offer to force it)."""
        if result.refused:
            # Recorded by someone else between the dialog and now: say so, offer to force.
            _, refusal = result.refused[0]
            forced = replace(answer, force=True)
            self.app.push_screen(
                RefusedScreen(refusal.message, refusal.hint, refusal.forceable),
                lambda force: self.record(kind, task_id, forced, value) if force else None,
            )
            return
        for event in result.events:
            told = clock(event.at, self.weekend.plan.zone) if answer.at is not None else ""
            self.app.notify(recorded(kind, event.task, event.forced, told), timeout=4)
        if news is not None:
            self.recorded(news)
