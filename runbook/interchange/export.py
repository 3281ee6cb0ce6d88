"""The runbook as the workbook a PMO would make, as plain data (``xlsx_write`` draws it).

One Tasks sheet with a phase column: the runbook's fields first (what an import reads back),
then the plan's figures, and with a state the weekend's actuals; then a sheet for the
runbook's own settings, the teams, the rollback tasks, the risks and the readiness items, so
that the workbook imports to the same runbook. Times are the runbook's local times and
durations real Excel durations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from runbook.format.durations import localize
from runbook.interchange.cells import approvers_text

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from runbook.format.model import Gate, Runbook, Task
    from runbook.planning.plan import Plan
    from runbook.weekend.forecast import Snapshot

Kind = Literal["text", "lines", "duration", "time", "flag", "number", "choice"]


@dataclass(frozen=True)
class Column:
    """A column: its header, what its cells hold, and whether the import reads it."""

    header: str
    kind: Kind = "text"
    read: bool = True  # False: a figure of the plan or the weekend, read back as nothing
    choices: tuple[str, ...] = ()


@dataclass
class SheetData:
    """One sheet: columns and rows of plain values (``timedelta`` for a duration, a naive
    local ``datetime`` for a time), and the rows to mark (critical tasks)."""

    name: str
    columns: list[Column]
    rows: list[list[object]] = field(default_factory=list)
    marked: list[bool] = field(default_factory=list)
    frozen_columns: int = 0  # columns kept in view when scrolling right (besides the header)
    table: bool = True  # a header row with filters; False: a list of settings


@dataclass
class WorkbookData:
    """The sheets of the workbook, in order."""

    title: str
    sheets: list[SheetData]


TASK_COLUMNS = [
    Column("ID"),
    Column("Title"),
    Column("Team"),
    Column("Phase"),
    Column("Duration", "duration"),
    Column("Depends on"),
    Column("Not before", "time"),
    Column("Fixed", "flag"),
    Column("Reason"),
    Column("Milestone", "flag"),
    Column("Priority", "choice", choices=("must", "should", "nice")),
    Column("Gate", "flag"),
    Column("Criteria", "lines"),
    Column("Approvers", "lines"),
    Column("Rollback"),
    Column("Optimistic", "duration"),
    Column("Pessimistic", "duration"),
    Column("Notes", "lines"),
]
PLAN_COLUMNS = [
    Column("Planned start", "time", read=False),
    Column("Planned finish", "time", read=False),
    Column("Latest start", "time", read=False),
    Column("Float", "duration", read=False),
    Column("Critical", "flag", read=False),
]
STATE_COLUMNS = [
    Column("Status", read=False),
    Column("Actual start", "time", read=False),
    Column("Actual finish", "time", read=False),
    Column("Slip (min)", "number", read=False),
    Column("By", read=False),
]


def local(moment: datetime | int | None, zone: ZoneInfo) -> datetime | str | None:
    """A moment as the runbook's local time without an offset (what an Excel cell holds);
    as ISO text with its offset when the local time alone would be read as another moment
    (the second of a repeated hour when the clocks go back)."""
    if moment is None:
        return None
    if isinstance(moment, int):
        moment = datetime.fromtimestamp(moment, UTC)
    shown = moment.astimezone(zone)
    naive = shown.replace(tzinfo=None, fold=0)  # a cell has no fold: the first is read
    if localize(naive, zone) != moment.astimezone(UTC):
        return shown.isoformat()
    return naive


def _duration(seconds: int | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=seconds)


def _approvers(gate: Gate | None) -> str | None:
    """A gate's Approvers cell: its names one per line, or its stages one per line."""
    if gate is None:
        return None
    if gate.decided_by:
        return approvers_text([(s.stage, s.approvers, s.needs) for s in gate.decided_by])
    return "\n".join(gate.approvers) or None


def _task_row(runbook: Runbook, task: Task, zone: ZoneInfo) -> list[object]:
    """The runbook's fields of one task, in TASK_COLUMNS' order."""
    gate = runbook.gate_of(task)
    nb = task.not_before
    rollback: object = None
    if gate is not None and gate.rollback is not None:
        rollback = (
            ", ".join(gate.rollback)
            if isinstance(gate.rollback, list)
            else _duration(gate.rollback)
        )
    return [
        task.id,
        task.title,
        task.team,
        task.phase,
        None if task.milestone else _duration(task.duration),
        ", ".join(task.depends_on) or None,
        local(nb.at, zone) if nb else None,
        True if nb and nb.fixed else None,
        nb.reason if nb else None,
        True if task.milestone else None,
        task.priority,
        True if gate is not None else None,
        "\n".join(gate.criteria) if gate and gate.criteria else None,
        _approvers(gate),
        rollback,
        _duration(task.estimate.optimistic) if task.estimate else None,
        _duration(task.estimate.pessimistic) if task.estimate else None,
        task.notes,
    ]


def tasks_sheet(runbook: Runbook, plan: Plan, snap: Snapshot | None) -> SheetData:
    """The Tasks sheet: every task, its plan and, with a weekend under way, its actuals."""
    zone = plan.zone
    columns = TASK_COLUMNS + PLAN_COLUMNS + (STATE_COLUMNS if snap is not None else [])
    sheet = SheetData("Tasks", columns, frozen_columns=2)
    planned = {t.id: t for t in plan.tasks}
    for task in runbook.tasks:
        p = planned[task.id]
        row = _task_row(runbook, task, zone)
        row += [
            local(p.es, zone),
            local(p.ef, zone),
            local(p.ls, zone),
            _duration(p.total_float),
            True if p.critical else None,
        ]
        if snap is not None:
            state = snap.by_id(task.id)
            record = snap.records.get(task.id)
            slip = state.finish_variance
            row += [
                state.shown_status,
                local(state.actual_start, zone),
                local(state.actual_finish, zone),
                round(slip / 60) if slip is not None else None,
                record.last_actor if record else None,
            ]
        sheet.rows.append(row)
        sheet.marked.append(p.critical)
    return sheet


def runbook_sheet(runbook: Runbook, zone: ZoneInfo) -> SheetData:
    """The runbook's own fields, one a row: what an import reads as the runbook's settings."""
    rules = runbook.readiness_rules
    settings: list[tuple[str, object]] = [
        ("Name", runbook.name),
        ("Time zone", runbook.timezone),
        ("Start", local(runbook.start, zone)),
        ("Deadline", local(runbook.deadline, zone)),
        ("Heads-up", _duration(runbook.notify.heads_up)),
        ("Coordinator notify", "\n".join(runbook.notify.coordinator) or None),
        ("Min probability", rules.min_probability),
        ("Risk no-go score", rules.risk_no_go_score),
        ("Risk conditions score", rules.risk_conditions_score),
        ("Near-critical minutes", rules.near_critical_minutes),
        ("Require sign-offs", rules.require_signoffs),
    ]
    sheet = SheetData("Runbook", [Column("Setting"), Column("Value")], table=False)
    sheet.rows = [[name, value] for name, value in settings]
    return sheet


def teams_sheet(runbook: Runbook) -> SheetData:
    """The teams: id, name, lead, contact and where they are notified."""
    sheet = SheetData(
        "Teams",
        [
            Column("ID"),
            Column("Name"),
            Column("Lead"),
            Column("Contact"),
            Column("Notify", "lines"),
        ],
    )
    for team_id, team in (runbook.teams or {}).items():
        addresses = runbook.notify.teams.get(team_id, [])
        sheet.rows.append(
            [team_id, team.name, team.lead, team.contact, "\n".join(addresses) or None]
        )
    return sheet


def rollback_sheet(runbook: Runbook, zone: ZoneInfo) -> SheetData:
    """The rollback tasks, in the task columns (run only after a NO-GO)."""
    sheet = SheetData("Rollback", list(TASK_COLUMNS), frozen_columns=2)
    sheet.rows = [_task_row(runbook, t, zone) for t in runbook.rollback_tasks]
    return sheet


def risks_sheet(runbook: Runbook) -> SheetData:
    """The risk register."""
    sheet = SheetData(
        "Risks",
        [
            Column("ID"),
            Column("Title"),
            Column("Likelihood", "number"),
            Column("Impact", "number"),
            Column("Score", "number", read=False),
            Column("Owner"),
            Column("Mitigation", "lines"),
            Column("Status", "choice", choices=("open", "mitigated", "closed")),
            Column("Tasks"),
        ],
        frozen_columns=2,
    )
    for risk in runbook.risks:
        sheet.rows.append(
            [
                risk.id,
                risk.title,
                risk.likelihood,
                risk.impact,
                risk.score,
                risk.owner,
                risk.mitigation,
                risk.status,
                ", ".join(risk.tasks) or None,
            ]
        )
    return sheet


def readiness_sheet(runbook: Runbook, zone: ZoneInfo) -> SheetData:
    """The readiness items."""
    sheet = SheetData(
        "Readiness", [Column("ID"), Column("Title"), Column("Owner"), Column("Due", "time")]
    )
    sheet.rows = [[i.id, i.title, i.owner, local(i.due, zone)] for i in runbook.readiness]
    return sheet


def summary_sheet(snap: Snapshot) -> SheetData:
    """The weekend at the moment of the export: times, ahead or behind, tasks by status."""
    plan, zone = snap.plan, snap.plan.zone
    counts = snap.counts
    rows: list[tuple[str, object]] = [
        ("Weekend", plan.name),
        ("As of", local(snap.now, zone)),
        ("Planned start", local(plan.start, zone)),
        ("Baseline finish", local(snap.baseline_finish, zone)),
        ("Forecast finish", local(snap.forecast_finish, zone)),
        ("Deadline", local(plan.deadline, zone)),
        ("Ahead of baseline (min)", round(snap.ahead / 60)),
        ("Spare before the deadline (min)", None if snap.spare is None else round(snap.spare / 60)),
        ("Tasks", len(plan.tasks)),
        *((f"Tasks {status}", count) for status, count in counts.items()),
        ("Tasks dropped", snap.dropped),
        ("Tasks late", snap.late_count),
    ]
    sheet = SheetData("Summary", [Column("Figure"), Column("Value")], table=False)
    sheet.rows = [[name, value] for name, value in rows]
    return sheet


def workbook(runbook: Runbook, plan: Plan, snap: Snapshot | None = None) -> WorkbookData:
    """Every sheet of the export, the Tasks first (and the Summary after it, with a state)."""
    zone = plan.zone
    sheets = [tasks_sheet(runbook, plan, snap)]
    if snap is not None:
        sheets.append(summary_sheet(snap))
    sheets += [runbook_sheet(runbook, zone), teams_sheet(runbook)]
    if runbook.rollback_tasks:
        sheets.append(rollback_sheet(runbook, zone))
    if runbook.risks:
        sheets.append(risks_sheet(runbook))
    if runbook.readiness:
        sheets.append(readiness_sheet(runbook, zone))
    return WorkbookData(runbook.name, sheets)
