"""The weekend as it happens: events and their store, the forecast, the check-in rules,
gates, the use cases both faces call, live following, and the views they show."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runbook.weekend.store import EventStore


def default_state_path(runbook_path: str | os.PathLike[str]) -> Path:
    """``weekend.yaml`` keeps its state in ``weekend.state.db`` beside it. (Here, in the
    package, so a shell's completion finds the state file without the use cases.)"""
    return Path(runbook_path).with_suffix(".state.db")


def open_store(
    location: str | os.PathLike[str], *, create: bool = True, read_only: bool = False
) -> EventStore | None:
    """Open the event store at ``location`` (created when ``create``), choosing its
    implementation from the location: today always an SQLite state file. None when there is
    none and ``create`` is false, or when ``read_only`` and it was never set up; with
    ``read_only`` nothing is ever written to it. (Here, in the package, so a check-in opens
    its store without importing the interface module.)"""
    from runbook.weekend.sqlite import SQLiteStore

    return SQLiteStore.open(location, create=create, read_only=read_only)
