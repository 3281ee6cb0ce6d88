"""A writer to be killed (SIGKILL) by the crash-safety tests.

Usage: crash_writer.py STATE MODE

Modes:
  append      append notes in a tight loop, printing each seq once its transaction committed
  checkpoint  the same, with a WAL checkpoint after every commit (so kills land in them too)
  hold        begin a write, append one event, print "uncommitted SEQ", then sleep unfinished
  migrate     create a new state file, but sleep inside the schema transaction ("migrating")
"""

from __future__ import annotations

import sqlite3
import sys
import time

from runbook.store.sqlite import store as store_module
from runbook.store.sqlite.store import Store
from runbook.weekend.events import NewEvent

TASK = "freeze"  # a task of examples/minimal.yaml, so the engine can use the file afterwards
# Every note is recorded at this moment (Fri 04 Dec 2026 19:30 in Amsterdam): a test records
# under a fixed clock, never the real one.
AT = 1796409000


def note(i: int) -> NewEvent:
    """The i-th note this writer appends."""
    return NewEvent(AT, TASK, "note", "crash-writer", "crash-host", f"note {i}")


def open_store(state: str) -> Store:
    """Open (or create) the state file."""
    store = Store.open(state, create=True)
    assert store is not None
    return store


def append_forever(state: str, *, checkpoint_every_commit: bool) -> None:
    """Append until killed; a seq is printed only after its COMMIT returned."""
    store = open_store(state)
    if checkpoint_every_commit:
        store.db.execute("PRAGMA wal_autocheckpoint = 1")
    print("ready", flush=True)
    i = 0
    while True:
        with store.write():
            event = store.append(note(i), recorded=AT)
        print(event.seq, flush=True)
        i += 1


def hold_open_write(state: str) -> None:
    """Leave a write transaction open, with one appended event, until killed."""
    store = open_store(state)
    with store.write():
        event = store.append(note(-1), recorded=AT)
        print(f"uncommitted {event.seq}", flush=True)
        time.sleep(120)
    sys.exit("the parent should have killed this writer")


def slow_migration(state: str) -> None:
    """Create the schema, and sleep before the transaction that creates it commits."""
    create_schema = store_module.MIGRATIONS[0]

    def slowly(db: sqlite3.Connection) -> None:
        create_schema(db)
        print("migrating", flush=True)
        time.sleep(120)

    store_module.MIGRATIONS[0] = slowly
    open_store(state)
    sys.exit("the parent should have killed this writer")


def main(state: str, mode: str) -> None:
    """Run the chosen mode."""
    if mode in ("append", "checkpoint"):
        append_forever(state, checkpoint_every_commit=mode == "checkpoint")
    elif mode == "hold":
        hold_open_write(state)
    elif mode == "migrate":
        slow_migration(state)
    else:
        sys.exit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
