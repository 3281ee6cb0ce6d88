"""What pulling a task forward gains: the forecast's forward pass again, from that task on,
over only the tasks that move.

A task only its ``not_before`` holds back could start earlier; whether that brings anything
closer depends on what follows it. Pulling it moves its successors only where it was what held
them, so the pass starts at the task and follows the changes alone, in the order of the
forecast's starts (a predecessor always before its successors): the first gate or milestone
that moves is the next one it brings forward, and the weekend's finish moves only when the
task is critical. The rule is the forecast's (``forecast.forward``), for the tasks that move.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from runbook.planning.plan import Plan
from runbook.weekend.events import FINISHED, NOT_STARTED, Status
from runbook.weekend.taskstate import Figures, TaskRecord

SKIPPED = Status.SKIPPED


@dataclass(frozen=True, slots=True)
class Gain:
    """What pulling one task forward brings closer (seconds; 0: nothing)."""

    finish: int  # the weekend's forecast finish
    milestone: str | None  # the next gate or milestone it brings forward, if any
    milestone_gain: int


NONE = Gain(0, None, 0)


def pull_gains(
    plan: Plan,
    figures: Figures,
    records: Mapping[str, TaskRecord],
    now: int,
    pulled: Sequence[tuple[int, int]],
) -> list[Gain]:
    """For each ``(task index, the time it could start)``: what starting it then gains on the
    forecast finish and on the next gate or milestone, every other figure as forecast."""
    if not pulled:
        return []
    ids, preds_of, succ = plan.column("id"), plan.column("preds"), plan.successors
    starts, finishes, statuses = figures.start, figures.finish, figures.status
    critical = figures.critical
    marked = [
        (m or g) and s not in FINISHED
        for m, g, s in zip(plan.column("milestone"), plan.column("gate"), statuses, strict=True)
    ]
    movable = [s in NOT_STARTED or s == SKIPPED for s in statuses]
    # What holds each task back: its not_before in force (the time a pull moved it to).
    hold: list[int | None] = list(plan.column("not_before"))
    index = plan.index
    for task_id, record in records.items():
        if task_id in index:
            i = index[task_id]
            hold[i] = record.not_before_in_force(hold[i])
    position = {v: k for k, v in enumerate(plan.order)}
    floor = max(now, plan.start)
    end = max(finishes, default=plan.start)
    latest_first: list[int] | None = None  # every task, latest finish first (when needed)
    # The tasks not started that are, or come before, a gate or milestone (when needed).
    toward_gate: list[bool] | None = None

    out: list[Gain] = []
    for task, could in pulled:
        if could >= starts[task]:
            out.append(NONE)
            continue
        milestone, milestone_gain = None, 0
        if marked[task]:  # a gate or milestone itself: it is the next one it brings forward
            milestone, milestone_gain = ids[task], starts[task] - could
        whole = critical[task]  # only a critical task can move the finish: follow it all
        if not whole and milestone is not None:
            out.append(Gain(0, milestone, milestone_gain))
            continue
        if not whole and toward_gate is None:
            leads = _leads_to(marked, succ, plan.order)
            toward_gate = [m and lead for m, lead in zip(movable, leads, strict=True)]
        # Not following what the finish (critical) or the next gate (a task that leads to
        # one) does not depend on; the rule is the same for what is followed.
        follow = movable if whole or toward_gate is None else toward_gate
        moved = {task: could + finishes[task] - starts[task]}
        # What may move next, in the forecast's order of starts: a task after every
        # predecessor (a task that runs or ran keeps its times whatever moves before it).
        queue = [(starts[s], position[s], s) for s in succ[task] if follow[s]]
        heapq.heapify(queue)
        seen: set[int] = set()
        while queue:
            _, _, v = heapq.heappop(queue)
            if v in seen:
                continue
            seen.add(v)
            latest = plan.start
            for p in preds_of[v]:
                f = moved.get(p, finishes[p])
                if f > latest:
                    latest = f
            if statuses[v] == SKIPPED:
                finish = latest
            else:
                start = floor if floor > latest else latest
                held = hold[v]
                if held is not None and held > start:
                    start = held
                finish = start + finishes[v] - starts[v]
            if finish >= finishes[v]:
                continue
            moved[v] = finish
            if milestone is None and marked[v]:
                milestone, milestone_gain = ids[v], finishes[v] - finish
                if not whole:
                    break
            for s in succ[v]:
                if follow[s]:
                    heapq.heappush(queue, (starts[s], position[s], s))
        finish_gain = 0
        if whole:
            if latest_first is None:
                latest_first = sorted(range(len(finishes)), key=finishes.__getitem__)[::-1]
            # The new finish: the latest of the moved finishes and of the first task, latest
            # first, that did not move (every task before it moved).
            new_end = max(moved.values())
            for i in latest_first:
                if i not in moved:
                    new_end = max(new_end, finishes[i])
                    break
            finish_gain = end - new_end
        out.append(Gain(max(0, finish_gain), milestone, milestone_gain))
    return out


def _leads_to(
    marked: Sequence[bool], succ: Sequence[Sequence[int]], order: Sequence[int]
) -> list[bool]:
    """Whether each task is marked or comes before a marked one (over its successors)."""
    leads = list(marked)
    for v in reversed(order):
        if not leads[v] and any(leads[s] for s in succ[v]):
            leads[v] = True
    return leads
