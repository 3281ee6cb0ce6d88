"""`runbook revise` (a new version of the runbook in force), `runbook lesson` (lessons
learned) and `runbook aftercare` (the aftercare handover): the weekend's record."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from runbook.cli import output
from runbook.cli.common import (
    ByOption,
    FileOption,
    JsonOption,
    NowOption,
    OutOption,
    StateOption,
    actor,
    command,
    host,
)
from runbook.common.errors import UsageError
from runbook.common.text import shown

if TYPE_CHECKING:
    from runbook.usecases import Weekend
    from runbook.usecases.recording import Revised
    from runbook.weekend.events import Event


@command()
def lesson(
    text: Annotated[str, typer.Argument(help="The lesson, in a sentence or two.")],
    file: FileOption = None,
    state: StateOption = None,
    task: Annotated[
        str | None, typer.Option("--task", help="The task it is about (an id or a prefix).")
    ] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="The team it is about (an id or a name).")
    ] = None,
    by: ByOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a lesson learned: anyone may, at any moment (during the weekend, or at the
    review meeting).

    The review gathers the lessons per phase (the task's) and team (the one named, else the
    task's), beside what the log shows.
    """
    from runbook.cli.weekend import open_weekend, show_notices

    with open_weekend(file, state, create=True) as weekend:
        show_notices(weekend)
        event = weekend.record_lesson(text, actor=actor(by), host=host(), task=task, team=team)
        if as_json:
            output.echo_event(event, weekend.plan)
            return
        about = event.task or event.data.get("team") or "the weekend"
        output.echo(f"lesson recorded ({shown(str(about))}), for the review")


class AftercareFormat(StrEnum):
    md = "md"
    csv = "csv"
    json = "json"


@command()
def aftercare(
    task: Annotated[
        str | None,
        typer.Argument(help="The aftercare item (a task id) to hand over; none: list them."),
    ] = None,
    file: FileOption = None,
    state: StateOption = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="The team that takes it over.")
    ] = None,
    due: Annotated[
        str | None,
        typer.Option("--due", help="When it is due: a date (2026-12-10) or an ISO time."),
    ] = None,
    ticket: Annotated[
        str | None, typer.Option("--ticket", help="The service desk's reference.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note for whoever takes it.")] = None,
    fmt: Annotated[
        AftercareFormat,
        typer.Option("--format", help="The list as md (a table), csv or json, one row an item."),
    ] = AftercareFormat.md,
    out: OutOption = None,
    by: ByOption = None,
    now: NowOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hand an aftercare item over (owner team, due date, ticket, note), or list them all.

    The aftercare list is the work not finished, dropped for time or carried over at the
    close. `runbook aftercare ID --owner TEAM --due DATE --ticket REF` records its handover
    (an event; only the fields given change); without an ID the list is shown with each
    item's handover, or exported for the service desk's tool with --format csv or json.
    """
    from runbook.cli.weekend import open_weekend, show_notices

    if task is None:
        if owner or due or ticket or note:
            raise UsageError("name the item to hand over: runbook aftercare ID --owner TEAM")
        _list(file, state, fmt, out, now)
        return
    if now is not None:
        raise UsageError("--now is for the list: a handover is recorded now")
    from runbook.cli.weekend import moment

    with open_weekend(file, state, create=True) as weekend:
        show_notices(weekend)
        when = moment(due, weekend, option="--due") if due is not None else None
        event = weekend.hand_over(
            task,
            actor=actor(by),
            host=host(),
            owner=owner,
            due=when,
            ticket=ticket,
            note=note,
        )
        if as_json:
            output.echo_event(event, weekend.plan)
            return
        output.echo(f"aftercare {shown(event.task or '')}: {_handover_text(event, weekend)}")


def _handover_text(event: Event, weekend: Weekend) -> str:
    """What the handover recorded, in words: ``owner dba · due Thu 10 Dec 00:00 · INC-1``."""
    from runbook.format.durations import clock

    data, parts = event.data, []
    if data.get("owner"):
        parts.append(f"owner {data['owner']}")
    if data.get("due") is not None:
        parts.append(f"due {clock(int(data['due']), weekend.plan.zone, with_date=True)}")
    if data.get("ticket"):
        parts.append(f"ticket {data['ticket']}")
    if event.note:
        parts.append("note added")
    return shown(" · ".join(parts))


def _list(
    file: Path | None, state: str | None, fmt: AftercareFormat, out: Path | None, now: str | None
) -> None:
    """The aftercare list with each item's handover, in the format asked for."""
    import json

    from runbook.cli.cmd_reports import _check_output, _emit
    from runbook.cli.common import runbook_file, state_file
    from runbook.cli.weekend import open_weekend
    from runbook.reports.review import review

    path = runbook_file(None, file)
    _check_output(out, (path, "the runbook"), (state_file(state, path), "the state file"))
    with open_weekend(file, state, now=now) as weekend:
        if weekend.store is None:
            from runbook.common.errors import InputError

            raise InputError(
                f"{weekend.shown_state}: no state file: nothing was recorded yet",
                hint="give the weekend's state file with --state PATH",
            )
        result = review(weekend)
    if fmt is AftercareFormat.csv:
        from runbook.contracts.csv import aftercare_csv

        _emit(aftercare_csv(result), fmt, out)
    elif fmt is AftercareFormat.json:
        from runbook.contracts.reports import aftercare_json

        _emit(json.dumps(aftercare_json(result), indent=2, ensure_ascii=False), fmt, out)
    else:
        from runbook.reports.render.markdown import aftercare_markdown

        _emit(aftercare_markdown(result), fmt, out)


@command()
def revise(
    file: FileOption = None,
    state: StateOption = None,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why the runbook changed (for the log and the review)."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Show what the edit changes and does to the weekend; record nothing."
        ),
    ] = False,
    by: ByOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the edited runbook file as the version in force: mission control's.

    Until it is recorded an edit changes nothing: every command uses the version in force at
    its moment (a replay with --now the one in force then), and says once that the file
    differs. A revision is an event with who, when, why (--reason) and a summary of the
    change (the deadline, tasks added and removed, their durations, dependencies, teams and
    not_before, the gates and their rollback); the baseline stays what it was (`runbook
    baseline --reset` is separate). --dry-run shows the summary and what the change does to
    the forecast and the points of no return. An invalid file is refused with its problems;
    on PostgreSQL only the coordinator role may revise.
    """
    from runbook.cli.weekend import open_weekend

    with open_weekend(file, state, create=not dry_run) as weekend:
        result = weekend.revise(actor=actor(by), host=host(), reason=reason, dry_run=dry_run)
        if as_json and result.event is not None:
            output.echo_event(result.event, weekend.plan)
            return
        _say_revision(result, weekend)


def _say_revision(result: Revised, weekend: Weekend) -> None:
    """The revision in words: what changed, what it does now, and whether it was recorded."""
    from runbook.format.durations import clock, format_duration

    zone = weekend.plan.zone
    was = result.number - 1
    if result.event is None:
        head = f"dry run: runbook version {result.number} (now {was}) would change"
    else:
        head = f"runbook version {result.number} recorded (was {was}), changing"
    output.echo(f"{head}:")
    for change in result.changes.items or ():
        output.echo(f"  {shown(change.text)}")
    if not result.changes:
        output.echo(f"  {result.changes.summary}")
    moved = result.effect

    def spare(seconds: int | None) -> str:
        if seconds is None:
            return "no deadline"
        return format_duration(seconds) if seconds >= 0 else f"{format_duration(-seconds)} late"

    finish = f"forecast finish {clock(moved.finish_before, zone)}"
    if moved.finish_moved:
        finish += f" → {clock(moved.finish_after, zone)}"
    else:
        finish += " (unchanged)"
    output.echo(f"{finish} · to spare {spare(moved.spare_before)} → {spare(moved.spare_after)}")
    for point in moved.points:
        before = clock(point.before, zone) if point.before is not None else "none"
        after = clock(point.after, zone) if point.after is not None else "none"
        line = f"point of no return {point.gate}: {before} → {after}"
        if point.forecast is not None:
            line += f" (gate forecast {clock(point.forecast, zone)})"
        if point.missed:
            line += " — MISSED: the gate is forecast after it"
        output.echo(line)
    if result.event is None:
        output.echo("nothing recorded; `runbook revise --reason TEXT` records it")
    elif result.event.note:
        output.echo(f"why: {shown(result.event.note)}")
