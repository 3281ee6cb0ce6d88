"""A spreadsheet laid over an existing runbook (for ``--diff`` and ``--update``): what the
sheet says wins; what it does not hold (a column it lacks, a sheet it has not, the gates:
section, the notify settings) stays as the runbook has it. A sheet without a Notes column
does not remove every note."""

from __future__ import annotations

import copy
from typing import Any

from runbook.interchange.draft import TASK_KEYS, TOP_KEYS, Draft

# The runbook keys a column of the task sheet fills.
KEYS_OF_COLUMN = {
    "optimistic": ("estimate",),
    "pessimistic": ("estimate",),
    "fixed": ("not_before",),
    "reason": ("not_before",),
    "duration": ("duration",),
    "milestone": ("milestone", "duration"),
    "approvers": ("approvers", "decided_by"),  # names, or stages one per line
}
_SIDE = ("gates", "rollback_tasks", "risks", "readiness", "readiness_rules", "notify")


def keys_of(columns: set[str]) -> set[str]:
    """The task keys that columns of these fields fill."""
    keys = {"id"}
    for column in columns:
        keys.update(KEYS_OF_COLUMN.get(column, (column,)))
    return keys


def overlay(draft: Draft, base: dict[str, Any]) -> None:
    """Complete ``draft.document`` from ``base`` (the existing runbook's data) wherever the
    spreadsheet says nothing."""
    doc = draft.document
    for section, columns in draft.columns.items():
        filled = keys_of(columns)
        old = {str(t.get("id")): t for t in base.get(section) or [] if isinstance(t, dict)}
        for i, task in enumerate(doc.get(section, [])):
            before = old.get(str(task["id"]))
            if before is None:
                continue
            merged = {k: v for k, v in task.items()}
            for key, value in before.items():
                if key not in filled and key not in merged:
                    merged[key] = copy.deepcopy(value)
            doc[section][i] = {k: merged[k] for k in sorted(merged, key=_rank)}
    gates = base.get("gates")
    if isinstance(gates, dict) and gates:
        inline = {"gate", "criteria", "approvers", "rollback"} & draft.columns.get("tasks", set())
        kept = {k: v for k, v in gates.items() if not inline or k not in _ids(doc, "tasks")}
        if kept:
            doc["gates"] = copy.deepcopy(kept)
    for key in _SIDE:
        if key != "gates" and key not in draft.sections and key in base and key not in doc:
            doc[key] = copy.deepcopy(base[key])
    if isinstance(base.get("teams"), dict):
        teams = doc.setdefault("teams", {})
        for team_id, entry in base["teams"].items():
            if team_id not in teams:
                teams[team_id] = copy.deepcopy(entry)
            elif isinstance(entry, dict):
                for key, value in entry.items():
                    teams[team_id].setdefault(key, copy.deepcopy(value))
    _order_top(doc)


def _ids(doc: dict[str, Any], section: str) -> set[str]:
    return {str(t["id"]) for t in doc.get(section, [])}


def _rank(key: str) -> int:
    return TASK_KEYS.index(key) if key in TASK_KEYS else len(TASK_KEYS)


def _order_top(doc: dict[str, Any]) -> None:
    """The document's keys in the format's order."""
    for key in sorted(doc, key=lambda k: TOP_KEYS.index(k) if k in TOP_KEYS else len(TOP_KEYS)):
        doc[key] = doc.pop(key)
