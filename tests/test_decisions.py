"""The staged go/no-go rule (runbook.weekend.decisions), with no store: what a gate's decisions
amount to, and which new decision is taken, refused or forceable (issue 22)."""

from __future__ import annotations

from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest

from runbook.common.errors import InputError
from runbook.planning.plan import GateInfo, GateStage
from runbook.weekend.decisions import (
    GO,
    NO_GO,
    Decider,
    Decision,
    decider,
    refusal,
    standing,
    standing_of_events,
)
from runbook.weekend.events import Event

ZONE = ZoneInfo("Europe/Amsterdam")
SAT_1200 = 1796468400  # Sat 05 Dec 2026 12:00 in Amsterdam

TWO_STAGES = GateInfo(
    "gonogo-1",
    [],
    (
        GateStage("project-team", ("Ingrid de Vries", "Ruud Mulder"), 1),
        GateStage("steering-committee", ("CIO", "CMIO"), 2),
    ),
    3600,
    [],
)
QUORUM = GateInfo("gonogo-2", [], (GateStage("board", ("CIO", "CMIO", "CFO"), 2),), None, [])
ONE_LIST = GateInfo("gonogo-3", [], (GateStage("approvers", ("CIO", "CMIO"), 1),), None, [])
NOBODY = GateInfo("gonogo-4", [], (), None, [])

# A decision as a test writes it: "go project-team Ingrid de Vries" (stage "-": none).
Said = str


def _decisions(said: list[Said]) -> list[Decision]:
    out = []
    for minute, line in enumerate(said):
        verdict, stage, approver = line.split(" ", 2)
        out.append(
            Decision(
                GO if verdict == "go" else NO_GO,
                None if stage == "-" else stage,
                approver,
                "mission control",
                SAT_1200 + 60 * minute,
                seq=minute + 1,
            )
        )
    return out


class Case(NamedTuple):
    claim: str
    gate: GateInfo
    said: list[Said]
    verdict: str | None  # go, no-go, or None
    waiting: str | None  # the stage whose turn it is
    not_yet: tuple[str, ...]  # who of it has not said GO


CASES = [
    Case("nothing said: the first stage's turn", TWO_STAGES, [], None, "project-team",
         ("Ingrid de Vries", "Ruud Mulder")),
    Case("a GO by the first stage only does not pass a two-stage gate", TWO_STAGES,
         ["go project-team Ingrid de Vries"], None, "steering-committee", ("CIO", "CMIO")),
    Case("needs all: one of the two is not enough", TWO_STAGES,
         ["go project-team Ingrid de Vries", "go steering-committee CIO"], None,
         "steering-committee", ("CMIO",)),
    Case("needs all: both pass it", TWO_STAGES,
         ["go project-team Ruud Mulder", "go steering-committee CIO",
          "go steering-committee CMIO"], GO, None, ()),
    Case("a NO-GO from any approver at any stage is a NO-GO, even after a pass", TWO_STAGES,
         ["go project-team Ruud Mulder", "go steering-committee CIO",
          "go steering-committee CMIO", "no-go steering-committee CMIO"], NO_GO,
         "project-team", ("Ingrid de Vries", "Ruud Mulder")),
    Case("a NO-GO from the first stage is a NO-GO", TWO_STAGES,
         ["no-go project-team Ingrid de Vries"], NO_GO, "project-team",
         ("Ingrid de Vries", "Ruud Mulder")),
    Case("after a NO-GO every stage says GO again, and then it passes", TWO_STAGES,
         ["go project-team Ingrid de Vries", "no-go steering-committee CIO",
          "go project-team Ingrid de Vries", "go steering-committee CIO",
          "go steering-committee CMIO"], GO, None, ()),
    Case("after a NO-GO the first stage's GO alone leaves the NO-GO open", TWO_STAGES,
         ["no-go steering-committee CIO", "go project-team Ruud Mulder"], NO_GO,
         "steering-committee", ("CIO", "CMIO")),
    Case("GOs before the last NO-GO no longer count", TWO_STAGES,
         ["go project-team Ingrid de Vries", "go steering-committee CIO",
          "no-go project-team Ruud Mulder", "go steering-committee CMIO"], NO_GO,
         "project-team", ("Ingrid de Vries", "Ruud Mulder")),
    Case("a GO by someone who is no approver of the stage counts for nothing", TWO_STAGES,
         ["go project-team Ingrid de Vries", "go steering-committee CIO",
          "go steering-committee Ingrid de Vries"], None, "steering-committee", ("CMIO",)),
    Case("a GO at a stage the gate does not have counts for nothing", TWO_STAGES,
         ["go project-team Ingrid de Vries", "go board CIO", "go board CMIO"], None,
         "steering-committee", ("CIO", "CMIO")),
    Case("the stages' GOs pass the gate in whatever order the log holds them", TWO_STAGES,
         ["go steering-committee CIO", "go steering-committee CMIO",
          "go project-team Ingrid de Vries"], GO, None, ()),
    Case("the quorum: one GO of the two needed does not pass", QUORUM,
         ["go board CFO"], None, "board", ("CIO", "CMIO")),
    Case("the quorum: the same approver twice is one GO", QUORUM,
         ["go board CFO", "go board CFO"], None, "board", ("CIO", "CMIO")),
    Case("the quorum: two distinct approvers pass it", QUORUM,
         ["go board CFO", "go board CMIO"], GO, None, ()),
    Case("a one-list gate: any one approver passes it", ONE_LIST,
         ["go approvers CMIO"], GO, None, ()),
    Case("a one-list gate: NO-GO, then GO again", ONE_LIST,
         ["go approvers CIO", "no-go approvers CMIO", "go approvers CIO"], GO, None, ()),
    Case("a decision of the whole gate (recorded before stages) passes every stage",
         TWO_STAGES, ["go - CIO"], GO, None, ()),
    Case("a whole-gate NO-GO after it is a NO-GO", TWO_STAGES,
         ["go - CIO", "no-go - CIO"], NO_GO, "project-team",
         ("Ingrid de Vries", "Ruud Mulder")),
    Case("a gate that names nobody: anyone's GO passes it", NOBODY, ["go - anyone"], GO,
         None, ()),
    Case("a gate that names nobody: NO-GO is open until a GO", NOBODY,
         ["go - anyone", "no-go - someone"], NO_GO, None, ()),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.claim)
def test_what_a_gates_decisions_amount_to(case: Case):
    now = standing(case.gate, _decisions(case.said))
    assert now.verdict == case.verdict
    waiting = now.waiting_for
    assert (waiting.stage.name if waiting else None) == case.waiting
    assert (waiting.not_yet if waiting else ()) == case.not_yet
    assert [d.verdict for d in now.decisions] == [s.split()[0] for s in case.said]


def test_the_gos_given_per_stage_say_who_and_when_and_the_pass_names_its_last_go():
    said = _decisions(
        [
            "go project-team Ingrid de Vries",
            "go project-team Ruud Mulder",
            "go steering-committee CMIO",
            "go steering-committee CIO",
        ]
    )
    now = standing(TWO_STAGES, said)
    project = now.standing_of("project-team")
    assert project is not None
    assert [(d.approver, d.at) for d in project.gos] == [
        ("Ingrid de Vries", SAT_1200),
        ("Ruud Mulder", SAT_1200 + 60),
    ]
    assert now.passed == said[3]
    assert now.no_go is None
    assert now.latest == said[3]


def test_the_open_no_go_is_the_last_one_and_a_full_pass_closes_it():
    said = _decisions(
        [
            "no-go project-team Ingrid de Vries",
            "no-go steering-committee CIO",
            "go project-team Ruud Mulder",
        ]
    )
    now = standing(TWO_STAGES, said)
    assert now.no_go == said[1]
    assert now.passed is None
    passed = standing(
        TWO_STAGES,
        [
            *said,
            *_decisions(["go steering-committee CIO", "go steering-committee CMIO"]),
        ],
    )
    assert passed.no_go is None and passed.verdict == GO


def test_a_decide_event_reads_as_the_decision_of_its_approver_recorded_by_its_actor():
    staged = Event(
        7, SAT_1200, SAT_1200, "gonogo-1", "decide", "mission control", "h", "by phone",
        {"decision": "go", "stage": "steering-committee", "approver": "CIO"},
    )  # fmt: skip
    before_stages = Event(
        8, SAT_1200, SAT_1200, "gonogo-1", "decide", "CIO", "h", None, {"decision": "no-go"}
    )
    assert Decision.of(staged) == Decision(
        GO, "steering-committee", "CIO", "mission control", SAT_1200, "by phone", 7
    )
    assert Decision.of(before_stages) == Decision(NO_GO, None, None, "CIO", SAT_1200, None, 8)
    assert Decision.of(before_stages).who == "CIO"
    assert standing_of_events(TWO_STAGES, [staged, before_stages]).verdict == NO_GO


# -- a new decision: who it is from ------------------------------------------------------


@pytest.mark.parametrize(
    ("gate", "stage", "name", "expected"),
    [
        (TWO_STAGES, "project-team", "Ingrid de Vries", Decider("project-team", "Ingrid de Vries")),
        (TWO_STAGES, "steering-committee", "cio", Decider("steering-committee", "CIO")),
        (TWO_STAGES, "Project-Team", "ruud  mulder", Decider("project-team", "Ruud Mulder")),
        (ONE_LIST, None, "CMIO", Decider("approvers", "CMIO")),
        (QUORUM, None, "CFO", Decider("board", "CFO")),
        (NOBODY, None, "whoever is on the bridge", Decider(None, "whoever is on the bridge")),
    ],
    ids=[
        "an approver of the stage",
        "the name in another case is the runbook's",
        "a stage and a name in another case and spacing",
        "a one-list gate may leave out the stage",
        "a single-stage gate may leave out the stage",
        "a gate that names nobody takes anyone",
    ],
)
def test_a_new_decision_names_the_stage_and_the_approver_as_the_runbook_spells_them(
    gate, stage, name, expected
):
    assert decider(gate, stage, name) == expected


@pytest.mark.parametrize(
    ("gate", "stage", "name", "message", "hint"),
    [
        (TWO_STAGES, "project-team", "Ingrd de Vries",
         "'Ingrd de Vries' is not an approver of gonogo-1's project-team stage "
         "(approvers: Ingrid de Vries, Ruud Mulder)", "did you mean 'Ingrid de Vries'?"),
        (TWO_STAGES, "project-team", "Medical director",
         "'Medical director' is not an approver of gonogo-1's project-team stage", None),
        (TWO_STAGES, "project-team", "CIO",
         "CIO decides at gonogo-1's steering-committee stage, not at project-team",
         "--stage steering-committee"),
        (TWO_STAGES, None, "CMIO",
         "gonogo-1 is decided in stages (project-team, then steering-committee); say which "
         "one decides", "--stage steering-committee"),
        (TWO_STAGES, "steering", "CIO",
         "gonogo-1 has no stage 'steering' (its stages: project-team, steering-committee)",
         "did you mean 'steering-committee'?"),
        (ONE_LIST, None, "Head of IT",
         "'Head of IT' is not an approver of gonogo-3 (approvers: CIO, CMIO)", None),
        (NOBODY, "board", "CIO", "gonogo-4 has no stages", "leave out --stage"),
    ],
    ids=[
        "a misspelt approver is refused with a did-you-mean",
        "a GO by someone who is no approver is refused",
        "an approver of another stage is told which",
        "a gate of two stages needs the stage named",
        "an unknown stage is refused with a did-you-mean",
        "a one-list gate refuses a name not on its list",
        "a gate that names nobody has no stage to name",
    ],
)  # fmt: skip
def test_a_decision_from_someone_the_gate_does_not_name_is_refused(
    gate, stage, name, message, hint
):
    with pytest.raises(InputError) as refused:
        decider(gate, stage, name)
    assert message in refused.value.message
    assert refused.value.hint == hint


# -- a new decision: may it be taken now ---------------------------------------------------


class Turn(NamedTuple):
    claim: str
    said: list[Said]
    verdict: str
    who: Decider
    refused: str | None  # a fragment of the refusal, None when taken
    forceable: bool = True


PROJECT = "project-team"
COMMITTEE = "steering-committee"
TURNS = [
    Turn("the first stage decides first", [], GO, Decider(PROJECT, "Ingrid de Vries"), None),
    Turn("the first stage may say NO-GO at any time", [], NO_GO,
         Decider(PROJECT, "Ruud Mulder"), None),
    Turn("a stage cannot say GO before the stage before it", [], GO, Decider(COMMITTEE, "CIO"),
         "gonogo-1: steering-committee cannot decide before project-team has said GO "
         "(needs 1 more GO: Ingrid de Vries or Ruud Mulder)"),
    Turn("nor NO-GO (forceable: mission control records what was said)", [], NO_GO,
         Decider(COMMITTEE, "CMIO"), "cannot decide before project-team has said GO"),
    Turn("once the stage before has its GOs, the next decides",
         ["go project-team Ruud Mulder"], GO, Decider(COMMITTEE, "CIO"), None),
    Turn("after a NO-GO the stage before must say GO again",
         ["go project-team Ruud Mulder", "no-go steering-committee CIO"], GO,
         Decider(COMMITTEE, "CIO"), "cannot decide before project-team has said GO"),
    Turn("an approver does not say GO twice",
         ["go project-team Ruud Mulder"], GO, Decider(PROJECT, "Ruud Mulder"),
         "Ruud Mulder already said GO at gonogo-1 (project-team, Sat 12:00, recorded by "
         "mission control)", False),
    Turn("the other approver of a stage that has its GOs may still say GO",
         ["go project-team Ruud Mulder"], GO, Decider(PROJECT, "Ingrid de Vries"), None),
    Turn("an approver does not say NO-GO twice while it holds",
         ["no-go project-team Ruud Mulder"], NO_GO, Decider(PROJECT, "Ruud Mulder"),
         "Ruud Mulder already said NO-GO at gonogo-1 (Sat 12:00, recorded by mission "
         "control); it still holds", False),
    Turn("an approver may say GO after their own NO-GO",
         ["no-go project-team Ruud Mulder"], GO, Decider(PROJECT, "Ruud Mulder"), None),
    Turn("an approver may say NO-GO after the gate passed",
         ["go project-team Ruud Mulder", "go steering-committee CIO",
          "go steering-committee CMIO"], NO_GO, Decider(COMMITTEE, "CIO"), None),
]  # fmt: skip


@pytest.mark.parametrize("turn", TURNS, ids=lambda t: t.claim)
def test_whether_a_stage_may_decide_now(turn: Turn):
    now = standing(TWO_STAGES, _decisions(turn.said))
    refused = refusal(now, turn.who, turn.verdict, ZONE)
    if turn.refused is None:
        assert refused is None
    else:
        assert refused is not None
        assert turn.refused in refused.message
        assert refused.forceable is turn.forceable


def test_a_gate_that_names_nobody_takes_any_decision_at_any_time():
    now = standing(NOBODY, _decisions(["go - CIO", "go - CIO"]))
    assert refusal(now, Decider(None, "CIO"), GO, ZONE) is None
