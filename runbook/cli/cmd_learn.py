"""`runbook learn`: estimates learned from past weekends and rehearsals."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from runbook.cli import output
from runbook.cli.common import FileOption, OutOption, command
from runbook.cli.options import runbook_file

StatesArgument = Annotated[
    list[str],
    typer.Argument(
        help="Past weekends and rehearsals of this runbook: state files, `db export` files "
        "or PostgreSQL URIs.",
        metavar="STATE...",
        show_default=False,
    ),
]


@command()
def learn(states: StatesArgument, file: FileOption = None, out: OutOption = None) -> None:
    """Estimates learned from past weekends and rehearsals, for --estimates.

    For every task of the runbook that they saw started and done, a three-point estimate
    learned from the work each run took, shrunk toward the runbook's own estimate when the
    runs are few (the runbook's counts as one run); for every team with observed tasks, a
    factor for its tasks never observed. Written with -o FILE (never over a file `runbook
    learn` did not write), else on stdout; what was learned, task by task (how many runs, how
    far from the runbook's estimate), is said beside it.

    Give the file to `runbook plan`, `readiness` or `status` with --estimates FILE.
    """
    from runbook.reports.history import check_estimates_output, learn_history
    from runbook.validation.validate import plan_path

    path = runbook_file(None, file)
    if out is not None:
        protected: list[tuple[Path | str | None, str]] = [(path, "the runbook")]
        protected += [(Path(s), "a past weekend's state file") for s in states if "://" not in s]
        check_estimates_output(out, protected)
    result = plan_path(path)
    assert result.plan is not None
    lesson = learn_history(result.plan, states)
    from runbook.cli.console import console
    from runbook.cli.render_learn import lesson_report

    if out is None:
        output.echo(lesson.text().rstrip("\n"))
        said = console(stderr=True)
        said.print(lesson_report(lesson, width=said.width))
        return
    from runbook.reports.outfile import write_atomically

    write_atomically(out, lesson.text())
    screen = console()
    screen.print(lesson_report(lesson, width=screen.width))
    output.info(f"written to {out}; give it to plan, readiness or status with --estimates {out}")
