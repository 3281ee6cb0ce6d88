"""The folded state kept beside the log, so a check-in folds only the events after it.

A checkpoint is the fold of every event up to one sequence number: each task's record as
the state changes and revisions still in force (what undo revokes), its notes, decisions and
last actor, and the runbook-level events (baselines). It is a cache: written inside the same write
transaction as the events it covers, and read back only there; one that cannot be read is
ignored and the log folded from scratch. A replay (``--now``) always folds from scratch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from runbook.weekend.events import Event
from runbook.weekend.forecast import TaskRecord, fold, restate

if TYPE_CHECKING:
    from runbook.weekend.store import EventStore

# Bumped when the layout or the fold changes: an older checkpoint is then ignored and the log
# folded again. 2: the history holds the revisions (eta, estimate, pull) too; a checkpoint
# written by a version that did not know them left them out.
FORMAT = 2
EVERY = 500  # rewrite the checkpoint once this many events lie after it

Folded = tuple[dict[str, TaskRecord], list[Event]]


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
    ]


def encode(records: dict[str, TaskRecord], runbook_events: Sequence[Event]) -> str:
    """The checkpoint text of folded records (a task with nothing recorded is left out)."""
    tasks = {
        task: {
            "h": [_row(e) for e in r.history],
            "n": [_row(e) for e in r.notes],
            "d": [_row(e) for e in r.decisions],
            "a": r.last_actor,
        }
        for task, r in records.items()
        if r.history or r.notes or r.decisions or r.last_actor is not None
    }
    body = {"format": FORMAT, "tasks": tasks, "runbook": [_row(e) for e in runbook_events]}
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


def decode(text: str) -> Folded | None:
    """The folded records a checkpoint holds; None when it cannot be read."""
    try:
        body = json.loads(text)
        if body.get("format") != FORMAT:
            return None
        records: dict[str, TaskRecord] = {}
        for task, saved in body["tasks"].items():
            record = TaskRecord(
                history=[Event(*row) for row in saved["h"]],
                notes=[Event(*row) for row in saved["n"]],
                decisions=[Event(*row) for row in saved["d"]],
                last_actor=saved["a"],
            )
            restate(record)
            records[task] = record
        return records, [Event(*row) for row in body["runbook"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def fold_from(folded: Folded, events: Sequence[Event]) -> Folded:
    """Fold ``events`` (those after the checkpoint) onto a checkpoint's records, in place."""
    return fold(events, *folded)


def load(store: EventStore) -> tuple[Folded, int, int]:
    """The whole log folded (from the store's checkpoint when it has a readable one), the
    sequence number the checkpoint covers (0: none) and the last one folded. Call inside
    ``store.write()``, so no event can come between the checkpoint and the rest."""
    saved = store.checkpoint()
    if saved is not None:
        seq, text = saved
        folded = decode(text)
        if folded is not None:
            tail = store.events(after=seq)
            return fold_from(folded, tail), seq, tail[-1].seq if tail else seq
    events = store.events()
    return fold_from(({}, []), events), 0, events[-1].seq if events else 0


def refresh(store: EventStore, folded: Folded, covered: int, last: int) -> None:
    """Rewrite the checkpoint when ``EVERY`` events or more lie after the one it has (call
    inside the write transaction that appended up to ``last``, with ``folded`` the fold of
    every event up to it)."""
    if last - covered >= EVERY:
        store.save_checkpoint(last, encode(*folded))
