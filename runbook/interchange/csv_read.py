"""Reading a CSV file as one sheet: any delimiter Excel writes, and the encodings it saves in.

Excel writes UTF-8 with a byte-order mark ("CSV UTF-8"), UTF-16 for "Unicode text" (tabs), and
otherwise the Windows code page of its language: Windows-1252 for a Dutch Excel, whose list
separator is a semicolon (the comma is its decimal sign). A first line ``sep=;`` names the
delimiter, as Excel itself understands.
"""

from __future__ import annotations

import csv
import io

from runbook.common.errors import InputError
from runbook.interchange.sheet import Sheet

_DELIMITERS = (";", ",", "\t", "|")


def decode(data: bytes, *, source: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read in."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise InputError(f"{source}: is not valid {encoding} text ({exc.reason})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: is neither UTF-8 nor Windows-1252 text (byte {exc.start + 1})",
            hint="save it from Excel as CSV UTF-8",
        ) from None


def _delimiter(lines: list[str]) -> str:
    """The delimiter of the first lines (a banner line above the header has none): the one
    a line uses most, counting outside quotes (a comma by default)."""
    best = dict.fromkeys(_DELIMITERS, 0)
    for line in lines[:20]:
        counts = dict.fromkeys(_DELIMITERS, 0)
        quoted = False
        for char in line:
            if char == '"':
                quoted = not quoted
            elif not quoted and char in counts:
                counts[char] += 1
        for d in _DELIMITERS:
            best[d] = max(best[d], counts[d])
    chosen = max(_DELIMITERS, key=lambda d: best[d])
    return chosen if best[chosen] else ","


def read_csv(data: bytes, *, source: str) -> Sheet:
    """The rows of a CSV file, every value text (empty cells None)."""
    text, encoding = decode(data, source=source)
    if "\x00" in text:
        raise InputError(f"{source}: holds NUL characters; is it really a CSV file?")
    lines = text.splitlines()
    first = lines[0] if lines else ""
    notes = []
    skip = 0
    if first.lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter, skip = first.strip()[4], 1
    else:
        delimiter = _delimiter(lines)
    if encoding == "cp1252":
        notes.append(f"{source}: read as Windows-1252 text (not UTF-8), as Excel saves CSV")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[object, ...]] = []
    try:
        for number, row in enumerate(reader):
            if number < skip:
                continue  # Excel hides the sep= line: the header is its row 1
            rows.append(tuple(value if value.strip() else None for value in row))
    except csv.Error as exc:
        raise InputError(f"{source}: line {reader.line_num}: {exc}") from None
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return Sheet(None, rows, notes)
