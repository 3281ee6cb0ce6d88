"""The tasks that could be pulled forward, as both faces show them: what pulling each brings
closer (the forecast finish, the next gate or milestone), in plain words."""

from __future__ import annotations

from runbook.format.durations import format_duration
from runbook.weekend.forecast import PullForward

NOTHING = "nothing sooner"


def gain_words(pull: PullForward) -> str:
    """What pulling the task brings closer: ``finish 1h sooner``, ``gonogo-3 4h sooner``,
    both (``finish 1h, gonogo-3 4h sooner``), or ``nothing sooner`` (it would start earlier,
    and nothing that waits for it would)."""
    parts = []
    if pull.finish_gain > 0:
        parts.append(f"finish {format_duration(pull.finish_gain)}")
    if pull.milestone is not None and pull.milestone_gain > 0:
        parts.append(f"{pull.milestone} {format_duration(pull.milestone_gain)}")
    return ", ".join(parts) + " sooner" if parts else NOTHING
