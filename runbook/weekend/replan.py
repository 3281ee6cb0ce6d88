"""Replanning during the weekend: reading an eta, and the what-if, folded without recording.

The what-if takes changes written in a small grammar (one per ``--what-if``, or one per line in
the dashboard), checks each with the same rules as ``runbook eta|estimate|pull``, and folds
them as hypothetical events into a copy of the records: the forecast and the points of no
return are then what they would be after recording the same changes, and nothing is written.

    ID+DURATION            ID takes DURATION longer than now forecast: a running task's eta
    ID -DURATION           moves by it, a task not started gets a longer (shorter) estimate
    ID eta TIME            a running task is expected to finish at TIME (14:00, an ISO time,
                           or +2h: from now)
    ID estimate DURATION   a task not started will take DURATION
    ID pull [TIME]         a task may start before its not_before (at TIME, or as soon as its
                           predecessors allow)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from runbook.common.errors import InputError, Refused
from runbook.format.durations import DurationError, clock, format_duration, parse_duration
from runbook.planning.plan import Plan
from runbook.weekend import rules
from runbook.weekend.eventdata import REVISION_KEYS, revision_value
from runbook.weekend.events import UNDER_WAY, Event, EventKind
from runbook.weekend.forecast import Snapshot, TaskRecord, apply_event, forward, snapshot

GRAMMAR = "ID+2h, ID -30m, ID eta 14:00, ID eta +2h, ID estimate 3h, ID pull or ID pull 10:00"
WHAT_IF_ACTOR = "what-if"

# ``ID+2h`` or ``ID +2h`` (an id has no ``+``), ``ID -30m`` (an id may hold ``-``: a space).
_SLIP = re.compile(
    r"^(?P<task>[^\s+]+?)\s*(?P<sign>[+])\s*(?P<amount>\S+)$"
    r"|^(?P<task2>\S+)\s+(?P<sign2>[+-])\s*(?P<amount2>\S+)$"
)


@dataclass(frozen=True, slots=True)
class Spec:
    """One what-if as written: ``db-migrate+2h`` is (``db-migrate``, ``slip``, ``+2h``)."""

    text: str
    number: int  # which --what-if it was, from 1
    task: str  # as typed (a unique prefix will do)
    verb: str  # slip | eta | estimate | pull
    argument: str | None


@dataclass(frozen=True, slots=True)
class Change:
    """A what-if read against the weekend: the revision it stands for."""

    spec: Spec
    kind: EventKind  # eta | estimate | pull
    task: str
    value: int | None  # the eta, the estimate (seconds), or the time pulled to

    def describe(self, plan: Plan) -> str:
        """``db-migrate eta Sat 16:00``, ``ehr-cutover estimate 3h``, ``archive pull``."""
        return describe(self.kind, self.task, self.value, plan)


def describe(kind: str, task: str | None, value: int | None, plan: Plan) -> str:
    """A revision in a few words, as the what-if says it: ``db eta Sat 16:00``."""
    return f"{task} {summary(kind, value, plan.zone)}"


def summary(kind: str, value: int | None, zone: tzinfo) -> str:
    """What a revision says, as the log shows it: ``eta Sat 16:00``, ``estimate 3h``,
    ``pull``, ``pull to Sat 12:00``."""
    if kind == EventKind.ETA and value is not None:
        return f"eta {clock(value, zone)}"
    if kind == EventKind.ESTIMATE and value is not None:
        return f"estimate {format_duration(value)}"
    if kind == EventKind.PULL and value is not None:
        return f"pull to {clock(value, zone)}"
    return str(kind)


def event_columns(event: Event, zone: tzinfo) -> tuple[str, str | None]:
    """An event in a few words for a table's What column, and apart what is too long for
    one (a revision's summary, which leads the note): ``("revise", "deadline Mon 06:00 →
    Mon 02:00")``; for every other event ``(event_summary(...), None)``."""
    if event.kind == EventKind.REVISE and event.data.get("summary"):
        return "revise", str(event.data["summary"])
    return event_summary(event, zone), None


def event_summary(event: Event, zone: tzinfo) -> str:
    """An event in a few words, a revision with what it says (``eta Sat 16:00``)."""
    if event.kind in KEYS:
        return summary(event.kind, revision_value(event), zone)
    if event.kind == EventKind.REVISE:  # what changed in the runbook, as recorded
        said = event.data.get("summary")
        return f"revise: {said}" if said else "revise"
    if event.kind == EventKind.AFTERCARE:
        return "aftercare " + ", ".join(
            f"{key} {clock(value, zone, with_date=True) if key == 'due' else value}"
            for key, value in sorted(event.data.items())
            if key in ("owner", "due", "ticket") and value is not None
        )
    return event.summary


# The key of each revision's value in its event's data (the one table: eventdata's).
KEYS = REVISION_KEYS


def revision_data(kind: str, value: int | None) -> dict[str, object]:
    """The data a recorded revision carries: ``{"eta": ...}``, ``{"duration": ...}`` or
    ``{"to": ...}`` (null: as soon as the predecessors allow)."""
    return {KEYS[kind]: value}


def read_duration(text: str, what: str) -> int:
    """A duration typed for an estimate or a slip, or an InputError naming ``what``."""
    try:
        seconds = parse_duration(text)
    except DurationError as exc:
        raise InputError(f"{what}: {exc}") from None
    return seconds


def read_eta(text: str, when: int, read_time: Callable[[str], datetime]) -> int:
    """An eta as typed: ``+2h`` is two hours after ``when`` (the moment it is said), else a
    time read by ``read_time`` (``14:00`` today in the runbook's zone, or ISO 8601)."""
    text = text.strip()
    if text.startswith("+"):
        return when + read_duration(text[1:], f"the eta {text}")
    return int(read_time(text).timestamp())


def parse_spec(text: str, number: int) -> Spec:
    """One what-if in the grammar (see the module), or an InputError that names it."""
    words = text.split()
    if len(words) >= 2 and words[1].casefold() in ("eta", "estimate", "pull"):
        verb = words[1].casefold()
        rest = words[2:]
        if verb == "pull" and rest and rest[0].casefold() == "to":
            rest = rest[1:]
        if verb == "pull" and len(rest) <= 1:
            return Spec(text, number, words[0], verb, rest[0] if rest else None)
        if verb != "pull" and len(rest) == 1:
            return Spec(text, number, words[0], verb, rest[0])
        wants = {"eta": "one time", "estimate": "one duration", "pull": "at most one time"}
        raise _bad(text, number, f"'{verb}' takes {wants[verb]}")
    m = _SLIP.match(text.strip())
    if m:
        task = m.group("task") or m.group("task2")
        sign = m.group("sign") or m.group("sign2")
        amount = m.group("amount") or m.group("amount2")
        return Spec(text, number, task, "slip", sign + amount)
    if not words:
        raise _bad(text, number, "it is empty")
    if len(words) == 1:
        raise _bad(text, number, "say what changes for the task")
    raise _bad(text, number, f"'{words[1]}' is not a change")


def _bad(text: str, number: int, why: str) -> InputError:
    return InputError(f"{where(text, number)}: {why}", hint=f"write one of: {GRAMMAR}")


def where(text: str, number: int) -> str:
    """``--what-if #2 'db eta 25:00'``: which what-if a problem is in."""
    return f"--what-if #{number} '{text}'"


@dataclass(frozen=True, slots=True)
class Imagined:
    """The weekend as it would be with the changes: its snapshot, and the changes read."""

    snapshot: Snapshot
    changes: tuple[Change, ...]


def imagine(
    plan: Plan,
    baseline: Plan,
    records: dict[str, TaskRecord],
    now: int,
    specs: Sequence[Spec],
    *,
    resolve: Callable[[str], str],
    read_time: Callable[[str], datetime],
) -> Imagined:
    """The snapshot at ``now`` with ``specs`` recorded, one after another, as revisions at
    ``now``: each read against the weekend as the ones before it left it and checked by the
    same rules as ``runbook eta|estimate|pull`` (a refusal names the what-if), folded into a
    copy of the records. ``records`` is left as it was; nothing is written."""
    working = dict(records)
    changes: list[Change] = []
    for i, spec in enumerate(specs):
        try:
            task_id = resolve(spec.task)
        except (InputError, Refused) as exc:
            here = where(spec.text, spec.number)
            raise InputError(f"{here}: {exc.message}", hint=exc.hint) from None
        change = _read(spec, task_id, plan, working, now, read_time)
        record = working.get(task_id) or TaskRecord()
        refused = rules.refusal(plan, change.kind, task_id, record, working, now, change.value)
        if refused is not None:
            raise Refused(
                f"{where(spec.text, spec.number)}: {refused.message}",
                hint=refused.hint,
                forceable=False,
            )
        copy = replace(record, history=list(record.history))
        apply_event(copy, _event(change, now, -(i + 1)))
        working[task_id] = copy
        changes.append(change)
    return Imagined(snapshot(plan, baseline, working, now), tuple(changes))


def _read(
    spec: Spec,
    task_id: str,
    plan: Plan,
    records: dict[str, TaskRecord],
    now: int,
    read_time: Callable[[str], datetime],
) -> Change:
    """The revision a spec stands for, read against the working records."""
    here = where(spec.text, spec.number)
    arg = spec.argument
    try:
        if spec.verb == "eta":
            return Change(spec, EventKind.ETA, task_id, read_eta(arg or "", now, read_time))
        if spec.verb == "estimate":
            return Change(spec, EventKind.ESTIMATE, task_id, read_duration(arg or "", "estimate"))
        if spec.verb == "pull":
            to = None if arg is None else int(read_time(arg).timestamp())
            return Change(spec, EventKind.PULL, task_id, to)
    except InputError as exc:
        raise InputError(f"{here}: {exc.message}", hint=exc.hint) from None
    # A slip: a running task's forecast finish moves, a task not started takes longer.
    assert arg is not None
    try:
        amount = read_duration(arg[1:], "the slip")
    except InputError as exc:
        raise InputError(f"{here}: {exc.message}", hint=f"write one of: {GRAMMAR}") from None
    amount = -amount if arg.startswith("-") else amount
    record = records.get(task_id) or TaskRecord()
    index = plan.index[task_id]
    if record.state in UNDER_WAY:
        finish = forward(plan, records, now)[1][index]
        return Change(spec, EventKind.ETA, task_id, finish + amount)
    duration = record.duration_in_force(plan.tasks[index].duration)
    return Change(spec, EventKind.ESTIMATE, task_id, duration + amount)


def _event(change: Change, now: int, seq: int) -> Event:
    """The hypothetical event a change folds as (never recorded)."""
    data = revision_data(change.kind, change.value)
    return Event(seq, now, now, change.task, change.kind, WHAT_IF_ACTOR, "", None, data)


@dataclass
class WhatIf:
    """The weekend now, as it would be with some changes, and those changes."""

    before: Snapshot
    after: Snapshot
    changes: list[Change]
