"""Check-in and check-out: `runbook start|done|fail|skip|undo|note` and `runbook baseline`.

This is what a team types under pressure, so it imports no rich, and no YAML, pydantic or
networkx unless the runbook changed since the last command.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import tzinfo
from typing import TYPE_CHECKING, Annotated

import typer

from runbook.cli import completion, output
from runbook.cli.common import (
    AtOption,
    ByOption,
    FileOption,
    ForceOption,
    JsonOption,
    StateOption,
    actor,
    command,
    host,
)
from runbook.common.errors import EXIT_REFUSED
from runbook.common.text import shown
from runbook.weekend.events import EventKind

if TYPE_CHECKING:
    from runbook.usecases import Weekend
    from runbook.weekend.views.checkin import CheckedIn

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


def check_in(
    kind: EventKind,
    ids: list[str],
    *,
    file: FileOption,
    state: StateOption,
    by: ByOption,
    at: AtOption = None,
    force: bool = False,
    as_json: bool = False,
    note: str | None = None,
    value: Callable[[Weekend, int], int | None] | None = None,
    dropped: bool = False,
) -> None:
    """Record a check-in (or, given ``value``, a revision: what it says, read once the
    weekend is open, from the moment it is recorded for) and say what it changed."""
    from runbook.cli.weekend import moment, open_weekend, show_notices
    from runbook.format.durations import clock
    from runbook.weekend.views.checkin import checked_in, standing

    with open_weekend(file, state, create=True) as weekend:
        show_notices(weekend)
        said_before = len(weekend.notices)
        when = moment(at, weekend, option="--at") if at else None
        said = None
        if value is not None:
            said = value(weekend, int(when.timestamp()) if when else weekend.now())
        result = weekend.record(
            kind,
            ids,
            actor=actor(by),
            host=host(),
            at=when,
            note=note,
            force=force,
            value=said,
            dropped=dropped,
        )
        for notice in weekend.notices[said_before:]:  # e.g. a retried commit: already recorded
            output.warning(notice)
        zone = weekend.plan.zone
        if result.baseline is not None and not as_json:
            output.info("baseline recorded: ahead/behind is measured against this plan")
        if as_json:
            for event in result.events:
                output.echo_event(event, weekend.plan)
        else:
            for line in checked_in(result, result.plan or weekend.plan, note):
                output.echo(_line(line, zone))
        for task_id, refusal in result.refused:
            output.error(f"refused: {refusal.message}", refusal.hint)
            if refusal.forceable and not force:
                verb = "drop" if dropped else kind
                output.info(
                    f"  (add --force to record it anyway: `runbook {verb} {task_id} --force`)"
                )
        if result.events and not as_json:
            now = standing(result, result.plan or weekend.plan)
            lead = f"{shown(now.headline)} · " if now.headline else ""
            output.echo(
                f"weekend: {lead}{now.word}{' ' + now.amount if now.amount else ''} · "
                f"{'finish' if result.closed else 'forecast finish'} "
                f"{clock(now.forecast_finish, zone)}"
                + (f" · deadline {clock(now.deadline, zone)}" if now.deadline else "")
            )
        if result.refused:
            raise typer.Exit(EXIT_REFUSED)


def _line(line: CheckedIn, zone: tzinfo) -> str:
    """``started backup — Full backup · Fri 18:10 by sanne · 10m late``."""
    from runbook.common.display import event_colour
    from runbook.format.durations import clock

    verb = output.style(line.verb, fg=event_colour(line.kind), bold=True, err=False)
    text = (
        f"{verb} {line.task} — {shown(line.title)} · {clock(line.at, zone)} by {shown(line.actor)}"
    )
    if line.detail:
        text += f" · {line.detail}"
    if line.note:
        text += f" · {shown(line.note)}"
    if line.forced:
        text += output.style(" · FORCED: " + shown(line.overrode), fg="yellow", err=False)
    return text


@command()
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
    check_in(
        EventKind.START, ids, file=file, state=state, by=by, at=at, force=force, as_json=as_json
    )


@command()
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
    check_in(
        EventKind.DONE, ids, file=file, state=state, by=by, at=at, force=force, as_json=as_json
    )


@command()
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
    check_in(
        EventKind.FAIL,
        [task],
        file=file,
        state=state,
        by=by,
        at=at,
        force=force,
        as_json=as_json,
        note=reason,
    )


@command()
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
    check_in(
        EventKind.SKIP,
        [task],
        file=file,
        state=state,
        by=by,
        at=at,
        force=force,
        as_json=as_json,
        note=reason,
    )


@command()
def undo(
    ids: Ids,
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    as_json: JsonOption = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (for the log).")] = None,
) -> None:
    """Revoke each task's last state change (recorded as an event; nothing is erased)."""
    check_in(
        EventKind.UNDO,
        ids,
        file=file,
        state=state,
        by=by,
        as_json=as_json,
        note=reason,
    )


@command()
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
    check_in(
        EventKind.NOTE,
        [task],
        file=file,
        state=state,
        by=by,
        at=at,
        as_json=as_json,
        note=text,
    )


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
