"""The ``runbook validate --json`` contract: every problem, located, and the counts."""

from __future__ import annotations

from typing import Any

from runbook.common.problems import Problem
from runbook.validation.validate import Validation


def problem_json(problem: Problem, source: str) -> dict[str, Any]:
    """One problem: ``{"severity", "file", "line", "column", "message", "hint"}``."""
    return {
        "severity": problem.severity,
        "file": source,
        "line": problem.line,
        "column": problem.column,
        "message": problem.message,
        "hint": problem.hint,
    }


def validation_json(result: Validation, source: str) -> dict[str, Any]:
    """``runbook validate --json``: ``{"file", "valid", "errors", "warnings", "problems"}``."""
    return {
        "file": source,
        "valid": result.ok,
        "errors": result.error_count,
        "warnings": result.warning_count,
        "problems": [problem_json(p, source) for p in result.problems],
    }


def unreadable_json(problem: Problem, source: str) -> dict[str, Any]:
    """``runbook validate --json`` for a file that cannot even be read: still one object of
    the same shape, with that one error."""
    return {
        "file": source,
        "valid": False,
        "errors": 1,
        "warnings": 0,
        "problems": [problem_json(problem, source)],
    }
