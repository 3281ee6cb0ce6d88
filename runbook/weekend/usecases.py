"""The use cases both faces call: open a weekend, check in and out, status, log, baseline.

A check-in reads the runbook's bytes only to hash them; the compiled plan comes from the state
file's cache, so the hot path touches neither YAML, pydantic nor networkx.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from runbook.common.errors import ConnectionLost, InputError, InvalidRunbook, Refused, StateError
from runbook.common.problems import did_you_mean
from runbook.common.text import NOTE_LIMIT
from runbook.format.durations import FUTURE, Side, TimeError, format_duration, parse_moment
from runbook.format.durations import clock as show_time
from runbook.planning.plan import Plan
from runbook.weekend import (
    StateLocation,
    checkpoint,
    open_store,
    rules,
    shown_location,
    state_location,
)
from runbook.weekend import default_state_path as default_state_path  # re-exported
from runbook.weekend.closing import close_in_force
from runbook.weekend.events import (
    CHECK_IN_KINDS,
    REASON_KINDS,
    REVISION_KINDS,
    Event,
    EventKind,
    NewEvent,
)
from runbook.weekend.forecast import (
    PullForward,
    Snapshot,
    TaskRecord,
    apply_event,
    as_of,
    fold,
    forecast_finish,
    pull_forward,
    snapshot,
)
from runbook.weekend.inforce import Drift, open_in_force, recorded_versions
from runbook.weekend.plancache import cache, cached_plan, compile_plan, load_plan
from runbook.weekend.versions import Version

if TYPE_CHECKING:
    from runbook.weekend.recover import Recovery
    from runbook.weekend.replan import Change
    from runbook.weekend.store import EventStore

Clock = Callable[[], datetime]
T = TypeVar("T")


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


# What a user who may not force is told instead of "add --force".
ONLY_MISSION_CONTROL = "only mission control may force it: ask them to record it"


@dataclass
class Weekend:
    """A runbook and its state file, opened for the use cases."""

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
    _may_force: bool | None = field(default=None, repr=False)
    # The versions of the runbook the log records, the one in force at the clock's moment,
    # and how the runbook file differs from the latest (``runbook.weekend.inforce``).
    versions: list[Version] = field(default_factory=list)
    version: Version | None = None
    drift: Drift | None = None

    # -- opening ---------------------------------------------------------------------
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
    ) -> Weekend:
        """Open a runbook with its state file (created when ``create``, e.g. to check in).
        ``compiled`` is the runbook's plan when the caller already has it (it is used when its
        content hash matches the file's, instead of compiling the runbook a second time).
        ``at`` gives the moment to evaluate at (``--now``) once the plan, and so its time
        zone, is known: the clock then stays there, for everything opening writes too.
        ``read_only``: for commands that only read; nothing is ever written to the state
        file (see ``open_store``), which may then be a read-only file or in a read-only
        folder."""
        from runbook.format.source import digest_of, read_bytes

        path = Path(runbook_path)
        state = state_location(state_path) if state_path is not None else default_state_path(path)
        data = read_bytes(path)
        digest = digest_of(data)
        store = open_store(state, create=create and not read_only, read_only=read_only)
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
                    None if at is None else lambda p: _epoch(at(p)),
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
                    cache(store, opened.fresh_file_plan, _epoch(clock()))
                if opened.drift is not None:
                    notices.append(opened.drift.line)
                notices.extend(store.notices)
                weekend = cls(
                    path, state, opened.plan, store, clock, notices, replay=at is not None
                )
                weekend.versions, weekend.version = recorded, opened.version
                weekend.drift = opened.drift
                return weekend
            plan = cached_plan(store, digest) if store else None
            fresh = plan is None
            if plan is None and compiled is not None and compiled.digest == digest:
                plan = compiled
            if plan is None:
                plan = compile_plan(data, path, store, notices, lambda p: _epoch(clock()), at)
            if at is not None:
                clock = _fixed(at(plan))
            if store is not None:
                store.check_owner(plan.name)
                if fresh and plan.digest == digest and store.writable:
                    cache(store, plan, _epoch(clock()))
        except BaseException:
            if store is not None:
                store.close()
            raise
        if store is not None:
            notices.extend(store.notices)
        return cls(path, state, plan, store, clock, notices, replay=at is not None)

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
        self.plan = plan
        return True

    def _note_drift(self, data: bytes, digest: str) -> bool:
        """Say how the runbook file differs from the latest version recorded (the one line
        in ``notices``); True when what is said changed."""
        from runbook.weekend.inforce import drift, plan_of

        was = self.drift
        latest = self.versions[-1]
        self.drift = None
        if digest != latest.digest and self.store is not None:
            current = plan_of(self.store, latest) or self.plan
            file_plan = cached_plan(self.store, digest)
            errors = 0
            if file_plan is None:
                from runbook.weekend.inforce import _compiled_or_errors

                file_plan, errors = _compiled_or_errors(data, self.runbook_path)
            self.drift = drift(
                self.runbook_path, latest, current, file_plan, errors, self.may_force()
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
        self.plan, self.version = plan, found
        try:
            data = read_bytes(self.runbook_path)
        except InputError:
            return changed
        self._note_drift(data, digest_of(data))
        return changed

    def close(self) -> None:
        """Close the state file."""
        if self.store is not None:
            self.store.close()

    def __enter__(self) -> Weekend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def shown_state(self) -> str:
        """Where the state is, as a message shows it (a URI without its password)."""
        return shown_location(self.state_path)

    def now(self) -> int:
        """The clock's time as epoch seconds."""
        return _epoch(self.clock())

    # -- reading ---------------------------------------------------------------------
    def events(self, now: int | None = None) -> list[Event]:
        """The event log, oldest first. In a replay only the events that had happened by
        ``now`` (default: the clock's time): what was recorded for a later moment is left out
        (counted in ``later_events``, and said in a notice)."""
        if self.store is None:
            return []
        if not self.replay:
            events = self.store.events()
            self.note_orphans(events)
            self.note_store()
            return events
        now = self.now() if now is None else now
        kept, later = as_of(self.store.events(), now)
        self.note_later_events(later, now)
        self.note_orphans(kept)
        self.note_store()
        return kept

    def audited_events(self, now: int | None = None) -> list[Event]:
        """The event log as ``events`` gives it, each event the check-in rules refuse but
        that was recorded without force marked with the refusal (``Event.against``)."""
        return rules.audited(self.plan, self.events(now))

    def note_store(self) -> None:
        """Say what the store found reading the log (events it could not read) as notices."""
        if self.store is not None:
            self.notices.extend(n for n in self.store.notices if n not in self.notices)

    def note_later_events(self, later: int, now: int) -> None:
        """Say, as a notice, that a replay at ``now`` leaves ``later`` events out."""
        self.later_events = later
        self.notices = [n for n in self.notices if n != self.later_notice]
        self.later_notice = None
        if later:
            from runbook.common.display import count  # only for a notice: off the hot path

            taken = show_time(now, self.plan.zone, with_date=True)
            self.later_notice = f"as of {taken}; {count(later, 'later event')} not shown"
            self.notices.append(self.later_notice)

    def note_orphans(self, events: Sequence[Event]) -> None:
        """Say, as a notice, which recorded tasks are no longer in the runbook (renamed or
        removed mid-weekend): their events stay in the log, but no longer count."""
        counts = Counter(
            e.task for e in events if e.task is not None and e.task not in self.plan.index
        )
        self.notices = [n for n in self.notices if not n.startswith(_ORPHANS)]
        if counts:
            from runbook.common.display import count  # only for a notice: off the hot path

            listed = ", ".join(
                f"{task} ({count(n, 'event')})" for task, n in sorted(counts.items())
            )
            self.notices.append(_ORPHANS + listed)

    def baseline_of(self, runbook_events: Sequence[Event]) -> tuple[Plan, Event | None]:
        """The plan ahead/behind is measured against, and the event that set it."""
        for event in reversed(runbook_events):
            if event.kind == EventKind.BASELINE and self.store is not None:
                digest = event.data.get("digest")
                if digest == self.plan.digest:
                    return self.plan, event
                text = self.store.plan_text(str(digest)) if digest else None
                plan = load_plan(self.store, text) if text else None
                if plan is not None:
                    return plan, event
        return self.plan, None

    def snapshot(self, now: int | None = None) -> Snapshot:
        """Every task's state and the forecast at ``now`` (default: the clock). Folded from
        the checkpoint the check-ins keep (audited as this fold audits) and the events after
        it, so its cost does not grow with the log; a replay folds the log up to ``now``."""
        now = self.now() if now is None else now
        kept = self._from_checkpoint()
        if kept is None:
            records, runbook_events = fold(self.events(now), check=self.audit)
        else:
            records, runbook_events = kept
        snap = self.snapshot_of(records, runbook_events, now)
        snap.later_events = self.later_events
        return snap

    def _from_checkpoint(self) -> checkpoint.Folded | None:
        """The log folded from the store's checkpoint, for a reader (not in a replay: the
        checkpoint may hold events after the replayed moment); None when there is none it
        may use."""
        if self.store is None or self.replay:
            return None
        found = checkpoint.read(self.store, self.folding, self.plan.index)
        if found is None:
            return None
        folded, tail = found
        self.note_orphans(tail)  # the checkpoint itself covers none (else it is not read)
        self.note_store()
        return folded

    def audit(self, event: Event, records: dict[str, TaskRecord]) -> Event:
        """``event`` as readers show it: marked when the check-in rules refuse it, given the
        records folded before it (``rules.audit``)."""
        return rules.audit(self.plan, event, records)

    @property
    def folding(self) -> checkpoint.Audit:
        """How this weekend folds the log, checkpoint or not: every event audited against
        this plan (``audit``)."""
        return checkpoint.Audit(self.audit, self.plan.digest)

    def snapshot_of(
        self,
        records: dict[str, TaskRecord],
        runbook_events: Sequence[Event],
        now: int | None = None,
    ) -> Snapshot:
        """The snapshot of records already folded (a live view keeps them in memory); once
        the weekend is closed, at its close."""
        baseline, event = self.baseline_of(runbook_events)
        self.note_changed_runbook(event)
        now = self.now() if now is None else now
        return snapshot(self.plan, baseline, records, now, close_in_force(runbook_events))

    def pull_forward(self, snap: Snapshot) -> list[PullForward]:
        """Tasks that only their ``not_before`` holds back."""
        return pull_forward(snap)

    def note_changed_runbook(self, baseline: Event | None) -> None:
        """Add a notice when the runbook differs from the one the baseline was taken of."""
        if (
            baseline is None
            or baseline.data.get("digest") == self.plan.digest
            or self.version is not None  # a recorded version: ahead/behind is by design
        ):
            return
        taken = show_time(baseline.at, self.plan.zone, with_date=True)
        notice = (
            f"the runbook file has changed since the baseline was taken ({taken}); the "
            "forecast uses the current runbook, ahead/behind is still measured against the "
            "baseline (`runbook baseline --reset` to take a new one)"
        )
        if notice not in self.notices:
            self.notices.append(notice)

    # -- resolving ids ---------------------------------------------------------------
    def resolve(self, given: str) -> str:
        """The task id meant by ``given``: exact, or a unique prefix. A task that has events
        but is no longer in the runbook (renamed mid-weekend) is refused, never taken for a
        new id it is a prefix of (``backup`` is not ``backup-db``)."""
        if given not in self.plan.index and self.store is not None:
            from runbook.common.display import count  # only for a refusal: off the hot path

            counts = self.store.task_counts()
            recorded = counts.get(given)
            gone = sorted(t for t in counts if t.startswith(given) and t not in self.plan.index)
            if gone and not recorded:
                raise Refused(
                    f"'{given}' is the start of {', '.join(gone[:6])}, no longer in the "
                    "runbook; type the whole id of a task in the runbook",
                    forceable=False,
                )
            if recorded:
                raise Refused(
                    f"{given} is no longer in the runbook ({count(recorded, 'event')} recorded "
                    "for it); it cannot be checked in",
                    hint="use its id in the runbook now (`runbook plan` lists them); "
                    f"`runbook log --task {given}` shows what was recorded",
                    forceable=False,
                )
        return _one_of(given, self.plan.index, "task")

    def resolve_recorded(self, given: str) -> str:
        """Like ``resolve``, but a task no longer in the runbook that has events is found too
        (to show its events)."""
        if given not in self.plan.index and self.store and self.store.task_counts().get(given):
            return given
        return self.resolve(given)

    def resolve_item(self, given: str) -> str:
        """The readiness item meant by ``given``: exact, or a unique prefix."""
        ids = [r.id for r in self.plan.readiness]
        if not ids:
            raise InputError(
                f"unknown readiness item '{given}'", hint="this runbook has no readiness items"
            )
        return _one_of(given, ids, "readiness item", refusal=False)

    def resolve_team(self, given: str) -> str:
        """The team meant by an id or a display name, in any case, or a
        unique prefix of either."""
        from runbook.planning.teams import resolve_team  # only a sign-off names a team

        return resolve_team(self.plan, given)

    def read_time(
        self,
        text: str,
        *,
        what: str = "--at",
        notes: list[str] | None = None,
        side: Side | None = None,
    ) -> datetime:
        """A time told by someone (``10:05`` is today by the weekend's clock, in the runbook's
        zone; else ISO 8601), as both faces read it; InputError in plain words otherwise.
        ``side``: it tells when something happened (``past``: ``--at``, the dashboard's time
        told), so a time of day later than the clock, told in the small hours, is
        yesterday's; or a time still ahead (``future``: an eta, a pull's time), so one
        earlier than the clock, told late in the evening, is tomorrow's (``parse_moment``)."""
        return read_moment(text, self.plan.zone, self.clock(), what=what, notes=notes, side=side)

    def would_refuse(
        self, kind: str, task_id: str, *, at: datetime | None = None, value: int | None = None
    ) -> Refused | None:
        """Why ``record(kind, [task_id], at=at)`` would be refused, asked before confirming:
        the same rules, on the events as they are now, writing nothing. A time that cannot be
        recorded at all (in the future) raises InputError, as ``record`` does."""
        now = self.now()
        when = now if at is None else _epoch(at)
        rules.not_future(self.plan, when, now)
        far = rules.near_weekend(self.plan, when, now) if at is not None else None
        if far is not None:
            return self._far_for_this_user(far)
        task_id = self.resolve(task_id)
        records: dict[str, TaskRecord] = {}
        runbook_events: list[Event] = []
        if self.store is not None:
            # Read like a check-in reads (from the checkpoint), without its write lock:
            # ``record`` checks again under the lock, so a check-in in between is still caught.
            (records, runbook_events), _, _ = checkpoint.load(self.store, self.folding)
        found = rules.with_close(
            rules.refusal(
                self.plan, kind, task_id, records.get(task_id, TaskRecord()), records, when, value
            ),
            rules.after_close(self.plan, kind, when, close_in_force(runbook_events)),
        )
        return None if found is None else self._for_this_user(found)

    def _for_this_user(self, refused: Refused) -> Refused:
        """A refusal as this user may act on it: one they may not force (a team member on a
        store with roles) says whom to ask instead."""
        if refused.forceable and not self.may_force():
            hint = f"{refused.hint}; {ONLY_MISSION_CONTROL}" if refused.hint else None
            return Refused(refused.message, hint=hint or ONLY_MISSION_CONTROL, forceable=False)
        return refused

    def may_force(self) -> bool:
        """Whether this user may record a forced event: anyone on a state file, only mission
        control on a store with roles (asked of the store once, after a refusal)."""
        if self._may_force is None:
            self._may_force = self.store is None or self.store.may_force()
        return self._may_force

    def what_if(self, specs: Sequence[str], now: int | None = None) -> WhatIf:
        """The weekend now, and as it would be with the changes ``specs`` describe (in the
        grammar of ``runbook.weekend.replan``), checked by the same rules as recording them;
        nothing is written. A spec that cannot be read or recorded raises, naming it."""
        from runbook.weekend import replan

        now = self.now() if now is None else now
        parsed = [replan.parse_spec(text, i) for i, text in enumerate(specs, 1)]
        before = self.snapshot(now)
        imagined = replan.imagine(
            self.plan,
            before.baseline,
            before.records,
            before.now,  # a closed weekend stands at its close
            parsed,
            resolve=self.resolve,
            read_time=lambda text: self.read_time(text, what="the time", side=FUTURE),
        )
        return WhatIf(before, imagined.snapshot, list(imagined.changes))

    def recover(self, now: int | None = None) -> Recovery:
        """The recovery options at ``now``: which optional work not started to drop to land
        inside the deadline (and every gate's point of no return); nothing is written."""
        from runbook.weekend.recover import recover

        now = self.now() if now is None else now
        records, runbook_events = fold(self.events(now))
        baseline, event = self.baseline_of(runbook_events)
        self.note_changed_runbook(event)
        closed = close_in_force(runbook_events)
        return recover(self.plan, baseline, records, now if closed is None else min(now, closed.at))

    # -- writing ---------------------------------------------------------------------
    def record(
        self,
        kind: str,
        ids: Sequence[str],
        *,
        actor: str,
        host: str,
        at: datetime | None = None,
        note: str | None = None,
        force: bool = False,
        value: int | None = None,
        dropped: bool = False,
    ) -> CheckIn:
        """Check tasks in or out (``start``, ``done``, ``fail``, ``skip``, ``undo``,
        ``note``), or revise them (``eta``, ``estimate``, ``pull``, saying ``value``: the
        eta, the estimate in seconds, the time pulled to or None), applying the rules; each
        refusal names its reason, and ``force`` records the override instead (a revision is
        never forced). Refused ids record nothing; the others are recorded together.
        ``dropped`` (with ``skip``): the work is dropped for time, a decision that sends it
        to aftercare (``runbook drop``); a must-have is dropped only with ``force``."""
        revision = kind in REVISION_KINDS
        if kind not in CHECK_IN_KINDS and not revision:
            raise InputError(f"unknown kind of check-in '{kind}'")
        if dropped and kind != EventKind.SKIP:
            raise InputError(f"only a skip can be a drop, not '{kind}'")
        self._writable()
        now = self.now()
        when = now if at is None else _epoch(at)
        rules.not_future(self.plan, when, now)
        reasoned = kind in REASON_KINDS or kind == EventKind.UNDO or revision  # --reason
        rules.check_entry(actor, note, "--reason" if reasoned else "the note")
        far = self._far_from_weekend(when, now, at is not None, force)
        if kind in REASON_KINDS and not (note and note.strip()):
            raise InputError(f"`runbook {kind}` needs --reason: say why, for the log")
        if kind == EventKind.NOTE and not (note and note.strip()):
            raise InputError("the note is empty")
        resolved = [self.resolve(given) for given in ids]

        def once(key: str) -> CheckIn:
            return self._record_once(
                kind,
                resolved,
                key,
                actor=actor,
                host=host,
                when=when,
                now=now,
                note=note,
                force=force,
                value=value,
                dropped=dropped,
                far=far,
            )

        def found(events: list[Event]) -> CheckIn:
            with self._writable().write():  # read as a check-in reads, for the line after it
                (records, runbook_events), _, _ = checkpoint.load(self._writable(), self.folding)
            result = CheckIn(kind=kind, now=now, already_recorded=events[0].seq)
            result.events = [e for e in events if e.kind == kind]
            result.baseline = next((e for e in events if e.kind == EventKind.BASELINE), None)
            result.records = records
            result.closed = close_in_force(runbook_events)
            result.baseline_plan, _ = self.baseline_of(runbook_events)
            return result

        result = self._idempotent(once, found)
        result.refused = [(t, self._for_this_user(r)) for t, r in result.refused]
        self.note_store()  # an event the check-in could not read is named
        return result

    def _record_once(
        self,
        kind: str,
        resolved: Sequence[str],
        key: str,
        *,
        actor: str,
        host: str,
        when: int,
        now: int,
        note: str | None,
        force: bool,
        value: int | None,
        dropped: bool,
        far: str | None = None,
    ) -> CheckIn:
        """One attempt at recording a check-in, its events carrying the idempotency key
        (``far``: the refusal of a time far from the weekend, which ``force`` overrode)."""
        revision = kind in REVISION_KINDS
        store = self._writable()
        result = CheckIn(kind=kind, now=now)
        with store.write():
            store.claim(self.plan.name)
            # Only the events after the checkpoint are read and folded: a check-in's cost
            # does not grow with the log.
            (records, runbook_events), covered, last = checkpoint.load(store, self.folding)
            if not any(e.kind == EventKind.BASELINE for e in runbook_events):
                result.baseline = self._take_baseline(
                    store, actor, host, now, "first check-in", key=f"{key}/baseline"
                )
                runbook_events.append(result.baseline)
                last = result.baseline.seq
            closed = close_in_force(runbook_events)
            after_close = rules.after_close(self.plan, kind, when, closed)
            for task_id in resolved:
                record = records.setdefault(task_id, TaskRecord())
                refused = rules.refusal(self.plan, kind, task_id, record, records, when, value)
                must = rules.drop_refusal(self.plan, task_id) if dropped else None
                data: dict[str, object] = {"dropped": True} if dropped else {}
                # Every rule a forced check-in passes, as the user was told each.
                overrode = [r.message for r in (after_close, refused, must) if r is not None]
                overrode += [far] if far is not None else []
                refused = rules.with_close(refused or must, after_close)
                if refused is not None and (not force or not refused.forceable):
                    result.refused.append((task_id, refused))
                    continue
                if overrode:  # every rule the override passed, as it was said to the user
                    said = "; ".join(overrode)
                    if len(said) > NOTE_LIMIT:  # as long as a note may be (a long list of ids)
                        said = said[: NOTE_LIMIT - 1] + "…"
                    data.update(forced=True, overrode=said)
                if kind == EventKind.UNDO:
                    data["undoes"] = record.history[-1].seq
                    result.undone.append(record.history[-1])
                elif revision:
                    from runbook.weekend.replan import revision_data

                    data.update(revision_data(kind, value))
                event = store.append(
                    NewEvent(
                        when,
                        task_id,
                        kind,
                        actor,
                        host,
                        note,
                        data or None,
                        idem=f"{key}/{task_id}",
                    ),
                    recorded=now,
                )
                apply_event(record, event)
                result.events.append(event)
                last = event.seq
            checkpoint.refresh(store, (records, runbook_events), covered, last, self.folding)
            self._publish_figures(store, records, runbook_events, last, now)
        result.records = records
        result.closed = closed
        result.baseline_plan, _ = self.baseline_of(runbook_events)
        return result

    def _idempotent(self, once: Callable[[str], T], found: Callable[[list[Event]], T]) -> T:
        """Run a write under a new idempotency key. When the connection breaks while it is
        being committed (a store on a server), connect again and look the key up: the
        events it recorded (``found``), or, when none were, the write once more."""
        key = os.urandom(16).hex()  # random like uuid4, without importing uuid (and platform)
        try:
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

    def decide(
        self,
        gate: str,
        verdict: str,
        *,
        actor: str,
        host: str,
        note: str | None = None,
        at: datetime | None = None,
        force: bool = False,
    ) -> Event:
        """Record a go/no-go decision at a gate (``at`` near the weekend, unless ``force``)."""
        from runbook.weekend.gates import DECISIONS

        task_id = self.resolve(gate)
        if task_id not in self.plan.gates:
            gates = ", ".join(self.plan.gates) or "none in this runbook"
            raise InputError(f"{task_id} is not a go/no-go gate (gates: {gates})")
        decision = DECISIONS.get(verdict.strip().casefold())
        if decision is None:
            raise InputError(f"'{verdict}' is not a decision; say go or no-go")
        when = self.now() if at is None else _epoch(at)
        far = self._far_from_weekend(when, self.now(), at is not None, force)
        data: dict[str, object] = {"decision": decision}
        overrode = [far] if far is not None else []
        closing = rules.after_close(self.plan, EventKind.DECIDE, when, self.close_in_force())
        if closing is not None:
            if not force:
                raise self._for_this_user(closing)
            overrode.insert(0, closing.message)
        if overrode:
            data.update(forced=True, overrode="; ".join(overrode))
        return self._append(NewEvent(when, task_id, EventKind.DECIDE, actor, host, note, data))

    def _far_from_weekend(self, when: int, now: int, told: bool, force: bool) -> str | None:
        """A time told (``--at``) far from the weekend: refused, or with ``force`` (by a
        user who may force) the refusal's text, for the event to say what it overrode."""
        far = rules.near_weekend(self.plan, when, now) if told else None
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

    def sign_off(self, team: str, *, actor: str, host: str, note: str | None = None) -> Event:
        """Record that a team declares itself ready."""
        return self._append(
            NewEvent(
                self.now(),
                None,
                EventKind.SIGNOFF,
                actor,
                host,
                note,
                {"team": self.resolve_team(team)},
            )
        )

    def check_item(
        self,
        item: str,
        *,
        actor: str,
        host: str,
        note: str | None = None,
        at: datetime | None = None,
    ) -> Event:
        """Tick off a readiness item (``at``: when it was done, if not now)."""
        when = self.now() if at is None else _epoch(at)
        return self._append(
            NewEvent(
                when, None, EventKind.CHECK, actor, host, note, {"item": self.resolve_item(item)}
            )
        )

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
        store.save_plan(self.plan.digest, self.plan.dumps(), created=now)
        return event

    def reset_baseline(self, *, actor: str, host: str, note: str | None = None) -> Event:
        """Measure ahead/behind against the current runbook from now on (an event)."""
        rules.check_entry(actor, note, "the note")
        self._writable()
        now = self.now()

        def once(key: str) -> Event:
            store = self._writable()
            with store.write():
                store.claim(self.plan.name)
                return self._take_baseline(
                    store, actor, host, now, note or "baseline reset", key=key
                )

        event = self._idempotent(once, lambda events: events[0])
        self.notices = [n for n in self.notices if "changed since the baseline" not in n]
        return event

    # -- closing ---------------------------------------------------------------------
    def close_in_force(self, now: int | None = None) -> Event | None:
        """The close in force at ``now`` (default: the clock), or None while the weekend runs."""
        return close_in_force(fold(self.events(now))[1])

    def close_weekend(
        self,
        *,
        actor: str,
        host: str,
        note: str | None = None,
        at: datetime | None = None,
        force: bool = False,
    ) -> Event:
        """End the weekend at ``at`` (default: now): an event about no task (the note is the
        reason). A weekend already closed is refused, and so is a close before a check-in
        already recorded (the weekend ran until then); ``force`` only lets an ``at`` far from
        the weekend through, as for a check-in."""
        rules.check_entry(actor, note, "--reason")
        self._writable()
        now = self.now()
        when = now if at is None else _epoch(at)
        rules.not_future(self.plan, when, now)
        far = self._far_from_weekend(when, now, at is not None, force)
        data = {"forced": True, "overrode": far} if far is not None else None

        def once(key: str) -> Event:
            store = self._writable()
            with store.write():
                store.claim(self.plan.name)
                (records, runbook_events), _, _ = checkpoint.load(store, self.folding)
                rules.close_refusal(self.plan, when, records, close_in_force(runbook_events))
                return store.append(
                    NewEvent(when, None, EventKind.CLOSE, actor, host, note, data, idem=key),
                    recorded=now,
                )

        return self._idempotent(once, lambda events: events[0])

    def reopen_weekend(self, *, actor: str, host: str, note: str | None = None) -> Event:
        """Revoke the close in force (``runbook close --undo``): an undo about no task that
        names it. Refused when the weekend is not closed."""
        rules.check_entry(actor, note, "--reason")
        self._writable()
        now = self.now()

        def once(key: str) -> Event:
            store = self._writable()
            with store.write():
                store.claim(self.plan.name)
                (_, runbook_events), _, _ = checkpoint.load(store, self.folding)
                closed = close_in_force(runbook_events)
                if closed is None:
                    raise Refused(
                        "the weekend is not closed: there is no close to undo", forceable=False
                    )
                return store.append(
                    NewEvent(
                        now,
                        None,
                        EventKind.UNDO,
                        actor,
                        host,
                        note,
                        {"undoes": closed.seq},
                        idem=key,
                    ),
                    recorded=now,
                )

        return self._idempotent(once, lambda events: events[0])


_ORPHANS = "events recorded for tasks no longer in the runbook: "


def _one_of(
    given: str, ids: Sequence[str] | dict[str, int], noun: str, *, refusal: bool = True
) -> str:
    """The id meant by ``given`` among ``ids``: exact, or a unique prefix. Otherwise a
    refusal (a check-in that cannot be forced) or, for other ids, an input error — with the
    candidates, or a "did you mean"."""
    if given in ids:
        return given
    matches = [i for i in ids if i.startswith(given)] if given else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(matches[:6]) + (", ..." if len(matches) > 6 else "")
        message, hint = (
            f"'{given}' matches {len(matches)} {noun}s ({shown}); type more of the id",
            None,
        )
    else:
        message, hint = f"unknown {noun} '{given}'", did_you_mean(given, ids)
    if refusal:
        raise Refused(message, hint=hint, forceable=False)
    raise InputError(message, hint=hint)


@dataclass
class CheckIn:
    """The outcome of one check-in command: what was recorded, and what was refused."""

    kind: str
    events: list[Event] = field(default_factory=list)
    refused: list[tuple[str, Refused]] = field(default_factory=list)
    baseline: Event | None = None  # set when this check-in recorded the first baseline
    records: dict[str, TaskRecord] = field(default_factory=dict)  # every task, afterwards
    baseline_plan: Plan | None = None  # what ahead/behind is measured against
    now: int = 0
    undone: list[Event] = field(default_factory=list)  # what each undo revoked, in order
    # Set when a broken connection was retried and the check-in had been recorded already:
    # the sequence number of its first event (``events`` are the ones it recorded).
    already_recorded: int | None = None
    closed: Event | None = None  # the close in force (a check-in forced after it)

    def position(self, plan: Plan) -> tuple[int, int]:
        """Right after this check-in: the forecast finish, and the seconds ahead of the
        baseline (negative: behind). One forward pass, no full snapshot; once the weekend
        is closed, the finish is the close."""
        if self.closed is not None:
            finish = self.closed.at
        else:
            finish = forecast_finish(plan, self.records, self.now)
        return finish, (self.baseline_plan or plan).finish - finish


@dataclass
class WhatIf:
    """The weekend now, as it would be with some changes, and those changes."""

    before: Snapshot
    after: Snapshot
    changes: list[Change]


def read_moment(
    text: str,
    zone: tzinfo,
    reference: datetime,
    *,
    what: str,
    notes: list[str] | None = None,
    side: Side | None = None,
) -> datetime:
    """``text`` read as a moment in ``zone`` ("10:05" is on ``reference``'s day, or with a
    ``side`` the day before or after by the rule of ``parse_moment``), or an InputError
    naming ``what`` was given (``--at``, ``--now``, the dialog's field)."""
    try:
        return parse_moment(text, zone, reference, notes=notes, side=side)
    except (TimeError, ValueError) as exc:
        raise InputError(
            f"{what} {text}: {exc}", hint="use 10:05 (today) or 2026-12-05T10:05"
        ) from None


def watch_only(asked: bool, *, replay: bool) -> bool:
    """Whether a face that can record (the dashboard) opens read-only: when asked (a wall
    screen), and always in a replay. A clock fixed by ``--now`` shows the weekend as it was
    then; a check-in made there would go into the live log dated in the past, and a forced
    one past every rule that refused it."""
    return asked or replay


def _fixed(moment: datetime) -> Clock:
    """A clock that stays at ``moment``."""
    return lambda: moment


def describe_ahead(seconds: int) -> tuple[str, str]:
    """``("AHEAD", "35m")``, ``("BEHIND", "1h10m")`` or ``("ON PLAN", "")``."""
    if abs(seconds) < 60:
        return "ON PLAN", ""
    return ("AHEAD" if seconds > 0 else "BEHIND"), format_duration(abs(seconds))
