"""`runbook readiness` (go/no-go) and `runbook review` (after the weekend)."""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from runbook.cli import output
from runbook.cli.common import (
    EstimatesOption,
    FileOption,
    NowOption,
    OutOption,
    StateOption,
    command,
    learned_estimates,
    runbook_file,
    state_file,
)
from runbook.common.errors import EXIT_INVALID


class ReportFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"


class ReviewFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"
    csv = "csv"


FormatOption = Annotated[
    ReportFormat, typer.Option("--format", help="md (shown with rich in a terminal), html, json.")
]
ReviewFormatOption = Annotated[
    ReviewFormat,
    typer.Option(
        "--format",
        help="md (shown with rich in a terminal), html, json, or csv (one row a task).",
    ),
]


def _render(report: str, data: object, fmt: ReportFormat) -> str:
    """``readiness`` or ``review`` in a format, by the renderer of that name."""
    import importlib

    module = {
        "json": "contracts.reports",
        "html": "reports.render.html",
        "md": "reports.render.markdown",
    }[fmt.value]
    suffix = {"json": "json", "html": "html", "md": "markdown"}[fmt.value]
    render = getattr(importlib.import_module(f"runbook.{module}"), f"{report}_{suffix}")
    result = render(data)
    if fmt is ReportFormat.json:
        return json.dumps(result, indent=2, ensure_ascii=False)
    return str(result)


def _check_output(out: Path | None, *protected: tuple[Path | str | None, str]) -> None:
    """Refuse ``-o`` over the runbook, a state file or any database, before any work."""
    if out is not None:
        from runbook.reports.outfile import check_output

        check_output(out, protected)


def _emit(text: str, fmt: StrEnum, out: Path | None) -> None:
    if out is not None:
        from runbook.reports.outfile import write_atomically

        write_atomically(out, text)
        output.info(f"written to {out}")
        return
    if fmt == ReportFormat.md:
        import sys

        if sys.stdout.isatty():
            from rich.markdown import Markdown

            from runbook.cli.console import console

            console().print(Markdown(text))
            return
    output.echo(text.rstrip("\n"))


@command()
def readiness(
    file: FileOption = None,
    state: StateOption = None,
    fmt: FormatOption = ReportFormat.md,
    out: OutOption = None,
    rehearsal: Annotated[
        Path | None,
        typer.Option(
            "--rehearsal",
            help="A dress rehearsal's state file: planned "
            "against actual durations, and suggested estimates.",
            dir_okay=False,
        ),
    ] = None,
    learn: Annotated[
        bool,
        typer.Option(
            "--learn",
            help="With --rehearsal: simulate with the estimates the rehearsal teaches (as "
            "`runbook learn` on it alone would give them).",
        ),
    ] = False,
    estimates: EstimatesOption = None,
    runs: Annotated[
        int, typer.Option("--runs", min=100, max=1_000_000, help="Monte Carlo runs.")
    ] = 10_000,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the simulation (results repeat).")
    ] = 0,
    now: NowOption = None,
) -> None:
    """The go/no-go readiness report, with a GO / GO WITH CONDITIONS / NO-GO recommendation.

    Schedule and buffer, points of no return, the probability of finishing inside the window,
    risks, readiness items, sign-offs, and the reasons behind the recommendation. During the
    weekend (check-ins up to --now) it stands on the live forecast and simulates the remaining
    work only. With --estimates (or --rehearsal STATE --learn) the simulation uses estimates
    learned from history, and the report says which, and on how many observed runs.
    """
    from datetime import UTC

    from runbook.cli.weekend import pretend_now
    from runbook.reports.readiness import readiness as build
    from runbook.validation.validate import validate_path

    if learn and rehearsal is None:
        raise typer.BadParameter("--learn needs --rehearsal STATE", param_hint="--learn")
    if learn and estimates is not None:
        raise typer.BadParameter(
            "--learn learns from the rehearsal alone: not with --estimates (`runbook learn "
            "STATE...` learns from several)",
            param_hint="--learn",
        )
    path = runbook_file(None, file)
    state_path = state_file(state, path)
    _check_output(
        out,
        (path, "the runbook"),
        (state_path, "the state file"),
        (rehearsal, "the rehearsal's state file"),
        (estimates, "the estimates file"),
    )
    validation = validate_path(path)  # once: for the report, and for --now's time zone
    plan = validation.plan
    zone = plan.zone if plan is not None else UTC
    learned = learned_estimates(estimates, plan) if plan is not None else None
    report = build(
        path,
        validation=validation,
        now=pretend_now(now, zone),
        state=state_path,
        rehearsal=rehearsal,
        learn_from_rehearsal=learn,
        estimates=learned,
        runs=runs,
        seed=seed,
        replay=bool(now or os.environ.get("RUNBOOK_NOW")),
    )
    _emit(_render("readiness", report, fmt), fmt, out)
    if report.plan is None:  # the report says NO-GO; the exit code says the input is bad
        output.problems(report.problems, report.source)
        raise typer.Exit(EXIT_INVALID)


@command()
def review(
    file: FileOption = None,
    state: StateOption = None,
    fmt: ReviewFormatOption = ReviewFormat.md,
    out: OutOption = None,
    now: NowOption = None,
) -> None:
    """After the weekend: planned against actual, the biggest slips, aftercare, overrides.

    Per task and per team, where each slip came from, what is left for aftercare (tasks not
    finished and work dropped for time, each with its team, reason, the work it did and its
    handover: owner, due date, ticket), what was skipped as not needed, every override
    (--force: who, when, the rule it overrode, why), the runbook's revisions, NO-GOs, pulls,
    the estimates' accuracy per team, the lessons learned per phase and team, and the notes
    from the log. --format csv gives one row a task, for a spreadsheet (`runbook aftercare
    --format csv` gives the aftercare list).
    """
    from runbook.cli.weekend import open_weekend
    from runbook.reports.review import review as build

    path = runbook_file(None, file)
    _check_output(out, (path, "the runbook"), (state_file(state, path), "the state file"))
    with open_weekend(file, state, now=now) as weekend:
        if weekend.store is None:
            from runbook.common.errors import InputError

            raise InputError(
                f"{weekend.shown_state}: no state file: nothing was recorded yet",
                hint="give the weekend's state file with --state PATH",
            )
        result = build(weekend)
    if fmt is ReviewFormat.csv:
        from runbook.contracts.csv import review_csv

        _emit(review_csv(result), fmt, out)
        return
    _emit(_render("review", result, ReportFormat(fmt.value)), ReportFormat(fmt.value), out)
