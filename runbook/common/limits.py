"""The bounds every value and every validation stays within, in one place.

A migration weekend lasts days, not centuries: a duration over 30 days or a time outside the
years 1970-2200 is a typo or an attack, and refusing it where it was written keeps every
later computation (epoch seconds, datetimes, the forecast, the screens) far from overflow.
"""

from __future__ import annotations

from datetime import UTC, datetime

MAX_DURATION = 30 * 86400  # seconds: the longest task, estimate or rollback accepted
MAX_DURATION_TEXT = "30 days"

FIRST_YEAR = 1970
LAST_YEAR = 2200
EARLIEST = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
LATEST = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)  # exclusive
EARLIEST_EPOCH = int(EARLIEST.timestamp())
LATEST_EPOCH = int(LATEST.timestamp())
YEARS_TEXT = f"{FIRST_YEAR}-{LAST_YEAR}"

# `--at` must lie near the weekend (a check-in told late, not a typo in the year):
# from a day before the planned start to a week after the deadline (or the planned finish).
# A rehearsal on another date has its own weekend (`runbook rehearse`: the plan moved).
AT_BEFORE_START = 86400
AT_AFTER_END = 7 * 86400

# The largest sequence number an event may have: the largest whole number every JSON reader
# keeps exact (2^53 - 1), far beyond any weekend's log, and far below the 2^63 - 1 at which
# SQLite and PostgreSQL can number no further event.
SEQ_LIMIT = 2**53 - 1

# The most tasks (and the most rollback tasks) a runbook may hold: five times the largest
# runbook the speed targets are measured on, and it keeps validating any file under the
# size cap within seconds.
MAX_TASKS = 50_000

# Past this many errors (or warnings), the rest are counted, not listed: locating and
# printing two million warnings costs more than anyone will ever read.
MAX_PROBLEMS = 1000


def year_in_bounds(year: int) -> bool:
    """Whether a (local) calendar year is one a runbook may name."""
    return FIRST_YEAR <= year <= LAST_YEAR


def epoch_in_bounds(seconds: float) -> bool:
    """Whether an instant (epoch seconds) lies within the years the product handles."""
    return EARLIEST_EPOCH <= seconds < LATEST_EPOCH


def clamp_epoch(seconds: float) -> float:
    """An instant pulled inside the bounds, for showing a damaged value without crashing."""
    return min(max(seconds, EARLIEST_EPOCH), LATEST_EPOCH - 1)
