"""The folded state kept beside the log, so a check-in folds only the events after it.

A checkpoint is the fold of every event up to one sequence number: each task's record as
the state changes and revisions still in force (what undo revokes), its notes, decisions and
last actor, and the runbook-level events (baselines). It is a cache: written inside the same
write transaction as the events it covers; one that cannot be read is ignored and the log
folded from scratch. A replay (``--now``) always folds from scratch.

Readers (``runbook status``, the dashboard) read it too, so the fold it keeps is the one they
make: every event audited against the check-in rules as it is folded (``rules.audit``, marked
with the refusal when it broke them), the mark and the database login kept with each event.
The audit depends on the runbook, so a checkpoint names the plan it was audited with (its
digest), and is used only with that plan; after the runbook changed, the log is folded (and
audited) from scratch, and the next check-in writes a checkpoint for the new plan. A
checkpoint over events of tasks the runbook no longer has, or over events that could not be
read, is not read by readers (they fold the log, and say so).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container, Sequence
from typing import TYPE_CHECKING, Any

from runbook.weekend.events import Event
from runbook.weekend.forecast import TaskRecord, fold, restate

if TYPE_CHECKING:
    from runbook.store.protocol import EventStore

# Bumped when the layout or the fold changes: an older checkpoint is then ignored and the log
# folded again. 2: the history holds the revisions (eta, estimate, pull) too; a checkpoint
# written by a version that did not know them left them out. 3: the events audited as they
# were folded, each with its login and audit mark, and the plan audited with (issue 28 §3).
FORMAT = 4  # 4: a record keeps its rollbacks in force ("r")
EVERY = 500  # rewrite the checkpoint once this many events lie after it

Folded = tuple[dict[str, TaskRecord], list[Event]]
Check = Callable[[Event, dict[str, TaskRecord]], Event]  # rules.audit with the plan bound


class Audit:
    """How the log is folded: each event audited by ``check`` against the plan whose digest
    is ``digest`` (``Weekend.audit``)."""

    __slots__ = ("check", "digest")

    def __init__(self, check: Check, digest: str) -> None:
        self.check, self.digest = check, digest


def _row(event: Event) -> list[Any]:
    return [
        event.seq,
        event.at,
        event.recorded,
        event.task,
        str(event.kind),
        event.actor,
        event.host,
        event.note,
        event.data or {},
        event.login,
        event.against,
    ]


def encode(
    records: dict[str, TaskRecord],
    runbook_events: Sequence[Event],
    *,
    audited: str = "",
    damaged: bool = False,
) -> str:
    """The checkpoint text of folded records (a task with nothing recorded is left out),
    audited against the plan with digest ``audited``; ``damaged`` when events it covers could
    not be read."""
    tasks = {
        task: {
            "h": [_row(e) for e in r.history],
            "n": [_row(e) for e in r.notes],
            "d": [_row(e) for e in r.decisions],
            "r": [_row(e) for e in r.rollbacks],
            "a": r.last_actor,
        }
        for task, r in records.items()
        if r.history or r.notes or r.decisions or r.rollbacks or r.last_actor is not None
    }
    body = {
        "format": FORMAT,
        "audited": audited,
        "damaged": damaged,
        "tasks": tasks,
        "runbook": [_row(e) for e in runbook_events],
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


def decode(text: str, audited: str = "", *, for_reader: bool = False) -> Folded | None:
    """The folded records a checkpoint holds; None when it cannot be read, or was audited
    against another plan than ``audited`` (for a reader: or covers damaged events)."""
    try:
        body = json.loads(text)
        if body.get("format") != FORMAT or body.get("audited") != audited:
            return None
        if for_reader and body.get("damaged"):
            return None
        records: dict[str, TaskRecord] = {}
        for task, saved in body["tasks"].items():
            record = TaskRecord(
                history=[Event(*row) for row in saved["h"]],
                notes=[Event(*row) for row in saved["n"]],
                decisions=[Event(*row) for row in saved["d"]],
                rollbacks=[Event(*row) for row in saved["r"]],
                last_actor=saved["a"],
            )
            restate(record)
            records[task] = record
        return records, [Event(*row) for row in body["runbook"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def fold_from(folded: Folded, events: Sequence[Event], audit: Audit | None = None) -> Folded:
    """Fold ``events`` (those after the checkpoint) onto a checkpoint's records, in place,
    each audited when ``audit`` is given."""
    return fold(events, *folded, check=None if audit is None else audit.check)


def load(store: EventStore, audit: Audit | None = None) -> tuple[Folded, int, int]:
    """The whole log folded (from the store's checkpoint when it has a readable one audited
    as ``audit`` audits), the sequence number the checkpoint covers (0: none) and the last
    one folded. Call inside ``store.write()``, so no event can come between the checkpoint
    and the rest."""
    digest = "" if audit is None else audit.digest
    saved = store.checkpoint()
    if saved is not None:
        seq, text = saved
        folded = decode(text, digest)
        if folded is not None:
            tail = store.events(after=seq)
            return fold_from(folded, tail, audit), seq, tail[-1].seq if tail else seq
    events = store.events()
    return fold_from(({}, []), events, audit), 0, events[-1].seq if events else 0


def read(
    store: EventStore, audit: Audit, tasks: Container[str]
) -> tuple[Folded, list[Event]] | None:
    """For a reader: the whole log folded and audited, from the store's checkpoint, and the
    events after it; None when there is no checkpoint a reader may use (none, another
    plan's, or one over events of tasks not in ``tasks`` or that could not be read: the
    reader folds the log then, and says what it found). Needs no transaction: the
    checkpoint is one row, the events after it one query, and events are only appended."""
    saved = store.checkpoint()
    if saved is None:
        return None
    seq, text = saved
    folded = decode(text, audit.digest, for_reader=True)
    if folded is None or any(task not in tasks for task in folded[0]):
        return None
    tail = store.events(after=seq)
    return fold_from(folded, tail, audit), tail


def refresh(
    store: EventStore, folded: Folded, covered: int, last: int, audit: Audit | None = None
) -> None:
    """Rewrite the checkpoint when ``EVERY`` events or more lie after the one it has (call
    inside the write transaction that appended up to ``last``, with ``folded`` the fold of
    every event up to it, audited as ``audit`` audits)."""
    if last - covered >= EVERY:
        damaged = any(seq <= last for seq in store.quarantined)
        digest = "" if audit is None else audit.digest
        store.save_checkpoint(last, encode(*folded, audited=digest, damaged=damaged))
