"""A mission-control app on a copy of the minimal example, at a frozen moment."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from runbook.tui.app import MissionControl
from runbook.weekend.usecases import Weekend

from .builders import minimal_runbook
from .weekend_helpers import FakeClock, at

FRIDAY_1820 = "2026-12-04T18:20+01:00"


def prepared_weekend(folder: Path, clock: FakeClock) -> tuple[Path, Path]:
    """The minimal runbook with freeze done at 18:10 and backup running since then."""
    runbook = minimal_runbook(folder, "intranet.yaml")
    state = folder / "intranet.state.db"
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        record = weekend.record
        record("start", ["freeze"], actor="ingrid", host="pc1", at=at("2026-12-04T18:00+01:00"))
        record("done", ["freeze"], actor="ingrid", host="pc1", at=at("2026-12-04T18:10+01:00"))
        record("start", ["backup"], actor="sanne", host="pc2", at=at("2026-12-04T18:10+01:00"))
        record("note", ["backup"], actor="sanne", host="pc2", note="tape library online")
    return runbook, state


def control_app(
    folder: Path, clock: FakeClock, *, read_only: bool = False
) -> tuple[MissionControl, Path, Path]:
    """The app over a prepared weekend (polling fast, for tests)."""
    runbook, state = prepared_weekend(folder, clock)
    weekend = Weekend.open(runbook, state, clock=clock, create=not read_only)
    app = MissionControl(
        weekend, actor="coordinator", host="bridge", read_only=read_only, poll_seconds=0.05
    )
    return app, runbook, state


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until ``condition`` holds: the dashboard's timers are real, and a busy
    CI machine may be slower than a fixed pause (a 1 s tick must not need exactly 1.2 s)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the dashboard did not get there within {timeout} s")
        await pilot.pause(0.05)
