"""Durations as people write them and as the screens print them."""

from __future__ import annotations

import pytest

from runbook.durations import (
    DurationError,
    format_duration,
    format_variance,
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
