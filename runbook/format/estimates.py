"""The estimates file (`runbook learn` writes it; `plan`, `readiness` and `status` read it with
--estimates): per task id a learned three-point estimate in the runbook's own fields, per team
a factor for the tasks never observed. The model, and writing it as YAML."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from runbook.format.durations import format_duration
from runbook.format.model import Duration, Estimate, FieldError, Id, TeamRef

ESTIMATES_VERSION = 1
# The first line of every file `runbook learn` writes: it writes over a file only when that
# file starts with it (never over a runbook or anything else given as -o by mistake).
HEADER = "# Estimates learned from history by `runbook learn`"
MAX_FACTOR = 100.0  # a team's factor: more than 100 times the runbook is a mistake


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Observations = Annotated[int, Field(ge=0, strict=True)]


class LearnedTask(_Strict):
    """One task's learned estimate: the most likely duration, the three-point spread, and how
    many observations it stands on (0: set by hand)."""

    duration: Duration = Field(description="The learned most likely duration.")
    estimate: Estimate | None = Field(
        None, description="Optimistic and pessimistic durations (duration is the most likely)."
    )
    observations: Observations = Field(description="How many past runs of the task it is from.")

    @model_validator(mode="after")
    def _brackets(self) -> LearnedTask:
        if self.estimate is not None:
            low, high = self.estimate.optimistic, self.estimate.pessimistic
            if not low <= self.duration <= high:
                raise FieldError(
                    "the estimate must bracket the duration: optimistic <= duration <= pessimistic",
                    key="estimate",
                )
        return self


class TeamFactorEntry(_Strict):
    """What a team's observed tasks took against the runbook, as one factor."""

    factor: float = Field(gt=0, le=MAX_FACTOR, description="Observed over planned, shrunk to 1.")
    observations: Annotated[int, Field(ge=1, strict=True)]
    tasks: Annotated[int, Field(ge=1, strict=True)] | None = None


class EstimatesFile(_Strict):
    """The estimates file."""

    version: Literal[1] = Field(1, description="Format version of this file.")
    runbook: str | None = Field(None, description="The name of the runbook learned for.")
    learned_from: list[str] = Field(default_factory=list, description="The histories read.")
    tasks: dict[Id, LearnedTask] = Field(default_factory=dict)
    teams: dict[TeamRef, TeamFactorEntry] = Field(default_factory=dict)


# --- Writing -------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
# Words some YAML reader takes for something other than text (YAML 1.1 readers included).
_SPECIAL = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def scalar(text: str) -> str:
    """Text as a YAML scalar that reads back as exactly that text: plain when it is a safe
    word, else double-quoted (JSON's quoting, ASCII only, is YAML's too)."""
    if _PLAIN.fullmatch(text) and text.lower() not in _SPECIAL:
        return text
    return json.dumps(text, ensure_ascii=True)


def task_line(
    task: str, duration: int, optimistic: int, pessimistic: int, observations: int
) -> str:
    """``  copy-data: {duration: 2h45m, estimate: {optimistic: 2h15m, pessimistic: 3h30m},
    observations: 3}``: one task's entry."""
    spread = ""
    if optimistic < duration or pessimistic > duration:
        spread = (
            f", estimate: {{optimistic: {format_duration(optimistic)}, "
            f"pessimistic: {format_duration(pessimistic)}}}"
        )
    return (
        f"  {scalar(task)}: {{duration: {format_duration(duration)}{spread}, "
        f"observations: {observations}}}"
    )


def team_line(team: str, factor: float, observations: int, tasks: int) -> str:
    """``  dba: {factor: 1.25, observations: 7, tasks: 3}``: one team's entry."""
    return f"  {scalar(team)}: {{factor: {factor:g}, observations: {observations}, tasks: {tasks}}}"


def dump(
    *,
    runbook: str,
    learned_from: Iterable[str],
    tasks: Iterable[tuple[str, int, int, int, int]],
    teams: Iterable[tuple[str, float, int, int]],
    comments: Iterable[str] = (),
) -> str:
    """The estimates file as YAML text: ``tasks`` as (id, duration, optimistic, pessimistic,
    observations), ``teams`` as (id, factor, observations, tasks); ``comments`` are lines
    said in the header."""
    lines = [HEADER]
    lines += [f"# {c}" for c in comments]
    lines += [
        f"version: {ESTIMATES_VERSION}",
        f"runbook: {scalar(runbook)}",
    ]
    sources = [f"  - {scalar(s)}" for s in learned_from]
    lines += ["learned_from:" + ("" if sources else " []"), *sources]
    task_lines = [task_line(i, m, o, p, n) for i, m, o, p, n in tasks]
    lines += ["tasks:" + ("" if task_lines else " {}"), *task_lines]
    team_lines = [team_line(*t) for t in teams]
    lines += ["teams:" + ("" if team_lines else " {}"), *team_lines]
    return "\n".join(lines) + "\n"
