"""The ``runbook`` command line: thin Typer commands over the core."""

from __future__ import annotations

import os
import sys

from runbook.cli import (  # noqa: F401  (register the commands)
    cmd_checkin,
    cmd_control,
    cmd_gates,
    cmd_plan,
    cmd_reports,
    cmd_status,
)
from runbook.cli.app import app
from runbook.errors import EXIT_INVALID, RunbookError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: run the app, and turn every error a user can cause into a message."""
    from runbook.cli import output

    try:
        app(prog_name="runbook")
    except RunbookError as exc:  # raised outside a command (the commands report their own)
        output.error(exc.message, exc.hint)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        output.error("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`runbook plan --json | head`); that is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except Exception as exc:  # a bug: say so plainly, keep the traceback for developers
        if os.environ.get("RUNBOOK_DEBUG"):
            raise
        output.error(
            f"internal error: {type(exc).__name__}: {exc}",
            "this is a bug in runbook; run again with RUNBOOK_DEBUG=1 for the traceback "
            "and report it",
        )
        sys.exit(EXIT_INVALID)
