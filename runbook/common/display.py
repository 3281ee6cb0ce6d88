"""How statuses and events look on every screen (style names rich and Textual understand)."""

from __future__ import annotations

STATUS_STYLE = {
    "pending": "dim",
    "ready": "bold cyan",
    "scheduled": "cyan",
    "running": "bold blue",
    "failed": "bold white on red",
    "done": "green",
    "skipped": "yellow",
    "suspended": "magenta",  # forward work stopped by a rollback
    "dropped": "yellow",  # not a status: a skipped task dropped for time, counted apart
}

# What each kind of event looks like in a log, a panel or the line after a check-in.
# Kinds not listed (note, baseline, decide, ...) keep the default colour.
EVENT_STYLE = {
    "start": "blue",
    "done": "green",
    "fail": "bold red",
    "skip": "yellow",
    "undo": "magenta",
    "eta": "yellow",
    "estimate": "yellow",
    "pull": "cyan",
    "close": "bold blue",
}


def event_colour(kind: str) -> str:
    """The colour alone of an event kind (for a face that sets only a foreground colour)."""
    return EVENT_STYLE.get(kind, "white").removeprefix("bold ")


def count(n: int, noun: str) -> str:
    """``1 task``, ``3 tasks``, ``0 warnings``: every noun counted here takes an ``s``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def possessive(name: str) -> str:
    """``Database team's``, ``Application owners'``."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
