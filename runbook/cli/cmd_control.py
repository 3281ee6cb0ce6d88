"""`runbook control`: the mission-control dashboard (and a recorded weekend played back)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from runbook.cli.common import ByOption, FileOption, NowOption, StateOption, command
from runbook.cli.options import actor, host

if TYPE_CHECKING:
    from runbook.usecases import Weekend
    from runbook.usecases.replay import ReplayClock


@command()
def control(
    file: FileOption = None,
    state: StateOption = None,
    by: ByOption = None,
    read_only: Annotated[
        bool,
        typer.Option("--read-only", help="A wall screen for stakeholders: nothing can be changed."),
    ] = False,
    now: NowOption = None,
    replay: Annotated[
        bool,
        typer.Option(
            "--replay",
            help="Play the recorded weekend or rehearsal back as it happened (a state file, a "
            "db export file or a PostgreSQL URI), read-only: space pauses, . steps to the next "
            "event, j jumps to a time, + and - change the speed.",
        ),
    ] = False,
    speed: Annotated[
        float,
        typer.Option(
            "--speed", help="With --replay: times real time (60: a minute a second).", min=0.001
        ),
    ] = 60,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="With --replay: the moment to begin at (default: the first recorded event, "
            "or an hour before the start).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The mission-control dashboard (press ? inside for the keys).

    Live progress, ahead or behind, alerts, and check-ins from the keyboard. With --now it
    shows the weekend as it was then, read-only; with --replay it plays the recorded weekend
    back at --speed from --from, every figure as the coordinator saw it, read-only.
    """
    from runbook.cli.weekend import open_weekend, replaying
    from runbook.common.errors import UsageError
    from runbook.tui.app import MissionControl
    from runbook.usecases import watch_only

    if not replay and (start is not None or speed != 60):
        raise UsageError("--from and --speed play a recorded weekend back: give --replay")
    if replay and now:
        raise UsageError("--replay plays the weekend from --from: not with --now")
    clock = None
    if replay:
        weekend, clock = _replayed(file, state, start, speed)
        read_only = True
    else:
        # A replay (--now, $RUNBOOK_NOW) is read-only, always: the state file is opened so.
        read_only = watch_only(read_only, replay=replaying(now))
        weekend = open_weekend(file, state, now=now, create=not read_only)
    try:
        MissionControl(
            weekend, actor=actor(by), host=host(), read_only=read_only, replay_clock=clock
        ).run()
    finally:
        weekend.close()


def _replayed(
    file: FileOption, state: StateOption, start: str | None, speed: float
) -> tuple[Weekend, ReplayClock]:
    """The recorded weekend opened read-only, its clock a replay's from ``start``."""
    from datetime import UTC, datetime

    from runbook.cli.options import runbook_file, state_file
    from runbook.cli.weekend import moment
    from runbook.common.errors import StateError
    from runbook.usecases import Weekend
    from runbook.usecases.replay import ReplayClock, replay_start

    path = runbook_file(None, file)
    where = state_file(state, path)
    weekend = Weekend.open(
        path, where, read_only=True, at=lambda plan: datetime.fromtimestamp(plan.start, UTC)
    )
    try:
        if weekend.store is None or weekend.store.event_count() == 0:
            raise StateError(
                f"{weekend.shown_state}: nothing recorded to play back",
                hint="give the state of a weekend or rehearsal with --state",
            )
        if start is None:
            begin = replay_start(weekend.plan.start, weekend.store.events())
        else:
            begin = int(moment(start, weekend, option="--from").timestamp())
        clock = ReplayClock(begin, speed=speed)
        weekend.clock = clock
    except BaseException:
        weekend.close()
        raise
    return weekend, clock
