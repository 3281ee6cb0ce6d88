"""A shell asking for a task, team, gate or readiness item id, answered without Typer.

A shell's completion script starts ``runbook`` with ``_RUNBOOK_COMPLETE`` set at every TAB.
Typer and Click alone take most of the 150 ms a completion may cost, so when the request is
for a value this module knows (the ids of ``runbook done dba-<TAB>``, ``--team``'s team ids,
``decide``'s gate and verdict), the entry point answers it here from the plan cached in the
state file, in exactly the form Typer's completion classes would print for that shell
(bash, zsh, fish). Anything else (a command name, an option name, a path, a quoted word, a
shell it does not know) is left to Typer, which answers as before.

``COMMANDS`` says what Typer's commands take; tests/test_completion.py keeps it equal to the
Typer app and compares this module's answers with Typer's.
"""

from __future__ import annotations

from collections.abc import Mapping

COMPLETE_VAR = "_RUNBOOK_COMPLETE"  # set by the shell's completion script

# An option that takes a value: its parameter's name and what completes its value (None:
# nothing here, Typer answers).
Option = tuple[str, str | None]


class Command:
    """What one command takes: its arguments in order (parameter name, what completes it),
    the last one any number of times when ``many``; its options that take a value, by every
    spelling; and its flags, which take none."""

    __slots__ = ("arguments", "flags", "many", "options")

    def __init__(
        self,
        arguments: tuple[Option, ...] = (),
        *,
        many: bool = False,
        options: Mapping[str, Option] | None = None,
        flags: tuple[str, ...] = (),
    ) -> None:
        self.arguments = arguments
        self.many = many
        self.options = {**_FILES, **(options or {})}
        self.flags = frozenset((*flags, "-h", "--help"))


_FILES: dict[str, Option] = {"--file": ("file", None), "-f": ("file", None)}
_STATE: dict[str, Option] = {"--state": ("state", None)}
_BY = {"--by": ("by", None)}
_AT = {"--at": ("at", None)}
_NOTE = {"--note": ("note", None)}
_REASON = {"--reason": ("reason", None)}
_NOW = {"--now": ("now", None)}
_TEAM = {"--team": ("team", "team")}
_ESTIMATES = {"--estimates": ("estimates", None)}
_CHECK_IN = {**_STATE, **_BY, **_AT}

COMMANDS: dict[str, Command] = {
    "start": Command(
        (("ids", "ready"),), many=True, options=_CHECK_IN, flags=("--force", "--json")
    ),
    "done": Command(
        (("ids", "running"),), many=True, options=_CHECK_IN, flags=("--force", "--json")
    ),
    "fail": Command(
        (("task", "running"),), options={**_REASON, **_CHECK_IN}, flags=("--force", "--json")
    ),
    "skip": Command(
        (("task", "task"),), options={**_REASON, **_CHECK_IN}, flags=("--force", "--json")
    ),
    "undo": Command(
        (("ids", "task"),), many=True, options={**_STATE, **_BY, **_REASON}, flags=("--json",)
    ),
    "note": Command((("task", "task"), ("text", None)), options=_CHECK_IN, flags=("--json",)),
    "drop": Command(
        (("ids", "task"),),
        many=True,
        options={**_REASON, **_CHECK_IN},
        flags=("--force", "--json"),
    ),
    "eta": Command(
        (("task", "running"), ("time", None)), options={**_CHECK_IN, **_REASON}, flags=("--json",)
    ),
    "estimate": Command(
        (("task", "task"), ("duration", None)), options={**_CHECK_IN, **_REASON}, flags=("--json",)
    ),
    "pull": Command(
        (("ids", "task"),),
        many=True,
        options={**_CHECK_IN, **_REASON, "--to": ("to", None)},
        flags=("--json",),
    ),
    "status": Command(
        options={
            **_STATE,
            **_TEAM,
            **_NOW,
            "--format": ("fmt", None),
            "-o": ("out", None),
            "--output": ("out", None),
            "--every": ("every", None),
            **_ESTIMATES,
        },
        flags=("--all", "--json"),
    ),
    "log": Command(
        options={**_STATE, "--task": ("task", "task"), **_TEAM, **_NOW}, flags=("--json",)
    ),
    "plan": Command(
        (("file", None),),
        options={
            "--file": ("file_option", None),
            "-f": ("file_option", None),
            "--format": ("fmt", None),
            "--group-by": ("group_by", None),
            "--what-if": ("what_if", None),
            **_STATE,
            **_NOW,
            **_TEAM,
            **_ESTIMATES,
        },
        flags=("--json", "--gantt", "--ignore-state"),
    ),
    "decide": Command(
        (("gate", "gate"), ("verdict", "verdict")),
        options={
            **_STATE,
            "--by": ("by", "approver"),
            "--stage": ("stage", "stage"),
            **_NOTE,
            **_REASON,
            **_AT,
        },
        flags=("--force", "--json"),
    ),
    "rollback": Command(
        (("gate", "gate"),), options={**_CHECK_IN, **_REASON}, flags=("--undo", "--force", "--json")
    ),
    "signoff": Command((("team", "team"),), options={**_STATE, **_BY, **_NOTE}, flags=("--json",)),
    "check": Command((("item", "item"),), options={**_CHECK_IN, **_NOTE}, flags=("--json",)),
}

_SHELLS = ("bash", "zsh", "fish")


def words(environ: Mapping[str, str]) -> tuple[list[str], str]:
    """The words after ``runbook`` before the one being completed, and that one (bash gives
    ``COMP_WORDS``/``COMP_CWORD``; zsh and fish Typer's ``_TYPER_COMPLETE_ARGS``), split as
    Typer splits them when no word is quoted."""
    if environ.get(COMPLETE_VAR) == "complete_bash":
        line = environ.get("COMP_WORDS", "")
        try:
            cword = int(environ.get("COMP_CWORD", ""))
        except ValueError:
            return [], ""
        split = line.split()
        return split[1:cword], split[cword] if cword < len(split) else ""
    line = environ.get("_TYPER_COMPLETE_ARGS", "")
    args = line.split()[1:]
    if args and not line.endswith(" "):
        return args[:-1], args[-1]
    return args, ""


def answer(environ: Mapping[str, str]) -> tuple[str, int] | None:
    """What to print and the exit code, when the shell asks for a value this module knows;
    None to leave the request to Typer."""
    shell = environ.get(COMPLETE_VAR, "").removeprefix("complete_")
    if shell not in _SHELLS:
        return None
    action = environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
    if shell == "fish" and action not in ("get-args", "is-args"):
        return None
    line = environ.get("COMP_WORDS" if shell == "bash" else "_TYPER_COMPLETE_ARGS", "")
    if any(c in line for c in "'\"\\"):
        return None  # quoted or escaped words: Typer splits them like a shell
    args, incomplete = words(environ)
    target = _target(args, incomplete)
    if target is None:
        return None
    kind, params = target
    from runbook.cli.completion import values

    offered = values(kind, params, incomplete)
    if shell == "bash":
        return "".join(f"{value}\n" for value, _ in offered) or "\n", 0
    if shell == "zsh":
        if not offered:
            return "_files\n", 0
        shown = "\n".join(_zsh(value, described) for value, described in offered)
        return f"_arguments '*: :(({shown}))'\n", 0
    if action == "is-args":
        return "", 0 if offered else 1
    return "".join(_fish(value, described) for value, described in offered) or "\n", 0


def _target(args: list[str], incomplete: str) -> tuple[str, dict[str, str]] | None:
    """What completes the word being typed (a kind of value for ``completion.values``) and
    the parameters the command line gives so far; None when Typer has to say."""
    if not args or incomplete.startswith("-") or "=" in incomplete or "--" in args:
        return None
    command = COMMANDS.get(args[0])
    if command is None:
        return None
    params: dict[str, str] = {}
    given = 0
    rest = args[1:]
    at = 0
    while at < len(rest):
        arg = rest[at]
        if arg in command.options:
            name, kind = command.options[arg]
            if at + 1 == len(rest):  # the word being typed is this option's value
                return (kind, params) if kind else None
            value = rest[at + 1]
            if value.startswith("-"):
                return None
            params[name] = value
            at += 2
        elif arg in command.flags:
            at += 1
        elif arg.startswith("-"):
            spelling, equals, value = arg.partition("=")
            if not (equals and spelling.startswith("--") and spelling in command.options):
                return None
            params[command.options[spelling][0]] = value
            at += 1
        else:
            if given < len(command.arguments):
                params.setdefault(command.arguments[given][0], arg)
            given += 1
            at += 1
    if given < len(command.arguments):
        kind = command.arguments[given][1]
    elif command.many:
        kind = command.arguments[-1][1]
    else:
        return None
    return (kind, params) if kind else None


def _zsh(value: str, described: str) -> str:
    """One value as Typer's zsh completion class writes it."""

    def escape(s: str) -> str:
        return (
            s.replace('"', '""')
            .replace("'", "''")
            .replace("$", "\\$")
            .replace("`", "\\`")
            .replace(":", r"\\:")
        )

    if described:
        return f'"{escape(value)}":"{escape(described)}"'
    return f'"{escape(value)}"'


def _fish(value: str, described: str) -> str:
    """One value as Typer's fish completion class writes it, with its line break."""
    if described:
        one_line = "".join(" " if c.isspace() else c for c in described)
        return f"{value}\t{one_line}\n"
    return f"{value}\n"
