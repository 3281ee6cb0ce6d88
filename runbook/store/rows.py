"""An event as both stores keep it in a row, and read back: a row this program did not write
(a state edited by hand, or by another program) is left out and named, never the end of a
read."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from runbook.common.limits import EARLIEST_EPOCH, clamp_epoch, epoch_in_bounds
from runbook.weekend.events import Event, NewEvent, data_text

# The meta key of a weekend's clock offset (``runbook rehearse``), in both stores.
CLOCK_OFFSET = "clock_offset"


def offset_from_meta(text: str | None) -> int:
    """The clock offset as a store keeps it (whole seconds as text; none is 0); ValueError
    for a value this program did not write."""
    if text is None:
        return 0
    value = int(text)
    if abs(value) > 2**40:
        raise ValueError(f"the clock offset {text!r} is out of bounds")
    return value


def event_values(event: Event) -> tuple[object, ...]:
    """An event's columns as both stores keep them, its sequence number first (what a copy
    from another store writes)."""
    return (
        event.seq,
        event.at,
        event.recorded,
        event.task,
        str(event.kind),
        event.actor,
        event.host,
        event.note,
        data_text(event.data),
    )


def new_event_values(event: NewEvent, recorded: int) -> tuple[object, ...]:
    """A new event's columns as both stores write them, before the store numbers it: at,
    recorded, task, kind, actor, host, note, data."""
    return (
        event.at,
        recorded,
        event.task,
        str(event.kind),  # stored, and read back, as the plain string
        event.actor,
        event.host,
        event.note,
        data_text(event.data),
    )


def event_from_row(row: tuple[Any, ...]) -> Event:
    """An event from its row (and, from a store with logins, the login that recorded it);
    ValueError when the row is not one this program wrote."""
    seq, at, recorded, task, kind, actor, host, note, data, *login = row
    try:
        parsed = json.loads(data) if data else {}
    except ValueError:
        raise ValueError(f"event {seq!r}: its data is not valid JSON") from None
    except RecursionError:  # thousands deep: written by no version of this program
        raise ValueError(f"event {seq!r}: its data is nested too deep to read") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"event {seq!r}: its data is not valid JSON (not an object)")
    if not (
        all(isinstance(v, int) for v in (seq, at, recorded))
        and all(isinstance(v, str) for v in (kind, actor, host))
        and all(v is None or isinstance(v, str) for v in (task, note))
    ):
        raise ValueError(
            f"event {seq!r}: a column holds a value of the wrong type; it cannot be read"
        )
    # A time out of bounds (written by a version that did not check) is pulled inside them,
    # so one damaged event cannot stop every screen from drawing.
    at, recorded = _instant(at), _instant(recorded)
    who = login[0] if login and isinstance(login[0], str) else None
    return Event(seq, at, recorded, task, kind, actor, host, note, parsed, who)


def readable(rows: Iterable[tuple[Any, ...]], quarantined: dict[int, str]) -> list[Event]:
    """The events of the rows that can be read; each one that cannot (a state edited by
    hand, or by another program) is left out and named in ``quarantined`` (its sequence
    number: why), never the end of the read."""
    events = []
    for row in rows:
        try:
            events.append(event_from_row(row))
        except ValueError as exc:
            seq = row[0] if isinstance(row[0], int) else -1
            quarantined[seq] = str(exc).removeprefix(f"event {row[0]!r}: ")
    return events


def quarantine_notice(where: str, quarantined: dict[int, str]) -> str | None:
    """The warning that names the events left out because they cannot be read."""
    if not quarantined:
        return None
    shown = [f"event {seq} ({why})" for seq, why in sorted(quarantined.items())[:3]]
    more = len(quarantined) - len(shown)
    listed = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    return (
        f"{where}: {listed} cannot be read (edited by hand, or written by another program): "
        "left out of every view and every check-in, and kept as it is"
    )


def _instant(value: object) -> int:
    """An event's time as whole epoch seconds within the bounds (see ``_row``)."""
    if isinstance(value, int) and epoch_in_bounds(value):
        return value
    if isinstance(value, int | float) and value == value:  # not NaN
        return int(clamp_epoch(value))
    return EARLIEST_EPOCH
