"""How statuses look on every screen (style names both rich and Textual understand)."""

from __future__ import annotations

STATUS_STYLE = {
    "pending": "dim",
    "ready": "bold cyan",
    "running": "bold blue",
    "failed": "bold white on red",
    "done": "green",
    "skipped": "yellow",
}


def count(n: int, noun: str) -> str:
    """``1 task``, ``3 tasks``, ``0 warnings``: every noun counted here takes an ``s``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def possessive(name: str) -> str:
    """``Database team's``, ``Application owners'``."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
