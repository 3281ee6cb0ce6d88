"""The docs cannot drift: the command reference (docs/commands.md) is the one the command line
gives and names every command and option."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from runbook.cli import load
from runbook.cli.reference import REGENERATE, markdown

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "commands.md"


def _commands() -> list[tuple[str, object, object]]:
    """Every command of the app, read from Typer's own command (not through the generator):
    its name ("runbook db init"), the command and its context."""
    found: list[tuple[str, object, object]] = []

    def walk(command: object, context: object, name: str) -> None:
        found.append((name, command, context))
        if hasattr(command, "list_commands"):
            for sub_name in command.list_commands(context):
                sub = command.get_command(context, sub_name)
                sub_context = sub.context_class(sub, info_name=sub_name, parent=context)
                walk(sub, sub_context, f"{name} {sub_name}")

    root = typer.main.get_command(load())
    walk(root, root.context_class(root, info_name="runbook"), "runbook")
    return found


COMMANDS = _commands()
OPTIONS = [
    (name, option)
    for name, command, context in COMMANDS
    for param in command.get_params(context)
    if param.param_type_name == "option" and param.name != "help"
    for option in (*param.opts, *param.secondary_opts)
]


def _section(name: str) -> str:
    """The part of the reference under the heading of command ``name``, up to the next
    command's heading."""
    text = REFERENCE.read_text(encoding="utf-8")
    match = re.search(rf"^#+ `{re.escape(name)}`\n(.*?)(?=^#+ `runbook|\Z)", text, re.M | re.S)
    assert match, f"{name} has no section in docs/commands.md (regenerate it: {REGENERATE})"
    return match.group(1)


def test_the_command_reference_is_the_one_the_command_line_gives():
    assert REFERENCE.read_text(encoding="utf-8") == markdown(), (
        f"docs/commands.md is not current: regenerate it with `{REGENERATE}`"
    )


@pytest.mark.parametrize("name", [name for name, _, _ in COMMANDS])
def test_every_command_has_its_section_in_the_reference(name):
    _section(name)


@pytest.mark.parametrize(("name", "option"), OPTIONS, ids=[f"{n} {o}" for n, o in OPTIONS])
def test_every_option_of_every_command_is_in_its_section_of_the_reference(name, option):
    assert re.search(rf"`{re.escape(option)}[` ]", _section(name)), (
        f"{name} {option} is missing from docs/commands.md (regenerate it: {REGENERATE})"
    )
