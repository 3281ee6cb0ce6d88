"""The Typer application and the options every command shares."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from runbook.cli.options import output_file
from runbook.common.errors import RunbookError

if TYPE_CHECKING:
    from runbook.planning.learning import Estimates
    from runbook.planning.plan import Plan

F = TypeVar("F", bound=Callable[..., Any])


def _flags_take_no_value(params: list[Any]) -> list[Any]:
    """Show flags (``--json``, ``--force``, ``--help``) in help without a value type: the
    rich help of newer Typer releases labels every ``bool`` option ``<bool>``, as if it took
    one. An empty metavar is what both the older and the newer help print for the type."""
    for param in params:
        if getattr(param, "is_flag", False) and getattr(param, "metavar", None) is None:
            param.metavar = ""
    return params


class _Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_take_no_value(super().get_params(ctx))


class _Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_take_no_value(super().get_params(ctx))


app = typer.Typer(
    name="runbook",
    cls=_Group,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from runbook import __version__

        typer.echo(f"runbook {__version__}")
        raise typer.Exit()


@app.callback()
def _runbook(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version of runbook and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Orchestrate an IT migration weekend: validate and plan the runbook, check tasks in and
    out, watch whether the weekend runs ahead of or behind plan, and decide go or no-go."""


def command(
    *args: Any,
    group: typer.Typer | None = None,
    runs: Callable[..., int] | None = None,
    **kwargs: Any,
) -> Callable[[F], F]:
    """``app.command`` (or ``group.command``, for a command of a group such as ``db``) that
    turns every error a user can cause into a located message on stderr and its exit code
    (see ``runbook.common.errors``), never a traceback.

    With ``runs``, the decorated function only declares the command (its parameters and
    help) and ``runs`` does the work, free of Typer, taking the same parameters and
    returning the exit code: a command the fast path (``runbook.cli.fast``) can run without
    loading Typer, from the table ``runbook.cli.tablegen`` generates from this app."""

    def decorator(fn: F) -> F:
        target = runs or fn

        @functools.wraps(fn)
        def wrapper(*a: Any, **k: Any) -> Any:
            from runbook.cli import output

            try:
                result = target(*a, **k)
            except RunbookError as exc:
                raise typer.Exit(output.reported(exc)) from None
            if runs is not None:
                if result:
                    raise typer.Exit(result)
                return None
            return result

        wrapper.runs = runs  # type: ignore[attr-defined]  # read by runbook.cli.tablegen
        if "help" not in kwargs and fn.__doc__:
            kwargs["help"] = _unwrapped(fn.__doc__)
        (group or app).command(*args, cls=_Command, **kwargs)(wrapper)
        return fn

    return decorator


def _unwrapped(doc: str) -> str:
    """A docstring's paragraphs each on one line, for the terminal to wrap at its width:
    Typer (0.20 and later) keeps the source's line breaks after the first paragraph. A
    paragraph whose lines are a list or indented stays as written."""
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(
        p
        if any(line[:1] in ("-", "*", " ") for line in p.splitlines()[1:])
        else p.replace("\n", " ")
        for p in paragraphs
    )


FileOption = Annotated[
    Path | None,
    typer.Option(
        "--file",
        "-f",
        help="The runbook YAML file (default: $RUNBOOK_FILE, else ./runbook.yaml).",
        show_default=False,
        dir_okay=False,
    ),
]
FileArgument = Annotated[
    Path | None,
    typer.Argument(help="The runbook YAML file (same as -f).", show_default=False, dir_okay=False),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON object on stdout (a stable contract).")
]


OutOption = Annotated[
    Path | None,
    typer.Option(
        "-o",
        "--output",
        help="Write to this file (a regular file) instead of stdout; - for stdout.",
        dir_okay=False,
        callback=output_file,
    ),
]
StateOption = Annotated[
    str | None,
    typer.Option(
        "--state",
        help="The state database: a file (default: $RUNBOOK_STATE, else the runbook's path "
        "with .state.db), or a postgresql:// URI. A dress rehearsal is another state.",
        show_default=False,
        metavar="FILE|URI",
    ),
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Who reports it (default: $RUNBOOK_USER, else your login name).",
        show_default=False,
    ),
]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="When it happened, if not now: 10:05 (today, runbook time zone; in the six hours "
        "after midnight a time later than the clock is yesterday's) or an ISO time.",
        show_default=False,
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Override a refusal; the override is recorded and shown.")
]
NowOption = Annotated[
    str | None,
    typer.Option(
        "--now",
        help="Evaluate at another moment (default: $RUNBOOK_NOW, else the clock): 10:05 or an "
        "ISO time.",
        show_default=False,
    ),
]
EstimatesOption = Annotated[
    Path | None,
    typer.Option(
        "--estimates",
        help="Estimates learned from past weekends and rehearsals (`runbook learn -o FILE`): "
        "used instead of the runbook's, and said where.",
        show_default=False,
        dir_okay=False,
        metavar="FILE",
    ),
]


def learned_estimates(path: Path | None, plan: Plan) -> Estimates | None:
    """The estimates file given with ``--estimates`` for ``plan`` (None without one); its
    warnings on stderr, located; a file that cannot be used refused with every problem."""
    if path is None:
        return None
    from runbook.cli import output
    from runbook.validation.estimates import read_estimates

    estimates, warnings = read_estimates(path, plan)
    output.problems(warnings, str(path))
    return estimates
