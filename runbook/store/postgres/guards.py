"""Schema version 5: the database guards what is written, not only who writes it.

Version 2 made the server decide who may record what; a login could still write what no
client would: data of any shape and size, an undo of nothing (or of mission control's
decision), a time in 2199, and an insert that skipped the write lock and so committed out of
sequence order. From version 5, for every writer and plain SQL included:

- a statement trigger takes the weekend's write lock before any sequence number is drawn, so
  commit order is sequence order for every insert, not only the client's;
- a row trigger (``events_are_well_formed``, which fires before ``events_recorded_by``)
  refuses an event whose columns or data are not what its kind holds: the table
  ``runbook.weekend.eventdata.SHAPES`` compiled into SQL, with the client's own bounds (the
  name 100 characters, a note 2,000, times in the years 1970-2200, durations at most 30
  days, sequence numbers whole); an ``undo`` must name an existing event of the same task
  that an undo can revoke and that no undo revoked yet; and it stores the data as the
  database parsed it (``jsonb``), so every reader reads what was checked;
- for a login that is not mission control, an event's time (and the time it was written
  down) may be at most ``CLOCK_SKEW`` ahead of the database's clock, and its time must lie in
  the weekend's window (``meta``: ``window_start``, ``window_end``, written by ``db init``
  from the plan as the check-in commands' ``--at`` rule has it; a rehearsal moves it by its
  clock offset, ``runbook rehearse``).

Until version 9 a time outside the window was let through when it lay within the last day by
the database's clock, so that a rehearsal days before the weekend could be checked in; a
rehearsal has its own date now (its window moves with it), and version 9 (issue 24,
``schema_v9_guards``) compiles the row trigger again without that special case, as the
client's ``--at`` rule (``runbook.weekend.rules.near_weekend``) already has it.

Every refusal is a ``check_violation`` whose message is a plain sentence (the client shows it
as it is); none needs the rows already in the log to be well formed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from runbook.common.limits import (
    EARLIEST_EPOCH,
    LATEST_EPOCH,
    MAX_DURATION,
    MAX_DURATION_TEXT,
    SEQ_LIMIT,
    YEARS_TEXT,
)
from runbook.common.text import BY_LIMIT, NOTE_LIMIT, entry_problem
from runbook.weekend.eventdata import (
    DATA_LIMIT,
    HOST_LIMIT,
    ID_LIMIT,
    IDEM_LIMIT,
    SHAPES,
    TYPE_WORDS,
)
from runbook.weekend.events import RUNBOOK_UNDOABLE_KINDS, TASK_UNDO_TARGETS

# How far ahead of the database's clock a team's event may be (a laptop's clock running
# fast): five minutes.
CLOCK_SKEW = 300
CLOCK_SKEW_TEXT = "5 minutes"
# The meta keys of the weekend's window (epoch seconds), written by ``db init``.
WINDOW_START, WINDOW_END = "window_start", "window_end"
REFUSED = "check_violation"  # the SQLSTATE of every refusal here (23514)


def _literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _unprintable_class(*, one_line: bool) -> str:
    """A regular-expression bracket of every character the client refuses in a name
    (``one_line``) or a note: derived from ``entry_problem``, so the rule is the client's."""
    bad = [
        c for c in range(1, 0x2070) if entry_problem(chr(c), limit=1, one_line=one_line) is not None
    ]
    ranges: list[tuple[int, int]] = []
    for code in bad:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    parts = [
        f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}"
        for a, b in ranges  # PostgreSQL's ARE escapes, kept as text in a standard literal
    ]
    return "[" + "".join(parts) + "]"


def _shapes_json() -> str:
    """``SHAPES`` as the JSON the trigger reads: per kind, whether it is about a task, its
    keys and types, the required ones, and the allowed keys in words."""
    return json.dumps(
        {
            kind: {
                "task": shape.task,
                "keys": shape.keys,
                "required": list(shape.required),
                "allowed": ", ".join(shape.keys) or "none",
            }
            for kind, shape in SHAPES.items()
        },
        sort_keys=True,
    )


def _refuse(message: str) -> str:
    """A plpgsql statement refusing the insert with ``message`` (an SQL text expression)."""
    return f"RAISE EXCEPTION USING ERRCODE = '{REFUSED}', MESSAGE = {message};"


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join(_literal(str(v)) for v in sorted(values))


def schema_v5(schema: str, write_lock: int) -> list[str]:
    """The statements that migrate version 4 to version 5 (each separately)."""
    s = schema
    one_line = _literal(_unprintable_class(one_line=True))
    multi_line = _literal(_unprintable_class(one_line=False))
    words = _literal(json.dumps(TYPE_WORDS, sort_keys=True))

    def whole(v: str, low: int, high: int) -> str:
        # A JSON number written as a whole number (never 4.0; jsonb writes 1e23 out in full,
        # which the length refuses), between low and high.
        return (
            f"CASE WHEN jsonb_typeof({v}) = 'number' AND {v}::text ~ '^-?[0-9]{{1,19}}$' "
            f"THEN {v}::text::numeric BETWEEN {low} AND {high} ELSE false END"
        )

    def when(seconds: str) -> str:
        return (
            f"to_char(to_timestamp({seconds}) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC'"
        )

    eta_late = when("(d ->> 'eta')::bigint")
    refuse = {
        "actor": _refuse(
            _literal(
                f"the name it is recorded by (--by) must be one printable line of 1 to {BY_LIMIT} "
                "characters"
            )
        ),
        "host": _refuse(
            _literal(
                f"the machine's name must be one printable line of at most {HOST_LIMIT} characters"
            )
        ),
        "note_long": _refuse(
            f"format('the note is %s characters long; at most {NOTE_LIMIT} are recorded', "
            "char_length(NEW.note))"
        ),
        "note_control": _refuse(
            _literal("the note holds a control character; only printable text is recorded")
        ),
        "task": _refuse(
            _literal(f"the task id must be one printable line of 1 to {ID_LIMIT} characters")
        ),
        "idem": _refuse(_literal(f"the idempotency key is longer than {IDEM_LIMIT} characters")),
        "data_long": _refuse(
            f"format('its data is %s characters long; at most {DATA_LIMIT} are recorded', "
            "char_length(NEW.data))"
        ),
        "not_json": _refuse("format('the data of %s is not JSON', NEW.kind)"),
        "problem": _refuse("problem"),
        "years": _refuse(_literal(f"its time is outside the years {YEARS_TEXT}")),
        "eta": _refuse(
            "format('the eta %s is not after the time it is said (%s), or is more than "
            f"{MAX_DURATION_TEXT} ahead of it', {eta_late}, {when('NEW.at')})"
        ),
        "future": _refuse(
            "format('its time %s is in the future by the database''s clock (%s; "
            f"{CLOCK_SKEW_TEXT} ahead are allowed)', {when('greatest(NEW.at, NEW.recorded)')}, "
            f"{when('clock')})"
        ),
        "window": _refuse(
            "format('its time %s is outside the weekend''s window (%s to %s)', "
            f"{when('NEW.at')}, {when('low')}, {when('high')})"
        ),
        "undo_missing": _refuse(
            "format('the undo names event %s, which is not in the log', d ->> 'undoes')"
        ),
        "undo_task": _refuse(
            "format('the undo of %s names event %s, which is about %s', "
            "coalesce(NEW.task, 'the whole runbook'), target.seq, "
            "coalesce(target.task, 'the whole runbook'))"
        ),
        "undo_kind": _refuse(
            "format('event %s is a %s, which an undo cannot revoke', target.seq, target.kind)"
        ),
        "undo_again": _refuse(
            "format('event %s was undone already (by event %s)', target.seq, undone)"
        ),
    }

    return [
        # A text that is not JSON (or nests deeper than the server parses) reads as NULL.
        f"""CREATE FUNCTION {s}.jsonb_or_null(t text) RETURNS jsonb
            LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $fn$
            BEGIN
                RETURN t::jsonb;
            EXCEPTION WHEN others THEN
                RETURN NULL;
            END $fn$""",
        f"""CREATE OR REPLACE FUNCTION {s}.value_fits(want text, v jsonb) RETURNS boolean
            LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $fn$
            SELECT CASE want
                WHEN 'flag' THEN jsonb_typeof(v) = 'boolean'
                WHEN 'reason' THEN jsonb_typeof(v) = 'string'
                    AND char_length(v #>> '{{}}') <= {NOTE_LIMIT}
                WHEN 'epoch' THEN {whole("v", EARLIEST_EPOCH, LATEST_EPOCH - 1)}
                WHEN 'epoch_or_null' THEN jsonb_typeof(v) = 'null'
                    OR {whole("v", EARLIEST_EPOCH, LATEST_EPOCH - 1)}
                WHEN 'duration' THEN {whole("v", 1, MAX_DURATION)}
                WHEN 'seq' THEN {whole("v", 1, SEQ_LIMIT)}
                WHEN 'decision' THEN v IN ('"go"'::jsonb, '"no-go"'::jsonb)
                WHEN 'digest' THEN jsonb_typeof(v) = 'string'
                    AND (v #>> '{{}}') ~ '^[0-9a-f]{{64}}$'
                WHEN 'name' THEN jsonb_typeof(v) = 'string'
                    AND char_length(v #>> '{{}}') BETWEEN 1 AND {ID_LIMIT}
                    AND (v #>> '{{}}') !~ {one_line}
                WHEN 'person' THEN jsonb_typeof(v) = 'string'
                    AND char_length(v #>> '{{}}') BETWEEN 1 AND {BY_LIMIT}
                    AND (v #>> '{{}}') !~ {one_line}
                ELSE false END
            $fn$""",
        f"""CREATE OR REPLACE FUNCTION {s}.data_problem(kind text, task text, d jsonb) RETURNS text
            LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
                shapes constant jsonb := {_literal(_shapes_json())};
                words constant jsonb := {words};
                shape jsonb := shapes -> kind;
                k text;
                v jsonb;
                want text;
            BEGIN
                IF shape IS NULL THEN
                    RETURN format('''%s'' is not a kind of event this version records', kind);
                END IF;
                IF (shape ->> 'task')::boolean AND task IS NULL THEN
                    RETURN format('an event of kind %s is about a task, and names none', kind);
                END IF;
                IF NOT (shape ->> 'task')::boolean AND task IS NOT NULL THEN
                    RETURN format('an event of kind %s is about no task, and names %s',
                                  kind, task);
                END IF;
                d := coalesce(d, '{{}}'::jsonb);
                IF jsonb_typeof(d) <> 'object' THEN
                    RETURN format('the data of %s is not a JSON object', kind);
                END IF;
                FOR k, v IN SELECT * FROM jsonb_each(d) LOOP
                    want := shape -> 'keys' ->> k;
                    IF want IS NULL THEN
                        RETURN format('the data of %s holds the key ''%s'', which it may not '
                                      '(allowed: %s)', kind, k, shape ->> 'allowed');
                    END IF;
                    IF NOT {s}.value_fits(want, v) THEN
                        RETURN format('the data of %s: %s must be %s', kind, k, words ->> want);
                    END IF;
                END LOOP;
                FOR k IN SELECT jsonb_array_elements_text(shape -> 'required') LOOP
                    IF NOT d ? k THEN
                        RETURN format('the data of %s must hold %s: %s', kind, k,
                                      words ->> (shape -> 'keys' ->> k));
                    END IF;
                END LOOP;
                RETURN NULL;
            END $fn$""",
        f"""CREATE OR REPLACE FUNCTION {s}.events_are_well_formed() RETURNS trigger
            LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
                d jsonb;
                problem text;
                clock bigint := floor(extract(epoch FROM clock_timestamp()))::bigint;
                low bigint;
                high bigint;
                target record;
                undone bigint;
            BEGIN
                IF NEW.actor IS NULL OR char_length(NEW.actor) NOT BETWEEN 1 AND {BY_LIMIT}
                        OR NEW.actor ~ {one_line} THEN
                    {refuse["actor"]}
                END IF;
                IF NEW.host IS NULL OR char_length(NEW.host) > {HOST_LIMIT}
                        OR NEW.host ~ {one_line} THEN
                    {refuse["host"]}
                END IF;
                IF char_length(NEW.note) > {NOTE_LIMIT} THEN
                    {refuse["note_long"]}
                END IF;
                IF NEW.note ~ {multi_line} THEN
                    {refuse["note_control"]}
                END IF;
                IF NEW.task IS NOT NULL AND (char_length(NEW.task) NOT BETWEEN 1 AND {ID_LIMIT}
                        OR NEW.task ~ {one_line}) THEN
                    {refuse["task"]}
                END IF;
                IF char_length(NEW.idem) > {IDEM_LIMIT} THEN
                    {refuse["idem"]}
                END IF;
                IF char_length(NEW.data) > {DATA_LIMIT} THEN
                    {refuse["data_long"]}
                END IF;
                IF NEW.data IS NOT NULL THEN
                    d := {s}.jsonb_or_null(NEW.data);
                    IF d IS NULL THEN
                        {refuse["not_json"]}
                    END IF;
                END IF;
                problem := {s}.data_problem(NEW.kind, NEW.task, d);
                IF problem IS NOT NULL THEN
                    {refuse["problem"]}
                END IF;
                IF NEW.at NOT BETWEEN {EARLIEST_EPOCH} AND {LATEST_EPOCH - 1}
                        OR NEW.recorded NOT BETWEEN {EARLIEST_EPOCH} AND {LATEST_EPOCH - 1} THEN
                    {refuse["years"]}
                END IF;
                IF NEW.kind = 'eta' AND ((d ->> 'eta')::bigint <= NEW.at
                        OR (d ->> 'eta')::bigint - NEW.at > {MAX_DURATION}) THEN
                    {refuse["eta"]}
                END IF;
                IF NOT {s}.is_mission_control() THEN
                    IF greatest(NEW.at, NEW.recorded) > clock + {CLOCK_SKEW} THEN
                        {refuse["future"]}
                    END IF;
                    SELECT value::bigint INTO low FROM {s}.meta WHERE key = '{WINDOW_START}';
                    SELECT value::bigint INTO high FROM {s}.meta WHERE key = '{WINDOW_END}';
                    IF low IS NOT NULL AND high IS NOT NULL
                            AND NEW.at NOT BETWEEN low AND high THEN
                        {refuse["window"]}
                    END IF;
                END IF;
                IF NEW.kind = 'undo' THEN
                    SELECT e.seq, e.task, e.kind INTO target FROM {s}.events e
                        WHERE e.seq = (d ->> 'undoes')::bigint;
                    IF NOT FOUND THEN
                        {refuse["undo_missing"]}
                    END IF;
                    IF target.task IS DISTINCT FROM NEW.task THEN
                        {refuse["undo_task"]}
                    END IF;
                    IF (NEW.task IS NOT NULL
                            AND target.kind NOT IN ({_sql_list(TASK_UNDO_TARGETS)}))
                        OR (NEW.task IS NULL
                            AND target.kind NOT IN ({_sql_list(RUNBOOK_UNDOABLE_KINDS)})) THEN
                        {refuse["undo_kind"]}
                    END IF;
                    SELECT u.seq INTO undone FROM {s}.events u
                        WHERE u.task IS NOT DISTINCT FROM NEW.task AND u.kind = 'undo'
                          AND {s}.jsonb_or_null(u.data) -> 'undoes' = to_jsonb(target.seq)
                        LIMIT 1;
                    IF undone IS NOT NULL THEN
                        {refuse["undo_again"]}
                    END IF;
                END IF;
                -- Kept as the database read it: what every reader parses is what was checked.
                NEW.data := CASE WHEN d IS NULL OR d = '{{}}'::jsonb THEN NULL ELSE d::text END;
                RETURN NEW;
            END $fn$""",
        f"""CREATE TRIGGER events_are_well_formed BEFORE INSERT ON {s}.events
            FOR EACH ROW EXECUTE FUNCTION {s}.events_are_well_formed()""",
        # Before any row, so before any sequence number is drawn: whoever inserts waits for
        # the writer ahead, and commits after it with a higher number.
        f"""CREATE FUNCTION {s}.events_take_the_write_lock() RETURNS trigger
            LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
            BEGIN
                PERFORM pg_advisory_xact_lock({write_lock});
                RETURN NULL;
            END $fn$""",
        f"""CREATE TRIGGER events_take_the_write_lock BEFORE INSERT ON {s}.events
            FOR EACH STATEMENT EXECUTE FUNCTION {s}.events_take_the_write_lock()""",
    ]


def schema_v7_guards(schema: str, write_lock: int) -> list[str]:
    """Version 7's guards: ``value_fits``, ``data_problem`` and ``events_are_well_formed``
    compiled again from this version's ``SHAPES`` (a decision's stage and approver, a
    person's name, the ``rollback`` kind, an undo of a rollback); the triggers stay."""
    return [
        statement
        for statement in schema_v5(schema, write_lock)
        if statement.lstrip().startswith("CREATE OR REPLACE FUNCTION")
        and (
            ".value_fits(" in statement
            or ".data_problem(" in statement
            or ".events_are_well_formed()" in statement
        )
    ]


def schema_v8_guards(schema: str, write_lock: int) -> list[str]:
    """Version 8's guards (issue 23): ``data_problem`` compiled again from this version's
    ``SHAPES``, so a database made before them accepts the kinds ``revise``, ``lesson`` and
    ``aftercare`` with their data (and refuses any other data for them); the triggers stay."""
    return [
        statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
        for statement in schema_v5(schema, write_lock)
        if f"FUNCTION {schema}.data_problem(" in statement
    ]


def schema_v9_guards(schema: str, write_lock: int) -> list[str]:
    """Version 9's guard (issue 24): ``events_are_well_formed`` compiled again without the
    window's special case, so a team's event dated outside the weekend's window is refused
    however recently it is told (before, one within the last day by the database's clock
    passed); the triggers stay."""
    return [
        statement
        for statement in schema_v5(schema, write_lock)
        if statement.lstrip().startswith(
            f"CREATE OR REPLACE FUNCTION {schema}.events_are_well_formed()"
        )
    ]
