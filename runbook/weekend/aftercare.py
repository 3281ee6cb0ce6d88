"""The aftercare handover: who takes over each item left after the weekend (work unfinished,
dropped for time, or carried over at the close), by when, under which ticket. Each
``runbook aftercare ID`` is an event; the latest value of each field is the one in force, and
every note is kept. Pure: events in, data out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from runbook.weekend.events import Event, EventKind


@dataclass
class Handover:
    """An aftercare item's handover as recorded so far."""

    owner: str | None = None  # the team that takes it over
    due: int | None = None  # when it is due (epoch seconds)
    ticket: str | None = None  # the service desk's reference
    notes: list[str] = field(default_factory=list)
    updated: int | None = None  # when it was last recorded
    by: str | None = None  # who recorded it last

    @property
    def owned(self) -> bool:
        """True once an owner team was given."""
        return self.owner is not None


def handovers(events: Iterable[Event]) -> dict[str, Handover]:
    """Every task's handover, folded from its ``aftercare`` events in log order."""
    found: dict[str, Handover] = {}
    for event in events:
        if event.kind != EventKind.AFTERCARE or event.task is None:
            continue
        item = found.setdefault(event.task, Handover())
        data = event.data
        if data.get("owner"):
            item.owner = str(data["owner"])
        due = data.get("due")
        if isinstance(due, int) and not isinstance(due, bool):
            item.due = due
        if data.get("ticket"):
            item.ticket = str(data["ticket"])
        if event.note:
            item.notes.append(event.note)
        item.updated, item.by = event.at, event.by
    return found


def handover_data(owner: str | None, due: int | None, ticket: str | None) -> dict[str, object]:
    """The data an aftercare event records: only the fields given."""
    data: dict[str, object] = {}
    if owner is not None:
        data["owner"] = owner
    if due is not None:
        data["due"] = due
    if ticket is not None:
        data["ticket"] = ticket
    return data
