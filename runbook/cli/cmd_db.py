"""`runbook db`: the weekend's PostgreSQL database (export to and import from a state file)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from runbook.cli import output
from runbook.cli.common import StateOption, _Group, app, command
from runbook.common.display import count
from runbook.common.errors import UsageError

db_app = typer.Typer(
    name="db",
    cls=_Group,
    help="The weekend's PostgreSQL database: copy it to or from a local state file.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(db_app, name="db")


def database(state: str | None) -> str:
    """The PostgreSQL URI: ``--state``, else ``$RUNBOOK_STATE``; a usage error otherwise."""
    from runbook.weekend.postgres import is_postgres, redact

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
    from runbook.weekend.transfer import export_weekend

    done = export_weekend(database(state), file)
    output.echo(
        f"exported {count(done.events, 'event')} and {count(done.plans, 'compiled plan')} "
        f"from {done.source} to {done.target}"
    )


@command(name="import", group=db_app)
def import_(file: FileArg, state: StateOption = None) -> None:
    """Copy a local state file into a PostgreSQL database that holds no events yet."""
    from runbook.weekend.transfer import import_weekend

    done = import_weekend(file, database(state))
    output.echo(
        f"imported {count(done.events, 'event')} and {count(done.plans, 'compiled plan')} "
        f"from {done.source} into {done.target}"
    )
