"""`runbook db`: the weekend's PostgreSQL database: set it up with its roles (init, grant,
revoke, status), and copy it to or from a local state file (export, import)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from runbook.cli import output
from runbook.cli.common import (
    ByOption,
    FileOption,
    JsonOption,
    NowOption,
    StateOption,
    _Group,
    app,
    command,
)
from runbook.cli.options import actor, host, runbook_file
from runbook.common.display import count
from runbook.common.errors import UsageError
from runbook.common.text import shown

if TYPE_CHECKING:
    from runbook.store.postgres.admin import InitResult, Membership
    from runbook.store.postgres.roles import Role

db_app = typer.Typer(
    name="db",
    cls=_Group,
    help="The weekend's PostgreSQL database: set it up with its roles, say who may record "
    "what, copy it to or from a local state file.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(db_app, name="db")


def database(state: str | None) -> str:
    """The PostgreSQL URI: ``--state``, else ``$RUNBOOK_STATE``; a usage error otherwise."""
    from runbook.store.postgres import is_postgres, redact

    given = state or os.environ.get("RUNBOOK_STATE")
    if not given:
        raise UsageError(
            "no PostgreSQL weekend given: pass --state postgresql://... (or set RUNBOOK_STATE)"
        )
    if not is_postgres(given):
        raise UsageError(
            f"{given}: not a PostgreSQL URI; `runbook db` works on a weekend kept in "
            "PostgreSQL (postgresql://HOST/DATABASE)"
        )
    redact(given)  # a URI that cannot be read fails here, before connecting
    return given


FileArg = Annotated[Path, typer.Argument(help="The SQLite state file.", dir_okay=False)]


@command(name="export", group=db_app)
def export(file: FileArg, state: StateOption = None) -> None:
    """Copy the PostgreSQL weekend into a new local state file.

    For the archive, or the review on a laptop: `runbook review --state FILE`.
    """
    from runbook.store.transfer import export_weekend

    done = export_weekend(database(state), file)
    output.echo(
        f"exported {count(done.events, 'event')} and {count(done.plans, 'compiled plan')} "
        f"from {done.source} to {done.target}"
    )
    if done.left_out:
        from runbook.store.rows import quarantine_notice

        said = quarantine_notice(done.source, done.left_out)
        output.warning(f"{said} (not exported: what can be read was)")


@command(name="import", group=db_app)
def import_(file: FileArg, runbook: FileOption = None, state: StateOption = None) -> None:
    """Copy a local state file into a PostgreSQL database that holds no events yet.

    The plan is compiled again from the runbook (-f): no plan cached in the file is taken.
    Every event is checked before anything is written.
    """
    from runbook.store.transfer import import_weekend
    from runbook.usecases import system_clock

    done = import_weekend(
        file,
        database(state),
        runbook_file(None, runbook),
        now=int(system_clock().timestamp()),
    )
    output.echo(
        f"imported {count(done.events, 'event')} from {done.source} into {done.target}, "
        "with the plan compiled from the runbook"
    )
    if done.forged:
        output.warning(
            f"{done.source}: its cached plan of this runbook is not what the runbook compiles "
            "to (edited, or forged); it was left out"
        )
    elif done.plans_left_out:
        output.info(
            f"{count(done.plans_left_out, 'cached plan')} of other runbook versions left out: "
            "ahead/behind after a baseline of an earlier version is measured against this "
            "runbook's plan"
        )


PrefixOption = Annotated[
    str | None,
    typer.Option(
        "--role-prefix",
        help="The start of the weekend's role names (<prefix>coordinator, <prefix>reader, "
        "<prefix>team_<id>); by default the database's name and _: roles are per weekend "
        "database.",
        show_default=False,
    ),
]


@command(name="init", group=db_app)
def init(
    file: FileOption = None,
    state: StateOption = None,
    role_prefix: PrefixOption = None,
    by: ByOption = None,
    now: NowOption = None,
) -> None:
    """Set the weekend's database up: schema, roles, who may record what, baseline.

    Run by a role that may create tables and roles. Creates the schema, the roles
    (coordinator, reader, one per team that owns a task), the policies, each task's owner
    team, the compiled plan and the baseline. Safe to run again: after the runbook changed,
    it brings the roles and the tasks' teams up to date.
    """
    from runbook.cli.weekend import pretend_at
    from runbook.usecases.admin import init_weekend

    uri = database(state)
    done = init_weekend(
        runbook_file(None, file),
        uri,
        prefix=role_prefix,
        actor=actor(by),
        host=host(),
        at=pretend_at(now),
    )
    if done.version_before < done.version:
        verb = "created" if done.version_before == 0 else f"migrated from {done.version_before}"
        output.echo(f"schema version {done.version} {verb} in {done.where}")
    if done.created:
        output.echo(f"roles created: {shown(', '.join(done.created))}")
    if done.taken_over:
        output.echo(
            f"roles taken over from a weekend database since dropped, their members removed: "
            f"{shown(', '.join(done.taken_over))}"
        )
    _say_left(done)
    if done.window_changed:
        output.echo("the weekend's window (the times a team's event may have) brought up to date")
    if done.roles_changed and not done.created:
        output.echo("the weekend's roles brought up to date")
    if done.owners_changed:
        output.echo(
            f"owner teams brought up to date ({count(done.owners_changed, 'change')}; "
            f"{count(done.tasks, 'task')} with a team)"
        )
    if done.plan_stored:
        output.echo("the compiled plan stored")
    if done.baseline is not None:
        output.echo("baseline taken")
    if not done.changed:
        output.echo(
            f"nothing to change: {done.where} is at schema version {done.version}, with "
            f"{count(len(done.roles), 'role')} ({shown(done.prefix)}*) and the teams of "
            f"{count(done.tasks, 'task')} as in the runbook"
        )
    else:
        output.echo(f"{done.where} is ready: `runbook db grant LOGIN --team ID` to add people")


def _say_left(done: InitResult) -> None:
    """The roles this weekend no longer uses, and the grants to give again (never carried
    over: a member of a shared role may belong to another weekend only)."""
    if not done.left:
        return
    names = shown(", ".join(r.role for r in done.left))
    if done.shared_before is not None:
        output.echo(
            f"roles are now this database's own ({shown(done.prefix)}*): {names} were shared "
            "by every weekend database whose roles have the prefix "
            f"{shown(done.shared_before)} (a grant in one was a grant in all), and grant "
            "nothing here any more"
        )
    else:
        output.echo(f"roles no longer this weekend's, granting nothing here any more: {names}")
    grants = [
        f"runbook db grant {shown(member)} " + _option(role)
        for role in done.left
        for member in role.members
    ]
    if grants:
        output.echo(
            "their members were not carried over; grant again those who belong to this "
            "weekend:\n  " + "\n  ".join(grants)
        )


def _option(role: Role) -> str:
    if role.kind == "team":
        return f"--team {shown(role.team)}"
    if role.kind == "stage":
        return f"--stage {shown(role.stage)}"
    return f"--{role.kind}"


Login = Annotated[str, typer.Argument(help="An existing PostgreSQL login (CREATE ROLE ... LOGIN).")]
TeamOption = Annotated[
    str | None,
    typer.Option(
        "--team",
        help="The team's role (an id or name, or a unique start of one).",
        show_default=False,
    ),
]
CoordinatorFlag = Annotated[
    bool, typer.Option("--coordinator", help="Mission control's role: may record anything.")
]
ReaderFlag = Annotated[bool, typer.Option("--reader", help="The reader role: may only read.")]
StageOption = Annotated[
    str | None,
    typer.Option(
        "--stage",
        help="A gate's decision stage (project-team, steering-committee...): its members "
        "decide at that stage of every gate that has it (the one-list approvers of a gate "
        "are the stage 'approvers').",
        show_default=False,
    ),
]


def _kind(team: str | None, coordinator: bool, reader: bool, stage: str | None = None) -> str:
    """Which role a grant or revoke names: exactly one of the four options."""
    given = [
        k
        for k, on in (
            ("team", team is not None),
            ("coordinator", coordinator),
            ("reader", reader),
            ("stage", stage is not None),
        )
        if on
    ]
    if len(given) != 1:
        raise UsageError("name one role: --team ID, --stage STAGE, --coordinator or --reader")
    return given[0]


def _said(done: Membership, verb: str, already: str) -> None:
    login, role = shown(done.login), shown(done.role)
    output.echo(
        f"{login} {verb} {role}" if done.changed else f"{login} {already} {role}; nothing changed"
    )


@command(name="grant", group=db_app)
def grant(
    login: Login,
    team: TeamOption = None,
    coordinator: CoordinatorFlag = False,
    reader: ReaderFlag = False,
    stage: StageOption = None,
    state: StateOption = None,
) -> None:
    """Make an existing login a member of a team's role, a decision stage's, the
    coordinator's or the reader's."""
    from runbook.store.postgres.admin import grant as grant_role

    kind = _kind(team, coordinator, reader, stage)
    done = grant_role(database(state), login, kind=kind, team=stage if kind == "stage" else team)
    _said(done, "is now a member of", "is already a member of")


@command(name="revoke", group=db_app)
def revoke(
    login: Login,
    team: TeamOption = None,
    coordinator: CoordinatorFlag = False,
    reader: ReaderFlag = False,
    stage: StageOption = None,
    state: StateOption = None,
) -> None:
    """End a login's membership of a team's role, a decision stage's, the coordinator's or
    the reader's."""
    from runbook.store.postgres.admin import revoke as revoke_role

    kind = _kind(team, coordinator, reader, stage)
    done = revoke_role(database(state), login, kind=kind, team=stage if kind == "stage" else team)
    _said(done, "is no longer a member of", "was not a member of")


@command(name="status", group=db_app)
def status(state: StateOption = None, as_json: JsonOption = False) -> None:
    """The weekend database's schema version, the version of the runbook in force, its roles
    and who is in them."""
    from runbook.contracts.db import db_status_json
    from runbook.store.postgres.admin import status as db_status

    found = db_status(database(state))
    if as_json:
        output.echo_json(db_status_json(found))
        return
    from rich.table import Table
    from rich.text import Text

    from runbook.cli.console import console

    if found.version == 0:
        output.echo(f"{found.where}: no runbook weekend yet (run `runbook db init`)")
        return
    out = console()
    out.print(Text(found.where))
    out.print(
        Text(
            f"schema version {found.version} · {count(found.events, 'event')} · runbook "
            f"{found.runbook or '(none yet)'}"
        )
    )
    if found.newer:
        out.print(
            Text(
                f"this runbook reads schema versions up to {found.reads_up_to}: upgrade "
                "runbook to use this weekend"
            )
        )
    from datetime import UTC

    from runbook.weekend.versions import in_force_line

    said = in_force_line(found.in_force, UTC, zone_name="UTC")
    out.print(Text(said or "no runbook version recorded yet (the first check-in records it)"))
    if not found.roles:
        out.print(Text("no roles yet (run `runbook db init`)"))
        return
    table = Table(header_style="bold", box=None, padding=(0, 1))
    for column in ("role", "may", "members"):
        table.add_column(column)
    may = {
        "coordinator": "record anything (mission control)",
        "reader": "read only",
    }
    for role in found.roles:
        what = may.get(role.kind) or (
            f"decide at the {role.stage} stage of a gate"
            if role.kind == "stage"
            else f"record for team {role.team}"
        )
        members = ", ".join(role.members) or "-"
        if not role.exists:
            members = "(role dropped)"
        table.add_row(Text(role.role), Text(what), Text(members))
    out.print(table)
    shared = [r.role for r in found.roles if r.exists and not r.own]
    if shared:
        out.print(
            Text(
                f"not this database's own: {', '.join(shared)} (shared with other weekend "
                "databases, or made by hand): a grant elsewhere is a grant here; run "
                "`runbook db init` to give this weekend roles of its own"
            )
        )
