"""The charts of the readiness report, the review and the status page: their tasks turned
into the rows, flags and bins that ``runbook.reports.render.svg`` draws."""

from __future__ import annotations

from dataclasses import dataclass

from runbook.format.durations import clock, format_duration
from runbook.planning.montecarlo import Simulation
from runbook.planning.plan import Plan, PlannedTask
from runbook.reports.readiness import ReadinessReport
from runbook.reports.render.markdown import signed
from runbook.reports.render.svg import (
    GANTT_WIDTH,
    LABELS,
    LATE,
    MUTED,
    ON_TIME,
    Band,
    Flag,
    Row,
    gantt,
    histogram,
)
from runbook.reports.review import Review, ReviewRow
from runbook.weekend.forecast import DONE, FAILED, RUNNING, SKIPPED, Snapshot, TaskState
from runbook.weekend.views.progress import progress

MAX_ROWS = 150  # a bigger Gantt keeps the critical and near-critical tasks and the gates
CRITICAL, TASK, NEAR, GATE, MILESTONE = "#c62828", "#a9b4c0", "#e08600", "#6a1b9a", "#37474f"
ON_PLAN, OVERRAN, ACTIVE, DEADLINE, FINISH = "#2e7d32", "#ef6c00", "#1565c0", "#111111", "#2e7d32"
BUFFER, OVER_DEADLINE, PLANNED = "#e3f2e6", "#fde0dc", "#9aa5b1"
# Legends for the page: (shape: "" a bar, "d" a diamond, "l" a line; css colour; meaning).
PLAN_LEGEND = (
    ("", CRITICAL, "critical path"),
    ("", TASK, "other task"),
    ("", f"{TASK};outline:2px solid {NEAR}", "near-critical"),
    ("d", MILESTONE, "milestone"),
    ("d", GATE, "go/no-go gate"),
    ("l", GATE, "point of no return"),
    ("l", DEADLINE, "deadline"),
    ("", BUFFER, "buffer"),
)
REVIEW_LEGEND = (
    ("", PLANNED, "planned (baseline)"),
    ("", ON_PLAN, "took no longer than planned"),
    ("", OVERRAN, "took longer than planned"),
    ("", ACTIVE, "running"),
    ("", CRITICAL, "failed"),
)
HISTOGRAM_LEGEND = (
    ("", ON_TIME, "runs finishing by the deadline"),
    ("", LATE, "runs finishing after it"),
)


@dataclass(frozen=True, slots=True)
class Phase:
    """One phase of the plan folded into a bar, and the chart of its tasks to unfold."""

    name: str
    span: str  # ``Fri 18:00 – Sat 02:00``
    tasks: int
    critical: int  # how many of its tasks are on the critical path
    svg: str


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG Gantt chart and how many of the tasks it shows; with phases, the chart has one
    bar per phase and each phase its own chart of its tasks."""

    svg: str
    shown: int
    total: int
    phases: tuple[Phase, ...] = ()


NO_PHASE = "(no phase)"


def _deadline_flag(plan: Plan) -> list[Flag]:
    if plan.deadline is None:
        return []
    return [
        Flag(
            plan.deadline,
            f"Deadline {clock(plan.deadline, plan.zone)}",
            DEADLINE,
            "deadline",
            note="the end of the change window",
        )
    ]


def _plan_row(plan: Plan, task: PlannedTask, near: bool, remark: str) -> Row:
    zone = plan.zone
    lines = [
        f"{task.id}: {task.title}",
        f"{clock(task.es, zone)} – {clock(task.ef, zone)} "
        f"({format_duration(task.duration)}), {plan.team_name(task.team)}",
        "on the critical path" if task.critical else f"float {format_duration(task.total_float)}",
    ]
    if task.gate:
        lines.append("go/no-go gate")
    colour = (
        GATE if task.gate else CRITICAL if task.critical else MILESTONE if task.milestone else TASK
    )
    radius = 6.5 if task.gate else 5.5 if task.milestone else 0.0
    return Row(
        task.id,
        task.title,
        task.es,
        task.ef,
        colour,
        "\n".join(lines),
        diamond=radius,
        strong=task.critical,
        outline=NEAR if near else None,
        remark=remark,
    )


def plan_gantt(report: ReadinessReport, plan: Plan) -> Chart:
    """The plan: critical path in red, gates as diamonds, the deadline, the buffer, and each
    gate's point of no return as a flag."""
    zone = plan.zone
    near = dict(report.near_critical)
    order = sorted(plan.tasks, key=lambda t: (t.es, t.ef, plan.index[t.id]))
    shown = (
        order
        if len(order) <= MAX_ROWS
        else [t for t in order if t.critical or t.gate or t.id in near]
    )
    flags = [
        Flag(plan.finish, f"Plan finish {clock(plan.finish, zone)}", FINISH, "finish", dash="4 3"),
        *_deadline_flag(plan),
    ]
    bands = []
    if plan.deadline is not None:
        low, high = sorted((plan.finish, plan.deadline))
        over = plan.finish > plan.deadline
        bands.append(
            Band(
                low,
                high,
                OVER_DEADLINE if over else BUFFER,
                f"{'over the deadline by' if over else 'buffer'} {format_duration(high - low)}",
            )
        )
    remarks = {}
    for g in report.gates:
        if g.ponr.point is not None:
            flags.append(
                Flag(
                    g.ponr.point,
                    f"PONR {g.id} {clock(g.ponr.point, zone)}",
                    GATE,
                    "ponr",
                    dash="6 3",
                    key=g.id,
                    note=f"Point of no return of gate {g.id}: after this a NO-GO cannot roll back "
                    f"({format_duration(g.ponr.rollback or 0)}) before the deadline",
                )
            )
            remarks[g.id] = (
                f"point of no return {clock(g.ponr.point, zone)} ({signed(g.ponr.margin)})"
            )
    rows = [_plan_row(plan, t, t.id in near, remarks.get(t.id, "")) for t in shown]
    end = max(plan.finish, plan.deadline or plan.finish)
    end += (end - plan.start) // 60

    def chart(rows: list[Row], label: str) -> str:
        return gantt(rows, flags, bands, plan.start, end, zone, label=label)

    if not any(t.phase for t in plan.tasks):
        return Chart(chart(rows, f"Gantt chart of {plan.name}"), len(shown), len(order))
    groups: dict[str, list[Row]] = {}
    members: dict[str, list[PlannedTask]] = {}
    for task, row in zip(shown, rows, strict=True):
        groups.setdefault(task.phase or NO_PHASE, []).append(row)
        members.setdefault(task.phase or NO_PHASE, []).append(task)
    bars, phases = [], []
    for name, tasks in members.items():
        begin, finish = min(t.es for t in tasks), max(t.ef for t in tasks)
        critical = sum(1 for t in tasks if t.critical)
        span = f"{clock(begin, zone)} – {clock(finish, zone)}"
        bars.append(
            Row(
                name,
                f"{len(tasks)} tasks",
                begin,
                finish,
                CRITICAL if critical else TASK,
                f"{name}: {span}, {len(tasks)} tasks, {critical} on the critical path",
                strong=bool(critical),
                phase=True,
            )
        )
        label = f"Gantt chart of {plan.name}: {name}"
        phases.append(Phase(name, span, len(tasks), critical, chart(groups[name], label)))
    summary = chart(bars, f"Gantt chart of {plan.name}, one bar per phase")
    return Chart(summary, len(shown), len(order), tuple(phases))


def _review_row(review: Review, row: ReviewRow) -> Row:
    zone = review.plan.zone
    task = review.plan.tasks[review.plan.index[row.id]]
    planned = (
        (row.planned_start, row.planned_finish)
        if row.planned_start is not None and row.planned_finish is not None
        else None
    )
    lines = [f"{row.id}: {row.title}", f"status: {row.status}"]
    if planned:
        lines.append(f"planned {clock(planned[0], zone)} – {clock(planned[1], zone)}")
    begin = row.actual_start if row.actual_start is not None else row.actual_finish
    end = (
        row.actual_finish
        if row.actual_finish is not None
        else (review.now if row.status in (RUNNING, FAILED) else None)
    )
    colour, remark = ACTIVE, row.status if row.status in (RUNNING, FAILED) else ""
    if row.status == DONE:
        colour = OVERRAN if (row.own_overrun or 0) > 0 else ON_PLAN
        lines.append(
            f"took {signed(row.own_overrun)}, finished {signed(row.finish_slip)} against plan"
        )
    elif row.status == FAILED:
        colour = CRITICAL
    elif row.status != RUNNING:
        remark = "skipped" if row.status == SKIPPED else ""
        begin = end = None
    if begin is not None and end is not None:
        lines.append(f"actual {clock(begin, zone)} – {clock(end, zone)}")
    if row.reason:
        lines.append(f"why: {row.reason}")
    return Row(
        row.id,
        row.title,
        begin,
        end,
        colour,
        "\n".join(lines),
        diamond=5.5 if task.milestone else 0.0,
        strong=task.critical,
        planned=planned,
        remark=remark,
    )


def review_gantt(review: Review) -> Chart:
    """Planned (thin grey) against actual (coloured by whether the task overran) per task."""
    plan, zone = review.plan, review.plan.zone
    rows = sorted(review.rows, key=lambda r: (r.planned_start or 0, r.planned_finish or 0))
    if len(rows) > MAX_ROWS:
        rows = [
            r
            for r in rows
            if plan.tasks[plan.index[r.id]].critical or (r.finish_slip or 0) > 0 or r.status != DONE
        ]
    flags = [
        Flag(
            review.baseline_finish,
            f"Planned finish {clock(review.baseline_finish, zone)}",
            MUTED,
            "finish",
            dash="4 3",
        ),
        *_deadline_flag(plan),
    ]
    if review.actual_finish is not None:
        flags.append(
            Flag(
                review.actual_finish,
                f"Finished {clock(review.actual_finish, zone)}",
                ON_PLAN,
                "actual",
            )
        )
    else:
        flags.append(Flag(review.now, f"Now {clock(review.now, zone)}", ACTIVE, "now"))
    moments = [
        plan.start,
        *(f.at for f in flags),
        *(r.actual_start for r in review.rows if r.actual_start is not None),
    ]
    start, end = min(moments), max(moments)
    svg = gantt(
        [_review_row(review, r) for r in rows],
        flags,
        [],
        start,
        end + (end - start) // 60,
        zone,
        label=f"Planned against actual: {plan.name}",
    )
    return Chart(svg, len(rows), len(review.rows))


def finish_histogram(plan: Plan, sim: Simulation, name: str = "Plan") -> str:
    """The simulated finish times with the deadline, P50/P80/P95 and the plan's finish (or,
    during the weekend, the forecast's: ``name``)."""
    zone = plan.zone
    flags = [
        Flag(
            sim.deterministic_finish,
            f"{name} {clock(sim.deterministic_finish, zone)}",
            FINISH,
            "finish",
            dash="2 2",
            note=f"the {name.lower()}'s finish, without variation",
        ),
        *_deadline_flag(plan),
    ]
    flags += [
        Flag(
            at,
            f"{name} {clock(at, zone)}",
            "#334e68",
            "percentile",
            dash="5 3",
            note=f"{name}: {name[1:]}% of the runs finish by then",
        )
        for name, at in (("P50", sim.p50), ("P80", sim.p80), ("P95", sim.p95))
    ]
    return histogram(
        sim.histogram,
        flags,
        plan.deadline,
        zone,
        runs=sim.runs,
        label="Distribution of the simulated finish times",
    )


TIMELINE_SIZE = (760, 170)  # one bar per phase: short labels, and larger on a phone
STATUS_LEGEND = (
    ("", PLANNED, "planned (baseline)"),
    ("", ON_PLAN, "finished"),
    ("", ACTIVE, "under way"),
    ("", TASK, "to come (forecast)"),
    ("", CRITICAL, "failed"),
    ("l", ACTIVE, "now"),
    ("l", DEADLINE, "deadline"),
    ("l", GATE, "next point of no return"),
)


def _status_row(snap: Snapshot, key: str, states: list[TaskState], phase: bool) -> Row:
    """One phase (or task) of the status timeline: the baseline thin and grey, the actual and
    forecast span coloured by how far it has come."""
    zone = snap.plan.zone
    begin = min(s.actual_start if s.actual_start is not None else s.forecast_start for s in states)
    end = max(s.actual_finish if s.actual_finish is not None else s.forecast_finish for s in states)
    starts = [s.planned_start for s in states if s.planned_start is not None]
    finishes = [s.planned_finish for s in states if s.planned_finish is not None]
    planned = (min(starts), max(finishes)) if starts and finishes else None
    # Over (every task done, dropped or skipped) colours the bar; the count is the core's:
    # done of the tasks still wanted, the dropped and the skipped ones apart.
    over = sum(1 for s in states if s.status in (DONE, SKIPPED))
    if any(s.status == FAILED for s in states):
        colour = CRITICAL
    elif over == len(states):
        colour = ON_PLAN
    elif any(s.status == RUNNING for s in states) or over:
        colour = ACTIVE
    else:
        colour = TASK
    title = snap.plan.tasks[states[0].index].title if not phase else f"{len(states)} tasks"
    if phase:
        done = progress(snap, states)
        remark = f"{done.done}/{done.wanted}" + (f" · {done.dropped_text}" if done.dropped else "")
        summary = f"{done.done} of {done.wanted} wanted done"
        summary += f"; {done.dropped_text}" if done.dropped else ""
        summary += f"; {done.skipped} skipped as not needed" if done.skipped else ""
    else:
        remark = summary = str(states[0].shown_status)
    lines = [
        f"{key}: {title}" if not phase else key,
        summary,
        f"{clock(begin, zone)} – {clock(end, zone)} (actual and forecast)",
    ]
    if planned:
        lines.append(f"planned {clock(planned[0], zone)} – {clock(planned[1], zone)}")
    return Row(
        key,
        title,
        begin,
        end,
        colour,
        "\n".join(lines),
        strong=any(s.critical for s in states if s.status not in (DONE, SKIPPED)),
        planned=planned,
        remark=remark,
        phase=phase,
    )


def status_timeline(snap: Snapshot, ponr: int | None = None) -> Chart:
    """The weekend so far and the forecast of the rest, one bar per phase (or per task when
    the runbook has no phases), against the baseline, with now, the deadline and the next
    point of no return (``ponr``)."""
    plan, zone = snap.plan, snap.plan.zone
    phased = any(t.phase for t in plan.tasks)
    rows: list[Row] = []
    if phased:
        groups: dict[str, list[TaskState]] = {}
        for state in sorted(snap.tasks, key=lambda s: (s.forecast_start, s.index)):
            groups.setdefault(plan.tasks[state.index].phase or NO_PHASE, []).append(state)
        rows = [_status_row(snap, name, states, True) for name, states in groups.items()]
        total = len(rows)
    else:
        order = sorted(snap.tasks, key=lambda s: (s.forecast_start, s.index))
        total = len(order)
        if len(order) > MAX_ROWS:
            order = [s for s in order if s.critical or s.status in (RUNNING, FAILED)]
        rows = [_status_row(snap, s.id, [s], False) for s in order]
    flags = [
        Flag(snap.now, f"Now {clock(snap.now, zone)}", ACTIVE, "now"),
        Flag(
            snap.forecast_finish,
            f"Forecast {clock(snap.forecast_finish, zone)}",
            FINISH,
            "finish",
            dash="4 3",
        ),
        *_deadline_flag(plan),
    ]
    if ponr is not None:
        flags.append(Flag(ponr, f"PONR {clock(ponr, zone)}", GATE, "ponr", dash="6 3"))
    moments = [plan.start, snap.baseline.start, *(f.at for f in flags), snap.baseline_finish]
    moments += [r.begin for r in rows if r.begin is not None]
    start, end = min(moments), max(moments)
    svg = gantt(
        rows,
        flags,
        [],
        start,
        end + (end - start) // 60,
        zone,
        label=f"Timeline of {plan.name}: done, under way and forecast",
        size=TIMELINE_SIZE if phased else (GANTT_WIDTH, LABELS),
    )
    return Chart(svg, len(rows), total)
