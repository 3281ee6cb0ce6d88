"""The check-in rules: what may be recorded, and why not, as pure functions of the plan, the
task records and the moment (no store, no clock).

Both faces record through ``Weekend.record``, which applies these inside the store's write
lock, so a rule checked here still holds when its event is appended.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from runbook.common.errors import InputError, Refused
from runbook.common.limits import AT_AFTER_END, AT_BEFORE_START, MAX_DURATION, MAX_DURATION_TEXT
from runbook.common.text import BY_LIMIT, NOTE_LIMIT, entry_problem
from runbook.format.durations import clock as show_time
from runbook.format.durations import iso
from runbook.planning.plan import Plan, PlannedTask
from runbook.weekend.eventdata import revision_value
from runbook.weekend.events import (
    FINISHED,
    REVISION_KINDS,
    UNDER_WAY,
    Event,
    EventKind,
    Status,
)
from runbook.weekend.forecast import TaskRecord, apply_event

if TYPE_CHECKING:
    from runbook.weekend.decisions import GateStanding

_NONE = TaskRecord()


def refusal(
    plan: Plan,
    kind: str,
    task_id: str,
    record: TaskRecord,
    records: dict[str, TaskRecord],
    when: int,
    value: int | None = None,
) -> Refused | None:
    """Why the rules do not allow this check-in (or revision) of ``task_id`` at ``when``, or
    None. ``value`` is what a revision says: the eta, the estimate in seconds, or the time a
    pull moves the task to (None: as soon as its predecessors allow)."""
    if kind in REVISION_KINDS:
        return revision_refusal(plan, kind, task_id, record, when, value)
    zone = plan.zone
    state = record.state
    task = plan.tasks[plan.index[task_id]]

    def at(seconds: int | None) -> str:
        return show_time(seconds, zone) if seconds is not None else "?"

    who = f" by {record.last_actor}" if record.last_actor else ""
    if kind == EventKind.START:
        if state == Status.RUNNING:
            return Refused(f"{task_id} is already running (started {at(record.actual_start)}{who})")
        if state == Status.DONE:
            return Refused(f"{task_id} is already done (finished {at(record.actual_finish)})")
        if state == Status.SKIPPED:
            return Refused(
                f"{task_id} was skipped ({record.reason}); undo the skip to start it",
                hint=f"runbook undo {task_id}",
            )
        waiting = _waiting(plan, task, records, when, "start")
        if waiting is not None:
            return waiting
        held = record.not_before_in_force(task.not_before)
        if held is not None and when < held:
            if record.pulled:  # the coordinator moved it: the pull's time holds
                return Refused(
                    f"{task_id} cannot start at {at(when)}: pulled forward to "
                    f"{at(held)}{_pulled_by(record)}, not earlier",
                    hint=f"runbook pull {task_id} --to {at(when)} (or without --to)",
                )
            return Refused(
                f"{task_id} cannot start at {at(when)}: {not_before_text(plan, task)}",
                hint=None if task.not_before_fixed else f"runbook pull {task_id}",
            )
    elif kind == EventKind.DONE:
        if task.gate:
            from runbook.weekend.gates import GO, gate_standing  # only a gate needs them

            info = plan.gates[task_id]
            said = gate_standing(info, record)
            if said.verdict != GO:
                return Refused(
                    f"{task_id} is a go/no-go gate and " + _not_passed(said),
                    hint=_decide_hint(task_id, said, len(info.stages) > 1),
                )
        if state is None and not task.milestone:  # a milestone is simply reached
            return Refused(f"{task_id} was never started; start it first")
        if state is None:  # ... once what it marks is finished
            waiting = _waiting(plan, task, records, when, "be reached")
            if waiting is not None:
                return waiting
        if state == Status.DONE:
            return Refused(f"{task_id} is already done (finished {at(record.actual_finish)})")
        if state == Status.SKIPPED:
            return Refused(f"{task_id} was skipped ({record.reason})")
        if record.actual_start is not None and when < record.actual_start:
            return Refused(
                f"{task_id} started at {at(record.actual_start)}; it cannot finish earlier, "
                f"at {at(when)}",
                forceable=False,
            )
    elif kind == EventKind.FAIL:
        if state not in UNDER_WAY:
            what = {
                None: "has not started",
                Status.DONE: "is already done",
                Status.SKIPPED: "was skipped",
            }
            return Refused(f"{task_id} {what[state]}; only a running task can fail")
    elif kind == EventKind.SKIP:
        if state in UNDER_WAY:
            return Refused(
                f"{task_id} is {state}; finish it, or undo its start before skipping it",
                hint=f"runbook undo {task_id}",
            )
        if state == Status.DONE:
            return Refused(f"{task_id} is already done")
        if state == Status.SKIPPED:
            return Refused(f"{task_id} is already skipped", forceable=False)
    elif kind == EventKind.UNDO and not record.history:
        return Refused(f"{task_id} has no check-in to undo", forceable=False)
    return None


def _not_passed(said: GateStanding) -> str:
    """Why a gate has not passed, in words: its NO-GO, the stage it waits for, or none."""
    from runbook.weekend.decisions import NO_GO

    if said.verdict == NO_GO:
        return "the decision was NO-GO"
    waiting = said.waiting_for
    if waiting is not None and any(s.gos for s in said.stages):
        return f"still waits for the GO of its {waiting.stage.name} stage"
    return "has no GO decision yet"


def _decide_hint(task_id: str, said: GateStanding, staged: bool) -> str:
    """``runbook decide G go --stage S --by NAME`` for the stage whose turn it is."""
    waiting = said.waiting_for  # after a NO-GO: the first stage, every stage decides again
    stage = f" --stage {waiting.stage.name}" if staged and waiting is not None else ""
    return f"runbook decide {task_id} go{stage} --by NAME"


def after_close(plan: Plan, kind: str, when: int, closed: Event | None) -> Refused | None:
    """Why a check-in (or revision, or decision) for the moment ``when`` is refused once the
    weekend was closed at or before it (``closed``: the close in force), or None. A note
    changes nothing and is always taken; a check-in told late for a moment before the close
    is a report of the weekend while it ran, and is taken too. A check-in after the close may
    be forced (the coordinator records aftercare work, say); a revision, a decision about
    the future, may not."""
    if closed is None or when < closed.at or kind == EventKind.NOTE:
        return None
    what = "revised" if kind in REVISION_KINDS else "checked in"
    return Refused(
        f"the weekend was closed at {show_time(closed.at, plan.zone)} by {closed.actor}: "
        f"nothing is {what} after the close",
        hint="`runbook close --undo` reopens it",
        forceable=kind not in REVISION_KINDS,
    )


def close_refusal(
    plan: Plan, when: int, records: dict[str, TaskRecord], closed: Event | None
) -> None:
    """Refuse a close (``runbook close``) plainly: when the weekend is closed already, or
    at a moment before a check-in already recorded (the weekend ran until then at least)."""
    zone = plan.zone
    if closed is not None:
        raise Refused(
            f"the weekend is already closed (at {show_time(closed.at, zone)} by "
            f"{closed.actor}); a second close changes nothing",
            hint="`runbook close --undo` reopens it",
            forceable=False,
        )
    latest = max(
        ((e.at, task, e.kind) for task, r in records.items() for e in r.history if e.at > when),
        default=None,
    )
    if latest is not None:
        at, task, kind = latest
        raise Refused(
            f"the weekend cannot close at {show_time(when, zone)}: {task} has a {kind} "
            f"recorded at {show_time(at, zone)}, after it",
            hint="close at that time or later (--at), or now",
            forceable=False,
        )


def with_close(refused: Refused | None, closing: Refused | None) -> Refused | None:
    """A check-in's refusal with the close's before it: both said, forceable only when both
    are (forcing past the close does not force past the rule as well)."""
    if closing is None or refused is None:
        return closing or refused
    hint = refused.hint or closing.hint
    return Refused(
        f"{closing.message}; and {refused.message}",
        hint=hint,
        forceable=closing.forceable and refused.forceable,
    )


def overridden(refusals: Iterable[Refused | None], far: str | None = None) -> dict[str, object]:
    """What a forced event says it overrode: every rule it passed, as each was said to the
    user (``far``: a time far from the weekend), cut to a note's length; nothing when it
    passed none."""
    said = "; ".join([r.message for r in refusals if r is not None] + ([far] if far else []))
    if not said:
        return {}
    if len(said) > NOTE_LIMIT:  # as long as a note may be (a long list of ids)
        said = said[: NOTE_LIMIT - 1] + "…"
    return {"forced": True, "overrode": said}


def drop_refusal(plan: Plan, task_id: str) -> Refused | None:
    """Why ``task_id`` should not be dropped for time (a must-have: the weekend is not done
    without it), or None for optional work. Forceable: the coordinator may decide otherwise."""
    task = plan.tasks[plan.index[task_id]]
    if task.priority == "must":
        return Refused(
            f"{task_id} is a must-have (priority must); only should and nice work is dropped",
            hint=f"runbook skip {task_id} --reason ... if it is not needed this time",
        )
    return None


def revision_refusal(
    plan: Plan, kind: str, task_id: str, record: TaskRecord, when: int, value: int | None
) -> Refused | None:
    """Why an ``eta`` (for a running task, a time after its start and after ``when``), an
    ``estimate`` (for a task not started) or a ``pull`` (of a task not started, with a
    ``not_before`` that may move, to a time before it) cannot be recorded, or None. A revision
    is a decision about the future: none can be forced."""
    zone = plan.zone
    task = plan.tasks[plan.index[task_id]]
    state = record.state

    def at(seconds: int) -> str:
        return show_time(seconds, zone)

    def no(message: str, hint: str | None = None) -> Refused:
        return Refused(message, hint=hint, forceable=False)

    if kind == EventKind.ETA:
        if state != Status.RUNNING:
            what = {
                None: "has not started",
                Status.FAILED: "has failed (start it again to resume it first)",
                Status.DONE: "is already done",
                Status.SKIPPED: "was skipped",
            }[state]
            hint = f"runbook estimate {task_id} DURATION" if state is None else None
            return no(f"{task_id} {what}; an eta revises the finish of a running task", hint)
        if record.actual_start is not None and when < record.actual_start:
            return no(
                f"{task_id} started at {at(record.actual_start)}; an eta cannot be told "
                f"earlier, at {at(when)}"
            )
        if value is None:
            return no(f"the eta of {task_id} needs a time")
        if value <= when:
            return no(
                f"the eta {at(value)} of {task_id} is not after {at(when)}; give a time still "
                "ahead (or +2h: from now)"
            )
        if value - when > MAX_DURATION:
            return no(f"the eta {at(value)} of {task_id} is more than {MAX_DURATION_TEXT} ahead")
    elif kind == EventKind.ESTIMATE:
        if state is not None:
            hint = f"runbook eta {task_id} TIME" if state == Status.RUNNING else None
            return no(f"{task_id} is {state}; an estimate revises a task not started yet", hint)
        if task.milestone:
            return no(f"{task_id} is a milestone: it takes no time to estimate")
        if value is None or value <= 0 or value > MAX_DURATION:
            return no(
                f"the estimate of {task_id} must be more than 0 and at most {MAX_DURATION_TEXT}"
            )
    elif kind == EventKind.PULL:
        if state is not None:
            return no(f"{task_id} is {state}; only a task not started yet can be pulled forward")
        if task.not_before is None:
            return no(
                f"{task_id} has no not_before: nothing but its predecessors holds it back, and "
                "it starts as soon as they finish"
            )
        if task.not_before_fixed:
            return no(f"{task_id} cannot be pulled forward: {not_before_text(plan, task)}")
        if value is not None and value >= task.not_before:
            return no(
                f"--to {at(value)} is not before the not_before of {task_id} "
                f"({at(task.not_before)}); a pull moves a task earlier"
            )
    return None


def _pulled_by(record: TaskRecord) -> str:
    """`` by ingrid``: who pulled the task (the last pull in force), or ""."""
    for event in reversed(record.history):
        if event.kind == EventKind.PULL:
            return f" by {event.actor}"
    return ""


def _waiting(
    plan: Plan, task: PlannedTask, records: dict[str, TaskRecord], when: int, verb: str
) -> Refused | None:
    """Why ``task`` cannot ``verb`` at ``when`` because of its predecessors: one not
    finished yet, or one that finished later than that (a time told by phone)."""
    zone = plan.zone
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
        if (recorded := records.get(plan.tasks[p].id, _NONE)).state == Status.DONE
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


def not_before_text(plan: Plan, task: PlannedTask) -> str:
    """``not before Sat 20:00 (runbook)``; for a time that cannot move, ``not before Sat
    22:00, fixed in the runbook: it cannot move (downtime announced)``; in a rehearsal with
    the runbook's time beside its own (``not before Thu 20:00 (Sat 20:00 in the runbook)``)."""
    if task.not_before is None:
        return ""
    text = f"not before {show_time(task.not_before, plan.zone)}"
    if plan.offset:  # a rehearsal: ``not before Thu 20:00 (Sat 20:00 in the runbook)``
        from runbook.weekend.rehearsal import runbook_time

        text += f" ({runbook_time(plan, task.not_before)})"
    if not task.not_before_fixed:
        return text + ("" if plan.offset else " (runbook)")
    text += ", fixed in the runbook: it cannot move"
    return text + (f" ({task.not_before_reason})" if task.not_before_reason else "")


# -- the entry checks: what is typed, and when ----------------------------------------------
def check_entry(actor: str, note: str | None, note_option: str) -> None:
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


def not_future(plan: Plan, when: int, now: int) -> None:
    """``--at`` records what already happened. A time refused that was yesterday's by the
    clock is offered with its date, the way to say it (a bare time of day is yesterday's
    only in the small hours: ``durations.YESTERDAY_WITHIN``)."""
    if when > now:
        # The same time of day the day before (wall-clock arithmetic: DST-safe).
        day_before = datetime.fromtimestamp(when, plan.zone) - timedelta(days=1)
        hint = None
        if day_before.timestamp() <= now:
            hint = f"for yesterday's, give the date: {day_before:%Y-%m-%dT%H:%M}"
        raise InputError(
            f"{show_time(when, plan.zone, with_date=True)} is in the future; "
            "--at records a time that has already passed",
            hint=hint,
        )


def near_weekend(plan: Plan, when: int) -> Refused | None:
    """Why ``--at`` is refused, or None: it names a moment of this weekend (from a day
    before its planned start to a week after its deadline or planned finish; a rehearsal's
    plan is on the rehearsal's own date, ``runbook rehearse``); further away is most likely
    a typo in the date, recorded only with ``--force`` (and then marked as the override it
    is). When it is told does not count: a time by the clock is no excuse for one far from
    the weekend."""
    earliest = plan.start - AT_BEFORE_START
    end = plan.deadline if plan.deadline is not None else plan.finish
    latest = end + AT_AFTER_END
    if earliest <= when <= latest:
        return None
    zone = plan.zone
    if when < earliest:
        where = f"more than a day before the weekend's start ({_dated(plan.start, zone)})"
    else:
        what = "deadline" if plan.deadline is not None else "planned finish"
        where = f"more than a week after the weekend's {what} ({_dated(end, zone)})"
    return Refused(
        f"--at {_dated(when, zone)} is {where}; is the date right?",
        hint="add --force to record it anyway",
    )


def _dated(seconds: int, zone: tzinfo) -> str:
    """``2026-12-04 18:00``: a time with its year, for a date that may be mistyped."""
    return (iso(seconds, zone) or "")[:16].replace("T", " ")


# -- what readers check: the log against the rules ------------------------------------------
# The kinds a check-in records about a task, whose rules a reader checks again.
_AUDITED = frozenset({"start", "done", "fail", "skip", "undo", *REVISION_KINDS})


def audit(plan: Plan, event: Event, records: dict[str, TaskRecord]) -> Event:
    """``event`` as every reader shows it: when the check-in rules would have refused it,
    given the records folded before it, and it was recorded without force all the same (a
    start typed at a psql prompt before its predecessors finished), a copy marked with the
    refusal (``Event.against``); otherwise the event itself. The database cannot fold the
    log: the rules live here, once, and readers apply them as they fold."""
    task_id, kind = event.task, event.kind
    if task_id is None or event.forced:
        return event
    if kind == EventKind.DECIDE:
        refused = decide_audit(plan, event, records.get(task_id, _NONE))
        return event if refused is None else replace(event, against=refused.message)
    if kind not in _AUDITED:
        return event
    if task_id not in plan.index:
        return event  # a task no longer in the runbook: noted apart (orphans)
    record = records.get(task_id, _NONE)
    if kind == EventKind.UNDO and any(r.seq == event.data.get("undoes") for r in record.rollbacks):
        return event  # a rollback's undo: mission control's, by its own rule
    value = revision_value(event) if kind in REVISION_KINDS else None
    refused = refusal(plan, kind, task_id, record, records, event.at, value)
    if refused is None and kind == EventKind.SKIP and event.dropped:
        refused = drop_refusal(plan, task_id)
    if refused is None and event.at != event.recorded:
        refused = near_weekend(plan, event.at)
    return event if refused is None else replace(event, against=refused.message)


def decide_audit(plan: Plan, event: Event, record: TaskRecord) -> Refused | None:
    """Why the staged rule would have refused a decision recorded without force (a decide
    typed at a psql prompt out of order, or by a name that is no approver of its stage), or
    None. A decision of the whole gate (no stage: every one recorded before stages) is
    never audited."""
    from runbook.weekend.decisions import Decider, refusal, standing_of_events

    stage, approver = event.data.get("stage"), event.data.get("approver")
    info = plan.gates.get(event.task or "")
    if info is None or not isinstance(stage, str):
        return None
    who = approver if isinstance(approver, str) else event.actor
    found = info.stage(stage)
    if found is None:
        return Refused(f"{info.id} has no stage '{stage}'")
    if who not in found.approvers:
        return Refused(f"'{who}' is not an approver of {info.id}'s {stage} stage")
    verdict = str(event.data.get("decision"))
    return refusal(
        standing_of_events(info, record.decisions), Decider(stage, who), verdict, plan.zone
    )


def audited(plan: Plan, events: Iterable[Event]) -> list[Event]:
    """The log with each event the rules refuse marked (``audit``), in one fold."""
    records: dict[str, TaskRecord] = {}
    out: list[Event] = []
    for event in events:
        task = event.task
        if task is not None:
            event = audit(plan, event, records)
            record = records.get(task)
            if record is None:
                record = records[task] = TaskRecord()
            apply_event(record, event)
        out.append(event)
    return out
