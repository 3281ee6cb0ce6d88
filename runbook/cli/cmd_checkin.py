"""Check-in and check-out: `runbook start|done|fail|skip|undo|note` and `runbook baseline`.

This is what a team types under pressure, so it imports no rich, and no YAML, pydantic or
networkx unless the runbook changed since the last command.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from runbook.cli import output
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

Ids = Annotated[list[str], typer.Argument(help="Task ids (a unique prefix will do).")]
Id = Annotated[str, typer.Argument(help="Task id (a unique prefix will do).")]
Reason = Annotated[str, typer.Option("--reason", help="Why, in a few words (for the log).")]

_VERBS = {
    "start": "started",
    "done": "done",
    "fail": "FAILED",
    "skip": "skipped",
    "undo": "undone",
    "note": "note on",
}


def _check_in(
    kind: str,
    ids: list[str],
    *,
    file: FileOption,
    state: StateOption,
    by: ByOption,
    at: AtOption,
    force: bool,
    as_json: bool,
    note: str | None = None,
) -> None:
    from runbook.cli.weekend import moment, open_weekend, show_notices
    from runbook.format.durations import clock, format_duration

    with open_weekend(file, state, create=True) as weekend:
        show_notices(weekend)
        when = moment(at, weekend, option="--at") if at else None
        result = weekend.record(
            kind, ids, actor=actor(by), host=host(), at=when, note=note, force=force
        )
        zone = weekend.plan.zone
        if result.baseline is not None and not as_json:
            output.info("baseline recorded: ahead/behind is measured against this plan")
        baseline = result.baseline_plan or weekend.plan
        for event in result.events:
            if as_json:
                output.echo_event(event, weekend.plan)
                continue
            task = weekend.plan.tasks[weekend.plan.index[event.task or ""]]
            record = result.records[task.id]
            resumed = kind == "start" and record.resumed and record.actual_start != event.at
            verb = "resumed" if resumed else _VERBS[kind]
            line = (
                f"{output.style(verb, fg=_colour(kind), bold=True, err=False)} "
                f"{task.id} — {shown(task.title)} · {clock(event.at, zone)} by {shown(event.actor)}"
            )
            planned = baseline.index.get(task.id)
            if resumed and record.actual_start is not None:
                # Not a late start: the task keeps its first start; the failure cost time.
                line += (
                    f" · first started {clock(record.actual_start, zone)}"
                    f" · {format_duration(record.lost)} lost to the failure"
                )
            elif kind == "start" and planned is not None:
                late = event.at - baseline.tasks[planned].es
                if abs(late) >= 60:
                    word = "late" if late > 0 else "early"
                    line += f" · {format_duration(abs(late))} {word}"
            elif kind == "done" and task.milestone:
                line += " · reached"
            elif kind == "done" and record.actual_start is not None:
                took = event.at - record.actual_start
                line += f" · took {format_duration(took)} of {format_duration(task.duration)}"
            elif kind in ("fail", "skip") and note:
                line += f" · {shown(note)}"
            elif kind == "undo":
                line += f" · now {record.state or 'not started'}"
            if event.forced:
                line += output.style(
                    " · FORCED: " + shown(str(event.data.get("overrode"))), fg="yellow", err=False
                )
            output.echo(line)
        for task_id, refusal in result.refused:
            output.error(f"refused: {refusal.message}", refusal.hint)
            if refusal.forceable and not force:
                output.info(
                    f"  (add --force to record it anyway: `runbook {kind} {task_id} --force`)"
                )
        if result.events and not as_json:
            from runbook.weekend.usecases import describe_ahead

            finish, ahead = result.position(weekend.plan)
            word, amount = describe_ahead(ahead)
            output.echo(
                f"weekend: {word}{' ' + amount if amount else ''} · forecast finish "
                f"{clock(finish, zone)}"
                + (
                    f" · deadline {clock(weekend.plan.deadline, zone)}"
                    if weekend.plan.deadline
                    else ""
                )
            )
        if result.refused:
            raise typer.Exit(EXIT_REFUSED)


def _colour(kind: str) -> str:
    return {"start": "cyan", "done": "green", "fail": "red", "skip": "yellow"}.get(kind, "white")


@command()
def start(
    ids: Ids,
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    at: AtOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Check in: a team starts these tasks."""
    _check_in("start", ids, file=file, state=state, by=by, at=at, force=force, as_json=as_json)


@command()
def done(
    ids: Ids,
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    at: AtOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Check out: these tasks are finished."""
    _check_in("done", ids, file=file, state=state, by=by, at=at, force=force, as_json=as_json)


@command()
def fail(
    task: Id,
    reason: Reason,
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    at: AtOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """The task hit a problem and is blocked (start it again to resume)."""
    _check_in(
        "fail",
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
    _check_in(
        "skip",
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
    _check_in(
        "undo",
        ids,
        file=file,
        state=state,
        by=by,
        at=None,
        force=False,
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
    _check_in(
        "note",
        [task],
        file=file,
        state=state,
        by=by,
        at=at,
        force=False,
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
