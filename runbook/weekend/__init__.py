"""The weekend as it happens: events and their store, the forecast, the check-in rules,
gates, the use cases both faces call, live following, and the views they show."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runbook.weekend.store import EventStore


def open_store(
    location: str | os.PathLike[str], *, create: bool = True, read_only: bool = False
) -> EventStore | None:
    """Open the event store at ``location`` (created when ``create``), choosing its
    implementation from the location: a ``postgresql://`` or ``postgres://`` URI is a
    PostgreSQL weekend (``runbook.weekend.postgres``), anything else an SQLite state file.
    None when there is none and ``create`` is false, or when ``read_only`` and it was never
    set up; with ``read_only`` nothing is ever written to it. (Here, in the package, so a
    check-in opens its store without importing the interface module.)"""
    if isinstance(location, str) and location[:11].lower().startswith(("postgresql:", "postgres:")):
        from runbook.weekend.postgres import is_postgres

        if is_postgres(location):
            return _open_postgres(location, create=create, read_only=read_only)
    from runbook.weekend.sqlite import SQLiteStore

    return SQLiteStore.open(location, create=create, read_only=read_only)


def _open_postgres(uri: str, *, create: bool, read_only: bool) -> EventStore | None:
    """The PostgreSQL store; a plain refusal when psycopg is not installed."""
    from runbook.common.errors import StateError
    from runbook.weekend.postgres import INSTALL_HINT, redact

    try:
        from runbook.weekend.postgres.store import PostgresStore
    except ImportError as exc:
        if exc.name is None or not exc.name.startswith("psycopg"):
            raise
        raise StateError(
            f"{redact(uri)}: a PostgreSQL state needs psycopg, which is not installed",
            hint=INSTALL_HINT,
        ) from None
    return PostgresStore.open(uri, create=create, read_only=read_only)
