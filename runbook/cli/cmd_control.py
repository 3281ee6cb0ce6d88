"""`runbook control`: the mission-control dashboard."""

from __future__ import annotations

from typing import Annotated

import typer

from runbook.cli.common import ByOption, FileOption, NowOption, StateOption, command
from runbook.cli.options import actor, host


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
) -> None:
    """The mission-control dashboard (press ? inside for the keys).

    Live progress, ahead or behind, alerts, and check-ins from the keyboard. With --now it
    replays the weekend as it was then, read-only.
    """
    from runbook.cli.weekend import open_weekend, replaying
    from runbook.tui.app import MissionControl
    from runbook.usecases import watch_only

    # A replay (--now, $RUNBOOK_NOW) is read-only, always: the state file is opened so.
    read_only = watch_only(read_only, replay=replaying(now))
    weekend = open_weekend(file, state, now=now, create=not read_only)
    try:
        MissionControl(weekend, actor=actor(by), host=host(), read_only=read_only).run()
    finally:
        weekend.close()
