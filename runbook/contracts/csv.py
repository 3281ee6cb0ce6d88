"""Exports for scripts and spreadsheets (CSV): the plan, with the columns of ``plan_json``,
and the review's aftercare list."""

from __future__ import annotations

import csv
import io

from runbook.common.text import shown
from runbook.contracts.plan import plan_json
from runbook.format.durations import iso, minutes
from runbook.planning.plan import Plan
from runbook.reports.review import Review

CSV_COLUMNS = (
    "id",
    "title",
    "team",
    "phase",
    "duration_minutes",
    "depends_on",
    "earliest_start",
    "earliest_finish",
    "latest_start",
    "latest_finish",
    "total_float_minutes",
    "free_float_minutes",
    "critical",
)


# Columns of free text from the runbook. Only these are guarded: the figures (a float of -30
# minutes) are genuinely numbers and must stay numbers in a spreadsheet.
CSV_TEXT_COLUMNS = frozenset({"id", "title", "team", "phase", "depends_on"})
# A cell a spreadsheet would run as a formula (the OWASP CSV-injection rule).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """A text cell safe in a spreadsheet and on a terminal: controls shown, and a leading
    ``=``, ``+``, ``-``, ``@``, tab or carriage return made inert by a ``'``."""
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return shown(value)


def plan_csv(plan: Plan, team: str | None = None) -> str:
    """One row a task (of ``team``'s only, given one), in file order, with the columns of
    the JSON contract."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in plan_json(plan)["tasks"]:
        if team is not None and row["team"] != team:
            continue
        values = []
        for column in CSV_COLUMNS:
            value = row[column]
            if column == "depends_on":
                value = " ".join(value)
            if column in CSV_TEXT_COLUMNS and value is not None:
                value = csv_text(str(value))
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            values.append("" if value is None else value)
        writer.writerow(values)
    return buffer.getvalue().rstrip("\n")


AFTERCARE_COLUMNS = (
    "id",
    "title",
    "team",
    "team_name",
    "status",
    "priority",
    "reason",
    "owner",
    "due",
    "ticket",
    "notes",
)


def aftercare_csv(review: Review) -> str:
    """``runbook aftercare --format csv``: the aftercare list for a service desk's tool, one
    row a task still to do after the weekend (not finished, or dropped for time: status
    ``dropped``), with its team, the reason given and its handover (owner team, due date,
    ticket, the notes joined by `` | ``); every text cell is made inert for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(AFTERCARE_COLUMNS)
    plan = review.plan
    for r, h in review.aftercare_items:
        team_name = plan.team_name(r.team) if r.team else None
        due = iso(h.due, plan.zone) if h.due is not None else None
        notes = " | ".join(h.notes) if h.notes else None
        row = (r.id, r.title, r.team, team_name, r.shown_status, r.priority, r.reason)
        writer.writerow(
            ["" if value is None else csv_text(value) for value in (*row, h.owner)]
            + ["" if due is None else due]
            + ["" if value is None else csv_text(value) for value in (h.ticket, notes)]
        )
    return buffer.getvalue()


REVIEW_COLUMNS = (
    "id",
    "title",
    "team",
    "team_name",
    "phase",
    "priority",
    "status",
    "planned_start",
    "planned_finish",
    "actual_start",
    "actual_finish",
    "planned_minutes",
    "actual_minutes",
    "worked_minutes",
    "lost_minutes",
    "over_estimate_minutes",
    "started_by",
    "finished_by",
    "reason",
)
_REVIEW_TEXT = frozenset(
    {"id", "title", "team", "team_name", "phase", "status", "started_by", "finished_by", "reason"}
)


def review_csv(review: Review) -> str:
    """``runbook review --format csv``: one row a task, in runbook order, for a PMO's own
    spreadsheet: planned (baseline) and actual start and finish in the runbook's zone, the
    planned duration, the actual one (first start to finish), the work done and the time lost
    to failures, the work against the estimate (``over_estimate_minutes``, negative: faster),
    its status (``dropped`` for work dropped for time), team, priority, and who checked it in
    and out."""
    plan, zone = review.plan, review.plan.zone
    phases = {t: p for t, p in zip(plan.column("id"), plan.column("phase"), strict=True)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS)

    def when(seconds: int | None) -> str | None:
        return iso(seconds, zone) if seconds is not None else None

    def mins(seconds: int | None) -> int | float | None:
        return None if seconds is None else minutes(seconds)

    for r in review.rows:
        done = r.actual is not None
        values: dict[str, object] = {
            "id": r.id,
            "title": r.title,
            "team": r.team,
            "team_name": plan.team_name(r.team) if r.team else None,
            "phase": phases.get(r.id),
            "priority": r.priority,
            "status": r.shown_status,
            "planned_start": when(r.planned_start),
            "planned_finish": when(r.planned_finish),
            "actual_start": when(r.actual_start),
            "actual_finish": when(r.actual_finish),
            "planned_minutes": mins(r.planned),
            "actual_minutes": mins(r.actual),
            "worked_minutes": mins(r.worked),
            "lost_minutes": mins(r.lost),
            "over_estimate_minutes": mins(r.own_overrun) if done else None,
            "started_by": r.started_by,
            "finished_by": r.finished_by,
            "reason": r.reason,
        }
        writer.writerow(
            [
                ""
                if (value := values[column]) is None
                else csv_text(str(value))
                if column in _REVIEW_TEXT
                else value
                for column in REVIEW_COLUMNS
            ]
        )
    return buffer.getvalue()
