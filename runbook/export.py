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


def plan_csv(plan: Plan) -> str:
    """One row a task, in file order, with the columns of the JSON contract."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    tasks = plan.to_json()["tasks"]
    assert isinstance(tasks, list)
    for row in tasks:
        assert isinstance(row, dict)
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
