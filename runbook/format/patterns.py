"""The runbook format's spellings as JSON Schema patterns, so an editor flags what `validate`
refuses: ids, durations and times.

Each pattern is written once, in the syntax Python's ``re`` and ECMA-262 (an editor's JSON
Schema engine) read alike: classes, groups and lookaheads only, no flags (so ``[dD]`` instead
of a case-insensitive flag), and the end of the text written ``(?![\\s\\S])``: in Python ``$``
also matches before a final line break, so ``"export\\n"`` would pass as an id.
"""

from __future__ import annotations

from runbook.common.limits import FIRST_YEAR, LAST_YEAR, MAX_DURATION

END = r"(?![\s\S])"

ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*" + END

# The largest number a duration's bare number (minutes) may be: 30 days.
MAX_DURATION_MINUTES = MAX_DURATION // 60


def _number(digits: int) -> str:
    """A decimal number of at most ``digits`` digits before the point (``90``, ``1.5``, ``.5``);
    with ``digits=0`` a zero only (``0``, ``0.0``, ``.0``)."""
    if digits == 0:
        return r"(?:0+(?:\.0+)?|\.0+)"
    return rf"(?:\d{{1,{digits}}}(?:\.\d+)?|\.\d+)"


def _duration(zero: bool) -> str:
    """The duration forms of ``runbook.format.durations.parse_duration``: a bare number of
    minutes, ``1d 2h 30m 15s`` (``day``, ``hrs``, ``minutes``, ``sec`` ... in any case) and
    ISO 8601 ``P1W2DT3H4M5S``; surrounding spaces allowed. Each part is bounded by its
    digits so that an absurd one (``99999999999d``) is flagged; whether the parts add up to
    more than 30 days is `validate`'s to say (a pattern cannot add)."""

    def n(digits: int) -> str:
        return _number(0 if zero else digits)

    days = r"[dD](?:[aA][yY][sS]?)?"
    hours = r"[hH](?:[rR][sS]?|[oO][uU][rR][sS]?)?"
    mins = r"[mM](?:[iI][nN](?:[sS]|[uU][tT][eE][sS]?)?)?"
    secs = r"[sS](?:[eE][cC](?:[sS]|[oO][nN][dD][sS]?)?)?"
    compact = (
        r"(?=[\d.])"
        rf"(?:{n(2)}\s*{days}\s*)?(?:{n(3)}\s*{hours}\s*)?"
        rf"(?:{n(5)}\s*{mins}\s*)?(?:{n(7)}\s*{secs}\s*)?"
    )
    iso = (
        rf"[pP](?=[\d.tT])(?:{n(1)}[wW])?(?:{n(2)}[dD])?"
        rf"(?:[tT](?=[\d.])(?:{n(3)}[hH])?(?:{n(5)}[mM])?(?:{n(7)}[sS])?)?"
    )
    return rf"^\s*(?:{n(5)}|{compact}|{iso})\s*" + END


DURATION_PATTERN = _duration(zero=False)
ZERO_DURATION_PATTERN = _duration(zero=True)


def _year() -> str:
    """The years a runbook may name, 1970 to 2200, as digits."""
    assert (FIRST_YEAR, LAST_YEAR) == (1970, 2200), "update the pattern with the bounds"
    return r"(?:19[7-9]\d|20\d\d|21\d\d|2200)"


# The ISO 8601 forms docs/format.md lists: a date (2026-12-04), a date and time with `T` or a
# space (seconds and fractions optional), and an offset (`Z`, `+01:00`, `+0100`, `+01`). The
# months' lengths are checked (not leap years: 29 February is `validate`'s to refuse).
_MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
    r"|02-(?:0[1-9]|1\d|2\d))"
)
_TIME_OF_DAY = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
_OFFSET = r"(?:[zZ]|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)"
TIME_PATTERN = rf"^\s*{_year()}-{_MONTH_DAY}(?:[tT ]{_TIME_OF_DAY}{_OFFSET}?)?\s*" + END

# What an editor shows instead of a pattern nobody reads (VS Code's and the YAML language
# server's `patternErrorMessage`).
ID_MESSAGE = "An id: letters, digits, '-', '_' and '.', starting with a letter, a digit or '_'."
DURATION_MESSAGE = (
    "A duration such as 90m, 1h30m, 2h, 45s, 1d, 2 hours, PT1H30M or a number of minutes; "
    "at most 30 days, never negative."
)
TIME_MESSAGE = (
    "An ISO 8601 date and time between 1970 and 2200, such as 2026-12-04T06:00, "
    "2026-12-04 06:00, 2026-12-04T06:00:00+01:00 or 2026-12-04."
)
