"""A calendar of the weekend's tasks as an iCalendar file (RFC 5545), with ``icalendar``.

The only module that imports ``icalendar`` (an import-linter contract keeps it so): the
library escapes every text value (``;``, ``,``, ``\\``, line breaks), folds long lines and
writes the time zone's VTIMEZONE. Every text goes in as a ``vText``: icalendar 7 writes a
plain string for a property it does not know (``X-WR-CALNAME``) as it is, unescaped.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vText

from runbook.reports.calendar import TaskCalendar, alarm_text

PRODID = "-//runbook//runbook export ics//EN"


def calendar_ics(calendar: TaskCalendar) -> str:
    """The iCalendar text of ``calendar``: one VEVENT per task, times in the runbook's zone
    (with its VTIMEZONE), an alarm ``heads_up`` before each start that is still to come."""
    zone = ZoneInfo(calendar.timezone)
    stamp = datetime.fromtimestamp(calendar.stamp, UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", vText(calendar.name))
    cal.add("x-wr-timezone", vText(calendar.timezone))
    for entry in calendar.entries:
        event = Event()
        event.add("uid", vText(entry.uid))
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        # The state's revision: a later state replaces an earlier one in calendars that
        # compare SEQUENCE; the same state exported again (a replay too) is the same version.
        event.add("sequence", calendar.sequence)
        event.add("summary", vText(entry.summary))
        event.add("dtstart", datetime.fromtimestamp(entry.start, zone))
        if entry.finish > entry.start:  # a milestone (or a zero-length task) has no DTEND
            event.add("dtend", datetime.fromtimestamp(entry.finish, zone))
        event.add("description", vText(entry.description))
        event.add("transp", "TRANSPARENT" if entry.finish == entry.start else "OPAQUE")
        if entry.cancelled:
            event.add("status", "CANCELLED")
        # In a forecast, only work still to come rings: waiting for a predecessor or for its
        # time (a ready task could start already, a started one has).
        if not calendar.forecast or entry.status in ("pending", "scheduled"):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", timedelta(seconds=-calendar.heads_up))
            alarm.add("description", vText(alarm_text(entry, calendar.heads_up)))
            event.add_component(alarm)
        cal.add_component(event)
    if calendar.entries:
        # The zone's rules for the weekend's years only (icalendar's default stops in 2038).
        first = datetime.fromtimestamp(min(e.start for e in calendar.entries), UTC).date()
        last = datetime.fromtimestamp(max(e.finish for e in calendar.entries), UTC).date()
        cal.add_missing_timezones(
            first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
        )
    data: bytes = cal.to_ical()
    return data.decode("utf-8")
