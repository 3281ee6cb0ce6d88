"""Durations as people write them and as the screens print them."""

from __future__ import annotations

import pytest

from runbook.format.durations import (
    DurationError,
    TimeError,
    clock,
    format_duration,
    format_variance,
    get_zone,
    iso,
    parse_datetime,
    parse_duration,
    t_plus,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90m", 5400),
        ("1h30m", 5400),
        ("2h", 7200),
        ("45s", 45),
        ("1d", 86400),
        ("PT1H30M", 5400),
        ("P1DT2H", 93600),
        ("1.5h", 5400),
        ("90", 5400),
        (90, 5400),
        (0, 0),
        ("0m", 0),
        (" 2 hours ", 7200),
    ],
)
def test_every_documented_form_is_read(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5m", "negative duration '-5m' is not allowed"),
        (-5, "negative duration '-5' is not allowed"),
        ("ten minutes", "'ten minutes' is not a duration"),
        ("P1M", "years or months, which have no fixed length"),
        (True, "True is not a duration"),
        ("", "'' is not a duration"),
    ],
)
def test_a_bad_duration_is_quoted_in_the_message(text, message):
    with pytest.raises(DurationError, match=message.replace("(", r"\(")):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0m"),
        (45, "45s"),
        (5400, "1h30m"),
        (3600 + 29, "1h"),  # seconds are noise past an hour
        (-900, "-15m"),
        (12 * 86400 + 18 * 3600 + 46 * 60, "12d18h46m"),
    ],
)
def test_durations_print_compactly(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (12 * 86400 + 18 * 3600 + 46 * 60, "12d19h"),  # a narrow column: rounded to hours
        (86400 + 20 * 60, "1d"),
        (86400 - 20, "1d"),
        (5 * 3600 + 59 * 60, "5h59m"),  # under a day nothing is lost
        (-2 * 86400 - 3600, "-2d1h"),
    ],
)
def test_narrow_durations_fit_a_table_cell(seconds, text):
    assert format_duration(seconds, narrow=True) == text


def test_t_plus_counts_from_the_planned_start_in_both_directions():
    assert t_plus(3600 * 28 + 300, 0) == "T+28:05"
    assert t_plus(0, 9000) == "T-02:30"
    assert t_plus(65, 0, seconds=True) == "T+00:01:05"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, ""),
        (30, ""),
        (-59, ""),
        (35 * 60, "+35m"),
        (-300, "-5m"),
        (-(12 * 86400 + 2760), "-12d1h"),
    ],
)
def test_a_start_variance_fits_a_table_cell(seconds, text):
    assert format_variance(seconds) == text


@pytest.mark.parametrize("value", ["30d1s", "99999999999d", "1e308", 1e308, "9" * 400, 10**400])
def test_a_duration_over_thirty_days_is_refused_whatever_its_size(value: object) -> None:
    with pytest.raises(DurationError):
        parse_duration(value)


def test_thirty_days_is_the_longest_duration_accepted() -> None:
    assert parse_duration("30d") == 30 * 86400
    assert parse_duration("PT720H") == 30 * 86400


@pytest.mark.parametrize(
    "text", ["0001-01-01", "1969-12-31T23:00", "2201-01-01", "9999-12-31T23:00"]
)
def test_a_time_outside_1970_to_2200_is_refused(text: str) -> None:
    with pytest.raises(TimeError, match="outside the years 1970-2200"):
        parse_datetime(text)


def test_an_offset_that_moves_a_time_out_of_bounds_is_refused() -> None:
    with pytest.raises(TimeError, match="outside the years"):
        parse_datetime("1970-01-01T00:30+01:00")


def test_showing_an_instant_far_out_of_bounds_does_not_crash() -> None:
    zone = get_zone("Europe/Amsterdam")
    assert iso(10**15, zone) is not None
    assert clock(-(10**15), zone)
