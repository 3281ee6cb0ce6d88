"""What a spreadsheet changes in an existing runbook: the runbook's own fields, teams added or
changed, and tasks (and rollback tasks, risks, readiness items) added, removed or changed
field by field. Compared as the format reads them: ``90m`` and ``1h30m`` are the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from runbook.format.model import ReadinessItem, Risk, Runbook, Task
from runbook.interchange.cells import iso_text
from runbook.interchange.emit import duration_text

# The task fields compared one by one, in the format's order; the gate's details are compared
# as one (they may sit on the task or in the gates: section).
TASK_FIELDS = (
    "title",
    "team",
    "duration",
    "estimate",
    "milestone",
    "depends_on",
    "not_before",
    "phase",
    "priority",
    "notes",
)
GATE_FIELDS = ("gate", "criteria", "approvers", "decided_by", "rollback")
SECTIONS = ("tasks", "rollback_tasks", "risks", "readiness")


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its name and both values as people read them."""

    name: str
    old: str
    new: str


@dataclass
class RecordChange:
    """A task (or rollback task, risk, readiness item, team) added, removed or changed."""

    section: str
    id: str
    kind: Literal["added", "removed", "changed"]
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class Diff:
    """Every difference, the runbook's own fields first."""

    top: list[FieldChange] = field(default_factory=list)
    records: list[RecordChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing differs."""
        return not self.top and not self.records

    def count(self, kind: str, section: str = "tasks") -> int:
        """How many records of ``section`` were ``kind`` (added, removed, changed)."""
        return sum(1 for r in self.records if r.kind == kind and r.section == section)


def _shown(value: Any, zone: ZoneInfo) -> str:
    """A value as a person reads it in the diff."""
    if value is None or value == [] or value is False:
        return "-"
    if value is True:
        return "yes"
    if isinstance(value, datetime):
        return iso_text(value.astimezone(zone).replace(tzinfo=None))
    if isinstance(value, list):
        return ", ".join(_shown(v, zone) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_shown(v, zone)}" for k, v in value.items() if v not in (None, []))
    return str(value)


def _duration(value: int | None) -> str:
    return "-" if value is None else duration_text(value)


def _task_values(runbook: Runbook, task: Task) -> dict[str, Any]:
    """A task's fields as compared: durations in seconds, times in UTC, the gate folded in."""
    values: dict[str, Any] = {
        "title": task.title,
        "team": task.team,
        "duration": None if task.milestone else task.duration,
        "estimate": None
        if task.estimate is None
        else (task.estimate.optimistic, task.estimate.pessimistic),
        "milestone": task.milestone,
        "depends_on": list(task.depends_on),
        "not_before": None
        if task.not_before is None
        else (task.not_before.at, task.not_before.fixed, task.not_before.reason),
        "phase": task.phase,
        "priority": task.priority,
        "notes": task.notes,
    }
    gate = runbook.gate_of(task)
    values["gate"] = (
        None
        if gate is None
        else (
            tuple(gate.criteria),
            tuple(gate.approvers),
            tuple((s.stage, tuple(s.approvers), s.needs) for s in gate.decided_by),
            _rollback_key(gate.rollback),
        )
    )
    return values


def _rollback_key(value: int | list[str] | None) -> object:
    return tuple(value) if isinstance(value, list) else value


def _task_shown(name: str, value: Any, zone: ZoneInfo) -> str:
    """A compared task value as people read it."""
    if value is None:
        return "-"
    if name == "duration":
        return _duration(value)
    if name == "estimate":
        return f"{_duration(value[0])}..{_duration(value[1])}"
    if name == "not_before":
        at, fixed, reason = value
        text = _shown(at, zone)
        return text + (" (fixed" + (f": {reason})" if reason else ")") if fixed else "")
    if name == "gate":
        criteria, approvers, stages, rollback = value
        parts = ["gate"]
        if criteria:
            parts.append(f"{len(criteria)} criteria")
        if approvers:
            parts.append("approvers " + ", ".join(approvers))
        for stage, names, needs in stages:
            parts.append(f"stage {stage} ({needs}): " + ", ".join(names))
        if rollback is not None:
            rb = _duration(rollback) if isinstance(rollback, int) else ", ".join(rollback)
            parts.append(f"rollback {rb}")
        return "; ".join(parts)
    return _shown(value, zone)


def _compare_tasks(
    section: str,
    old_runbook: Runbook,
    new_runbook: Runbook,
    old: list[Task],
    new: list[Task],
    zone: ZoneInfo,
) -> list[RecordChange]:
    old_by_id = {t.id: t for t in old}
    new_ids = {t.id for t in new}
    changes: list[RecordChange] = []
    for task in new:
        before = old_by_id.get(task.id)
        if before is None:
            changes.append(RecordChange(section, task.id, "added"))
            continue
        a, b = _task_values(old_runbook, before), _task_values(new_runbook, task)
        fields = [
            FieldChange(name, _task_shown(name, a[name], zone), _task_shown(name, b[name], zone))
            for name in (*TASK_FIELDS, "gate")
            if a[name] != b[name]
        ]
        if fields:
            changes.append(RecordChange(section, task.id, "changed", fields))
    changes += [RecordChange(section, t.id, "removed") for t in old if t.id not in new_ids]
    return changes


def _compare_models(
    section: str,
    old: Sequence[Risk | ReadinessItem],
    new: Sequence[Risk | ReadinessItem],
    zone: ZoneInfo,
) -> list[RecordChange]:
    old_by_id = {m.id: m for m in old}
    new_ids = {m.id for m in new}
    changes: list[RecordChange] = []
    for model in new:
        before = old_by_id.get(model.id)
        if before is None:
            changes.append(RecordChange(section, model.id, "added"))
            continue
        a, b = before.model_dump(), model.model_dump()
        fields = [
            FieldChange(name, _shown(a[name], zone), _shown(b[name], zone))
            for name in b
            if a.get(name) != b[name]
        ]
        if fields:
            changes.append(RecordChange(section, model.id, "changed", fields))
    changes += [RecordChange(section, m.id, "removed") for m in old if m.id not in new_ids]
    return changes


def compare(old: Runbook, new: Runbook, *, sections: tuple[str, ...] = SECTIONS) -> Diff:
    """What ``new`` (the spreadsheet's runbook) changes in ``old`` (the YAML's). Sections not
    in ``sections`` (the workbook had no such sheet) are not compared; teams are only added
    or changed, never removed (a sheet names only the teams its tasks use)."""
    zone = ZoneInfo(new.timezone)
    diff = Diff()
    for name in ("name", "timezone", "start", "deadline"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            diff.top.append(FieldChange(name, _shown(a, zone), _shown(b, zone)))
    old_teams, new_teams = old.teams or {}, new.teams or {}
    for team_id, team in new_teams.items():
        before = old_teams.get(team_id)
        if before is None:
            diff.records.append(RecordChange("teams", team_id, "added"))
            continue
        a, b = before.model_dump(), team.model_dump()
        fields = [
            FieldChange(k, _shown(a[k], zone), _shown(b[k], zone))
            for k in b
            if b[k] is not None and a[k] != b[k]
        ]
        if fields:
            diff.records.append(RecordChange("teams", team_id, "changed", fields))
    if "tasks" in sections:
        diff.records += _compare_tasks("tasks", old, new, old.tasks, new.tasks, zone)
    if "rollback_tasks" in sections:
        diff.records += _compare_tasks(
            "rollback_tasks", old, new, old.rollback_tasks, new.rollback_tasks, zone
        )
    if "risks" in sections:
        diff.records += _compare_models("risks", old.risks, new.risks, zone)
    if "readiness" in sections:
        diff.records += _compare_models("readiness", old.readiness, new.readiness, zone)
    return diff
