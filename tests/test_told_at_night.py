"""Times told at night: a time of day told of what already happened that is later than the
clock, in the first hours after midnight, is yesterday's (at 00:05, `--at 23:50` is Fri 23:50);
one still ahead (an eta) that is earlier than the clock late in the evening is tomorrow's. In
the daytime a time on the wrong side of the clock stays today's, never silently moved."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Input

from runbook.format.durations import FUTURE, NEXT_DAY_WITHIN, PAST, parse_moment
from runbook.tui.app import MissionControl
from runbook.tui.screens import ConfirmScreen
from runbook.tui.widgets import TaskTable
from runbook.usecases import Weekend

from .builders import minimal_runbook
from .tui_helpers import until
from .weekend_helpers import FakeClock

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def read(text: str, now: str, side=None, notes=None) -> str:
    """``text`` read at ``now`` (local, Amsterdam), as a local ISO time without seconds."""
    clock = datetime.fromisoformat(now).replace(tzinfo=AMSTERDAM)
    moment = parse_moment(text, AMSTERDAM, clock, side=side, notes=notes)
    return moment.astimezone(AMSTERDAM).isoformat()[:16]


@pytest.mark.parametrize(
    ("now", "told", "taken"),
    [
        ("2026-12-05T00:05", "23:50", "2026-12-04T23:50"),  # fifteen minutes ago
        ("2026-12-05T02:30", "21:00", "2026-12-04T21:00"),  # 5h30m ago
        ("2026-12-05T05:59", "23:59", "2026-12-04T23:59"),  # six hours ago: the limit
        ("2026-12-05T06:30", "23:50", "2026-12-05T23:50"),  # 6h40m ago: too long, today's
        ("2026-12-05T14:00", "14:30", "2026-12-05T14:30"),  # the daytime: never yesterday's
        ("2026-12-05T00:05", "00:01", "2026-12-05T00:01"),  # earlier than the clock: today
        ("2026-12-05T00:05", "00:10", "2026-12-05T00:10"),  # 23h55m ago: today's (future)
    ],
)
def test_a_time_of_day_told_of_the_past_is_yesterdays_only_in_the_small_hours(now, told, taken):
    assert read(told, now, PAST) == taken


def test_the_window_is_six_hours():
    assert NEXT_DAY_WITHIN == 6 * 3600


def test_without_a_side_a_time_of_day_is_always_todays():
    assert read("23:50", "2026-12-05T00:05") == "2026-12-05T23:50"
    assert read("00:30", "2026-12-04T23:30") == "2026-12-04T00:30"


def test_a_note_names_the_day_taken():
    notes: list[str] = []
    read("23:50", "2026-12-05T00:05", PAST, notes)
    assert notes == [
        "23:50 is later than the clock (Sat 00:05): read as yesterday's, Fri 04 Dec 23:50"
    ]
    notes.clear()
    read("09:00", "2026-12-05T10:00", PAST, notes)
    assert notes == []


def test_the_night_the_clocks_go_back_counts_the_hours_that_really_passed():
    # 2026-10-25 in Amsterdam: 03:00 summer time becomes 02:00 winter time.
    assert read("23:45", "2026-10-25T03:30", PAST) == "2026-10-24T23:45"  # 4h45m ago
    # 22:00 the day before was 6h30m ago (the repeated hour counts): today's.
    assert read("22:00", "2026-10-25T03:30", PAST) == "2026-10-25T22:00"


@pytest.mark.parametrize(
    ("now", "told", "taken"),
    [
        ("2026-12-04T23:30", "00:30", "2026-12-05T00:30"),  # an eta in an hour
        ("2026-12-04T20:00", "01:00", "2026-12-05T01:00"),  # five hours ahead
        ("2026-12-04T17:00", "09:00", "2026-12-04T09:00"),  # sixteen hours ahead: today's
        ("2026-12-04T23:30", "23:45", "2026-12-04T23:45"),  # later than the clock: today
    ],
)
def test_a_time_of_day_still_ahead_is_tomorrows_only_late_in_the_evening(now, told, taken):
    assert read(told, now, FUTURE) == taken


def test_an_iso_time_is_taken_as_written():
    assert read("2026-12-05T23:50", "2026-12-05T00:05", PAST) == "2026-12-05T23:50"


def _env(moment: str) -> dict[str, str]:
    return {"RUNBOOK_NOW": moment, "RUNBOOK_USER": "ingrid"}


def test_at_five_past_midnight_a_check_in_told_for_23_50_is_recorded_for_friday(cli, tmp_path):
    runbook = minimal_runbook(tmp_path)
    result = cli("start", "freeze", "--at", "23:50", "-f", runbook, env=_env("2026-12-05T00:05"))
    assert result.exit_code == 0, result.stderr
    assert "started freeze — Change freeze in force · Fri 23:50 by ingrid" in result.stdout
    assert "read as yesterday's, Fri 04 Dec 23:50" in result.stderr
    log = cli("log", "--json", "-f", runbook, env=_env("2026-12-05T00:05"))
    [event] = [e for e in json.loads(log.stdout) if e["kind"] == "start"]
    assert event["at"] == "2026-12-04T23:50:00+01:00"
    assert event["recorded"] == "2026-12-05T00:05:00+01:00"


def test_in_the_daytime_a_time_later_than_the_clock_is_still_refused_as_future(cli, tmp_path):
    runbook = minimal_runbook(tmp_path)
    result = cli("start", "freeze", "--at", "14:30", "-f", runbook, env=_env("2026-12-05T14:00"))
    assert result.exit_code == 1
    assert "Sat 05 Dec 14:30 is in the future" in result.stderr
    assert "for yesterday's, give the date: 2026-12-04T14:30" in result.stderr
    log = cli("log", "--json", "-f", runbook, env=_env("2026-12-05T14:00"))
    assert json.loads(log.stdout or "[]") == []


def test_past_the_window_the_refusal_says_how_to_give_yesterdays_time(cli, tmp_path):
    runbook = minimal_runbook(tmp_path)
    result = cli("start", "freeze", "--at", "23:50", "-f", runbook, env=_env("2026-12-05T06:30"))
    assert result.exit_code == 1
    assert "Sat 05 Dec 23:50 is in the future" in result.stderr
    assert "for yesterday's, give the date: 2026-12-04T23:50" in result.stderr
    again = cli(
        "start", "freeze", "--at", "2026-12-04T23:50", "-f", runbook, env=_env("2026-12-05T06:30")
    )
    assert again.exit_code == 0, again.stderr
    assert "Fri 23:50" in again.stdout


def test_late_in_the_evening_an_eta_after_midnight_is_tomorrows(cli, tmp_path):
    runbook = minimal_runbook(tmp_path)
    assert cli("start", "freeze", "-f", runbook, env=_env("2026-12-04T18:00")).exit_code == 0
    result = cli("eta", "freeze", "00:30", "-f", runbook, env=_env("2026-12-04T23:30"))
    assert result.exit_code == 0, result.stderr
    assert "expected to finish Sat 00:30" in result.stdout


async def test_the_dashboards_when_field_reads_a_time_told_at_night_the_same_way(tmp_path):
    runbook = minimal_runbook(tmp_path)
    clock = FakeClock("2026-12-05T00:05+01:00")
    weekend = Weekend.open(runbook, clock=clock, create=True)
    app = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    toasts: list[str] = []
    real_notify = app.notify

    def notify(message: str, **options: object) -> None:
        toasts.append(message)
        real_notify(message, **options)  # type: ignore[arg-type]

    app.notify = notify  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            table = app.query_one(TaskTable)
            await until(pilot, lambda: table.select("freeze"))
            await pilot.press("s")
            assert isinstance(app.screen, ConfirmScreen)
            app.screen.query_one("#when", Input).value = "23:50"
            await pilot.press("enter")
            await until(
                pilot, lambda: app.snap is not None and app.snap.by_id("freeze").status == "running"
            )
            started = [e for e in weekend.events() if e.kind == "start"]
            assert [datetime.fromtimestamp(e.at, AMSTERDAM).isoformat()[:16] for e in started] == [
                "2026-12-04T23:50"
            ]
            assert "started freeze at Fri 23:50" in toasts
    finally:
        weekend.close()
