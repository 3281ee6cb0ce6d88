"""Check-in and check-out: `runbook start|done|fail|skip|undo|note` and `runbook baseline`.

The commands are declared here, with their arguments, options and help; what the check-ins
do is ``runbook.cli.checkin``, free of Typer, which the fast path (``runbook.cli.fast``) runs
too when it reads a command line exactly as Typer would.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from runbook.cli import checkin, completion, output
from runbook.cli.common import (
    AtOption,
    ByOption,
    FileOption,
    ForceOption,
    JsonOption,
    StateOption,
    command,
)
from runbook.cli.options import actor, host
from runbook.common.text import shown
from runbook.weekend.events import EventKind

_IDS_HELP = "Task ids (a unique prefix will do)."
Ids = Annotated[list[str], typer.Argument(help=_IDS_HELP, autocompletion=completion.all_tasks)]
ReadyIds = Annotated[
    list[str], typer.Argument(help=_IDS_HELP, autocompletion=completion.ready_tasks)
]
RunningIds = Annotated[
    list[str], typer.Argument(help=_IDS_HELP, autocompletion=completion.running_tasks)
]
Id = Annotated[
    str,
    typer.Argument(help="Task id (a unique prefix will do).", autocompletion=completion.all_tasks),
]
RunningId = Annotated[
    str,
    typer.Argument(
        help="Task id (a unique prefix will do).", autocompletion=completion.running_tasks
    ),
]
Reason = Annotated[str, typer.Option("--reason", help="Why, in a few words (for the log).")]


def check_in(kind: EventKind, ids: list[str], **options: Any) -> None:
    """``runbook.cli.checkin.check_in`` for a Typer command (``eta``, ``drop``, ...): a
    refusal ends it with its exit code."""
    code = checkin.check_in(kind, ids, **options)
    if code:
        raise typer.Exit(code)


@command(runs=checkin.start)
def start(
    ids: ReadyIds,
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    at: AtOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Check in: a team starts these tasks."""


@command(runs=checkin.done)
def done(
    ids: RunningIds,
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    at: AtOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Check out: these tasks are finished."""


@command(runs=checkin.fail)
def fail(
    task: RunningId,
    reason: Reason,
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    at: AtOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """The task hit a problem and is blocked (start it again to resume)."""


@command(runs=checkin.skip)
def skip(
    task: Id,
    reason: Reason,
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    at: AtOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """The task is not needed this time; it takes no time and releases its successors."""


@command(runs=checkin.undo)
def undo(
    ids: Ids,
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    as_json: JsonOption = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (for the log).")] = None,
) -> None:
    """Revoke each task's last state change (recorded as an event; nothing is erased)."""


@command(runs=checkin.note)
def note(
    task: Id,
    text: Annotated[str, typer.Argument(help="The note, in quotes.")],
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    at: AtOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a note to a task's log (it changes nothing else)."""


@command()
def baseline(
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Measure against the current runbook from now on.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Show the baseline ahead/behind is measured against, or take a new one (--reset)."""
    from runbook.cli.weekend import open_weekend, show_notices
    from runbook.contracts.weekend import baseline_json
    from runbook.format.durations import clock
    from runbook.weekend.forecast import fold

    with open_weekend(file, state, create=reset) as weekend:
        if reset:
            event = weekend.reset_baseline(actor=actor(by), host=host())
            if as_json:
                output.echo_event(event, weekend.plan)
            else:
                output.echo(
                    "new baseline: planned finish "
                    f"{clock(weekend.plan.finish, weekend.plan.zone, with_date=True)}"
                    f" (recorded by {shown(event.actor)})"
                )
            return
        _, runbook_events = fold(weekend.events())
        plan, taken = weekend.baseline_of(runbook_events)
        weekend.note_changed_runbook(taken)
        if as_json:
            output.echo(json.dumps(baseline_json(weekend.plan, plan, taken), ensure_ascii=False))
            return
        zone = weekend.plan.zone
        if taken is None:
            output.echo(
                "no baseline yet: it is recorded at the first check-in; until then the "
                f"current plan counts (finish {clock(plan.finish, zone, with_date=True)})"
            )
        else:
            output.echo(
                f"baseline taken {clock(taken.at, zone, with_date=True)} by {shown(taken.actor)}"
                f" ({shown(taken.note)}); planned finish {clock(plan.finish, zone, with_date=True)}"
            )
        show_notices(weekend)
