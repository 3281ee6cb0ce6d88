"""Validation as a use case: load a runbook, schedule it, and gather every problem."""

from __future__ import annotations

import os
from dataclasses import dataclass

from runbook.common.errors import InvalidRunbook
from runbook.common.problems import Problem, sort_problems
from runbook.format.source import read_bytes
from runbook.planning.plan import Plan
from runbook.validation.loader import Loaded, load_bytes


@dataclass
class Validation:
    """The outcome of validating a runbook file: its plan when valid, and all problems."""

    loaded: Loaded
    plan: Plan | None

    @property
    def problems(self) -> list[Problem]:
        """Every listed problem in file order, then a line for each severity whose problems
        were too many to list."""
        listed = sort_problems(self.loaded.problems)
        for severity, count in self.loaded.omitted.items():
            if count:
                shown = sum(1 for p in listed if p.severity == severity)
                listed.append(
                    Problem(
                        severity,  # type: ignore[arg-type]
                        f"... and {count:,} more {severity}s, not listed "
                        f"(only the first {shown:,} are)",
                    )
                )
        return listed

    @property
    def errors(self) -> list[Problem]:
        """The listed problems that make the runbook invalid."""
        return [p for p in sort_problems(self.loaded.problems) if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The listed problems that do not stop the plan."""
        return [p for p in sort_problems(self.loaded.problems) if p.severity == "warning"]

    @property
    def error_count(self) -> int:
        """How many errors were found, listed or not."""
        return len(self.errors) + self.loaded.omitted["error"]

    @property
    def warning_count(self) -> int:
        """How many warnings were found, listed or not."""
        return len(self.warnings) + self.loaded.omitted["warning"]

    @property
    def ok(self) -> bool:
        """True when the runbook can be used."""
        return self.plan is not None


def validate_bytes(data: bytes, *, source: str, warnings: bool = True) -> Validation:
    """Validate runbook bytes and, when valid, compute the plan (and the warnings)."""
    from runbook.validation.checks import check_plan_bounds, check_references, check_warnings

    loaded = load_bytes(data, source=source)
    if loaded.shaped:
        check_references(loaded)
        if loaded.has_errors():
            loaded.runbook = None
    if loaded.runbook is None:
        return Validation(loaded, None)
    from runbook.planning.cpm import compute_plan

    plan = compute_plan(
        loaded.runbook, digest=loaded.digest, order=loaded.order, preds=loaded.preds
    )
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
