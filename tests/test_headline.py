"""The headline every face leads with (issue 21 §5 and §10): an open NO-GO is the first line
until a later GO, ahead/behind after it; a finish held by a not_before says so, with the gain
on the next gate or milestone; one order of precedence decides, in the core."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from runbook.reports.render.html import status_html
from runbook.reports.status_page import status_page
from runbook.tui.app import MissionControl
from runbook.usecases import Weekend
from runbook.weekend.views import verdict

from .test_contracts import conforms
from .tui_helpers import SATURDAY_1300, saturday_weekend
from .weekend_helpers import FakeClock, at

NO_GO_LINE = "NO-GO   gonogo-2 · roll back by Sun 20:00 (in 1d7h) · takes 10h"


@pytest.fixture
def saturday(tmp_path: Path) -> tuple[Path, Path]:
    """The example weekend at Saturday 13:00, gonogo-2 decided NO-GO and no GO since."""
    return saturday_weekend(tmp_path, FakeClock(SATURDAY_1300))


def _env(runbook: Path, state: Path | str, now: str = "2026-12-05T13:00") -> dict[str, str]:
    return {
        "RUNBOOK_FILE": str(runbook),
        "RUNBOOK_STATE": str(state),
        "RUNBOOK_NOW": now,
        "RUNBOOK_USER": "cio",
        "COLUMNS": "80",
    }


def test_status_at_80_columns_leads_with_the_open_no_go_then_ahead_or_behind(cli, saturday):
    out = cli("status", env=_env(*saturday)).stdout
    lines = out.splitlines()
    assert lines[1].strip() == NO_GO_LINE.strip()
    # The pace, and what it alone would hide: Sunday's 08:00 acceptance test holds the
    # finish on plan while the work before gonogo-2 runs 1h15m late (issue 21 §10).
    assert lines[2] == " ON PLAN   finish held by Sun 08:00; gonogo-2 1h15m behind"
    assert lines[3] == "  forecast finish Mon 02:00 · baseline Mon 02:00"
    assert lines[4] == "  deadline Mon 06:00 (4h to spare)"  # folded after a " · ", whole
    assert all(len(line) <= 80 for line in lines)


def test_status_json_verdict_is_the_no_go_until_a_later_go(cli, saturday):
    env = _env(*saturday)
    report = json.loads(cli("status", "--json", env=env).stdout)
    assert report["verdict"]["headline"] == "NO-GO"
    assert report["verdict"]["pace"] == "ON PLAN"
    assert report["verdict"]["no_go"] == {
        "gate": "gonogo-2",
        "start_rollback_by": "2026-12-06T20:00:00+01:00",
        "rollback_minutes": 600,
    }
    assert report["verdict"]["text"].startswith("NO-GO gonogo-2 · roll back by Sun 20:00")
    conforms(report, "status")

    later = _env(*saturday, now="2026-12-05T13:30")
    assert cli("decide", "gonogo-2", "go", env=later).exit_code == 0
    report = json.loads(cli("status", "--json", env=later).stdout)
    assert report["verdict"]["headline"] == "ON PLAN" and report["verdict"]["no_go"] is None
    assert not cli("status", env=later).stdout.splitlines()[1].lstrip().startswith("NO-GO")
    conforms(report, "status")


def test_the_status_page_verdict_is_the_no_go_and_the_plan_comes_after_it(saturday):
    runbook, state = saturday
    with Weekend.open(runbook, state, clock=FakeClock(SATURDAY_1300)) as weekend:
        page = status_html(status_page(weekend.snapshot(), weekend.events()))
    banner = page.split('<div class="banner')[1].split("</div></div>")[0]
    assert '<div class="verdict">NO-GO</div>' in banner
    assert "gonogo-2 · roll back by Sun 20:00 (in 1d7h) · takes 10h" in banner
    assert "Against the plan: ON PLAN; finish held by Sun 08:00; gonogo-2 1h15m behind" in banner
    assert '<div class="verdict">ON PLAN</div>' not in page


async def test_the_dashboard_header_leads_with_the_no_go_at_every_width(saturday):
    runbook, state = saturday
    for size in ((80, 24), (120, 40), (160, 50)):
        weekend = Weekend.open(runbook, state, clock=FakeClock(SATURDAY_1300))
        app = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
        try:
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                first = _screen(app).splitlines()[0]
                assert NO_GO_LINE in first, size
                # The pace and the held finish follow on the line when it has room.
                held = "· ON PLAN: finish held by Sun 08:00; gonogo-2 1h15m behind"
                assert (held in first) == (size[0] >= 160), size
        finally:
            weekend.close()


def test_closed_leads_over_an_open_no_go_and_the_order_is_one_rule():
    from runbook.weekend.decisions import Decision
    from runbook.weekend.events import Event
    from runbook.weekend.views import Headline, Verdict
    from runbook.weekend.views.decisions import OpenNoGo
    from runbook.weekend.views.verdict import PRECEDENCE, RollingBackVerdict

    # Issue 22 slots ROLLING BACK in between, where this order kept its place.
    assert [state for state, _ in PRECEDENCE] == [
        Headline.CLOSED,
        Headline.ROLLING_BACK,
        Headline.NO_GO,
    ]

    decided = Decision("no-go", None, None, "cio", 0)
    close = Event(2, 60, 60, None, "close", "ingrid", "h", None, {})
    nogo = OpenNoGo("g", decided, 3600, [], 7200)
    both = Verdict("AHEAD", "5m", 300, 60, 360, None, None, closed=close, no_go=nogo)
    assert both.headline == Headline.CLOSED
    assert Verdict("AHEAD", "5m", 300, 60, 360, None, None, no_go=nogo).headline == "NO-GO"
    assert Verdict("AHEAD", "5m", 300, 60, 360, None, None).headline == "AHEAD"
    rolling = RollingBackVerdict("g", 0, 360, None, False)
    leads = Verdict("AHEAD", "5m", 300, 60, 360, None, None, no_go=nogo, rolling=rolling)
    assert leads.headline == "ROLLING BACK"
    closed = Verdict("AHEAD", "5m", 300, 60, 360, None, None, closed=close, rolling=rolling)
    assert closed.headline == Headline.CLOSED


HELD = """
    name: Held by Monday
    timezone: Europe/Amsterdam
    start: 2026-12-05T08:00
    deadline: 2026-12-07T06:00
    teams:
      dba: {name: Database team}
    tasks:
      - {id: a, title: Copy, team: dba, duration: 4h}
      - {id: g, title: Go or no-go, milestone: true, gate: true, rollback: 2h, depends_on: a}
      - {id: b, title: Switch, team: dba, duration: 2h, depends_on: g}
      - id: z
        title: Monday batch
        team: dba
        duration: 1h
        depends_on: b
        not_before: {at: 2026-12-07T00:00, fixed: true, reason: batch window}
"""


@pytest.fixture
def held(write_runbook: Callable[..., Path], tmp_path: Path) -> tuple[Path, Path]:
    """``a`` done 2h30m early: the gate is forecast 2h30m ahead, but Monday 00:00 holds
    the finish, so ahead/behind is ON PLAN."""
    runbook = write_runbook(HELD)
    state = tmp_path / "held.db"
    clock = FakeClock("2026-12-05T08:00+01:00")
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        weekend.record("start", ["a"], actor="sanne", host="h")
        clock.set("2026-12-05T09:30+01:00")
        weekend.record("done", ["a"], actor="sanne", host="h")
    return runbook, state


def test_a_finish_held_by_a_not_before_says_so_with_the_gain_on_the_next_gate(cli, held):
    env = _env(*held, now="2026-12-05T09:30")
    lines = cli("status", env=env).stdout.splitlines()
    assert lines[1] == " ON PLAN   finish held by Mon 00:00; g 2h30m ahead"
    assert lines[2].startswith("forecast finish Mon 01:00 · baseline Mon 01:00")
    report = json.loads(cli("status", "--json", env=env).stdout)
    assert report["verdict"]["headline"] == "ON PLAN"
    assert report["verdict"]["finish_held"] == {
        "by": "2026-12-07T00:00:00+01:00",
        "task": "z",
        "next": "g",
        "next_ahead_minutes": 150,
    }
    conforms(report, "status")


def test_the_held_finish_is_said_on_the_status_page(held):
    runbook, state = held
    clock = FakeClock("2026-12-05T09:30+01:00")
    with Weekend.open(runbook, state, clock=clock) as weekend:
        page = status_html(status_page(weekend.snapshot(), weekend.events()))
    banner = page.split('<div class="banner')[1].split("</div></div>")[0]
    assert "Finish held by Mon 00:00; g 2h30m ahead." in banner


async def test_the_dashboard_says_the_finish_is_held_on_its_first_line(held):
    runbook, state = held
    weekend = Weekend.open(runbook, state, clock=FakeClock("2026-12-05T09:30+01:00"))
    app = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            first, second = _screen(app).splitlines()[:2]
            assert first.strip() == "finish held by Mon 00:00; g 2h30m ahead"
            assert second.strip().startswith("ON PLAN  forecast Mon 01:00")
    finally:
        weekend.close()


def test_work_that_drives_the_finish_is_not_held(cli, held):
    """Once the finish depends on work (b overruns past Monday 00:00), it is not held."""
    runbook, state = held
    clock = FakeClock("2026-12-05T09:30+01:00")
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        weekend.decide("g", "go", actor="cio", host="h")
        weekend.record("done", ["g"], actor="cio", host="h")
        weekend.record("start", ["b"], actor="sanne", host="h")
        weekend.record(
            "eta",
            ["b"],
            actor="sanne",
            host="h",
            value=int(at("2026-12-07T02:00+01:00").timestamp()),
        )
        snap = weekend.snapshot()
    assert verdict(snap).held is None
    assert verdict(snap).word == "BEHIND"


def _screen(app: MissionControl) -> str:
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )
