"""Following a weekend as it happens, cheaply: for the dashboard and anything long-running.

Idle, a poll costs one look at the store's change token (for SQLite, ``PRAGMA data_version``,
answered from memory, no file read) and one ``stat`` of the runbook file. Only when another
process has committed are the new events read (by sequence number) and folded into the
records kept in memory.

On a state server (PostgreSQL) the store hears of new events by LISTEN, so an idle poll costs
no round trip either. When the connection is lost, ``link`` says since when (the header shows
it, the data stays); the store connects again beside the screen, with a growing pause
between tries, and the events recorded meanwhile are read by sequence number.

The notification outbox is read again only when the store's change token moved (SQLite's
``data_version`` moves with an outbox write too) or every ``OUTBOX_LOOK`` seconds (a state
server announces events, not outbox writes).

In a replay (``--now``) an event recorded for a moment after the clock's time is held back,
as ``Weekend.events`` leaves it out; it is folded in once the clock reaches it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from runbook.common.errors import ConnectionLost, StateError
from runbook.store import open_store, state_exists
from runbook.usecases.weekend import Weekend
from runbook.weekend.events import Event
from runbook.weekend.forecast import Snapshot, TaskRecord, fold

if TYPE_CHECKING:
    from runbook.store.protocol import EventStore
    from runbook.weekend.outbox import OutboxEntry


@dataclass
class Change:
    """What a poll found: new events, and whether the runbook itself changed."""

    events: list[Event] = field(default_factory=list)
    runbook_changed: bool = False

    def __bool__(self) -> bool:
        return bool(self.events) or self.runbook_changed


# Seconds between looks at the outbox when the change token did not move.
OUTBOX_LOOK = 10.0
# Pauses between reconnection tries, in seconds: the first at once, then growing, at most 5.
RETRY_PAUSES = (0.0, 0.5, 1.0, 2.0, 4.0, 5.0)


@dataclass(frozen=True)
class Link:
    """Whether the store answers, as the header shows it: ``lost_since`` (the clock's time)
    is None while connected; ``reason`` is what the driver said when it was lost."""

    lost_since: int | None = None
    reason: str = ""

    @property
    def connected(self) -> bool:
        return self.lost_since is None


class _Attempt(threading.Thread):
    """One reconnection try, beside the screen (it may wait for the connect timeout)."""

    def __init__(self, store: EventStore) -> None:
        super().__init__(name="runbook-reconnect", daemon=True)
        self.store = store
        self.error: StateError | None = None

    def run(self) -> None:
        try:
            self.store.reconnect()
        except StateError as exc:
            self.error = exc


class Live:
    """A weekend kept up to date incrementally."""

    def __init__(
        self, weekend: Weekend, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.weekend = weekend
        self.link = Link()
        self.reconnects = 0  # how many times the connection came back
        self._monotonic = monotonic
        self._attempt: _Attempt | None = None
        self._tries = 0
        self._retry_at = 0.0
        self._followed: EventStore | None = None
        self.records: dict[str, TaskRecord] = {}
        self.runbook_events: list[Event] = []
        self.recent: list[Event] = []  # every event in force, oldest first
        self.held: list[Event] = []  # a replay's events after the clock's time
        self.generation = 0  # goes up when the events in force are folded again from scratch
        # Copy on write: a snapshot handed out (perhaps to another thread) keeps the records,
        # runbook events and recent events it was made of; the next event folded copies them
        # (and the record it changes) first.
        self._shared = False
        self._own: set[str] = set()  # the tasks whose record was copied since then
        self.plan_changed = False  # a version of the runbook came into force while folding
        self.last_seq = 0
        self._change_token: object = None
        self._outbox_token: object = object()  # the change token at the last look: none yet
        self._outbox_at = 0.0  # when (monotonic) to look at the outbox again regardless
        self._runbook_stat = self._stat()
        self.refresh(force=True)

    def _stat(self) -> tuple[int, int] | None:
        try:
            info = os.stat(self.weekend.runbook_path)
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size

    def _store(self) -> EventStore | None:
        """The state file; it may appear after the dashboard started (read-only mode)."""
        if self.weekend.store is None and state_exists(self.weekend.state_path):
            self.weekend.store = open_store(self.weekend.state_path, read_only=True)
        store = self.weekend.store
        if store is not None and store is not self._followed:  # a new one after a reopen too
            store.follow()
            self._followed = store
        return store

    def refresh(self, *, force: bool = False) -> Change:
        """Read what changed since the last call (everything new when ``force``)."""
        change = Change()
        stat = self._stat()
        if stat != self._runbook_stat:
            self._runbook_stat = stat
            if stat is not None:
                change.runbook_changed = self.weekend.reload()
        try:
            store = self._store()
            if store is None:
                return change
            if not self.link.connected:
                if not self._reconnected(store):
                    return change
                force = True  # catch up: everything after the last event read
            token = store.change_token()
            if not force and token == self._change_token:
                return change
            new = store.events(after=self.last_seq)
        except ConnectionLost as exc:
            self._lose(exc)
            return change
        self._change_token = token
        self.weekend.note_store()  # an event it could not read is named
        now = self.weekend.now()
        for event in new:
            if self.weekend.replay and event.at > now:
                self.last_seq = max(self.last_seq, event.seq)
                self.held.append(event)
                continue
            self.apply(event)
            change.events.append(event)
        self.weekend.note_later_events(len(self.held), now)
        if self.plan_changed:
            change.runbook_changed, self.plan_changed = True, False
        return change

    def outbox(self) -> list[OutboxEntry] | None:
        """The notification outbox when it may have changed since the last call, else None
        (nothing to read yet, or the connection is lost; [] where it may not be read)."""
        store = self.weekend.store
        if store is None or not self.link.connected:
            return None
        moment = self._monotonic()
        if self._outbox_token == self._change_token and moment < self._outbox_at:
            return None
        try:
            entries = store.outbox()
        except ConnectionLost as exc:
            self._lose(exc)
            return None
        self._outbox_token, self._outbox_at = self._change_token, moment + OUTBOX_LOOK
        return entries

    def _lose(self, exc: ConnectionLost) -> None:
        """The connection broke: say so from now (once), and try again at once."""
        if self.link.connected:
            self.link = Link(self.weekend.now(), exc.message)
            self._tries = 0
            self._retry_at = self._monotonic()

    def _reconnected(self, store: EventStore) -> bool:
        """Whether the connection is back. Each call looks at the try under way (never
        waits for it), or starts the next one when its pause is over."""
        attempt = self._attempt
        if attempt is not None:
            if attempt.is_alive():
                return False
            self._attempt = None
            if attempt.error is None:
                self.link = Link()
                self.reconnects += 1
                return True
            self.link = Link(self.link.lost_since, attempt.error.message)
            self._tries += 1
            pause = RETRY_PAUSES[min(self._tries, len(RETRY_PAUSES) - 1)]
            self._retry_at = self._monotonic() + pause
            return False
        if self._monotonic() >= self._retry_at:
            self._attempt = _Attempt(store)
            self._attempt.start()
        return False

    def _release(self, now: int) -> None:
        """Fold in the held events the clock has reached (all again, in log order, when one
        was recorded before an event already in force)."""
        due = [e for e in self.held if e.at <= now]
        if not due:
            return
        self.held = [e for e in self.held if e.at > now]
        events = sorted([*self.recent, *due], key=lambda e: e.seq)
        self.records, self.runbook_events, self.recent = {}, [], []
        self._shared, self._own = False, set()
        self.generation += 1
        for event in events:
            self.apply(event)
        self.weekend.note_later_events(len(self.held), now)

    def rewind(self, now: int) -> None:
        """A replay's clock moved back to ``now``: the events after it are held back again
        and the rest folded anew (as when the replay began there), under the version of the
        runbook in force then (a revision after it is out of force until the clock is back)."""
        if self.weekend.in_force_at(now):
            self.plan_changed = True
        later = [e for e in self.recent if e.at > now]
        if not later:
            return
        kept = [e for e in self.recent if e.at <= now]
        self.held = sorted([*later, *self.held], key=lambda e: e.seq)
        self.records, self.runbook_events, self.recent = {}, [], []
        self._shared, self._own = False, set()
        self.generation += 1
        for event in kept:
            self.apply(event)
        self.weekend.note_later_events(len(self.held), now)

    def next_event_at(self, now: int) -> int | None:
        """When the next event a replay holds back happened (after ``now``), or None."""
        return min((e.at for e in self.held if e.at > now), default=None)

    def apply(self, event: Event) -> None:
        """Fold one event into the records, marked when it broke the check-in rules."""
        if self._shared:
            self.records = dict(self.records)
            self.runbook_events = list(self.runbook_events)
            self.recent = list(self.recent)
            self._shared, self._own = False, set()
        self.last_seq = max(self.last_seq, event.seq)
        task = event.task
        if task is not None:
            if task not in self._own:
                record = self.records.get(task)
                if record is not None:
                    self.records[task] = copied(record)
                self._own.add(task)
            event = self.weekend.audit(event, self.records)
        elif self.weekend.adopt(event):  # a new version of the runbook, now in force
            self.plan_changed = True
        self.recent.append(event)
        fold((event,), self.records, self.runbook_events)

    def snapshot(self, now: int | None = None) -> Snapshot:
        """Every task's state and the forecast, from the records in memory."""
        moment = self.weekend.now() if now is None else now
        if self.held:
            self._release(moment)
        self.weekend.note_orphans(self.recent)
        snap = self.weekend.snapshot_of(self.records, self.runbook_events, moment)
        snap.later_events = len(self.held)
        self._shared = True
        return snap


def copied(record: TaskRecord) -> TaskRecord:
    """A record to fold into, leaving the one a snapshot holds as it was."""
    return replace(
        record,
        history=list(record.history),
        notes=list(record.notes),
        decisions=list(record.decisions),
    )
