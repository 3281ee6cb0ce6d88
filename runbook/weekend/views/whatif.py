"""The what-if both faces show: the changes, the verdict and the points of no return before
and after, and the tasks whose forecast moves; as data, and as lines with a tone that the
command line (`plan --what-if`) and the dashboard's dialog (W) render alike."""

from __future__ import annotations

from dataclasses import dataclass

from runbook.format.durations import clock, format_duration
from runbook.planning.plan import Plan
from runbook.weekend.events import FINISHED
from runbook.weekend.gates import PointOfNoReturn, points_of_no_return
from runbook.weekend.replan import WhatIf
from runbook.weekend.views.briefing import Verdict, verdict
from runbook.weekend.views.lines import AHEAD, BAD, CHANGE, GOOD, HEADING, LATER, QUIET, Line, Span
from runbook.weekend.views.verdict import to_deadline


@dataclass(frozen=True, slots=True)
class PointMoved:
    """A gate's point of no return, and when the gate is forecast now and with the changes."""

    gate: str
    point: int | None  # deadline - rollback; None without both
    before: int | None  # the gate's forecast time now
    after: int | None  # ... and with the changes

    @property
    def margin_after(self) -> int | None:
        """Seconds the gate would come before its point of no return (negative: after)."""
        return None if self.point is None or self.after is None else self.point - self.after


@dataclass(frozen=True, slots=True)
class TaskMoved:
    """A task whose forecast finish the changes move."""

    id: str
    before_start: int
    before_finish: int
    after_start: int
    after_finish: int
    critical: bool  # on the remaining critical path with the changes

    @property
    def shift(self) -> int:
        """Seconds its finish moves (negative: earlier)."""
        return self.after_finish - self.before_finish


@dataclass(frozen=True, slots=True)
class WhatIfView:
    """What the coordinator sees before deciding."""

    changes: tuple[str, ...]  # ``db-migrate eta Sat 16:00``: each change in a few words
    before: Verdict
    after: Verdict
    points: tuple[PointMoved, ...]  # every gate still to come, in planned order
    moved: tuple[TaskMoved, ...]  # in the order they would start, with the changes
    critical_path: tuple[str, ...]  # the remaining critical path with the changes


def what_if_view(what: WhatIf) -> WhatIfView:
    """The view of a what-if (``Weekend.what_if``)."""
    before, after = what.before, what.after
    plan = after.plan

    def gates(points: list[PointOfNoReturn]) -> dict[str, int | None]:
        return {p.gate: p.forecast for p in points}

    now_at = gates(points_of_no_return(plan, before))
    points = tuple(
        PointMoved(p.gate, p.point, now_at.get(p.gate), p.forecast)
        for p in points_of_no_return(plan, after)
        if after.by_id(p.gate).status not in FINISHED
    )
    on_path = set(after.critical_path)
    moved = [
        TaskMoved(
            a.id,
            b.forecast_start,
            b.forecast_finish,
            a.forecast_start,
            a.forecast_finish,
            a.index in on_path,
        )
        for b, a in zip(before.tasks, after.tasks, strict=True)
        if (a.forecast_start, a.forecast_finish) != (b.forecast_start, b.forecast_finish)
    ]
    moved.sort(key=lambda m: (m.after_start, m.after_finish, m.id))
    return WhatIfView(
        tuple(c.describe(plan) for c in what.changes),
        verdict(before),
        verdict(after),
        points,
        tuple(moved),
        tuple(plan.tasks[i].id for i in after.critical_path),
    )


# The tasks that move a face lists before ``… and N more`` (the command line; the dashboard's
# dialog scrolls through all of them).
MOVED_LIMIT = 15


def what_if_lines(
    view: WhatIfView, plan: Plan, *, compact: bool = False, limit: int | None = None
) -> list[Line]:
    """The what-if as both faces show it: the changes, the verdict now and with them, the
    points of no return, the tasks that move (the critical ones marked !, only the first
    ``limit`` when given) and the remaining critical path. ``compact``: a task that moves on
    one short line, its times with the changes only (the dashboard's dialog)."""
    zone = plan.zone
    dated = plan.needs_dates(max(view.before.forecast_finish, view.after.forecast_finish))

    def at(seconds: int) -> str:
        return clock(seconds, zone, with_date=dated)

    changes = Span("; ".join(view.changes), CHANGE)  # as typed: user text
    lines = [
        Line((Span("What if (nothing recorded): ", HEADING), changes)),
        _verdict_line("now", view.before, plan),
        _verdict_line("what if", view.after, plan),
    ]
    if view.points:
        lines += [Line(), Line.of("Points of no return (gate forecast now → what if)", HEADING)]
    for p in view.points:
        spans = [
            Span(f"  ◆ {p.gate}  "),
            Span("no point of no return" if p.point is None else f"must decide by {at(p.point)}"),
        ]
        if p.before is not None and p.after is not None:
            spans.append(Span(f" · gate ~{at(p.before)} → ~{at(p.after)}"))
        margin = p.margin_after
        if margin is not None and margin < 0:
            spans.append(Span(f" — {format_duration(-margin)} AFTER IT", BAD))
        lines.append(Line(tuple(spans)))
    moved = view.moved if limit is None else view.moved[:limit]
    lines += [Line(), Line.of(f"Tasks that move ({len(view.moved)})", HEADING)]
    if not view.moved:
        lines.append(Line.of("  none: the forecast stays as it is", QUIET))
    width = max((len(m.id) for m in moved), default=0)
    for m in moved:
        if compact:
            first = at(m.after_start)
            last = at(m.after_finish)
            times = f" ~{first}–{last[-5:] if last[:-5] == first[:-5] else last} "
            task = m.id
        else:
            times = (
                f"  ~{at(m.before_start)}–{at(m.before_finish)} → "
                f"~{at(m.after_start)}–{at(m.after_finish)}  "
            )
            task = m.id.ljust(width)
        sign = "+" if m.shift > 0 else "-"
        spans = [
            Span(f"  {'!' if m.critical else ' '} ", BAD),
            Span(task, HEADING),
            Span(times),
            Span(f"{sign}{format_duration(abs(m.shift))}", LATER if m.shift > 0 else GOOD),
        ]
        lines.append(Line(tuple(spans)))
    if len(moved) < len(view.moved):
        lines.append(Line.of(f"  … and {len(view.moved) - len(moved)} more", QUIET))
    lines += [
        Line(),
        Line(
            (
                Span("Remaining critical path, what if: ", HEADING),
                Span(" → ".join(view.critical_path) or "none", LATER),
            )
        ),
    ]
    return lines


# The tone of the pace: ahead is good news, behind bad, on plan plain.
PACE_TONE = {"AHEAD": AHEAD, "BEHIND": BAD}


def _verdict_line(label: str, v: Verdict, plan: Plan) -> Line:
    """``  now:     BEHIND 2h, finish Mon 04:00 (2h to spare)``."""
    spans = [
        Span(f"  {label + ':':<9}"),
        Span(f"{v.word}{' ' + v.amount if v.amount else ''}", PACE_TONE.get(v.word, HEADING)),
        Span(f", finish {clock(v.forecast_finish, plan.zone)}"),
    ]
    if v.spare is not None:
        spare = to_deadline(v.spare)
        spans.append(Span(f" {spare.text}", spare.tone))
    return Line(tuple(spans))
