"""Plain terminal output shared by every command: diagnostics on stderr, styled when useful.

Kept free of rich and of Typer so the check-in commands start fast (``runbook.cli.terminal``
writes as Typer writes); rich is imported only by the commands that draw tables.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from runbook.cli import terminal
from runbook.common.text import shown

if TYPE_CHECKING:
    from runbook.common.errors import RunbookError
    from runbook.common.problems import Problem
    from runbook.planning.plan import Plan
    from runbook.weekend.events import Event


def color_enabled(stream: object = None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    if os.environ.get("NO_COLOR"):
        return False
    target = stream if stream is not None else sys.stderr
    isatty = getattr(target, "isatty", None)
    return bool(isatty and isatty())


def style(text: str, *, fg: str | None = None, bold: bool = False, err: bool = True) -> str:
    """``text`` styled for the terminal it goes to (stderr by default)."""
    if not color_enabled(sys.stderr if err else sys.stdout):
        return text
    return terminal.style(text, fg=fg, bold=bold)


def echo(text: str = "") -> None:
    """Data to stdout."""
    terminal.echo(text)


def echo_json(data: object, *, indent: int = 2, ensure_ascii: bool = False) -> None:
    """Data as JSON to stdout, exactly as ``json.dumps`` writes it (and a newline).

    orjson writes the same bytes as ``json.dumps(indent=2, ensure_ascii=False)`` for what the
    contracts hold (text, whole numbers, booleans, null, the minutes' floats) about fifteen
    times faster: 8 ms instead of 130 for a 10,000-task plan. Whatever it cannot write the
    same way (another indent, ASCII escapes, a number past 64 bits, a key that is not text,
    a lone surrogate), or a stdout that does not take UTF-8 as it is, goes through ``json``,
    streamed a batch of pieces at a time. (A NaN or an infinity, which no contract holds and
    JSON does not have, is written null rather than as json's invalid ``NaN``.)"""
    out = sys.stdout
    if indent == 2 and not ensure_ascii and _utf8_as_is(out):
        import orjson

        try:
            encoded = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
        except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
            pass
        else:
            out.flush()
            out.buffer.write(encoded)
            out.buffer.flush()
            return
    encoder = json.JSONEncoder(indent=indent, ensure_ascii=ensure_ascii)
    pieces: list[str] = []
    for piece in encoder.iterencode(data):
        pieces.append(piece)
        if len(pieces) >= _JSON_BATCH:
            out.write("".join(pieces))
            pieces.clear()
    pieces.append("\n")
    out.write("".join(pieces))
    out.flush()


def _utf8_as_is(stream: object) -> bool:
    """Whether text written to ``stream`` reaches its bytes as UTF-8, newlines untranslated
    (so bytes written to its buffer are what writing the text would have written)."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    # The error handler does not matter: orjson refuses the lone surrogates it would handle.
    return encoding in ("utf-8", "utf8") and hasattr(stream, "buffer") and os.linesep == "\n"


_JSON_BATCH = 8192  # pieces joined per write: few writes, little memory


def echo_event(event: Event, plan: Plan) -> None:
    """A recorded event as one line of JSON: what every recording command prints with --json."""
    from runbook.contracts.weekend import event_json

    terminal.echo(json.dumps(event_json(event, plan), ensure_ascii=False))


def reported(exc: RunbookError) -> int:
    """Say on stderr what a user's mistake was (an invalid runbook's located problems first);
    its exit code. Every command reports a ``RunbookError`` this way."""
    from runbook.common.errors import InvalidRunbook

    if isinstance(exc, InvalidRunbook):
        problems(exc.problems, exc.source)
        error(exc.message)
    else:
        error(exc.message, exc.hint)
    return exc.exit_code


def error(message: str, hint: str | None = None) -> None:
    """A one-line error (and an optional hint) on stderr; what it quotes from a runbook or
    the state file cannot break the line or reach the terminal as a control."""
    terminal.echo(f"{style('runbook: error:', fg='red', bold=True)} {shown(message)}", err=True)
    if hint:
        terminal.echo(f"  {style('hint:', fg='cyan')} {shown(hint)}", err=True)


def warning(message: str) -> None:
    """A one-line warning on stderr."""
    terminal.echo(
        f"{style('runbook: warning:', fg='yellow', bold=True)} {shown(message)}", err=True
    )


def info(message: str) -> None:
    """A diagnostic note on stderr."""
    terminal.echo(shown(message, one_line=False), err=True)


def problems(items: Iterable[Problem], source: str, *, limit: int | None = None) -> int:
    """Print located problems on stderr, at most ``limit``; returns how many were left out."""
    items = list(items)
    listed = items if limit is None else items[:limit]
    for p in listed:
        colour = "red" if p.severity == "error" else "yellow"
        head = f"{p.location(source)}: {style(p.severity + ':', fg=colour, bold=True)}"
        line = f"{head} {shown(p.message)}"
        if p.hint:
            line += f" ({shown(p.hint)})"
        terminal.echo(line, err=True)
    return len(items) - len(listed)


def write_binary_stdout(data: bytes) -> None:
    """Write a binary file (a workbook) to standard output, refused on a terminal, where it
    would only scramble the screen."""
    from runbook.common.errors import InputError

    if sys.stdout.isatty():
        raise InputError(
            "-o -: will not write a binary workbook to a terminal",
            hint="redirect the output to a file, or give a file name with -o",
        )
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
