"""`runbook rehearse`: a dress rehearsal on its own date."""

from __future__ import annotations

from typing import Annotated

import typer

from runbook.cli import output
from runbook.cli.common import FileOption, StateOption, command


@command()
def rehearse(
    start: Annotated[
        str,
        typer.Option(
            "--start",
            help="When the rehearsal starts (2026-11-24T06:00): the runbook's start moves "
            "there, and everything else with it.",
            show_default=False,
        ),
    ],
    file: FileOption = None,
    state: StateOption = None,
) -> None:
    """Begin a dress rehearsal on its own date, in a state of its own.

    The state records the offset from the runbook's start to --start; every command on that
    state (check-ins, status, control, notify, review, readiness) uses the runbook's plan
    moved by it: every not_before, the deadline and the points of no return, so check-ins
    follow the ordinary rules without --force. Every face says REHEARSAL, with the runbook's
    time beside the rehearsal's where it matters. Give --state: the weekend's own state is
    never a rehearsal's.
    """
    from runbook.cli.weekend import moment, open_weekend, show_notices
    from runbook.common.errors import UsageError
    from runbook.common.text import shown
    from runbook.weekend.views.rehearsal import begun_lines

    if state is None:
        raise UsageError(
            "give the rehearsal's own state: --state rehearsal.db (or a PostgreSQL URI)",
            hint="the weekend's state file beside the runbook is never a rehearsal's",
        )
    with open_weekend(file, state, create=True) as weekend:
        show_notices(weekend)
        begun = weekend.begin_rehearsal(moment(start, weekend, option="--start"))
        if not begun.recorded:
            output.info(f"{weekend.shown_state} is this rehearsal already; nothing was changed")
        for line in begun_lines(weekend.plan):
            output.echo(shown(line))
