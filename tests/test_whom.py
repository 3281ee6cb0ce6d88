"""Whom to call, once (``views.whom``): the briefing, the dashboard, the notifications and the
calendar all name a team, its lead and its number from one ``Contact``."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook.notify.notices import due_notices
from runbook.reports.calendar import build_calendar
from runbook.usecases import Weekend
from runbook.validation.validate import validate_path
from runbook.weekend.views.whom import Contact, mission_control, whom_to_call

from .builders import friday, runbook_yaml, task
from .weekend_helpers import FakeClock, at

TEAMS = """teams:
  dba: {name: Database team, lead: Sanne Bakker, contact: +31 20 555 0120}
  ops: {lead: Ruud Mulder}
  net: {contact: noc@example.org}
  pmo: {name: Mission control, lead: Ingrid de Vries, contact: +31 20 555 0100}
"""


@pytest.fixture
def runbook(tmp_path: Path) -> Path:
    path = tmp_path / "r.yaml"
    tasks = [
        task("backup", team="dba"),
        task("patch", team="ops"),
        task("route", team="net"),
        "{id: wait, title: WAIT, duration: 1h}",  # no team
    ]
    path.write_text(runbook_yaml("Teams", friday("18:00"), tasks, extra=TEAMS), encoding="utf-8")
    return path


# (team, its label, the lead and the number as the briefing says them, as a message does)
CONTACTS = [
    (
        "dba",
        "Database team (dba)",
        "Sanne Bakker +31 20 555 0120",
        "Sanne Bakker - +31 20 555 0120",
    ),
    ("ops", "ops", "Ruud Mulder", "Ruud Mulder"),
    ("net", "net", "noc@example.org", "noc@example.org"),
    ("qa", "qa", "", ""),  # a team the runbook does not list
    (None, "none", "", ""),  # a task without a team
]


@pytest.mark.parametrize(("team", "label", "spoken", "dashed"), CONTACTS)
def test_whom_to_call_names_the_team_its_lead_and_its_number(runbook, team, label, spoken, dashed):
    plan = validate_path(runbook).plan
    assert plan is not None
    whom = whom_to_call(plan, team)
    assert (whom.label, whom.who(), whom.who(" - ")) == (label, spoken, dashed)


def test_mission_control_is_the_pmo_with_its_lead_and_number(runbook):
    plan = validate_path(runbook).plan
    assert plan is not None
    assert mission_control(plan) == Contact(
        "pmo", "Mission control", "Ingrid de Vries", "+31 20 555 0100", listed=True
    )


def test_the_alert_and_the_calendar_name_a_team_listed_without_a_name_alike(runbook):
    """``ops`` has no name: both say ``ops``, neither ``ops (ops)``."""
    clock = FakeClock(friday("18:00"))
    with Weekend.open(runbook, runbook.with_suffix(".db"), clock=clock, create=True) as weekend:
        weekend.record("start", ["patch"], actor="ruud", host="pc")
        clock.set(friday("18:20"))
        weekend.record("fail", ["patch"], actor="ruud", host="pc", note="disk full")
        snap = weekend.snapshot()
        plan = weekend.plan
    [failed] = [
        n for n in due_notices(snap, teams=set(), coordinator=True) if n.key.startswith("failed")
    ]
    assert "Team: ops" in failed.body.splitlines()
    assert "Call: Ruud Mulder" in failed.body.splitlines()
    entries = build_calendar(plan, stamp=int(at(friday("18:00")).timestamp()), sequence=0)
    [patch] = [e for e in entries.entries if e.task_id == "patch"]
    assert "Team: ops: Ruud Mulder" in patch.description.splitlines()
    assert "Coordinator: Mission control (pmo): Ingrid de Vries, +31 20 555 0100" in (
        patch.description.splitlines()
    )
