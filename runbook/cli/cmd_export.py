"""`runbook export`: the weekend in other tools' formats (ics: a calendar of the tasks; xlsx:
the draaiboek as an Excel workbook)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from runbook.cli import completion, output
from runbook.cli.common import FileOption, NowOption, OutOption, StateOption, _Group, app, command
from runbook.cli.options import runbook_file, state_file

export_app = typer.Typer(
    name="export",
    cls=_Group,
    help="The weekend in other tools' formats: ics, a calendar of the tasks; xlsx, the "
    "draaiboek as an Excel workbook.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(export_app, name="export")

TeamOption = Annotated[
    str | None,
    typer.Option(
        "--team",
        help="Only this team's tasks (team id or name).",
        show_default=False,
        autocompletion=completion.teams,
    ),
]


@command(name="ics", group=export_app)
def ics(
    file: FileOption = None,
    state: StateOption = None,
    team: TeamOption = None,
    forecast: Annotated[
        bool,
        typer.Option(
            "--forecast",
            help="The forecast times at --now (actual times for what has run) instead of the "
            "planned ones; needs the state file.",
        ),
    ] = False,
    out: OutOption = None,
    now: NowOption = None,
) -> None:
    """An iCalendar file of the tasks, to import into Outlook, Google Calendar and the like.

    One event per task (a milestone as a zero-length event) with the task's id and title,
    its team, what it waits for and the coordinator's contact, and an alarm the runbook's
    notify.heads_up (default 30m) before it starts. Each task keeps its UID from one export
    to the next, so importing a newer file updates the events instead of adding copies.
    """
    from runbook.cli.weekend import open_weekend
    from runbook.common.errors import InputError
    from runbook.reports.calendar import weekend_calendar
    from runbook.reports.outfile import check_output
    from runbook.reports.render.ics import calendar_ics

    path = runbook_file(None, file)
    if out is not None:
        check_output(out, [(path, "the runbook"), (state_file(state, path), "the state file")])
    with open_weekend(file, state, now=now) as weekend:
        if forecast and weekend.store is None:
            raise InputError(
                f"{weekend.shown_state}: no state file: nothing was recorded yet, so the "
                "forecast is the plan",
                hint="leave out --forecast for the planned times, or give the weekend's "
                "state file with --state PATH",
            )
        wanted = None if team is None else weekend.resolve_team(team)
        calendar = weekend_calendar(weekend, team=wanted, forecast=forecast)
    text = calendar_ics(calendar)
    if out is not None:
        from runbook.reports.outfile import write_atomically

        write_atomically(out, text)
        output.info(f"written to {out}: {len(calendar.entries)} events")
        return
    typer.echo(text, nl=False)


@command(name="xlsx", group=export_app)
def xlsx(
    file: FileOption = None,
    state: StateOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write to this file (default: the runbook's name with .xlsx); - for stdout "
            "(not a terminal).",
            dir_okay=False,
        ),
    ] = None,
    ignore_state: Annotated[
        bool, typer.Option("--ignore-state", help="The plan alone, even when a state file exists.")
    ] = False,
    now: NowOption = None,
) -> None:
    """The draaiboek as an Excel workbook, the way a PMO keeps one.

    A Tasks sheet with one row a task (frozen header, filters, widths; durations and times
    as real Excel values in the runbook's time zone; critical tasks marked), the plan's
    times and float beside it, and sheets for the runbook's settings, the teams, the rollback
    tasks, the risks and the readiness items. With a state file (check-ins recorded): each
    task's status, actual start and finish, slip and who reported it, and a Summary sheet of
    the weekend at --now. `runbook import` reads the workbook back to the same runbook.
    """
    from runbook.interchange.export import workbook
    from runbook.interchange.xlsx_write import workbook_bytes
    from runbook.reports.outfile import check_output, to_stdout, write_atomically
    from runbook.validation.validate import plan_path

    path = runbook_file(None, file)
    target = out if out is not None else path.with_suffix(".xlsx")
    check_output(target, [(path, "the runbook"), (state_file(state, path), "the state file")])
    result = plan_path(path)
    assert result.plan is not None and result.loaded.runbook is not None
    snap = None
    if not ignore_state:
        from runbook.cli.weekend import open_weekend

        with open_weekend(file, state, now=now, compiled=result.plan) as weekend:
            if weekend.store is not None:
                snap = weekend.snapshot()
    data = workbook(result.loaded.runbook, result.plan, snap)
    if to_stdout(target):
        output.write_binary_stdout(workbook_bytes(data))
        return
    write_atomically(target, workbook_bytes(data))
    sheets = ", ".join(s.name for s in data.sheets)
    output.info(f"written to {target}: {len(result.plan.tasks)} tasks; sheets {sheets}")
