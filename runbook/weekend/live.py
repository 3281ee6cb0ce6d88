"""Following a weekend as it happens, cheaply: for the dashboard and anything long-running.

Idle, a poll costs one look at the store's change token (for SQLite, ``PRAGMA data_version``,
answered from memory, no file read) and one ``stat`` of the runbook file. Only when another
process has committed are the new events read (by sequence number) and folded into the
records kept in memory.

In a replay (``--now``) an event recorded for a moment after the clock's time is held back,
as ``Weekend.events`` leaves it out; it is folded in once the clock reaches it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from runbook.weekend import open_store, state_exists
from runbook.weekend.events import Event
from runbook.weekend.forecast import Snapshot, TaskRecord, fold
from runbook.weekend.usecases import Weekend

if TYPE_CHECKING:
    from runbook.weekend.store import EventStore


@dataclass
class Change:
    """What a poll found: new events, and whether the runbook itself changed."""

    events: list[Event] = field(default_factory=list)
    runbook_changed: bool = False

    def __bool__(self) -> bool:
        return bool(self.events) or self.runbook_changed


class Live:
    """A weekend kept up to date incrementally."""

    def __init__(self, weekend: Weekend) -> None:
        self.weekend = weekend
        self.records: dict[str, TaskRecord] = {}
        self.runbook_events: list[Event] = []
        self.recent: list[Event] = []  # every event in force, oldest first
        self.held: list[Event] = []  # a replay's events after the clock's time
        self.generation = 0  # goes up when the events in force are folded again from scratch
        self.last_seq = 0
        self._change_token: object = None
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
        return self.weekend.store

    def refresh(self, *, force: bool = False) -> Change:
        """Read what changed since the last call (everything new when ``force``)."""
        change = Change()
        stat = self._stat()
        if stat != self._runbook_stat:
            self._runbook_stat = stat
            if stat is not None:
                change.runbook_changed = self.weekend.reload()
        store = self._store()
        if store is None:
            return change
        token = store.change_token()
        if not force and token == self._change_token:
            return change
        self._change_token = token
        now = self.weekend.now()
        for event in store.events(after=self.last_seq):
            if self.weekend.replay and event.at > now:
                self.last_seq = max(self.last_seq, event.seq)
                self.held.append(event)
                continue
            self.apply(event)
            change.events.append(event)
        self.weekend.note_later_events(len(self.held), now)
        return change

    def _release(self, now: int) -> None:
        """Fold in the held events the clock has reached (all again, in log order, when one
        was recorded before an event already in force)."""
        due = [e for e in self.held if e.at <= now]
        if not due:
            return
        self.held = [e for e in self.held if e.at > now]
        events = sorted([*self.recent, *due], key=lambda e: e.seq)
        self.records, self.runbook_events, self.recent = {}, [], []
        self.generation += 1
        for event in events:
            self.apply(event)
        self.weekend.note_later_events(len(self.held), now)

    def apply(self, event: Event) -> None:
        """Fold one event into the records."""
        self.last_seq = max(self.last_seq, event.seq)
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
        return snap
