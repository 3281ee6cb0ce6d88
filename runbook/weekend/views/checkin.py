"""The line after a check-in: what was recorded, and how it stands against the plan."""

from __future__ import annotations

from dataclasses import dataclass

from runbook.format.durations import clock, format_duration
from runbook.planning.plan import Plan
from runbook.weekend.checkin import CheckIn
from runbook.weekend.eventdata import revision_value
from runbook.weekend.events import Event
from runbook.weekend.forecast import TaskRecord

VERBS = {
    "start": "started",
    "done": "done",
    "fail": "FAILED",
    "skip": "skipped",
    "undo": "undone",
    "note": "note on",
    "eta": "new eta for",
    "estimate": "new estimate for",
    "pull": "pulled forward",
}
# The check-ins whose note is the reason given (user text), shown on the line.
REASONED = frozenset({"fail", "skip", "eta", "estimate", "pull"})


@dataclass(frozen=True, slots=True)
class CheckedIn:
    """One recorded check-in, as the line after the command says it."""

    kind: str
    verb: str  # started, resumed, done, FAILED, skipped, undone, note on, new eta for, ...
    task: str
    title: str
    at: int
    actor: str
    detail: str  # plain words, no user text: ``5m late``, ``took 40m of 1h``, ``now running``
    note: str  # the reason given for a fail, a skip or a revision (user text), or ""
    forced: bool
    overrode: str  # what a forced check-in overrode, or ""


@dataclass(frozen=True, slots=True)
class Standing:
    """The weekend right after a check-in: the verdict and the forecast finish, and the
    headline when a state leads over ahead/behind (``NO-GO gonogo-2 · roll back by ...``,
    ``CLOSED Mon 03:00 · ...``; "" otherwise)."""

    word: str
    amount: str
    forecast_finish: int
    deadline: int | None
    headline: str = ""


def _detail(event: Event, result: CheckIn, plan: Plan, resumed: bool) -> str:
    """What the line adds about the task: resumed, late or early, reached, took, now, and
    what a revision says."""
    kind, zone = result.kind, plan.zone
    task = plan.tasks[plan.index[event.task or ""]]
    record = result.records[task.id]
    if kind in ("eta", "estimate", "pull"):
        return revised(event, plan, record)
    baseline = result.baseline_plan or plan
    planned = baseline.index.get(task.id)
    if resumed and record.actual_start is not None:
        # Not a late start: the task keeps its first start; the failure cost time.
        return (
            f"first started {clock(record.actual_start, zone)}"
            f" · {format_duration(record.lost)} lost to the failure"
        )
    if kind == "start" and planned is not None:
        late = event.at - baseline.tasks[planned].es
        if abs(late) >= 60:
            return f"{format_duration(abs(late))} {'late' if late > 0 else 'early'}"
    elif kind == "done" and task.milestone:
        return "reached"
    elif kind == "done" and record.actual_start is not None:
        # The work it took; the time it stood failed is said apart, so the two add up to
        # the time since its first start.
        took = f"took {format_duration(record.worked_by(event.at))} of "
        took += format_duration(record.duration_in_force(task.duration))
        if record.lost >= 60:
            took += f" · {format_duration(record.lost)} lost to failures"
        return took
    elif kind == "undo":
        undone = next((e for e in result.undone if e.task == task.id), None)
        if undone is not None and undone.kind in ("eta", "estimate", "pull"):
            return f"{undone.kind} withdrawn · now {record.state or 'not started'}"
        return f"now {record.state or 'not started'}"
    return ""


def revised(event: Event, plan: Plan, record: TaskRecord) -> str:
    """What a revision says against the plan: ``finish Sat 09:00, 2h after its planned
    finish``, ``3h instead of 1h``, ``may start as soon as its predecessors allow (not
    before Sun 06:00 in the runbook)``."""
    zone = plan.zone
    task = plan.tasks[plan.index[event.task or ""]]
    value = revision_value(event)
    if event.kind == "eta" and value is not None:
        text = f"expected to finish {clock(value, zone)}"
        if record.actual_start is not None:
            planned = record.actual_start + record.lost + task.duration
            late = value - planned
            if abs(late) >= 60:
                side = "after" if late > 0 else "before"
                text += f", {format_duration(abs(late))} {side} its planned finish"
        return text
    if event.kind == "estimate" and value is not None:
        return f"{format_duration(value)} instead of {format_duration(task.duration)}"
    if event.kind == "pull":
        text = "may start as soon as its predecessors allow"
        if value is not None:
            text = f"may start from {clock(value, zone)}"
        if task.not_before is not None:
            text += f" (not before {clock(task.not_before, zone)} in the runbook)"
        return text
    return ""


def checked_in(result: CheckIn, plan: Plan, note: str | None = None) -> list[CheckedIn]:
    """A line for each event a check-in recorded (``note``: the reason it was given)."""
    lines = []
    for event in result.events:
        task = plan.tasks[plan.index[event.task or ""]]
        record = result.records[task.id]
        resumed = result.kind == "start" and record.resumed > 0 and record.actual_start != event.at
        lines.append(
            CheckedIn(
                result.kind,
                "resumed" if resumed else ("dropped" if event.dropped else VERBS[result.kind]),
                task.id,
                task.title,
                event.at,
                event.actor,
                _detail(event, result, plan, resumed),
                (note or "") if result.kind in REASONED else "",
                event.forced,
                str(event.data.get("overrode")) if event.forced else "",
            )
        )
    return lines


def standing(result: CheckIn, plan: Plan) -> Standing:
    """Ahead or behind right after the check-in (one forward pass, no full snapshot), after
    the state that leads the headline when one does (the verdict's order of precedence)."""
    from runbook.weekend.views.decisions import no_gos_in
    from runbook.weekend.views.verdict import RollingBackVerdict, Verdict, describe_ahead, lead

    finish, ahead = result.position(plan)
    rolling = None
    if (rb := plan.rolling_back) is not None:
        from runbook.weekend.events import FINISHED
        from runbook.weekend.gates import point_of_no_return
        from runbook.weekend.taskstate import UNRECORDED

        ids = plan.column("id")[rb.forward :]
        done = all(result.records.get(t, UNRECORDED).state in FINISHED for t in ids)
        rolling = RollingBackVerdict(
            rb.gate, rb.start, finish, point_of_no_return(plan, rb.gate), done
        )
    word, amount = describe_ahead(ahead)
    deadline = plan.deadline
    no_gos = no_gos_in(plan, result.records) if plan.gates else []
    view = Verdict(
        word,
        amount,
        ahead,
        finish,
        (result.baseline_plan or plan).finish,
        deadline,
        None if deadline is None else deadline - finish,
        closed=result.closed,
        no_go=no_gos[0] if no_gos else None,
        more_no_gos=max(0, len(no_gos) - 1),
        now=result.now,
        rolling=rolling,
    )
    said = lead(view, plan.zone)
    return Standing(word, amount, finish, deadline, said.line if said.leads_over_pace else "")
