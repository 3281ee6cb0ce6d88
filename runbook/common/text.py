"""Text from runbooks and state files as every face shows it: controls made visible, never obeyed.

Titles, names, notes, reasons and ``--by`` come from people under pressure and sometimes from
attackers. On a screen they are data: no face lets a character in them move the cursor, clear
the screen, set the window title, ring the bell, start a new row or reverse the text that
follows. JSON keeps them exact; every other face shows them through :func:`shown`.
"""

from __future__ import annotations

import re
import unicodedata

#: The longest ``--by`` a check-in records, in characters.
BY_LIMIT = 100
#: The longest note, reason or decision note a check-in records, in characters.
NOTE_LIMIT = 2000

# C0 controls and DEL become their Unicode control pictures (ESC shows as ␛, BEL as ␇, a line
# break in a one-line cell as ␊): visible, one cell wide, and plainly not the character itself.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
# C1 controls, the bidirectional embeddings, overrides, isolates and marks, and the Unicode
# line and paragraph separators become U+FFFD: they would reorder or break what follows.
_INVISIBLE = [
    *range(0x80, 0xA0),
    *(0x061C, 0x200E, 0x200F, 0x2028, 0x2029),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]
_ONE_LINE = str.maketrans(_PICTURES | dict.fromkeys(_INVISIBLE, "\ufffd"))
_MULTI_LINE = str.maketrans(
    {k: v for k, v in _PICTURES.items() if k not in (0x09, 0x0A)}
    | dict.fromkeys(_INVISIBLE, "\ufffd")
)


def _any_of(codes: dict[int, str]) -> re.Pattern[str]:
    """A pattern finding any of ``codes``: text without one is shown as it is, untranslated
    (``str.translate`` looks every character up, which a long table row pays for)."""
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(codes)) + "]")


_ONE_LINE_FOUND = _any_of(_ONE_LINE)
_MULTI_LINE_FOUND = _any_of(_MULTI_LINE)


def shown(text: str | None, *, one_line: bool = True) -> str:
    """``text`` safe to put on a screen: every control character visible instead of obeyed.

    ``one_line`` (a table cell, a title) shows line breaks and tabs as ␊ and ␉ too; otherwise
    they are kept (a note shown in full). ``None`` is shown as the empty text.
    """
    if not text:
        return ""
    if one_line:
        return text.translate(_ONE_LINE) if _ONE_LINE_FOUND.search(text) else text
    if _MULTI_LINE_FOUND.search(text) is None:
        return text
    return text.replace("\r\n", "\n").translate(_MULTI_LINE)


def _unprintable(text: str, *, one_line: bool) -> str | None:
    """What ``text`` holds that may not be recorded (``a line break``, ``the control
    character U+001B``), or None."""
    for ch in text:
        code = ord(ch)
        if not one_line and ch in "\n\t":
            continue
        if ch in "\n\r\u2028\u2029\x85":
            return "a line break"
        if code in _INVISIBLE and code >= 0xA0:
            return f"the bidirectional or invisible character U+{code:04X}"
        if code in _PICTURES or code in _INVISIBLE or unicodedata.category(ch) == "Cc":
            return f"the control character U+{code:04X}"
    return None


def entry_problem(text: str, *, limit: int, one_line: bool) -> str | None:
    """Why ``text`` cannot be recorded as typed (too long, or an unprintable character), or
    None. ``one_line``: a name (``--by``), which may hold no line break; a note or reason may
    hold line breaks and tabs, but no other control character."""
    if len(text) > limit:
        return f"is {len(text)} characters long; at most {limit} are recorded"
    bad = _unprintable(text, one_line=one_line)
    if bad is not None:
        return f"holds {bad}; only printable text is recorded"
    return None
