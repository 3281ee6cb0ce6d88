"""Hearing of new events at once: a connection of its own that LISTENs on the notify channel.

Each insert into ``events`` notifies ``runbook_events`` (a trigger, at commit). A dashboard
asks ``heard()`` at every poll: a look at what the server already sent, never a wait.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import psycopg

from runbook.store.postgres.schema import NOTIFY_CHANNEL

Connection = psycopg.Connection[tuple[Any, ...]]
# What a lost connection raises: the caller turns it into ConnectionLost.
LOST = (psycopg.OperationalError, psycopg.InterfaceError)


class Listener:
    """A connection LISTENing on the weekend's channel."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @classmethod
    def start(cls, conn: Connection) -> Listener | None:
        """LISTEN on ``conn`` (a connection of its own, in autocommit); None when the server
        (or a proxy in front of it) refuses: the follower then polls. A lost connection
        raises, as any other statement would."""
        try:
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        except LOST:
            raise
        except psycopg.Error:
            with suppress(psycopg.Error):
                conn.close()
            return None
        return cls(conn)

    def heard(self) -> bool:
        """True when an event was announced since the last call; never waits. Raises
        psycopg's OperationalError once the connection is found lost."""
        if self.conn.closed or self.conn.broken:
            raise psycopg.OperationalError("the listening connection is closed")
        heard = False
        for _ in self.conn.notifies(timeout=0):
            heard = True
        return heard

    def close(self) -> None:
        """Close the listening connection."""
        with suppress(psycopg.Error):
            self.conn.close()
