"""Replanning during the weekend: `runbook eta|estimate|pull`.

Each records a revision as an event (who, when, why), through the same use case and rules as
a check-in; the forecast uses it, and `undo` revokes it like any check-in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from runbook.cli import completion
from runbook.cli.cmd_checkin import RunningId, check_in
from runbook.cli.common import AtOption, ByOption, FileOption, JsonOption, StateOption, command
from runbook.weekend.events import EventKind

if TYPE_CHECKING:
    from runbook.usecases import Weekend

Reason = Annotated[str | None, typer.Option("--reason", help="Why, in a few words (for the log).")]
PendingId = Annotated[
    str,
    typer.Argument(help="Task id (a unique prefix will do).", autocompletion=completion.all_tasks),
]
PendingIds = Annotated[
    list[str],
    typer.Argument(help="Task ids (a unique prefix will do).", autocompletion=completion.all_tasks),
]


@command()
def eta(
    task: RunningId,
    time: Annotated[
        str,
        typer.Argument(
            help="When it is now expected to finish: 14:00 (today, runbook time zone), an ISO "
            "time, or +2h (from now, or from --at)."
        ),
    ],
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    at: AtOption = None,
    reason: Reason = None,
    as_json: JsonOption = False,
) -> None:
    """A running task's revised finish (the team needs longer, or less).

    The forecast uses it: the task finishes then (or later, if that time passes while it
    still runs), and everything after it moves. A later eta replaces an earlier one;
    `runbook undo` revokes it.
    """
    from runbook.weekend.replan import read_eta

    def value(weekend: Weekend, when: int) -> int:
        return read_eta(
            time, when, lambda text: weekend.read_time(text, what="the eta", side="future")
        )

    check_in(
        EventKind.ETA,
        [task],
        file=file,
        state=state,
        by=by,
        at=at,
        as_json=as_json,
        note=reason,
        value=value,
    )


@command()
def estimate(
    task: PendingId,
    duration: Annotated[str, typer.Argument(help="How long it will now take: 3h, 90m, 1h30m.")],
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    at: AtOption = None,
    reason: Reason = None,
    as_json: JsonOption = False,
) -> None:
    """A revised duration for a task not started yet (the team has learnt more).

    The forecast uses it instead of the runbook's duration; `runbook undo` revokes it.
    """
    from runbook.weekend.replan import read_duration

    def value(weekend: Weekend, when: int) -> int:
        return read_duration(duration, "the estimate")

    check_in(
        EventKind.ESTIMATE,
        [task],
        file=file,
        state=state,
        by=by,
        at=at,
        as_json=as_json,
        note=reason,
        value=value,
    )


OptionalIds = Annotated[
    list[str] | None,
    typer.Argument(
        help="Task ids (a unique prefix will do); none: list the tasks that could be pulled "
        "forward, what each brings closer first.",
        autocompletion=completion.all_tasks,
        show_default=False,
    ),
]


@command()
def pull(
    ids: OptionalIds = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="The earliest it may now start: 14:00 or an ISO time (default: as soon as "
            "its predecessors allow).",
            show_default=False,
        ),
    ] = None,
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    at: AtOption = None,
    reason: Reason = None,
    as_json: JsonOption = False,
) -> None:
    """Let tasks start before their not_before (the coordinator's decision).

    Their start is then allowed without --force, from --to or as soon as their predecessors
    allow, and the forecast moves them forward. A not_before fixed in the runbook cannot move.
    `runbook undo` revokes a pull. Without ids: the tasks that could be pulled forward, those
    that bring the finish or the next gate or milestone closer first (records nothing).
    """
    if not ids:
        if to is not None or reason is not None or at is not None or as_json:
            raise typer.BadParameter(
                "name the tasks to pull (without ids, `runbook pull` lists the candidates; "
                "`runbook plan --json` has them under forecast.pull_forward)"
            )
        _candidates(file, state)
        return

    def value(weekend: Weekend, when: int) -> int | None:
        if to is None:
            return None
        return int(weekend.read_time(to, what="--to", side="future").timestamp())

    check_in(
        EventKind.PULL,
        ids,
        file=file,
        state=state,
        by=by,
        at=at,
        as_json=as_json,
        note=reason,
        value=value,
    )


def _candidates(file: FileOption, state: StateOption) -> None:
    """``runbook pull`` alone: every task that could be pulled forward, ranked by the core."""
    from rich.text import Text

    from runbook.cli.console import console
    from runbook.cli.render_status import pull_forward_section
    from runbook.cli.weekend import open_weekend, show_notices

    with open_weekend(file, state) as weekend:
        snap = weekend.snapshot()
        pull = weekend.pull_forward(snap)
        show_notices(weekend)
        out = console()
        if not pull:
            out.print(
                Text(
                    "Nothing could be pulled forward: no task waits only for its not_before.",
                    style="dim",
                )
            )
            return
        for part in pull_forward_section(snap, pull, limit=None, width=out.width):
            out.print(part)
