"""Shared fixtures: runbooks written to temporary files, and the real CLI."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runbook.cli import app

# The throwaway PostgreSQL cluster (tests/pg.py): pg_cluster, pg_database; and the guard that
# fails a test recording at the real clock (tests/clock_guard.py).
pytest_plugins = ["tests.pg", "tests.clock_guard"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def write_runbook(tmp_path: Path) -> Callable[..., Path]:
    """Write dedented YAML text to a file in a temporary folder and return its path."""

    def write(text: str, name: str = "runbook.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def cli() -> Callable[..., object]:
    """Run ``runbook ARGS`` in-process; the result has stdout, stderr and exit_code."""
    runner = CliRunner()

    def run(*args: str | Path, env: dict[str, str] | None = None) -> object:
        return runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)

    return run


@pytest.fixture(params=["sqlite", "postgres"])
def state_location(request: pytest.FixtureRequest) -> str | None:
    """Where a test's weekend keeps its state, once for each store: None for the SQLite file
    beside the runbook (the default), or the URI of a fresh PostgreSQL database. A test that
    takes it runs against both stores, so the two cannot drift."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_database"))
    return None
