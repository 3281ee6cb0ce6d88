"""Gates as both faces show them: waiting for a decision (and who decides), an open NO-GO."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo

from runbook.format.durations import clock, format_duration
from runbook.planning.plan import GateInfo, GateStage, Plan
from runbook.weekend.decisions import GO, NO_GO, Decision, GateStanding, StageStanding
from runbook.weekend.forecast import FINISHED, READY, Snapshot, TaskRecord, TaskState
from runbook.weekend.gates import decision, gate_standing, point_of_no_return


def gate_waits(snap: Snapshot, state: TaskState) -> str | None:
    """Why a ready gate is not work to call a team for: ``decision needed`` (no decision
    yet) or ``NO-GO``; None for a gone-ahead gate and for any other task."""
    if state.status != READY or state.id not in snap.plan.gates:
        return None
    said = decision(snap.plan.gates[state.id], snap.records.get(state.id))
    return "decision needed" if said is None else "NO-GO" if said == NO_GO else None


def needs_decision(snap: Snapshot, state: TaskState) -> bool:
    """A gate whose predecessors are done and that has no decision yet: the approvers decide
    (``runbook decide``); it is not a task to call a team for."""
    return gate_waits(snap, state) == "decision needed"


# The stage a one-list ``approvers`` is (``format.model.SINGLE_STAGE``; the format is not
# imported on a check-in's path).
ONE_LIST = "approvers"


@dataclass(frozen=True, slots=True)
class DecisionNeeded:
    """A gate waiting for its go/no-go decision: who decides, the stage whose turn it is
    (None at a gate that names nobody) and the GOs given so far since the last NO-GO."""

    gate: str
    approvers: list[str]
    since: int  # when its last predecessor finished
    waiting: StageStanding | None = None
    given: tuple[Decision, ...] = ()
    staged: bool = False  # decided in several stages: a decision names its stage

    def waits_for(self) -> str:
        """``the steering committee: CIO and CMIO`` (who is to decide now), ``CIO or
        Programme manager`` at a gate with a one-list ``approvers``, or a plain word when
        the runbook names nobody."""
        waiting = self.waiting
        if waiting is None:
            return ", ".join(self.approvers) or "approvers not named in the runbook"
        if waiting.stage.name == ONE_LIST:
            return awaited_names(waiting)
        return f"the {stage_words(waiting.stage)}: {awaited_names(waiting)}"

    def given_text(self, zone: tzinfo) -> str:
        """``project team GO Sat 12:40 by Ingrid de Vries`` for each GO given (``; ``
        between them), or ""."""
        return "; ".join(given_words(d, zone) for d in self.given)

    def line(self, zone: tzinfo) -> str:
        """``gonogo-2 waits for the steering committee: CIO and CMIO; project team GO Sat
        12:40 by Ingrid de Vries``."""
        given = self.given_text(zone)
        return f"{self.gate} waits for {self.waits_for()}" + (f"; {given}" if given else "")

    @property
    def command(self) -> str:
        """The command the waiting stage's decision is recorded with."""
        waiting = self.waiting
        stage = f" --stage {waiting.stage.name}" if self.staged and waiting is not None else ""
        return f"runbook decide {self.gate} go|no-go{stage}"


def stage_words(stage: GateStage) -> str:
    """A stage's name in words: ``steering committee`` (the one-list stage is ``approvers``)."""
    return stage.name.replace("-", " ")


def awaited_names(stage: StageStanding) -> str:
    """Who of a stage may still give the GOs it needs: ``CIO and CMIO`` when every one of
    them must, ``A or B`` when one will do, ``2 of A, B, C`` otherwise."""
    names = list(stage.not_yet)
    count = stage.still_needed
    if not names:
        return ""
    if count >= len(names):
        return _joined(names, "and")
    if count == 1:
        return _joined(names, "or")
    return f"{count} of {', '.join(names)}"


def _joined(names: list[str], word: str) -> str:
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {word} {names[-1]}"


def given_words(d: Decision, zone: tzinfo) -> str:
    """``project team GO Sat 12:40 by Ingrid de Vries`` (``, recorded by mc`` when someone
    else recorded it)."""
    stage = f"{d.stage.replace('-', ' ')} " if d.stage and d.stage != ONE_LIST else ""
    verdict = "GO" if d.verdict == GO else "NO-GO"
    text = f"{stage}{verdict} {clock(d.at, zone)} by {d.who}"
    if d.recorded_apart:
        text += f", recorded by {d.recorded_by}"
    return text


def given_gos(standing: GateStanding) -> tuple[Decision, ...]:
    """The GOs that count since the last NO-GO, stage by stage."""
    return tuple(d for s in standing.stages for d in s.gos)


def decision_needed(info: GateInfo, record: TaskRecord | None, since: int) -> DecisionNeeded:
    """The gate as waiting for its decision: its standing read once."""
    standing = gate_standing(info, record)
    return DecisionNeeded(
        info.id,
        list(info.approvers),
        since,
        standing.waiting_for,
        given_gos(standing),
        len(info.stages) > 1,
    )


def split_ready(
    snap: Snapshot, ready: Iterable[TaskState]
) -> tuple[list[TaskState], list[DecisionNeeded]]:
    """The ready tasks to call a team for, and the gates waiting for a decision, in order
    (a gate with a NO-GO is neither: ``open_no_gos`` says what to do)."""
    call, decide = [], []
    for state in ready:
        waits = gate_waits(snap, state)
        if waits == "NO-GO":
            continue
        if waits == "decision needed":
            info = snap.plan.gates[state.id]
            preds, finish = snap.plan.column("preds")[state.index], snap.figures.finish
            since = max((finish[p] for p in preds), default=snap.plan.start)
            decide.append(decision_needed(info, snap.records.get(state.id), since))
        else:
            call.append(state)
    return call, decide


@dataclass(frozen=True, slots=True)
class OpenNoGo:
    """A NO-GO not yet resolved: the rollback to run and when it must start at the latest."""

    gate: str
    decided: Decision  # the NO-GO that holds
    rollback: int | None  # seconds the rollback takes; None when the runbook does not say
    rollback_tasks: list[str]
    start_by: int | None  # the point of no return: deadline - rollback

    def summary(self) -> str:
        """``roll back: rb-a, rb-b (takes 10h)`` in plain words."""
        what = ", ".join(self.rollback_tasks[:4]) + (
            ", ..." if len(self.rollback_tasks) > 4 else ""
        )
        took = f"takes {format_duration(self.rollback)}" if self.rollback is not None else ""
        if what:
            return f"roll back: {what}" + (f" ({took})" if took else "")
        if took:
            return f"roll back ({took})"
        return "roll back (the runbook gives no rollback for this gate)"


def open_no_gos(snap: Snapshot) -> list[OpenNoGo]:
    """Every gate with an open NO-GO (the staged rule's) that is not resolved: a full pass
    after it clears it, and so do its rollback tasks, once they are all finished (when they
    are tasks of the runbook that can be checked in)."""
    return no_gos_in(snap.plan, snap.records)


def no_gos_in(plan: Plan, records: dict[str, TaskRecord]) -> list[OpenNoGo]:
    """``open_no_gos`` from the task records alone (the line after a check-in has no
    snapshot), the most urgent rollback first."""
    out = []
    for gate, info in plan.gates.items():
        record = records.get(gate)
        if record is None or not record.decisions or record.rollbacks:
            continue  # undecided, or its rollback runs: that resolves it
        said = gate_standing(info, record).no_go
        if said is None:
            continue
        tasks = [t for t in info.rollback_tasks if t in plan.index]
        if tasks and all(_finished(records.get(t)) for t in tasks):
            continue
        out.append(
            OpenNoGo(
                gate,
                said,
                info.rollback,
                list(info.rollback_tasks),
                point_of_no_return(plan, gate),
            )
        )
    out.sort(key=lambda n: (n.start_by is None, n.start_by or 0, n.gate))
    return out


def _finished(record: TaskRecord | None) -> bool:
    return record is not None and record.state in FINISHED
