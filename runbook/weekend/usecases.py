"""The use cases both faces call: open a weekend, check in and out, status, log, baseline.

A check-in reads the runbook's bytes only to hash them; the compiled plan comes from the state
file's cache, so the hot path touches neither YAML, pydantic nor networkx.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from runbook.common.display import count
from runbook.common.errors import InputError, InvalidRunbook, Refused, StateError
from runbook.common.limits import AT_AFTER_END, AT_BEFORE_START
from runbook.common.problems import did_you_mean
from runbook.common.text import BY_LIMIT, NOTE_LIMIT, entry_problem
from runbook.format.durations import clock as show_time
from runbook.format.durations import format_duration, iso
from runbook.planning.plan import Plan, PlannedTask
from runbook.weekend.forecast import (
    DONE,
    FAILED,
    FINISHED,
    RUNNING,
    SKIPPED,
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
from runbook.weekend.gates import DECISIONS, GO, NO_GO
from runbook.weekend.gates import decision as gate_decision
from runbook.weekend.sqlite import Event, NewEvent, Store
from runbook.weekend.team import resolve_team

Clock = Callable[[], datetime]
CHECK_IN_KINDS = ("start", "done", "fail", "skip", "undo", "note")


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


def default_state_path(runbook_path: str | os.PathLike[str]) -> Path:
    """``weekend.yaml`` keeps its state in ``weekend.state.db`` beside it."""
    return Path(runbook_path).with_suffix(".state.db")


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


@dataclass
class Weekend:
    """A runbook and its state file, opened for the use cases."""

    runbook_path: Path
    state_path: Path
    plan: Plan
    store: Store | None
    clock: Clock
    notices: list[str] = field(default_factory=list)
    # With ``--now`` the clock is set to another moment and the weekend is replayed as it
    # was then; a live clock shows every event (a machine whose clock runs a little behind
    # must not hide a check-in just made on another).
    replay: bool = False
    later_events: int = 0  # events after the replayed moment, left out of the last read

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
        file (see ``Store.open``), which may then be a read-only file or in a read-only
        folder."""
        from runbook.format.source import digest_of, read_bytes

        path = Path(runbook_path)
        state = Path(state_path) if state_path is not None else default_state_path(path)
        data = read_bytes(path)
        digest = digest_of(data)
        store = Store.open(state, create=create and not read_only, read_only=read_only)
        notices: list[str] = []
        try:
            plan = _cached_plan(store, digest) if store else None
            fresh = plan is None
            if plan is None and compiled is not None and compiled.digest == digest:
                plan = compiled
            if plan is None:
                plan = _compile(data, path, store, notices, lambda p: _epoch(clock()), at)
            if at is not None:
                clock = _fixed(at(plan))
            if store is not None:
                store.check_owner(plan.name)
                if fresh and plan.digest == digest and store.writable:
                    _cache(store, plan, _epoch(clock()))
        except BaseException:
            if store is not None:
                store.close()
            raise
        if store is not None and not store.wal:
            notices.append(
                f"{state}: this filesystem does not support SQLite's write-ahead log; check-ins "
                "from many terminals at once will queue (keep the state file on a local disk)"
            )
        return cls(path, state, plan, store, clock, notices, replay=at is not None)

    def reload(self) -> bool:
        """Read the runbook file again; True when its content changed (the plan is then the
        new one, or the last valid one with a notice when the new file has errors)."""
        from runbook.format.source import digest_of, read_bytes

        data = read_bytes(self.runbook_path)
        digest = digest_of(data)
        if digest == self.plan.digest:
            return False
        self.notices = []
        plan = _cached_plan(self.store, digest) if self.store else None
        if plan is None:
            try:
                plan = _compile(
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
                _cache(self.store, plan, self.now())
        self.plan = plan
        return True

    def close(self) -> None:
        """Close the state file."""
        if self.store is not None:
            self.store.close()

    def __enter__(self) -> Weekend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
            return events
        now = self.now() if now is None else now
        kept, later = as_of(self.store.events(), now)
        self.note_later_events(later, now)
        self.note_orphans(kept)
        return kept

    def note_later_events(self, later: int, now: int) -> None:
        """Say, as a notice, that a replay at ``now`` leaves ``later`` events out."""
        self.later_events = later
        self.notices = [n for n in self.notices if not n.startswith(_AS_OF)]
        if later:
            taken = show_time(now, self.plan.zone, with_date=True)
            self.notices.append(f"{_AS_OF}{taken}; {count(later, 'later event')} not shown")

    def note_orphans(self, events: Sequence[Event]) -> None:
        """Say, as a notice, which recorded tasks are no longer in the runbook (renamed or
        removed mid-weekend): their events stay in the log, but no longer count."""
        counts = Counter(
            e.task for e in events if e.task is not None and e.task not in self.plan.index
        )
        self.notices = [n for n in self.notices if not n.startswith(_ORPHANS)]
        if counts:
            listed = ", ".join(
                f"{task} ({count(n, 'event')})" for task, n in sorted(counts.items())
            )
            self.notices.append(_ORPHANS + listed)

    def baseline_of(self, runbook_events: Sequence[Event]) -> tuple[Plan, Event | None]:
        """The plan ahead/behind is measured against, and the event that set it."""
        for event in reversed(runbook_events):
            if event.kind == "baseline" and self.store is not None:
                digest = event.data.get("digest")
                if digest == self.plan.digest:
                    return self.plan, event
                text = self.store.plan_text(str(digest)) if digest else None
                plan = _load_plan(self.store, text) if text else None
                if plan is not None:
                    return plan, event
        return self.plan, None

    def snapshot(self, now: int | None = None) -> Snapshot:
        """Every task's state and the forecast at ``now`` (default: the clock)."""
        now = self.now() if now is None else now
        records, runbook_events = fold(self.events(now))
        snap = self.snapshot_of(records, runbook_events, now)
        snap.later_events = self.later_events
        return snap

    def snapshot_of(
        self,
        records: dict[str, TaskRecord],
        runbook_events: Sequence[Event],
        now: int | None = None,
    ) -> Snapshot:
        """The snapshot of records already folded (a live view keeps them in memory)."""
        baseline, event = self.baseline_of(runbook_events)
        self.note_changed_runbook(event)
        return snapshot(self.plan, baseline, records, self.now() if now is None else now)

    def pull_forward(self, snap: Snapshot) -> list[PullForward]:
        """Tasks that only their ``not_before`` holds back."""
        return pull_forward(snap)

    def note_changed_runbook(self, baseline: Event | None) -> None:
        """Add a notice when the runbook differs from the one the baseline was taken of."""
        if baseline is None or baseline.data.get("digest") == self.plan.digest:
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
        return resolve_team(self.plan, given)

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
    ) -> CheckIn:
        """Check tasks in or out (``start``, ``done``, ``fail``, ``skip``, ``undo``,
        ``note``), applying the rules; each refusal names its reason, and ``force`` records
        the override instead. Refused ids record nothing; the others are recorded together."""
        if kind not in CHECK_IN_KINDS:
            raise InputError(f"unknown kind of check-in '{kind}'")
        store = self._writable()
        now = self.now()
        when = now if at is None else _epoch(at)
        self._not_future(when, now)
        _check_entry(actor, note, "--reason" if kind in ("fail", "skip", "undo") else "the note")
        if at is not None:
            self._near_weekend(when, force=force)
        if kind in ("fail", "skip") and not (note and note.strip()):
            raise InputError(f"`runbook {kind}` needs --reason: say why, for the log")
        if kind == "note" and not (note and note.strip()):
            raise InputError("the note is empty")
        resolved = [self.resolve(given) for given in ids]
        result = CheckIn(kind=kind, now=now)
        with store.write():
            store.claim(self.plan.name)
            events = store.events()
            records, runbook_events = fold(events)
            if not any(e.kind == "baseline" for e in runbook_events):
                result.baseline = self._take_baseline(store, actor, host, now, "first check-in")
            for task_id in resolved:
                record = records.setdefault(task_id, TaskRecord())
                refusal = self._refusal(kind, task_id, record, records, when)
                data: dict[str, object] = {}
                if refusal is not None:
                    if not force or not refusal.forceable:
                        result.refused.append((task_id, refusal))
                        continue
                    data = {"forced": True, "overrode": refusal.message}
                if kind == "undo":
                    data["undoes"] = record.history[-1].seq
                event = store.append(
                    NewEvent(when, task_id, kind, actor, host, note, data or None), recorded=now
                )
                apply_event(record, event)
                result.events.append(event)
        result.records = records
        result.baseline_plan, _ = self.baseline_of(runbook_events)
        return result

    def _refusal(
        self,
        kind: str,
        task_id: str,
        record: TaskRecord,
        records: dict[str, TaskRecord],
        when: int,
    ) -> Refused | None:
        """Why the rules do not allow this check-in now, or None."""
        zone = self.plan.zone
        state = record.state
        task = self.plan.tasks[self.plan.index[task_id]]

        def at(seconds: int | None) -> str:
            return show_time(seconds, zone) if seconds is not None else "?"

        who = f" by {record.last_actor}" if record.last_actor else ""
        if kind == "start":
            if state == RUNNING:
                return Refused(
                    f"{task_id} is already running (started {at(record.actual_start)}{who})"
                )
            if state == DONE:
                return Refused(f"{task_id} is already done (finished {at(record.actual_finish)})")
            if state == SKIPPED:
                return Refused(
                    f"{task_id} was skipped ({record.reason}); undo the skip to start it",
                    hint=f"runbook undo {task_id}",
                )
            waiting = self._waiting(task, records, when, "start")
            if waiting is not None:
                return waiting
            if task.not_before is not None and when < task.not_before:
                return Refused(
                    f"{task_id} cannot start at {at(when)}: {not_before_text(self.plan, task)}"
                )
        elif kind == "done":
            if task.gate and gate_decision(record) != GO:
                said = gate_decision(record)
                return Refused(
                    f"{task_id} is a go/no-go gate and "
                    + ("the decision was NO-GO" if said == NO_GO else "has no GO decision yet"),
                    hint=f"runbook decide {task_id} go --by NAME",
                )
            if state is None and not task.milestone:  # a milestone is simply reached
                return Refused(f"{task_id} was never started; start it first")
            if state is None:  # ... once what it marks is finished
                waiting = self._waiting(task, records, when, "be reached")
                if waiting is not None:
                    return waiting
            if state == DONE:
                return Refused(f"{task_id} is already done (finished {at(record.actual_finish)})")
            if state == SKIPPED:
                return Refused(f"{task_id} was skipped ({record.reason})")
            if record.actual_start is not None and when < record.actual_start:
                return Refused(
                    f"{task_id} started at {at(record.actual_start)}; it cannot finish earlier, "
                    f"at {at(when)}",
                    forceable=False,
                )
        elif kind == "fail":
            if state in (None, DONE, SKIPPED):
                what = {None: "has not started", DONE: "is already done", SKIPPED: "was skipped"}
                return Refused(f"{task_id} {what[state]}; only a running task can fail")
        elif kind == "skip":
            if state in (RUNNING, FAILED):
                return Refused(
                    f"{task_id} is {state}; finish it, or undo its start before skipping it",
                    hint=f"runbook undo {task_id}",
                )
            if state == DONE:
                return Refused(f"{task_id} is already done")
            if state == SKIPPED:
                return Refused(f"{task_id} is already skipped", forceable=False)
        elif kind == "undo" and not record.history:
            return Refused(f"{task_id} has no check-in to undo", forceable=False)
        return None

    def _waiting(
        self, task: PlannedTask, records: dict[str, TaskRecord], when: int, verb: str
    ) -> Refused | None:
        """Why ``task`` cannot ``verb`` at ``when`` because of its predecessors: one not
        finished yet, or one that finished later than that (a time told by phone)."""
        plan, zone = self.plan, self.plan.zone
        blocking = [
            plan.tasks[p].id
            for p in task.preds
            if records.get(plan.tasks[p].id, _NONE).state not in FINISHED
        ]
        if blocking:
            shown = ", ".join(blocking[:8]) + (", ..." if len(blocking) > 8 else "")
            noun = "predecessor" if len(blocking) == 1 else "predecessors"
            return Refused(f"{task.id} cannot {verb}: {noun} not done yet: {shown}")
        finished_later = [
            (recorded.actual_finish, plan.tasks[p].id)
            for p in task.preds
            if (recorded := records.get(plan.tasks[p].id, _NONE)).state == DONE
            and recorded.actual_finish is not None
            and recorded.actual_finish > when
        ]
        if finished_later:
            finish, pred = max(finished_later)
            return Refused(
                f"{task.id} cannot {verb} at {show_time(when, zone)}: predecessor {pred} "
                f"finished at {show_time(finish, zone)}"
            )
        return None

    def _writable(self) -> Store:
        """The state file, which a write needs."""
        if self.store is None or not self.store.writable:
            raise StateError(f"{self.state_path}: no state file open for writing")
        return self.store

    def _not_future(self, when: int, now: int) -> None:
        """``--at`` records what already happened."""
        if when > now:
            raise InputError(
                f"{show_time(when, self.plan.zone, with_date=True)} is in the future; "
                "--at records a time that has already passed"
            )

    def _near_weekend(self, when: int, *, force: bool) -> None:
        """``--at`` names a moment of this weekend (from a day before its planned start to
        a week after its deadline or planned finish) or of the last day by the clock (a
        rehearsal's check-in told late); further away is most likely a typo in the date,
        recorded only with ``--force``."""
        plan = self.plan
        earliest = plan.start - AT_BEFORE_START
        end = plan.deadline if plan.deadline is not None else plan.finish
        latest = end + AT_AFTER_END
        if force or earliest <= when <= latest or when >= self.now() - AT_BEFORE_START:
            return
        zone = plan.zone
        if when < earliest:
            where = f"more than a day before the weekend's start ({_dated(plan.start, zone)})"
        else:
            what = "deadline" if plan.deadline is not None else "planned finish"
            where = f"more than a week after the weekend's {what} ({_dated(end, zone)})"
        raise Refused(
            f"--at {_dated(when, zone)} is {where}; is the date right?",
            hint="add --force to record it anyway",
        )

    def _append(self, event: NewEvent) -> Event:
        """Append one event that is not a check-in (no baseline is taken for it)."""
        _check_entry(event.actor, event.note, "--note")
        store = self._writable()
        now = self.now()
        self._not_future(event.at, now)
        with store.write():
            store.claim(self.plan.name)
            return store.append(event, recorded=now)

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
        task_id = self.resolve(gate)
        if task_id not in self.plan.gates:
            gates = ", ".join(self.plan.gates) or "none in this runbook"
            raise InputError(f"{task_id} is not a go/no-go gate (gates: {gates})")
        decision = DECISIONS.get(verdict.strip().casefold())
        if decision is None:
            raise InputError(f"'{verdict}' is not a decision; say go or no-go")
        when = self.now() if at is None else _epoch(at)
        if at is not None:
            self._near_weekend(when, force=force)
        return self._append(
            NewEvent(when, task_id, "decide", actor, host, note, {"decision": decision})
        )

    def sign_off(self, team: str, *, actor: str, host: str, note: str | None = None) -> Event:
        """Record that a team declares itself ready."""
        return self._append(
            NewEvent(
                self.now(), None, "signoff", actor, host, note, {"team": self.resolve_team(team)}
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
            NewEvent(when, None, "check", actor, host, note, {"item": self.resolve_item(item)})
        )

    def _take_baseline(self, store: Store, actor: str, host: str, now: int, note: str) -> Event:
        """Record the current plan as the baseline (inside a write transaction)."""
        store.save_plan(self.plan.digest, self.plan.dumps(), created=now)
        return store.append(
            NewEvent(now, None, "baseline", actor, host, note, {"digest": self.plan.digest}),
            recorded=now,
        )

    def reset_baseline(self, *, actor: str, host: str, note: str | None = None) -> Event:
        """Measure ahead/behind against the current runbook from now on (an event)."""
        _check_entry(actor, note, "the note")
        store = self._writable()
        now = self.now()
        with store.write():
            store.claim(self.plan.name)
            event = self._take_baseline(store, actor, host, now, note or "baseline reset")
        self.notices = [n for n in self.notices if "changed since the baseline" not in n]
        return event


def _check_entry(actor: str, note: str | None, note_option: str) -> None:
    """Who and why, as typed, are recorded only when every face can show them: ``--by`` one
    printable line of at most BY_LIMIT characters, a note or reason printable text of at most
    NOTE_LIMIT (see runbook.common.text). The bounds live here, once, for the CLI and the
    dashboard."""
    problem = entry_problem(actor, limit=BY_LIMIT, one_line=True)
    if problem is not None:
        raise InputError(f"--by {problem}", hint="name who did it, on one line")
    if note is not None:
        problem = entry_problem(note, limit=NOTE_LIMIT, one_line=False)
        if problem is not None:
            raise InputError(f"{note_option} {problem}")


def _dated(seconds: int, zone: tzinfo) -> str:
    """``2026-12-04 18:00``: a time with its year, for a date that may be mistyped."""
    return (iso(seconds, zone) or "")[:16].replace("T", " ")


_NONE = TaskRecord()
_AS_OF = "as of "
_ORPHANS = "events recorded for tasks no longer in the runbook: "


def not_before_text(plan: Plan, task: PlannedTask) -> str:
    """``not before Sat 20:00 (runbook)``; for a time that cannot move, ``not before Sat
    22:00, fixed in the runbook: it cannot move (downtime announced)``."""
    if task.not_before is None:
        return ""
    text = f"not before {show_time(task.not_before, plan.zone)}"
    if not task.not_before_fixed:
        return text + " (runbook)"
    text += ", fixed in the runbook: it cannot move"
    return text + (f" ({task.not_before_reason})" if task.not_before_reason else "")


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

    def position(self, plan: Plan) -> tuple[int, int]:
        """Right after this check-in: the forecast finish, and the seconds ahead of the
        baseline (negative: behind). One forward pass, no full snapshot."""
        finish = forecast_finish(plan, self.records, self.now)
        return finish, (self.baseline_plan or plan).finish - finish


def _cached_plan(store: Store, digest: str) -> Plan | None:
    text = store.plan_text(digest)
    return _load_plan(store, text) if text else None


def _load_plan(store: Store, text: str) -> Plan | None:
    """A plan stored in the state file; a record that cannot be read means a damaged file."""
    try:
        return Plan.loads(text)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise store.damage(exc) from None


def _cache(store: Store, plan: Plan, now: int) -> None:
    """Keep a compiled plan in the state file so the next command skips compiling it (and
    replace one written in a cache format this version cannot read). Only into a file that
    reads back whole: nothing is ever written to a damaged one."""
    import sqlite3

    store.verify()
    try:
        with store.write():
            store.save_plan(plan.digest, plan.dumps(), created=now, replace=True)
    except (StateError, sqlite3.Error):
        pass  # only a cache: a busy or read-only state file must not stop anyone


def _fixed(moment: datetime) -> Clock:
    """A clock that stays at ``moment``."""
    return lambda: moment


def _compile(
    data: bytes,
    path: Path,
    store: Store | None,
    notices: list[str],
    now_of: Callable[[Plan], int],
    at: Callable[[Plan], datetime] | None = None,
) -> Plan:
    """Validate and schedule the runbook (the slow path: YAML, pydantic, networkx). When the
    runbook has errors but the state file knows an earlier valid version, carry on with that
    one and say so (when it was stored, by the clock commands write with; under ``--now``
    a version stored after that moment is said to be)."""
    from runbook.validation.validate import validate_bytes

    result = validate_bytes(data, source=str(path), warnings=False)
    if result.plan is not None:
        return result.plan
    fallback = store.latest_plan_text() if store is not None else None
    plan = Plan.loads(fallback[1]) if fallback else None
    if plan is None:
        raise InvalidRunbook(result.problems, source=str(path))
    assert fallback is not None
    errors = len(result.errors)
    created = fallback[2]
    now = _epoch(at(plan)) if at is not None else now_of(plan)
    stored = show_time(created, plan.zone, with_date=True)
    when = (
        f"from {stored}"
        if created <= now
        else f"stored {stored}, later than the moment evaluated "
        f"({show_time(now, plan.zone, with_date=True)})"
    )
    notices.append(
        f"{path} has {errors} error{'s' if errors != 1 else ''} (run `runbook validate`); "
        f"carrying on with the last valid version of the runbook, {when}"
    )
    return plan


def describe_ahead(seconds: int) -> tuple[str, str]:
    """``("AHEAD", "35m")``, ``("BEHIND", "1h10m")`` or ``("ON PLAN", "")``."""
    if abs(seconds) < 60:
        return "ON PLAN", ""
    return ("AHEAD" if seconds > 0 else "BEHIND"), format_duration(abs(seconds))
