"""The ``runbook`` command line: thin Typer commands over the core."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from runbook.cli.fastcomplete import COMPLETE_VAR
from runbook.common.errors import EXIT_INVALID, RunbookError

if TYPE_CHECKING:
    import typer

__all__ = ["MODULES", "app", "load", "main"]

# The module that defines each command. `runbook start` loads only the check-in commands, so
# Typer builds seven commands instead of all of them: a check-in is what a team types under
# pressure, and every millisecond of its start-up counts.
MODULES = {
    "validate": "cmd_plan",
    "plan": "cmd_plan",
    "schema": "cmd_plan",
    "start": "cmd_checkin",
    "done": "cmd_checkin",
    "fail": "cmd_checkin",
    "skip": "cmd_checkin",
    "undo": "cmd_checkin",
    "note": "cmd_checkin",
    "baseline": "cmd_checkin",
    "close": "cmd_close",
    "eta": "cmd_replan",
    "estimate": "cmd_replan",
    "pull": "cmd_replan",
    "recover": "cmd_recover",
    "drop": "cmd_recover",
    "status": "cmd_status",
    "log": "cmd_status",
    "control": "cmd_control",
    "decide": "cmd_gates",
    "rollback": "cmd_gates",
    "signoff": "cmd_gates",
    "check": "cmd_gates",
    "readiness": "cmd_reports",
    "review": "cmd_reports",
    "learn": "cmd_learn",
    "rehearse": "cmd_rehearse",
    "db": "cmd_db",  # a group: db export, db import
    "export": "cmd_export",  # a group: export ics, export xlsx
    "import": "cmd_import",
    "notify": "cmd_notify",
    "revise": "cmd_record",
    "lesson": "cmd_record",
    "aftercare": "cmd_record",
}
ALL = tuple(dict.fromkeys(MODULES.values()))


def load(modules: Sequence[str] = ALL) -> typer.Typer:
    """The Typer app with the commands of ``modules`` registered (all by default)."""
    for module in modules:
        importlib.import_module(f"runbook.cli.{module}")
    from runbook.cli.common import app

    # `runbook --install-completion` and `--show-completion` (bash, zsh, fish), and Typer's
    # completion classes for a shell asking: not on a command line that names a command,
    # whose start-up would pay for Typer's completion module and shellingham.
    app._add_completion = tuple(modules) == ALL or COMPLETE_VAR in os.environ
    return app


def __getattr__(name: str) -> object:
    if name == "app":  # `from runbook.cli import app`: every command (tests, docs)
        return load()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _needed(argv: Sequence[str]) -> Sequence[str]:
    """The command modules a command line needs: one for a known command, else all (for
    --help, a typo's "did you mean", or no command at all)."""
    for arg in argv:
        module = MODULES.get(arg) if not arg.startswith("-") else None
        return (module,) if module else ALL
    return ALL


def _completing() -> list[str]:
    """The words before the one being completed, when a shell asks for completions."""
    from runbook.cli.fastcomplete import words

    return words(os.environ)[0]


def main() -> None:
    """Entry point: run the app, and turn every error a user can cause into a message. A
    shell asking for a task, team, gate or item id is answered without Typer."""
    if COMPLETE_VAR in os.environ:
        from runbook.cli.fastcomplete import answer

        answered = answer(os.environ)
        if answered is not None:
            text, code = answered
            sys.stdout.write(text)
            _leave(code)
    _leave(_run())


def _run() -> int:
    """Run the command; its exit code."""
    from runbook.cli import output

    completing = COMPLETE_VAR in os.environ
    app = load(_needed(_completing() if completing else sys.argv[1:]))
    try:
        app(prog_name="runbook")
    except SystemExit as exc:
        if isinstance(exc.code, str):
            output.error(exc.code)
            return EXIT_INVALID
        return exc.code or 0
    except RunbookError as exc:  # raised outside a command (the commands report their own)
        output.error(exc.message, exc.hint)
        return exc.exit_code
    except KeyboardInterrupt:
        output.error("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (`runbook plan --json | head`); that is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: say so plainly, keep the traceback for developers
        if os.environ.get("RUNBOOK_DEBUG"):
            raise
        output.error(
            f"internal error: {type(exc).__name__}: {exc}",
            "this is a bug in runbook; run again with RUNBOOK_DEBUG=1 for the traceback "
            "and report it",
        )
        return EXIT_INVALID
    return 0


def _leave(code: int) -> None:
    """Exit without tearing the interpreter down. By now every command has committed and
    closed its state file and written its output; unloading Typer, pydantic and the rest
    would add a fifth to the time of a check-in, which a team types under pressure."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError, OSError):
            code = code or 0
    os._exit(code)
