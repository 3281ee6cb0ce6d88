"""Parsing and printing durations and times; all arithmetic is elapsed time in UTC."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runbook.common.limits import (
    MAX_DURATION,
    MAX_DURATION_TEXT,
    YEARS_TEXT,
    clamp_epoch,
    year_in_bounds,
)

DURATION_FORMS = "90m, 1h30m, 2h, 45s, 1d, PT1H30M or a number of minutes"

_NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"
_COMPACT = re.compile(
    rf"""^
    (?:{_NUMBER}\s*(?:d|days?)\s*)?
    (?:{_NUMBER}\s*(?:h|hrs?|hours?)\s*)?
    (?:{_NUMBER}\s*(?:m|mins?|minutes?)\s*)?
    (?:{_NUMBER}\s*(?:s|secs?|seconds?)\s*)?
    $""",
    re.IGNORECASE | re.VERBOSE,
)
_ISO = re.compile(
    rf"""^P(?!$)
    (?:{_NUMBER}W)?
    (?:{_NUMBER}D)?
    (?:T(?=\d|\.)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?
    $""",
    re.IGNORECASE | re.VERBOSE,
)
_BARE_NUMBER = re.compile(rf"^{_NUMBER}$")


class DurationError(ValueError):
    """A duration that cannot be read; the message quotes the offending text."""


class TimeError(ValueError):
    """A time that cannot be read; the message quotes the offending text."""


def parse_duration(value: object) -> int:
    """Read a duration (``90m``, ``1h30m``, ``PT1H30M``, a number of minutes) as whole seconds;
    one over the bound (30 days) is refused."""
    seconds = _read_duration(value)
    if seconds > MAX_DURATION:
        raise DurationError(f"duration '{_shown(value)}' is longer than {MAX_DURATION_TEXT}")
    return int(seconds)


def _shown(value: object) -> str:
    """``value`` for a message, cut short (a 400-digit number is quoted by its start)."""
    try:
        text = str(value).strip()
    except ValueError:  # an int past Python's digit limit for str()
        return "a number too long to print"
    return text if len(text) <= 40 else text[:37] + "..."


def _read_duration(value: object) -> float:
    """The duration in seconds, unbounded (an overflowing one is ``inf``)."""
    if isinstance(value, bool) or value is None:
        raise DurationError(f"{value!r} is not a duration; use {DURATION_FORMS}")
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise DurationError(f"'{value}' is not a duration; use {DURATION_FORMS}")
        if value < 0:
            raise DurationError(f"negative duration '{value}' is not allowed")
        return _seconds(float(value) * 60 if isinstance(value, float) else value * 60)
    if not isinstance(value, str):
        raise DurationError(f"a duration must be text or a number, not {type(value).__name__}")
    text = value.strip()
    if text.startswith("-"):
        raise DurationError(f"negative duration '{value}' is not allowed")
    if _BARE_NUMBER.match(text):
        return _seconds(float(text) * 60)
    m = _COMPACT.match(text)
    if m and text and any(m.groups()):
        d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return _seconds(((d * 24 + h) * 60 + mi) * 60 + s)
    m = _ISO.match(text)
    if m and any(m.groups()):
        w, d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return _seconds((((w * 7 + d) * 24 + h) * 60 + mi) * 60 + s)
    calendar = re.match(r"^P(\d+Y)?(\d+M)?", text, re.IGNORECASE)
    if calendar and (calendar.group(1) or calendar.group(2)):
        raise DurationError(
            f"'{value}' uses years or months, which have no fixed length; use days or hours"
        )
    raise DurationError(f"'{value}' is not a duration; use {DURATION_FORMS}")


def _seconds(value: float) -> float:
    """Whole seconds, except that a value past the bound stays as it is (maybe ``inf``)."""
    return value if value > MAX_DURATION else round(value)


def format_duration(seconds: float, *, narrow: bool = False) -> str:
    """Print a duration compactly: ``1h30m``, ``45s``, ``2d3h``, ``0m``; negative gets a minus.
    Seconds are shown only under an hour (past that they are noise); ``narrow`` also rounds
    a day or more to whole hours (``12d18h46m`` -> ``12d19h``), for a narrow table column."""
    sign = "-" if seconds < 0 else ""
    total = abs(round(seconds))
    if total >= 86400 and narrow:
        total = round(total / 3600) * 3600
    elif total >= 3600:
        total = round(total / 60) * 60
    if total == 0:
        return "0m"
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days}d")
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if secs:
        parts.append(f"{secs}s")
    return sign + "".join(parts)


def format_variance(seconds: int | None) -> str:
    """A variance (start or finish) for a table cell: ``+35m`` (late), ``-5m`` (early), ``""`` when
    unknown or under a minute; a day or more in whole hours."""
    if seconds is None or abs(seconds) < 60:
        return ""
    return ("+" if seconds > 0 else "-") + format_duration(abs(seconds), narrow=True)


def minutes(seconds: float) -> int | float:
    """Seconds as minutes for JSON: a whole number when it is one."""
    value = seconds / 60
    return int(value) if value == int(value) else round(value, 4)


def get_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; raises TimeError for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError, OSError) as exc:
        raise TimeError(f"unknown time zone '{name}'") from exc


def zone_names() -> set[str]:
    """Every IANA zone name known here (for "did you mean")."""
    from zoneinfo import available_timezones

    return available_timezones()


def parse_datetime(value: object) -> datetime:
    """Read an ISO 8601 date or date-time; the result is naive when no offset was given.
    A year outside 1970-2200 is refused."""
    moment = _read_datetime(value)
    if not year_in_bounds(moment.year) or (
        moment.tzinfo is not None and not year_in_bounds(moment.astimezone(UTC).year)
    ):
        raise TimeError(f"'{_shown(value)}' is outside the years {YEARS_TEXT}")
    return moment


def _read_datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if not isinstance(value, str):
        raise TimeError(f"'{value}' is not a date and time; use ISO 8601 like 2026-03-27T06:00")
    text = value.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        reason = str(exc)
        detail = "" if reason.startswith("Invalid isoformat") else f": {reason}"
        raise TimeError(
            f"'{value}' is not a valid date and time{detail}; use ISO 8601 like 2026-03-27T06:00"
        ) from None


def localize(moment: datetime, zone: tzinfo) -> datetime:
    """Attach ``zone`` to a naive local time (an aware one is kept); the result is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def does_not_exist(moment: datetime, zone: tzinfo) -> bool:
    """True when the naive local ``moment`` falls in a clock-forward gap of ``zone``."""
    if moment.tzinfo is not None:
        return False
    aware = moment.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment


NEXT_DAY_WITHIN = 6 * 3600
"""How near the clock the same time of day the day before or after must be to be meant,
for a time of day told of what already happened or what is still ahead.

Told of the past (``--at 23:50``), a time of day later than the clock is the previous day's
when that was at most this long ago: a check-in told after midnight (at 00:05, 23:50 is
fifteen minutes ago, not nearly a day ahead). That can only happen in the first six hours
after midnight: a time later than the clock in the daytime stays today's (and is refused as
in the future), never silently yesterday's. Told of the future (an eta, a pull's ``--to``),
a time of day earlier than the clock is the next day's when that is at most this far ahead
(at 23:30, an eta of 00:30 is in an hour), which only happens in the six hours before
midnight."""

Side = Literal["past", "future"]  # what a time told is of: what happened, or what is ahead
PAST: Side = "past"
FUTURE: Side = "future"


def parse_moment(
    text: str,
    zone: tzinfo,
    now: datetime,
    *,
    notes: list[str] | None = None,
    side: Side | None = None,
) -> datetime:
    """Read a command-line time: ``10:05`` is today in ``zone``; else ISO 8601. Returns UTC.
    A local time the clocks skip or repeat is resolved (the earlier offset), and a sentence
    naming the instant taken, with its UTC offset, is added to ``notes``. With ``side``, the
    time tells of the ``past`` (when something happened) or the ``future`` (an eta): a time
    of day on the wrong side of ``now`` is the day before or after when that is within
    ``NEXT_DAY_WITHIN`` of ``now``, and ``notes`` says which day was taken."""
    text = text.strip()
    moved = ""
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", text):
        try:
            clock = time.fromisoformat(text if len(text.split(":")[0]) == 2 else "0" + text)
        except ValueError:
            raise TimeError(f"'{text}' is not a time of day") from None
        today = now.astimezone(zone).date()
        local = datetime.combine(today, clock)
        if side is not None:
            local, moved = _nearer_day(local, zone, now, side)
        if not year_in_bounds(local.year):
            raise TimeError(f"'{text}' is outside the years {YEARS_TEXT}")
    else:
        local = parse_datetime(text)
    moment = localize(local, zone)
    if notes is not None:
        if moved:
            later = "later" if side == PAST else "earlier"
            notes.append(
                f"{text} is {later} than the clock ({now.astimezone(zone):%a %H:%M}): read as "
                f"{moved}'s, {moment.astimezone(zone):%a %d %b %H:%M}"
            )
        note = _dst_note(text, local, moment, zone)
        if note:
            notes.append(note)
    return moment


def _nearer_day(local: datetime, zone: tzinfo, now: datetime, side: Side) -> tuple[datetime, str]:
    """Today's ``local`` time of day, or the day before (``past``) or after (``future``) when
    today's is on the wrong side of ``now`` and that one is within ``NEXT_DAY_WITHIN``; and
    ``yesterday``, ``tomorrow`` or "" for the day taken."""
    window = timedelta(seconds=NEXT_DAY_WITHIN)
    if side == PAST and localize(local, zone) > now:
        before = local - timedelta(days=1)
        if now - localize(before, zone) <= window:
            return before, "yesterday"
    elif side == FUTURE and localize(local, zone) <= now:
        after = local + timedelta(days=1)
        if localize(after, zone) - now <= window:
            return after, "tomorrow"
    return local, ""


def _dst_note(text: str, local: datetime, moment: datetime, zone: tzinfo) -> str | None:
    """What was recorded for a local time in a daylight-saving gap or overlap, or None."""
    if local.tzinfo is not None:
        return None
    taken = moment.astimezone(zone)
    offset = utc_offset(moment.timestamp(), zone)
    shown = f"{taken:%Y-%m-%d %H:%M} {offset}"
    if does_not_exist(local, zone):
        return f"{text} does not exist in {zone} (the clocks go forward); read as {shown}"
    other = local.replace(tzinfo=zone, fold=1)
    if other.utcoffset() != local.replace(tzinfo=zone).utcoffset():
        later = utc_offset(other.timestamp(), zone)
        return (
            f"{text} happens twice in {zone} (the clocks go back); read as the first, "
            f"{shown}; for the second, write the offset: {local:%Y-%m-%dT%H:%M}{later[3:]}"
        )
    return None


def to_epoch(moment: datetime) -> int:
    """Whole seconds since the Unix epoch of an aware datetime."""
    return int(moment.timestamp())


def iso(seconds: float | None, zone: tzinfo) -> str | None:
    """ISO 8601 with the zone's UTC offset, or None."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(clamp_epoch(seconds), zone).isoformat()


def clock(seconds: float, zone: tzinfo, *, with_date: bool = False) -> str:
    """A time for people: ``Sat 14:30`` (or ``Sat 05 Dec 14:30``) in ``zone``."""
    moment = datetime.fromtimestamp(clamp_epoch(seconds), zone)
    return moment.strftime("%a %d %b %H:%M" if with_date else "%a %H:%M")


def utc_offset(seconds: float, zone: tzinfo) -> str:
    """The zone's offset at a moment, as ``UTC+01:00``."""
    text = datetime.fromtimestamp(clamp_epoch(seconds), zone).strftime("%z")
    return f"UTC{text[:3]}:{text[3:]}"


def t_plus(now: float, start: float, *, seconds: bool = False) -> str:
    """Elapsed time since the planned start: ``T+28:05`` (``T-02:30`` before it), with
    ``:SS`` when ``seconds``."""
    elapsed = int(now - start)
    sign, total = ("+" if elapsed >= 0 else "-"), abs(elapsed)
    text = f"T{sign}{total // 3600:02d}:{total % 3600 // 60:02d}"
    return text + f":{total % 60:02d}" if seconds else text
