# Size: one class implements the whole EventStore interface on PostgreSQL; schema, guards, policies
# and roles are already apart.
"""The PostgreSQL ``EventStore``: one database is one weekend, many machines check in to it.

Every write is one transaction that first takes the weekend's advisory lock, so events are
committed in sequence order and a reader of "events after N" never misses one. Every wait is
bounded (connect, statement and lock timeouts). A lost connection is a plain ``StateError``
naming the location without its password, and saying whether the check-in was recorded.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, cast

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from runbook.common.errors import (
    AlreadyRecorded,
    ConnectionLost,
    DamagedState,
    NotPermitted,
    ServerRefused,
    StateError,
    WriteAgain,
)
from runbook.store.outbox import OUTBOX_COLUMNS, entry_of
from runbook.store.postgres import (
    RETRY_CONNECT_TIMEOUT,
    connect_timeout,
    listen_wanted,
    redact,
    statement_timeout,
)
from runbook.store.postgres.guards import WINDOW_END, WINDOW_START
from runbook.store.postgres.listen import Listener
from runbook.store.postgres.schema import (
    RECORDED_COLUMNS,
    SCHEMA,
    SCHEMA_VERSION,
    WRITE_LOCK,
    installed_version,
    migrate,
)
from runbook.store.postgres.views import figures_text, insert_figures
from runbook.store.rows import (
    CLOCK_OFFSET,
    event_values,
    new_event_values,
    offset_from_meta,
    quarantine_notice,
    readable,
)
from runbook.weekend.eventdata import check_new_event
from runbook.weekend.events import Event, NewEvent, check_instants
from runbook.weekend.outbox import PENDING, OutboxEntry

if TYPE_CHECKING:
    from runbook.weekend.figures import TaskFigures

Connection = psycopg.Connection[tuple[Any, ...]]
# What a lost or unusable connection raises (a statement or lock timeout is an
# OperationalError too: QueryCanceled, LockNotAvailable).
_LOST = (psycopg.OperationalError, psycopg.InterfaceError)

_COLUMNS = "seq, at, recorded, task, kind, actor, host, note, data, db_user"
_INSERT_EVENT = (
    f"INSERT INTO {SCHEMA}.events ({', '.join(RECORDED_COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(RECORDED_COLUMNS))}) "
    "ON CONFLICT (idem) DO NOTHING RETURNING seq, db_user"
)
_SEQUENCE = f"pg_get_serial_sequence('{SCHEMA}.events', 'seq')"
# The events that put a version of the runbook in force (``version_events``).
_VERSION_EVENTS = "task IS NULL AND kind IN ('baseline', 'revise') ORDER BY seq"
# A follower that LISTENs still looks at the token this often (a new plan notifies nobody, and
# a proxy may swallow notifications); one that cannot LISTEN looks once a second.
LOOK_WHILE_LISTENING = 5.0
LOOK_WHILE_POLLING = 1.0
# TCP keepalives, so a connection whose network vanished (no reset, no answer) is found
# lost in about 11 s instead of the system's many minutes.
_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
}


def _reason(exc: BaseException) -> str:
    """The server's or libpq's words, on one line (they never carry a password)."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = primary or str(exc) or type(exc).__name__
    return " ".join(text.split())


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, pg_errors.QueryCanceled | pg_errors.LockNotAvailable)


class PostgresStore:
    """An open PostgreSQL weekend. ``PostgresStore.open`` connects and checks the schema."""

    # Every error psycopg raises; what a best-effort write (the plan cache) may swallow.
    driver_error: ClassVar[type[Exception]] = psycopg.Error

    def __init__(self, conn: Connection, uri: str, *, writable: bool = True) -> None:
        self.conn = conn
        self.uri = uri
        self.where = redact(uri)  # the location as every message shows it
        self.writable = writable
        self.damaged = False
        self.quarantined: dict[int, str] = {}  # events that cannot be read: seq -> why
        self._claimed = False  # this runbook's claim is known to be in meta already
        self._attempt: NewEvent | None = None  # the event being appended (for a refusal)
        # Following (the dashboard): see ``follow`` and ``change_token``.
        self.following = False
        self.listener: Listener | None = None
        self._listen = listen_wanted()
        self._token: object = None
        self._next_look = 0.0
        # Round trips saved (issue 28 §5): what opening read in the same round trip as the
        # session's settings (the owner, and the plan of the runbook about to be used), and
        # inside ``write``: whether its BEGIN is still to be sent (with the first statement
        # that needs it), the log read with it, and the statements sent with the COMMIT.
        self._owner: tuple[str | None] | None = None
        self._offset: tuple[str | None] | None = None  # a rehearsal's clock offset, as read
        self._plan: tuple[str, str | None] | None = None
        self._versions: list[tuple[Any, ...]] | None = None
        self._pending = False
        self._log: tuple[int, list[tuple[Any, ...]]] | None = None
        # A write announced when opening (``open(..., writing=True)``): its BEGIN and lock were
        # sent with opening's questions, and the checkpoint and the events after it read
        # there, kept for the first ``write``; ``_unsettled``: the session's settings were made
        # in that transaction, so a ROLLBACK undoes them (and makes them again).
        self._held: tuple[tuple[int, str] | None, list[tuple[Any, ...]]] | None = None
        self._first: tuple[tuple[int, str] | None] | None = None  # the held checkpoint, in write
        self._unsettled = False
        # The next sequence number and the login, read under that lock (``_next``): in the
        # first write (``_guess``) an event is appended with the number it will have, and its
        # INSERT goes with the COMMIT (``_queued``), behind a guard that the server gave it
        # that number; a guess found wrong raises WriteAgain: the caller's write runs again,
        # the usual way.
        self._next: tuple[int, str] | None = None
        self._guess: tuple[int, str] | None = None
        self._queued: list[tuple[Any, ...]] = []
        self._deferred: list[tuple[str, list[tuple[str, Any]], tuple[type[Exception], ...]]] = []

    # -- opening ---------------------------------------------------------------------
    @classmethod
    def connect(
        cls,
        uri: str,
        *,
        read_only: bool = False,
        timeout: float | None = None,
        settings: bool = True,
    ) -> Connection:
        """A connection with bounded timeouts (the URI goes to libpq as it is, so
        PGPASSWORD, ~/.pgpass, service= and sslmode work); ConnectionLost when it fails.
        ``timeout`` shortens the connect timeout (a dashboard's retries). Without
        ``settings`` the caller applies the session's settings (``_settings``) itself."""
        where = redact(uri)
        wait = connect_timeout() if timeout is None else min(timeout, connect_timeout())
        statement_timeout()  # a setting that is not a number of seconds: said before connecting
        try:
            given = conninfo_to_dict(uri)  # the URI's own keepalive settings win
            keepalives: dict[str, Any] = {k: v for k, v in _KEEPALIVES.items() if k not in given}
            conn: Connection = psycopg.connect(
                uri, autocommit=True, connect_timeout=max(1, math.ceil(wait)), **keepalives
            )
        except psycopg.Error as exc:
            raise ConnectionLost(
                f"{where}: cannot connect to the PostgreSQL state ({_reason(exc)}); nothing "
                "was recorded",
                hint="check the URI, the network and the credentials (PGPASSWORD, ~/.pgpass, "
                "service=); RUNBOOK_PG_CONNECT_TIMEOUT sets how long to wait",
            ) from None
        if settings:
            _apply_settings(conn, where, read_only)
        return conn

    @classmethod
    def open(
        cls,
        uri: str,
        *,
        create: bool = True,
        read_only: bool = False,
        digest: str | None = None,
        writing: bool = False,
        reached: tuple[PostgresStore, int | None] | None = None,
    ) -> PostgresStore | None:
        """Connect to the weekend's database; None when it holds no runbook schema and
        ``create`` is false (or ``read_only``). With ``create``, an empty database gets the
        schema (when this user may create tables; else run ``runbook db init`` first). An
        older schema is migrated (not when ``read_only``); a newer one is refused.

        The session's settings, the schema's version, the weekend's owner and the plan
        stored for ``digest`` (the runbook about to be used) are asked in one round trip;
        when that fails (no schema yet, a login without a role) each is asked on its own,
        and says what went wrong as it always has. ``writing``: the caller writes next (a
        check-in), so the write's transaction begins in that round trip too (``reach``).
        ``reached``: what ``reach`` returned for the same arguments, earlier (``early``)."""
        if reached is None:
            reached = cls.reach(uri, read_only=read_only, digest=digest, writing=writing)
        store, version = reached
        conn = store.conn
        try:
            if store._held is not None and (
                version != SCHEMA_VERSION or (digest is not None and store._plan_missing())
            ):
                store._let_go()  # a schema to make, or a plan to compile: not under the lock
            if version is None:
                _apply_settings(conn, store.where, read_only)
                version = store._talk(lambda: installed_version(conn))
            if version > SCHEMA_VERSION:
                raise StateError(
                    f"{store.where}: written by a newer runbook (state schema {version}; this "
                    f"version reads up to {SCHEMA_VERSION}); nothing was written to it",
                    hint="upgrade runbook to use this weekend",
                )
            if version == 0 and (read_only or not create):
                conn.close()
                return None
            if version < SCHEMA_VERSION and not read_only:
                store._create()
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def reach(
        cls, uri: str, *, read_only: bool, digest: str | None, writing: bool
    ) -> tuple[PostgresStore, int | None]:
        """Connect and ask what opening needs in one round trip (``_open_at_once``), writing
        nothing: the store and the schema's version (None: that round trip failed, and
        ``open`` asks each thing on its own). Only waits on the network (``early`` runs it
        beside the rest of a command's start)."""
        conn = cls.connect(uri, read_only=read_only, settings=False)
        store = cls(conn, uri, writable=not read_only)
        try:
            return store, store._open_at_once(read_only, digest, writing and not read_only)
        except BaseException:
            conn.close()
            raise

    def _plan_missing(self) -> bool:
        """Whether opening found no plan stored for the runbook's digest (it is compiled)."""
        return self._plan is None or self._plan[1] is None

    def _open_at_once(self, read_only: bool, digest: str | None, writing: bool) -> int | None:
        """The schema's version, with the settings applied and the owner, a rehearsal's clock
        offset, the plan for ``digest`` and the versions recorded kept for ``meta``,
        ``plan_text`` and ``version_events``, in one round trip; None when any of it failed
        (nothing of it then holds: the statements ran as one). ``writing``: BEGIN and the
        write lock go first, and the checkpoint and the events after it are read too, kept
        for the first ``write`` (``_held``): a check-in's opening and the reading of its log
        are one round trip instead of two."""
        statement_ms = str(int(statement_timeout() * 1000))
        begin = f" BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK});" if writing else ""
        log = (
            f"; SELECT seq, state FROM {SCHEMA}.checkpoint WHERE id = 1;"
            f" SELECT {_COLUMNS} FROM {SCHEMA}.events WHERE seq >"
            f" COALESCE((SELECT seq FROM {SCHEMA}.checkpoint WHERE id = 1), 0) ORDER BY seq;"
            f" SELECT COALESCE(pg_sequence_last_value({_SEQUENCE}), 0) + 1, session_user"
            if writing
            else ""
        )
        cursor = psycopg.ClientCursor(self.conn)
        try:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, false),"
                " set_config('lock_timeout', %s, false),"
                " set_config('default_transaction_read_only', %s, false);"
                f" SELECT value FROM {SCHEMA}.meta WHERE key = 'schema_version';{begin}"
                f" SELECT value FROM {SCHEMA}.meta WHERE key = 'runbook';"
                f" SELECT value FROM {SCHEMA}.meta WHERE key = '{CLOCK_OFFSET}';"
                f" SELECT plan FROM {SCHEMA}.plans WHERE digest = %s;"
                f" SELECT {_COLUMNS} FROM {SCHEMA}.events WHERE {_VERSION_EVENTS}{log}",
                (statement_ms, statement_ms, "on" if read_only else "off", digest or ""),
            )
            answers = _results(cursor)
        except _LOST as exc:
            raise self._lost(exc, "nothing was written to it") from None
        except psycopg.Error:
            self._unsettled = writing  # a BEGIN may have been run: its transaction failed
            self._let_go()
            return None
        finally:
            cursor.close()
        if len(answers) != (10 if writing else 6):
            self._let_go()
            return None
        if writing:
            _, version, _, owner, offset, plan, self._versions, saved, events, nxt = answers
            self._held = (_checkpoint_of(saved[0] if saved else None), events)
            self._next = (int(nxt[0][0]), str(nxt[0][1]))
            self._unsettled = True
        else:
            _, version, owner, offset, plan, self._versions = answers
        self._owner = (None if not owner else str(owner[0][0]),)
        self._offset = (None if not offset else str(offset[0][0]),)
        if digest:
            self._plan = (digest, None if not plan else str(plan[0][0]))
        return 0 if not version else int(str(version[0][0]))

    def _let_go(self) -> None:
        """End the write transaction begun while opening, before anything else is asked:
        the lock is never held while the command does something else (``_begin``)."""
        try:
            self._end_held()
        except _LOST as exc:
            raise self._lost(exc, "nothing was written to it") from None

    def _end_held(self) -> None:
        """Roll back a transaction begun while opening (if any), and make the session's
        settings again when it had made them (one round trip)."""
        self._held = None
        if self.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            self._unsettled = False
            return
        self._rollback_and_settle()

    def _rollback_and_settle(self) -> None:
        """ROLLBACK, and the session's settings made again when the transaction rolled back
        had made them (``_unsettled``), in one query."""
        if not self._unsettled:
            self.conn.execute("ROLLBACK")
            return
        statement_ms = str(int(statement_timeout() * 1000))
        cursor = psycopg.ClientCursor(self.conn)
        try:
            cursor.execute(
                "ROLLBACK; SELECT set_config('statement_timeout', %s, false),"
                " set_config('lock_timeout', %s, false),"
                " set_config('default_transaction_read_only', %s, false)",
                (statement_ms, statement_ms, "off" if self.writable else "on"),
            )
        finally:
            cursor.close()
        self._unsettled = False

    def _create(self) -> None:
        """Create or migrate the schema (a user without the right is told to run db init)."""
        try:
            migrate(self.conn)
        except pg_errors.InsufficientPrivilege:
            raise StateError(
                f"{self.where}: this database holds no runbook weekend yet (or an older one), "
                "and this user may not create its tables; nothing was written to it",
                hint="the coordinator runs `runbook db init --state URI` first",
            ) from None
        except _LOST as exc:
            raise self._lost(exc, "nothing was written to it") from None
        except psycopg.Error as exc:
            raise StateError(
                f"{self.where}: cannot create the runbook schema ({_reason(exc)}); nothing "
                "was written to it"
            ) from None

    # -- talking to the server -------------------------------------------------------
    def _lost(self, exc: BaseException, outcome: str) -> ConnectionLost:
        """The refusal for a connection that broke or a wait that ran out."""
        if _timed_out(exc):
            return ConnectionLost(
                f"{self.where}: the PostgreSQL server did not answer in time ({_reason(exc)}); "
                f"{outcome}",
                hint="try again in a moment; RUNBOOK_PG_STATEMENT_TIMEOUT sets how long to wait",
            )
        return ConnectionLost(
            f"{self.where}: lost the connection to the PostgreSQL state ({_reason(exc)}); "
            f"{outcome}",
            hint="check the network, then run the command again",
        )

    def _talk(self, ask: Any) -> Any:
        """Run ``ask()``; a lost connection or a timeout becomes a plain StateError."""
        try:
            return ask()
        except _LOST as exc:
            raise self._lost(exc, "nothing was written to it") from None
        except pg_errors.InsufficientPrivilege:
            raise self._no_role() from None

    @contextmanager
    def _reading(self) -> Iterator[None]:
        try:
            yield
        except _LOST as exc:
            raise self._lost(exc, "nothing was written to it") from None
        except pg_errors.InsufficientPrivilege:
            raise self._no_role() from None
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise self.damage(exc) from None

    @property
    def notices(self) -> list[str]:
        """Events that cannot be read (once read: rows from before the database checked
        what is written)."""
        said = quarantine_notice(self.where, self.quarantined)
        return [said] if said else []

    def close(self) -> None:
        """Close the connection (and the listening one)."""
        with suppress(psycopg.Error):
            self.conn.close()
        if self.listener is not None:
            self.listener.close()

    def schema_version(self) -> int:
        """The version of the runbook schema in this database."""
        self._begin()
        with self._reading():
            return installed_version(self.conn)

    # -- the write transaction -------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction holding the weekend's write lock from its start: committed when
        the block ends, rolled back when it raises. A lost connection says whether the
        check-in was recorded: not, when it broke before COMMIT was sent; perhaps, when it
        broke during the COMMIT (a retry with the same idempotency key then says)."""
        if not self.writable:
            raise StateError(
                f"{self.where}: opened read-only; nothing can be recorded in it",
                hint="run a command that records (start, done, ...) to write to it",
            )
        conn = self.conn
        self._attempt = None
        # BEGIN and the lock go with the first statement of the transaction (with the
        # reading of the log when that comes first: a check-in), and the statements nobody
        # waits for (the checkpoint, the task figures) go with the COMMIT.
        self._pending, self._log, self._deferred = True, None, []
        if self._held is not None:  # begun while opening: BEGIN sent, the log read
            (saved, events), self._held = self._held, None
            self._pending, self._first = False, (saved,)
            self._log = (0 if saved is None else saved[0], events)
            self._guess, self._next = self._next, None
        self._versions = None  # from here on, the log is read as it is
        committed = False
        try:
            yield cast(Connection, _InTransaction(self))
            if self._deferred or self._queued:
                committed = self._commit_with_deferred()
                self._unsettled = self._unsettled and not committed
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, _LOST):
                raise self._lost(exc, "nothing was recorded") from None
            if isinstance(exc, pg_errors.InsufficientPrivilege) and not self.conn.broken:
                raise self._not_permitted(exc) from None
            if isinstance(exc, pg_errors.CheckViolation) and not self.conn.broken:
                # The schema's guards (``guards``): their message is a plain sentence.
                raise ServerRefused(
                    f"{self.where}: the database refused the event: {_reason(exc)}; nothing "
                    "was recorded",
                    sqlstate=exc.sqlstate,
                    reason=_reason(exc),
                ) from None
            if isinstance(exc, pg_errors.SequenceGeneratorLimitExceeded):
                raise ServerRefused(
                    f"{self.where}: the weekend's log has used up its sequence numbers; "
                    "nothing was recorded, and nothing more can be",
                    sqlstate=exc.sqlstate,
                    reason=_reason(exc),
                ) from None
            if isinstance(exc, pg_errors.InsufficientPrivilege | pg_errors.RaiseException):
                raise ServerRefused(
                    f"{self.where}: the PostgreSQL server refused the write ({_reason(exc)}); "
                    "nothing was recorded",
                    sqlstate=exc.sqlstate,
                    reason=_reason(exc),
                ) from None
            raise
        finally:
            self._log, self._deferred, self._first = None, [], None
            self._guess, self._queued = None, []
        if self._pending:  # nothing was asked of the database: no transaction to end
            self._pending = False
            return
        if committed:
            return
        try:
            conn.execute("COMMIT")
            self._unsettled = False
        except _LOST as exc:
            if conn.closed or conn.broken:
                raise self._lost_in_commit(exc) from None
            self._rollback()
            raise self._lost(exc, "nothing was recorded") from None

    def _lost_in_commit(self, exc: BaseException) -> ConnectionLost:
        """The refusal for a connection that broke while a write was being committed: the
        check-in may or may not be in the log (``Writing`` looks its key up)."""
        refusal = self._lost(
            exc,
            "the check-in may or may not have been recorded (the connection broke "
            "while it was being committed)",
        )
        refusal.maybe_recorded = True
        return refusal

    def _begin(self) -> None:
        """Send the write transaction's BEGIN and take the lock, if not sent yet. Outside
        ``write``, end first the one begun while opening (``_held``)."""
        if self._held is not None:
            self._let_go()
        if self._queued:
            self._send_guessed()
        if self._pending:
            self._pending = False
            self.conn.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    def _begin_reading(self) -> tuple[int, str] | None:
        """BEGIN, the lock, the checkpoint and the events after it in one round trip (the
        first thing a check-in's transaction asks); the checkpoint, the events kept for
        ``events``."""
        self._pending = False
        cursor = psycopg.ClientCursor(self.conn)
        try:
            cursor.execute(
                f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK});"
                f" SELECT seq, state FROM {SCHEMA}.checkpoint WHERE id = 1;"
                f" SELECT {_COLUMNS} FROM {SCHEMA}.events WHERE seq >"
                f" COALESCE((SELECT seq FROM {SCHEMA}.checkpoint WHERE id = 1), 0) ORDER BY seq"
            )
            answers = _results(cursor)
        except pg_errors.InsufficientPrivilege:
            raise self._no_role() from None
        finally:
            cursor.close()
        rows, events = answers[-2], answers[-1]
        saved = _checkpoint_of(rows[0] if rows else None)
        self._log = (0 if saved is None else saved[0], events)
        return saved

    def _commit_with_deferred(self) -> bool:
        """Send the deferred statements and the COMMIT in one round trip (True). When one of
        them fails, they are undone and sent again one part at a time as before, each part
        that may fail without harm (a login not allowed to write it) left out; then False,
        and the COMMIT is still to be sent. Events appended on a guess (``_queued``) go first,
        with their guard: when the server did not give them the numbers guessed (or refused
        one), nothing is recorded, and WriteAgain says to write again."""
        queued, self._queued = self._queued, []
        self._begin()
        conn = self.conn
        deferred, self._deferred = self._deferred, []
        try:
            with conn.pipeline():
                self._send_queued(queued)
                conn.execute("SAVEPOINT runbook_deferred")
                for _, statements, _ in deferred:
                    _send(conn, statements)
                conn.execute("COMMIT")
        except _LOST as exc:
            if conn.closed or conn.broken:
                raise self._lost_in_commit(exc) from None
            raise
        except psycopg.Error:
            try:
                conn.execute("ROLLBACK TO SAVEPOINT runbook_deferred")
            except psycopg.Error:  # not reached: an event, or its guard, failed
                if not queued:
                    raise
                self._write_again()
            for name, statements, harmless in deferred:
                conn.execute(f"SAVEPOINT {name}")
                try:
                    _send(conn, statements)
                except harmless:
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                else:
                    conn.execute(f"RELEASE SAVEPOINT {name}")
            return False
        return True

    def _no_role(self) -> StateError:
        """The refusal for a login the database does not let read the weekend."""
        login = self.conn.info.user
        return NotPermitted(
            f"{login} has no role in this weekend's database ({self.where}); nothing was "
            "read or recorded",
            hint=f"mission control gives a role: runbook db grant {login} --team TEAM "
            "(or --reader)",
            sqlstate="42501",
        )

    def _not_permitted(self, exc: BaseException) -> StateError:
        """The plain refusal for a write the database's roles or policies refused (asked of
        the server after the rollback: who this login is, and whose the event was)."""
        from runbook.store.postgres.roles import owner_of, refusal_text, standing

        attempt, self._attempt = self._attempt, None
        if "append-only" in _reason(exc):
            return ServerRefused(
                f"{self.where}: events are append-only; nothing was changed",
                sqlstate=getattr(exc, "sqlstate", None),
                reason=_reason(exc),
            )
        try:
            who = standing(self.conn)
            team = owner_of(self.conn, attempt) if attempt is not None else None
        except psycopg.Error:
            return ServerRefused(
                f"{self.where}: the PostgreSQL server refused the write (this login may not "
                "record it); nothing was recorded",
                sqlstate=getattr(exc, "sqlstate", None),
                reason=_reason(exc),
            )
        message, hint = refusal_text(who, attempt, team)
        return NotPermitted(
            f"{message}; nothing was recorded", hint=hint, sqlstate=getattr(exc, "sqlstate", None)
        )

    def _rollback(self) -> None:
        if self._pending:  # nothing was sent: there is no transaction
            self._pending = False
            return
        idle = psycopg.pq.TransactionStatus.IDLE  # (a guess found wrong rolled back already)
        if not (self.conn.closed or self.conn.broken) and self.conn.info.transaction_status != idle:
            with suppress(psycopg.Error):
                self._rollback_and_settle()

    # -- meta and the owner ----------------------------------------------------------
    def meta(self, key: str) -> str | None:
        """A value from the meta table (the owner as opening read it, the first time)."""
        if key == "runbook" and self._owner is not None and not self._pending:
            (owner,), self._owner = self._owner, None
            return owner
        if key == CLOCK_OFFSET and self._offset is not None and not self._pending:
            (offset,), self._offset = self._offset, None
            return offset
        self._begin()
        with self._reading():
            row = self.conn.execute(
                f"SELECT value FROM {SCHEMA}.meta WHERE key = %s", (key,)
            ).fetchone()
        return None if row is None else str(row[0])

    def clock_offset(self) -> int:
        """Seconds this weekend's clock is moved from its runbook's (a rehearsal); 0."""
        try:
            return offset_from_meta(self.meta(CLOCK_OFFSET))
        except ValueError as exc:
            raise self.damage(exc) from None

    def set_clock_offset(self, seconds: int) -> None:
        """Record the clock offset (inside ``write``; mission control's), and move the
        weekend's window that ``db init`` wrote by as much: the guard's window of a team's
        times is the rehearsal's."""
        delta = seconds - self.clock_offset()
        self._begin()
        self.conn.execute(
            f"INSERT INTO {SCHEMA}.meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (CLOCK_OFFSET, str(seconds)),
        )
        if delta:
            self.conn.execute(
                f"UPDATE {SCHEMA}.meta SET value = (value::bigint + %s)::text "
                "WHERE key IN (%s, %s)",
                (delta, WINDOW_START, WINDOW_END),
            )

    def owner(self) -> str | None:
        """The runbook this weekend belongs to (None before the first write)."""
        return self.meta("runbook")

    def check_owner(self, runbook: str) -> None:
        """Refuse a weekend that belongs to another runbook (before anything is written)."""
        owner = self.owner()
        self._claimed = owner == runbook
        if owner is not None and owner != runbook:
            raise StateError(
                f"{self.where}: this weekend's database belongs to the runbook '{owner}', "
                f"not to '{runbook}'; nothing was written to it",
                hint="give the right database with --state URI (one database per weekend)",
            )

    def claim(self, runbook: str) -> None:
        """Mark the weekend as this runbook's (inside ``write``; idempotent). Not written
        again when already read there (a team member may not write meta)."""
        if self._claimed:
            return
        self._begin()
        self.conn.execute(
            f"INSERT INTO {SCHEMA}.meta (key, value) VALUES ('runbook', %s) "
            "ON CONFLICT (key) DO NOTHING",
            (runbook,),
        )

    # -- events ----------------------------------------------------------------------
    def append(self, event: NewEvent, *, recorded: int) -> Event:
        """Append one event (inside ``write``) and return it as stored. An event whose
        idempotency key is already in the log is not recorded again: AlreadyRecorded names
        the event that holds it."""
        check_instants(event.at, recorded)
        check_new_event(event)
        values = (*new_event_values(event, recorded), event.idem)  # RECORDED_COLUMNS
        if self._guess is not None and event.idem is not None:  # recorded with the COMMIT
            seq, login = self._guess
            self._guess = (seq + 1, login)
            self._log = self._first = None
            self._queued.append((seq, login, values))
            return replace(event.stored(seq, recorded), login=login)
        self._begin()
        self._guess = None  # a guess holds only for events appended one after the other
        self._log = self._first = None  # the log now holds more than was read with BEGIN
        self._attempt = event
        row = self.conn.execute(_INSERT_EVENT, values).fetchone()
        self._attempt = None
        if row is None:
            found = self.conn.execute(
                f"SELECT seq FROM {SCHEMA}.events WHERE idem = %s", (event.idem,)
            ).fetchone()
            seq = int(found[0]) if found else 0
            raise AlreadyRecorded(
                f"{self.where}: this check-in was already recorded as event {seq}; "
                "nothing was recorded twice",
                seq=seq,
            )
        return replace(event.stored(int(row[0]), recorded), login=str(row[1]))

    def _send_guessed(self) -> None:
        """Send the events appended on a guess, and their guard, now (before any other
        statement of the write: one round trip); WriteAgain when the guess was wrong."""
        queued, self._queued = self._queued, []
        self._guess = None
        try:
            with self.conn.pipeline():
                self._send_queued(queued)
        except _LOST:
            raise
        except psycopg.Error:
            self._write_again()

    def _send_queued(self, queued: list[tuple[Any, ...]]) -> None:
        """The INSERTs of events appended on a guess, and the guard that fails (and so
        aborts the transaction) unless each was recorded, by this login, with the number
        guessed."""
        if not queued:
            return
        for _, _, values in queued:
            self.conn.execute(_INSERT_EVENT, values)
        self.conn.execute(
            f"SELECT 1 / (count(*) = %s)::int FROM {SCHEMA}.events"
            " WHERE seq BETWEEN %s AND %s AND db_user = %s AND idem = ANY(%s)",
            (
                len(queued),
                queued[0][0],
                queued[-1][0],
                queued[0][1],
                [values[-1] for _, _, values in queued],
            ),
        )

    def _write_again(self) -> NoReturn:
        """Roll back a write whose events were appended on a wrong guess (or refused: the
        write, run again the usual way, says why), and say to run it again."""
        self._rollback_and_settle()
        raise WriteAgain(self.where)

    def may_force(self) -> bool:
        """Only mission control may force (the database's policy); asked after a refusal."""
        self._begin()
        from runbook.store.postgres.roles import standing

        try:
            return standing(self.conn).mission_control
        except psycopg.Error:
            return True  # cannot tell: the usual hint, and the database still decides

    def events(self, *, after: int = 0) -> list[Event]:
        """Every event after sequence number ``after``, oldest first (inside ``write``, as
        read with its BEGIN when that was after the same event)."""
        if self._log is not None and self._log[0] == after:
            rows, self._log = self._log[1], None
            with self._reading():
                return readable(rows, self.quarantined)
        self._begin()
        with self._reading():
            rows = self.conn.execute(
                f"SELECT {_COLUMNS} FROM {SCHEMA}.events WHERE seq > %s ORDER BY seq",
                (after,),
            ).fetchall()
            return readable(rows, self.quarantined)

    def version_events(self) -> list[Event]:
        """The events that put a version of the runbook in force (baselines and revisions,
        about no task), oldest first."""
        if self._versions is not None and not self._pending:  # as opening read them
            rows, self._versions = self._versions, None
            with self._reading():
                return readable(rows, self.quarantined)
        self._begin()
        with self._reading():
            rows = self.conn.execute(
                f"SELECT {_COLUMNS} FROM {SCHEMA}.events WHERE {_VERSION_EVENTS}"
            ).fetchall()
            return readable(rows, self.quarantined)

    def event_count(self) -> int:
        """How many events the weekend holds (those that cannot be read too)."""
        self._begin()
        with self._reading():
            row = self.conn.execute(f"SELECT count(*) FROM {SCHEMA}.events").fetchone()
        return int(row[0]) if row else 0

    def copy_in(self, events: Sequence[Event]) -> None:
        """Append events recorded in another store as they were, sequence numbers and the
        force mark too (inside ``write``, into a weekend holding none); the next event is
        numbered after the last of them."""
        self._begin()
        with self.conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {SCHEMA}.events (seq, at, recorded, task, kind, actor, host, "
                "note, data, forced) OVERRIDING SYSTEM VALUE "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(*event_values(e), e.forced) for e in events],
            )
        if events:
            self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{SCHEMA}.events', 'seq'), %s)",
                (max(e.seq for e in events),),
            )

    def recorded_with(self, key: str) -> list[Event]:
        """The events a check-in with idempotency key ``key`` recorded, oldest first."""
        self._begin()
        with self._reading():
            rows = self.conn.execute(
                f"SELECT {_COLUMNS} FROM {SCHEMA}.events WHERE idem = %s OR idem LIKE %s "
                "ORDER BY seq",
                (key, key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"),
            ).fetchall()
            return readable(rows, self.quarantined)

    def task_counts(self) -> dict[str, int]:
        """How many events each task id has in the log."""
        self._begin()
        with self._reading():
            rows = self.conn.execute(
                f"SELECT task, count(*) FROM {SCHEMA}.events WHERE task IS NOT NULL GROUP BY task"
            ).fetchall()
        return {str(task): int(n) for task, n in rows}

    def change_token(self) -> object:
        """The last sequence number and the newest plan: events commit in sequence order
        (the write lock), so a new one always moves it. A follower (``follow``) looks only
        when a notification announced an event, or every few seconds (every second when it
        cannot LISTEN): idle, a poll then costs no round trip."""
        if not self.following:
            return self._look()
        with self._reading():
            if self.listener is None and self._listen:
                self.listener = Listener.start(self.connect(self.uri, read_only=True))
                self._listen = self.listener is not None
                self._token = None  # look once now: events may have come before the LISTEN
            heard = self.listener.heard() if self.listener is not None else False
        moment = time.monotonic()
        if heard or self._token is None or moment >= self._next_look:
            self._token = self._look()
            self._next_look = moment + (
                LOOK_WHILE_LISTENING if self.listener is not None else LOOK_WHILE_POLLING
            )
        return self._token

    def follow(self) -> None:
        """Follow the weekend as it happens: from now on ``change_token`` hears of new
        events by LISTEN on a connection of its own (unless RUNBOOK_PG_LISTEN=0, or the
        server refuses it: then it polls once a second)."""
        self.following = True

    def reconnect(self) -> None:
        """Connect again after a lost connection, waiting a few seconds at most (and LISTEN
        again when following); ConnectionLost when the server is still out of reach. Meant
        to run beside the screen: the new connections replace the old ones only once made."""
        conn = self.connect(self.uri, read_only=not self.writable, timeout=RETRY_CONNECT_TIMEOUT)
        listener = None
        try:
            if self.following and self._listen:
                listener = Listener.start(
                    self.connect(self.uri, read_only=True, timeout=RETRY_CONNECT_TIMEOUT)
                )
        except BaseException:
            with suppress(psycopg.Error):
                conn.close()
            raise
        old, old_listener = self.conn, self.listener
        self.conn, self.listener = conn, listener
        self._token, self._held, self._unsettled = None, None, False
        with suppress(psycopg.Error):
            old.close()
        if old_listener is not None:
            old_listener.close()

    def _look(self) -> object:
        """The token as the database has it now (one round trip)."""
        self._begin()
        with self._reading():
            row = self.conn.execute(
                f"SELECT (SELECT max(seq) FROM {SCHEMA}.events),"
                f" (SELECT max(stored) FROM {SCHEMA}.plans)"
            ).fetchone()
        return None if row is None else (row[0], row[1])

    # -- the checkpoint --------------------------------------------------------------
    def checkpoint(self) -> tuple[int, str] | None:
        """The checkpoint: the last event it covers and its text (None: none yet). First in
        a write transaction, it is read with the BEGIN (or was, while opening), and the
        events after it too."""
        if self._first is not None:
            (saved,), self._first = self._first, None
            return saved
        if self._pending:
            return self._begin_reading()
        self._begin()  # outside a write: the lock taken while opening let go first
        with self._reading():
            row = self.conn.execute(
                f"SELECT seq, state FROM {SCHEMA}.checkpoint WHERE id = 1"
            ).fetchone()
        return _checkpoint_of(row)

    def save_checkpoint(self, seq: int, text: str) -> None:
        """Replace the checkpoint (inside ``write``; sent with its COMMIT). A user the
        database does not let write it (a role without the right) leaves it as it was: it
        is only a cache."""
        statement = (
            f"INSERT INTO {SCHEMA}.checkpoint (id, seq, state) VALUES (1, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, state = excluded.state"
        )
        self._deferred.append(
            (
                "runbook_checkpoint",
                [(statement, (seq, text))],
                (pg_errors.InsufficientPrivilege,),
            )
        )

    # -- the task figures the views publish (schema version 6) -------------------------
    def publishes_figures(self) -> bool:
        """A weekend database publishes every task's figures for a PMO's tools."""
        return True

    def save_figures(self, covers: int, as_of: int, rows: Sequence[TaskFigures]) -> None:
        """Replace ``task_figures`` (inside ``write``; sent with its COMMIT), every task's in
        one statement (``views.insert_figures``). A database not yet at version 6, or a login
        not allowed to, leaves them as they were: they are a publication, not state."""
        self._deferred.append(
            (
                "runbook_figures",
                [
                    (f"DELETE FROM {SCHEMA}.task_figures", None),
                    (insert_figures(SCHEMA), (as_of, covers, figures_text(rows))),
                ],
                (pg_errors.InsufficientPrivilege, pg_errors.UndefinedTable),
            )
        )

    # -- the notification outbox ------------------------------------------------------
    def outbox_add(self, entries: list[OutboxEntry]) -> int:
        """Write new entries (inside ``write``); an entry whose key is there is left alone.
        Returns how many were new."""
        added = 0
        self._begin()
        with self.conn.cursor() as cur:
            for entry in entries:
                cur.execute(
                    f"INSERT INTO {SCHEMA}.outbox ({', '.join(OUTBOX_COLUMNS)}) "
                    f"VALUES ({', '.join(['%s'] * len(OUTBOX_COLUMNS))}) "
                    "ON CONFLICT (key) DO NOTHING",
                    tuple(getattr(entry, c) for c in OUTBOX_COLUMNS),
                )
                added += cur.rowcount
        return added

    def outbox_claim(
        self, now: int, until: int, *, limit: int = 1, free_at: int | None = None
    ) -> list[OutboxEntry]:
        """Claim the pending entries due at ``now`` that nobody holds at ``free_at`` (inside
        ``write``, whose lock keeps two senders from claiming the same row)."""
        self._begin()
        rows = self.conn.execute(
            f"UPDATE {SCHEMA}.outbox SET claimed_until = %s WHERE key IN ("
            f" SELECT key FROM {SCHEMA}.outbox WHERE state = %s AND next_try <= %s"
            "  AND claimed_until <= %s ORDER BY created, key LIMIT %s)"
            f" RETURNING {', '.join(OUTBOX_COLUMNS)}",
            (until, PENDING, now, now if free_at is None else free_at, limit),
        ).fetchall()
        rows.sort(key=lambda r: (r[8], r[0]))  # created, key: RETURNING keeps no order
        return [entry_of(tuple(r)) for r in rows]

    def outbox_settle(
        self,
        key: str,
        *,
        state: str,
        attempts: int,
        next_try: int = 0,
        sent: int | None = None,
        error: str | None = None,
    ) -> None:
        """Record how a claimed entry's try ended (inside ``write``)."""
        self._begin()
        self.conn.execute(
            f"UPDATE {SCHEMA}.outbox SET state = %s, attempts = %s, next_try = %s, sent = %s,"
            " error = %s, claimed_until = 0 WHERE key = %s",
            (state, attempts, next_try, sent, error, key),
        )

    def outbox(self) -> list[OutboxEntry]:
        """Every entry, oldest first; [] for a user who may not read it or an older
        database (``db init`` migrates and grants)."""
        self._begin()
        with self._reading():
            exists = self.conn.execute(
                "SELECT to_regclass(%s) IS NOT NULL AND"
                " has_table_privilege(to_regclass(%s), 'SELECT')",
                (f"{SCHEMA}.outbox", f"{SCHEMA}.outbox"),
            ).fetchone()
            if not exists or not exists[0]:
                return []
            rows = self.conn.execute(
                f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM {SCHEMA}.outbox ORDER BY created, key"
            ).fetchall()
        return [entry_of(tuple(r)) for r in rows]

    # -- plans -----------------------------------------------------------------------
    def plan_text(self, digest: str) -> str | None:
        """The compiled plan stored for a runbook content hash (as opening read it, the
        first time, for the runbook it was opened for)."""
        if self._plan is not None and self._plan[0] == digest and not self._pending:
            text = self._plan[1]  # a digest's plan stays the same until replaced (save_plan);
            if text is None:  # none then: another process may store it, ask again next time
                self._plan = None
            return text
        self._begin()
        with self._reading():
            row = self.conn.execute(
                f"SELECT plan FROM {SCHEMA}.plans WHERE digest = %s", (digest,)
            ).fetchone()
        return None if row is None else str(row[0])

    def latest_plan_text(self) -> tuple[str, str, int] | None:
        """The most recently stored plan: (digest, plan, created)."""
        self._begin()
        with self._reading():
            row = self.conn.execute(
                f"SELECT digest, plan, created FROM {SCHEMA}.plans "
                "ORDER BY created DESC, stored DESC LIMIT 1"
            ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), int(row[2]))

    def plans(self) -> list[tuple[str, str, int]]:
        """Every compiled plan stored: (digest, plan, created), in the order they were
        stored."""
        self._begin()
        with self._reading():
            rows = self.conn.execute(
                f"SELECT digest, plan, created FROM {SCHEMA}.plans ORDER BY stored"
            ).fetchall()
        return [(str(d), str(p), int(c)) for d, p, c in rows]

    def save_plan(self, digest: str, text: str, *, created: int, replace: bool = False) -> None:
        """Store a compiled plan (inside ``write``); an existing one is kept unless
        ``replace``."""
        self._begin()
        self._plan = None
        action = (
            "DO UPDATE SET plan = excluded.plan, created = excluded.created, stored = DEFAULT"
            if replace
            else "DO NOTHING"
        )
        self.conn.execute(
            f"INSERT INTO {SCHEMA}.plans (digest, created, plan) VALUES (%s, %s, %s) "
            f"ON CONFLICT (digest) {action}",
            (digest, created, text),
        )

    # -- damage ----------------------------------------------------------------------
    def verify(self) -> None:
        """Refuse a weekend whose events cannot be read back (text and JSON)."""
        self.events()

    def damage(self, exc: BaseException) -> StateError:
        """The refusal for a record that cannot be read."""
        self.damaged = True
        if isinstance(exc, ValueError) and str(exc).startswith("event "):
            what = str(exc)
        elif isinstance(exc, ValueError):
            what = "a stored record is not valid JSON"
        else:
            what = f"a stored record cannot be read ({type(exc).__name__})"
        return DamagedState(
            f"{self.where}: the weekend's database holds a damaged record ({what}); nothing "
            "was written to it",
            hint="ask the database's administrator; `runbook db export` copies what is readable",
        )


def _apply_settings(conn: Connection, where: str, read_only: bool) -> None:
    """Bound every statement and lock wait, and make a reader's transactions read-only."""
    statement_ms = str(int(statement_timeout() * 1000))
    try:
        conn.execute(
            "SELECT set_config('statement_timeout', %s, false),"
            " set_config('lock_timeout', %s, false),"
            " set_config('default_transaction_read_only', %s, false)",
            (statement_ms, statement_ms, "on" if read_only else "off"),
        )
    except psycopg.Error as exc:
        conn.close()
        raise StateError(f"{where}: cannot use the PostgreSQL state ({_reason(exc)})") from None


def _results(cursor: psycopg.ClientCursor[tuple[Any, ...]]) -> list[list[tuple[Any, ...]]]:
    """The rows of each statement of a query of several, those that return rows."""
    answers = []
    while True:
        if cursor.description is not None:
            answers.append(cursor.fetchall())
        if not cursor.nextset():
            return answers


def _checkpoint_of(row: tuple[Any, ...] | None) -> tuple[int, str] | None:
    """The checkpoint row read back: its last event and its text (None: none, or not one)."""
    if row is None or not isinstance(row[0], int) or not isinstance(row[1], str):
        return None
    return int(row[0]), str(row[1])


def _send(conn: Connection, statements: list[tuple[str, Any]]) -> None:
    """Execute each statement with its parameters."""
    for statement, params in statements:
        conn.execute(statement, params)


class _InTransaction:
    """The connection ``write`` hands out: the transaction's BEGIN is sent before any use
    of it, as before any statement of the store's own."""

    def __init__(self, store: PostgresStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        self._store._begin()
        return getattr(self._store.conn, name)
