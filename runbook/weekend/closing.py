"""Closing the weekend (`runbook close`): the close in force, read from the runbook-level
events, and what it leaves open.

A close is an event about no task that ends the weekend at its moment: from then on the
forecast stands still there (``forecast.snapshot`` takes the close's moment as its now), a
check-in for a later moment is refused unless forced (``rules.after_close``), and whatever
was running or not started goes to the review's aftercare list. ``runbook close --undo``
records an undo about no task that names the close it revokes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runbook.weekend.events import NOT_STARTED, UNDER_WAY, Event, EventKind

if TYPE_CHECKING:
    from runbook.weekend.forecast import Snapshot


def close_in_force(runbook_events: Sequence[Event]) -> Event | None:
    """The close that ends the weekend: the latest one no undo has revoked, or None."""
    undone = {e.data.get("undoes") for e in runbook_events if e.kind == EventKind.UNDO and e.data}
    for event in reversed(runbook_events):
        if event.kind == EventKind.CLOSE and event.seq not in undone:
            return event
    return None


@dataclass(frozen=True, slots=True)
class OpenAtClose:
    """What the close leaves for aftercare: the work under way (running or failed) and the
    work not started, by id in task order (dropped work is not among them: it is finished)."""

    under_way: tuple[str, ...]
    not_started: tuple[str, ...]

    @property
    def count(self) -> int:
        """How many tasks go to aftercare."""
        return len(self.under_way) + len(self.not_started)


def open_at_close(snap: Snapshot) -> OpenAtClose:
    """The tasks a close leaves open, at the snapshot's moment (the close, once closed)."""
    ids, status = snap.plan.column("id"), snap.figures.status
    return OpenAtClose(
        tuple(ids[i] for i, s in enumerate(status) if s in UNDER_WAY),
        tuple(ids[i] for i, s in enumerate(status) if s in NOT_STARTED),
    )
