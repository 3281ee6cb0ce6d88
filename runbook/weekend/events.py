"""The event log's vocabulary: events, their kinds, task statuses, and the groups of each.

Kinds and statuses are ``StrEnum``s whose values are the strings stored in the log and shown
in ``--json``: a member equals (and hashes as) its value, so stored data and every output
stay as they were, and a face may still compare to the plain string.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from runbook.common.errors import InputError
from runbook.common.limits import YEARS_TEXT, epoch_in_bounds


class EventKind(StrEnum):
    """What an event records."""

    START = "start"
    DONE = "done"
    FAIL = "fail"
    SKIP = "skip"
    UNDO = "undo"
    NOTE = "note"
    DECIDE = "decide"  # a go/no-go decision at a gate
    SIGNOFF = "signoff"  # a team declares itself ready
    CHECK = "check"  # a readiness item ticked off
    BASELINE = "baseline"  # the plan ahead/behind is measured against
    ETA = "eta"  # a revised expected finish of a running task (data: eta, epoch seconds)
    ESTIMATE = "estimate"  # a revised duration of a task not started (data: duration, seconds)
    PULL = "pull"  # the coordinator lets a task start before its not_before (data: to or null)
    CLOSE = "close"  # mission control ends the weekend (no task; the note is the reason)
    ROLLBACK = "rollback"  # a gate's rollback starts after its NO-GO (task: the gate)
    # A new version of the runbook in force (no task; the note is the reason; data: its
    # digest, the one it replaced and a summary of the change): `runbook revise`.
    REVISE = "revise"
    LESSON = "lesson"  # a lesson learned (the note; a task, or data: team), `runbook lesson`
    # The aftercare handover of a task (data: owner, due, ticket): `runbook aftercare`.
    AFTERCARE = "aftercare"


class Status(StrEnum):
    """Where a task stands."""

    PENDING = "pending"  # waiting for a predecessor
    READY = "ready"  # may start now
    SCHEDULED = "scheduled"  # waits only for its not_before (or the time it was pulled to)
    RUNNING = "running"
    FAILED = "failed"
    DONE = "done"
    SKIPPED = "skipped"
    SUSPENDED = "suspended"  # forward work not finished while a rollback is in force


# The kinds a check-in command records (`runbook start|done|fail|skip|undo|note`).
CHECK_IN_KINDS = (
    EventKind.START,
    EventKind.DONE,
    EventKind.FAIL,
    EventKind.SKIP,
    EventKind.UNDO,
    EventKind.NOTE,
)
# The kinds that change a task's state.
STATE_KINDS = frozenset({EventKind.START, EventKind.DONE, EventKind.FAIL, EventKind.SKIP})
# The replanning kinds (`runbook eta|estimate|pull`): they change the forecast, not the state.
REVISION_KINDS = frozenset({EventKind.ETA, EventKind.ESTIMATE, EventKind.PULL})
# The kinds `undo` can revoke: a task's history, replayed to give its state and revisions.
UNDOABLE_KINDS = STATE_KINDS | REVISION_KINDS
# What an undo about a task can revoke: its history, or a gate's rollback (`rollback --undo`).
TASK_UNDO_TARGETS = UNDOABLE_KINDS | {EventKind.ROLLBACK}
# The events about no task that an undo about no task can revoke (`runbook close --undo`).
RUNBOOK_UNDOABLE_KINDS = frozenset({EventKind.CLOSE})
# The check-ins that say why (`--reason`) and must not be recorded without it.
REASON_KINDS = frozenset({EventKind.FAIL, EventKind.SKIP})

# Every status, in the order counts are given.
STATUSES = tuple(Status)
# A finished task no longer holds its successors back.
FINISHED = frozenset({Status.DONE, Status.SKIPPED})
# A task under way: started and not finished (a failed task is stuck, not over).
UNDER_WAY = frozenset({Status.RUNNING, Status.FAILED})
# A task not started yet.
NOT_STARTED = frozenset({Status.PENDING, Status.READY, Status.SCHEDULED})


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the event log. ``kind`` is read back as stored: compare it with an
    ``EventKind`` (a kind a newer version wrote is kept, not refused).

    Two fields are not the log's own, and an event is the same event without them:
    ``login``, the database login that recorded it (a store with logins: PostgreSQL), and
    ``against``, the refusal the check-in rules give for it when it was recorded without
    force all the same (a raw insert at a psql prompt), as a reader found it
    (``rules.audit``)."""

    seq: int
    at: int
    recorded: int
    task: str | None
    kind: str
    actor: str
    host: str
    note: str | None
    data: dict[str, Any]
    login: str | None = field(default=None, compare=False)
    against: str | None = field(default=None, compare=False)

    @property
    def summary(self) -> str:
        """What happened, in a few words: ``done``, ``decide NO-GO``, ``signoff dba``."""
        if self.kind == EventKind.DECIDE:
            said = f"decide {str(self.data.get('decision', '?')).upper()}"
            stage, approver = self.data.get("stage"), self.data.get("approver")
            if isinstance(approver, str) and approver.casefold() != self.actor.casefold():
                said += f" by {approver}"  # the approver, when someone else recorded it
            if isinstance(stage, str) and stage != "approvers":  # a stage the runbook names
                said += f" ({stage})"
            return said
        if self.kind == EventKind.SIGNOFF:
            return f"signoff {self.data.get('team', '?')}"
        if self.kind == EventKind.CHECK:
            return f"check {self.data.get('item', '?')}"
        if self.dropped:
            return "drop"
        if self.kind == EventKind.UNDO and self.task is None:
            return "undo close"  # the one runbook-level event an undo revokes
        return self.kind

    @property
    def dropped(self) -> bool:
        """True for a skip recorded as optional work dropped for time (``runbook drop``)."""
        return self.kind == EventKind.SKIP and bool(self.data.get("dropped"))

    @property
    def forced(self) -> bool:
        """True when the event overrode a refusal (``--force``)."""
        return bool(self.data.get("forced"))

    @property
    def overridden(self) -> bool:
        """True when the event stands against a rule: forced, or recorded against the rules
        without force (shown alike, each with the rule it passed)."""
        return self.against is not None or self.forced

    @property
    def overrode(self) -> str | None:
        """The rule it passed: the refusal a forced event overrode (None for an older event
        that did not keep it), or the one it was recorded against."""
        if self.against is not None:
            return self.against
        said = self.data.get("overrode") if self.forced else None
        return str(said) if said else None

    @property
    def by(self) -> str:
        """Who recorded it, as every face shows it: the ``--by`` name, and the database login
        beside it when they differ (``Ingrid de Vries (login sanne)``)."""
        if self.login and self.login != self.actor:
            return f"{self.actor} (login {self.login})"
        return self.actor


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event about to be appended."""

    at: int
    task: str | None
    kind: str
    actor: str
    host: str
    note: str | None = None
    data: dict[str, Any] | None = None
    # For a store shared by several machines (PostgreSQL): the check-in's idempotency key, so
    # a retry after a dropped connection records nothing twice. The SQLite store ignores it.
    # (The team a policy checks is the server's, from the task: a client does not say it.)
    idem: str | None = None

    def stored(self, seq: int, recorded: int) -> Event:
        """The event as a store gives it back, once appended as ``seq``."""
        return Event(
            seq,
            self.at,
            recorded,
            self.task,
            str(self.kind),
            self.actor,
            self.host,
            self.note,
            self.data or {},
        )


def data_text(data: dict[str, Any] | None) -> str | None:
    """An event's data as every store keeps it: JSON with sorted keys, or NULL when empty."""
    return json.dumps(data, sort_keys=True) if data else None


def check_instants(*instants: int) -> None:
    """Refuse to record a time outside the years the product handles (nothing is written)."""
    for instant in instants:
        if not epoch_in_bounds(instant):
            raise InputError(
                f"refused to record a time outside the years {YEARS_TEXT} "
                f"({instant} seconds since 1970)"
            )
