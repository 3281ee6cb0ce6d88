"""The one error family of runbook and its exit-code table."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runbook.common.problems import Problem

# Exit codes, in one place: 0 ok, 1 invalid input or refused action, 2 usage.
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_REFUSED = 1
EXIT_USAGE = 2


class RunbookError(Exception):
    """Base of every error a user can cause; carries its exit code and an optional hint."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InvalidRunbook(RunbookError):
    """The runbook file cannot be used; ``problems`` lists every located problem."""

    def __init__(self, problems: list[Problem], *, source: str, message: str | None = None) -> None:
        errors = [p for p in problems if p.severity == "error"]
        noun = "problem" if len(errors) == 1 else "problems"
        super().__init__(
            message or f"{source}: {len(errors)} {noun} found; the runbook is not valid"
        )
        self.problems = problems
        self.source = source


class InputError(RunbookError):
    """A value given on the command line (a time, a duration, an id) is not usable."""


class Refused(RunbookError):
    """An action the rules do not allow right now (it may be forced deliberately)."""

    exit_code = EXIT_REFUSED

    def __init__(self, message: str, *, hint: str | None = None, forceable: bool = True) -> None:
        super().__init__(message, hint=hint)
        self.forceable = forceable


class StateError(RunbookError):
    """The state database cannot be used with this runbook (foreign, newer, or not ours)."""


class DamagedState(StateError):
    """The state database is damaged: SQLite cannot read it, or a record in it is unreadable."""


class ConnectionLost(StateError):
    """The connection to a state server broke, or a wait on it ran out. ``maybe_recorded``:
    it broke while a check-in was being committed, so it may have been recorded."""

    maybe_recorded = False


class WriteAgain(StateError):
    """A write that guessed how the log stood (a check-in recorded in fewer round trips)
    found it moved meanwhile: nothing was recorded, and the write runs again, the usual way
    (``Writing._idempotent`` does; said to the user only if nothing does)."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"{where}: the weekend's log moved while this was being recorded; nothing was recorded",
            hint="run the command again",
        )


class ServerRefused(StateError):
    """The state server refused a write (a permission, a policy, a trigger); ``sqlstate``
    and ``reason`` say what it said."""

    def __init__(self, message: str, *, sqlstate: str | None, reason: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.reason = reason


class NotPermitted(ServerRefused):
    """The state server's policies do not let this login record this (another team's task,
    forcing, deciding a gate, a reader writing): said plainly, never in the server's words."""

    def __init__(self, message: str, *, hint: str | None = None, sqlstate: str | None) -> None:
        super().__init__(message, sqlstate=sqlstate, reason=message)
        self.hint = hint


class AlreadyRecorded(StateError):
    """A check-in whose idempotency key is already in the log: it was recorded, as ``seq``,
    and is not recorded twice."""

    def __init__(self, message: str, *, seq: int) -> None:
        super().__init__(message)
        self.seq = seq


class UsageError(RunbookError):
    """The command was called wrongly (missing file, conflicting options)."""

    exit_code = EXIT_USAGE
