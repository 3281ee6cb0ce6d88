"""`runbook validate` and `runbook plan`."""

from __future__ import annotations

import functools
import gc
import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from runbook.cli import completion, output
from runbook.cli.common import (
    EstimatesOption,
    FileArgument,
    FileOption,
    JsonOption,
    NowOption,
    StateOption,
    command,
    learned_estimates,
)
from runbook.cli.options import runbook_file, state_file
from runbook.common.errors import EXIT_INVALID

P = ParamSpec("P")
R = TypeVar("R")


def without_cycle_collector(func: Callable[P, R]) -> Callable[P, R]:
    """Run a command without Python's cyclic garbage collector. Reading and planning a
    large runbook allocates hundreds of thousands of objects that live until the process
    ends; the collector would walk them again and again (a fifth of ``plan --json`` at
    10,000 tasks) to find almost no cycles. The command is one short process, so what little
    cyclic garbage it makes is freed at its end."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if enabled:
                # What the command built and keeps (``left_to_exit``) joins the oldest
                # generation at once (two list splices), so the collector's next young pass
                # does not walk all of it.
                gc.freeze()
                gc.unfreeze()
                gc.enable()

    return wrapper


# What the last command read and planned, left to the end of the process (``left_to_exit``).
_LEFT: list[object] = []


def left_to_exit(*built: object) -> None:
    """Keep what a command built until the process ends. A 10,000-task runbook read and
    planned is half a million objects (the document and where each value was written, the
    model, the plan, its JSON); freeing them one by one as the command returns took 20 ms,
    and the process ends right after without tearing the interpreter down
    (``runbook.cli._leave``), the memory going back to the system at once. Only the last
    command's are kept: a process that runs many commands (the tests) holds one at most."""
    _LEFT[:] = built


class PlanFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class GroupBy(StrEnum):
    phase = "phase"
    team = "team"


@command()
@without_cycle_collector
def validate(
    file: FileArgument = None,
    file_option: FileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check a runbook: every problem, located by file, line and column.

    Exit code 0 when the runbook is valid (warnings do not fail it), 1 when it is not.
    """
    from runbook.common.errors import InputError
    from runbook.common.problems import Problem
    from runbook.validation.validate import validate_path

    path = runbook_file(file, file_option)
    source = str(path)
    try:
        result = validate_path(path)
        left_to_exit(result)
    except InputError as exc:
        if not as_json:
            raise
        # The file cannot even be read: still one JSON object, as the contract says.
        from runbook.contracts.validation import unreadable_json

        problem = Problem("error", exc.message.removeprefix(f"{source}: "), hint=exc.hint)
        output.echo(json.dumps(unreadable_json(problem, source), indent=2))
        raise typer.Exit(EXIT_INVALID) from None
    if as_json:
        from runbook.contracts.validation import validation_json

        output.echo(json.dumps(validation_json(result, source), indent=2))
    else:
        output.problems(result.problems, source)
    if not result.ok:
        if not as_json:
            n = result.error_count
            output.error(
                f"{source}: {n} {'error' if n == 1 else 'errors'}; the runbook is not valid"
            )
        raise typer.Exit(EXIT_INVALID)
    if not as_json:
        from runbook.cli.render_validation import validation_summary

        output.echo(validation_summary(result))


@command()
@without_cycle_collector
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
    state: StateOption = None,
    now: NowOption = None,
    ignore_state: Annotated[
        bool, typer.Option("--ignore-state", help="The plan alone, even when a state file exists.")
    ] = False,
    team: Annotated[
        str | None,
        typer.Option(
            "--team",
            help="Only this team's tasks (team id or name); the weekend's finish is still stated.",
            show_default=False,
            autocompletion=completion.teams,
        ),
    ] = None,
    what_if: Annotated[
        list[str] | None,
        typer.Option(
            "--what-if",
            help="Show the forecast as it would be with this change, recording nothing "
            '(repeat for more): "ID+2h", "ID -30m", "ID eta 14:00", "ID estimate 3h", '
            '"ID pull" or "ID pull 10:00".',
            show_default=False,
        ),
    ] = None,
    estimates: EstimatesOption = None,
) -> None:
    """The critical-path schedule, the critical path, and the finish against the deadline.

    Earliest and latest times and the float of every task, as a table, a Gantt chart
    (--gantt), JSON (--json) or CSV (--format csv).

    With a state file (check-ins recorded), the timeline is recomputed from the actuals: the
    forecast of every task, and the tasks only their not_before holds back (they could be
    pulled forward), ranked by what pulling each brings closer: the finish, then the next gate
    or milestone.

    With --team, only that team's tasks (table, Gantt chart, JSON and CSV alike) and its part
    of the critical path; the weekend's finish line is still stated.

    With --what-if, the forecast and the points of no return as they would be with those
    changes (an eta slipped, an estimate, a task pulled forward), checked by the same rules as
    recording them, and what moves; nothing is recorded.

    With --estimates, the durations learned from history beside the runbook's (a Learned
    column; in JSON each task's learned estimate), and when the plan would finish with them.
    """
    from runbook.validation.validate import plan_path

    path = runbook_file(file, file_option)
    if estimates is not None and fmt is PlanFormat.csv and not as_json:
        from runbook.common.errors import UsageError

        raise UsageError("--estimates shows in the table and in --json, not in --format csv")
    result = plan_path(path)
    left_to_exit(result)
    assert result.plan is not None
    learned = learned_estimates(estimates, result.plan)
    tid = None
    if team is not None:
        from runbook.planning.teams import resolve_team

        tid = resolve_team(result.plan, team)
    snap = pull = view = None
    if what_if and ignore_state:
        from runbook.common.errors import UsageError

        raise UsageError("--what-if changes the weekend's forecast: not with --ignore-state")
    from runbook.store import state_exists

    if what_if or (not ignore_state and state_exists(state_file(state, path))):
        from runbook.cli.weekend import open_weekend, show_notices

        with open_weekend(path, state, now=now, compiled=result.plan) as weekend:
            if what_if:
                from runbook.weekend.views.whatif import what_if_view

                what = weekend.what_if(what_if)
                view = what_if_view(what)
                snap = what.after
            else:
                snap = weekend.snapshot()
            pull = weekend.pull_forward(snap)
            show_notices(weekend)
    # The plan as the weekend has it: a rehearsal's is on the rehearsal's own clock.
    shown = snap.plan if snap is not None else result.plan
    warnings = result.warnings
    if warnings:
        left = output.problems(warnings, str(path), limit=10)
        if left:
            output.info(f"... and {left} more warnings; `runbook validate {path}` lists them all")
    if as_json or fmt is PlanFormat.json:
        from runbook.contracts.plan import plan_contract

        data = plan_contract(shown, snap=snap, pull=pull, team=tid, learned=learned)
        if view is not None:
            from runbook.contracts.plan import what_if_json

            data["what_if"] = what_if_json(view, shown)
        output.echo_json(data)  # the same text as json.dumps(indent=2), streamed
        left_to_exit(result, data)
    elif fmt is PlanFormat.csv:
        from runbook.contracts.csv import plan_csv

        output.echo(plan_csv(result.plan, tid))
    else:
        from runbook.cli.render_plan import show_plan

        show_plan(
            shown,
            gantt=gantt,
            group_by=group_by.value,
            source=Path(path),
            snapshot=snap,
            pull=pull or [],
            team=tid,
            learned=learned,
        )
        if view is not None:
            from runbook.cli.console import console
            from runbook.cli.render_lines import lines_group
            from runbook.weekend.views.lines import Line
            from runbook.weekend.views.whatif import MOVED_LIMIT, what_if_lines

            lines = what_if_lines(view, shown, limit=MOVED_LIMIT)
            console().print(lines_group([Line(), *lines]))  # a blank line after the plan


@command()
def schema() -> None:
    """Print the JSON Schema of the runbook format (for editors and CI checks)."""
    from runbook.format.model import json_schema

    output.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
