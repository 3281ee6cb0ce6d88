"""What an event may hold: the data each kind carries and the bounds of every column, in one
table that the client checks before it appends and the PostgreSQL schema compiles into the
trigger that guards its log (``runbook.store.postgres.guards``).

An event's data is a JSON object of the keys its kind allows, each of one type, never nested:
a list, a deep nesting, an unknown key, a number written as 4.0 or 1e23, a time outside the
years 1970-2200 or a duration over 30 days is refused where it is written, so no reader ever
has to make sense of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from runbook.common.errors import InputError
from runbook.common.limits import (
    EARLIEST_EPOCH,
    LATEST_EPOCH,
    MAX_DURATION,
    MAX_DURATION_TEXT,
    SEQ_LIMIT,
    YEARS_TEXT,
)
from runbook.common.text import BY_LIMIT, NOTE_LIMIT, entry_problem
from runbook.weekend.events import Event, NewEvent

# The longest texts an event's other columns hold (characters). A machine's name is at most
# 255 (DNS); an id, a team or an item is far shorter in any runbook; the data's whole JSON
# text is bounded too, so nothing is parsed before its size is known.
HOST_LIMIT = 255
ID_LIMIT = 1000
IDEM_LIMIT = 200
DATA_LIMIT = 16_384

# The types a value in an event's data may have (the PostgreSQL trigger knows the same names).
FLAG = "flag"  # true or false
REASON = "reason"  # a text of at most NOTE_LIMIT characters (the refusal a force overrode)
EPOCH = "epoch"  # a whole number of seconds since 1970, within the years the product handles
EPOCH_OR_NULL = "epoch_or_null"
DURATION = "duration"  # whole seconds, more than 0 and at most MAX_DURATION
SEQ = "seq"  # an event's sequence number
DECISION = "decision"  # go or no-go
DIGEST = "digest"  # a runbook's content hash: 64 hexadecimal digits
NAME = "name"  # an id (a team, a readiness item): one printable line
PERSON = "person"  # a person's name (an approver): one printable line of at most BY_LIMIT

DECISIONS = ("go", "no-go")
_DIGEST = re.compile(r"[0-9a-f]{64}")
_FORCE = {"forced": FLAG, "overrode": REASON}


@dataclass(frozen=True, slots=True)
class Shape:
    """What an event of one kind holds: whether it is about a task, the keys its data may
    have (with their types) and those it must have."""

    task: bool | None  # about a task (True), about none (False), or either (None)
    keys: dict[str, str]
    required: tuple[str, ...] = ()


# Every kind this version records, and its data. A new kind, or a new key, is a new line here
# and, for PostgreSQL, a new schema version (the trigger holds this table). Any event about a
# task may be forced (a rule, or a time told far from the weekend, overridden: who may force
# is the database's policy), and then says what it overrode.
SHAPES: dict[str, Shape] = {
    "start": Shape(True, dict(_FORCE)),
    "done": Shape(True, dict(_FORCE)),
    "fail": Shape(True, dict(_FORCE)),
    "skip": Shape(True, {**_FORCE, "dropped": FLAG}),
    # An undo about a task revokes one of its events; one about no task, a close.
    "undo": Shape(None, {**_FORCE, "undoes": SEQ}, ("undoes",)),
    "note": Shape(True, dict(_FORCE)),
    "eta": Shape(True, {**_FORCE, "eta": EPOCH}, ("eta",)),
    "estimate": Shape(True, {**_FORCE, "duration": DURATION}, ("duration",)),
    "pull": Shape(True, {**_FORCE, "to": EPOCH_OR_NULL}, ("to",)),
    # A decision at a gate's stage names the stage and the approver who said it (the actor
    # recorded it: mission control, for one who said it by phone); without a stage, the
    # whole gate's decision (every decision recorded before stages existed).
    "decide": Shape(
        True,
        {**_FORCE, "decision": DECISION, "stage": NAME, "approver": PERSON},
        ("decision",),
    ),
    # A gate's rollback started after its NO-GO (`runbook rollback GATE`); the note is why.
    "rollback": Shape(True, dict(_FORCE)),
    "signoff": Shape(False, {"team": NAME}, ("team",)),
    "check": Shape(False, {"item": NAME}, ("item",)),
    "baseline": Shape(False, {"digest": DIGEST}, ("digest",)),
    "close": Shape(False, dict(_FORCE)),  # the weekend ends (`runbook close`)
    # A new version of the runbook in force (`runbook revise`): its content hash, the one it
    # replaced, and what changed in words; the note is the reason.
    "revise": Shape(False, {"digest": DIGEST, "previous": DIGEST, "summary": REASON}, ("digest",)),
    # A lesson learned (`runbook lesson`): the note is the lesson; about a task, or a team.
    "lesson": Shape(None, {"team": NAME}),
    # A task's aftercare handover (`runbook aftercare`): its owner team, due date and ticket.
    "aftercare": Shape(True, {"owner": NAME, "due": EPOCH, "ticket": NAME}),
}

# What each type is, in words, for a refusal.
TYPE_WORDS = {
    FLAG: "true or false",
    REASON: f"a text of at most {NOTE_LIMIT} characters",
    EPOCH: f"a whole number of seconds since 1970 in the years {YEARS_TEXT}",
    EPOCH_OR_NULL: f"null or a whole number of seconds since 1970 in the years {YEARS_TEXT}",
    DURATION: f"a whole number of seconds, more than 0 and at most {MAX_DURATION_TEXT}",
    SEQ: "the whole sequence number of an event",
    DECISION: "go or no-go",
    DIGEST: "a runbook's content hash (64 hexadecimal digits)",
    NAME: f"an id of at most {ID_LIMIT} characters on one printable line",
    PERSON: f"a name of at most {BY_LIMIT} characters on one printable line",
}


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def value_fits(kind_of_value: str, value: object) -> bool:
    """Whether ``value`` is of the type ``kind_of_value`` names (see ``TYPE_WORDS``)."""
    if kind_of_value == FLAG:
        return isinstance(value, bool)
    if kind_of_value == REASON:
        return isinstance(value, str) and len(value) <= NOTE_LIMIT
    if kind_of_value == EPOCH_OR_NULL and value is None:
        return True
    if kind_of_value in (EPOCH, EPOCH_OR_NULL):
        return _whole(value) and EARLIEST_EPOCH <= value < LATEST_EPOCH  # type: ignore[operator]
    if kind_of_value == DURATION:
        return _whole(value) and 0 < value <= MAX_DURATION  # type: ignore[operator]
    if kind_of_value == SEQ:
        return _whole(value) and 0 < value <= SEQ_LIMIT  # type: ignore[operator]
    if kind_of_value == DECISION:
        return value in DECISIONS
    if kind_of_value == DIGEST:
        return isinstance(value, str) and _DIGEST.fullmatch(value) is not None
    if kind_of_value == NAME:
        return (
            isinstance(value, str)
            and bool(value)
            and entry_problem(value, limit=ID_LIMIT, one_line=True) is None
        )
    if kind_of_value == PERSON:
        return (
            isinstance(value, str)
            and bool(value)
            and entry_problem(value, limit=BY_LIMIT, one_line=True) is None
        )
    return False


def data_problem(kind: str, task: str | None, data: object) -> str | None:
    """Why an event of ``kind`` about ``task`` cannot carry ``data``, or None."""
    shape = SHAPES.get(kind)
    if shape is None:
        return f"'{kind}' is not a kind of event this version records"
    if shape.task is True and task is None:
        return f"an event of kind {kind} is about a task, and names none"
    if shape.task is False and task is not None:
        return f"an event of kind {kind} is about no task, and names {task}"
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return f"the data of {kind} is not a JSON object"
    for key, value in data.items():
        wanted = shape.keys.get(key)
        if wanted is None:
            allowed = ", ".join(shape.keys) or "none"
            return (
                f"the data of {kind} holds the key '{key}', which it may not (allowed: {allowed})"
            )
        if not value_fits(wanted, value):
            return f"the data of {kind}: {key} must be {TYPE_WORDS[wanted]}"
    for key in shape.required:
        if key not in data:
            return f"the data of {kind} must hold {key}: {TYPE_WORDS[shape.keys[key]]}"
    return None


def column_problem(event: NewEvent | Event) -> str | None:
    """Why an event's own columns (who, where, the note, the ids) cannot be recorded, or
    None: the bounds the check-in commands keep, for any writer."""
    problem = entry_problem(event.actor, limit=BY_LIMIT, one_line=True)
    if problem is not None or not event.actor:
        return f"the name it is recorded by (--by) {problem or 'is empty'}"
    problem = entry_problem(event.host, limit=HOST_LIMIT, one_line=True)
    if problem is not None:
        return f"the machine's name {problem}"
    if event.note is not None:
        problem = entry_problem(event.note, limit=NOTE_LIMIT, one_line=False)
        if problem is not None:
            return f"the note {problem}"
    if event.task is not None:
        problem = entry_problem(event.task, limit=ID_LIMIT, one_line=True)
        if problem is not None or not event.task:
            return f"the task id {problem or 'is empty'}"
    return None


def event_problem(event: NewEvent | Event) -> str | None:
    """Why an event (new, or read from a store) is not one this version records, or None."""
    return column_problem(event) or data_problem(str(event.kind), event.task, event.data)


def check_new_event(event: NewEvent) -> None:
    """Refuse, before anything is written, an event whose columns or data are not what its
    kind holds (InputError, in plain words)."""
    problem = event_problem(event)
    if problem is not None:
        raise InputError(f"refused to record {event.kind}: {problem}")


# The key of each revision's value in its event's data.
REVISION_KEYS: dict[str, str] = {"eta": "eta", "estimate": "duration", "pull": "to"}


def revision_value(event: Event | NewEvent) -> int | None:
    """What a revision event says (the eta, the estimate in seconds, the time pulled to),
    read as the door would have let it in: a value that is not a whole number is None, and
    one out of range (written by hand, or by a version that did not check) is shown at the
    nearest bound: an eta at most 30 days after its moment, an estimate between 0 and 30
    days, a time within the years the product handles. No reader ever computes with 1e23.
    The one reader of a revision's value: the fold, the rules' audit and every face."""
    kind, data = event.kind, event.data
    key = REVISION_KEYS.get(kind)
    value = data.get(key) if key and data else None
    if not _whole(value):
        return None
    assert isinstance(value, int)
    if kind == "estimate":
        low, high = 0, MAX_DURATION
    elif kind == "eta":
        low, high = EARLIEST_EPOCH, min(event.at + MAX_DURATION, LATEST_EPOCH - 1)
    else:
        low, high = EARLIEST_EPOCH, LATEST_EPOCH - 1
    return min(max(value, low), max(low, high))
