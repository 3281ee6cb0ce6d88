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


StageOption = Annotated[
    str | None,
    typer.Option(
        "--stage",
        help="The gate's stage that decides (project-team, steering-committee...); a gate "
        "decided in one stage may leave it out.",
        autocompletion=completion.stages,
    ),
]
ApproverOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="The approver who decided, as the runbook names them (default: who records "
        "it, $RUNBOOK_USER or your login). Mission control may record what an approver said "
        "by phone: the recorder is stored beside the approver.",
        show_default=False,
        autocompletion=completion.approvers,
    ),
]
DecideReasonOption = Annotated[
    str | None, typer.Option("--reason", help="Another name for --note (as fail and skip).")
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
    stage: StageOption = None,
    by: ApproverOption = None,
    note: NoteOption = None,
    reason: DecideReasonOption = None,
    at: AtOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Record a go/no-go decision at a gate's stage.

    A gate decides in stages, in order (the runbook's decided_by): --by must be one of the
    stage's approvers, and a stage decides only once the stages before it said GO. A NO-GO by
    anyone resets the gate; it passes once every stage has its GOs after the last NO-GO. After
    a GO this says what the gate still waits for; after a NO-GO, which rollback to run and by
    when.
    """
    from runbook.cli.weekend import moment, open_weekend
    from runbook.common.errors import UsageError
    from runbook.format.durations import clock, format_duration
    from runbook.weekend.decisions import Decision
    from runbook.weekend.gates import NO_GO, gate_standing, point_of_no_return
    from runbook.weekend.views.decisions import decision_needed, given_words

    if note is not None and reason is not None:
        raise UsageError("give --note or --reason, not both (they are one and the same)")
    note = note if note is not None else reason
    with open_weekend(file, state, create=True) as weekend:
        when = moment(at, weekend, option="--at") if at else None
        recorder = actor(None)
        event = weekend.decide(
            gate,
            verdict,
            actor=recorder,
            approver=by.strip() if by and by.strip() else None,
            stage=stage,
            host=host(),
            note=note,
            at=when,
            force=force,
        )
        if as_json:
            output.echo_event(event, weekend.plan)
            return
        plan, zone = weekend.plan, weekend.plan.zone
        info = plan.gates[event.task or ""]
        word = event.data["decision"].upper()
        colour = "green" if word == "GO" else "red"
        approver = event.data.get("approver") or event.actor
        staged = event.data.get("stage") and len(info.stages) > 1
        where = f" ({event.data['stage']})" if staged else ""
        recorded = (
            f", recorded by {shown(event.actor)}" if Decision.of(event).recorded_apart else ""
        )
        output.echo(
            f"{output.style(word, fg=colour, bold=True, err=False)} at {event.task}{where} · "
            f"{clock(event.at, zone)} by {shown(approver)}{recorded}"
            + (f" · {shown(note)}" if note else "")
        )
        if event.data["decision"] != NO_GO:
            record = weekend.snapshot().records.get(info.id)
            said = gate_standing(info, record)
            if said.verdict == "go":
                if len(info.stages) > 1:
                    gos = "; ".join(given_words(d, zone) for s in said.stages for d in s.gos)
                    output.echo(f"{event.task} passed: {shown(gos)}")
                return
            needed = decision_needed(info, record, event.at)
            output.echo(shown(needed.line(zone)))
            return
        if info.rollback is None:
            output.warning(f"the runbook gives no rollback for {event.task}; decide it now")
            return
        steps = f" ({' → '.join(info.rollback_tasks)})" if info.rollback_tasks else ""
        output.echo(
            f"roll back now: `runbook rollback {info.id}` starts it; it takes "
            f"{format_duration(info.rollback)}{steps}"
        )
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


@command()
def rollback(
    gate: Annotated[
        str,
        typer.Argument(
            help="The gate whose rollback starts (a unique prefix will do).",
            autocompletion=completion.gates,
        ),
    ],
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why, in a few words (for the log).")
    ] = None,
    at: AtOption = None,
    undo: Annotated[
        bool,
        typer.Option(
            "--undo", help="Revoke the rollback's start (before any rollback task has a check-in)."
        ),
    ] = False,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Start a gate's rollback after its NO-GO (mission control's).

    The gate's rollback tasks become tasks of the weekend, checked in and out like any other
    (start, done, fail, skip, undo, eta); the forward work not finished is suspended, and the
    forecast is the rollback's, against the deadline.
    """
    from runbook.cli.weekend import moment, open_weekend
    from runbook.format.durations import clock, format_duration

    with open_weekend(file, state, create=True) as weekend:
        when = moment(at, weekend, option="--at") if at else None
        event = weekend.rollback(
            gate, actor=actor(by), host=host(), note=reason, at=when, force=force, undo=undo
        )
        if as_json:
            output.echo_event(event, weekend.plan)
            return
        zone = weekend.plan.zone
        if undo:
            output.echo(
                f"rollback of {event.task} revoked · {clock(event.at, zone)} by "
                f"{shown(event.actor)}; the forward work goes on where it stood"
            )
            return
        snap = weekend.snapshot()
        info = weekend.plan.gates[event.task or ""]
        output.echo(
            f"{output.style('ROLLING BACK', fg='red', bold=True, err=False)} at {event.task} · "
            f"{clock(event.at, zone)} by {shown(event.actor)}"
            + (f" · {shown(reason)}" if reason else "")
        )
        steps = ", ".join(info.rollback_tasks[:6]) + (
            " ..." if len(info.rollback_tasks) > 6 else ""
        )
        ends = snap.forecast_finish
        deadline = weekend.plan.deadline
        against = ""
        if deadline is not None:
            spare = deadline - ends
            against = (
                f", {format_duration(spare)} before the deadline"
                if spare >= 0
                else f", {format_duration(-spare)} AFTER the deadline"
            )
        output.echo(f"rollback tasks: {steps}; it ends {clock(ends, zone)}{against}")
