"""Where a weekend's events live: the store interface (``protocol``), an SQLite state file
(``sqlite``) or a PostgreSQL database (``postgres``), opened here by location
(``open_store``); the rows both keep (``rows``), the compiled-plan cache (``plancache``), the
checkpoint of the fold (``checkpoint``), and copying a weekend between them (``transfer``).
No rule of the weekend lives here: the store keeps what the domain (``runbook.weekend``)
means."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runbook.store.protocol import EventStore

# Where a weekend's state is: a path to an SQLite file, or a PostgreSQL URI (kept as text:
# a Path would fold its "//").
StateLocation = Path | str


def _is_uri(location: object) -> bool:
    return isinstance(location, str) and location[:11].lower().startswith(
        ("postgresql:", "postgres:")
    )


def state_location(value: str | os.PathLike[str]) -> StateLocation:
    """The state location given as text: a PostgreSQL URI stays text, anything else a path."""
    if _is_uri(value):
        from runbook.store.postgres import is_postgres

        if is_postgres(str(value)):
            return str(value)
    return Path(value)


def state_exists(location: str | os.PathLike[str]) -> bool:
    """True when there may be state there: a file that exists, or any PostgreSQL URI (the
    store says on opening whether it holds a weekend)."""
    return isinstance(state_location(location), str) or Path(location).exists()


def shown_location(location: str | os.PathLike[str]) -> str:
    """The location as a message shows it: a URI without its password."""
    if isinstance(state_location(location), str):
        from runbook.store.postgres import redact

        return redact(str(location))
    return str(location)


def default_state_path(runbook_path: str | os.PathLike[str]) -> Path:
    """``weekend.yaml`` keeps its state in ``weekend.state.db`` beside it. (Here, in the
    package, so a shell's completion finds the state file without the use cases.)"""
    return Path(runbook_path).with_suffix(".state.db")


def open_store(
    location: str | os.PathLike[str],
    *,
    create: bool = True,
    read_only: bool = False,
    digest: str | None = None,
    writing: bool = False,
) -> EventStore | None:
    """Open the event store at ``location`` (created when ``create``), choosing its
    implementation from the location: a ``postgresql://`` or ``postgres://`` URI is a
    PostgreSQL weekend (``runbook.store.postgres``), anything else an SQLite state file.
    None when there is none and ``create`` is false, or when ``read_only`` and it was never
    set up; with ``read_only`` nothing is ever written to it. ``digest``: the content hash
    of the runbook whose plan the caller asks for next (a store on a server reads it while
    opening, in the same round trip); ``writing``: the caller writes next (a check-in: a
    store on a server begins the write in that round trip too). (Here, in the package, so a
    check-in opens its store without importing the interface module.)"""
    if _is_uri(location):
        from runbook.store.postgres import is_postgres

        if is_postgres(str(location)):
            return _open_postgres(
                str(location), create=create, read_only=read_only, digest=digest, writing=writing
            )
    from runbook.store.sqlite.store import SQLiteStore

    return SQLiteStore.open(location, create=create, read_only=read_only)


def _open_postgres(
    uri: str, *, create: bool, read_only: bool, digest: str | None = None, writing: bool = False
) -> EventStore | None:
    """The PostgreSQL store; a plain refusal when psycopg is not installed."""
    from runbook.common.errors import StateError
    from runbook.store.postgres import INSTALL_HINT, redact

    try:
        from runbook.store.postgres.store import PostgresStore
    except ImportError as exc:
        if exc.name is None or not exc.name.startswith("psycopg"):
            raise
        raise StateError(
            f"{redact(uri)}: a PostgreSQL state needs psycopg, which is not installed",
            hint=INSTALL_HINT,
        ) from None
    from runbook.store.postgres import early

    reached = early.take(uri, read_only=read_only, digest=digest, writing=writing)
    return PostgresStore.open(
        uri, create=create, read_only=read_only, digest=digest, writing=writing, reached=reached
    )


def open_soon(
    location: str | os.PathLike[str], runbook_path: Path, *, writing: bool = False
) -> None:
    """Begin opening the store at ``location`` for writing, beside the rest of a command's
    start, when it is on a server: a PostgreSQL weekend connects and asks what opening needs
    for the runbook at ``runbook_path`` in a thread (``runbook.store.postgres.early``), and
    ``open_store``, asked the same, takes it. Nothing for an SQLite file. Never raises: what
    fails here (no such runbook, no psycopg) fails again, said as always, when the command
    opens the store."""
    if not _is_uri(location):
        return
    from runbook.common.errors import RunbookError
    from runbook.format.source import digest_of, read_bytes
    from runbook.store.postgres import is_postgres

    if not is_postgres(str(location)):
        return
    try:
        digest = digest_of(read_bytes(runbook_path))
        from runbook.store.postgres import early
    except (RunbookError, ImportError):
        return
    early.start(str(location), read_only=False, digest=digest, writing=writing)
