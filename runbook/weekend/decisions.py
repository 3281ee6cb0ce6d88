"""The staged go/no-go rule: what a gate's decisions amount to (passed, an open NO-GO, what it
still waits for) and whether a new decision may be recorded, as pure functions of the gate's
stages and its decisions in log order (no store, no clock, no snapshot).

A gate is decided in stages, in order (``GateInfo.stages``); a stage has its GOs when
``needs`` distinct approvers of it said GO. The rule:

- A NO-GO from any approver at any stage is a NO-GO, and it resets the gate: GOs given before
  the last NO-GO no longer count. The gate passes only when, after the last NO-GO, every stage
  has its GOs; it then stands passed until another NO-GO.
- A NO-GO stays open until a full pass after it (the rollback's end is the use cases' affair).
- A new decision names a stage of the gate (a gate of one stage may leave it out) and one of
  that stage's approvers (the recorder, who may be someone else, is the event's actor). A
  stage cannot decide, GO or NO-GO, before every stage before it has its GOs (forceable), and
  an approver does not say again what they said and what still holds.
- A decision without a stage is a decision of the whole gate, as every decision was before
  stages existed (and as one still is at a gate whose runbook names nobody): its GO passes
  every stage, its NO-GO is a NO-GO. An old log therefore reads as it always did.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from runbook.common.errors import InputError, Refused
from runbook.common.problems import did_you_mean
from runbook.format.durations import clock
from runbook.planning.plan import GateInfo, GateStage
from runbook.weekend.events import Event

GO, NO_GO = "go", "no-go"
# What `runbook decide GATE VERDICT` reads as a verdict.
VERDICTS = {"go": GO, "no-go": NO_GO, "nogo": NO_GO, "no_go": NO_GO, "no": NO_GO}


@dataclass(frozen=True, slots=True)
class Decision:
    """One go/no-go decision as the rule reads it (from a ``decide`` event)."""

    verdict: str  # GO or NO_GO
    stage: str | None  # None: a decision of the whole gate
    approver: str | None  # who said it; None: the recorder spoke for themselves
    recorded_by: str  # the event's actor: an approver, or mission control for one
    at: int
    note: str | None = None
    seq: int = 0

    @classmethod
    def of(cls, event: Event) -> Decision:
        """The decision a ``decide`` event records (``data``: decision, and since stages
        exist stage and approver)."""
        data = event.data
        stage, approver = data.get("stage"), data.get("approver")
        return cls(
            GO if data.get("decision") == GO else NO_GO,
            stage if isinstance(stage, str) else None,
            approver if isinstance(approver, str) else None,
            event.actor,
            event.at,
            event.note,
            event.seq,
        )

    @property
    def who(self) -> str:
        """Whose decision it is: the approver, or the recorder when none is named."""
        return self.approver if self.approver is not None else self.recorded_by

    @property
    def recorded_apart(self) -> bool:
        """True when someone other than the approver recorded it (mission control for an
        approver on the phone): every face then says "recorded by" too."""
        return self.approver is not None and _folded(self.approver) != _folded(self.recorded_by)


@dataclass(frozen=True, slots=True)
class StageStanding:
    """Where one stage stands since the gate's last NO-GO: the GOs that count (one per
    approver, the first each gave, in log order)."""

    stage: GateStage
    gos: tuple[Decision, ...]

    @property
    def has_its_gos(self) -> bool:
        """True when ``needs`` distinct approvers of the stage said GO."""
        return len(self.gos) >= self.stage.needs

    @property
    def still_needed(self) -> int:
        """How many more GOs the stage needs (0 once it has them)."""
        return max(0, self.stage.needs - len(self.gos))

    @property
    def not_yet(self) -> tuple[str, ...]:
        """The approvers of the stage who have not said GO, in the runbook's order."""
        said = {d.approver for d in self.gos}
        return tuple(name for name in self.stage.approvers if name not in said)


@dataclass(frozen=True, slots=True)
class GateStanding:
    """What a gate's decisions amount to."""

    gate: str
    stages: tuple[StageStanding, ...]
    decisions: tuple[Decision, ...]  # every decision, in log order
    passed: Decision | None  # the GO that completed the pass after the last NO-GO
    no_go: Decision | None  # the open NO-GO: the last one, with no pass after it

    @property
    def verdict(self) -> str | None:
        """``go`` once passed, ``no-go`` while a NO-GO is open, else None (undecided, or some
        stages' GOs given and others' not yet)."""
        if self.passed is not None:
            return GO
        return NO_GO if self.no_go is not None else None

    @property
    def waiting_for(self) -> StageStanding | None:
        """The first stage without its GOs, whose turn it is (None once the gate passed, and
        at a gate that names nobody: any one GO passes it)."""
        if self.passed is not None:
            return None
        return next((s for s in self.stages if not s.has_its_gos), None)

    @property
    def latest(self) -> Decision | None:
        """The last decision recorded, or None."""
        return self.decisions[-1] if self.decisions else None

    def standing_of(self, stage: str) -> StageStanding | None:
        """Where the stage of that name stands, or None."""
        return next((s for s in self.stages if s.stage.name == stage), None)


def standing(gate: GateInfo, decisions: Iterable[Decision]) -> GateStanding:
    """Fold a gate's decisions, in log order, into what they amount to. A GO counts for its
    stage when its approver is one of that stage's (one recorded otherwise, by force or by the
    runbook changing since, is kept in ``decisions`` and counts for nothing); a NO-GO counts
    whoever gave it."""
    said: list[Decision] = []
    gos: dict[str, dict[str, Decision]] = {s.name: {} for s in gate.stages}
    passed: Decision | None = None
    no_go: Decision | None = None
    for decision in decisions:
        said.append(decision)
        if decision.verdict == NO_GO:
            no_go, passed = decision, None
            gos = {name: {} for name in gos}
            continue
        if decision.stage is None:  # the whole gate's GO
            passed, no_go = passed or decision, None
            continue
        stage = gate.stage(decision.stage)
        approver = decision.approver if decision.approver is not None else decision.recorded_by
        if stage is None or approver not in stage.approvers:
            continue
        gos[stage.name].setdefault(approver, decision)
        if passed is None and all(len(gos[s.name]) >= s.needs for s in gate.stages):
            passed, no_go = decision, None
    return GateStanding(
        gate.id,
        tuple(StageStanding(s, tuple(gos[s.name].values())) for s in gate.stages),
        tuple(said),
        passed,
        no_go,
    )


def standing_of_events(gate: GateInfo, events: Iterable[Event]) -> GateStanding:
    """``standing`` of a gate's ``decide`` events (``TaskRecord.decisions``)."""
    return standing(gate, (Decision.of(e) for e in events))


@dataclass(frozen=True, slots=True)
class Decider:
    """Who a new decision is from: the stage (None: the whole gate, at a gate that names
    nobody) and the approver as the runbook spells them."""

    stage: str | None
    approver: str


def decider(gate: GateInfo, stage: str | None, approver: str) -> Decider:
    """The stage and approver a new decision names, as the runbook spells them (a different
    case or spacing is taken when it fits one name only). An InputError when the gate has
    several stages and none is named, when the stage is not one of the gate's, or when the
    name is not one of that stage's approvers (with a did-you-mean, and the stage the name
    does decide at, if any)."""
    stages = gate.stages
    if not stages:
        if stage is not None:
            raise InputError(
                f"{gate.id} has no stages: its runbook names nobody who decides, so anyone's "
                "decision is the gate's",
                hint="leave out --stage",
            )
        return Decider(None, approver)
    names = [s.name for s in stages]
    if stage is None:
        if len(stages) > 1:
            theirs = [s.name for s in stages if _match(approver, s.approvers) is not None]
            raise InputError(
                f"{gate.id} is decided in stages ({', then '.join(names)}); say which one decides",
                hint=f"--stage {theirs[0] if len(theirs) == 1 else names[0]}",
            )
        chosen = stages[0]
    else:
        found = _match(stage, names)
        if found is None:
            raise InputError(
                f"{gate.id} has no stage '{stage}' (its stages: {', '.join(names)})",
                hint=did_you_mean(stage, names),
            )
        chosen = stages[names.index(found)]
    name = _match(approver, chosen.approvers)
    if name is not None:
        return Decider(chosen.name, name)
    elsewhere = [s.name for s in stages if _match(approver, s.approvers) is not None]
    where = f"{gate.id}'s {chosen.name} stage" if len(stages) > 1 else gate.id
    if elsewhere:
        raise InputError(
            f"{approver} decides at {gate.id}'s {elsewhere[0]} stage, not at {chosen.name}",
            hint=f"--stage {elsewhere[0]}",
        )
    raise InputError(
        f"'{approver}' is not an approver of {where} (approvers: {', '.join(chosen.approvers)})",
        hint=did_you_mean(approver, chosen.approvers),
    )


def _match(word: str, names: Sequence[str]) -> str | None:
    """``word`` as one of ``names``: itself, or the one name it equals but for case and
    spacing (None when it equals none, or several)."""
    if word in names:
        return word
    folded = _folded(word)
    found = [n for n in names if _folded(n) == folded]
    return found[0] if len(found) == 1 else None


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def refusal(now: GateStanding, who: Decider, verdict: str, zone: tzinfo) -> Refused | None:
    """Why the rule does not take this decision now, or None: a stage deciding before the
    stages before it have their GOs (forceable: mission control may record, say, a NO-GO the
    steering committee gave early), or an approver saying again what they said and what still
    holds (nothing to record)."""
    if who.stage is None:
        return None
    names = [s.stage.name for s in now.stages]
    at = names.index(who.stage)
    for earlier in now.stages[:at]:
        if not earlier.has_its_gos:
            return Refused(
                f"{now.gate}: {who.stage} cannot decide before {earlier.stage.name} has said "
                f"GO ({_awaited(earlier)})",
                hint=f"runbook decide {now.gate} go --stage {earlier.stage.name} --by NAME",
            )
    if verdict == GO:
        given = next((d for d in now.stages[at].gos if d.approver == who.approver), None)
        if given is not None:
            return Refused(
                f"{who.approver} already said GO at {now.gate} ({who.stage}, "
                f"{clock(given.at, zone)}, recorded by {given.recorded_by})",
                forceable=False,
            )
    elif (
        now.no_go is not None
        and now.no_go.stage == who.stage
        and now.no_go.approver == who.approver
    ):
        return Refused(
            f"{who.approver} already said NO-GO at {now.gate} ({clock(now.no_go.at, zone)}, "
            f"recorded by {now.no_go.recorded_by}); it still holds",
            forceable=False,
        )
    return None


def _awaited(stage: StageStanding) -> str:
    """``needs 1 more GO: Ingrid de Vries or Ruud Mulder`` in plain words."""
    count, names = stage.still_needed, list(stage.not_yet)
    joiner = " and " if count >= len(names) else " or "
    who = joiner.join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return f"needs {count} more GO{'s' if count != 1 else ''}: {who}"
