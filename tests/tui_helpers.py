"""A mission-control app on a copy of the minimal example, at a frozen moment."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from runbook.tui.app import MissionControl
from runbook.usecases import Weekend

from .builders import minimal_runbook
from .weekend_helpers import FakeClock, at, pass_gate

FRIDAY_1820 = "2026-12-04T18:20+01:00"


def prepared_weekend(
    folder: Path, clock: FakeClock, state: Path | str | None = None
) -> tuple[Path, Path | str]:
    """The minimal runbook with freeze done at 18:10 and backup running since then (in the
    state file beside it, or at ``state``: a PostgreSQL URI)."""
    runbook = minimal_runbook(folder, "intranet.yaml")
    state = folder / "intranet.state.db" if state is None else state
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        record = weekend.record
        record("start", ["freeze"], actor="ingrid", host="pc1", at=at("2026-12-04T18:00+01:00"))
        record("done", ["freeze"], actor="ingrid", host="pc1", at=at("2026-12-04T18:10+01:00"))
        record("start", ["backup"], actor="sanne", host="pc2", at=at("2026-12-04T18:10+01:00"))
        record("note", ["backup"], actor="sanne", host="pc2", note="tape library online")
    return runbook, state


def control_app(
    folder: Path, clock: FakeClock, *, read_only: bool = False, state: Path | str | None = None
) -> tuple[MissionControl, Path, Path | str]:
    """The app over a prepared weekend (polling fast, for tests)."""
    runbook, state = prepared_weekend(folder, clock, state)
    weekend = Weekend.open(runbook, state, clock=clock, create=not read_only)
    app = MissionControl(
        weekend, actor="coordinator", host="bridge", read_only=read_only, poll_seconds=0.05
    )
    return app, runbook, state


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Let the app run until ``condition`` holds: the dashboard's timers are real, and a busy
    CI machine may be slower than a fixed pause (a 1 s tick must not need exactly 1.2 s)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the dashboard did not get there within {timeout} s")
        await pilot.pause(0.05)


async def settled(pilot: Pilot[None]) -> None:
    """Let the dashboard's store thread answer everything asked of it so far (the rules'
    verdict on a check-in, the check-in itself, a what-if), and the screen take the answers:
    the store is never read on the event loop, so a key's effect on it comes a moment later."""
    app = pilot.app
    assert isinstance(app, MissionControl)
    await until(pilot, lambda: not app.io.busy)
    await pilot.pause()


SATURDAY_1300 = "2026-12-05T13:00+01:00"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "cloud-migration-weekend.yaml"


def saturday_weekend(folder: Path, clock: FakeClock) -> tuple[Path, Path]:
    """The example weekend played to Saturday 13:00: everything planned to finish by 06:45
    done on time, then dba-import-ehr (critical) overrunning, the Leiden rollout overrunning,
    the diagnostics rollout FAILED, a NO-GO at gonogo-2 decided early, and tasks ready."""
    runbook = folder / "weekend.yaml"
    runbook.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    state = folder / "weekend.state.db"
    saved = clock.now
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        plan = weekend.plan
        cutoff = at("2026-12-05T06:45+01:00").timestamp()

        def record(kind: str, task: str, when: float, by: str = "ingrid", **kw: object) -> None:
            moment = datetime.fromtimestamp(when, UTC)
            clock.now = moment
            if task in plan.gates and kind == "done":
                pass_gate(weekend, task, actor=by)
            result = weekend.record(kind, [task], actor=by, host="bridge", **kw)  # type: ignore[arg-type]
            assert not result.refused, result.refused

        for task in sorted(plan.tasks, key=lambda t: (t.es, t.ef)):
            if task.ef <= cutoff:
                if not task.milestone:
                    record("start", task.id, task.es)
                record("done", task.id, task.ef)
        day = "2026-12-05T"
        for kind, task, when in (
            ("start", "dba-import-ehr", "07:15"),
            ("start", "dba-import-other", "07:15"),
            ("start", "dev-dispatch", "07:00"),
            ("done", "dev-dispatch", "08:00"),
            ("start", "dev-rollout-outpatient-leiden", "08:00"),
            ("start", "dev-rollout-outpatient-alphen", "08:00"),
            ("done", "dba-import-other", "10:30"),
            ("done", "dev-rollout-outpatient-alphen", "11:00"),
            ("start", "dev-rollout-diagnostics", "11:30"),
        ):
            record(kind, task, at(f"{day}{when}+01:00").timestamp())
        clock.now = at(f"{day}12:50+01:00").astimezone(UTC)
        weekend.record(
            "fail",
            ["dev-rollout-diagnostics"],
            actor="piet",
            host="floor",
            note="imaging server refuses the new laptops: certificate chain incomplete",
        )
        clock.now = at(f"{day}13:00+01:00").astimezone(UTC)
        weekend.decide("gonogo-2", "no-go", actor="CIO", host="bridge", note="EHR rowcount")
        # A check-in told by phone afterwards: recorded now, at an earlier time.
        weekend.record(
            "note",
            ["dba-import-ehr"],
            actor="sanne",
            host="dba",
            note="import at 80 %, the last table is the biggest",
        )
        told = weekend.record(
            "start", ["dba-rowcount-other"], actor="sanne", host="dba", at=at(f"{day}10:35+01:00")
        )
        assert not told.refused, told.refused
    clock.now = saved
    return runbook, state
