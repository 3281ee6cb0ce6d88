"""Administering a PostgreSQL weekend: its schema and roles set up (``db init``, whose plan
and baseline are ``runbook.usecases.admin``'s), ``db grant``, ``db revoke`` and ``db status``,
each returning what it did or found (the CLI renders it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from runbook.common.errors import InputError, InvalidRunbook, StateError, UsageError
from runbook.planning.plan import Plan
from runbook.store.postgres import redact
from runbook.store.postgres.guards import WINDOW_END, WINDOW_START
from runbook.store.postgres.roles import (
    Role,
    RoleTaken,
    apply_roles,
    coordinator_role,
    default_prefix,
    name_problem,
    reader_role,
    stage_role,
    team_role,
    wanted_roles,
    weekend_roles,
)
from runbook.store.postgres.schema import (
    SCHEMA,
    SCHEMA_LOCK,
    SCHEMA_VERSION,
    installed_version,
    migrate,
)
from runbook.store.postgres.store import _COLUMNS, PostgresStore, _reason
from runbook.store.rows import CLOCK_OFFSET, offset_from_meta, readable
from runbook.weekend.events import Event
from runbook.weekend.versions import Version, in_force, versions

Connection = psycopg.Connection[tuple[Any, ...]]


@dataclass
class InitResult:
    """What ``db init`` did: the schema version before and after, the roles (those created
    now named), the owner rows changed, whether the plan was stored and the baseline taken."""

    where: str
    prefix: str
    version_before: int
    version: int
    roles: list[Role]
    created: list[str] = field(default_factory=list)
    owners_changed: int = 0
    roles_changed: int = 0
    tasks: int = 0
    plan_stored: bool = False
    baseline: Event | None = None  # taken now
    baseline_before: Event | None = None  # the one already there
    taken_over: list[str] = field(default_factory=list)  # left by a database since dropped
    # The roles of before that this weekend no longer uses (the shared ``runbook_`` ones, a
    # team gone), with their members: no longer granted anything here.
    left: list[Role] = field(default_factory=list)
    shared_before: str | None = None  # the prefix this database shared with others, if so
    window_changed: bool = False

    @property
    def changed(self) -> bool:
        """Whether running it changed anything at all."""
        return bool(
            self.version_before != self.version
            or self.created
            or self.owners_changed
            or self.roles_changed
            or self.plan_stored
            or self.baseline
            or self.left
            or self.taken_over
            or self.window_changed
        )


@contextmanager
def _admin(uri: str, doing: str) -> Iterator[Connection]:
    """A connection for an administrative step; the server's refusals in plain words."""
    where = redact(uri)
    conn = PostgresStore.connect(uri)
    try:
        yield conn
    except pg_errors.InsufficientPrivilege as exc:
        raise StateError(
            f"{where}: this login may not {doing} ({_reason(exc)}); nothing was changed",
            hint="run it as a role that may create tables and roles (CREATEROLE, and CREATE "
            "on the database), e.g. the database's owner",
        ) from None
    except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
        raise StateError(
            f"{where}: lost the connection to the PostgreSQL state ({_reason(exc)}); "
            "nothing was changed (it is safe to run again)"
        ) from None
    except psycopg.Error as exc:
        raise StateError(
            f"{where}: the PostgreSQL server refused to {doing} ({_reason(exc)}); nothing was "
            "changed"
        ) from None
    finally:
        conn.close()


def check_prefix(prefix: str, *, given: bool = True) -> None:
    """Refuse a role prefix that cannot make role names (a usage error; for the default
    prefix, the database's name, a refusal that says to give one)."""
    for name in (coordinator_role(prefix), reader_role(prefix)):
        problem = name_problem(name)
        if problem and given:
            raise UsageError(f"--role-prefix {prefix!r}: {problem}")
        if problem:
            raise UsageError(
                f"the database's name makes the role prefix {prefix!r}, and {problem}",
                hint="give the roles a prefix of their own: --role-prefix PREFIX",
            )


def _team_problems(path: Path, plan: Plan, prefix: str) -> None:
    """Refuse, located in the runbook, a team whose role name PostgreSQL cannot keep."""
    from runbook.format.source import read_bytes
    from runbook.validation.loader import load_bytes

    bad = {
        team: problem
        for team in plan.teams_in_use
        if (problem := name_problem(team_role(prefix, team)))
    }
    if not bad:
        return
    loaded = load_bytes(read_bytes(path), source=os.fspath(path))
    for i, task in enumerate(plan.tasks):
        if task.team in bad:
            loaded.problem(
                "error",
                f"team '{task.team}' cannot have a database role: {bad.pop(task.team)}",
                ("tasks", i, "team"),
            )
    raise InvalidRunbook(loaded.problems, source=os.fspath(path))


def _stage_problems(prefix: str, stages: set[str]) -> None:
    """Refuse a decision stage whose role name PostgreSQL cannot keep."""
    for stage in sorted(stages):
        problem = name_problem(stage_role(prefix, stage))
        if problem:
            raise UsageError(
                f"the stage '{stage}' cannot have a database role: {problem}",
                hint="use a shorter stage name in the runbook, or --role-prefix",
            )


def set_up(path: Path, uri: str, plan: Plan, *, prefix: str | None = None) -> InitResult:
    """Create or migrate the schema, the roles, their grants, the owner tables and the
    weekend's window of ``plan`` (the runbook at ``path``), in one transaction under the
    schema lock. Running it again changes nothing (and says so). ``prefix``: the roles'
    prefix; by default the one this database's own roles have, else the database's name
    (roles are per weekend database: see ``roles``). The plan and the baseline are the use
    case's (``runbook.usecases.admin.init_weekend``)."""
    # The rollback tasks too: a team checks in its part of a rollback once it runs.
    task_teams = {t.id: t.team for t in [*plan.tasks, *plan.rollback] if t.team}
    item_teams = {r.id: r.owner for r in plan.readiness if r.owner in plan.teams_in_use}
    window = weekend_window(plan)
    where = redact(uri)
    with _admin(uri, "create the runbook schema and roles") as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        before = installed_version(conn)
        if before > SCHEMA_VERSION:
            raise StateError(
                f"{where}: written by a newer runbook (state schema {before}; this version "
                f"reads up to {SCHEMA_VERSION}); nothing was changed",
                hint="upgrade runbook to use this weekend",
            )
        migrate(conn)
        meta = dict(conn.execute(f"SELECT key, value FROM {SCHEMA}.meta").fetchall())
        if meta.get("runbook", plan.name) != plan.name:
            raise StateError(
                f"{where}: this weekend's database belongs to the runbook '{meta['runbook']}', "
                f"not to '{plan.name}'; nothing was changed",
                hint="one database per weekend: createdb another one for this runbook",
            )
        stored_prefix = meta.get("role_prefix")
        # A rehearsal's window is the weekend's moved to its date (``runbook rehearse``).
        try:
            offset = offset_from_meta(meta.get(CLOCK_OFFSET))
        except ValueError:
            offset = 0
        window = (window[0] + offset, window[1] + offset)
        # Roles not all marked as this database's own were shared (the old default) or made
        # elsewhere: this weekend moves to roles of its own.
        shared = stored_prefix is not None and any(
            r.exists and not r.own for r in weekend_roles(conn)
        )
        if prefix is None:
            database = str(conn.execute("SELECT current_database()").fetchone()[0])  # type: ignore[index]
            own = stored_prefix if stored_prefix is not None and not shared else None
            prefix = own or default_prefix(database)
            check_prefix(prefix, given=False)
        elif stored_prefix not in (None, prefix) and not shared:
            raise UsageError(
                f"{where}: this weekend's roles were made with --role-prefix "
                f"{stored_prefix!r}, not {prefix!r}; nothing was changed",
            )
        _team_problems(path, plan, prefix)
        stages = {(g, st.name) for g, info in plan.gates.items() for st in info.stages}
        _stage_problems(prefix, {st for _, st in stages})
        in_use = [*plan.teams_in_use, *(t.team for t in plan.rollback if t.team)]
        roles = wanted_roles(
            prefix,
            {t: plan.team_name(t) for t in dict.fromkeys(in_use)},
            (st for _, st in stages),
        )
        try:
            setup = apply_roles(conn, roles, task_teams, item_teams, stages)
        except RoleTaken as taken:
            raise StateError(
                f"{where}: the role {taken.role} is the weekend database "
                f"'{taken.database}'s own; roles are per weekend database (a grant there would "
                "be a grant here), so it is not taken; nothing was changed",
                hint="give this weekend's roles another prefix: --role-prefix PREFIX (or "
                "leave it out: the database's name)",
            ) from None
        window_changed = _set_meta(
            conn,
            {
                "runbook": plan.name,
                "role_prefix": prefix,
                WINDOW_START: str(window[0]),
                WINDOW_END: str(window[1]),
            },
        )
        stored = conn.execute(
            f"SELECT 1 FROM {SCHEMA}.plans WHERE digest = %s", (plan.digest,)
        ).fetchone()
    result = InitResult(
        where,
        prefix,
        before,
        SCHEMA_VERSION,
        roles,
        setup.created,
        setup.owners_changed,
        setup.roles_changed,
        tasks=len(task_teams),
        plan_stored=stored is None,
        taken_over=setup.taken_over,
        left=setup.left,
        shared_before=stored_prefix if shared and stored_prefix != prefix else None,
        window_changed=window_changed,
    )
    return result


def weekend_window(plan: Plan) -> tuple[int, int]:
    """The times a team's event may have (epoch seconds), as ``--at`` allows them: from a
    day before the planned start to a week after the deadline (or the planned finish)."""
    from runbook.common.limits import AT_AFTER_END, AT_BEFORE_START

    end = plan.deadline if plan.deadline is not None else plan.finish
    return plan.start - AT_BEFORE_START, end + AT_AFTER_END


def _set_meta(conn: Connection, values: dict[str, str]) -> bool:
    """Write these meta values; whether the window's changed (the others are said apart)."""
    changed = False
    for key, value in values.items():
        row = conn.execute(
            f"INSERT INTO {SCHEMA}.meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO "
            "UPDATE SET value = excluded.value WHERE meta.value IS DISTINCT FROM excluded.value "
            "RETURNING 1",
            (key, value),
        ).fetchone()
        changed = changed or (row is not None and key in (WINDOW_START, WINDOW_END))
    return changed


@dataclass
class Membership:
    """What ``db grant`` or ``db revoke`` did."""

    login: str
    role: str
    changed: bool  # False: it was already so


def _role_for(conn: Connection, where: str, kind: str, team: str | None) -> Role:
    """The weekend's role of this kind (a team given by id or name, or a unique prefix)."""
    roles = weekend_roles(conn)
    if not roles:
        raise StateError(
            f"{where}: this weekend has no roles yet",
            hint="run `runbook db init -f RUNBOOK --state URI` first",
        )
    if kind == "stage":
        from runbook.common.problems import did_you_mean

        names = [str(r.stage) for r in roles if r.kind == "stage"]

        def folded(name: str) -> str:  # project-team, "Project team": one stage
            return " ".join(name.replace("-", " ").replace("_", " ").split()).casefold()

        found = [n for n in names if n == team] or [
            n for n in names if folded(n) == folded(team or "")
        ]
        if len(found) != 1:
            listed = ", ".join(names) or "none: the runbook's gates name nobody"
            raise InputError(
                f"{where}: no decision stage '{team}' in this weekend (its stages: {listed})",
                hint=did_you_mean(team or "", names),
            )
        return next(r for r in roles if r.stage == found[0])
    if kind != "team":
        return next(r for r in roles if r.kind == kind)
    from runbook.planning.teams import resolve_among

    teams = {str(r.team): r.name or str(r.team) for r in roles if r.kind == "team"}
    chosen = resolve_among(teams, team or "")
    return next(r for r in roles if r.team == chosen)


def _login_exists(conn: Connection, where: str, login: str) -> None:
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone() is None:
        raise InputError(
            f"{where}: there is no login '{login}' on this server",
            hint=f"create it first: CREATE ROLE {sql.Identifier(login).as_string(conn)} LOGIN",
        )


def grant(uri: str, login: str, *, kind: str, team: str | None = None) -> Membership:
    """Make an existing login a member of the coordinator, reader, a team role or (kind
    ``stage``, ``team`` then naming the stage) a decision stage's role."""
    return _membership(uri, login, kind, team, member=True)


def revoke(uri: str, login: str, *, kind: str, team: str | None = None) -> Membership:
    """End a login's membership of the coordinator, reader or a team role."""
    return _membership(uri, login, kind, team, member=False)


def _membership(uri: str, login: str, kind: str, team: str | None, *, member: bool) -> Membership:
    """Make ``login`` a member of the role (or not); ``changed`` says whether it was not."""
    where = redact(uri)
    with _admin(uri, "grant a role" if member else "revoke a role") as conn:
        _schema_ready(conn, where)
        found = _role_for(conn, where, kind, team)
        role = found.role
        if member and found.exists and not found.own:
            # A grant of a shared role would be a grant in every weekend that shares it.
            raise StateError(
                f"{where}: the role {role} is not this weekend database's own (shared with "
                "other weekend databases, or made by hand): a grant of it would be a grant "
                "there too; nothing was changed",
                hint="run `runbook db init -f RUNBOOK --state URI` first: it gives this "
                "weekend roles of its own",
            )
        _login_exists(conn, where, login)
        changed = _is_member(conn, login, role) != member
        if changed:
            statement = "GRANT {} TO {}" if member else "REVOKE {} FROM {}"
            conn.execute(sql.SQL(statement).format(sql.Identifier(role), sql.Identifier(login)))
    return Membership(login, role, changed)


def _is_member(conn: Connection, login: str, role: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid "
            "JOIN pg_roles m ON m.oid = a.member WHERE r.rolname = %s AND m.rolname = %s",
            (role, login),
        ).fetchone()
        is not None
    )


def _schema_ready(conn: Connection, where: str) -> int:
    version = installed_version(conn)
    if version < SCHEMA_VERSION:
        raise StateError(
            f"{where}: this database holds no runbook weekend with roles yet (schema version "
            f"{version})",
            hint="run `runbook db init -f RUNBOOK --state URI` first",
        )
    return version


@dataclass
class DbStatus:
    """What ``db status`` says: where, the schema version, the owner runbook and prefix,
    the roles with their members, and how many events and owned tasks there are."""

    where: str
    version: int
    runbook: str | None
    prefix: str | None
    roles: list[Role]
    events: int
    tasks: int
    in_force: Version | None = None  # the version of the runbook in force (issue 23)

    @property
    def newer(self) -> bool:
        """Whether a newer runbook wrote the schema: every command but ``db status`` (and
        the grants) refuses the weekend until this client is upgraded."""
        return self.version > SCHEMA_VERSION

    @property
    def reads_up_to(self) -> int:
        """The newest schema version this client reads."""
        return SCHEMA_VERSION


def status(uri: str) -> DbStatus:
    """The weekend database's schema version, roles and members (read only)."""
    where = redact(uri)
    with _admin(uri, "read the weekend's roles") as conn:
        version = installed_version(conn)
        if version == 0:
            return DbStatus(where, 0, None, None, [], 0, 0)
        meta = dict(conn.execute(f"SELECT key, value FROM {SCHEMA}.meta").fetchall())
        roles = weekend_roles(conn, stages=version >= 7) if version >= 2 else []
        row = conn.execute(
            f"SELECT (SELECT count(*) FROM {SCHEMA}.events),"
            + (f" (SELECT count(*) FROM {SCHEMA}.task_teams)" if version >= 2 else " 0")
        ).fetchone()
        assert row is not None
        recorded = versions(
            readable(
                conn.execute(
                    f"SELECT {_COLUMNS} FROM {SCHEMA}.events WHERE task IS NULL "
                    "AND kind IN ('baseline', 'revise') ORDER BY seq"
                ).fetchall(),
                {},
            )
        )
    return DbStatus(
        where,
        version,
        meta.get("runbook"),
        meta.get("role_prefix"),
        roles,
        int(row[0]),
        int(row[1]),
        in_force(recorded),
    )
