"""The weekend's roles in PostgreSQL: their names, setting them up, who is in them, and the
plain refusal a login sees when the database's policies (``policies``) refuse its event.

Role names are ``<prefix>coordinator``, ``<prefix>reader``, ``<prefix>team_<id>`` and (from
version 7) ``<prefix>stage_<stage>`` for a gate's decision stage, always
quoted as identifiers (``psycopg.sql.Identifier``), so a team id with quotes, spaces or
accents makes a role of exactly that name, never SQL.

Roles belong to the whole cluster, a weekend to one database: a role is one weekend
database's own. The default prefix is the database's name (``weekend_coordinator``), and
``db init`` marks each role it makes or takes with a comment naming its database (name and
oid); a role marked for another database that still exists is never taken, so a grant in the
rehearsal's database never makes anyone mission control of the real weekend. (Before, every
database shared ``runbook_coordinator``: ``db init`` moves such a database to roles of its own
and says whose memberships it did not carry over.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from runbook.store.postgres.schema import GRANTED_COLUMNS, SCHEMA
from runbook.weekend.events import NewEvent

# The prefix every weekend database shared before roles were per database (the old default).
SHARED_PREFIX = "runbook_"
# A role's comment that makes it one weekend database's own.
MARK = "runbook: a role of the weekend database {name} (oid {oid})"
_MARKED = re.compile(r"^runbook: a role of the weekend database .* \(oid (\d+)\)$")
NAME_LIMIT = 63  # bytes: PostgreSQL cuts a longer identifier short, silently
MISSION_CONTROL = "mission control"

Connection = psycopg.Connection[tuple[Any, ...]]


def default_prefix(database: str) -> str:
    """The role prefix of a weekend database when none is given: its own name."""
    return f"{database}_"


def coordinator_role(prefix: str) -> str:
    return f"{prefix}coordinator"


def reader_role(prefix: str) -> str:
    return f"{prefix}reader"


def team_role(prefix: str, team: str) -> str:
    return f"{prefix}team_{team}"


def stage_role(prefix: str, stage: str) -> str:
    """The role whose members decide at a stage of the gates that have it."""
    return f"{prefix}stage_{stage}"


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a PostgreSQL role name, or None."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return f"the role name {name!r} would hold a control character"
    size = len(name.encode("utf-8"))
    if size > NAME_LIMIT:
        return (
            f"the role name '{name}' is {size} bytes long; PostgreSQL keeps at most "
            f"{NAME_LIMIT} (use a shorter team id or --role-prefix)"
        )
    if name.startswith("pg_"):
        return f"the role name '{name}' starts with pg_, which PostgreSQL reserves"
    return None


@dataclass(frozen=True, slots=True)
class Role:
    """One of the weekend's roles: its name, kind (coordinator, reader, team), team id and
    display name (for a team role), and its members (logins or other roles)."""

    role: str
    kind: str
    team: str | None = None
    name: str | None = None
    members: tuple[str, ...] = ()
    exists: bool = True
    own: bool = True  # marked as this database's (False: shared, or made by hand)
    stage: str | None = None  # the decision stage, for a stage role


@dataclass
class Setup:
    """What ``apply_roles`` changed: roles created, rows of the owner tables changed, roles
    taken over (left by a database since dropped, their members removed)."""

    created: list[str] = field(default_factory=list)
    owners_changed: int = 0
    roles_changed: int = 0
    taken_over: list[str] = field(default_factory=list)
    left: list[Role] = field(default_factory=list)  # no longer this weekend's, with members


class RoleTaken(Exception):
    """A role this weekend would use is another weekend database's own."""

    def __init__(self, role: str, database: str) -> None:
        super().__init__(role)
        self.role = role
        self.database = database


def mark(conn: Connection) -> str:
    """This database's mark (its name and oid: a database made again under the same name is
    another one)."""
    row = conn.execute(
        "SELECT current_database(), oid FROM pg_database WHERE datname = current_database()"
    ).fetchone()
    assert row is not None
    return MARK.format(name=row[0], oid=row[1])


def _marks(conn: Connection, names: list[str]) -> dict[str, str | None]:
    """The comment on each existing role of ``names`` (None: no comment)."""
    rows = conn.execute(
        "SELECT rolname, shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = ANY(%s)",
        (names,),
    ).fetchall()
    return {str(name): (None if note is None else str(note)) for name, note in rows}


def _owner_database(conn: Connection, note: str | None) -> str | None:
    """The existing database whose mark ``note`` is; None when it marks no database that
    exists (no mark, or one left by a database since dropped)."""
    found = _MARKED.match(note or "")
    if found is None:
        return None
    row = conn.execute(
        "SELECT datname FROM pg_database WHERE oid = %s", (int(found.group(1)),)
    ).fetchone()
    return None if row is None else str(row[0])


def wanted_roles(prefix: str, teams: dict[str, str], stages: Iterable[str] = ()) -> list[Role]:
    """The roles a weekend with these teams (id -> display name) and gates' decision stages
    (every stage name of every gate, the one-list ``approvers`` stage included: granting it
    lets a login decide at every gate with a one-list approvers) has, in a fixed order."""
    return [
        Role(coordinator_role(prefix), "coordinator"),
        Role(reader_role(prefix), "reader"),
        *(Role(team_role(prefix, t), "team", t, n) for t, n in sorted(teams.items())),
        *(Role(stage_role(prefix, st), "stage", stage=st) for st in sorted(set(stages))),
    ]


def _sync_gate_stages(conn: Connection, pairs: set[tuple[str, str]]) -> int:
    """Make ``gate_stages`` hold exactly these (gate, stage) pairs; how many rows changed."""
    have = {
        (str(g), str(st)) for g, st in conn.execute(f"SELECT gate, stage FROM {SCHEMA}.gate_stages")
    }
    gone, new = have - pairs, pairs - have
    with conn.cursor() as cur:
        cur.executemany(
            f"DELETE FROM {SCHEMA}.gate_stages WHERE gate = %s AND stage = %s", sorted(gone)
        )
        cur.executemany(
            f"INSERT INTO {SCHEMA}.gate_stages (gate, stage) VALUES (%s, %s)", sorted(new)
        )
    return len(gone) + len(new)


def _sync(conn: Connection, table: str, key: str, rows: dict[str, str]) -> int:
    """Make a two-column owner table hold exactly ``rows``; how many rows changed."""
    have = {str(k): str(v) for k, v in conn.execute(f"SELECT {key}, team FROM {SCHEMA}.{table}")}
    gone = [k for k in have if k not in rows]
    changed = {k: v for k, v in rows.items() if have.get(k) != v}
    if gone:
        conn.execute(f"DELETE FROM {SCHEMA}.{table} WHERE {key} = ANY(%s)", (gone,))
    with conn.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {SCHEMA}.{table} ({key}, team) VALUES (%s, %s) "
            f"ON CONFLICT ({key}) DO UPDATE SET team = excluded.team",
            list(changed.items()),
        )
    return len(gone) + len(changed)


def apply_roles(
    conn: Connection,
    roles: list[Role],
    task_teams: dict[str, str],
    item_teams: dict[str, str],
    gate_stages: set[tuple[str, str]] | None = None,
) -> Setup:
    """Create the missing roles (NOLOGIN), name them in ``roles``, grant each what it may do,
    and fill the owner tables from the runbook (inside the init transaction)."""
    done = Setup()
    ours = mark(conn)
    existing = _marks(conn, [r.role for r in roles])
    for role in roles:
        name = sql.Identifier(role.role)
        if role.role not in existing:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(name))
            done.created.append(role.role)
        elif existing[role.role] != ours:
            other = _owner_database(conn, existing[role.role])
            if other is not None:
                raise RoleTaken(role.role, other)
            if _MARKED.match(existing[role.role] or ""):
                # Left by a weekend database since dropped: nobody keeps a membership of it.
                for member in _members(conn, role.role):
                    conn.execute(sql.SQL("REVOKE {} FROM {}").format(name, sql.Identifier(member)))
                done.taken_over.append(role.role)
        if existing.get(role.role) != ours:
            conn.execute(sql.SQL("COMMENT ON ROLE {} IS {}").format(name, sql.Literal(ours)))
    # The roles table names exactly these roles (a team no longer in the runbook loses its
    # row, so its role grants nothing in this weekend any more).
    have = {
        (str(r[0]), str(r[1]), r[2], r[3], r[4])
        for r in conn.execute(f"SELECT role, kind, team, name, stage FROM {SCHEMA}.roles")
    }
    want: set[tuple[str, str, str | None, str | None, str | None]] = {
        (r.role, r.kind, r.team, r.name, r.stage) for r in roles
    }
    if have != want:
        # A role no longer this weekend's (a team gone, the roles of before) keeps no grant here.
        wanted = {r.role for r in roles}
        done.left = [r for r in weekend_roles(conn) if r.role not in wanted]
        _revoke_all(conn, [r.role for r in done.left if r.exists])
        conn.execute(f"DELETE FROM {SCHEMA}.roles")
        ordered = sorted(want, key=lambda row: (row[1], row[0]))
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {SCHEMA}.roles (role, kind, team, name, stage) "
                "VALUES (%s, %s, %s, %s, %s)",
                ordered,
            )
        done.roles_changed = len(have ^ want)
    done.owners_changed = _sync(conn, "task_teams", "task", task_teams) + _sync(
        conn, "item_teams", "item", item_teams
    )
    if gate_stages is not None:
        done.owners_changed += _sync_gate_stages(conn, gate_stages)
    _grant(conn, roles)
    return done


def _members(conn: Connection, role: str) -> list[str]:
    rows = conn.execute(
        "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid "
        "JOIN pg_roles m ON m.oid = a.member WHERE r.rolname = %s ORDER BY m.rolname",
        (role,),
    ).fetchall()
    return [str(r[0]) for r in rows]


def _revoke_all(conn: Connection, roles: list[str]) -> None:
    """Take every right on this weekend's schema from ``roles`` (they stay in the cluster:
    another database may use them)."""
    if not roles:
        return
    schema = sql.Identifier(SCHEMA)
    names = sql.SQL(", ").join(sql.Identifier(r) for r in roles)
    for statement in (
        "REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}",
        "REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM {}",
        "REVOKE ALL ON SCHEMA {} FROM {}",
    ):
        conn.execute(sql.SQL(statement).format(schema, names))


def _grant(conn: Connection, roles: list[Role]) -> None:
    """Every role reads, the sequences too (so the reader can ``pg_dump`` the database);
    the coordinator and the teams record events (the policies say which) and rewrite the
    task figures the views publish (the server stamps who); only the coordinator writes the
    caches, the settings and the notification outbox (``runbook notify`` runs as mission
    control). (Granting again changes nothing.)"""
    schema = sql.Identifier(SCHEMA)
    everyone = sql.SQL(", ").join(sql.Identifier(r.role) for r in roles)
    recorders = sql.SQL(", ").join(sql.Identifier(r.role) for r in roles if r.kind != "reader")
    coordinator = sql.SQL(", ").join(
        sql.Identifier(r.role) for r in roles if r.kind == "coordinator"
    )
    for statement in (
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, everyone),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(schema, everyone),
        sql.SQL("GRANT SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, everyone),
        sql.SQL("GRANT INSERT, UPDATE, DELETE ON {}.task_figures TO {}").format(schema, recorders),
        # Column by column, leaving out seq (a client choosing its own sequence number with
        # OVERRIDING SYSTEM VALUE would hide later events from every follower) and db_user
        # (the server's): revoke the whole-table grant of earlier versions first.
        sql.SQL("REVOKE INSERT ON {}.events FROM {}").format(schema, recorders),
        sql.SQL("GRANT INSERT ({}) ON {}.events TO {}").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in GRANTED_COLUMNS), schema, recorders
        ),
        sql.SQL("GRANT INSERT, UPDATE ON {}.meta, {}.checkpoint, {}.plans, {}.outbox TO {}").format(
            schema, schema, schema, schema, coordinator
        ),
    ):
        conn.execute(statement)


def weekend_roles(conn: Connection, *, stages: bool = True) -> list[Role]:
    """The weekend's roles as the database has them, with their direct members
    (``stages``: the schema has stage roles, version 7 on)."""
    ours = mark(conn)
    rows = conn.execute(
        f"""SELECT r.role, r.kind, r.team, r.name, p.oid IS NOT NULL,
                ARRAY(SELECT m.rolname FROM pg_auth_members a JOIN pg_roles m
                      ON m.oid = a.member WHERE a.roleid = p.oid ORDER BY m.rolname),
                shobj_description(p.oid, 'pg_authid') IS NOT DISTINCT FROM %s,
                {"r.stage" if stages else "NULL"}
            FROM {SCHEMA}.roles r LEFT JOIN pg_roles p ON p.rolname = r.role
            ORDER BY CASE r.kind WHEN 'coordinator' THEN 0 WHEN 'reader' THEN 1
                                 WHEN 'team' THEN 2 ELSE 3 END,
                     r.team, {"r.stage" if stages else "NULL"}""",
        (ours,),
    ).fetchall()
    return [
        Role(
            str(role),
            str(kind),
            team,
            name,
            tuple(str(m) for m in members),
            bool(exists),
            bool(own),
            stage,
        )
        for role, kind, team, name, exists, members, own, stage in rows
    ]


# -- the refusal a login sees ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Standing:
    """What the database says of the login: who it is and which roles it is in."""

    login: str
    mission_control: bool = False
    reader: bool = False
    teams: tuple[str, ...] = ()
    coordinator_role: str | None = None
    reader_role: str | None = None
    known: bool = False  # the roles could be read (the login has some role in the weekend)
    stages: tuple[str, ...] = ()  # the decision stages the login is granted


def standing(conn: Connection) -> Standing:
    """The login's standing in this weekend (after a refused write, outside its
    transaction). A login without any role cannot even read the roles: it has none."""
    login = str(conn.execute("SELECT session_user").fetchone()[0])  # type: ignore[index]
    try:
        row = conn.execute(
            f"""SELECT {SCHEMA}.is_mission_control(), {SCHEMA}.is_member('reader', NULL),
                    ARRAY(SELECT r.team FROM {SCHEMA}.roles r JOIN pg_roles p
                          ON p.rolname = r.role WHERE r.kind = 'team'
                          AND pg_has_role(session_user, p.oid, 'MEMBER') ORDER BY r.team),
                    (SELECT role FROM {SCHEMA}.roles WHERE kind = 'coordinator'),
                    (SELECT role FROM {SCHEMA}.roles WHERE kind = 'reader'),
                    ARRAY(SELECT r.stage FROM {SCHEMA}.roles r JOIN pg_roles p
                          ON p.rolname = r.role WHERE r.kind = 'stage'
                          AND pg_has_role(session_user, p.oid, 'MEMBER') ORDER BY r.stage)"""
        ).fetchone()
    except psycopg.Error:
        return Standing(login)
    assert row is not None
    return Standing(
        login, bool(row[0]), bool(row[1]), tuple(row[2]), row[3], row[4], True, tuple(row[5])
    )


def owner_of(conn: Connection, event: NewEvent) -> str | None:
    """The team the database holds the event to concern (what its policy checked)."""
    if event.task is not None:
        query, key = f"SELECT team FROM {SCHEMA}.task_teams WHERE task = %s", event.task
    elif event.kind == "signoff":
        return str((event.data or {}).get("team") or "") or None
    elif event.kind == "check":
        item = str((event.data or {}).get("item") or "")
        query, key = f"SELECT team FROM {SCHEMA}.item_teams WHERE item = %s", item
    else:
        return None
    try:
        row = conn.execute(query, (key,)).fetchone()
    except psycopg.Error:
        return None
    return None if row is None else str(row[0])


def refusal_text(who: Standing, event: NewEvent | None, team: str | None) -> tuple[str, str | None]:
    """The plain refusal (and a hint) for a write the database refused: never its own
    "violates row-level security policy" words."""
    login = who.login
    grant = f"mission control gives a role: runbook db grant {login} --team TEAM"
    nothing = not who.mission_control and not who.reader and not who.teams and not who.stages
    if not who.known or nothing:
        return f"{login} has no role in this weekend's database", grant
    if who.reader and not who.teams and not who.stages and not who.mission_control:
        return f"{login} may only read this weekend (role {who.reader_role})", grant
    control = f"ask {MISSION_CONTROL}"
    if who.coordinator_role:
        control += f" (role {who.coordinator_role})"
    if event is None:
        return (
            f"{login} may not change this weekend's stored plans, settings or notification "
            f"outbox: that needs {MISSION_CONTROL}",
            control,
        )
    kind, task = str(event.kind), event.task
    ask = f"ask team {team} or {MISSION_CONTROL}" if team else f"ask {MISSION_CONTROL}"
    if (event.data or {}).get("forced"):
        return f"{login} may not force {kind} for {task}: that needs {MISSION_CONTROL}", control
    if kind == "decide":
        stage = (event.data or {}).get("stage")
        if stage:
            granted = f"; {login} is granted {', '.join(who.stages)}" if who.stages else ""
            where = "" if stage == "approvers" else f" at its {stage} stage"
            return (
                f"{login} may not decide {task}{where}: deciding a gate needs "
                f"{MISSION_CONTROL} or a login granted the {stage} stage{granted}",
                f"{control}; or mission control runs: runbook db grant {login} --stage {stage}",
            )
        return f"{login} may not decide {task}: deciding a gate needs {MISSION_CONTROL}", control
    if kind == "baseline":
        return f"{login} may not take the baseline: that needs {MISSION_CONTROL}", control
    if kind == "skip" and (event.data or {}).get("dropped"):
        return f"{login} may not drop {task}: dropping work needs {MISSION_CONTROL}", control
    if kind == "pull":
        return f"{login} may not pull {task} forward: that needs {MISSION_CONTROL}", control
    if kind == "close":
        return f"{login} may not close the weekend: that needs {MISSION_CONTROL}", control
    if kind == "undo" and task is None:
        return f"{login} may not reopen the weekend: that needs {MISSION_CONTROL}", control
    if kind == "revise":
        return (
            f"{login} may not revise the runbook: recording a new version needs {MISSION_CONTROL}",
            control,
        )
    if kind == "aftercare":
        return (
            f"{login} may not hand {task} over for aftercare: that needs {MISSION_CONTROL}",
            control,
        )
    if kind == "signoff":
        return f"{login} may not sign off for team {team} ({ask})", None
    if kind == "check":
        item = (event.data or {}).get("item")
        owner = f"it belongs to team {team}" if team else "it belongs to no team"
        return f"{login} may not check {item}: {owner} ({ask})", None
    if task is None:
        return f"{login} may not record {kind}: that needs {MISSION_CONTROL}", control
    if team is None:
        return (
            f"{login} may not record {kind} for {task}: it belongs to no team in this "
            f"weekend's database ({ask})",
            "mission control runs `runbook db init` again after the runbook changed",
        )
    if team in who.teams and kind == "undo":
        return (
            f"{login} may not undo {task}'s last change: it was {MISSION_CONTROL}'s "
            "(a pull, a drop or a forced event)",
            control,
        )
    if team in who.teams:
        return f"{login} may not record {kind} for {task}: that needs {MISSION_CONTROL}", control
    return f"{login} may not record {kind} for {task}: it belongs to team {team} ({ask})", None
