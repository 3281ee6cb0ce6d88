"""Reading one spreadsheet cell as a runbook value: durations, times, yes/no, lists, priorities.

A cell holds what a person typed or what Excel stored: text in English or Dutch, a number, an
Excel time or date. Each reader returns the value as the runbook format writes it (a duration in
seconds, a time as ISO 8601 text) or raises ``CellError`` with a sentence that quotes the cell.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from runbook.common.limits import MAX_DURATION, MAX_DURATION_TEXT, YEARS_TEXT, year_in_bounds
from runbook.format.durations import DurationError, TimeError, parse_datetime, parse_duration

Value = object  # what a cell holds: str, int, float, bool, datetime, date, time, timedelta, None


class CellError(ValueError):
    """A cell that cannot be read as what its column holds; the message quotes it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def quoted(value: Value) -> str:
    """A cell's value for a message, cut short."""
    text = value if isinstance(value, str) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def is_blank(value: Value) -> bool:
    """An empty cell, or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


# -- durations ---------------------------------------------------------------------------

DURATION_HINT = "write 1h30m, 90 (minutes), 1:30, 2 uur or 30 min"
# Unit words in English and Dutch, to seconds.
UNITS = {
    **dict.fromkeys(("d", "day", "days", "dag", "dagen"), 86400),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "u", "uur", "uren"), 3600),
    **dict.fromkeys(
        ("m", "min", "mins", "minute", "minutes", "minuut", "minuten", "mn"),
        60,
    ),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds", "seconde", "seconden"), 1),
}
_PART = re.compile(r"\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*([a-z]*)\s*(?:,|en|and|\+)?", re.IGNORECASE)
_CLOCK = re.compile(r"(\d{1,3}):([0-5]\d)(?::([0-5]\d))?")
_DECIMAL_COMMA = re.compile(r"\d+,\d+|,\d+")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
# Excel's day 0 for a time past 24 hours that openpyxl reads as a date in early 1900.
_EXCEL_ZERO = datetime(1899, 12, 31)
_EXCEL_FIRST_YEARS = (1899, 1900)


def read_duration(value: Value, *, unit: int = 60) -> int | None:
    """A duration in whole seconds, or None for an empty cell. ``unit`` is what a plain number
    means: minutes, as in the runbook format, unless the column's header names another unit
    ("Duur (uren)")."""
    if is_blank(value):
        return None
    seconds = _duration_seconds(value, unit)
    if seconds != seconds:
        raise CellError(f"duration '{quoted(value)}' is not a duration", DURATION_HINT)
    if seconds < 0:
        raise CellError(f"duration '{quoted(value)}' is negative")
    if seconds > MAX_DURATION:
        raise CellError(f"duration '{quoted(value)}' is longer than {MAX_DURATION_TEXT}")
    return round(seconds)


def _duration_seconds(value: Value, unit: int) -> float:
    if isinstance(value, bool):
        raise CellError(f"duration '{value}' is not a duration", DURATION_HINT)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, time):
        return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    if isinstance(value, datetime):
        if value.year in _EXCEL_FIRST_YEARS:  # an Excel time of a day or more
            return (value - _EXCEL_ZERO).total_seconds()
        raise CellError(
            f"duration '{value:%Y-%m-%d %H:%M}' is a date, not a duration",
            "format the cell as a time ([u]:mm) or write the duration as text",
        )
    if isinstance(value, date):
        raise CellError(f"duration '{value}' is a date, not a duration", DURATION_HINT)
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(f"duration '{value}' is not a duration", DURATION_HINT)
        return float(value) * unit
    text = str(value).strip()
    number = text.replace(",", ".") if _DECIMAL_COMMA.fullmatch(text) else text
    if _PLAIN_NUMBER.fullmatch(number):  # not float()'s "nan", "inf" or "1e9"
        return float(number) * unit
    clock = _CLOCK.fullmatch(text)
    if clock:
        hours, minutes, secs = clock.groups()
        return int(hours) * 3600 + int(minutes) * 60 + int(secs or 0)
    if text.startswith("-"):
        raise CellError(f"duration '{quoted(value)}' is negative")
    seconds = _worded(text)
    if seconds is not None:
        return seconds
    try:  # ISO 8601 and the rest of the format's own forms
        return parse_duration(text)
    except DurationError:
        raise CellError(f"duration '{quoted(value)}' is not a duration", DURATION_HINT) from None


def _worded(text: str) -> float | None:
    """``2 uur 30 min``, ``1,5 uur``, ``2u30``, ``1 dag en 2 uur``: the seconds, or None."""
    position, total, parts = 0, 0.0, 0
    last_unit: int | None = None
    lowered = text.lower()
    while position < len(lowered):
        match = _PART.match(lowered, position)
        if not match or match.end() == position:
            return None
        number, word = match.groups()
        amount = float(number.replace(",", "."))
        if word:
            if word not in UNITS:
                return None
            last_unit = UNITS[word]
            total += amount * last_unit
        elif last_unit is not None and last_unit > 1 and match.end() == len(lowered):
            total += amount * {86400: 3600, 3600: 60, 60: 1}[last_unit]  # 2u30: 30 minutes
        else:
            return None
        parts += 1
        position = match.end()
    return total if parts else None


# -- times -------------------------------------------------------------------------------

TIME_HINT = "write 2026-12-04 18:00 or 4-12-2026 18:00 (day first), or use a date cell"
_MONTHS = {
    **dict.fromkeys(("jan", "januari", "january"), 1),
    **dict.fromkeys(("feb", "februari", "february"), 2),
    **dict.fromkeys(("mrt", "maart", "mar", "march"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("jun", "juni", "june"), 6),
    **dict.fromkeys(("jul", "juli", "july"), 7),
    **dict.fromkeys(("aug", "augustus", "august"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("okt", "oct", "oktober", "october"), 10),
    **dict.fromkeys(("nov", "november"), 11),
    **dict.fromkeys(("dec", "december"), 12),
}
_WEEKDAY = re.compile(
    r"^(?:ma|di|wo|do|vr|za|zo|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"
    r"mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"\.?,?\s+",
    re.IGNORECASE,
)
_CLOCK_PART = r"(?:[ T]+(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?"
_NUMERIC_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _CLOCK_PART)
_WORDED_DATE = re.compile(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})" + _CLOCK_PART, re.IGNORECASE)
_SLASHED_ISO = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})" + _CLOCK_PART)


def read_time(value: Value) -> str | None:
    """A date and time as the runbook format writes it (``2026-12-04T18:00``; an offset kept
    when the cell had one), or None for an empty cell. Text dates are read day first, as a
    Dutch (or any European) Excel writes them."""
    if is_blank(value):
        return None
    moment = _moment(value)
    if not year_in_bounds(moment.year):
        raise CellError(f"time '{quoted(value)}' is outside the years {YEARS_TEXT}")
    return iso_text(moment)


def iso_text(moment: datetime) -> str:
    """``2026-12-04T18:00`` (seconds and an offset only when there are any)."""
    text = moment.replace(microsecond=0).isoformat(timespec="seconds")
    if moment.second == 0:
        head, _, rest = text.partition("T")
        clock = rest[:5] + rest[8:]  # drop ":00" seconds, keep any offset
        text = f"{head}T{clock}"
    return text


def _moment(value: Value) -> datetime:
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, time | timedelta):
        raise CellError(
            f"time '{quoted(value)}' has no date",
            "give the day too, e.g. 2026-12-05 08:00",
        )
    if isinstance(value, bool) or not isinstance(value, str):
        raise CellError(f"time '{quoted(value)}' is not a date and time", TIME_HINT)
    text = _WEEKDAY.sub("", value.strip())
    for pattern, order in ((_NUMERIC_DATE, "dmy"), (_WORDED_DATE, "dmy"), (_SLASHED_ISO, "ymd")):
        match = pattern.fullmatch(text)
        if match:
            return _from_parts(value, match.groups(), order)
    try:
        return parse_datetime(text.replace(" ", "T", 1) if "T" not in text else text)
    except TimeError:
        pass
    raise CellError(f"time '{quoted(value)}' is not a date and time", TIME_HINT)


def _from_parts(value: Value, parts: tuple[str | None, ...], order: str) -> datetime:
    first, second, third, hour, minute, second_of_minute = parts
    if order == "ymd":
        year, month_text, day = first, second, third
    else:
        day, month_text, year = first, second, third
    assert year is not None and month_text is not None and day is not None
    month = _MONTHS.get(month_text.lower()) if not month_text.isdigit() else int(month_text)
    if month is None:
        raise CellError(f"time '{quoted(value)}': unknown month '{month_text}'", TIME_HINT)
    try:
        return datetime(
            int(year),
            month,
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second_of_minute or 0),
        )
    except ValueError as exc:
        hint = "dates are read day first: 4-12-2026 is 4 December" if order == "dmy" else None
        raise CellError(f"time '{quoted(value)}' is not a valid date: {exc}", hint) from None


# -- yes/no, lists, priorities, numbers --------------------------------------------------

_YES = {"yes", "y", "ja", "j", "true", "waar", "x", "1", "✓", "✔", "v", "wel"}
_NO = {"no", "n", "nee", "false", "onwaar", "0", "-", "niet", "geen"}


def read_flag(value: Value) -> bool:
    """Yes or no: ``ja``/``nee``, ``yes``/``no``, ``x``, ``1``/``0``, TRUE/FALSE; empty is no."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(f"'{quoted(value)}' is not yes or no", "write ja or nee, yes or no, or x")


_SPLIT_IDS = re.compile(r"[,;\n]")


def read_ids(value: Value) -> list[str]:
    """Ids or row numbers separated by commas, semicolons or line breaks (a number cell is
    one row number or id)."""
    if is_blank(value):
        return []
    if isinstance(value, float) and value.is_integer():
        return [str(int(value))]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(value)]
    return [part.strip() for part in _SPLIT_IDS.split(str(value)) if part.strip()]


def read_lines(value: Value, *, commas: bool = False) -> list[str]:
    """A list written one item per line; on one line, separated by semicolons (or commas
    when ``commas``)."""
    if is_blank(value):
        return []
    text = str(value)
    if "\n" in text:
        parts = text.splitlines()
    elif ";" in text:
        parts = text.split(";")
    elif commas:
        parts = text.split(",")
    else:
        parts = [text]
    return [" ".join(part.split()) for part in parts if part.strip()]


# One stage of a gate per line of its Approvers cell: ``project-team (1): Ingrid, Ruud`` or
# ``steering-committee (all): CIO, CMIO`` (``alle``, Dutch, reads as all).
_STAGE_LINE = re.compile(
    r"\s*([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*\(\s*(\d+|all|alle)\s*\)\s*:\s*(.*?)\s*",
    re.IGNORECASE,
)


def read_approvers(value: Value) -> list[str] | list[dict[str, object]]:
    """A gate's Approvers cell: names (one per line, or separated by semicolons or commas),
    or its stages, one per line as ``STAGE (NEEDS): NAME, NAME`` (NEEDS a number or all; the
    names separated by semicolons when one holds a comma), as ``approvers_text`` writes
    them."""
    if is_blank(value):
        return []
    lines = [line for line in str(value).splitlines() if line.strip()]
    if not _STAGE_LINE.fullmatch(lines[0]):
        return read_lines(value, commas=True)
    stages: list[dict[str, object]] = []
    for line in lines:
        found = _STAGE_LINE.fullmatch(line)
        if found is None:
            raise CellError(
                f"'{quoted(line)}' is not a stage: the cell gives one stage per line, as "
                "STAGE (NEEDS): NAME, NAME",
                "write each stage like project-team (1): Ingrid de Vries, Ruud Mulder",
            )
        stage, needs, names = found.groups()
        separator = ";" if ";" in names else ","
        stages.append(
            {
                "stage": stage,
                "approvers": [" ".join(n.split()) for n in names.split(separator) if n.strip()],
                "needs": int(needs) if needs.isdigit() else "all",
            }
        )
    return stages


def approvers_text(stages: list[tuple[str, list[str], int | str]]) -> str:
    """A gate's stages as its Approvers cell, one per line (``read_approvers`` reads it)."""
    lines = []
    for stage, names, needs in stages:
        text = ", ".join(names)
        if any("," in n for n in names):  # semicolons, and one at least, so a comma is kept
            text = "; ".join(names) + (";" if len(names) == 1 else "")
        lines.append(f"{stage} ({needs}): {text}")
    return "\n".join(lines)


_PRIORITIES = {
    **dict.fromkeys(("must", "must have", "m", "moet", "moet hebben", "verplicht"), "must"),
    **dict.fromkeys(("should", "should have", "s", "zou", "zou moeten", "wenselijk"), "should"),
    **dict.fromkeys(
        ("nice", "nice to have", "could", "could have", "c", "kan", "mag", "leuk"), "nice"
    ),
}


def read_priority(value: Value) -> str | None:
    """``must``, ``should`` or ``nice`` (MoSCoW and Dutch words too), or None when empty."""
    if is_blank(value):
        return None
    text = " ".join(str(value).lower().replace("-", " ").split())
    found = _PRIORITIES.get(text)
    if found is None:
        raise CellError(
            f"priority '{quoted(value)}' is not must, should or nice",
            "MoSCoW (must have, should have, could have) and moet/zou/kan are read too",
        )
    return found


def read_text(value: Value, *, exact: bool = False) -> str | None:
    """Text without the spaces around it (``exact``: as it was typed, for a title or a note),
    a whole number without its ``.0``; None when empty."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return iso_text(value)
    return str(value) if exact else str(value).strip()


def read_number(value: Value) -> float | None:
    """A number (a decimal comma is read as a point), or None when empty."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"'{value}' is not a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, float) and value != value:
        raise CellError(f"'{value}' is not a number")
    text = str(value).strip()
    number = text.replace(",", ".") if _DECIMAL_COMMA.fullmatch(text) else text
    if not re.fullmatch(r"-?(?:\d+(?:\.\d+)?|\.\d+)", number):
        raise CellError(f"'{quoted(value)}' is not a number")
    return float(number)
