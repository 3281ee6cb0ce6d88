"""What the check-in commands do (`runbook start|done|fail|skip|undo|note`), free of Typer.

The Typer app declares these commands and their help (``runbook.cli.cmd_checkin``) and runs
the functions here; so does the fast path (``runbook.cli.fast``), which reads a check-in's
command line without loading Typer. This is what a team types under pressure, so it imports
no rich, and no YAML, pydantic or networkx unless the runbook changed since the last command.
Each function returns the command's exit code; a ``RunbookError`` it raises is reported by
its caller (``runbook.cli.output.reported``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from runbook.cli import output
from runbook.cli.options import actor, host
from runbook.common.errors import EXIT_REFUSED
from runbook.common.text import shown
from runbook.weekend.events import EventKind

if TYPE_CHECKING:
    from runbook.usecases import Weekend
    from runbook.weekend.views.checkin import CheckedIn


def check_in(
    kind: EventKind,
    ids: list[str],
    *,
    file: Path | None,
    state: str | None,
    by: str | None,
    at: str | None = None,
    force: bool = False,
    as_json: bool = False,
    note: str | None = None,
    value: Callable[[Weekend, int], int | None] | None = None,
    dropped: bool = False,
) -> int:
    """Record a check-in (or, given ``value``, a revision: what it says, read once the
    weekend is open, from the moment it is recorded for) and say what it changed; the exit
    code (a refusal is 1)."""
    writing = value is None  # a revision reads the weekend before it knows what to record
    _open_soon(file, state, writing=writing)
    from runbook.cli.weekend import moment, open_weekend, show_notices
    from runbook.format.durations import clock
    from runbook.weekend.views.checkin import checked_in, standing

    with open_weekend(file, state, create=True, writing=writing) as weekend:
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
            plan = result.plan or weekend.plan
            now = standing(result, plan)
            lead = f"{shown(now.headline)} · " if now.headline else ""
            whose = "REHEARSAL" if plan.offset else "weekend"
            output.echo(
                f"{whose}: {lead}{now.word}{' ' + now.amount if now.amount else ''} · "
                f"{'finish' if result.closed else 'forecast finish'} "
                f"{clock(now.forecast_finish, zone)}"
                + (f" · deadline {clock(now.deadline, zone)}" if now.deadline else "")
            )
    return EXIT_REFUSED if result.refused else 0


def _open_soon(file: Path | None, state: str | None, *, writing: bool) -> None:
    """Begin opening a weekend kept on a server now: its connection's round trips go by
    while the modules below are imported (``runbook.store.open_soon``; nothing for a state
    file). A mistake in the options is said by ``open_weekend``, as always."""
    from runbook.cli.options import runbook_file, state_file
    from runbook.common.errors import RunbookError
    from runbook.store import open_soon

    try:
        path = runbook_file(None, file)
        open_soon(state_file(state, path), path, writing=writing)
    except RunbookError:
        return


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


def start(
    ids: list[str],
    file: Path | None = None,
    state: str | None = None,
    by: str | None = None,
    at: str | None = None,
    force: bool = False,
    as_json: bool = False,
) -> int:
    """``runbook start``: a team starts these tasks."""
    return check_in(
        EventKind.START, ids, file=file, state=state, by=by, at=at, force=force, as_json=as_json
    )


def done(
    ids: list[str],
    file: Path | None = None,
    state: str | None = None,
    by: str | None = None,
    at: str | None = None,
    force: bool = False,
    as_json: bool = False,
) -> int:
    """``runbook done``: these tasks are finished."""
    return check_in(
        EventKind.DONE, ids, file=file, state=state, by=by, at=at, force=force, as_json=as_json
    )


def fail(
    task: str,
    reason: str,
    file: Path | None = None,
    state: str | None = None,
    by: str | None = None,
    at: str | None = None,
    force: bool = False,
    as_json: bool = False,
) -> int:
    """``runbook fail``: the task hit a problem and is blocked."""
    return check_in(
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


def skip(
    task: str,
    reason: str,
    file: Path | None = None,
    state: str | None = None,
    by: str | None = None,
    at: str | None = None,
    force: bool = False,
    as_json: bool = False,
) -> int:
    """``runbook skip``: the task is not needed this time."""
    return check_in(
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


def undo(
    ids: list[str],
    file: Path | None = None,
    state: str | None = None,
    by: str | None = None,
    as_json: bool = False,
    reason: str | None = None,
) -> int:
    """``runbook undo``: revoke each task's last state change."""
    return check_in(
        EventKind.UNDO, ids, file=file, state=state, by=by, as_json=as_json, note=reason
    )


def note(
    task: str,
    text: str,
    file: Path | None = None,
    state: str | None = None,
    by: str | None = None,
    at: str | None = None,
    as_json: bool = False,
) -> int:
    """``runbook note``: a note in a task's log."""
    return check_in(
        EventKind.NOTE, [task], file=file, state=state, by=by, at=at, as_json=as_json, note=text
    )
