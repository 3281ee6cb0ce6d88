"""`runbook status --format html`: the status page written once, or rewritten every interval
while the log is followed, until interrupted."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from runbook.cli import output
from runbook.common.errors import UsageError
from runbook.format.durations import DurationError, format_duration, parse_duration
from runbook.usecases import Weekend

if TYPE_CHECKING:
    from runbook.usecases.live import Live

REFRESH = 60  # seconds between the page's own reloads when it is written once (cron)
SHORTEST = 5  # the shortest --every: a page rewritten faster helps no one


def read_every(text: str | None) -> int | None:
    """``--every 30s`` in seconds (None when not given), or a usage error."""
    if text is None:
        return None
    try:
        seconds = parse_duration(text)
    except DurationError as exc:
        raise UsageError(f"--every: {exc}", hint="a duration such as 30s, 1m or 5m") from None
    if seconds < SHORTEST:
        raise UsageError(f"--every: at least {format_duration(SHORTEST)} between rewrites")
    return seconds


def page_text(live: Live, refresh: int) -> str:
    """The page at the clock's moment, from the log as followed so far."""
    from runbook.reports.render.html import status_html
    from runbook.reports.status_page import status_page

    return status_html(status_page(live.snapshot(), live.recent, refresh=refresh))


def write_pages(weekend: Weekend, out: Path | None, every: int | None) -> None:
    """Write the page (to ``out``, atomically, or to stdout); with ``every``, again after each
    interval with what was recorded meanwhile, until Ctrl+C (which ends it cleanly)."""
    from runbook.reports.outfile import write_atomically
    from runbook.usecases.live import Live

    live = Live(weekend)
    refresh = every or REFRESH
    if out is None:
        output.echo(page_text(live, refresh).rstrip("\n"))
        return
    write_atomically(out, page_text(live, refresh))
    if every is None:
        output.info(f"written to {out}")
        return
    output.info(f"written to {out}; rewritten every {format_duration(every)} (Ctrl+C stops)")
    try:
        while True:
            time.sleep(every)
            live.refresh()
            write_atomically(out, page_text(live, refresh))
    except KeyboardInterrupt:
        output.info(f"stopped; {out} stays as last written")
