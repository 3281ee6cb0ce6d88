# Size: one report: every section fills the same ReadinessReport from the same plan, snapshot and
# simulation.
"""The go/no-go readiness report: everything a steering committee decides from, and the
recommendation the documented rules give (``readiness_rules`` in the runbook).

Before the weekend it stands on the plan. At a checkpoint during the weekend (check-ins at or
before ``now`` in the state file) it stands on the live forecast: the schedule is the forecast
rule's, points of no return are measured against the gates' forecast starts, and the
simulation runs the remaining work only. Only events at or before ``now`` count.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from runbook.common.display import count
from runbook.common.errors import InputError
from runbook.common.problems import Problem
from runbook.format.durations import clock, format_duration
from runbook.format.model import ReadinessRules, Risk, Runbook
from runbook.planning.learning import Estimates
from runbook.planning.montecarlo import Progress, Simulation
from runbook.planning.plan import Plan, PlannedTask
from runbook.reports.rehearsal import Rehearsal, rehearsal_evidence
from runbook.store import state_exists
from runbook.validation.validate import Validation, validate_path
from runbook.weekend.decisions import Decision
from runbook.weekend.events import Event, EventKind
from runbook.weekend.forecast import (
    DONE,
    FAILED,
    FINISHED,
    RUNNING,
    SKIPPED,
    SUSPENDED,
    Snapshot,
    TaskRecord,
    TaskState,
    fold,
)
from runbook.weekend.gates import PointOfNoReturn, gate_standing, latest_by, points_of_no_return
from runbook.weekend.taskstate import UNRECORDED
from runbook.weekend.views.decisions import decision_needed
from runbook.weekend.views.progress import Progress as WeekendProgress
from runbook.weekend.views.progress import progress as weekend_progress

GO, CONDITIONS, NO_GO = "GO", "GO WITH CONDITIONS", "NO-GO"
_RANK = {"info": 0, "conditions": 1, "no-go": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason behind the recommendation."""

    rule: str
    outcome: str  # no-go | conditions | info
    message: str


@dataclass(frozen=True, slots=True)
class GateRow:
    """A gate in the report."""

    id: str
    title: str
    criteria: list[str]
    approvers: list[str]
    rollback_tasks: list[str]
    ponr: PointOfNoReturn
    decision: str | None  # the verdict by the staged rule: go, no-go or None
    decided_by: str | None  # who said the decision that gave the verdict
    status: str | None = None  # the gate task's status at the checkpoint (during the weekend)
    decisions: tuple[Decision, ...] = ()  # every decision of every stage, in log order
    waiting: str | None = None  # what it still waits for, in words (undecided gates)
    # P(its rollback, started at the gate's forecast start, ends by the deadline), simulated
    # from the rollback tasks' estimates; None without a deadline or a rollback as tasks.
    rollback_on_time: float | None = None

    @property
    def settled(self) -> bool:
        """Decided, or passed (done or skipped): its point of no return no longer matters."""
        return self.decision is not None or self.status in FINISHED or self.status == SUSPENDED

    @property
    def standing(self) -> str | None:
        """``passed``, ``skipped``, ``decided GO`` or ``decided NO-GO`` for a settled gate."""
        if self.status == DONE:
            return "passed"
        if self.status == SKIPPED:
            return "skipped"
        if self.status == SUSPENDED:
            return "suspended"
        if self.decision is not None:
            return f"decided {self.decision.upper()}"
        return None


@dataclass(frozen=True, slots=True)
class ItemRow:
    """A readiness item and whether it was ticked off."""

    id: str
    title: str
    owner: str | None
    due: int | None
    done_by: str | None
    done_at: int | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class Signer:
    """One person who signed a team off, when they first did."""

    by: str
    at: int


@dataclass(frozen=True, slots=True)
class SignOff:
    """A team's sign-off (or its absence): everyone who signed it off, first one first."""

    team: str
    name: str
    lead: str | None
    signers: tuple[Signer, ...] = ()

    @property
    def by(self) -> str | None:
        """Who signed the team off first (None: not yet)."""
        return self.signers[0].by if self.signers else None

    @property
    def at(self) -> int | None:
        """When the team was first signed off."""
        return self.signers[0].at if self.signers else None


@dataclass
class ReadinessReport:
    """Every figure of the readiness report."""

    now: int
    source: str
    validation: Validation
    plan: Plan | None
    rules: ReadinessRules
    missing: list[str] = field(default_factory=list)
    near_critical: list[tuple[str, int]] = field(default_factory=list)  # (id, float seconds)
    gates: list[GateRow] = field(default_factory=list)
    simulation: Simulation | None = None
    rehearsal: Rehearsal | None = None
    estimates: Estimates | None = None  # learned ones the simulation used (--estimates, --learn)
    risks: list[Risk] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)
    signoffs: list[SignOff] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    snapshot: Snapshot | None = None  # the live forecast at ``now``, when check-ins exist
    later_events: int = 0  # events in the state file after ``now``, left out
    optional: OptionalWork | None = None  # the should and nice work the plan holds

    @property
    def progress(self) -> WeekendProgress | None:
        """During the weekend: how far the work has come, by the core's counting rule (done,
        dropped and skipped apart; a dropped must-have counted)."""
        return None if self.snapshot is None else weekend_progress(self.snapshot)

    @property
    def dropped(self) -> list[TaskState]:
        """During the weekend: work dropped for time (`runbook drop`), for aftercare."""
        return [] if self.snapshot is None else [t for t in self.snapshot.tasks if t.dropped]

    @property
    def skipped(self) -> list[TaskState]:
        """During the weekend: tasks skipped as not needed (not dropped)."""
        snap = self.snapshot
        return (
            [] if snap is None else [t for t in snap.tasks if t.status == SKIPPED and not t.dropped]
        )

    @property
    def live(self) -> bool:
        """True when the report stands on the forecast of the check-ins, not the plan."""
        return self.snapshot is not None

    @property
    def recommendation(self) -> str:
        """GO, GO WITH CONDITIONS or NO-GO: the worst outcome among the findings."""
        worst = max((_RANK[f.outcome] for f in self.findings), default=0)
        return {0: GO, 1: CONDITIONS, 2: NO_GO}[worst]

    @property
    def problems(self) -> list[Problem]:
        """Validation problems, in file order."""
        return self.validation.problems

    def summary(self, plan: Plan) -> str:
        """``8 tasks, 3 teams, 2 gates, 1 warning``: what the valid runbook holds."""
        return ", ".join(
            (
                count(len(plan.tasks), "task"),
                count(len(plan.teams_in_use), "team"),
                count(len(plan.gates), "gate"),
                count(self.validation.warning_count, "warning"),
            )
        )


@dataclass
class _AsOf:
    """What the state file held at ``now``."""

    records: dict[str, TaskRecord] = field(default_factory=dict)
    runbook_events: list[Event] = field(default_factory=list)
    snapshot: Snapshot | None = None
    later: int = 0
    notices: list[str] = field(default_factory=list)
    offset: int = 0  # a rehearsal's clock offset (``runbook rehearse``): its plan moves by it


def _as_of(
    runbook_path: str | os.PathLike[str],
    state: str | os.PathLike[str] | None,
    plan: Plan,
    now: int,
    replay: bool,
) -> _AsOf:
    """The weekend's events (in a replay, those at or before ``now``: the state file must be
    this runbook's), folded, with the forecast when a task has been checked in."""
    if state is None or not state_exists(state):
        return _AsOf()
    from datetime import UTC, datetime

    from runbook.usecases import Weekend

    def at_now() -> datetime:
        return datetime.fromtimestamp(now, UTC)

    with Weekend.open(runbook_path, state, clock=at_now, compiled=plan, read_only=True) as weekend:
        weekend.replay = replay
        records, runbook_events = fold(weekend.events(now))
        found = _AsOf(records, runbook_events, later=weekend.later_events, offset=weekend.offset)
        if any(r.state is not None for r in records.values()):
            found.snapshot = weekend.snapshot_of(records, runbook_events, now)
        # The report says itself what it leaves out of a replay.
        found.notices = [n for n in weekend.notices if n != weekend.later_notice]
    return found


def readiness(
    runbook_path: str | os.PathLike[str],
    *,
    now: int,
    state: str | os.PathLike[str] | None = None,
    rehearsal: str | os.PathLike[str] | None = None,
    learn_from_rehearsal: bool = False,
    estimates: Estimates | None = None,
    runs: int = 10_000,
    seed: int = 0,
    validation: Validation | None = None,
    replay: bool = True,
) -> ReadinessReport:
    """Build the readiness report of a runbook at ``now`` (with its state file's decisions,
    sign-offs, checks and check-ins up to then, and a dress rehearsal's state file when
    given); the simulation uses ``estimates`` learned from history where given, or with
    ``learn_from_rehearsal`` those the rehearsal teaches (the rule of `runbook learn`, on it
    alone); ``validation`` is the runbook's, when the caller already has it. ``replay``:
    ``now`` is a moment to look back at (``--now``), so what was recorded for later is left
    out, as every command does; at the live clock every recorded event counts."""
    if learn_from_rehearsal and rehearsal is None:
        raise InputError("--learn needs a dress rehearsal's state file: give --rehearsal STATE")
    if learn_from_rehearsal and estimates is not None:
        raise InputError(
            "--learn learns from the rehearsal alone, --estimates from a file: give one",
            hint="to learn from several, `runbook learn STATE... -o FILE`, then --estimates FILE",
        )
    result = validation if validation is not None else validate_path(runbook_path)
    model = result.loaded.runbook
    rules = model.readiness_rules if model is not None else ReadinessRules()
    report = ReadinessReport(
        now=now, source=str(runbook_path), validation=result, plan=result.plan, rules=rules
    )
    findings = report.findings
    errors = result.error_count
    if errors or model is None or result.plan is None:
        findings.append(
            Finding(
                "valid",
                "no-go",
                f"the runbook has {errors} error"
                f"{'s' if errors != 1 else ''} (run `runbook validate`)",
            )
        )
        return report
    plan = result.plan
    if result.warnings:
        warnings = count(result.warning_count, "warning")
        findings.append(Finding("valid", "info", "the runbook is valid with " + warnings))
    weekend = _as_of(runbook_path, state, plan, now, replay)
    if weekend.offset:  # a rehearsal's state: the report is on the rehearsal's own date
        from runbook.planning.shifted import shifted

        plan = report.plan = shifted(plan, weekend.offset)
    report.snapshot, report.later_events = weekend.snapshot, weekend.later
    findings += [Finding("baseline", "info", n) for n in weekend.notices if report.live]
    _missing(report, model, plan)
    _schedule(report, plan)
    _optional(report, plan)
    _gates(report, plan, weekend.records)
    if rehearsal is not None:
        report.rehearsal = rehearsal_evidence(plan, rehearsal)
    if learn_from_rehearsal and report.rehearsal is not None:
        estimates = report.rehearsal.estimates(plan)
    report.estimates = estimates
    _simulation(report, plan, runs, seed)
    _risks(report, model)
    _items(report, plan, weekend.runbook_events, now)
    _signoffs(report, plan, weekend.runbook_events)
    return report


def _missing(report: ReadinessReport, model: Runbook, plan: Plan) -> None:
    missing = report.missing
    no_team = [t.id for t in plan.tasks if t.team is None and not t.milestone]
    if no_team:
        missing.append(f"{count(len(no_team), 'task')} without a team: {', '.join(no_team[:10])}")
    for team_id, team in (model.teams or {}).items():
        lacks = [w for w, v in (("lead", team.lead), ("contact", team.contact)) if not v]
        if lacks:
            missing.append(f"team {team_id} has no {' or '.join(lacks)}")
    for gate in plan.gates.values():
        if not gate.approvers:
            missing.append(f"gate {gate.id} has no approvers")
        if gate.rollback is None:
            missing.append(f"gate {gate.id} has no rollback")
    for text in missing:
        report.findings.append(Finding("complete", "conditions", text))


def _schedule(report: ReadinessReport, plan: Plan) -> None:
    limit = report.rules.near_critical_minutes * 60
    snap = report.snapshot
    if snap is None:
        near = ((t.id, t.total_float) for t in plan.tasks if not t.critical)
    else:  # what is left: open tasks off the remaining critical path
        near = ((t.id, t.float) for t in snap.tasks if t.status not in FINISHED and not t.critical)
    report.near_critical = sorted(
        ((i, f) for i, f in near if f < limit), key=lambda pair: (pair[1], pair[0])
    )
    if plan.deadline is None:
        report.findings.append(Finding("deadline", "info", "the runbook has no deadline"))
    elif snap is not None:
        _forecast_findings(report, plan, snap, plan.deadline)
    elif plan.finish > plan.deadline:
        report.findings.append(Finding("deadline", "no-go", "the plan finishes after the deadline"))


@dataclass(frozen=True, slots=True)
class OptionalWork:
    """The optional work (should and nice) a plan holds, and the buffer dropping it gives."""

    tasks: list[str]
    work: int  # seconds of planned work, added up
    buffer_gain: int  # seconds earlier the plan finishes with all of it dropped


def _optional(report: ReadinessReport, plan: Plan) -> None:
    """How much optional work the plan holds; during the weekend, what was dropped."""
    from runbook.weekend.recover import optional_work

    ids, work, gain = optional_work(plan)
    report.optional = OptionalWork(ids, work, gain)
    if ids and report.snapshot is None:
        report.findings.append(
            Finding(
                "optional",
                "info",
                f"the plan holds {count(len(ids), 'optional task')} (should or nice), "
                f"{format_duration(work)} of work; {buffer_gain_text(gain)} "
                "(runbook recover proposes what to drop when late)",
            )
        )
    done = report.progress
    if done is not None and done.dropped:
        names = ", ".join(t.id for t in report.dropped[:10])
        must = f" ({done.must_text})" if done.dropped_must else ""
        report.findings.append(
            Finding(
                "optional",
                "info",
                f"{count(done.dropped, 'task')} dropped for time{must}, for aftercare: {names}",
            )
        )


def buffer_gain_text(gain: int) -> str:
    """What dropping every optional task would give the plan, in words."""
    if gain <= 0:
        return "none of it holds the planned finish: dropping it would give no more buffer"
    return f"dropping all of it would give {format_duration(gain)} more buffer"


def _forecast_findings(report: ReadinessReport, plan: Plan, snap: Snapshot, deadline: int) -> None:
    """Where the weekend stands at the checkpoint: the forecast against the deadline."""
    zone = plan.zone
    finish = clock(snap.forecast_finish, zone, with_date=True)
    spare = deadline - snap.forecast_finish
    if spare < 0:
        report.findings.append(
            Finding(
                "deadline",
                "no-go",
                f"the forecast finishes {finish}, {format_duration(-spare)} after the deadline",
            )
        )
        return
    ahead = snap.ahead
    against = (
        "on the baseline"
        if abs(ahead) < 60
        else f"{format_duration(abs(ahead))} {'ahead of' if ahead > 0 else 'behind'} the baseline"
    )
    report.findings.append(
        Finding(
            "deadline",
            "info",
            f"the forecast finishes {finish}, {format_duration(spare)} before the deadline "
            f"({against})",
        )
    )


def _gates(report: ReadinessReport, plan: Plan, records: dict[str, TaskRecord]) -> None:
    snap = report.snapshot
    zone = plan.zone
    for ponr in points_of_no_return(plan, snap):
        info = plan.gates[ponr.gate]
        record = records.get(ponr.gate)
        said = gate_standing(info, record)
        settling = said.passed or said.no_go
        waiting = None
        if said.verdict is None and info.stages and snap is not None:
            waiting = f"waits for {decision_needed(info, record, 0).waits_for()}"
        row = GateRow(
            ponr.gate,
            plan.tasks[plan.index[ponr.gate]].title,
            info.criteria,
            info.approvers,
            info.rollback_tasks,
            ponr,
            said.verdict,
            settling.who if settling is not None else None,
            snap.by_id(ponr.gate).status if snap is not None else None,
            said.decisions,
            waiting,
        )
        report.gates.append(row)
        if snap is None and ponr.margin is not None and ponr.margin < 0:
            report.findings.append(
                Finding(
                    "point-of-no-return",
                    "no-go",
                    f"gate {ponr.gate} is planned after its point of no return: a NO-GO there "
                    "cannot roll back before the deadline",
                )
            )
        margin = ponr.forecast_margin
        if snap is not None and not row.settled and margin is not None and margin < 0:
            report.findings.append(
                Finding(
                    "point-of-no-return",
                    "no-go",
                    f"gate {ponr.gate} is forecast at "
                    f"{clock(ponr.forecast or 0, zone, with_date=True)}, "
                    f"{format_duration(-margin)} after its point of no return "
                    f"({clock(ponr.point or 0, zone, with_date=True)}): a NO-GO there cannot "
                    "roll back before the deadline",
                )
            )
        if row.decision == "no-go":
            report.findings.append(Finding("decision", "no-go", f"gate {ponr.gate}: NO-GO"))


def progress_of(snap: Snapshot) -> Progress:
    """The checkpoint as the simulation needs it: actual times of what is done, the starts
    of what runs, and the forecast every run gives without estimates."""
    done: dict[int, tuple[int, int]] = {}
    running: dict[int, int] = {}
    lost: dict[int, int] = {}
    skipped = set()
    revised: dict[int, tuple[int, int, int]] = {}
    not_before: dict[int, int | None] = {}
    records = snap.records
    for t in snap.tasks:
        if t.status == DONE or t.status == SUSPENDED:  # suspended: stopped by a rollback
            done[t.index] = (t.forecast_start, t.forecast_finish)
        elif t.status == SKIPPED:
            skipped.add(t.index)
        elif t.status in (RUNNING, FAILED):
            running[t.index] = t.forecast_start
            lost[t.index] = t.lost  # a failed task's up to now: its work waits for now
            if t.eta is not None:  # the team's word, as the forecast takes it
                took = t.forecast_finish - t.forecast_start - t.lost
                revised[t.index] = (took, took, took)
        # The revisions in force, where the runbook's figures no longer hold.
        record = records.get(t.id, UNRECORDED)
        if record.estimate is not None and t.index not in revised and t.index not in done:
            task = snap.plan.tasks[t.index]
            revised[t.index] = _scaled(task, record.duration_in_force(task.duration))
        if record.pulled:
            not_before[t.index] = record.not_before_in_force(snap.plan.tasks[t.index].not_before)
    return Progress(
        snap.now,
        snap.forecast_finish,
        done,
        frozenset(skipped),
        running,
        revised,
        not_before,
        lost=lost,
    )


def _scaled(task: PlannedTask, duration: int) -> tuple[int, int, int]:
    """A revised duration as a three-point estimate: the runbook's estimate scaled to it (the
    same spread, relatively), or exactly it when the task has none."""
    low, high = task.optimistic, task.pessimistic
    if low is None or high is None or task.duration <= 0:
        return duration, duration, duration
    return round(low * duration / task.duration), duration, round(high * duration / task.duration)


def simulate_weekend(
    plan: Plan,
    snap: Snapshot | None,
    estimates: Estimates | None,
    *,
    runs: int = 10_000,
    seed: int = 0,
) -> Simulation:
    """The Monte Carlo simulation of the weekend: of the plan before it, of the remaining
    work at a checkpoint (``snap``), with learned ``estimates`` in place of the runbook's
    where given."""
    from runbook.planning.montecarlo import simulate

    progress = progress_of(snap) if snap is not None else None
    points = estimates.points() if estimates is not None else None
    # During a rollback the remaining work is the rollback's: the plan in force.
    in_force = snap.plan if snap is not None else plan
    return simulate(in_force, runs=runs, seed=seed, progress=progress, estimates=points)


def _simulation(report: ReadinessReport, plan: Plan, runs: int, seed: int) -> None:
    sim = simulate_weekend(plan, report.snapshot, report.estimates, runs=runs, seed=seed)
    report.simulation = sim
    report.gates = [_rollback_on_time(report, plan, g, runs, seed) for g in report.gates]
    learned = report.estimates
    if learned is not None and learned.tasks:
        report.findings.append(Finding("estimates", "info", learned_text(learned)))
    if sim.p_on_time is not None and sim.p_on_time < report.rules.min_probability:
        report.findings.append(
            Finding(
                "probability",
                "no-go",
                f"P(finish ≤ deadline) is {sim.p_on_time:.0%}, under "
                f"{report.rules.min_probability:.0%}",
            )
        )


def _rollback_on_time(
    report: ReadinessReport, plan: Plan, row: GateRow, runs: int, seed: int
) -> GateRow:
    """The gate's row with the probability that its rollback, started at the gate's forecast
    start (its planned start before the weekend), ends by the deadline."""
    from dataclasses import replace

    from runbook.planning.montecarlo import simulate
    from runbook.planning.rollback import rollback_plan

    if plan.deadline is None or not plan.gates[row.id].rollback_tasks or row.settled:
        return row
    start = row.ponr.forecast if row.ponr.forecast is not None else row.ponr.planned
    alone = rollback_plan(plan, row.id, start)
    if not alone.tasks:
        return row
    return replace(row, rollback_on_time=simulate(alone, runs=runs, seed=seed).p_on_time)


def _risks(report: ReadinessReport, model: Runbook) -> None:
    rules = report.rules
    report.risks = sorted(model.risks, key=lambda r: (r.status != "open", -r.score, r.id))
    for risk in report.risks:
        if risk.status != "open":
            continue
        if risk.score >= rules.risk_no_go_score:
            outcome = "no-go"
        elif risk.score >= rules.risk_conditions_score:
            outcome = "conditions"
        else:
            continue
        report.findings.append(
            Finding("risk", outcome, f"open risk {risk.id} scores {risk.score} ({risk.title})")
        )


def _items(report: ReadinessReport, plan: Plan, events: list[Event], now: int) -> None:
    checked = latest_by(events, EventKind.CHECK, "item")
    for item in plan.readiness:
        done = checked.get(item.id)
        overdue = done is None and item.due is not None and item.due < now
        report.items.append(
            ItemRow(
                item.id,
                item.title,
                item.owner,
                item.due,
                done.actor if done else None,
                done.at if done else None,
                overdue,
            )
        )
        if overdue:
            report.findings.append(
                Finding(
                    "readiness", "conditions", f"readiness item {item.id} is overdue ({item.title})"
                )
            )
    open_items = [r for r in report.items if r.done_by is None and not r.overdue]
    if open_items:
        report.findings.append(
            Finding(
                "readiness",
                "info",
                f"{count(len(open_items), 'readiness item')} not yet done, not yet due",
            )
        )


def _signoffs(report: ReadinessReport, plan: Plan, events: list[Event]) -> None:
    """Every team's sign-offs: each person once, at their first, in the order they signed
    (a second person's sign-off is shown beside the first, never instead of it)."""
    signed: dict[str, dict[str, Signer]] = {}
    for event in sorted(events, key=lambda e: (e.at, e.seq)):
        team = event.data.get("team") if event.kind == EventKind.SIGNOFF else None
        if team is not None:
            signed.setdefault(str(team), {}).setdefault(event.actor, Signer(event.actor, event.at))
    for team in plan.teams_in_use:
        info = plan.teams.get(team)
        report.signoffs.append(
            SignOff(
                team,
                plan.team_name(team),
                info.lead if info else None,
                tuple(signed.get(team, {}).values()),
            )
        )
    missing = [s.team for s in report.signoffs if s.by is None]
    if missing and report.rules.require_signoffs:
        report.findings.append(
            Finding("signoff", "conditions", f"no sign-off yet from {', '.join(missing)}")
        )


def learned_text(estimates: Estimates) -> str:
    """``the simulation uses estimates learned from history (estimates.yaml): 12 tasks on
    their own 36 runs, 4 by their team's factor``."""
    own, team = estimates.from_history, estimates.from_team
    parts = []
    if own:
        runs = sum(e.observations for e in own)
        parts.append(f"{count(len(own), 'task')} on their own {count(runs, 'observed run')}")
    if team:
        parts.append(f"{count(len(team), 'task')} never observed by their team's factor")
    return f"the simulation uses estimates learned from history ({estimates.source}): " + ", ".join(
        parts
    )
