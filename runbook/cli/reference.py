"""The command reference (docs/commands.md), generated from the Typer app: every command, every
option, with the help it prints. ``python -m runbook.cli.reference > docs/commands.md`` writes
it; tests/test_docs.py fails when the page is not current.

It reads each parameter's names, help and default (what click and Typer's own copy of click
both keep) and its annotation in the command's function, not the layout of Typer's help
screen, so a new Typer release does not change the page."""

from __future__ import annotations

import enum
import re
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer.main

PAGE = "docs/commands.md"
REGENERATE = "python -m runbook.cli.reference > docs/commands.md"

INTRO = f"""\
# Command reference

Every command and every option of `runbook`, with the help `runbook COMMAND --help` prints.
Every command also takes `-h`/`--help`.

This page is generated from the command line itself (`{REGENERATE}`), and
`tests/test_docs.py` fails when a command or an option is missing from it, so it cannot drift
from the program. What the commands are for, and when to use them, is in the guides:
[the planner](guides/planner.md), [the coordinator](guides/coordinator.md),
[a team member](guides/team-member.md) and [the steering committee](guides/steering-committee.md);
the rules they follow are in [How the weekend is reckoned](weekend.md).
"""


@dataclass(frozen=True)
class Command:
    """One command of the app: its words after ``runbook``, the command Typer built for it
    and its context."""

    path: tuple[str, ...]
    command: Any
    context: Any

    @property
    def name(self) -> str:
        return " ".join(("runbook", *self.path))

    @property
    def is_group(self) -> bool:
        return hasattr(self.command, "list_commands")

    def params(self) -> list[Any]:
        """Its arguments and options, without ``--help`` (every command has it) and hidden
        ones."""
        return [
            p
            for p in self.command.get_params(self.context)
            if p.name != "help" and not getattr(p, "hidden", False)
        ]

    def arguments(self) -> list[Any]:
        return [p for p in self.params() if p.param_type_name == "argument"]

    def options(self) -> list[Any]:
        return [p for p in self.params() if p.param_type_name == "option"]

    def subcommands(self) -> list[str]:
        return list(self.command.list_commands(self.context)) if self.is_group else []

    def annotation(self, param: Any) -> Any:
        """The parameter's annotation in the command's function (``Annotated[type, info]``),
        or None."""
        callback = getattr(self.command, "callback", None)
        if callback is None:
            return None
        try:
            hints = typing.get_type_hints(callback, include_extras=True)
        except Exception:  # a callback Typer made itself (the app's) has none worth reading
            return None
        return hints.get(param.name)


def commands() -> Iterator[Command]:
    """Every command of the app, the app itself first, each group before its commands, in
    the order ``runbook --help`` lists them. Typer's commands are read through what click
    and Typer's own copy of click share (names, help, defaults), not through their classes."""
    from runbook.cli import load

    root = typer.main.get_command(load())
    yield from _walk(root, root.context_class(root, info_name="runbook"), ())


def _walk(command: Any, context: Any, path: tuple[str, ...]) -> Iterator[Command]:
    here = Command(path, command, context)
    yield here
    for name in here.subcommands():
        sub = command.get_command(context, name)
        if sub is None or getattr(sub, "hidden", False):
            continue
        yield from _walk(sub, sub.context_class(sub, info_name=name, parent=context), (*path, name))


def markdown() -> str:
    """The whole page."""
    return "\n".join([INTRO, *(_section(command) for command in commands())])


def anchor(name: str) -> str:
    """The anchor of a command's section (its heading's, as MkDocs makes it)."""
    return name.replace(" ", "-")


def _section(command: Command) -> str:
    level = "#" * (2 + max(len(command.path) - 1, 0))
    lines = [f"{level} `{command.name}`", "", "```text", _usage(command), "```", ""]
    help_text = (command.command.help or "").replace("\b\n", "").strip()
    if help_text:
        lines += [_escaped(help_text), ""]
    if command.arguments():
        lines += ["Arguments:", ""]
        lines += [_argument(command, p) for p in command.arguments()]
        lines.append("")
    if command.options():
        lines += ["Options:", ""]
        lines += [_option(command, p) for p in command.options()]
        lines.append("")
    if command.subcommands():
        listed = ", ".join(
            f"[`{command.name} {n}`](#{anchor(f'{command.name} {n}')})"
            for n in command.subcommands()
        )
        lines += [f"Commands: {listed}.", ""]
    return "\n".join(lines)


def _usage(command: Command) -> str:
    pieces = [command.name]
    if command.options():
        pieces.append("[OPTIONS]")
    for param in command.arguments():
        word = _argument_metavar(param)
        pieces.append(word if param.required else f"[{word}]")
    if command.is_group:
        pieces.append("COMMAND [ARGS]...")
    return " ".join(pieces)


def _argument_metavar(param: Any) -> str:
    word = param.metavar or str(param.name).upper()
    return f"{word}..." if param.nargs != 1 else word


def _argument(command: Command, param: Any) -> str:
    text = getattr(param, "help", None) or ""
    line = f"- `{_argument_metavar(param)}`: {_escaped(text)}{_details(command, param)}"
    return line.rstrip()


def _option(command: Command, param: Any) -> str:
    value = _option_metavar(command, param)
    names = [
        f"`{name} {value}`" if value and name.startswith("--") else f"`{name}`"
        for name in _names(param)
    ]
    line = f"- {', '.join(names)}: {_escaped(param.help or '')}{_details(command, param)}"
    return line.rstrip()


def _names(param: Any) -> list[str]:
    """The long names first, then the short ones, then the negative forms of a flag."""
    longs = [o for o in param.opts if o.startswith("--")]
    shorts = [o for o in param.opts if not o.startswith("--")]
    return [*longs, *shorts, *param.secondary_opts]


def _split(annotation: Any) -> tuple[Any, Any]:
    """``Annotated[T | None, info]`` as (T, info)."""
    info = None
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *extras = typing.get_args(annotation)
        info = extras[0] if extras else None
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        kinds = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = kinds[0] if len(kinds) == 1 else annotation
    if typing.get_origin(annotation) in (list, tuple):
        annotation = (typing.get_args(annotation) or (str,))[0]
    return annotation, info


def _option_metavar(command: Command, param: Any) -> str:
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    if param.metavar:
        return str(param.metavar)
    kind, info = _split(command.annotation(param))
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return "|".join(str(member.value) for member in kind)
    if kind is Path:
        if getattr(info, "dir_okay", True) is False:
            return "FILE"
        return "DIR" if getattr(info, "file_okay", True) is False else "PATH"
    if kind is int:
        return "N"
    if kind is float:
        return "NUMBER"
    return str(param.name).upper()


def _details(command: Command, param: Any) -> str:
    """What the help screen adds after the help: the range, the default, an environment
    variable, and that a value is required."""
    said: list[str] = []
    _, info = _split(command.annotation(param))
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    if low is not None and high is not None:
        said.append(f"from {low} to {high}")
    elif low is not None:
        said.append(f"at least {low}")
    elif high is not None:
        said.append(f"at most {high}")
    default = param.default
    if (
        getattr(param, "show_default", None) is not False
        and default not in (None, "", (), [])
        and not isinstance(default, bool)
        and not callable(default)
    ):
        said.append(f"default: `{_plain(default)}`")
    envvar = getattr(param, "envvar", None)
    if envvar:
        names = [envvar] if isinstance(envvar, str) else list(envvar)
        said.append("environment: " + ", ".join(f"`${n}`" for n in names))
    if param.required:
        said.append("required")
    return f" ({'; '.join(said)})" if said else ""


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(_plain(v) for v in value)
    return str(value.value if isinstance(value, enum.Enum) else value)


_SPECIAL = re.compile(r"([\\*\[\]])|(<)|(>)|((?<!\w)_|_(?!\w))")
_CODE = re.compile(r"(`[^`\n]+`)")


def _escaped(text: str) -> str:
    """Help text as Markdown that shows it as the terminal does: no emphasis, links or HTML;
    what the help quotes in backticks stays code."""

    def one(match: re.Match[str]) -> str:
        if match.group(2):
            return "&lt;"
        if match.group(3):
            return "&gt;"
        return "\\" + match.group(0)

    pieces = _CODE.split(text)
    return "".join(p if i % 2 else _SPECIAL.sub(one, p) for i, p in enumerate(pieces))


if __name__ == "__main__":
    sys.stdout.write(markdown())
