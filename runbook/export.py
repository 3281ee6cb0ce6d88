"""Plan exports for scripts and spreadsheets (CSV); the JSON contract is ``Plan.to_json``."""

from __future__ import annotations

import csv
import io

from runbook.plan import Plan

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


def plan_csv(plan: Plan, team: str | None = None) -> str:
    """One row a task (of ``team``'s only, given one), in file order, with the columns of
    the JSON contract."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    tasks = plan.to_json()["tasks"]
    assert isinstance(tasks, list)
    for row in tasks:
        assert isinstance(row, dict)
        if team is not None and row["team"] != team:
            continue
        values = []
        for column in CSV_COLUMNS:
            value = row[column]
            if column == "depends_on":
                value = " ".join(value)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            values.append("" if value is None else value)
        writer.writerow(values)
    return buffer.getvalue().rstrip("\n")
