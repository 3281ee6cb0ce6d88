"""One round of notifying: write what is due to the outbox, then send what the outbox holds.

Both halves go through the store's write lock, briefly; sending happens outside it. Each due
notice becomes one outbox entry per address of its recipient, by key, so a notice computed
again (by this process a moment later, by a restarted one, by a second one) is not written
again. An entry is claimed before it is sent and settled after: sent; failed, and tried again
after a growing pause; or dropped (its address left the runbook, or a team's task started
before the message could go). A sender claims one entry at a time, for ``CLAIM_SECONDS`` by
its own clock, just before sending it: however slow a receiver, a second sender never takes
an entry the first is still sending, and takes the next ones instead. A process that dies
between sending and settling leaves the claim to run out, and the entry is sent again: at
least once, never twice otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from runbook.common.errors import RunbookError
from runbook.notify.addresses import Address
from runbook.notify.notices import COORDINATOR, due_notices, still_due, tone
from runbook.weekend.forecast import Snapshot
from runbook.weekend.outbox import (
    CLAIM_SECONDS,
    DROPPED,
    PENDING,
    SENT,
    OutboxEntry,
    retry_pause,
)

if TYPE_CHECKING:
    from runbook.store.protocol import EventStore

# send(url, title, body, secrets=..., tone=...) -> None when delivered, else why not.
Sender = Callable[..., "str | None"]


# The most entries one round sends: a round ends, says what is left and begins again, rather
# than hold the state's outbox for an hour behind a slow receiver.
ROUND_LIMIT = 1000


@dataclass
class Round:
    """What one round did, and what it left: ``remaining`` entries still due that nobody
    holds (past ``ROUND_LIMIT``), ``held`` due entries another sender is sending."""

    written: int = 0  # new outbox entries
    sent: list[OutboxEntry] = field(default_factory=list)
    failed: list[tuple[OutboxEntry, str]] = field(default_factory=list)
    dropped: list[tuple[OutboxEntry, str]] = field(default_factory=list)
    remaining: int = 0
    held: int = 0


def entries_for(snap: Snapshot, book: Sequence[Address]) -> list[OutboxEntry]:
    """The outbox entries of every notice due at the snapshot's moment."""
    recipients = {a.recipient for a in book}
    teams = {r.removeprefix("team:") for r in recipients if r.startswith("team:")}
    approvers = {r.removeprefix("approver:") for r in recipients if r.startswith("approver:")}
    out = []
    due = due_notices(snap, teams=teams, coordinator=COORDINATOR in recipients, approvers=approvers)
    for notice in due:
        for address in book:
            if address.recipient != notice.to:
                continue
            out.append(
                OutboxEntry(
                    key=f"{notice.key}>{address.id}",
                    notice=notice.key,
                    kind=notice.kind,
                    recipient=notice.to,
                    address=address.id,
                    task=notice.task,
                    title=notice.title,
                    body=notice.body,
                    created=snap.now,
                )
            )
    return out


def notify_round(
    store: EventStore,
    snap: Snapshot,
    book: Sequence[Address],
    send: Sender,
    *,
    environ: Mapping[str, str] | None = None,
    clock: Callable[[], int] | None = None,
) -> Round:
    """Write what is due at the snapshot's moment, then send every entry due by then, one
    claim at a time. ``clock`` is the sender's own (epoch seconds, the real time in
    ``runbook notify``): claims are held and run out by it, whatever moment the snapshot is
    of; without it, the snapshot's moment."""
    now = snap.clock  # the clock, also once the weekend stands still at its close
    held_by: Callable[[], int] = clock if clock is not None else (lambda: now)
    done = Round()
    entries = entries_for(snap, book)
    if entries:
        with store.write():
            done.written = store.outbox_add(entries)
    by_id = {a.id: a for a in book}
    current = {e.key: e for e in entries}
    seen: set[str] = set()
    while len(seen) < ROUND_LIMIT:
        moment = held_by()
        with store.write():
            claimed = store.outbox_claim(now, moment + CLAIM_SECONDS, limit=1, free_at=moment)
        if not claimed or claimed[0].key in seen:
            break
        entry = claimed[0]
        seen.add(entry.key)
        address = by_id.get(entry.address)
        reason: str | None = None
        if address is None:
            reason = "its address is no longer in the runbook"
        elif snap.closed is not None:
            reason = "the weekend was closed before it could be sent"
        elif not still_due(snap, entry.kind, entry.task):
            reason = f"{entry.task} had started before it could be sent"
        if reason is not None:
            _settle(store, entry, state=DROPPED, error=reason)
            done.dropped.append((entry, reason))
            continue
        assert address is not None
        # A message tried again says what holds now ("in 10m", not the first try's "in 30m").
        said = current.get(entry.key, entry)
        try:
            failure = send(
                address.url(environ),
                said.title,
                said.body,
                secrets=address.secrets(environ),
                tone=tone(entry.kind),
            )
        except RunbookError as exc:  # a variable not set: this address fails, not the round
            failure = exc.message
        if failure is None:
            _settle(store, entry, state=SENT, sent=now)
            done.sent.append(entry)
        else:
            attempts = entry.attempts + 1
            again = replace(
                entry, attempts=attempts, next_try=now + retry_pause(attempts), error=failure
            )
            _settle(
                store,
                entry,
                state=PENDING,
                attempts=attempts,
                next_try=again.next_try,
                error=failure,
            )
            done.failed.append((again, failure))
    done.remaining, done.held = _left(store, now, held_by())
    return done


def _left(store: EventStore, now: int, moment: int) -> tuple[int, int]:
    """The entries due at ``now`` still pending: those nobody holds at ``moment``, and those
    another sender holds."""
    due = [e for e in store.outbox() if e.state == PENDING and e.next_try <= now]
    held = sum(e.claimed_until > moment for e in due)
    return len(due) - held, held


def _settle(
    store: EventStore,
    entry: OutboxEntry,
    *,
    state: str,
    attempts: int | None = None,
    next_try: int = 0,
    sent: int | None = None,
    error: str | None = None,
) -> None:
    with store.write():
        store.outbox_settle(
            entry.key,
            state=state,
            attempts=entry.attempts + (state == SENT) if attempts is None else attempts,
            next_try=next_try,
            sent=sent,
            error=error,
        )
