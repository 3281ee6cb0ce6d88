"""The notification outbox: one entry per message and address, kept in the weekend's store
(its rows there: ``runbook.store.outbox``).

A notification is written to the outbox (by its key, once: a second write of the same key
is ignored) before it is sent, claimed for a while by the process sending it, then settled:
sent, failed (tried again later, with a growing pause), or dropped (no longer worth sending).
A process that dies while sending leaves its claim to run out, and the row is sent again:
delivery is at least once, and a message is never written, claimed or sent twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PENDING, SENT, DROPPED = "pending", "sent", "dropped"
OUTBOX_STATES = (PENDING, SENT, DROPPED)
# How long a sender may hold a claimed row before another may take it (seconds): longer
# than apprise's connect and read timeouts for one address.
CLAIM_SECONDS = 120
# Pauses before trying a failed delivery again: 30 s, doubling, at most 15 minutes.
FIRST_RETRY, LAST_RETRY = 30, 15 * 60


def retry_pause(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed try."""
    return int(min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY))


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One message to one address.

    ``key`` is the notice's key, ``>`` and the address's id, so the same notice to the same
    address is one row whoever computes it; ``recipient`` is ``team:<id>`` or
    ``coordinator``; ``address`` the address's id (a digest of the URL as the runbook
    writes it, never the URL: the runbook may keep secrets out of the file, the store
    should too)."""

    key: str
    notice: str
    kind: str
    recipient: str
    address: str
    task: str | None
    title: str
    body: str
    created: int
    state: str = PENDING
    attempts: int = 0
    next_try: int = 0
    claimed_until: int = 0
    sent: int | None = None
    error: str | None = None

    @property
    def failing(self) -> bool:
        """Pending after at least one failed try."""
        return self.state == PENDING and self.attempts > 0


@dataclass(frozen=True)
class OutboxSummary:
    """The outbox at a glance: for ``notify --status`` and the dashboard."""

    sent: int
    pending: int
    dropped: int
    failing: list[OutboxEntry]  # pending after a failed try
    waiting: list[OutboxEntry]  # pending, not tried yet
    last_sent: list[OutboxEntry]  # the latest sent, oldest first


def summary(entries: Sequence[OutboxEntry], *, last: int = 10) -> OutboxSummary:
    """Counts by state, the entries whose last try failed, those not tried yet, and the
    ``last`` sent."""
    sent = [e for e in entries if e.state == SENT]
    pending = [e for e in entries if e.state == PENDING]
    return OutboxSummary(
        sent=len(sent),
        pending=len(pending),
        dropped=sum(e.state == DROPPED for e in entries),
        failing=[e for e in pending if e.failing],
        waiting=[e for e in pending if not e.failing],
        last_sent=sent[-last:],
    )
