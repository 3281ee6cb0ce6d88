"""A calendar of the weekend's tasks as an iCalendar file (RFC 5545), with ``icalendar``.

The only module that imports ``icalendar`` (an import-linter contract keeps it so). The
library writes the calendar's frame: its properties (every text as a ``vText``: icalendar 7
writes a plain string for a property it does not know, ``X-WR-CALNAME``, unescaped) and the
time zone's VTIMEZONE. Its components cost about 0.35 ms an event (4 s for 10,000 tasks),
so the events are written here, line by line, as icalendar writes them: the lines that are
the same in every event (DTSTAMP, SEQUENCE, TRANSP, the alarm's TRIGGER, ...) and the shape
of a time in the zone are taken from icalendar once; text is escaped and long lines folded
by icalendar's rules (RFC 5545 §3.3.11 and §3.1). The tests hold the result to icalendar's
own output byte for byte (issue 28 §3).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vText

from runbook.reports.calendar import CalendarEntry, TaskCalendar, alarm_text

PRODID = "-//runbook//runbook export ics//EN"

_END = "END:VCALENDAR\r\n"


def calendar_ics(calendar: TaskCalendar) -> str:
    """The iCalendar text of ``calendar``: one VEVENT per task, times in the runbook's zone
    (with its VTIMEZONE), an alarm ``heads_up`` before each start that is still to come."""
    zone = ZoneInfo(calendar.timezone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", vText(calendar.name))
    cal.add("x-wr-timezone", vText(calendar.timezone))
    if calendar.entries:
        # The zone's rules for the weekend's years only (icalendar's default stops in 2038).
        # Every event's times are in the one zone: an event with one of them tells icalendar
        # which VTIMEZONE the calendar needs; it goes before the events.
        probe = Event()
        probe.add("dtstart", datetime.fromtimestamp(calendar.entries[0].start, zone))
        cal.add_component(probe)
        first = datetime.fromtimestamp(min(e.start for e in calendar.entries), UTC).date()
        last = datetime.fromtimestamp(max(e.finish for e in calendar.entries), UTC).date()
        cal.add_missing_timezones(
            first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
        )
        cal.subcomponents.remove(probe)
    frame: str = cal.to_ical().decode("utf-8")
    if not frame.endswith(_END):  # pragma: no cover - icalendar always ends with it
        raise AssertionError("icalendar's calendar does not end with END:VCALENDAR")
    events = _Events(calendar, zone)
    return "".join([frame[: -len(_END)], *map(events.lines, calendar.entries), _END])


class _Events:
    """Writes one calendar's VEVENTs as icalendar's Event components write them."""

    def __init__(self, calendar: TaskCalendar, zone: ZoneInfo) -> None:
        self.calendar = calendar
        self.zone = zone
        stamp = datetime.fromtimestamp(calendar.stamp, UTC)
        self.dtstamp = _written(Event, "dtstamp", stamp)
        # The state's revision: a later state replaces an earlier one in calendars that
        # compare SEQUENCE; the same state exported again (a replay too) is the same version.
        self.sequence = _written(Event, "sequence", calendar.sequence)
        self.last_modified = _written(Event, "last-modified", stamp)
        self.transparent = _written(Event, "transp", "TRANSPARENT")
        self.opaque = _written(Event, "transp", "OPAQUE")
        self.cancelled = _written(Event, "status", "CANCELLED")
        self.alarm_head = "BEGIN:VALARM\r\n" + _written(Alarm, "action", "DISPLAY")
        self.trigger = _written(Alarm, "trigger", timedelta(seconds=-calendar.heads_up))
        sample = datetime.fromtimestamp(calendar.stamp, zone)
        self.dtstart = _TimeShape("dtstart", sample)
        self.dtend = _TimeShape("dtend", sample)
        self._times: dict[int, str] = {}

    def lines(self, entry: CalendarEntry) -> str:
        """The VEVENT of ``entry``, its lines ended with CRLF, in icalendar's order: the
        Event's canonical properties first, then the others by name, then the alarm."""
        out = ["BEGIN:VEVENT\r\n", _text("SUMMARY", entry.summary)]
        out.append(self.dtstart.line(self._local(entry.start)))
        if entry.finish > entry.start:  # a milestone (or a zero-length task) has no DTEND
            out.append(self.dtend.line(self._local(entry.finish)))
        out += [
            self.dtstamp,
            _text("UID", entry.uid),
            self.sequence,
            _text("DESCRIPTION", entry.description),
            self.last_modified,
        ]
        if entry.cancelled:
            out.append(self.cancelled)
        out.append(self.transparent if entry.finish == entry.start else self.opaque)
        # In a forecast, only work still to come rings: waiting for a predecessor or for its
        # time (a ready task could start already, a started one has).
        calendar = self.calendar
        if not calendar.forecast or entry.status in ("pending", "scheduled"):
            out += [
                self.alarm_head,
                _text("DESCRIPTION", alarm_text(entry, calendar.heads_up)),
                self.trigger,
                "END:VALARM\r\n",
            ]
        out.append("END:VEVENT\r\n")
        return "".join(out)

    def _local(self, seconds: int) -> datetime:
        """A moment in the runbook's zone."""
        return datetime.fromtimestamp(seconds, self.zone)


class _TimeShape:
    """How icalendar writes a property holding a time in the runbook's zone (``DTSTART;
    TZID=Europe/Amsterdam:20261204T060000``, or ``...Z`` in UTC): learnt from icalendar once,
    from a sample time, and filled in for every other time."""

    def __init__(self, name: str, sample: datetime) -> None:
        line = _content_line(Event, name, sample)
        digits = _digits(sample)
        at = line.rfind(digits)
        if at < 0:  # pragma: no cover - icalendar writes the time's digits
            raise AssertionError(f"icalendar wrote {line!r} for {sample.isoformat()}")
        self.head, self.tail = line[:at], line[at + len(digits) :]

    def line(self, moment: datetime) -> str:
        """The property's line(s) for ``moment``, CRLF-ended."""
        return _folded(self.head + _digits(moment) + self.tail) + "\r\n"


def _digits(moment: datetime) -> str:
    """``20261204T060000``: the local date and time as iCalendar writes a DATE-TIME."""
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )


def _content_line(kind: type[Event] | type[Alarm], name: str, value: Any) -> str:
    """One property's content line as icalendar writes it, unfolded."""
    component = kind()
    component.add(name, value)
    key = name.upper()
    return str(component.content_line(key, component[key]))


def _written(kind: type[Event] | type[Alarm], name: str, value: Any) -> str:
    """One property's line(s) as icalendar writes them, folded and CRLF-ended."""
    return _folded(_content_line(kind, name, value)) + "\r\n"


def _text(name: str, text: str) -> str:
    """A TEXT property's line(s), CRLF-ended: the value escaped as a ``vText`` is."""
    value = (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )
    return _folded(f"{name}:{value}") + "\r\n"


_LIMIT = 75  # octets a content line may reach, CRLF included: 74 before the break


def _folded(line: str) -> str:
    """``line`` folded as icalendar folds it: pieces of at most 74 octets of UTF-8, never
    inside a character, each after the first on a line of its own after a space; a piece
    does not end with the backslash or the caret that starts an escape (it moves on)."""
    if len(line) < _LIMIT and (line.isascii() or len(line.encode("utf-8")) < _LIMIT):
        return line
    data = line.encode("utf-8")
    pieces = []
    start, size = 0, len(data)
    while size - start >= _LIMIT:
        end = start + _LIMIT - 1
        while data[end] & 0xC0 == 0x80:  # inside a character: break before it
            end -= 1
        if data[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start = end
    pieces.append(data[start:].decode("utf-8"))
    return "\r\n ".join(pieces)
