"""Issue 22: the approvers of a gate's stage hear when their gate is forecast within heads_up
and when it is their stage's turn (again after a NO-GO), with the criteria and the point of
no return; through the outbox's notices, at a fixed clock."""

from __future__ import annotations

from runbook.notify.notices import due_notices

from .weekend_helpers import FakeClock, check, open_weekend

NOTIFIED = """
    name: Told
    timezone: Europe/Amsterdam
    start: 2026-12-04T18:00
    deadline: 2026-12-05T06:00
    notify:
      heads_up: 30m
      approvers:
        Ingrid de Vries: ["json://localhost/ingrid"]
        CIO: ["json://localhost/cio"]
    tasks:
      - {id: backup, title: Backup, team: dba, duration: 1h}
      - id: gonogo
        title: Go/no-go
        team: pmo
        milestone: true
        gate: true
        criteria: [Backup verified]
        decided_by:
          - {stage: project-team, approvers: [Ingrid de Vries, Ruud Mulder]}
          - {stage: steering-committee, approvers: [CIO, CMIO], needs: all}
        rollback: 2h
        depends_on: backup
      - {id: export, title: Export, team: dba, duration: 1h, depends_on: gonogo}
"""

WHO = {"Ingrid de Vries", "CIO"}


def _told(weekend):
    return {
        (n.key, n.to)
        for n in due_notices(weekend.snapshot(), teams=set(), coordinator=False, approvers=WHO)
    }


def test_the_stage_whose_turn_it_is_hears_soon_then_now_then_the_next_stage(write_runbook):
    path = write_runbook(NOTIFIED)
    clock = FakeClock("2026-12-04T18:00+01:00")
    with open_weekend(path, clock) as weekend:
        check(weekend, "start", "backup")
        assert _told(weekend) == set()  # the gate is an hour away
        clock.set("2026-12-04T18:40+01:00")
        assert _told(weekend) == {("decide-soon:gonogo:project-team", "approver:Ingrid de Vries")}
        clock.set("2026-12-04T19:00+01:00")
        check(weekend, "done", "backup")
        now = due_notices(weekend.snapshot(), teams=set(), coordinator=False, approvers=WHO)
        [ingrid] = now
        assert (ingrid.key, ingrid.to) == (
            "decide-now:gonogo:project-team:0",
            "approver:Ingrid de Vries",
        )
        assert "Criteria for GO:\n- Backup verified" in ingrid.body
        assert "Point of no return: Sat 04:00." in ingrid.body
        assert "runbook decide gonogo go|no-go --stage project-team --by NAME" in ingrid.body
        weekend.decide(
            "gonogo", "go", actor="mc", host="h", stage="project-team", approver="Ruud Mulder"
        )
        assert _told(weekend) == {("decide-now:gonogo:steering-committee:0", "approver:CIO")}
        clock.set("2026-12-04T19:10+01:00")
        nogo = weekend.decide(
            "gonogo", "no-go", actor="mc", host="h", stage="steering-committee", approver="CMIO"
        )
        # A new round: the project team decides again, and hears so again.
        assert _told(weekend) == {
            (f"decide-now:gonogo:project-team:{nogo.seq}", "approver:Ingrid de Vries")
        }
