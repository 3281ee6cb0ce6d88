"""The docs cannot drift: the command reference (docs/commands.md) is the one the command line
gives and names every command and option, the README's test command is the one CI runs, its
tour runs, and it lists every command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer.main

from runbook.cli import load
from runbook.cli.reference import REGENERATE, markdown

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "commands.md"
README = ROOT / "README.md"
CI = ROOT / ".ci" / "run"


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


def _readme_block(after: str) -> str:
    """The first fenced block of the README after the line holding ``after``."""
    text = README.read_text(encoding="utf-8")
    start = text.index(after)
    match = re.search(r"^```sh\n(.*?)^```", text[start:], re.M | re.S)
    assert match, f"no sh block after {after!r} in README.md"
    return match.group(1)


def test_the_readme_test_command_is_exactly_what_ci_runs():
    command = _readme_block("Install what the tests need").strip()
    assert "\n" not in command
    ci = CI.read_text(encoding="utf-8").replace("\\\n", " ")
    ci_lines = [re.sub(r"\s+", " ", line).strip() for line in ci.splitlines()]
    assert command in ci_lines, f"README's test command is not a line of .ci/run: {command}"


def test_the_readme_install_command_installs_and_plans_an_example():
    command = _readme_block("Install and plan").strip()
    assert "pip install" in command and "runbook plan examples/" in command
    assert (ROOT / command.rsplit(" ", 1)[1]).is_file()


def test_the_readme_lists_every_command_on_a_line_of_its_own():
    text = README.read_text(encoding="utf-8")
    listed = text[text.index("## Commands") :]
    listed = listed[: listed.index("\n## ", 1)]
    for name, command, _ in COMMANDS:
        if name == "runbook" or hasattr(command, "list_commands"):
            continue  # the app itself, and a group whose commands are each listed
        assert re.search(rf"^- `{re.escape(name)}[` ]", listed, re.M), (
            f"README.md's command list has no line for {name}"
        )


def test_the_readme_stays_a_front_door():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 160


def test_every_link_of_the_readme_to_a_file_of_the_repository_finds_it():
    text = README.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if "://" in target:
            continue
        assert (ROOT / target).exists(), f"README.md links to {target}, which does not exist"


def test_the_readme_tour_runs(tmp_path, monkeypatch, cli):
    """Each command of the five-minute tour succeeds on the example, as the README gives it
    (its scratch folder made a temporary one; the dashboard aside: it has tests of its own)."""
    block = _readme_block("## A five-minute tour").replace("/tmp/tour", str(tmp_path))
    ran = 0
    for line in block.splitlines():
        for part in line.split("&&"):
            words = shlex.split(part, comments=True)
            if not words:
                continue
            if words[0] == "cp":
                Path(words[2]).write_bytes((ROOT / words[1]).read_bytes())
            elif words[0] == "export":
                for assignment in words[1:]:
                    key, value = assignment.split("=", 1)
                    if key.startswith("RUNBOOK_"):
                        monkeypatch.setenv(key, value)
            elif words[0] == "runbook" and words[1] != "control":
                result = cli(*words[1:])
                assert result.exit_code == 0, (line, result.output)
                ran += 1
            else:
                assert words[0] in ("mkdir", "runbook"), f"the test does not know {words[0]}"
    assert ran >= 6
