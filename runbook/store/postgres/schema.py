"""The PostgreSQL store's tables, in the schema ``runbook``: one database is one weekend.

Version 1: ``meta`` (the owner runbook, the schema version), the append-only ``events`` (a
trigger refuses UPDATE and DELETE, a statement trigger TRUNCATE, for everyone, owners
included; the server fills in ``db_user``; each insert notifies ``runbook_events``), the
``checkpoint`` cache and the compiled ``plans``. Version 2 (``policies``): who may record
what, enforced by row-level security, with the tables it reads (``task_teams``,
``item_teams``, ``roles``). Version 3: dropping work is mission control's. Version 4: the
notification ``outbox`` (``runbook.weekend.outbox``), which mission control's roles write.
Version 5 (``guards``): what is written is checked too (each kind's data, the bounds, an
undo's target, a team's times), and every insert takes the write lock itself. Version 6
(``views``): documented read-only views for a PMO's tools (``event_log``, ``tasks``,
``decisions``, ``aftercare``), the ``task_figures`` they read, a COMMENT on every table.
Version 7 (the decision chain): stage roles and ``gate_stages`` (a login granted a stage
decides at it, ``policies.schema_v7``), and the guards compiled again for a decision's stage
and approver and the ``rollback`` kind (``guards.schema_v7_guards``).
Version 8 (issue 23): the guards compiled again for the kinds ``revise``, ``lesson`` and
``aftercare`` (``guards.schema_v8_guards``), and any team's member records a lesson
(``policies.schema_v8``); revising the runbook stays mission control's.
Version 9 (issue 24): the guard compiled again without the window's special case
(``guards.schema_v9_guards``): a team's event dated outside the weekend's window is refused
even when it lies within the last day by the database's clock (a rehearsal's window is on
the rehearsal's own date).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runbook.store.postgres.guards import (
    schema_v5,
    schema_v7_guards,
    schema_v8_guards,
    schema_v9_guards,
)
from runbook.store.postgres.policies import schema_v2, schema_v3, schema_v7, schema_v8
from runbook.store.postgres.views import schema_v6

if TYPE_CHECKING:
    import psycopg

SCHEMA = "runbook"
SCHEMA_VERSION = 9

# The columns of an event a client writes. The server fills seq (identity) and db_user, and
# its trigger derives team (from task_teams) and forced (from data) from the event itself.
RECORDED_COLUMNS = ("at", "recorded", "task", "kind", "actor", "host", "note", "data", "idem")
# What the roles that record may insert: those, and team and forced, which a client may name
# but the trigger replaces (never seq nor db_user).
GRANTED_COLUMNS = (*RECORDED_COLUMNS, "team", "forced")
NOTIFY_CHANNEL = "runbook_events"  # the live follower LISTENs here; the payload is the seq
# Advisory lock keys (per database, so per weekend): every write holds WRITE_LOCK for its
# transaction, so events become visible in sequence order; creating or migrating the schema
# holds SCHEMA_LOCK.
WRITE_LOCK = 0x52424B31  # "RBK1"
SCHEMA_LOCK = 0x52424B32  # "RBK2"

# Each statement separately (psycopg sends one at a time in a transaction).
SCHEMA_V1 = [
    f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
    f"""CREATE TABLE {SCHEMA}.meta (
        key   text PRIMARY KEY,
        value text NOT NULL
    )""",
    f"""CREATE TABLE {SCHEMA}.events (
        seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at       bigint NOT NULL,            -- when it happened (epoch seconds, UTC)
        recorded bigint NOT NULL,            -- when it was written down
        task     text,                       -- NULL for events about the whole runbook
        kind     text NOT NULL,
        actor    text NOT NULL,              -- --by: the human name
        host     text NOT NULL,
        note     text,
        data     text,                       -- JSON, as the SQLite store keeps it
        team     text,                       -- the task's (or sign-off's) team, from the client
        forced   boolean NOT NULL DEFAULT false,
        db_user  text NOT NULL DEFAULT session_user,  -- who recorded it: set by the server
        idem     text UNIQUE                 -- the check-in's idempotency key
    )""",
    f"CREATE INDEX events_by_task ON {SCHEMA}.events (task, seq)",
    f"""CREATE FUNCTION {SCHEMA}.events_are_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'events are append-only' USING ERRCODE = 'insufficient_privilege';
        END $$""",
    f"""CREATE TRIGGER events_are_never_updated_or_deleted
        BEFORE UPDATE OR DELETE ON {SCHEMA}.events
        FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.events_are_append_only()""",
    f"""CREATE TRIGGER events_are_never_truncated
        BEFORE TRUNCATE ON {SCHEMA}.events
        FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.events_are_append_only()""",
    # The database user is the server's to say: whatever a client sends is replaced.
    f"""CREATE FUNCTION {SCHEMA}.events_recorded_by() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.db_user := session_user;
            RETURN NEW;
        END $$""",
    f"""CREATE TRIGGER events_recorded_by BEFORE INSERT ON {SCHEMA}.events
        FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.events_recorded_by()""",
    f"""CREATE FUNCTION {SCHEMA}.events_notify() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{NOTIFY_CHANNEL}', NEW.seq::text);
            RETURN NULL;
        END $$""",
    f"""CREATE TRIGGER events_notify AFTER INSERT ON {SCHEMA}.events
        FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.events_notify()""",
    f"""CREATE TABLE {SCHEMA}.checkpoint (
        id    integer PRIMARY KEY CHECK (id = 1),
        seq   bigint NOT NULL,               -- the last event it covers
        state text NOT NULL                  -- JSON: see runbook.store.checkpoint
    )""",
    f"""CREATE TABLE {SCHEMA}.plans (
        digest  text PRIMARY KEY,
        created bigint NOT NULL,
        plan    text NOT NULL,
        stored  bigint GENERATED BY DEFAULT AS IDENTITY  -- the order plans were stored in
    )""",
]

# Version 4: the notification outbox, one row per message and address; not part of the
# event log: rows are claimed and settled as they are sent (the SQLite store's version 3).
SCHEMA_V4 = [
    f"""CREATE TABLE {SCHEMA}.outbox (
        key           text PRIMARY KEY,      -- notice key '>' address id: written once
        notice        text NOT NULL,
        kind          text NOT NULL,
        recipient     text NOT NULL,         -- team:<id> or coordinator
        address       text NOT NULL,         -- a digest of the address as the runbook has it
        task          text,
        title         text NOT NULL,
        body          text NOT NULL,
        created       bigint NOT NULL,
        state         text NOT NULL,         -- pending | sent | dropped
        attempts      integer NOT NULL DEFAULT 0,
        next_try      bigint NOT NULL DEFAULT 0,
        claimed_until bigint NOT NULL DEFAULT 0,
        sent          bigint,
        error         text
    )""",
    f"CREATE INDEX outbox_due ON {SCHEMA}.outbox (state, next_try)",
]

# Migrations from version N to N+1, in order; MIGRATIONS[0] creates version 1. Written out
# when first needed (``migrations()``): every command on a PostgreSQL state imports this
# module, and only one that creates or migrates the schema needs them (writing them takes
# a check-in a tenth of its start-up).
_MIGRATIONS: list[list[str]] = []


def migrations() -> list[list[str]]:
    """The statements of each migration, in order."""
    if not _MIGRATIONS:
        _MIGRATIONS.extend(
            [
                SCHEMA_V1,
                schema_v2(SCHEMA),
                schema_v3(SCHEMA),
                SCHEMA_V4,
                schema_v5(SCHEMA, WRITE_LOCK),
                schema_v6(SCHEMA),
                schema_v7_guards(SCHEMA, WRITE_LOCK) + schema_v7(SCHEMA),
                schema_v8_guards(SCHEMA, WRITE_LOCK) + schema_v8(SCHEMA),
                schema_v9_guards(SCHEMA, WRITE_LOCK),
            ]
        )
    return _MIGRATIONS


def __getattr__(name: str) -> object:
    if name == "MIGRATIONS":  # the name the migrations always had
        return migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def installed_version(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    """The schema version in this database (0: no runbook schema yet)."""
    # Two statements: a statement naming a table that does not exist fails as a whole.
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.meta",)).fetchone()
    if not exists or not exists[0]:
        return 0
    row = conn.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'schema_version'").fetchone()
    return 0 if row is None else int(str(row[0]))


def migrate(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    """Create or migrate the schema to ``SCHEMA_VERSION`` in one transaction, under the schema
    lock (safe to run again, and from several processes at once); the version it was at."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        current = installed_version(conn)
        for step in range(current, SCHEMA_VERSION):
            for statement in migrations()[step]:
                conn.execute(statement)
        if current < SCHEMA_VERSION:
            conn.execute(
                f"INSERT INTO {SCHEMA}.meta (key, value) VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )
    return current
