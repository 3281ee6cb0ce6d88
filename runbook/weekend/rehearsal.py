"""A dress rehearsal on its own date: the runbook's clock moved by an offset (``Plan.shifted``),
when a state may begin one, and a moment in both clocks, in words.

A rehearsal's state records the offset (``runbook rehearse --start TIME``); every plan read on
it is the runbook's moved by that offset, so the check-in rules, the forecast, the deadline
and the points of no return hold on the rehearsal's own date, and nothing needs ``--force``.
"""

from __future__ import annotations

from collections.abc import Iterable

from runbook.common.errors import Refused
from runbook.format.durations import clock as show_time
from runbook.planning.plan import Plan
from runbook.weekend.events import Event, EventKind

# What a state may hold before a rehearsal begins on it: none of it depends on the clock
# (the baseline names the runbook's version; a sign-off or a ticked readiness item holds).
BEFORE_BEGINNING = frozenset({EventKind.BASELINE, EventKind.SIGNOFF, EventKind.CHECK})

REHEARSAL = "REHEARSAL"  # the word every face leads with on a rehearsal's state


def begin_refusal(
    plan: Plan, events: Iterable[Event], offset: int, *, zone_start: int
) -> Refused | None:
    """Why a rehearsal with clock ``offset`` may not begin on a state whose plan is ``plan``
    (on the state's present date) and whose log is ``events``, or None. The same rehearsal
    again is fine; a rehearsal on the runbook's own date is the weekend itself; a state
    with check-ins keeps the date they were made on (a rehearsal begins on a state of its
    own). ``zone_start`` is the runbook's own start, for the words."""
    if offset == 0:
        return Refused(
            f"--start {show_time(zone_start, plan.zone, with_date=True)} is the runbook's own "
            "start: that is the weekend itself, not a rehearsal on another date",
            hint="give the rehearsal's own start, or check in without `runbook rehearse`",
            forceable=False,
        )
    if offset == plan.offset:
        return None
    made = [e for e in events if e.kind not in BEFORE_BEGINNING]
    if made:
        what = (
            f"a rehearsal starting {show_time(plan.start, plan.zone, with_date=True)}"
            if plan.offset
            else "the weekend itself"
        )
        return Refused(
            f"this state already holds {len(made)} event{'s' if len(made) != 1 else ''} of "
            f"{what}; a rehearsal begins on a state of its own, its date kept once "
            "anything is recorded",
            hint="give the rehearsal a new state: --state rehearsal.db (or a new database)",
            forceable=False,
        )
    return None


def in_runbook(plan: Plan, moment: int) -> int:
    """A moment of a rehearsal as the runbook has it (the same moment of a weekend)."""
    return moment - plan.offset


def runbook_time(plan: Plan, moment: int, *, with_date: bool = False) -> str:
    """``Sat 06:00 in the runbook``: a rehearsal's moment as the runbook has it."""
    return f"{show_time(in_runbook(plan, moment), plan.zone, with_date=with_date)} in the runbook"


def both_times(plan: Plan, moment: int, *, with_date: bool = False) -> str:
    """A moment for people: ``Sat 06:00``, or in a rehearsal ``Tue 24 Nov 06:00 (Sat 06:00
    in the runbook)``, the rehearsal's own date given, as it lies in another week."""
    own = show_time(moment, plan.zone, with_date=with_date or plan.offset != 0)
    if not plan.offset:
        return own
    return f"{own} ({runbook_time(plan, moment)})"
