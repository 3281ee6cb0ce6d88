"""Reading an estimates file (`--estimates FILE`) for a plan: every problem located and
collected, as a runbook's are; errors refuse the file, and what does not fit this runbook (a
task id it does not have, a milestone, a team it does not name, another runbook's name) is a
warning and left out."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from runbook.common.errors import InvalidRunbook
from runbook.common.problems import Problem, did_you_mean, sort_problems
from runbook.format.estimates import EstimatesFile
from runbook.format.source import digest_of, read_bytes
from runbook.format.yamlsafe import read
from runbook.planning.learning import Estimates, Factor, Figures, estimates_for
from runbook.planning.plan import Plan
from runbook.validation.loader import Loaded, translate


class InvalidEstimates(InvalidRunbook):
    """An estimates file that cannot be used; ``problems`` lists every located problem."""

    def __init__(self, problems: list[Problem], *, source: str) -> None:
        errors = sum(1 for p in problems if p.severity == "error")
        noun = "problem" if errors == 1 else "problems"
        super().__init__(
            problems,
            source=source,
            message=f"{source}: {errors} {noun} found; the estimates file is not valid",
        )


def read_estimates(path: str | os.PathLike[str], plan: Plan) -> tuple[Estimates, list[Problem]]:
    """The estimates in the file at ``path`` for ``plan``, and the warnings about it (file
    order); raises ``InvalidEstimates`` with every problem when the file cannot be used."""
    from runbook.common.errors import InputError

    name = os.fspath(path)
    if not Path(name).exists():
        raise InputError(
            f"{name}: no such estimates file",
            hint="`runbook learn STATE... -o FILE` writes one from past weekends and rehearsals",
        )
    loaded, model = load_estimates(read_bytes(name), source=name)
    if model is not None:
        _check_against(loaded, model, plan)
    if model is None or loaded.has_errors():
        raise InvalidEstimates(sort_problems(loaded.problems), source=name)
    estimates = estimates_for(
        plan,
        {
            i: Figures(
                t.estimate.optimistic if t.estimate else t.duration,
                t.duration,
                t.estimate.pessimistic if t.estimate else t.duration,
                t.observations,
            )
            for i, t in model.tasks.items()
        },
        {team: Factor(f.factor, f.observations) for team, f in model.teams.items()},
        name,
    )
    return estimates, sort_problems(loaded.problems)


def load_estimates(data: bytes, *, source: str) -> tuple[Loaded, EstimatesFile | None]:
    """Parse an estimates file's bytes: the model when its YAML, shape and types are right,
    and every problem located."""
    loaded = Loaded(source=source, digest=digest_of(data))
    document = read(data)
    for issue in document.issues:
        loaded.problems.append(
            Problem("error", issue.message, issue.line, issue.column, issue.hint)
        )
    if any(issue.fatal for issue in document.issues):
        return loaded, None
    loaded.document = document
    raw = document.data
    if not isinstance(raw, dict):
        what = "empty" if raw is None else "not a mapping"
        loaded.problem(
            "error",
            f"the estimates file is {what}; it holds tasks: and teams: (`runbook learn` "
            "writes one)",
            (),
        )
        return loaded, None
    try:
        model = EstimatesFile.model_validate(raw)
    except ValidationError as exc:
        reported = {(p.line, p.column) for p in loaded.problems}
        before = len(loaded.problems)
        translate(loaded, exc, EstimatesFile)
        loaded.problems[before:] = [
            p for p in loaded.problems[before:] if (p.line, p.column) not in reported
        ]
        return loaded, None
    return loaded, model


def _check_against(loaded: Loaded, model: EstimatesFile, plan: Plan) -> None:
    """Warn of what does not fit ``plan``: it is left out."""
    if model.runbook is not None and model.runbook != plan.name:
        loaded.problem(
            "warning",
            f"learned for the runbook '{model.runbook}', not '{plan.name}': only the task ids "
            "and teams the two share are used",
            ("runbook",),
        )
    ids = plan.index
    for task in model.tasks:
        if task not in ids:
            loaded.problem(
                "warning",
                f"task '{task}' is not in the runbook; its estimate is left out",
                ("tasks", task),
                key=True,
                hint=did_you_mean(task, ids),
            )
        elif plan.tasks[ids[task]].milestone:
            loaded.problem(
                "warning",
                f"'{task}' is a milestone: it takes no time, and its estimate is left out",
                ("tasks", task),
                key=True,
            )
    teams = set(plan.teams_in_use)
    for team in model.teams:
        if team not in teams:
            loaded.problem(
                "warning",
                f"no task of the runbook belongs to team '{team}'; its factor is left out",
                ("teams", team),
                key=True,
                hint=did_you_mean(team, teams),
            )
