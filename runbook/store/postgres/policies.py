"""Schema version 2: who may record what, enforced by the database (row-level security).

The rules live in the server, not in the client: a BEFORE INSERT trigger fills in who
recorded an event (``session_user``), whether it was forced (from its data) and the team it
concerns (from ``task_teams``, ``item_teams`` or the sign-off's team), replacing whatever a
client sent; the INSERT policy then asks ``may_record`` of that row. The roles themselves are
named in the ``roles`` table (``runbook db init`` fills it, with its prefix), so this DDL
does not depend on the prefix. ``events`` has FORCE ROW LEVEL SECURITY: its owner is bound
too (superusers bypass row-level security by nature).

Who may INSERT an event:
- mission control (a member of the coordinator role, or of the schema's owner, the role that
  ran ``db init``): any event;
- a member of a team role, never forced: the check-in kinds and the revisions of a running or
  coming task (start, done, fail, skip, undo, note, eta, estimate) for a task whose owner team
  is that team, but not a drop (a skip marked ``dropped``, from version 3) nor an undo of a
  pull, a drop or a forced event; a sign-off for that team; a
  readiness ``check`` of an item whose owner is that team;
- from version 7, a member of a stage role, never forced: a ``decide`` at a gate that has that
  stage (``gate_stages``), naming that stage;
- from version 8, a member of any team role, never forced: a ``lesson`` (``runbook lesson``:
  anyone who records may record a lesson learned, about any task, team or the weekend);
- nobody else (the reader role has SELECT only). Deciding a gate, the baseline, pulling a
  task forward, and closing the weekend (``close``, and the undo about no task that reopens
  it) are mission control's, whatever team a gate belongs to: an event about no task is a
  team's only when it is a sign-off or a check, so these need no policy of their own.
UPDATE, DELETE and TRUNCATE of events are refused for everyone (triggers, statement-level as
well, so the owner gets an error rather than a silent "0 rows").
"""

from __future__ import annotations

# The kinds a team member may record for its own team's tasks. (eta and estimate are the
# replanning kinds; pull, which lets a task start early, is mission control's.)
TEAM_TASK_KINDS = ("start", "done", "fail", "skip", "undo", "note", "eta", "estimate")
# The kinds about no task a team member may record for its own team.
TEAM_RUNBOOK_KINDS = ("signoff", "check")
# Kinds only mission control records (a decide also by a login granted the gate's stage,
# from version 7; a rollback, and so its undo, is mission control's alone; and, from version
# 8, ``revise`` and ``aftercare``, which no policy gives a team either).
MISSION_CONTROL_KINDS = ("decide", "baseline", "pull", "rollback")

ROLE_KINDS = ("coordinator", "reader", "team")
# From version 7: a stage role decides at that stage of any gate that has it.
ROLE_KINDS_V7 = (*ROLE_KINDS, "stage")


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def schema_v2(schema: str) -> list[str]:
    """The statements that migrate version 1 to version 2 (each separately)."""
    s = schema
    return [
        f"""CREATE TABLE {s}.task_teams (
            task text PRIMARY KEY,
            team text NOT NULL                  -- the task's owner team, from the runbook
        )""",
        f"""CREATE TABLE {s}.item_teams (
            item text PRIMARY KEY,
            team text NOT NULL                  -- a readiness item's owner, when a team
        )""",
        f"""CREATE TABLE {s}.roles (
            role text PRIMARY KEY,              -- the PostgreSQL role (NOLOGIN group)
            kind text NOT NULL CHECK (kind IN ({_sql_list(ROLE_KINDS)})),
            team text UNIQUE,                   -- the team id, for a team role
            name text,                          -- the team's display name
            CHECK ((kind = 'team') = (team IS NOT NULL))
        )""",
        # Membership, asked of the login (session_user), never of a role set with SET ROLE.
        # A role named in the table but dropped since grants nothing (the join finds none).
        f"""CREATE FUNCTION {s}.is_member(want_kind text, want_team text) RETURNS boolean
            LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT EXISTS (
                SELECT 1 FROM {s}.roles r JOIN pg_roles p ON p.rolname = r.role
                WHERE r.kind = want_kind AND r.team IS NOT DISTINCT FROM want_team
                  AND pg_has_role(session_user, p.oid, 'MEMBER'))
            $$""",
        f"""CREATE FUNCTION {s}.is_mission_control() RETURNS boolean
            LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT {s}.is_member('coordinator', NULL)
                OR pg_has_role(session_user,
                    (SELECT nspowner FROM pg_namespace WHERE nspname = '{s}'), 'MEMBER')
            $$""",
        # An undo of mission control's event (a pull, a forced event) is mission control's.
        f"""CREATE FUNCTION {s}.undoes_mission_control(kind text, data text) RETURNS boolean
            LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT kind = 'undo' AND EXISTS (
                SELECT 1 FROM {s}.events e
                WHERE e.seq = CASE WHEN data::jsonb ->> 'undoes' ~ '^[0-9]{{1,18}}$'
                                   THEN (data::jsonb ->> 'undoes')::bigint END
                  AND (e.kind IN ({_sql_list(MISSION_CONTROL_KINDS)}) OR e.forced))
            $$""",
        f"""CREATE FUNCTION {s}.may_record(
                kind text, task text, team text, forced boolean, data text) RETURNS boolean
            LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT {s}.is_mission_control() OR (
                NOT forced AND team IS NOT NULL AND {s}.is_member('team', team) AND (
                    (task IS NOT NULL AND kind IN ({_sql_list(TEAM_TASK_KINDS)})
                        AND NOT {s}.undoes_mission_control(kind, data))
                    OR (task IS NULL AND kind IN ({_sql_list(TEAM_RUNBOOK_KINDS)}))))
            $$""",
        # The server's columns: who, forced, and the team, whatever a client sent.
        f"""CREATE OR REPLACE FUNCTION {s}.events_recorded_by() RETURNS trigger
            LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
            DECLARE
                d jsonb := CASE WHEN NEW.data IS NULL THEN NULL ELSE NEW.data::jsonb END;
            BEGIN
                IF d IS NOT NULL AND jsonb_typeof(d) <> 'object' THEN
                    d := NULL;
                END IF;
                NEW.db_user := session_user;
                -- forced as the client reads it: a value that is not false, null, 0 or empty
                NEW.forced := coalesce(d ? 'forced' AND d -> 'forced' NOT IN (
                    'false'::jsonb, 'null'::jsonb, '0'::jsonb, '""'::jsonb, '[]'::jsonb,
                    '{{}}'::jsonb), false);
                IF NEW.task IS NOT NULL THEN
                    NEW.team := (SELECT t.team FROM {s}.task_teams t WHERE t.task = NEW.task);
                ELSIF NEW.kind = 'signoff' THEN
                    NEW.team := d ->> 'team';
                ELSIF NEW.kind = 'check' THEN
                    NEW.team := (SELECT i.team FROM {s}.item_teams i
                                 WHERE i.item = d ->> 'item');
                ELSE
                    NEW.team := NULL;
                END IF;
                RETURN NEW;
            END $$""",
        f"ALTER TABLE {s}.events ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {s}.events FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY events_are_read ON {s}.events FOR SELECT USING (true)",
        f"""CREATE POLICY events_are_recorded ON {s}.events FOR INSERT
            WITH CHECK ({s}.may_record(kind, task, team, forced, data))""",
        # Row-level security hides rows from an UPDATE or DELETE without a policy for it
        # ("0 rows", no error): a statement trigger refuses the statement itself.
        f"""CREATE TRIGGER events_are_never_rewritten
            BEFORE UPDATE OR DELETE ON {s}.events
            FOR EACH STATEMENT EXECUTE FUNCTION {s}.events_are_append_only()""",
    ]


# A JSON value the client reads as true: not false, null, 0, "" or an empty list or object.
_TRUTHY = """NOT IN ('false'::jsonb, 'null'::jsonb, '0'::jsonb, '""'::jsonb, '[]'::jsonb,
                    '{}'::jsonb)"""


def schema_v3(schema: str) -> list[str]:
    """Version 2 to 3: dropping work for time (a skip marked ``dropped``, ``runbook drop``)
    and undoing a drop are mission control's, like a pull."""
    s = schema
    return [
        f"""CREATE FUNCTION {s}.is_drop(kind text, data text) RETURNS boolean
            LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT kind = 'skip' AND data IS NOT NULL
                AND jsonb_typeof(data::jsonb) = 'object' AND data::jsonb ? 'dropped'
                AND data::jsonb -> 'dropped' {_TRUTHY}
            $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.undoes_mission_control(kind text, data text)
            RETURNS boolean
            LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            -- $1 and $2, not kind and data: inside the query those name the columns of e.
            -- (Version 2 said data there, so it compared each event with itself.)
            SELECT $1 = 'undo' AND EXISTS (
                SELECT 1 FROM {s}.events e
                WHERE e.seq = CASE WHEN $2::jsonb ->> 'undoes' ~ '^[0-9]{{1,18}}$'
                                   THEN ($2::jsonb ->> 'undoes')::bigint END
                  AND (e.kind IN ({_sql_list(MISSION_CONTROL_KINDS)}) OR e.forced
                       OR {s}.is_drop(e.kind, e.data)))
            $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.may_record(
                kind text, task text, team text, forced boolean, data text) RETURNS boolean
            LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT {s}.is_mission_control() OR (
                NOT forced AND team IS NOT NULL AND {s}.is_member('team', team) AND (
                    (task IS NOT NULL AND kind IN ({_sql_list(TEAM_TASK_KINDS)})
                        AND NOT {s}.is_drop(kind, data)
                        AND NOT {s}.undoes_mission_control(kind, data))
                    OR (task IS NULL AND kind IN ({_sql_list(TEAM_RUNBOOK_KINDS)}))))
            $$""",
    ]


def schema_v7(schema: str) -> list[str]:
    """Version 6 to 7: the decision chain. A stage role (``roles.kind = 'stage'``, its stage
    in ``roles.stage``) records a gate's decision at its stage, never forced; the gates'
    stages are in ``gate_stages`` (``db init`` fills it from the runbook); a rollback, and
    the undo of one, is mission control's."""
    s = schema
    return [
        f"ALTER TABLE {s}.roles ADD COLUMN stage text UNIQUE",
        f"ALTER TABLE {s}.roles DROP CONSTRAINT roles_kind_check",
        f"ALTER TABLE {s}.roles DROP CONSTRAINT roles_check",
        f"""ALTER TABLE {s}.roles ADD CONSTRAINT roles_kind_check
            CHECK (kind IN ({_sql_list(ROLE_KINDS_V7)}))""",
        f"""ALTER TABLE {s}.roles ADD CONSTRAINT roles_check
            CHECK ((kind = 'team') = (team IS NOT NULL)
                   AND (kind = 'stage') = (stage IS NOT NULL))""",
        f"""CREATE TABLE {s}.gate_stages (
            gate  text NOT NULL,                -- a gate's task id
            stage text NOT NULL,                -- one of its stages, from the runbook
            PRIMARY KEY (gate, stage)
        )""",
        f"COMMENT ON TABLE {s}.gate_stages IS 'Each gate''s decision stages, from the "
        "runbook (runbook db init): a login granted a stage decides at it.'",
        # Whoever may record reads it (the policy asks it as the login).
        f"""DO $do$
            DECLARE r record;
            BEGIN
                FOR r IN SELECT role FROM {s}.roles JOIN pg_roles p ON p.rolname = role LOOP
                    EXECUTE format('GRANT SELECT ON {s}.gate_stages TO %I', r.role);
                END LOOP;
            END $do$""",
        f"""CREATE FUNCTION {s}.is_stage_member(want_stage text) RETURNS boolean
            LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT EXISTS (
                SELECT 1 FROM {s}.roles r JOIN pg_roles p ON p.rolname = r.role
                WHERE r.kind = 'stage' AND r.stage = want_stage
                  AND pg_has_role(session_user, p.oid, 'MEMBER'))
            $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.undoes_mission_control(kind text, data text)
            RETURNS boolean
            LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT $1 = 'undo' AND EXISTS (
                SELECT 1 FROM {s}.events e
                WHERE e.seq = CASE WHEN $2::jsonb ->> 'undoes' ~ '^[0-9]{{1,18}}$'
                                   THEN ($2::jsonb ->> 'undoes')::bigint END
                  AND (e.kind IN ({_sql_list(MISSION_CONTROL_KINDS)}) OR e.forced
                       OR {s}.is_drop(e.kind, e.data)))
            $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.may_record(
                kind text, task text, team text, forced boolean, data text) RETURNS boolean
            LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT {s}.is_mission_control() OR (
                NOT forced AND team IS NOT NULL AND {s}.is_member('team', team) AND (
                    (task IS NOT NULL AND kind IN ({_sql_list(TEAM_TASK_KINDS)})
                        AND NOT {s}.is_drop(kind, data)
                        AND NOT {s}.undoes_mission_control(kind, data))
                    OR (task IS NULL AND kind IN ({_sql_list(TEAM_RUNBOOK_KINDS)}))))
            OR (
                NOT forced AND kind = 'decide' AND task IS NOT NULL AND data IS NOT NULL
                AND EXISTS (SELECT 1 FROM {s}.gate_stages g
                            WHERE g.gate = task AND g.stage = data::jsonb ->> 'stage')
                AND {s}.is_stage_member(data::jsonb ->> 'stage'))
            $$""",
    ]


def schema_v8(schema: str) -> list[str]:
    """Version 7 to 8 (issue 23): a member of any team role records a lesson learned, never
    forced, whatever task or team it is about: a policy of its own, OR-ed with
    ``events_are_recorded`` (permissive policies add up), so it leaves ``may_record`` as the
    versions before made it. Revising the runbook and the aftercare handover stay mission
    control's (no policy names them)."""
    s = schema
    return [
        f"""CREATE FUNCTION {s}.is_in_a_team() RETURNS boolean
            LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT EXISTS (
                SELECT 1 FROM {s}.roles r JOIN pg_roles p ON p.rolname = r.role
                WHERE r.kind = 'team' AND pg_has_role(session_user, p.oid, 'MEMBER'))
            $$""",
        f"""CREATE POLICY lessons_are_recorded ON {s}.events FOR INSERT
            WITH CHECK (kind = 'lesson' AND NOT forced AND {s}.is_in_a_team())""",
    ]
