"""`runbook validate` and `runbook plan`."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from runbook.cli import output
from runbook.cli.app import FileArgument, FileOption, JsonOption, command, runbook_file
from runbook.errors import EXIT_INVALID


class PlanFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class GroupBy(str, Enum):
    phase = "phase"
    team = "team"


@command()
def validate(
    file: FileArgument = None,
    file_option: FileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check a runbook: every problem, located by file, line and column.

    Exit code 0 when the runbook is valid (warnings do not fail it), 1 when it is not.
    """
    from runbook.validate import validate_path

    path = runbook_file(file, file_option)
    result = validate_path(path)
    source = str(path)
    if as_json:
        output.echo(
            json.dumps(
                {
                    "file": source,
                    "valid": result.ok,
                    "errors": len(result.errors),
                    "warnings": len(result.warnings),
                    "problems": [p.to_dict(source) for p in result.problems],
                },
                indent=2,
            )
        )
    else:
        output.problems(result.problems, source)
    if not result.ok:
        if not as_json:
            n = len(result.errors)
            output.error(f"{source}: {n} {'error' if n == 1 else 'errors'}; the runbook is not valid")
        raise typer.Exit(EXIT_INVALID)
    if not as_json:
        from runbook.cli.render_plan import validation_summary

        output.echo(validation_summary(result))


@command()
def plan(
    file: FileArgument = None,
    file_option: FileOption = None,
    as_json: JsonOption = False,
    fmt: Annotated[
        PlanFormat, typer.Option("--format", help="table (for people), json or csv.")
    ] = PlanFormat.table,
    gantt: Annotated[
        bool, typer.Option("--gantt", help="Draw a text Gantt chart of the weekend.")
    ] = False,
    group_by: Annotated[
        GroupBy, typer.Option("--group-by", help="Group the Gantt chart by phase or team.")
    ] = GroupBy.phase,
) -> None:
    """The critical-path schedule: earliest and latest times, float, the critical path,
    and the planned finish against the deadline."""
    from runbook.validate import plan_path

    path = runbook_file(file, file_option)
    result = plan_path(path)
    assert result.plan is not None
    warnings = result.warnings
    if warnings:
        left = output.problems(warnings, str(path), limit=10)
        if left:
            output.info(f"... and {left} more warnings; `runbook validate {path}` lists them all")
    if as_json or fmt is PlanFormat.json:
        output.echo(json.dumps(result.plan.to_json(), indent=2, ensure_ascii=False))
    elif fmt is PlanFormat.csv:
        from runbook.export import plan_csv

        output.echo(plan_csv(result.plan))
    else:
        from runbook.cli.render_plan import show_plan

        show_plan(result.plan, gantt=gantt, group_by=group_by.value, source=Path(path))


@command()
def schema() -> None:
    """Print the JSON Schema of the runbook format (for editors and CI checks)."""
    from runbook.model import json_schema

    output.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
