"""`runbook status` (the bridge-call briefing) and `runbook log` (the event history)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from runbook.cli import completion, output
from runbook.cli.common import FileOption, JsonOption, NowOption, StateOption, command

TeamOption = Annotated[
    str | None,
    typer.Option(
        "--team",
        help="Only this team's work (team id or name).",
        show_default=False,
        autocompletion=completion.teams,
    ),
]


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
) -> None:
    """The bridge-call briefing: ahead or behind, what runs, what is ready, what is late."""
    from runbook.cli.weekend import open_weekend, show_notices

    with open_weekend(file, state, now=now) as weekend:
        snap = weekend.snapshot()
        show_notices(weekend)
        tid = None if team is None else weekend.resolve_team(team)
        if as_json:
            from runbook.contracts.weekend import status_json

            output.echo(json.dumps(status_json(snap, tid), indent=2, ensure_ascii=False))
            return
        from runbook.cli.console import console
        from runbook.cli.render_status import briefing
        from runbook.weekend.team import UPCOMING, team_view

        pull = weekend.pull_forward(snap)
        view = (
            None
            if tid is None
            else team_view(snap, tid, pull, upcoming=len(snap.tasks) if show_all else UPCOMING)
        )
        title = weekend.plan.name + (f" — {view.name}" if view is not None else "")
        out = console()
        out.print(
            briefing(
                snap,
                title=title,
                limit=None if show_all else 8,
                pull=pull,
                team=view,
                width=out.width,
            )
        )


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
    """The event history, newest last (filter by task or team; --now: up to that moment)."""
    from runbook.cli.weekend import open_weekend, show_notices

    with open_weekend(file, state, now=now) as weekend:
        events = weekend.events()
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

            output.echo(json.dumps(log_json(events, weekend.plan), indent=2, ensure_ascii=False))
            return
        if not events:
            output.info("no events yet" + (" for that filter" if task or team else ""))
            return
        from runbook.cli.console import console
        from runbook.cli.render_status import log_table

        console().print(log_table(events, weekend.plan))
