"""Issue 22: a gate decided in stages, through ``Weekend.decide`` on both stores: the first
stage alone does not pass it, a name that is no approver of the stage is refused, a NO-GO
resets every stage, the quorum counts distinct approvers; and the faces say what the gate
still waits for."""

from __future__ import annotations

import json

import pytest

from runbook.common.errors import InputError, Refused
from runbook.weekend.gates import GO, NO_GO, decision, gate_standing
from runbook.weekend.rules import audited
from runbook.weekend.views.decisions import split_ready

from .weekend_helpers import FakeClock, at, check, open_weekend

STAGED = """
    name: Staged
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
        decided_by:
          - {stage: project-team, approvers: [Ingrid de Vries, Ruud Mulder], needs: 1}
          - {stage: steering-committee, approvers: [CIO, CMIO, CFO], needs: 2}
        rollback: 2h
        depends_on: backup
      - {id: export, title: Export, team: dba, duration: 1h, depends_on: gonogo}
"""


@pytest.fixture
def staged(write_runbook, state_location):
    """The backup done at 19:00; at 19:10 gonogo waits for the project team."""
    path = write_runbook(STAGED)
    clock = FakeClock("2026-12-04T19:10+01:00")
    weekend = open_weekend(path, clock, state_location)
    check(weekend, "start", "backup", at=at("2026-12-04T18:00+01:00"))
    check(weekend, "done", "backup", at=at("2026-12-04T19:00+01:00"))
    yield weekend, clock, path
    weekend.close()


def _say(weekend, verdict, stage, approver, **kw):
    return weekend.decide(
        "gonogo", verdict, actor="mc", host="bridge", stage=stage, approver=approver, **kw
    )


def _verdict(weekend):
    snap = weekend.snapshot()
    return decision(weekend.plan.gates["gonogo"], snap.records.get("gonogo"))


def test_a_go_by_the_first_stage_alone_does_not_pass_the_gate(staged):
    weekend, _, _ = staged
    event = _say(weekend, "go", "project-team", "ingrid de vries")
    assert event.data == {"decision": "go", "stage": "project-team", "approver": "Ingrid de Vries"}
    assert event.actor == "mc"  # the recorder, beside the approver
    assert _verdict(weekend) is None
    refused = check(weekend, "done", "gonogo")
    assert refused.refused[0][1].message == (
        "gonogo is a go/no-go gate and still waits for the GO of its steering-committee stage"
    )
    assert (
        refused.refused[0][1].hint
        == "runbook decide gonogo go --stage steering-committee --by NAME"
    )
    _say(weekend, "go", "steering-committee", "CIO")
    assert _verdict(weekend) is None  # the committee needs two of its three
    _say(weekend, "go", "steering-committee", "CFO")
    assert _verdict(weekend) == GO
    assert not check(weekend, "done", "gonogo").refused


def test_a_name_that_is_no_approver_of_the_stage_is_refused_with_a_did_you_mean(staged):
    weekend, _, _ = staged
    with pytest.raises(InputError) as wrong:
        _say(weekend, "go", "project-team", "Ingrid de Vires")
    assert "'Ingrid de Vires' is not an approver of gonogo's project-team stage" in str(wrong.value)
    assert wrong.value.hint == "did you mean 'Ingrid de Vries'?"
    with pytest.raises(InputError) as elsewhere:
        _say(weekend, "go", "project-team", "CIO")
    assert "CIO decides at gonogo's steering-committee stage" in str(elsewhere.value)
    with pytest.raises(InputError) as unstaged:
        _say(weekend, "go", None, "Ruud Mulder")
    assert "say which one decides" in str(unstaged.value)
    assert unstaged.value.hint == "--stage project-team"
    assert weekend.snapshot().records.get("gonogo") is None  # nothing was recorded


def test_a_stage_cannot_decide_before_the_stage_before_it_said_go_unless_forced(staged):
    weekend, _, _ = staged
    with pytest.raises(Refused) as early:
        _say(weekend, "no-go", "steering-committee", "CIO")
    assert "steering-committee cannot decide before project-team has said GO" in str(early.value)
    assert early.value.forceable
    forced = _say(weekend, "no-go", "steering-committee", "CIO", force=True)
    assert forced.data["forced"] is True
    assert "cannot decide before project-team" in forced.data["overrode"]
    assert _verdict(weekend) == NO_GO


def test_a_no_go_resets_every_stage_and_the_gate_passes_after_all_say_go_again(staged):
    weekend, clock, _ = staged
    _say(weekend, "go", "project-team", "Ruud Mulder")
    _say(weekend, "go", "steering-committee", "CIO")
    clock.advance(minutes=5)
    _say(weekend, "no-go", "steering-committee", "CMIO", note="row counts differ")
    assert _verdict(weekend) == NO_GO
    with pytest.raises(Refused):  # the project team decides again first
        _say(weekend, "go", "steering-committee", "CIO")
    clock.advance(minutes=20)
    _say(weekend, "go", "project-team", "Ruud Mulder")
    _say(weekend, "go", "steering-committee", "CMIO")
    assert _verdict(weekend) == NO_GO  # one GO after the NO-GO is not a pass
    _say(weekend, "go", "steering-committee", "CIO")
    assert _verdict(weekend) == GO


def test_the_same_approver_twice_counts_once_toward_the_quorum_and_is_refused(staged):
    weekend, _, _ = staged
    _say(weekend, "go", "project-team", "Ingrid de Vries")
    _say(weekend, "go", "steering-committee", "CIO")
    with pytest.raises(Refused) as again:
        _say(weekend, "go", "steering-committee", "cio")
    assert "CIO already said GO at gonogo" in str(again.value)
    assert not again.value.forceable
    standing = gate_standing(weekend.plan.gates["gonogo"], weekend.snapshot().records["gonogo"])
    committee = standing.standing_of("steering-committee")
    assert committee is not None and committee.still_needed == 1
    assert committee.not_yet == ("CMIO", "CFO")


def test_status_says_what_the_gate_still_waits_for_and_the_gos_given(cli, staged):
    weekend, _, path = staged
    _say(weekend, "go", "project-team", "Ingrid de Vries")
    snap = weekend.snapshot()
    _, needed = split_ready(snap, [snap.by_id("gonogo")])
    assert needed[0].line(weekend.plan.zone) == (
        "gonogo waits for the steering committee: 2 of CIO, CMIO, CFO; "
        "project team GO Fri 19:10 by Ingrid de Vries, recorded by mc"
    )
    env = {
        "RUNBOOK_FILE": str(path),
        "RUNBOOK_STATE": weekend.state_path if isinstance(weekend.state_path, str) else "",
        "RUNBOOK_NOW": "2026-12-04T19:10",
        "COLUMNS": "80",
    }
    env = {k: v for k, v in env.items() if v}
    out = cli("status", env=env).stdout
    assert "gonogo  decision needed  the steering committee: 2 of CIO, CMIO, CFO" in out
    assert "project team GO Fri 19:10 by Ingrid de Vries, recorded by mc" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    report = json.loads(cli("status", "--json", env=env).stdout)
    [gate] = report["decisions_needed"]
    assert gate["waiting_for"] == {
        "stage": "steering-committee",
        "needs": 2,
        "not_yet": ["CIO", "CMIO", "CFO"],
    }
    assert gate["given"] == [
        {
            "stage": "project-team",
            "approver": "Ingrid de Vries",
            "recorded_by": "mc",
            "at": "2026-12-04T19:10:00+01:00",
        }
    ]


def test_the_decide_command_records_the_approver_and_the_recorder_and_says_what_is_left(
    cli, staged
):
    weekend, _, path = staged
    env = {"RUNBOOK_FILE": str(path), "RUNBOOK_NOW": "2026-12-04T19:10", "RUNBOOK_USER": "mc"}
    if isinstance(weekend.state_path, str):
        env["RUNBOOK_STATE"] = weekend.state_path
    said = cli("decide", "gonogo", "go", "--stage", "project-team", "--by", "Ruud Mulder", env=env)
    assert said.exit_code == 0, said.stderr
    assert said.stdout.splitlines() == [
        "GO at gonogo (project-team) · Fri 19:10 by Ruud Mulder, recorded by mc",
        "gonogo waits for the steering committee: 2 of CIO, CMIO, CFO; project team GO Fri "
        "19:10 by Ruud Mulder, recorded by mc",
    ]
    reason = cli(
        "decide",
        "gonogo",
        "no-go",
        "--stage",
        "steering-committee",
        "--by",
        "CFO",
        "--reason",
        "no rollback rehearsal",
        env=env,
    )
    assert reason.exit_code == 0, reason.stderr
    log = json.loads(cli("log", "--json", env=env).stdout)
    assert log[-1]["note"] == "no rollback rehearsal"
    assert log[-1]["data"]["approver"] == "CFO" and log[-1]["actor"] == "mc"
    stranger = cli("decide", "gonogo", "go", "--stage", "project-team", "--by", "Bob", env=env)
    assert stranger.exit_code == 1
    assert "'Bob' is not an approver of gonogo's project-team stage" in stranger.stderr


def test_a_staged_decide_written_out_of_order_at_a_psql_prompt_is_marked_against_the_rule(
    staged,
):
    weekend, _, _ = staged
    from runbook.weekend.events import Event

    out_of_order = Event(
        90,
        10,
        10,
        "gonogo",
        "decide",
        "mc",
        "psql",
        None,
        {"decision": "go", "stage": "steering-committee", "approver": "CIO"},
    )
    whole_gate = Event(91, 11, 11, "gonogo", "decide", "mc", "psql", None, {"decision": "go"})
    marked, unmarked = audited(weekend.plan, [out_of_order, whole_gate])
    assert marked.against is not None
    assert "steering-committee cannot decide before project-team" in marked.against
    assert unmarked.against is None  # a decision of the whole gate is never audited
