"""The verdict every face leads with: the headline's state, in one order of precedence, and
ahead or behind after it.

The headline is the first line of every face (``runbook status``, the dashboard's header, the
status page, ``status --json``'s ``verdict``). Its state is the first of ``PRECEDENCE`` that
holds: the weekend CLOSED, then an open NO-GO (until a later GO: the gate, the rollback and
the time it must start by); otherwise the pace, AHEAD, BEHIND or ON PLAN, against the
baseline. The pace is always said, after a state that leads. When the forecast finish is held
by a ``not_before`` (Monday's fixed 00:00 tasks), the pace alone hides how the work runs: the
headline says so and gives the gain on the next gate or milestone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from enum import StrEnum

from runbook.format.durations import clock, format_duration
from runbook.weekend.events import FINISHED, NOT_STARTED, Event
from runbook.weekend.forecast import Snapshot
from runbook.weekend.taskstate import UNRECORDED
from runbook.weekend.views.decisions import OpenNoGo, open_no_gos
from runbook.weekend.views.lines import BAD, GOOD, Span


class Headline(StrEnum):
    """What the first line of every face says the weekend is."""

    CLOSED = "CLOSED"
    ROLLING_BACK = "ROLLING BACK"
    NO_GO = "NO-GO"
    AHEAD = "AHEAD"
    BEHIND = "BEHIND"
    ON_PLAN = "ON PLAN"


@dataclass(frozen=True, slots=True)
class HeldFinish:
    """The forecast finish held by a ``not_before``, not by the work: its time, whose it is,
    and how the next gate or milestone runs against its planned time."""

    by: int  # the not_before (or the time a pull moved it to) that holds the finish
    task: str  # the task it holds back
    mark: str | None  # the next gate or milestone not finished; None when none is left
    mark_ahead: int | None  # seconds it is forecast before its planned start (negative: after)


@dataclass(frozen=True, slots=True)
class RollingBackVerdict:
    """A rollback in force, as the headline says it: the gate, when it started, when it is
    forecast to end (its own critical path), the point of no return it was meant to keep,
    and whether every rollback task is finished."""

    gate: str
    started: int
    ends: int
    point: int | None  # the gate's point of no return (deadline - rollback)
    finished: bool


def rolling_back(snap: Snapshot) -> RollingBackVerdict | None:
    """The rollback in force at the snapshot, or None."""
    rolling = snap.plan.rolling_back
    if rolling is None:
        return None
    from runbook.weekend.gates import point_of_no_return

    status = snap.figures.status[rolling.forward :]
    return RollingBackVerdict(
        rolling.gate,
        rolling.start,
        snap.forecast_finish,
        point_of_no_return(snap.plan, rolling.gate),
        all(s in FINISHED for s in status),
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    """The headline and the figures behind it: ahead of the baseline, behind it or on plan
    (the pace), the finish against the deadline, and the states that lead over the pace."""

    word: str  # the pace: AHEAD | BEHIND | ON PLAN
    amount: str  # ``35m``; "" on plan
    ahead: int  # seconds ahead of the baseline (negative: behind)
    forecast_finish: int  # the finish: the forecast one, or the close once closed
    baseline_finish: int
    deadline: int | None
    spare: int | None  # seconds before the deadline (negative: past it); None without one
    closed: Event | None = None  # the close in force (`runbook close`)
    no_go: OpenNoGo | None = None  # the open NO-GO whose rollback must start first
    more_no_gos: int = 0  # other open NO-GOs
    held: HeldFinish | None = None
    now: int = 0  # the moment it holds at (the close, once closed)
    rolling: RollingBackVerdict | None = None  # the rollback in force

    @property
    def headline(self) -> Headline:
        """The state the first line of every face says: the first of ``PRECEDENCE`` that
        holds, else the pace."""
        for state, holds in PRECEDENCE:
            if holds(self):
                return state
        return Headline(self.word)

    @property
    def pace(self) -> str:
        """``AHEAD 35m``, ``BEHIND 1h10m`` or ``ON PLAN``."""
        return f"{self.word} {self.amount}".strip()


# The headline's states that lead over the pace, strongest first: the first that holds is the
# headline. A new state slots in at its place (ROLLING BACK: between CLOSED and NO-GO).
PRECEDENCE: tuple[tuple[Headline, Callable[[Verdict], bool]], ...] = (
    (Headline.CLOSED, lambda v: v.closed is not None),
    (Headline.ROLLING_BACK, lambda v: v.rolling is not None),
    (Headline.NO_GO, lambda v: v.no_go is not None),
)


def verdict(snap: Snapshot) -> Verdict:
    """The verdict at the snapshot's moment (once closed, the finish is the close: the
    weekend ended then, and whatever ran on is aftercare)."""
    closed = snap.closed
    finish = snap.forecast_finish if closed is None else closed.at
    ahead = snap.baseline_finish - finish
    word, amount = describe_ahead(ahead)
    deadline = snap.plan.deadline
    no_gos = open_no_gos(snap)
    return Verdict(
        word,
        amount,
        ahead,
        finish,
        snap.baseline_finish,
        deadline,
        None if deadline is None else deadline - finish,
        closed=closed,
        no_go=no_gos[0] if no_gos else None,
        more_no_gos=max(0, len(no_gos) - 1),
        held=held_finish(snap) if snap.plan.rolling_back is None else None,
        now=snap.now,
        rolling=rolling_back(snap),
    )


def held_finish(snap: Snapshot) -> HeldFinish | None:
    """The ``not_before`` that holds the forecast finish, when one does: the remaining
    critical path starts with a task not started whose start is its ``not_before`` (or the
    time it was pulled to), later than now. None while work drives the finish, or once
    closed."""
    path, plan, figures = snap.critical_path, snap.plan, snap.figures
    if snap.closed is not None or not path:
        return None
    first = path[0]
    if figures.status[first] not in NOT_STARTED:
        return None
    task = plan.column("id")[first]
    held = snap.records.get(task, UNRECORDED).not_before_in_force(plan.column("not_before")[first])
    if held is None or figures.start[first] != held or held <= max(snap.now, plan.start):
        return None
    mark, gain = next_mark(snap)
    return HeldFinish(held, task, mark, gain)


def next_mark(snap: Snapshot) -> tuple[str | None, int | None]:
    """The next gate or milestone not finished (the soonest forecast start) and the seconds
    it is forecast before its planned start (negative: after); None for a runbook with none
    left (or one new since the baseline: nothing to measure it against)."""
    plan, figures = snap.plan, snap.figures
    ids, milestone = plan.column("id"), plan.column("milestone")
    marks = {plan.index[g] for g in plan.gates} | {i for i, m in enumerate(milestone) if m}
    open_marks = [
        i
        for i in marks
        if figures.status[i] not in FINISHED and figures.planned_start[i] is not None
    ]
    if not open_marks:
        return None, None
    first = min(open_marks, key=lambda i: (figures.start[i], i))
    planned = figures.planned_start[first]
    assert planned is not None
    return ids[first], planned - figures.start[first]


@dataclass(frozen=True, slots=True)
class Lead:
    """The headline in words, the same on every face: its state as a badge, what it says
    next, and the pace (said after a state that leads)."""

    state: Headline
    badge: str  # ``NO-GO``, ``CLOSED``, ``AHEAD 35m``, ``ON PLAN``
    detail: str  # plain words after the badge ("" when the badge says it all); may hold a
    # name recorded by a person (who closed): a face shows it as text, never as markup
    pace: str  # ``ON PLAN``, ``BEHIND 1h``: the badge itself when the pace leads
    # ``finish held by Sun 08:00; gonogo-2 1h20m behind`` whenever a not_before holds the
    # finish: the detail when the pace leads, said with the pace after a state that leads
    held: str = ""

    @property
    def leads_over_pace(self) -> bool:
        """Whether a state other than ahead/behind leads (the pace then follows it)."""
        return self.state not in (Headline.AHEAD, Headline.BEHIND, Headline.ON_PLAN)

    @property
    def line(self) -> str:
        """The headline as one line of plain text."""
        return f"{self.badge} {self.detail}".strip()


def lead(v: Verdict, zone: tzinfo) -> Lead:
    """The headline of ``v`` in words, times in ``zone``."""
    state = v.headline
    held = held_words(v.held, zone) if v.held else ""
    if state == Headline.CLOSED and v.closed is not None:
        detail = f"{clock(v.closed.at, zone)} · {finish_words(v, zone)} · by {v.closed.actor}"
        return Lead(state, state.value, detail, v.pace)
    if state == Headline.ROLLING_BACK and v.rolling is not None:
        return Lead(state, state.value, rolling_words(v, zone), v.pace)
    if state == Headline.NO_GO and v.no_go is not None:
        words = no_go_words(v.no_go, v.now, zone, v.more_no_gos)
        return Lead(state, state.value, words, v.pace, held)
    return Lead(state, v.pace, held, v.pace, held)


def deadline_words(spare: int, *, short: bool = False) -> Span:
    """How the forecast finish stands to the deadline (``spare``: seconds before it,
    negative: past it), as every face says it: ``4h to spare`` (good news) or ``2h PAST THE
    DEADLINE`` (bad); ``short`` where room is short (the dashboard's header): ``4h spare``,
    ``2h PAST IT``."""
    if spare >= 0:
        return Span(f"{format_duration(spare)} {'spare' if short else 'to spare'}", GOOD)
    return Span(f"{format_duration(-spare)} PAST {'IT' if short else 'THE DEADLINE'}", BAD)


def to_deadline(spare: int, *, short: bool = False) -> Span:
    """``(4h to spare)``, ``(2h PAST THE DEADLINE)``: ``deadline_words`` in brackets, as
    they follow the deadline or the finish on a line."""
    words = deadline_words(spare, short=short)
    return Span(f"({words.text})", words.tone)


def finish_words(v: Verdict, zone: tzinfo) -> str:
    """``3h before the deadline Mon 06:00`` (``1h after``, ``on the deadline``); without a
    deadline, against the baseline (``1h behind the baseline Mon 02:00``)."""
    if v.deadline is not None and v.spare is not None:
        if abs(v.spare) < 60:
            return f"on the deadline {clock(v.deadline, zone)}"
        side = "before" if v.spare > 0 else "after"
        return f"{format_duration(abs(v.spare))} {side} the deadline {clock(v.deadline, zone)}"
    if v.word == Headline.ON_PLAN:
        return f"as the baseline planned ({clock(v.baseline_finish, zone)})"
    return f"{v.amount} {v.word.lower()} the baseline {clock(v.baseline_finish, zone)}"


def rolling_words(v: Verdict, zone: tzinfo) -> str:
    """``gonogo-2 · ends Sun 04:10 · 1h50m before the deadline Mon 06:00`` (``ended`` once
    every rollback task is finished), and, when it started past its point of no return,
    by how much."""
    r = v.rolling
    assert r is not None
    words = f"{r.gate} · {'ended' if r.finished else 'ends'} {clock(r.ends, zone)}"
    if v.deadline is not None and v.spare is not None:
        words += f" · {finish_words(v, zone)}"
    if r.point is not None and r.started > r.point:
        words += f" · started {format_duration(r.started - r.point)} after its point of no return"
    return words


def no_go_words(nogo: OpenNoGo, now: int, zone: tzinfo, more: int = 0) -> str:
    """``gonogo-2 · roll back by Sun 20:00 (in 1d6h55m) · takes 10h``: the gate, when its
    rollback must start at the latest, and how long it takes."""
    words = nogo.gate
    if nogo.start_by is not None:
        left = nogo.start_by - now
        when = (
            f"in {format_duration(left)}"
            if left >= 0
            else f"{format_duration(-left)} ago: the deadline cannot be kept"
        )
        words += f" · roll back by {clock(nogo.start_by, zone)} ({when})"
    else:
        words += " · roll back now"
    if nogo.rollback is not None:
        words += f" · takes {format_duration(nogo.rollback)}"
    elif nogo.start_by is None:
        words += " (the runbook gives no rollback time)"
    if more:
        words += f" · {more} more NO-GO"
    return words


def held_words(held: HeldFinish, zone: tzinfo) -> str:
    """``finish held by Mon 00:00; gonogo-2 2h30m ahead``."""
    words = f"finish held by {clock(held.by, zone)}"
    if held.mark is None or held.mark_ahead is None:
        return words + f" ({held.task})"
    word, amount = describe_ahead(held.mark_ahead)
    pace = "on plan" if not amount else f"{amount} {word.lower()}"
    return f"{words}; {held.mark} {pace}"


def describe_ahead(seconds: int) -> tuple[str, str]:
    """``("AHEAD", "35m")``, ``("BEHIND", "1h10m")`` or ``("ON PLAN", "")``."""
    if abs(seconds) < 60:
        return "ON PLAN", ""
    return ("AHEAD" if seconds > 0 else "BEHIND"), format_duration(abs(seconds))
