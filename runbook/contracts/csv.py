"""Exports for scripts and spreadsheets (CSV): the plan, with the columns of ``plan_json``,
and the review's aftercare list."""

from __future__ import annotations

import csv
import io

from runbook.common.text import shown
from runbook.contracts.plan import plan_json
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


AFTERCARE_COLUMNS = ("id", "title", "team", "team_name", "status", "priority", "reason")


def aftercare_csv(review: Review) -> str:
    """``runbook review --format csv``: the aftercare list as a spreadsheet, one row a task
    still to do after the weekend (not finished, or dropped for time: status ``dropped``),
    with its team and the reason given; every cell is text from the runbook or the log."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(AFTERCARE_COLUMNS)
    plan = review.plan
    for r in review.aftercare:
        team_name = plan.team_name(r.team) if r.team else None
        row = (r.id, r.title, r.team, team_name, r.shown_status, r.priority, r.reason)
        writer.writerow(["" if value is None else csv_text(value) for value in row])
    return buffer.getvalue()
