"""The notification outbox's rows: the columns both stores keep an entry in, and an entry
read back from its row (what an entry is, and its states, is ``runbook.weekend.outbox``)."""

from __future__ import annotations

from runbook.weekend.outbox import OutboxEntry

# The columns in the order both stores keep and read them.
OUTBOX_COLUMNS = (
    "key",
    "notice",
    "kind",
    "recipient",
    "address",
    "task",
    "title",
    "body",
    "created",
    "state",
    "attempts",
    "next_try",
    "claimed_until",
    "sent",
    "error",
)


def entry_of(row: tuple[object, ...]) -> OutboxEntry:
    """An entry from a row in ``OUTBOX_COLUMNS`` order."""
    return OutboxEntry(*row)  # type: ignore[arg-type]
