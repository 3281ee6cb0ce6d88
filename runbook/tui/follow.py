"""What the store's thread reads for the screen: the news since the last look (the poll), or
the weekend as it is now (after a check-in, every minute), as one value the app shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runbook.common.errors import RunbookError
from runbook.usecases.live import Link, Live
from runbook.weekend.events import Event
from runbook.weekend.forecast import Snapshot
from runbook.weekend.versions import revised_mark

if TYPE_CHECKING:
    from runbook.weekend.outbox import OutboxEntry


@dataclass(frozen=True)
class News:
    """What a look at the store found: ``snapshot`` None when nothing changed (and none was
    asked for); ``outbox`` None when it was not read again; ``problem`` when the store could
    not be read (the state file damaged or removed meanwhile)."""

    link: Link
    snapshot: Snapshot | None = None
    events: Sequence[Event] = ()
    generation: int = 0
    changed: bool = False  # new events or a changed runbook: its notices are said
    runbook_changed: bool = False
    notices: tuple[str, ...] = ()
    outbox: list[OutboxEntry] | None = None
    problem: str | None = None
    outbox_problem: str | None = None
    version: str | None = None  # the revised runbook in force (``v2``), None for the first


def look(live: Live, *, force: bool = False, picture: bool = False) -> News:
    """Read what changed since the last look (everything new when ``force``), and the
    notification outbox when it may have changed; the weekend as it is now when something
    changed or ``picture`` is asked. Runs on the store's thread."""
    try:
        change = live.refresh(force=force)
    except RunbookError as exc:
        return News(live.link, problem=exc.message)
    outbox, outbox_problem = None, None
    try:
        outbox = live.outbox()
    except RunbookError as exc:  # the state file was damaged meanwhile: the next look says so
        outbox_problem = exc.message
    if not (change or picture):
        return News(live.link, outbox=outbox, outbox_problem=outbox_problem)
    return News(
        live.link,
        live.snapshot(),
        live.recent,
        live.generation,
        bool(change),
        change.runbook_changed,
        tuple(live.weekend.notices),
        outbox,
        outbox_problem=outbox_problem,
        version=revised_mark(live.weekend.version),
    )


def picture(live: Live) -> News:
    """The weekend as the live view holds it, reading nothing (the first screen: the store
    was read when the weekend was opened)."""
    return News(
        live.link,
        live.snapshot(),
        live.recent,
        live.generation,
        version=revised_mark(live.weekend.version),
    )
