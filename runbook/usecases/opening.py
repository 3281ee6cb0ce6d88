"""Opening a weekend: the runbook's plan (from the store's cache, so a check-in compiles
nothing), its store, the clock; reading the runbook again when it changed. Once the log
records a version of the runbook, the plan is the version in force at the clock's moment
(``runbook.usecases.inforce``), and the file only says how it differs.

A check-in reads the runbook's bytes only to hash them; the compiled plan comes from the
store's cache, so the hot path touches neither YAML, pydantic nor networkx.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self

from runbook.common.errors import InputError, InvalidRunbook
from runbook.planning.plan import Plan
from runbook.store import (
    StateLocation,
    default_state_path,
    open_store,
    shown_location,
    state_location,
)
from runbook.store.plancache import cache, cached_plan, compile_plan
from runbook.usecases.inforce import Drift, file_drift, open_in_force, recorded_versions
from runbook.weekend.events import Event, EventKind
from runbook.weekend.versions import Version, in_force

if TYPE_CHECKING:
    from runbook.store.protocol import EventStore


Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


def epoch(moment: datetime) -> int:
    """A moment as epoch seconds, as the log keeps it."""
    return int(moment.timestamp())


def _fixed(moment: datetime) -> Clock:
    """A clock that stays at ``moment``."""
    return lambda: moment


def watch_only(asked: bool, *, replay: bool) -> bool:
    """Whether a face that can record (the dashboard) opens read-only: when asked (a wall
    screen), and always in a replay. A clock fixed by ``--now`` shows the weekend as it was
    then; a check-in made there would go into the live log dated in the past, and a forced
    one past every rule that refused it."""
    return asked or replay


@dataclass
class Opening:
    """A runbook and its state, opened: the plan (from the store's cache when it has it), the
    store, the clock, and what the user should be told (``notices``)."""

    runbook_path: Path
    state_path: StateLocation  # a state file's path, or a PostgreSQL URI
    plan: Plan
    store: EventStore | None
    clock: Clock
    notices: list[str] = field(default_factory=list)
    # With ``--now`` the clock is set to another moment and the weekend is replayed as it
    # was then; a live clock shows every event (a machine whose clock runs a little behind
    # must not hide a check-in just made on another).
    replay: bool = False
    later_events: int = 0  # events after the replayed moment, left out of the last read
    later_notice: str | None = None  # the notice that says so (a report says it its own way)
    # Seconds the state's clock is moved from the runbook's: a dress rehearsal on its own
    # date (``runbook rehearse``); every plan read is shifted by it (``rehearsed``).
    offset: int = 0
    _may_force: bool | None = field(default=None, repr=False)
    # The plan in force of a rollback, by the plan it extends, its gate and event (built once
    # per rollback and version of the runbook).
    _in_force: dict[tuple[str, str, int], Plan] = field(default_factory=dict, repr=False)
    # The versions of the runbook the log records, the one in force at the clock's moment,
    # and how the runbook file differs from the latest (``runbook.usecases.inforce``).
    versions: list[Version] = field(default_factory=list)
    version: Version | None = None
    drift: Drift | None = None

    @classmethod
    def open(
        cls,
        runbook_path: str | os.PathLike[str],
        state_path: str | os.PathLike[str] | None = None,
        *,
        clock: Clock = system_clock,
        create: bool = False,
        read_only: bool = False,
        compiled: Plan | None = None,
        at: Callable[[Plan], datetime] | None = None,
        writing: bool = False,
    ) -> Self:
        """Open a runbook with its state file (created when ``create``, e.g. to check in).
        ``compiled`` is the runbook's plan when the caller already has it (it is used when its
        content hash matches the file's, instead of compiling the runbook a second time).
        ``at`` gives the moment to evaluate at (``--now``) once the plan, and so its time
        zone, is known: the clock then stays there, for everything opening writes too.
        ``read_only``: for commands that only read; nothing is ever written to the state
        file (see ``open_store``), which may then be a read-only file or in a read-only
        folder. ``writing``: the caller records next (a check-in), which a store on a server
        begins while opening (``open_store``)."""
        from runbook.format.source import digest_of, read_bytes

        path = Path(runbook_path)
        state = state_location(state_path) if state_path is not None else default_state_path(path)
        data = read_bytes(path)
        digest = digest_of(data)
        store = open_store(
            state,
            create=create and not read_only,
            read_only=read_only,
            digest=digest,
            writing=writing and create and not read_only,
        )
        notices: list[str] = []
        try:
            recorded = recorded_versions(store)
            opened = (
                open_in_force(
                    store,
                    recorded,
                    path,
                    data,
                    digest,
                    compiled,
                    None if at is None else lambda p: epoch(at(p)),
                    notices,
                )
                if store is not None and recorded
                else None
            )
            if opened is not None and store is not None:
                if opened.moment is not None:
                    clock = _fixed(datetime.fromtimestamp(opened.moment, UTC))
                store.check_owner(opened.plan.name)
                if opened.fresh_file_plan is not None and store.writable:
                    cache(store, opened.fresh_file_plan, epoch(clock()))
                if opened.drift is not None:
                    notices.append(opened.drift.line)
                notices.extend(store.notices)
                weekend = cls(
                    path, state, opened.plan, store, clock, notices, replay=at is not None
                )
                weekend.versions, weekend.version = recorded, opened.version
                weekend.drift = opened.drift
                weekend.offset = store.clock_offset()
                weekend.plan = weekend.rehearsed(opened.plan)
                return weekend
            plan = cached_plan(store, digest) if store else None
            fresh = plan is None
            if plan is None and compiled is not None and compiled.digest == digest:
                plan = compiled
            if plan is None:
                plan = compile_plan(data, path, store, notices, lambda p: epoch(clock()), at)
            if at is not None:
                clock = _fixed(at(plan))
            offset = 0
            if store is not None:
                store.check_owner(plan.name)
                if fresh and plan.digest == digest and store.writable:
                    cache(store, plan, epoch(clock()))
                offset = store.clock_offset()
        except BaseException:
            if store is not None:
                store.close()
            raise
        if store is not None:
            notices.extend(store.notices)
        weekend = cls(path, state, plan, store, clock, notices, replay=at is not None)
        weekend.offset = offset
        weekend.plan = weekend.rehearsed(plan)
        return weekend

    def rehearsed(self, plan: Plan) -> Plan:
        """A plan read from the runbook or the store, on this state's date: a rehearsal's
        plan is the runbook's shifted by its offset; a weekend's is the runbook's own."""
        if plan.offset == self.offset:
            return plan
        from runbook.planning.shifted import shifted  # only on a rehearsal's state

        return shifted(plan, self.offset - plan.offset)

    @property
    def rehearsal(self) -> bool:
        """Whether this state is a dress rehearsal on its own date."""
        return self.offset != 0

    def reload(self) -> bool:
        """Read the runbook file again; True when its content changed (the plan is then the
        new one, or the last valid one with a notice when the new file has errors). Once the
        log records a version of the runbook, the file changes nothing but what is said of
        it (``drift``): True when that changed."""
        from runbook.format.source import digest_of, read_bytes

        data = read_bytes(self.runbook_path)
        digest = digest_of(data)
        if self.versions and self.store is not None:
            return self._note_drift(data, digest)
        if digest == self.plan.digest:
            return False
        self.notices = []
        plan = cached_plan(self.store, digest) if self.store else None
        if plan is None:
            try:
                plan = compile_plan(
                    data, self.runbook_path, self.store, self.notices, lambda p: self.now()
                )
            except InvalidRunbook as exc:
                errors = sum(1 for p in exc.problems if p.severity == "error")
                self.notices.append(
                    f"{self.runbook_path} now has {errors} error{'s' if errors != 1 else ''} "
                    "(run `runbook validate`); carrying on with the version loaded before"
                )
                return False
            if self.store is not None and plan.digest == digest and self.store.writable:
                cache(self.store, plan, self.now())
        self.plan = self.rehearsed(plan)
        return True

    def _note_drift(self, data: bytes, digest: str) -> bool:
        """Say how the runbook file differs from the latest version recorded (the one line
        in ``notices``); True when what is said changed."""
        was = self.drift
        self.drift = None
        latest = self.versions[-1]
        if self.store is not None and digest != latest.digest:
            if self._may_force is None:  # asked of the store once (``Writing.may_force``)
                self._may_force = self.store.may_force()
            self.drift = file_drift(
                self.store, latest, self.plan.own, self.runbook_path, data, digest, self._may_force
            )
        if was is not None and was.line in self.notices:
            self.notices.remove(was.line)
        if self.drift is not None and self.drift.line not in self.notices:
            self.notices.append(self.drift.line)
        return (was.line if was else None) != (self.drift.line if self.drift else None)

    def adopt(self, event: Event) -> bool:
        """A version of the runbook read as it is recorded (a revision by mission control,
        followed live): from now on it is in force. True when the plan changed."""
        from runbook.format.source import digest_of, read_bytes
        from runbook.weekend.versions import versions

        if event.task is not None or event.kind not in (EventKind.REVISE, EventKind.BASELINE):
            return False
        if self.store is None or (self.version is None and not self.versions):
            return False
        if self.version is not None and event.seq <= self.version.event.seq:
            return False
        found = next((v for v in self.versions if v.event.seq == event.seq), None)
        if found is None:
            self.versions = versions([*(v.event for v in self.versions), event])
            found = next((v for v in self.versions if v.event.seq == event.seq), None)
        if found is None:
            return False
        plan = cached_plan(self.store, found.digest)
        if plan is None:
            return False
        changed = plan.digest != self.plan.digest
        self.plan, self.version = self.rehearsed(plan), found
        try:
            data = read_bytes(self.runbook_path)
        except InputError:
            return changed
        self._note_drift(data, digest_of(data))
        return changed

    def in_force_at(self, moment: int) -> bool:
        """Put the version of the runbook in force at ``moment`` in force (a replay moved back
        before a revision: the version the coordinator saw then). True when the plan changed;
        nothing changes when the log records no version or the store lacks that one's plan."""
        if self.store is None or not self.versions:
            return False
        version = in_force(self.versions, moment)
        if version is None or (self.version is not None and version.event == self.version.event):
            return False
        plan = cached_plan(self.store, version.digest)
        if plan is None:
            return False
        changed = plan.digest != self.plan.digest
        self.plan, self.version = self.rehearsed(plan), version
        return changed

    def close(self) -> None:
        """Close the state file."""
        if self.store is not None:
            self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def shown_state(self) -> str:
        """Where the state is, as a message shows it (a URI without its password)."""
        return shown_location(self.state_path)

    def now(self) -> int:
        """The clock's time as epoch seconds."""
        return epoch(self.clock())
