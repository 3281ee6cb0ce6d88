"""A PostgreSQL weekend reached while a command is still starting (issue 28 §5).

Connecting costs round trips (the TCP handshake, the SSL negotiation libpq's default
``sslmode=prefer`` asks for, the start-up) and opening one more: over a 30 ms link 0.12 s in
which a check-in would only wait. ``start`` imports psycopg at once (that is CPU, which a
thread would only share), then connects and asks opening's questions in a thread whose
waits on the network let the command import the rest of runbook meanwhile. ``take``, which
``open_store`` calls, hands over what it reached when asked for the same; asked for
anything else, it closes it, and the store is opened as it always was. Nothing is written
here: a schema is created, or migrated, by ``open`` in the command's own thread.
"""

from __future__ import annotations

import threading

from runbook.store.postgres.store import PostgresStore

Key = tuple[str, bool, str | None, bool]  # uri, read_only, digest, writing


class _Reaching:
    """One connection being made in a thread, and what came of it."""

    def __init__(self, key: Key) -> None:
        self.key = key
        self.reached: tuple[PostgresStore, int | None] | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="runbook-pg-open", daemon=True)

    def _run(self) -> None:
        uri, read_only, digest, writing = self.key
        try:
            self.reached = PostgresStore.reach(
                uri, read_only=read_only, digest=digest, writing=writing
            )
        except BaseException as exc:  # said in the command's thread, by ``take``
            self.error = exc


_reaching: _Reaching | None = None


def start(uri: str, *, read_only: bool, digest: str | None, writing: bool) -> None:
    """Connect to ``uri`` and ask what opening it needs, in a thread (once per process)."""
    global _reaching
    if _reaching is not None:
        return
    _reaching = _Reaching((uri, read_only, digest, writing))
    _reaching.thread.start()


def take(
    uri: str, *, read_only: bool, digest: str | None, writing: bool
) -> tuple[PostgresStore, int | None] | None:
    """What ``start`` reached for the same arguments (waiting for it): the store and the
    schema's version as ``PostgresStore.reach`` returns them, or its error raised here; None
    when nothing was started, or for other arguments (what was reached is then closed)."""
    global _reaching
    reaching, _reaching = _reaching, None
    if reaching is None:
        return None
    reaching.thread.join()
    if reaching.key != (uri, read_only, digest, writing):
        if reaching.reached is not None:
            reaching.reached[0].close()
        return None
    if reaching.error is not None:
        raise reaching.error
    return reaching.reached
