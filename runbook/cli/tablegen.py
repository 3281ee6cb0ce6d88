"""Writes ``runbook/cli/table.py``, the command line as the Typer app declares it, for the
paths that must not wait for Typer: the check-ins' fast path (``runbook.cli.fast``), shell
completion (``runbook.cli.fastcomplete``) and the entry point's choice of the one command
module to load. ``python -m runbook.cli.tablegen`` writes it; ``--check`` exits 1 when it
is not current, and tests/test_fast_path.py fails then too. Nothing in the table is written
by hand: every command, parameter, spelling and default comes from the app.

A command is in ``RUNS`` (the fast path may run it) when it is declared with
``command(runs=...)`` and every parameter is one the fast path reads exactly as Typer does:
a text or a runbook file option, a flag, one text argument or a list of them. Declaring
``runs`` on a command with any other parameter is refused here, so it cannot go unnoticed.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path
from typing import Any

import typer.main

TABLE = Path(__file__).with_name("table.py")
REGENERATE = "python -m runbook.cli.tablegen"

HEADER = f'''"""The command line as the Typer app declares it, for what must not wait for Typer.

GENERATED from the Typer app by ``{REGENERATE}``: do not edit.
tests/test_fast_path.py fails when it differs from what the app declares.
"""

from __future__ import annotations

# A parameter: (name, kind, spellings, value, default, required, completes)
#   kind: "argument", "arguments" (any number), "option" (takes a value), "flag" (takes
#     none), "help";
#   value: how the fast path reads it: "str", "path" (a file that is not a directory),
#     "strs" (one or more arguments), "bool" (a flag); None: it does not;
#   default: what the command gets when it is not given (for the values the fast path reads);
#   completes: what shell completion offers for it (a kind of runbook.cli.completion.values).
Param = tuple[str, str, tuple[str, ...], str | None, object, bool, str | None]
'''


class NotFast(Exception):
    """A command declared with ``runs`` has something the fast path does not read."""


# The command modules in the order their commands are listed by `runbook --help` (and in
# the command reference): the one list of them, which a new command module must join.
ORDER = (
    "cmd_plan",
    "cmd_checkin",
    "cmd_close",
    "cmd_replan",
    "cmd_recover",
    "cmd_status",
    "cmd_control",
    "cmd_gates",
    "cmd_reports",
    "cmd_learn",
    "cmd_rehearse",
    "cmd_db",
    "cmd_export",
    "cmd_import",
    "cmd_notify",
    "cmd_record",
)


def load_all() -> typer.Typer:
    """The app with every command module of runbook.cli imported, in ``ORDER``; a module
    found on disk but not in it is refused."""
    import runbook.cli

    found = {m.name for m in pkgutil.iter_modules(runbook.cli.__path__)}
    missing = sorted(m for m in found if m.startswith("cmd_") and m not in ORDER)
    if missing:
        raise NotFast(f"add {', '.join(missing)} to ORDER in runbook/cli/tablegen.py")
    for module in ORDER:
        importlib.import_module(f"runbook.cli.{module}")
    from runbook.cli.common import app

    return app


def modules(app: typer.Typer) -> dict[str, str]:
    """Each top-level command's (and group's) name and the module of runbook.cli that
    defines it, the modules in ``ORDER`` and each one's commands as it registers them."""
    found: list[tuple[str, str]] = []
    for info in app.registered_commands:
        name = info.name or typer.main.get_command_name(info.callback.__name__)  # type: ignore[union-attr]
        found.append((name, _module(info.callback)))
    for group in app.registered_groups:
        inner = group.typer_instance.registered_commands  # type: ignore[union-attr]
        assert group.name is not None
        found.append((group.name, _module(inner[0].callback)))
    return dict(sorted(found, key=lambda item: ORDER.index(item[1])))


def _module(callback: Any) -> str:
    return str(callback.__module__).removeprefix("runbook.cli.")


def commands(app: typer.Typer) -> dict[str, tuple[Any, list[Any], Any]]:
    """Each top-level command (not a group) as Typer builds it: the click command, its
    parameters in order and the function it was declared with."""
    group: Any = typer.main.get_command(app)
    root = group.make_context("runbook", ["--help"], resilient_parsing=True)
    declared = {
        (i.name or typer.main.get_command_name(i.callback.__name__)): i.callback  # type: ignore[union-attr]
        for i in app.registered_commands
    }
    built = {}
    for name, cmd in group.commands.items():
        if hasattr(cmd, "list_commands"):
            continue  # a group (db, export): its commands are left to Typer
        context = cmd.make_context(name, [], parent=root, resilient_parsing=True)
        built[name] = (cmd, cmd.get_params(context), declared[name])
    return built


def param(p: Any) -> tuple[str, str, tuple[str, ...], str | None, object, bool, str | None]:
    """One parameter as the table holds it."""
    info = p.type_descriptor.parameter_info
    completes = getattr(getattr(info, "autocompletion", None), "kind", None)
    if p.param_type_name == "argument":
        kind = "arguments" if p.nargs == -1 else "argument"
    elif p.name == "help" and not p.expose_value:
        kind = "help"
    else:
        kind = "flag" if p.is_flag else "option"
    value = _value(p, kind)
    default = p.default if value is not None else None
    spellings = tuple(p.opts) if kind not in ("argument", "arguments") else ()
    if kind == "help":  # Typer gathers them in a set: their order changes from run to run
        spellings = tuple(sorted(spellings))
    return (p.name, kind, spellings, value, default, bool(p.required), completes)


def _value(p: Any, kind: str) -> str | None:
    """How the fast path reads this parameter: exactly as Typer does, or not at all."""
    from pathlib import Path as PathType

    if kind == "help":
        return None
    info = p.type_descriptor.parameter_info
    annotation = p.type_descriptor.annotation
    plain = (
        p.callback is None
        and not p.envvar
        and not p.is_eager
        and p.expose_value
        and getattr(info, "parser", None) is None
        and not getattr(p, "prompt", None)
        and not getattr(p, "multiple", False)
        and not getattr(p, "count", False)
        and not getattr(p, "secondary_opts", None)
        and not getattr(p, "deprecated", False)
    )
    if not plain or not (p.default is None or isinstance(p.default, (bool, str))):
        return None
    if kind == "flag":
        flag_value = getattr(p, "flag_value", True)
        return "bool" if annotation is bool and flag_value is True and p.default is False else None
    if kind == "arguments":
        return "strs" if annotation == list[str] and p.required else None
    if p.nargs != 1:
        return None
    if annotation is str:
        return "str"
    if annotation is PathType and (
        info.path_type is None
        and info.file_okay
        and not info.dir_okay
        and info.readable
        and not info.writable
        and not info.exists
        and not info.resolve_path
        and not info.allow_dash
    ):
        return "path"
    return None


def runs(name: str, cmd: Any, params: list[Any], declared: Any) -> str | None:
    """``module:function`` of the command's work when it is declared with ``runs`` (and
    the fast path reads all it takes), else None."""
    target = getattr(declared, "runs", None)
    if target is None:
        return None
    rows = [param(p) for p in params]
    problems = [f"{row[0]} ({row[1]})" for row in rows if row[1] != "help" and row[3] is None]
    arguments = [row for row in rows if row[1] in ("argument", "arguments")]
    if any(row[1] == "arguments" for row in arguments[:-1]):
        problems.append("a list argument before the last")
    if any(not row[5] for row in arguments):
        problems.append("an optional argument")
    settings = (
        cmd.allow_extra_args,
        cmd.allow_interspersed_args,
        cmd.ignore_unknown_options,
        cmd.no_args_is_help,
        cmd.deprecated,
    )
    if settings != (False, True, False, False, False):
        problems.append("its context settings")
    if problems:
        raise NotFast(
            f"runbook {name} is declared with runs= but the fast path cannot read "
            + ", ".join(problems)
        )
    return f"{target.__module__}:{target.__name__}"


def generate() -> str:
    """The text of ``runbook/cli/table.py`` for the app as it is declared now."""
    app = load_all()
    _check_root(app)
    built = commands(app)
    lines = [HEADER, "", "# The module of runbook.cli that defines each command (a group's too)."]
    lines.append("MODULES: dict[str, str] = {")
    lines += [f"    {_literal(name)}: {_literal(module)}," for name, module in modules(app).items()]
    lines.append("}")
    lines += [
        "",
        "# Each command's parameters, in Typer's order (a group's commands are not here).",
    ]
    lines.append("PARAMS: dict[str, tuple[Param, ...]] = {")
    for name, (_, params, _) in built.items():
        rows = tuple(param(p) for p in params)
        line = f"    {_literal(name)}: {_literal(rows)},"
        if len(line) <= 100:
            lines.append(line)
            continue
        lines.append(f"    {_literal(name)}: (")
        lines += [_item(row, 8) for row in rows]
        lines.append("    ),")
    lines.append("}")
    lines += ["", "# The commands the fast path may run, and the function that does the work."]
    lines.append("RUNS: dict[str, str] = {")
    for name, (cmd, params, declared) in built.items():
        target = runs(name, cmd, params, declared)
        if target is not None:
            lines.append(f"    {_literal(name)}: {_literal(target)},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _literal(value: object) -> str:
    """``value`` as Python source, text in double quotes (as the project's format has it)."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, tuple):
        inner = ", ".join(_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if value is None or isinstance(value, bool):
        return repr(value)
    raise TypeError(f"no literal for {value!r}")


def _item(row: tuple[object, ...], indent: int) -> str:
    """A tuple as one item of a list, on one line if it fits in 100 columns, else one
    element a line (as the formatter lays it out)."""
    pad = " " * indent
    line = f"{pad}{_literal(row)},"
    if len(line) <= 100:
        return line
    inner = "".join(f"{pad}    {_literal(v)},\n" for v in row)
    return f"{pad}(\n{inner}{pad}),"


def _check_root(app: typer.Typer) -> None:
    """The fast path runs a command without the app's own callback: it may only have the
    options the app has now (--version, --help and the shell completion's), which do
    nothing unless given."""
    group: Any = typer.main.get_command(app)
    context = group.make_context("runbook", ["--help"], resilient_parsing=True)
    names = sorted(p.name for p in group.get_params(context))
    known = {"help", "version", "install_completion", "show_completion"}
    if not set(names) <= known:
        raise NotFast(f"the app's own options changed ({', '.join(names)}): see runbook.cli.fast")


def main(argv: list[str]) -> int:
    """Write the table, or with ``--check`` say whether it is current."""
    text = generate()
    if "--check" in argv:
        if TABLE.read_text(encoding="utf-8") != text:
            print(f"{TABLE} is not current: run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    TABLE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
