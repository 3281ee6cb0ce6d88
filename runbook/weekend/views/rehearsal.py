"""What every face says on a rehearsal's state: REHEARSAL, and the moments that matter in both
clocks (the rehearsal's own, and the runbook's: "Sat 06:00 in the runbook")."""

from __future__ import annotations

from dataclasses import dataclass

from runbook.format.durations import clock, format_duration
from runbook.planning.plan import Plan
from runbook.planning.timeline import Scale
from runbook.weekend.gates import points_of_no_return
from runbook.weekend.rehearsal import REHEARSAL, both_times, in_runbook, runbook_time


@dataclass(frozen=True, slots=True)
class RehearsalBanner:
    """The line a face leads with on a rehearsal: the word, and now in both clocks."""

    word: str  # REHEARSAL
    now: str  # "Tue 24 Nov 14:05 (Fri 14:05 in the runbook)"
    runbook_now: str  # "Fri 14:05 in the runbook" (for a narrow face)

    @property
    def text(self) -> str:
        """``REHEARSAL · now Tue 24 Nov 14:05 (Fri 14:05 in the runbook)``."""
        return f"{self.word} · now {self.now}"


def banner(plan: Plan, now: int) -> RehearsalBanner | None:
    """The banner of a rehearsal's face at ``now``; None for the weekend itself."""
    if not plan.offset:
        return None
    return RehearsalBanner(REHEARSAL, both_times(plan, now), runbook_time(plan, now))


def offset_words(offset: int) -> str:
    """``10d earlier than the runbook`` / ``3d later than the runbook``."""
    return f"{format_duration(abs(offset))} {'earlier' if offset < 0 else 'later'} than the runbook"


def begun_lines(plan: Plan) -> list[str]:
    """What ``runbook rehearse`` says: the rehearsal's start, deadline and points of no
    return in both clocks, and how its clock relates to the runbook's."""
    lines = [
        f"{REHEARSAL} of {plan.name}",
        f"  start     {both_times(plan, plan.start)}",
    ]
    if plan.deadline is not None:
        lines.append(f"  deadline  {both_times(plan, plan.deadline)}")
    for p in points_of_no_return(plan):
        if p.point is not None:
            lines.append(f"  point of no return ({p.gate})  {both_times(plan, p.point)}")
    lines.append(
        f"  its clock is {offset_words(plan.offset)}'s: every not_before, the deadline and "
        "the points of no return move with it; check in as on the weekend, no --force"
    )
    return lines


def in_runbook_aside(plan: Plan, moment: int) -> str:
    """`` (Mon 06:00 in the runbook)`` after a rehearsal's moment; nothing on the weekend."""
    return f" ({runbook_time(plan, moment)})" if plan.offset else ""


def report_note(plan: Plan) -> str | None:
    """What a report on a rehearsal's state says under its title: ``REHEARSAL on its own
    date: it started Tue 24 Nov 06:00 (Fri 06:00 in the runbook); every time here is the
    rehearsal's, 10d earlier than the runbook.``; None on the weekend itself."""
    if not plan.offset:
        return None
    return (
        f"{REHEARSAL} on its own date: it started {both_times(plan, plan.start)}; every time "
        f"here is the rehearsal's, {offset_words(plan.offset)}."
    )


def runbook_clock(plan: Plan, moment: int, *, with_date: bool = False) -> str | None:
    """A rehearsal's moment as the runbook has it, for a column or a line of its own
    (``Fri 06:05``: the column says whose time it is); None on the weekend itself."""
    if not plan.offset:
        return None
    return clock(in_runbook(plan, moment), plan.zone, with_date=with_date)


def occasion(plan: Plan) -> str:
    """What a state holds, in a sentence: ``rehearsal`` or ``weekend``."""
    return "rehearsal" if plan.offset else "weekend"


def runbook_time_or_none(plan: Plan, moment: int | None) -> str | None:
    """``Mon 06:00 in the runbook`` for a rehearsal's moment; None on the weekend itself (or
    without a moment)."""
    if not plan.offset or moment is None:
        return None
    return runbook_time(plan, moment)


def marked(plan: Plan, title: str) -> str:
    """``[REHEARSAL] title`` on a rehearsal's state (a message, a calendar and its entries:
    nobody takes them for the weekend's); the title as it is on the weekend itself."""
    return f"[{REHEARSAL}] {title}" if plan.offset else title


def runbook_line(plan: Plan, moment: int) -> str | None:
    """``REHEARSAL: Fri 04 Dec 06:00 in the runbook``: where a rehearsal's moment lies in the
    runbook, for a calendar entry's description; None on the weekend itself."""
    if not plan.offset:
        return None
    return f"{REHEARSAL}: {runbook_time(plan, moment, with_date=True)}"


def runbook_scale(plan: Plan, scale: Scale) -> Scale | None:
    """A rehearsal's chart laid out in the runbook's clock: the same cells, the moments the
    runbook gives them (an axis of the runbook's days beside the rehearsal's); None on the
    weekend itself."""
    if not plan.offset:
        return None
    return Scale(in_runbook(plan, scale.start), in_runbook(plan, scale.end), scale.width)
