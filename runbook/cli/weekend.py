"""Opening a weekend from command-line options, with the clock they ask for."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path

from runbook.cli import output
from runbook.cli.options import runbook_file, state_file
from runbook.format.durations import PAST, Side
from runbook.planning.plan import Plan
from runbook.usecases import Weekend, read_moment, system_clock


def open_weekend(
    file: Path | None,
    state: str | Path | None,
    *,
    now: str | None = None,
    create: bool = False,
    argument: Path | None = None,
    compiled: Plan | None = None,
    writing: bool = False,
) -> Weekend:
    """Open the runbook and its state; ``now`` (or ``$RUNBOOK_NOW``) fixes the clock;
    ``compiled`` is the runbook's plan when the caller has just computed it; ``writing``:
    the command records next (``Weekend.open``)."""
    path = runbook_file(argument, file)
    at = pretend_at(now)
    # A command that does not record opens the state file so that nothing is written to it.
    return Weekend.open(
        path,
        state_file(state, path),
        create=create,
        read_only=not create,
        compiled=compiled,
        at=at,
        writing=writing,
    )


def replaying(now: str | None) -> bool:
    """Whether ``--now`` (or ``$RUNBOOK_NOW``) fixes the clock: the weekend is replayed as it
    was at that moment."""
    return bool(now or os.environ.get("RUNBOOK_NOW"))


def pretend_at(now: str | None) -> Callable[[Plan], datetime] | None:
    """The moment ``--now`` (or ``$RUNBOOK_NOW``) sets the clock to, once the plan's time
    zone is known; None for the real clock."""
    if not replaying(now):
        return None
    pretend = now or os.environ["RUNBOOK_NOW"]
    # The clock is set before anything is written: a plan cached while opening is stamped
    # with the weekend's clock, like every event recorded under --now.
    return lambda plan: _read_time(pretend, plan.zone, system_clock(), "--now")


def moment(text: str, weekend: Weekend, *, option: str) -> datetime:
    """A time given on the command line, read in the runbook's time zone."""
    # "10:05" is today: today by the weekend's clock (which --now may have moved); --at tells
    # what already happened, so at 00:05 its "23:50" is yesterday's.
    reference = system_clock() if option == "--now" else weekend.clock()
    side: Side | None = PAST if option == "--at" else None  # --at: what already happened
    return _read_time(text, weekend.plan.zone, reference, option, side=side)


def _read_time(
    text: str, zone: tzinfo, reference: datetime, option: str, *, side: Side | None = None
) -> datetime:
    """``text`` read as a moment in ``zone`` ("10:05" is on ``reference``'s day)."""
    notes: list[str] = []
    moment = read_moment(text, zone, reference, what=option, notes=notes, side=side)
    for note in notes:
        output.warning(f"{option} {note}")
    return moment


def show_notices(weekend: Weekend) -> None:
    """Say plainly what the user must know (a changed or broken runbook)."""
    for notice in weekend.notices:
        output.warning(notice)


def pretend_now(now: str | None, zone: tzinfo) -> int:
    """Epoch seconds of ``--now`` / ``$RUNBOOK_NOW`` (read in ``zone``, the runbook's), or
    the clock — for commands that do not open a weekend."""
    text = now or os.environ.get("RUNBOOK_NOW")
    current = system_clock()
    if not text:
        return int(current.timestamp())
    return int(read_moment(text, zone, current, what="--now").timestamp())
