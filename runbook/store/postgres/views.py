"""Schema version 6: the weekend database as a PMO's data source.

A BI tool (or psql) reads documented read-only views with real ``timestamptz`` columns and
``jsonb`` data, instead of epoch integers, JSON in a text column and the plan in a private
format: ``runbook.event_log`` (every event), ``runbook.tasks`` (each task's plan and forecast
figures as last computed), ``runbook.decisions`` (every go/no-go decision) and
``runbook.aftercare`` (the work still to do). Every table and view carries a COMMENT.

"As last computed": the forecast is the client's (``runbook.weekend.forecast``), not SQL's.
Every write that goes through a client (a check-in, a decision, ``db init``'s baseline)
rewrites ``task_figures`` in its own transaction, from the fold of the log up to the event it
wrote; the server stamps who computed them (``computed_by``), and ``runbook.tasks`` says how
many events were recorded since (``events_since``: a write by plain SQL refreshes nothing).

The views are ``security_invoker``: they read with the rights of whoever queries them, so
they never widen what a role sees. Every role of the weekend may read them (``roles``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runbook.weekend.figures import TaskFigures

# The columns of task_figures a client writes (computed_at and computed_by are the server's).
FIGURE_COLUMNS = (
    "task", "title", "team", "phase", "priority", "milestone", "gate", "status", "reason",
    "duration", "planned_start", "planned_finish", "baseline_start", "baseline_finish",
    "actual_start", "actual_finish", "forecast_start", "forecast_finish", "total_float",
    "critical", "late", "as_of", "covers_seq",
)  # fmt: skip


def figures_text(rows: Sequence[TaskFigures]) -> str:
    """Every task's figures as the one parameter ``insert_figures`` reads (issue 28 §5: one
    statement for a thousand tasks instead of a thousand, on every check-in): a JSON array
    per task of ``FIGURE_COLUMNS`` but the last two, times as epoch seconds and each
    duration as its days and seconds, the interval psycopg sends for a ``timedelta``."""
    out: list[tuple[object, ...]] = []
    for r in rows:
        days, seconds = divmod(r.duration, 86_400)
        float_days, float_seconds = divmod(r.total_float, 86_400)
        row = (
            r.task, r.title, r.team, r.phase, r.priority, r.milestone, r.gate, r.status,
            r.reason, days, seconds, r.planned_start, r.planned_finish, r.baseline_start,
            r.baseline_finish, r.actual_start, r.actual_finish, r.forecast_start,
            r.forecast_finish, float_days, float_seconds, r.critical, r.late,
        )  # fmt: skip
        out.append(row)
    return json.dumps(out, separators=(",", ":"))


def insert_figures(s: str) -> str:
    """The statement that writes every task's figures into ``{s}.task_figures``; its
    parameters, in order: the moment they are for (epoch seconds), the last event they fold
    and ``figures_text``."""
    moment = "to_timestamp((r->>{})::bigint)".format
    interval = "make_interval(days => (r->>{})::int, secs => (r->>{})::bigint)".format
    values = [
        *(f"r->>{i}" for i in range(5)),
        "(r->>5)::boolean",
        "(r->>6)::boolean",
        "r->>7",
        "r->>8",
        interval(9, 10),
        *(moment(i) for i in range(11, 19)),
        interval(19, 20),
        "(r->>21)::boolean",
        "(r->>22)::boolean",
        "to_timestamp(%s::bigint)",
        "%s::bigint",
    ]
    return (
        f"INSERT INTO {s}.task_figures ({', '.join(FIGURE_COLUMNS)}) "
        f"SELECT {', '.join(values)} FROM jsonb_array_elements(%s::jsonb) AS r"
    )


TABLE_COMMENTS = {
    "meta": "Settings of this weekend database: the owner runbook, the schema version, the "
    "weekend's window and role prefix. Written by runbook db init.",
    "events": "The weekend's event log, append-only (never updated or deleted): every "
    "check-in, revision, decision, sign-off and note. Times are epoch seconds (UTC) and data "
    "is JSON text: read runbook.event_log for timestamptz and jsonb.",
    "checkpoint": "A cache of the folded log up to one event, so a check-in reads only the "
    "events after it. Mission control's to write; derived from events.",
    "plans": "Every compiled version of the runbook's plan (a private format), by digest: "
    "the baseline names one. Read runbook.tasks for the plan's figures.",
    "outbox": "The notifications runbook notify sends: one row per message and address, "
    "with its state (pending, sent, dropped), attempts and last error.",
    "task_teams": "Each task's owner team, from the runbook: what the row-level policies "
    "check a team's event against.",
    "item_teams": "Each readiness item's owner team, from the runbook: who may check it off.",
    "roles": "This weekend's PostgreSQL roles: the coordinator, the reader and one per team.",
    "task_figures": "Each task's plan and forecast figures as last computed by a runbook "
    "client (rewritten by every write through the client); read runbook.tasks.",
}

VIEW_COMMENTS = {
    "event_log": "Every event of the weekend's log, oldest first by seq, with times as "
    "timestamptz and data as jsonb (read-only).",
    "tasks": "Each task of the runbook with its plan (planned_*: the runbook's schedule; "
    "baseline_*: what ahead/behind is measured against) and forecast figures (forecast_*: "
    "actual for what has run), as last computed at as_of by a runbook client; events_since "
    "counts the events recorded after (read-only).",
    "decisions": "Every go/no-go decision recorded at a gate: who decided what and when, and "
    "whether it is in force (a later decision at the same gate replaces it) (read-only).",
    "aftercare": "The work still to do after the weekend, as last computed: every task not "
    "done nor skipped as not needed, the work dropped for time included, with its reason "
    "(read-only).",
}


def schema_v6(s: str) -> list[str]:
    """The statements that take a weekend database from version 5 to 6 (schema ``s``)."""
    return [
        f"""CREATE TABLE {s}.task_figures (
            task             text PRIMARY KEY,
            title            text NOT NULL,
            team             text,
            phase            text,
            priority         text NOT NULL,
            milestone        boolean NOT NULL,
            gate             boolean NOT NULL,
            status           text NOT NULL,
            reason           text,
            duration         interval NOT NULL,
            planned_start    timestamptz NOT NULL,
            planned_finish   timestamptz NOT NULL,
            baseline_start   timestamptz,
            baseline_finish  timestamptz,
            actual_start     timestamptz,
            actual_finish    timestamptz,
            forecast_start   timestamptz NOT NULL,
            forecast_finish  timestamptz NOT NULL,
            total_float      interval NOT NULL,
            critical         boolean NOT NULL,
            late             boolean NOT NULL,
            as_of            timestamptz NOT NULL,   -- the moment the forecast is for
            covers_seq       bigint NOT NULL,        -- the last event it folds
            computed_at      timestamptz NOT NULL DEFAULT now(),
            computed_by      text NOT NULL DEFAULT session_user
        )""",
        # Who computed them is the server's to say, as for an event.
        f"""CREATE FUNCTION {s}.task_figures_computed_by() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                NEW.computed_by := session_user;
                NEW.computed_at := now();
                RETURN NEW;
            END $$""",
        f"""CREATE TRIGGER task_figures_computed_by BEFORE INSERT OR UPDATE ON {s}.task_figures
            FOR EACH ROW EXECUTE FUNCTION {s}.task_figures_computed_by()""",
        f"""CREATE VIEW {s}.event_log WITH (security_invoker = true) AS
            SELECT seq,
                   to_timestamp(at) AS at,
                   to_timestamp(recorded) AS recorded,
                   task, team, kind, actor, host, note,
                   {s}.jsonb_or_null(data) AS data,
                   forced, db_user
            FROM {s}.events""",
        f"""CREATE VIEW {s}.tasks WITH (security_invoker = true) AS
            SELECT task, title, team, phase, priority, milestone, gate, status, reason,
                   duration, planned_start, planned_finish, baseline_start, baseline_finish,
                   actual_start, actual_finish, forecast_start, forecast_finish,
                   forecast_finish - baseline_finish AS slip,
                   total_float, critical, late, as_of, covers_seq,
                   (SELECT count(*) FROM {s}.events e WHERE e.seq > f.covers_seq)
                       AS events_since,
                   computed_at, computed_by
            FROM {s}.task_figures f""",
        f"""CREATE VIEW {s}.decisions WITH (security_invoker = true) AS
            SELECT e.seq,
                   e.task AS gate,
                   {s}.jsonb_or_null(e.data) ->> 'decision' AS decision,
                   to_timestamp(e.at) AS decided_at,
                   e.actor AS decided_by,
                   e.note,
                   e.db_user,
                   to_timestamp(e.recorded) AS recorded,
                   NOT EXISTS (
                       SELECT 1 FROM {s}.events later
                       WHERE later.kind = 'decide' AND later.task = e.task
                         AND later.seq > e.seq
                   ) AS in_force
            FROM {s}.events e
            WHERE e.kind = 'decide'""",
        f"""CREATE VIEW {s}.aftercare WITH (security_invoker = true) AS
            SELECT task, title, team, phase, priority, status, reason, duration,
                   actual_start, forecast_finish, as_of
            FROM {s}.task_figures
            WHERE status NOT IN ('done', 'skipped')""",
        *(
            f"COMMENT ON TABLE {s}.{name} IS '{text.replace(chr(39), chr(39) * 2)}'"
            for name, text in TABLE_COMMENTS.items()
        ),
        *(
            f"COMMENT ON VIEW {s}.{name} IS '{text.replace(chr(39), chr(39) * 2)}'"
            for name, text in VIEW_COMMENTS.items()
        ),
    ]
