"""`runbook status` (the bridge-call briefing) and `runbook log` (the event history)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from runbook.cli import completion, output
from runbook.cli.common import (
    EstimatesOption,
    FileOption,
    JsonOption,
    NowOption,
    StateOption,
    command,
    learned_estimates,
)
from runbook.cli.options import output_file
from runbook.common.errors import UsageError

TeamOption = Annotated[
    str | None,
    typer.Option(
        "--team",
        help="Only this team's work (team id or name).",
        show_default=False,
        autocompletion=completion.teams,
    ),
]


class StatusFormat(StrEnum):
    text = "text"
    html = "html"


@command()
def status(
    file: FileOption = None,
    state: StateOption = None,
    team: TeamOption = None,
    now: NowOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="List every task, not the first few.")
    ] = False,
    as_json: JsonOption = False,
    fmt: Annotated[
        StatusFormat,
        typer.Option(
            "--format",
            help="text (the briefing) or html (the status page for those who only watch).",
        ),
    ] = StatusFormat.text,
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="With --format html: write the page to this file (a regular file; - for stdout).",
            dir_okay=False,
            callback=output_file,
        ),
    ] = None,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            help="With --format html -o FILE: rewrite the page every interval (30s, 1m) "
            "until Ctrl+C.",
            show_default=False,
        ),
    ] = None,
    estimates: EstimatesOption = None,
) -> None:
    """The bridge-call briefing: ahead or behind, what runs, what is ready, what is late.

    With --format html, the status page instead: one self-contained file, replaced
    atomically, that reloads itself (--every keeps rewriting it as check-ins come in).

    With --estimates, a line more: the finish the remaining work gives by estimates learned
    from history (the Monte Carlo simulation of the readiness report: P(finish ≤ deadline),
    P50, P80), and how many tasks' estimates came from history.
    """
    from runbook.cli.weekend import open_weekend, show_notices

    if fmt is StatusFormat.html:
        if estimates is not None:
            raise UsageError("--estimates goes with the briefing (text or --json), not html")
        _status_page(file, state, team, now, show_all, as_json, out, every)
        return
    if out is not None or every is not None:
        raise UsageError("-o and --every go with --format html")
    with open_weekend(file, state, now=now) as weekend:
        snap = weekend.snapshot()
        show_notices(weekend)
        tid = None if team is None else weekend.resolve_team(team)
        learned = learned_estimates(estimates, weekend.plan)
        found = None
        if learned is not None:
            from runbook.reports.outlook import outlook

            found = outlook(snap, learned)
        if as_json:
            from runbook.contracts.weekend import status_json

            data = status_json(snap, tid, weekend.version)
            if found is not None:
                from runbook.contracts.estimates import outlook_json

                data["outlook"] = outlook_json(found, weekend.plan)
            output.echo_json(data)
            return
        from runbook.cli.console import console
        from runbook.cli.render_status import briefing
        from runbook.weekend.views.team import UPCOMING, team_view

        pull = weekend.pull_forward(snap)
        view = (
            None
            if tid is None
            else team_view(snap, tid, pull, upcoming=len(snap.tasks) if show_all else UPCOMING)
        )
        title = weekend.plan.name + (f" — {view.name}" if view is not None else "")
        screen = console()
        screen.print(
            briefing(
                snap,
                title=title,
                limit=None if show_all else 8,
                pull=pull,
                team=view,
                width=screen.width,
            )
        )
        from rich.text import Text

        from runbook.common.text import shown
        from runbook.weekend.versions import in_force_line

        said = in_force_line(weekend.version, weekend.plan.zone)
        if said is not None:
            screen.print(Text(shown(said), style="dim"))
        if found is not None:
            from runbook.cli.render_status import outlook_line

            screen.print(outlook_line(found, weekend.plan.zone))


def _status_page(
    file: Path | None,
    state: str | None,
    team: str | None,
    now: str | None,
    show_all: bool,
    as_json: bool,
    out: Path | None,
    every: str | None,
) -> None:
    """``status --format html``: the page once, or every ``--every`` until interrupted."""
    from runbook.cli.options import runbook_file, state_file
    from runbook.cli.status_page import read_every, write_pages
    from runbook.cli.weekend import open_weekend, show_notices

    if as_json or show_all or team is not None:
        raise UsageError("--format html shows all the work: no --json, --all or --team with it")
    seconds = read_every(every)
    if seconds is not None and out is None:
        raise UsageError("--every needs -o FILE: the page to rewrite")
    if out is not None:
        from runbook.reports.outfile import check_output

        path = runbook_file(None, file)
        check_output(out, ((path, "the runbook"), (state_file(state, path), "the state")))
    with open_weekend(file, state, now=now) as weekend:
        show_notices(weekend)
        write_pages(weekend, out, seconds)


@command()
def log(
    file: FileOption = None,
    state: StateOption = None,
    task: Annotated[
        str | None,
        typer.Option(
            "--task", help="Only this task's events.", autocompletion=completion.all_tasks
        ),
    ] = None,
    team: TeamOption = None,
    now: NowOption = None,
    as_json: JsonOption = False,
) -> None:
    """The event history, newest last (filter by task or team; --now: up to that moment).

    Each event says who recorded it (and the database login beside the --by name when they
    differ), a forced one the rule it overrode; one the check-in rules refuse that was
    recorded without --force all the same (a start typed at a psql prompt) is marked AGAINST
    THE RULES with the rule it broke.
    """
    from runbook.cli.weekend import open_weekend, show_notices

    with open_weekend(file, state, now=now) as weekend:
        events = weekend.audited_events()  # each marked when it broke the check-in rules
        show_notices(weekend)
        if task is not None:
            tid = weekend.resolve_recorded(task)
            events = [e for e in events if e.task == tid]
        if team is not None:
            wanted = weekend.resolve_team(team)
            index = weekend.plan.index
            events = [
                e
                for e in events
                if e.task in index and weekend.plan.tasks[index[e.task]].team == wanted
            ]
        if as_json:
            from runbook.contracts.weekend import log_json

            output.echo_json(log_json(events, weekend.plan))
            return
        if not events:
            output.info("no events yet" + (" for that filter" if task or team else ""))
            return
        from runbook.cli.console import console
        from runbook.cli.render_status import log_lines

        shown_on = console()
        shown_on.print(log_lines(events, weekend.plan, shown_on))
