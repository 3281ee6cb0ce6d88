"""`runbook close`: mission control ends the weekend (and `--undo` reopens it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from runbook.cli import output
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
from runbook.common.errors import UsageError
from runbook.common.text import shown

if TYPE_CHECKING:
    from runbook.usecases import Weekend


@command()
def close(
    file: FileOption = None,
    state: StateOption = None,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why, in a few words (for the log and the review)."),
    ] = None,
    undo: Annotated[
        bool, typer.Option("--undo", help="Reopen the weekend: revoke the close in force.")
    ] = False,
    by: ByOption = None,
    at: AtOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """End the weekend now (or --at the time it ended): mission control's.

    From the close on, the forecast stands still there: status, the dashboard and the status
    page say CLOSED with the finish (the close) against the deadline; a check-in for a later
    moment is refused unless forced; whatever was running or not started goes to the
    review's aftercare list, and the review's actual finish is the close. A second close is
    refused; `runbook close --undo` reopens the weekend.
    """
    from runbook.cli.weekend import moment, open_weekend, show_notices
    from runbook.format.durations import clock

    if undo and at is not None:
        raise UsageError("--undo reopens the weekend now: no --at with it")
    with open_weekend(file, state, create=True) as weekend:
        show_notices(weekend)
        zone = weekend.plan.zone
        if undo:
            event = weekend.reopen_weekend(actor=actor(by), host=host(), note=reason)
            if as_json:
                output.echo_event(event, weekend.plan)
                return
            output.echo(
                f"{output.style('REOPENED', fg='green', bold=True, err=False)} · "
                f"{clock(event.at, zone)} by {shown(event.actor)}: the close is revoked"
            )
            _standing(weekend)
            return
        when = moment(at, weekend, option="--at") if at else None
        event = weekend.close_weekend(
            actor=actor(by), host=host(), note=reason, at=when, force=force
        )
        if as_json:
            output.echo_event(event, weekend.plan)
            return
        _standing(weekend)


def _standing(weekend: Weekend) -> None:
    """The headline as it is now, and (once closed) what goes to aftercare."""
    from runbook.format.durations import clock
    from runbook.weekend.closing import open_at_close
    from runbook.weekend.views import lead, verdict

    snap = weekend.snapshot()
    view, zone = verdict(snap), weekend.plan.zone
    said = lead(view, zone)
    if said.detail:  # a state that leads, or a finish held by a not_before
        output.echo(f"{output.style(said.badge, bold=True, err=False)} {shown(said.detail)}")
    finish = "finish" if view.closed is not None else "forecast finish"
    output.echo(
        f"weekend: {said.pace} · {finish} {clock(view.forecast_finish, zone)} · baseline "
        f"{clock(view.baseline_finish, zone)}"
        + (f" · deadline {clock(view.deadline, zone)}" if view.deadline is not None else "")
    )
    if snap.closed is not None:
        if snap.closed.note:
            output.echo(f"reason: {shown(snap.closed.note)}")
        left = open_at_close(snap)
        if not left.count:
            output.echo("nothing left open: every task was finished")
            return
        parts = []
        if left.under_way:
            parts.append(f"under way: {_ids(left.under_way)}")
        if left.not_started:
            parts.append(f"not started: {_ids(left.not_started)}")
        output.echo(f"carried to aftercare ({left.count}): " + "; ".join(parts))


def _ids(ids: tuple[str, ...], limit: int = 6) -> str:
    """``a, b, c`` (and how many more past ``limit``)."""
    shown_ids = ", ".join(ids[:limit])
    return shown_ids + (f" and {len(ids) - limit} more" if len(ids) > limit else "")
