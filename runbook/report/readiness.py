"""The go/no-go readiness report: everything a steering committee decides from, and the
recommendation the documented rules give (``readiness_rules`` in the runbook)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from runbook.diagnostics import Problem
from runbook.display import count
from runbook.gates import PointOfNoReturn, decision, latest_by, points_of_no_return
from runbook.model import ReadinessRules, Risk, Runbook
from runbook.montecarlo import Simulation
from runbook.plan import Plan
from runbook.report.rehearsal import Rehearsal, rehearsal_evidence
from runbook.state import TaskRecord, fold
from runbook.store import Event, Store
from runbook.validate import Validation, validate_path

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
    decision: str | None
    decided_by: str | None


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
    risks: list[Risk] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)
    signoffs: list[SignOff] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

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
                count(len(self.validation.warnings), "warning"),
            )
        )


def _events(state: str | os.PathLike[str] | None, plan: Plan) -> list[Event]:
    """The weekend's decisions, sign-offs and checks (the state file must be this runbook's)."""
    if state is None or not Path(state).exists():
        return []
    store = Store.open(state, create=False)
    if store is None:
        return []
    try:
        store.check_owner(plan.name)
        return store.events()
    finally:
        store.close()


def readiness(
    runbook_path: str | os.PathLike[str],
    *,
    now: int,
    state: str | os.PathLike[str] | None = None,
    rehearsal: str | os.PathLike[str] | None = None,
    runs: int = 10_000,
    seed: int = 0,
    validation: Validation | None = None,
) -> ReadinessReport:
    """Build the readiness report of a runbook (with its state file's decisions, sign-offs
    and checks, and a dress rehearsal's state file when given); ``validation`` is the
    runbook's, when the caller already has it."""
    result = validation if validation is not None else validate_path(runbook_path)
    model = result.loaded.runbook
    rules = model.readiness_rules if model is not None else ReadinessRules()
    report = ReadinessReport(
        now=now, source=str(runbook_path), validation=result, plan=result.plan, rules=rules
    )
    findings = report.findings
    errors = len(result.errors)
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
        warnings = count(len(result.warnings), "warning")
        findings.append(Finding("valid", "info", "the runbook is valid with " + warnings))
    records, runbook_events = fold(_events(state, plan))
    _missing(report, model, plan)
    _schedule(report, plan)
    _gates(report, plan, records)
    _simulation(report, plan, runs, seed)
    if rehearsal is not None:
        report.rehearsal = rehearsal_evidence(plan, rehearsal)
    _risks(report, model)
    _items(report, plan, runbook_events, now)
    _signoffs(report, plan, runbook_events)
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
    report.near_critical = sorted(
        ((t.id, t.total_float) for t in plan.tasks if not t.critical and t.total_float < limit),
        key=lambda pair: (pair[1], pair[0]),
    )
    if plan.deadline is None:
        report.findings.append(Finding("deadline", "info", "the runbook has no deadline"))
    elif plan.finish > plan.deadline:
        report.findings.append(Finding("deadline", "no-go", "the plan finishes after the deadline"))


def _gates(report: ReadinessReport, plan: Plan, records: dict[str, TaskRecord]) -> None:
    for ponr in points_of_no_return(plan):
        info = plan.gates[ponr.gate]
        record = records.get(ponr.gate)
        report.gates.append(
            GateRow(
                ponr.gate,
                plan.tasks[plan.index[ponr.gate]].title,
                info.criteria,
                info.approvers,
                info.rollback_tasks,
                ponr,
                decision(record),
                record.decisions[-1].actor if record and record.decisions else None,
            )
        )
        if ponr.margin is not None and ponr.margin < 0:
            report.findings.append(
                Finding(
                    "point-of-no-return",
                    "no-go",
                    f"gate {ponr.gate} is planned after its point of no return: a NO-GO there "
                    "cannot roll back before the deadline",
                )
            )
        if decision(record) == "no-go":
            report.findings.append(Finding("decision", "no-go", f"gate {ponr.gate}: NO-GO"))


def _simulation(report: ReadinessReport, plan: Plan, runs: int, seed: int) -> None:
    from runbook.montecarlo import simulate

    sim = simulate(plan, runs=runs, seed=seed)
    report.simulation = sim
    if sim.p_on_time is not None and sim.p_on_time < report.rules.min_probability:
        report.findings.append(
            Finding(
                "probability",
                "no-go",
                f"P(finish <= deadline) is {sim.p_on_time:.0%}, under "
                f"{report.rules.min_probability:.0%}",
            )
        )


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
    checked = latest_by(events, "check", "item")
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
        team = event.data.get("team") if event.kind == "signoff" else None
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
