"""Go/no-go: `runbook decide`, `runbook signoff`, `runbook check`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from runbook.cli import completion, output
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
from runbook.common.text import shown

if TYPE_CHECKING:
    from runbook.usecases import Weekend
    from runbook.weekend.events import Event

NoteOption = Annotated[
    str | None, typer.Option("--note", help="A remark for the log (conditions, who was there).")
]


@command()
def decide(
    gate: Annotated[
        str,
        typer.Argument(
            help="The gate's task id (a unique prefix will do).", autocompletion=completion.gates
        ),
    ],
    verdict: Annotated[
        str,
        typer.Argument(help="go or no-go", metavar="go|no-go", autocompletion=completion.verdicts),
    ],
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    note: NoteOption = None,
    at: AtOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Record a go/no-go decision at a gate.

    A gate cannot be done without a GO; after a NO-GO this says which rollback to run and by
    when.
    """
    from runbook.cli.weekend import moment, open_weekend
    from runbook.format.durations import clock, format_duration
    from runbook.weekend.gates import NO_GO, point_of_no_return

    with open_weekend(file, state, create=True) as weekend:
        when = moment(at, weekend, option="--at") if at else None
        event = weekend.decide(
            gate, verdict, actor=actor(by), host=host(), note=note, at=when, force=force
        )
        if as_json:
            output.echo_event(event, weekend.plan)
            return
        plan, zone = weekend.plan, weekend.plan.zone
        info = plan.gates[event.task or ""]
        word = event.data["decision"].upper()
        colour = "green" if word == "GO" else "red"
        output.echo(
            f"{output.style(word, fg=colour, bold=True, err=False)} at {event.task} · "
            f"{clock(event.at, zone)} by {shown(event.actor)}"
            + (f" · {shown(note)}" if note else "")
        )
        if event.data["decision"] != NO_GO:
            return
        if info.rollback is None:
            output.warning(f"the runbook gives no rollback for {event.task}; decide it now")
            return
        steps = f" ({' → '.join(info.rollback_tasks)})" if info.rollback_tasks else ""
        output.echo(f"roll back now: the rollback takes {format_duration(info.rollback)}{steps}")
        latest = point_of_no_return(plan, info.id)
        if plan.deadline is not None and latest is not None:
            left = latest - weekend.now()
            when_text = clock(latest, zone, with_date=True)
            if left >= 0:
                output.echo(
                    f"to be back before the deadline {clock(plan.deadline, zone)} it must start "
                    f"by {when_text} (in {format_duration(left)})"
                )
            else:
                output.echo(
                    output.style(
                        f"the point of no return ({when_text}) has passed "
                        f"{format_duration(-left)} ago: the rollback ends after the deadline",
                        fg="red",
                        bold=True,
                        err=False,
                    )
                )


def _recorded(weekend: Weekend, event: Event, as_json: bool, what: str) -> None:
    """Say what was recorded: the event as JSON, or ``what · when by whom``."""
    from runbook.format.durations import clock

    if as_json:
        output.echo_event(event, weekend.plan)
    else:
        output.echo(f"{what} · {clock(event.at, weekend.plan.zone)} by {shown(event.actor)}")


@command()
def signoff(
    team: Annotated[
        str,
        typer.Argument(
            help="Team id or name (a unique prefix will do).", autocompletion=completion.teams
        ),
    ],
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    note: NoteOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record that a team declares itself ready for the weekend."""
    from runbook.cli.weekend import open_weekend

    with open_weekend(file, state, create=True) as weekend:
        event = weekend.sign_off(team, actor=actor(by), host=host(), note=note)
        name = weekend.plan.team_name(event.data["team"])
        _recorded(weekend, event, as_json, f"signed off: {shown(name)} is ready")


@command(name="check")
def check_item(
    item: Annotated[
        str,
        typer.Argument(
            help="Readiness item id (a unique prefix will do).", autocompletion=completion.items
        ),
    ],
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    note: NoteOption = None,
    at: AtOption = None,
    as_json: JsonOption = False,
) -> None:
    """Tick off a readiness item (training given, backups verified, rehearsal done...)."""
    from runbook.cli.weekend import moment, open_weekend

    with open_weekend(file, state, create=True) as weekend:
        when = moment(at, weekend, option="--at") if at else None
        event = weekend.check_item(item, actor=actor(by), host=host(), note=note, at=when)
        title = next(r.title for r in weekend.plan.readiness if r.id == event.data["item"])
        _recorded(weekend, event, as_json, f"checked: {event.data['item']} — {shown(title)}")
