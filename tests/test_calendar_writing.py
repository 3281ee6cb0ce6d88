"""`runbook export ics` writes its events line by line (issue 28 §3): the bytes must be the very
bytes icalendar's components write. Each test writes calendars both ways, ``calendar_ics`` and
``by_icalendar`` (the renderer of before, every event an icalendar Event), and compares them:
generated weekends, planned and forecast, and hypothesis over any text, zone and time."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Alarm, Calendar, Event, vText

from runbook.reports.calendar import CalendarEntry, TaskCalendar, alarm_text, weekend_calendar
from runbook.reports.render.ics import PRODID, calendar_ics
from runbook.usecases import Weekend

from .weekend_helpers import FakeClock

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


def by_icalendar(calendar: TaskCalendar) -> str:
    """The calendar as icalendar's components write it: the renderer of before issue 28."""
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
        event.add("sequence", calendar.sequence)
        event.add("summary", vText(entry.summary))
        event.add("dtstart", datetime.fromtimestamp(entry.start, zone))
        if entry.finish > entry.start:
            event.add("dtend", datetime.fromtimestamp(entry.finish, zone))
        event.add("description", vText(entry.description))
        event.add("transp", "TRANSPARENT" if entry.finish == entry.start else "OPAQUE")
        if entry.cancelled:
            event.add("status", "CANCELLED")
        if not calendar.forecast or entry.status in ("pending", "scheduled"):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", timedelta(seconds=-calendar.heads_up))
            alarm.add("description", vText(alarm_text(entry, calendar.heads_up)))
            event.add_component(alarm)
        cal.add_component(event)
    if calendar.entries:
        first = datetime.fromtimestamp(min(e.start for e in calendar.entries), UTC).date()
        last = datetime.fromtimestamp(max(e.finish for e in calendar.entries), UTC).date()
        cal.add_missing_timezones(
            first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
        )
    data: bytes = cal.to_ical()
    return data.decode("utf-8")


def _generated(kind: str, tasks: int) -> str:
    """A runbook from benchmarks/generate.py or benchmarks/outside.py."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        if kind == "outside":
            from outside import generate as outside

            return outside(tasks)
        from generate import generate

        return generate(tasks)
    finally:
        sys.path.pop(0)


@pytest.mark.parametrize("kind", ["plain", "outside"])
def test_a_generated_weekend_is_written_as_icalendar_writes_it_planned_and_forecast(tmp_path, kind):
    runbook = tmp_path / f"{kind}.yaml"
    runbook.write_text(_generated(kind, 150), encoding="utf-8")
    start = next(line[7:] for line in runbook.read_text().splitlines() if line[:6] == "start:")
    clock = FakeClock(start + "Z")
    weekend = Weekend.open(runbook, tmp_path / f"{kind}.db", clock=clock, create=True)
    order = [weekend.plan.tasks[i].id for i in weekend.plan.order]
    for kind_, task in (("start", order[0]), ("done", order[0]), ("start", order[1])):
        clock.advance(minutes=20)
        weekend.record(kind_, [task], actor="tester", host="test-host", force=True)
    weekend.record(
        "skip", [order[5]], actor="tester", host="test-host", note="not needed", force=True
    )
    clock.advance(minutes=30)
    for forecast in (False, True):
        calendar = weekend_calendar(weekend, forecast=forecast)
        assert any(e.cancelled for e in calendar.entries) == forecast
        assert calendar_ics(calendar) == by_icalendar(calendar)


def test_an_empty_calendar_is_written_as_icalendar_writes_it():
    calendar = TaskCalendar("Nothing", "Europe/Amsterdam", 1_800_000_000, 0, 900, False, [])
    assert calendar_ics(calendar) == by_icalendar(calendar)


# Text as people write it, and as attackers do: every escape, line breaks of each kind,
# backslashes and carets where a line folds, letters of 2, 3 and 4 octets in UTF-8.
PIECES = ["\\", "^", ";", ",", "\n", "\r\n", "\r", "\\N", ":", '"', " ", "é", "日", "🚀", "x" * 70]
TEXT = st.lists(
    st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs",)), st.sampled_from(PIECES)),
    max_size=60,
).map("".join)
ZONES = ["Europe/Amsterdam", "UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
# 2020 to 2040, across the changes of summer time.
MOMENT = st.integers(1_577_836_800, 2_208_988_800)
ENTRY = st.builds(
    lambda uid, summary, description, start, length, status, cancelled: CalendarEntry(
        uid, uid, summary, start, start + length, description, status, cancelled
    ),
    uid=TEXT,
    summary=TEXT,
    description=TEXT,
    start=MOMENT,
    length=st.sampled_from([0, 0, 60, 3_600, 90_061, 400 * 86_400]),
    status=st.sampled_from([None, "pending", "scheduled", "ready", "running", "done"]),
    cancelled=st.booleans(),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=TEXT,
    zone=st.sampled_from(ZONES),
    stamp=MOMENT,
    sequence=st.integers(0, 10**6),
    heads_up=st.sampled_from([0, 60, 900, 5_400, 90_000]),
    forecast=st.booleans(),
    entries=st.lists(ENTRY, max_size=6),
)
def test_any_calendar_is_written_as_icalendar_writes_it(
    name, zone, stamp, sequence, heads_up, forecast, entries
):
    calendar = TaskCalendar(name, zone, stamp, sequence, heads_up, forecast, entries)
    assert calendar_ics(calendar) == by_icalendar(calendar)


@pytest.mark.parametrize("length", range(60, 90))
@pytest.mark.parametrize("tail", ["\\", "^", ";", "é", "日", "🚀"])
def test_a_line_folds_where_icalendar_folds_it_whatever_ends_the_first_piece(length, tail):
    text = "a" * (length - 9) + tail + "b" * 80
    entry = CalendarEntry("u", "u", text, 1_800_000_000, 1_800_003_600, text)
    calendar = TaskCalendar("n", "UTC", 1_800_000_000, 1, 900, False, [entry])
    assert calendar_ics(calendar) == by_icalendar(calendar)
