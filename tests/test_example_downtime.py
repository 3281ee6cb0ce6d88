"""The example weekend's announced 18:00 downtime cannot move: however early Friday runs,
nothing of it is offered to pull forward, and a pull of it is refused with its reason."""

from __future__ import annotations

from datetime import datetime

from runbook.usecases import Weekend

from .tui_helpers import EXAMPLE
from .weekend_helpers import FakeClock, check

FRIDAY_1800 = int(datetime.fromisoformat("2026-12-04T18:00+01:00").timestamp())


def test_the_examples_18_00_downtime_is_fixed_and_never_offered_to_pull_forward(tmp_path):
    runbook = tmp_path / "weekend.yaml"
    runbook.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    with Weekend.open(runbook, clock=FakeClock("2026-12-04T06:00+01:00"), create=True) as weekend:
        plan = weekend.plan
        at_six = [t for t in plan.tasks if t.not_before == FRIDAY_1800]
        assert {t.id for t in at_six} >= {"hl7-stop-inbound", "apps-stop-business"}
        for t in at_six:
            assert t.not_before_fixed and "18:00" in (t.not_before_reason or ""), t.id
        # The announcement and the printouts may come early; the downtime itself may not.
        pulled = check(weekend, "pull", "comms-downtime-start", "ehr-downtime-reports")
        assert not pulled.refused
        offered = {p.id for p in weekend.pull_forward(weekend.snapshot())}
        assert not offered & {"hl7-stop-inbound", "apps-stop-business"}
        refused = check(weekend, "pull", "apps-stop-business", "hl7-stop-inbound").refused
        assert [task for task, _ in refused] == ["apps-stop-business", "hl7-stop-inbound"]
        assert all("announced" in refusal.message for _, refusal in refused)
