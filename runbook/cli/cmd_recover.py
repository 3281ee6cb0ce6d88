"""When the weekend runs late: `runbook recover` (which optional work to drop to land in time)
and `runbook drop` (the decision to drop it, recorded; the work goes to aftercare)."""

from __future__ import annotations

import typer

from runbook.cli import output
from runbook.cli.cmd_checkin import Ids, Reason, check_in
from runbook.cli.common import (
    AtOption,
    ByOption,
    FileOption,
    ForceOption,
    JsonOption,
    NowOption,
    StateOption,
    command,
)
from runbook.weekend.events import EventKind


@command()
def recover(
    file: FileOption = None,
    state: StateOption = None,
    now: NowOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which optional work to drop to land inside the deadline, smallest sets first.

    When the forecast is past the deadline (or a gate past its point of no return), lists the
    sets of nice (then should) tasks not yet started whose dropping brings it back in time,
    each with the time it gains and the finish it gives. Nothing is recorded: `runbook drop`
    records the decision.
    """
    from runbook.cli.console import console
    from runbook.cli.render_lines import line_text
    from runbook.cli.weekend import open_weekend, show_notices
    from runbook.weekend.views.recover import recovery_lines

    with open_weekend(file, state, now=now) as weekend:
        recovery = weekend.recover()
        show_notices(weekend)
        if as_json:
            from runbook.contracts.weekend import recover_json

            output.echo_json(recover_json(recovery, weekend.plan))
            return
        out = console()
        for line in recovery_lines(recovery, weekend.plan):
            out.print(line_text(line))


@command()
def drop(
    ids: Ids,
    reason: Reason,
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    at: AtOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Drop optional work for time: a skip recorded as dropped, with its reason.

    The tasks take no time and release their successors, like a skip; the readiness report
    and the review list them as dropped (not as not needed), and the review's aftercare list
    carries them over. A must-have is dropped only with --force; `runbook undo` brings a
    dropped task back.
    """
    if not ids:
        raise typer.BadParameter("name the tasks to drop")
    check_in(
        EventKind.SKIP,
        ids,
        file=file,
        state=state,
        by=by,
        at=at,
        force=force,
        as_json=as_json,
        note=reason,
        dropped=True,
    )
