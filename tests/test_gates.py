"""Go/no-go gates: decisions, the GO a gate needs, points of no return, sign-offs, checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook.common.errors import InputError
from runbook.validation.validate import plan_path
from runbook.weekend.gates import next_point_of_no_return, points_of_no_return

from .weekend_helpers import FakeClock, at, check, open_weekend

GOLDEN = Path(__file__).parent / "data" / "golden" / "weekend.yaml"


@pytest.fixture
def weekend(tmp_path, state_location):
    clock = FakeClock("2026-12-04T20:30+01:00")
    runbook = tmp_path / "weekend.yaml"
    runbook.write_bytes(GOLDEN.read_bytes())
    opened = open_weekend(runbook, clock, state_location)
    opened.test_clock = clock  # type: ignore[attr-defined]
    yield opened
    opened.close()


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else seconds / 60


def test_a_rollback_given_as_tasks_takes_their_critical_path():
    plan = plan_path(GOLDEN).plan
    assert plan.gates["gate-transfer"].rollback == 4 * 3600  # restore 3h, then DNS 1h
    assert plan.gates["gate-transfer"].rollback_tasks == ["rb-restore", "rb-dns"]
    assert plan.gates["gate-live"].rollback == 5 * 3600


def test_the_point_of_no_return_is_the_deadline_minus_the_rollback():
    plan = plan_path(GOLDEN).plan
    transfer, live = points_of_no_return(plan)
    # Deadline Sat 12:00; transfer rollback 4h -> Sat 08:00; the gate is planned Fri 20:15.
    assert transfer.gate == "gate-transfer"
    assert transfer.point == int(at("2026-12-05T08:00+01:00").timestamp())
    assert transfer.planned == int(at("2026-12-04T20:15+01:00").timestamp())
    assert _minutes(transfer.margin) == 11 * 60 + 45
    # Live: rollback 5h -> Sat 07:00, but the gate is planned Sat 08:00 (test waits for 06:00).
    assert live.point == int(at("2026-12-05T07:00+01:00").timestamp())
    assert live.planned == int(at("2026-12-05T08:00+01:00").timestamp())
    assert _minutes(live.margin) == -60


def test_a_gate_cannot_be_done_without_a_go(weekend):
    check(weekend, "start", "freeze", at=at("2026-12-04T18:00+01:00"))
    check(weekend, "done", "freeze", at=at("2026-12-04T18:15+01:00"))
    check(weekend, "start", "export", at=at("2026-12-04T18:15+01:00"))
    check(weekend, "done", "export")
    refused = check(weekend, "done", "gate-transfer")
    assert "has no GO decision yet" in refused.refused[0][1].message
    assert refused.refused[0][1].hint == "runbook decide gate-transfer go --by NAME"
    weekend.decide("gate-transfer", "no-go", actor="CIO", host="h", note="row counts differ")
    assert "the decision was NO-GO" in check(weekend, "done", "gate-transfer").refused[0][1].message
    weekend.decide("gate-tr", "GO", actor="CIO", host="h")
    done = check(weekend, "done", "gate-transfer")
    assert [e.task for e in done.events] == ["gate-transfer"]  # a milestone is simply reached


def test_only_a_gate_takes_a_decision(weekend):
    with pytest.raises(InputError, match="import is not a go/no-go gate"):
        weekend.decide("import", "go", actor="CIO", host="h")
    with pytest.raises(InputError, match="'maybe' is not a decision"):
        weekend.decide("gate-live", "maybe", actor="CIO", host="h")


def test_a_decision_is_an_event_and_the_latest_counts(weekend):
    weekend.decide("gate-transfer", "no-go", actor="CIO", host="h")
    weekend.decide("gate-transfer", "go", actor="CIO", host="h", note="after recount")
    decisions = [e for e in weekend.events() if e.kind == "decide"]
    assert [e.data["decision"] for e in decisions] == ["no-go", "go"]
    assert decisions[-1].summary == "decide GO"
    assert decisions[-1].note == "after recount"


def test_the_next_point_of_no_return_is_the_earliest_still_ahead(weekend):
    snap = weekend.snapshot()
    upcoming = next_point_of_no_return(snap)
    assert upcoming is not None and upcoming.gate == "gate-live"  # Sat 07:00 comes first
    weekend.decide("gate-live", "go", actor="CMIO", host="h")
    assert next_point_of_no_return(weekend.snapshot()).gate == "gate-transfer"


def test_sign_offs_and_checks_are_recorded_by_team_and_item(weekend):
    event = weekend.sign_off("Database team", actor="Sanne", host="h")
    assert event.data == {"team": "dba"}
    assert weekend.check_item("com", actor="pmo", host="h").data == {"item": "comms"}
    with pytest.raises(InputError, match="unknown team 'dbx'"):
        weekend.sign_off("dbx", actor="x", host="h")
    with pytest.raises(InputError, match="unknown readiness item 'cba'"):
        weekend.check_item("cba", actor="x", host="h")


def test_decisions_and_sign_offs_do_not_take_the_baseline(weekend):
    weekend.decide("gate-live", "go", actor="CMIO", host="h")
    weekend.sign_off("dba", actor="Sanne", host="h")
    assert [e.kind for e in weekend.events()] == ["decide", "signoff"]
