"""A check-in's command line read and run without Typer, exactly as Typer would run it.

Starting Typer (click, and the pydantic its parameter adapters import) costs a check-in
most of its time. For the commands whose work is free of Typer (``RUNS`` in
``runbook.cli.table``, generated from the Typer app), this module reads the command line
by the same table: the command's name first, then its arguments and options in any order,
each option spelt as the app declares it (``--by ana`` or ``--by=ana``), each flag alone.
It gives the command exactly the values Typer would, and runs the same function.

It reads only what it fully understands. Anything else is left to Typer, which then
answers as it always has (its usage errors, ``--help``, a typo's suggestion): a word
starting with ``-`` that is not one of the command's spellings, ``--``, an option given
twice, a value that starts with ``-`` or is missing, a flag with ``=``, too few or too many
arguments, a required option missing, a runbook file that is a directory or not a
readable regular file, an empty file name, a NUL character. tests/test_fast_path.py runs
both ways over many command lines, good and bad, and compares what they print, their exit
codes and the state they leave.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from typing import Any

from runbook.cli.table import PARAMS, RUNS

Call = tuple[Callable[..., int], dict[str, Any]]


def parse(argv: Sequence[str]) -> Call | None:
    """The function to run and its keyword arguments, as Typer would call it for ``argv``
    (the words after ``runbook``); None to leave the command line to Typer."""
    if not argv or argv[0] not in RUNS:
        return None
    name = argv[0]
    params = PARAMS[name]
    by_spelling = {spelling: p for p in params for spelling in p[2]}
    given: dict[str, Any] = {}
    words: list[str] = []
    rest = argv[1:]
    at = 0
    while at < len(rest):
        word = rest[at]
        if "\0" in word:
            return None
        if not word.startswith("-"):
            words.append(word)
            at += 1
            continue
        spelling, equals, attached = (
            word.partition("=") if word.startswith("--") else (word, "", "")
        )
        param = by_spelling.get(spelling)
        if param is None or param[1] == "help" or param[0] in given:
            return None
        if param[1] == "flag":
            if equals:
                return None
            given[param[0]] = True
            at += 1
            continue
        if equals:
            value = attached
            at += 1
        else:
            if at + 1 == len(rest) or rest[at + 1].startswith("-") or "\0" in rest[at + 1]:
                return None
            value = rest[at + 1]
            at += 2
        read = _read(param[3], value)
        if read is None:
            return None
        given[param[0]] = read
    arguments = [p for p in params if p[1] in ("argument", "arguments")]
    many = bool(arguments) and arguments[-1][1] == "arguments"
    if len(words) < len(arguments) or (len(words) > len(arguments) and not many):
        return None
    for index, param in enumerate(arguments):
        if param[1] == "arguments":
            given[param[0]] = words[index:]
            continue
        read = _read(param[3], words[index])
        if read is None:
            return None
        given[param[0]] = read
    kwargs: dict[str, Any] = {}
    for param in params:
        if param[1] == "help":
            continue
        if param[0] in given:
            kwargs[param[0]] = given[param[0]]
        elif param[5]:  # a required option not given: Typer says so
            return None
        else:
            kwargs[param[0]] = param[4]
    module, _, function = RUNS[name].partition(":")
    import importlib

    return getattr(importlib.import_module(module), function), kwargs


def _read(value_kind: str | None, text: str) -> object | None:
    """A value as Typer gives it to the command (text, or a ``Path``); None when Typer
    might say otherwise (it refuses a directory or an unreadable file for a runbook file)."""
    if value_kind == "str":
        return text
    if value_kind != "path" or not text:
        return None
    from pathlib import Path

    try:
        found = os.stat(text)
    except OSError:
        return Path(text)  # not there (yet): Typer takes it, and the command says so
    except ValueError:
        return None
    if not stat.S_ISREG(found.st_mode) or not os.access(text, os.R_OK):
        return None
    return Path(text)


def run(call: Call) -> int:
    """Run the command as Typer's ``main`` runs it; its exit code. A user's mistake is said
    as every command says it (``output.reported``); an interrupted command ends with 130
    and no message, a closed pipe with 1, as under Typer."""
    from runbook.cli import output
    from runbook.common.errors import RunbookError

    function, kwargs = call
    try:
        try:
            return function(**kwargs) or 0
        except RunbookError as exc:
            return output.reported(exc)
    except KeyboardInterrupt:
        return 130
    except EOFError:
        return _aborted()
    except OSError as exc:
        import errno

        if exc.errno == errno.EPIPE:
            return 1
        raise


def _aborted() -> int:
    """What Typer says when a command meets the end of its input: a blank line and
    "Aborted", in its own style (never reached by a check-in, which reads no input)."""
    import sys

    from typer import core

    sys.stderr.write("\n")
    sys.stderr.flush()
    if core.HAS_RICH and core.DEFAULT_MARKUP_MODE is not None:
        from typer import rich_utils

        rich_utils.rich_abort_error()
    else:
        sys.stderr.write("Aborted!\n")
        sys.stderr.flush()
    return 1
