"""A gate waiting for its decision is not work to call a team for, and a NO-GO stays on
screen until it is resolved: in `runbook status` (text and JSON) and in the dashboard."""

from __future__ import annotations

import json

import pytest

from runbook.tui.app import MissionControl
from runbook.usecases import Weekend

from .tui_helpers import until
from .weekend_helpers import FakeClock, at

GATED = """
    name: Gated
    timezone: Europe/Amsterdam
    start: 2026-12-04T18:00
    deadline: 2026-12-05T06:00
    tasks:
      - {id: backup, title: Backup, team: dba, duration: 1h}
      - id: gonogo
        title: Go/no-go
        team: pmo
        milestone: true
        gate: true
        approvers: [CIO, Programme manager]
        rollback: 2h
        depends_on: backup
      - {id: export, title: Export, team: dba, duration: 1h, depends_on: gonogo}
"""


@pytest.fixture
def gated(write_runbook, tmp_path):
    """The backup done at 19:00; at 19:10 the gate waits for its decision."""
    path = write_runbook(GATED)
    clock = FakeClock("2026-12-04T19:10+01:00")
    with Weekend.open(path, clock=clock, create=True) as weekend:
        weekend.record("start", ["backup"], actor="a", host="h", at=at("2026-12-04T18:00+01:00"))
        weekend.record("done", ["backup"], actor="a", host="h", at=at("2026-12-04T19:00+01:00"))
    return path, clock


def _env(path, now="2026-12-04T19:10"):
    return {"RUNBOOK_FILE": str(path), "RUNBOOK_NOW": now, "RUNBOOK_USER": "cio"}


def test_a_gate_waiting_for_its_decision_is_listed_with_its_approvers_not_as_ready(cli, gated):
    path, _ = gated
    out = cli("status", env={**_env(path), "COLUMNS": "140"}).stdout
    assert "Decision needed (go/no-go: the approvers decide) (1)" in out
    assert "gonogo  decision needed  CIO or Programme manager" in out
    assert "Ready to start" not in out


def test_status_json_marks_the_gate_as_needing_a_decision(cli, gated):
    path, _ = gated
    report = json.loads(cli("status", "--json", env=_env(path)).stdout)
    gate = next(t for t in report["tasks"] if t["id"] == "gonogo")
    assert gate["status"] == "ready" and gate["decision_needed"] is True
    assert report["decisions_needed"] == [
        {
            "gate": "gonogo",
            "approvers": ["CIO", "Programme manager"],
            "since": "2026-12-04T19:00:00+01:00",
            "waiting_for": {
                "stage": "approvers",
                "needs": 1,
                "not_yet": ["CIO", "Programme manager"],
            },
            "given": [],
        }
    ]


def test_a_no_go_shows_in_status_with_the_rollback_until_a_later_go(cli, gated):
    path, _ = gated
    env = _env(path)
    cli("decide", "gonogo", "no-go", "--note", "backup unreadable", env=env)
    out = cli("status", env={**env, "COLUMNS": "160"}).stdout
    assert (
        "NO-GO at gonogo  (Fri 19:10 by CIO: backup unreadable) — roll back: gonogo.rollback "
        "(takes 2h); "
        "start it by Sat 04:00 (in 8h50m)" in out
    )
    assert "Decision needed" not in out and "Ready to start" not in out
    report = json.loads(cli("status", "--json", env=env).stdout)
    assert [(n["gate"], n["start_rollback_by"]) for n in report["no_go"]] == [
        ("gonogo", "2026-12-05T04:00:00+01:00")
    ]
    later = _env(path, "2026-12-04T19:40")
    cli("decide", "gonogo", "go", env=later)
    assert "NO-GO" not in cli("status", env=later).stdout
    assert json.loads(cli("status", "--json", env=later).stdout)["no_go"] == []


async def test_the_dashboard_lists_the_gate_as_decision_needed_and_shows_a_no_go_in_its_header(
    gated,
):
    path, clock = gated
    weekend = Weekend.open(path, clock=clock, create=True)
    app = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ready = str(app.query_one("#ready").render())
        assert "gonogo DECISION NEEDED" in ready and "CIO or Programme manager" in ready
        assert not app.query_one("#nogo").display

        with Weekend.open(path, clock=clock) as bridge:  # decided on another terminal
            bridge.decide("gonogo", "no-go", actor="cio", host="h", note="backup unreadable")
        await until(pilot, lambda: app.query_one("#nogo").display)
        banner = str(app.query_one("#nogo").render())
        assert "NO-GO at gonogo" in banner and "start by Sat 04:00" in banner
        assert "gonogo" not in str(app.query_one("#ready").render())

        clock.advance(minutes=20)
        with Weekend.open(path, clock=clock) as bridge:
            bridge.decide("gonogo", "go", actor="cio", host="h")
        await until(pilot, lambda: not app.query_one("#nogo").display)
    weekend.close()
