"""Validation as a use case: load a runbook, schedule it, and gather every problem."""

from __future__ import annotations

import os
from dataclasses import dataclass

from runbook.diagnostics import Problem, sort_problems
from runbook.errors import InvalidRunbook
from runbook.loader import Loaded, load_bytes
from runbook.plan import Plan
from runbook.source import read_bytes


@dataclass
class Validation:
    """The outcome of validating a runbook file: its plan when valid, and all problems."""

    loaded: Loaded
    plan: Plan | None

    @property
    def problems(self) -> list[Problem]:
        """Every problem in file order."""
        return sort_problems(self.loaded.problems)

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the runbook invalid."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that do not stop the plan."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when the runbook can be used."""
        return self.plan is not None


def validate_bytes(data: bytes, *, source: str, warnings: bool = True) -> Validation:
    """Validate runbook bytes and, when valid, compute the plan (and the warnings)."""
    loaded = load_bytes(data, source=source)
    if loaded.runbook is None:
        return Validation(loaded, None)
    from runbook.checks import check_plan_bounds, check_warnings
    from runbook.schedule import compute_plan

    plan = compute_plan(loaded.runbook, digest=loaded.digest)
    if not check_plan_bounds(loaded, plan):
        loaded.runbook = None
        return Validation(loaded, None)
    if warnings:
        check_warnings(loaded, plan)
    return Validation(loaded, plan)


def validate_path(path: str | os.PathLike[str], *, warnings: bool = True) -> Validation:
    """Validate the runbook file at ``path``."""
    return validate_bytes(read_bytes(path), source=os.fspath(path), warnings=warnings)


def plan_path(path: str | os.PathLike[str]) -> Validation:
    """Validate and plan, raising InvalidRunbook (with every problem) when it is invalid."""
    result = validate_path(path)
    if result.plan is None:
        raise InvalidRunbook(result.problems, source=result.loaded.source)
    return result
