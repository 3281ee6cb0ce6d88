"""One overrun rule for every face: a running task overruns once the finish it was expected at
passes: its eta when the team gave one (not its planned duration), else its duration after
its start, an estimate's when one was recorded before it started."""

from __future__ import annotations

from datetime import datetime

import pytest

from runbook.tui.widgets.rows import task_row
from runbook.usecases import Weekend
from runbook.weekend.forecast import overrun
from runbook.weekend.views import running_rows
from runbook.weekend.views.alerts import alerts

from .builders import friday, minimal_runbook
from .tui_helpers import control_app, until
from .weekend_helpers import FakeClock, at


def _epoch(hhmm: str) -> int:
    return int(datetime.fromisoformat(friday(hhmm)).timestamp())


@pytest.fixture
def weekend(tmp_path):
    """The minimal example: freeze done by 18:10, backup (1h) running since 18:10."""
    clock = FakeClock(friday("18:10"))
    with Weekend.open(minimal_runbook(tmp_path), clock=clock, create=True) as opened:
        opened.record("start", ["freeze"], actor="a", host="h", at=at(friday("18:00")))
        opened.record("done", ["freeze"], actor="a", host="h")
        opened.record("start", ["backup"], actor="a", host="h")
        yield opened


def _overruns(weekend: Weekend, task: str) -> tuple[int, list[str], str]:
    """The overrun as the core, the briefing's row, the alerts and the table's row say it."""
    snap = weekend.snapshot()
    index = snap.plan.index[task]
    [row] = [r for r in running_rows(snap) if r.id == task]
    assert row.overrun == overrun(snap, index)
    said = [a.message for a in alerts(snap) if a.kind == "overrun" and a.task == task]
    status = task_row(snap, snap.tasks[index])[1].plain
    return row.overrun, said, status


def test_with_an_eta_a_task_overruns_when_the_eta_passes_not_at_its_planned_duration(weekend):
    weekend.clock.set(friday("18:50"))  # type: ignore[attr-defined]
    weekend.record("eta", ["backup"], actor="sanne", host="h", value=_epoch("19:40"))
    weekend.clock.set(friday("19:20"))  # type: ignore[attr-defined]  # planned finish 19:10
    assert _overruns(weekend, "backup") == (0, [], "running eta")
    weekend.clock.set(friday("19:50"))  # type: ignore[attr-defined]
    over, said, status = _overruns(weekend, "backup")
    assert over == 10 * 60
    assert said == ["backup is 10m past its eta Fri 19:40"]
    assert status == "running overrun"


def test_an_eta_earlier_than_the_planned_finish_is_overrun_once_it_passes(weekend):
    weekend.clock.set(friday("18:30"))  # type: ignore[attr-defined]
    weekend.record("eta", ["backup"], actor="sanne", host="h", value=_epoch("18:40"))
    weekend.clock.set(friday("18:55"))  # type: ignore[attr-defined]
    assert _overruns(weekend, "backup")[:2] == (15 * 60, ["backup is 15m past its eta Fri 18:40"])


def test_a_revised_estimate_is_the_duration_an_overrun_is_measured_against(weekend):
    weekend.clock.set(friday("19:05"))  # type: ignore[attr-defined]
    weekend.record("done", ["backup"], actor="a", host="h", at=at(friday("19:00")))
    weekend.record("done", ["go-no-go"], actor="a", host="h")
    weekend.record("estimate", ["export"], actor="a", host="h", value=3 * 3600)  # not 1h30m
    weekend.record("start", ["export"], actor="a", host="h")
    weekend.clock.set(friday("21:05"))  # type: ignore[attr-defined]  # 2h: over the runbook's
    assert _overruns(weekend, "export")[:2] == (0, [])
    weekend.clock.set(friday("22:15"))  # type: ignore[attr-defined]  # 3h10m
    over, said, _ = _overruns(weekend, "export")
    assert over == 10 * 60
    assert said == ["export has run 3h10m, 10m over its revised 3h"]


def test_without_a_revision_the_planned_duration_still_counts(weekend):
    weekend.clock.set(friday("19:30"))  # type: ignore[attr-defined]
    assert _overruns(weekend, "backup")[:2] == (
        20 * 60,
        ["backup has run 1h20m, 20m over its planned 1h"],
    )


async def test_the_dashboard_announces_the_overrun_when_the_eta_passes(tmp_path):
    clock = FakeClock("2026-12-04T18:50+01:00")
    app, runbook, state = control_app(tmp_path, clock)  # backup (1h) running since 18:10
    with Weekend.open(runbook, state, clock=clock, create=True) as elsewhere:  # the DBA's
        elsewhere.record("eta", ["backup"], actor="sanne", host="h", value=_epoch("19:40"))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            clock.set("2026-12-04T19:30+01:00")  # 20m past its planned duration
            await until(pilot, lambda: app.snap.now == int(clock().timestamp()))
            assert ("overrun", "backup") not in app.announced
            clock.set("2026-12-04T19:45+01:00")
            await until(pilot, lambda: ("overrun", "backup") in app.announced)
            banner = str(app.query_one("#alerts").render())
            assert "backup is 5m past its eta Fri 19:40" in banner
    finally:
        app.weekend.close()
