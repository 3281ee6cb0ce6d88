"""The PostgreSQL event store (issue 11): where a weekend outgrows one machine.

This package module is light (no psycopg): it tells a PostgreSQL location from an SQLite
path, shows one without its password, and reads the timeouts. ``store`` holds the
``EventStore`` itself and ``schema`` its tables; psycopg is imported only by them, so only
when the state is a ``postgresql://`` or ``postgres://`` URI.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from runbook.common.errors import StateError

SCHEMES = ("postgresql://", "postgres://")
# Bounded waits, so nothing hangs on a network: seconds, overridable from the environment.
CONNECT_TIMEOUT_ENV = "RUNBOOK_PG_CONNECT_TIMEOUT"
STATEMENT_TIMEOUT_ENV = "RUNBOOK_PG_STATEMENT_TIMEOUT"
DEFAULT_CONNECT_TIMEOUT = 10
DEFAULT_STATEMENT_TIMEOUT = 15
# A dashboard learns of new events by LISTEN; RUNBOOK_PG_LISTEN=0 makes it poll instead (for
# a transaction-pooling proxy, where a LISTEN may be accepted and never answered).
LISTEN_ENV = "RUNBOOK_PG_LISTEN"
# A dashboard that lost its connection tries again waiting at most this long (or the connect
# timeout, when shorter): the retries happen beside the screen, which never waits on them.
RETRY_CONNECT_TIMEOUT = 3.0
INSTALL_HINT = 'install the PostgreSQL support: pip install "cutover-runbook[postgres]"'
# Query parameters shown in a redacted location: where it is, never how one logs in.
_SHOWN_PARAMS = ("host", "port", "dbname")


def is_postgres(location: str | os.PathLike[str]) -> bool:
    """True when the location is a PostgreSQL connection URI (anything else is a path)."""
    return isinstance(location, str) and location.lower().startswith(SCHEMES)


def redact(uri: str) -> str:
    """The URI as a message may show it: no password, and of the query parameters only the
    host, port and database name (``postgresql://ana@db.example:5432/weekend``)."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname or ""
        if ":" in host:  # an IPv6 address
            host = f"[{host}]"
        netloc = host
        if parts.port is not None:
            netloc += f":{parts.port}"
        if parts.username:
            netloc = f"{parts.username}@{netloc}"
        kept = [(k, v) for k, v in parse_qsl(parts.query) if k in _SHOWN_PARAMS]
        query = "&".join(f"{k}={v}" for k, v in kept)
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
    except ValueError:
        scheme = uri.split("://", 1)[0]
        return f"{scheme}://(a location that cannot be read)"


def _seconds(name: str, default: int) -> float:
    """A timeout in seconds from the environment (a positive number), else the default."""
    text = os.environ.get(name, "").strip()
    if not text:
        return float(default)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value != value or value > 86_400:
        raise StateError(
            f"{name}={text}: not a number of seconds",
            hint=f"give a positive number of seconds, e.g. {name}={default}",
        )
    return value


def connect_timeout() -> float:
    """How long to wait for the server to answer a connection (``RUNBOOK_PG_CONNECT_TIMEOUT``)."""
    return _seconds(CONNECT_TIMEOUT_ENV, DEFAULT_CONNECT_TIMEOUT)


def statement_timeout() -> float:
    """How long one statement, or a wait for a lock, may take (``RUNBOOK_PG_STATEMENT_TIMEOUT``)."""
    return _seconds(STATEMENT_TIMEOUT_ENV, DEFAULT_STATEMENT_TIMEOUT)


def listen_wanted() -> bool:
    """False when ``RUNBOOK_PG_LISTEN`` is 0, no, off or false: follow by polling instead."""
    return os.environ.get(LISTEN_ENV, "").strip().lower() not in ("0", "no", "off", "false")
