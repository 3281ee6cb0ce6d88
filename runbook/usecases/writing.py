"""Writing to an opened weekend: one write under an idempotency key (looked up again when
the connection broke while it was committed), refusals worded for who may force, the
baseline, and the figures a store publishes for other tools.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from runbook.common.errors import ConnectionLost, Refused, StateError, WriteAgain
from runbook.store import checkpoint, open_store
from runbook.usecases.resolving import Resolving
from runbook.weekend import rules
from runbook.weekend.events import Event, EventKind, NewEvent
from runbook.weekend.forecast import TaskRecord

if TYPE_CHECKING:
    from runbook.store.protocol import EventStore


# What a user who may not force is told instead of "add --force".
ONLY_MISSION_CONTROL = "only mission control may force it: ask them to record it"
T = TypeVar("T")


class Writing(Resolving):
    """What every write shares: the store open for writing, the idempotency key and the retry
    after a broken connection, who may force, the baseline, the figures a store publishes."""

    def may_force(self) -> bool:
        """Whether this user may record a forced event: anyone on a state file, only mission
        control on a store with roles (asked of the store once, after a refusal)."""
        if self._may_force is None:
            self._may_force = self.store is None or self.store.may_force()
        return self._may_force

    def _for_this_user(self, refused: Refused) -> Refused:
        """A refusal as this user may act on it: one they may not force (a team member on a
        store with roles) says whom to ask instead."""
        if refused.forceable and not self.may_force():
            hint = f"{refused.hint}; {ONLY_MISSION_CONTROL}" if refused.hint else None
            return Refused(refused.message, hint=hint or ONLY_MISSION_CONTROL, forceable=False)
        return refused

    def _far_from_weekend(self, when: int, told: bool, force: bool) -> str | None:
        """A time told (``--at``) far from the weekend: refused, or with ``force`` (by a
        user who may force) the refusal's text, for the event to say what it overrode."""
        far = rules.near_weekend(self.plan, when) if told else None
        if far is None:
            return None
        if not force or not self.may_force():
            raise self._far_for_this_user(far)
        return far.message

    def _far_for_this_user(self, far: Refused) -> Refused:
        """A time far from the weekend refused as this user may act on it: a team member on
        a store with roles may not force it (and is not told to), and is told whom to ask."""
        if self.may_force():
            return far
        return Refused(far.message, hint=ONLY_MISSION_CONTROL, forceable=False)

    def _idempotent(self, once: Callable[[str], T], found: Callable[[list[Event]], T]) -> T:
        """Run a write under a new idempotency key. When the connection breaks while it is
        being committed (a store on a server), connect again and look the key up: the
        events it recorded (``found``), or, when none were, the write once more. A write
        that guessed how the log stood and found it moved (``WriteAgain``: nothing was
        recorded) runs once more, the usual way."""
        key = os.urandom(16).hex()  # random like uuid4, without importing uuid (and platform)
        try:
            try:
                return once(key)
            except WriteAgain:
                return once(key)
        except ConnectionLost as lost:
            if not lost.maybe_recorded:
                raise
            broken = lost
        store = self._reopen(broken)
        try:
            recorded = store.recorded_with(key)
        except StateError:
            raise broken from None
        if recorded:
            self.notices.append(
                "the connection broke while the check-in was being committed; it had reached "
                f"the server: already recorded as event {recorded[0].seq} (nothing was "
                "recorded twice)"
            )
            return found(recorded)
        return once(key)

    def _reopen(self, broken: StateError) -> EventStore:
        """The store again, after its connection broke (the same location)."""
        if self.store is not None:
            self.store.close()
        self.store = None
        try:
            self.store = open_store(self.state_path, create=False)
        except StateError:
            raise broken from None
        if self.store is None:
            raise broken
        return self.store

    def _writable(self) -> EventStore:
        """The state file, which a write needs."""
        if self.store is None or not self.store.writable:
            raise StateError(f"{self.shown_state}: no state file open for writing")
        return self.store

    def _append(self, event: NewEvent) -> Event:
        """Append one event that is not a check-in (no baseline is taken for it)."""
        rules.check_entry(event.actor, event.note, "--note")
        self._writable()
        now = self.now()
        rules.not_future(self.plan, event.at, now)

        def once(key: str) -> Event:
            store = self._writable()
            with store.write():
                store.claim(self.plan.name)
                appended = store.append(replace(event, idem=key), recorded=now)
                if store.publishes_figures():
                    (records, runbook_events), _, last = checkpoint.load(store, self.folding)
                    self._publish_figures(store, records, runbook_events, last, now)
                return appended

        return self._idempotent(once, lambda events: events[0])

    def _publish_figures(
        self,
        store: EventStore,
        records: dict[str, TaskRecord],
        runbook_events: Sequence[Event],
        last: int,
        now: int,
    ) -> None:
        """Rewrite the task figures a store publishes for other tools (PostgreSQL's views)
        from the fold of the log up to ``last``, in the write that recorded it: they are as
        fresh as the last write through a client."""
        if not store.publishes_figures():
            return
        from runbook.weekend.figures import task_figures  # only for a store that publishes

        snap = self.snapshot_of(records, runbook_events, now)
        store.save_figures(last, snap.now, task_figures(snap))

    def _take_baseline(
        self, store: EventStore, actor: str, host: str, now: int, note: str, *, key: str
    ) -> Event:
        """Record the current plan as the baseline (inside a write transaction). The event
        first: where only mission control may take it (PostgreSQL), that is the refusal."""
        event = store.append(
            NewEvent(
                now,
                None,
                EventKind.BASELINE,
                actor,
                host,
                note,
                {"digest": self.plan.digest},
                idem=key,
            ),
            recorded=now,
        )
        store.save_plan(self.plan.digest, self.plan.own.dumps(), created=now)
        return event
