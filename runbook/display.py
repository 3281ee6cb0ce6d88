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
