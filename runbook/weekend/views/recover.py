"""The recovery options both faces show (`runbook recover`, the dashboard's R), as lines of
plain words with a tone (``views.lines``); the faces only colour them. Task titles are user
text: a face shows every line through ``shown()``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from runbook.format.durations import clock, format_duration
from runbook.planning.plan import Plan
from runbook.weekend.recover import Option, Recovery
from runbook.weekend.views.lines import BAD, HEADING, HINT, QUIET, Line
from runbook.weekend.views.verdict import deadline_words


def recovery_lines(recovery: Recovery, plan: Plan) -> list[Line]:
    """What the coordinator reads before deciding what to drop."""
    zone = plan.zone
    deadline = recovery.deadline
    dated = plan.needs_dates(max(recovery.forecast_finish, deadline or 0))

    def at(seconds: int) -> str:
        return clock(seconds, zone, with_date=dated)

    if deadline is None:
        return [Line.of("This runbook has no deadline: there is nothing to recover against.")]
    lines: list[Line] = []
    finish = f"forecast finish {at(recovery.forecast_finish)}, deadline {at(deadline)}"
    words = deadline_words(deadline - recovery.forecast_finish)
    in_time = "" if recovery.behind else "In time: "
    lines.append(Line.of(f"{in_time}{words.text} ({finish})", words.tone))
    for gate in recovery.late_gates:
        text = (
            f"gate {gate.gate} is forecast at {at(gate.forecast)}, "
            f"{format_duration(gate.late)} after its point of no return {at(gate.point)}"
        )
        if gate.passed:
            text += " (already behind us: dropping work cannot bring it back)"
        lines.append(Line.of(text, BAD))
    if not recovery.needed:
        lines.append(Line.of("Nothing to drop: the weekend lands in time.", QUIET))
        _optional_left(lines, recovery, plan)
        return lines
    lines.append(Line())
    if recovery.enough:
        size = len(recovery.options[0].tasks)
        noun = "1 task" if size == 1 else f"{size} tasks"
        lines.append(Line.of(f"Drop one of these ({noun} each, smallest sets first):", HEADING))
        for number, option in enumerate(recovery.options, 1):
            lines.append(Line.of(f"{number}. {_option(option, plan, at, deadline)}"))
            lines.append(Line.of(f"   runbook drop {' '.join(option.tasks)} --reason ...", HINT))
        if recovery.more_options:
            lines.append(Line.of(f"   … and {recovery.more_options} more of the same size", QUIET))
    elif not recovery.candidates:
        lines.append(
            Line.of("No optional work is left to drop (no should or nice task ahead).", BAD)
        )
    else:
        best = recovery.best
        assert best is not None
        lines.append(
            Line.of(
                "Even dropping every optional task not started is not enough: "
                + _option(best, plan, at, deadline),
                BAD,
            )
        )
    if not recovery.enough:
        holding = listed(recovery.holding) or "none"
        lines.append(Line.of(f"What holds the finish (critical tasks ahead): {holding}", BAD))
    if recovery.no_gain:
        lines.append(
            Line.of(
                "Dropping these alone gains nothing (not on the remaining critical path): "
                + listed(recovery.no_gain),
                QUIET,
            )
        )
    if recovery.cut_short:
        untried = recovery.untried
        what = (
            f"{untried} optional {'task was' if untried == 1 else 'tasks were'} not tried "
            "alone (the least promising: off the remaining critical path, or shorter), and "
            "larger sets not all"
            if untried
            else "larger sets were not all tried"
        )
        lines.append(
            Line.of(f"The search stopped after {recovery.evaluated} forecasts: {what}.", QUIET)
        )
    return lines


def _option(option: Option, plan: Plan, at: Callable[[int], str], deadline: int) -> str:
    """``drop n (nice: Nice title) — gains 40m, finish Fri 16:50, 10m to spare``."""
    names = ", ".join(
        f"{task} ({plan.tasks[plan.index[task]].priority}: {plan.tasks[plan.index[task]].title})"
        for task in option.tasks
    )
    spare = deadline - option.forecast_finish
    where = (
        deadline_words(spare).text  # ``10m to spare``
        if spare >= 0
        else f"still {format_duration(-spare)} past the deadline"
    )
    gates = "" if option.gates_in_time else "; a gate still past its point of no return"
    return (
        f"drop {names} — gains {format_duration(option.gain)}, finish "
        f"{at(option.forecast_finish)}, {where}{gates}"
    )


def _optional_left(lines: list[Line], recovery: Recovery, plan: Plan) -> None:
    """How much optional work is still ahead, for when it is needed later."""
    if recovery.candidates:
        total = sum(plan.tasks[plan.index[c]].duration for c in recovery.candidates)
        lines.append(
            Line.of(
                f"Optional work not started: {len(recovery.candidates)} tasks, "
                f"{format_duration(total)} ({listed(recovery.candidates)})",
                QUIET,
            )
        )


def listed(ids: Sequence[str], limit: int = 8) -> str:
    """``a, b, c`` (and ``… and 4 more`` past ``limit``)."""
    more = f", … and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more
