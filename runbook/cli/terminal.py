"""Writing a line to the terminal exactly as Typer's ``echo`` and ``style`` do, without
importing Typer.

Importing Typer costs a check-in most of its time (click, and the pydantic its parameter
adapters import), so the output every command shares is written here. For a standard
stream (a text stream with an encoding that is not ASCII) this is what Typer's ``echo``
does: the line and a newline, ANSI styles removed when the stream is not a terminal, then
a flush. Any other stream (binary, ASCII, without an encoding) is handed to Typer's
``echo`` itself, which knows how to fix it up. ``tests/test_terminal.py`` holds both to
Typer's own on every kind of stream.
"""

from __future__ import annotations

import re
import sys
from typing import IO, Any

# Typer's (click's) pattern of an ANSI style code, and its codes for the named colours.
_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")
_COLOURS = {
    "black": 30,
    "red": 31,
    "green": 32,
    "yellow": 33,
    "blue": 34,
    "magenta": 35,
    "cyan": 36,
    "white": 37,
    "reset": 39,
    "bright_black": 90,
    "bright_red": 91,
    "bright_green": 92,
    "bright_yellow": 93,
    "bright_blue": 94,
    "bright_magenta": 95,
    "bright_cyan": 96,
    "bright_white": 97,
}
_ASCII = frozenset({"ascii", "us-ascii", "646", "us", "ansi_x3.4-1968", "iso646-us"})


def style(text: str, *, fg: str | None = None, bold: bool | None = None) -> str:
    """``text`` with a named foreground colour and bold on or off, as ``typer.style`` writes
    it (a ``bold=False`` writes the code that turns bold off)."""
    bits = []
    if fg:
        bits.append(f"\033[{_COLOURS[fg]}m")
    if bold is not None:
        bits.append(f"\033[{1 if bold else 22}m")
    bits.append(text)
    bits.append("\033[0m")
    return "".join(bits)


def echo(text: str, *, err: bool = False) -> None:
    """One line on stdout (stderr with ``err``), as ``typer.echo(text, err=err)`` writes it."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # no standard stream to write to
        return
    if not _standard(stream):
        from typer import echo as typer_echo

        typer_echo(text, err=err)
        return
    out = text + "\n"
    if not _isatty(stream) and not stream.__class__.__module__.startswith("ipykernel."):
        out = _ANSI.sub("", out)
    stream.write(out)
    stream.flush()


def _standard(stream: IO[Any]) -> bool:
    """Whether Typer's echo writes to ``stream`` as it is: a text stream (one that refuses
    bytes) with an encoding and an error handler, the encoding not ASCII."""
    try:
        stream.write(b"")
    except Exception:
        pass
    else:
        return False  # a binary stream
    encoding = getattr(stream, "encoding", None)
    if encoding is None or getattr(stream, "errors", None) is None:
        return False
    name = encoding.lower().replace("_", "-")
    if name in ("utf-8", "utf8"):
        return True
    if name in _ASCII:
        return False
    import codecs

    try:
        return codecs.lookup(encoding).name != "ascii"
    except LookupError:
        return False


def _isatty(stream: IO[Any]) -> bool:
    try:
        return stream.isatty()
    except Exception:
        return False
