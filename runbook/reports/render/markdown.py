# Size: the readiness report and the review as Markdown, sharing the table and figure helpers; each
# report is one long template read top to bottom.
"""The readiness report and the review as Markdown (shown with rich in a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from runbook.common.display import count
from runbook.common.text import shown
from runbook.format.durations import clock, format_duration
from runbook.planning.learning import Estimates, TaskEstimate
from runbook.reports.readiness import GateRow, ReadinessReport, buffer_gain_text
from runbook.reports.rehearsal import Evidence
from runbook.reports.review import NOT_RECORDED, Review, ReviewRow
from runbook.weekend.views.decisions import given_words
from runbook.weekend.views.progress import Progress
from runbook.weekend.views.rehearsal import in_runbook_aside, report_note
from runbook.weekend.views.verdict import describe_ahead

MARK = {"no-go": "✖ NO-GO", "conditions": "⚠ CONDITIONS", "info": "ℹ info"}


_MARKDOWN = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        **{ch: "\\" + ch for ch in "\\`*_[]|#"},
    }
)


def md(text: object) -> str:
    """Text from the runbook or the state file for Markdown: shown literally, never as
    Markdown or HTML (``<script>``, ``[x](url)``, ``|`` in a table), controls made visible."""
    return shown(str(text)).translate(_MARKDOWN)


def _table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    def cell(value: object) -> str:
        return "—" if value is None else md(value)

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def signed(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    return ("+" if seconds >= 0 else "−") + format_duration(abs(seconds))


def evidence_figures(e: Evidence) -> tuple[str, str, str, str]:
    """A rehearsal overrun's planned, actual, over and suggested ``o / m / p`` cells."""
    suggested = (
        f"{format_duration(e.optimistic)} / "
        f"{format_duration(e.suggested)} / {format_duration(e.pessimistic)}"
    )
    return (
        format_duration(e.planned),
        format_duration(e.actual),
        format_duration(e.overrun),
        suggested,
    )


def learned_figures(e: TaskEstimate) -> tuple[str, str, str]:
    """A task's learned estimate as cells: the runbook's duration, the learned ``o / m / p``
    and the observed runs it stands on."""
    figures = " / ".join(format_duration(x) for x in e.points)
    return format_duration(e.planned), figures, count(e.observations, "run")


def team_factors(estimates: Estimates) -> list[str]:
    """``dba ×1.25 (14 tasks, from 9 observed runs)``: per team, the factor its tasks never
    observed take, in the order they come."""
    by_team: dict[tuple[str, float, int], int] = {}
    for e in estimates.from_team:
        key = (e.team or "", e.factor or 1.0, e.observations)
        by_team[key] = by_team.get(key, 0) + 1
    return [
        f"{team} ×{factor:g} ({count(n, 'task')}, from {count(runs, 'observed run')})"
        for (team, factor, runs), n in by_team.items()
    ]


def _estimates_section(report: ReadinessReport) -> list[str]:
    """Which estimates the simulation learned from history, and on how many runs."""
    learned = report.estimates
    if learned is None:
        return []
    out = ["## Estimates learned from history", ""]
    if not learned.tasks:
        return [*out, f"`{md(learned.source)}` gives no estimate for this runbook's tasks.", ""]
    out += [
        f"The simulation uses these instead of the runbook's (from `{md(learned.source)}`):",
        "",
    ]
    own = learned.from_history
    if own:
        out += _table(
            ("Task", "Runbook", "Learned o / m / p", "Observed"),
            [(e.id, *learned_figures(e)) for e in own],
        )
        out.append("")
    teams = team_factors(learned)
    if teams:
        out += ["Never observed, the runbook's times their team's factor:", ""]
        out += [f"- {md(t)}" for t in teams] + [""]
    return out


def checkpoint_line(report: ReadinessReport) -> str:
    """``At this checkpoint ...``: what the live report stands on (during the weekend)."""
    snap, done = report.snapshot, report.progress
    assert snap is not None and done is not None
    counts = done.counts
    later = (
        f"; {count(report.later_events, 'later event')} in the state file left out"
        if report.later_events
        else ""
    )
    return (
        "During the weekend: this report stands on the live forecast of the check-ins up to "
        f"{clock(report.now, snap.plan.zone, with_date=True)} ({counts['done']} done, "
        f"{counts['running'] + counts['failed']} running, {done.skipped} skipped as not needed, "
        f"{done.dropped} dropped for time{_must(done)}{later}); "
        "the simulation runs the remaining work only."
    )


def counts_text(done: Progress, leave_out: str = "") -> str:
    """``126 done, 2 skipped, 3 dropped (1 must!)``: the tasks per status that has any (but
    ``leave_out``), the dropped ones apart and a dropped must-have flagged."""
    return ", ".join(
        f"{n} {s}" + (_must(done) if s == "dropped" else "")
        for s, n in done.counts.items()
        if n and s != leave_out
    )


def _priority(report: ReadinessReport, index: int) -> str:
    """A dropped task's priority, ``must!`` flagged."""
    assert report.plan is not None
    priority = report.plan.tasks[index].priority
    return "must!" if priority == "must" else priority


def _must(done: Progress) -> str:
    """`` (1 must!)``: the dropped must-haves flagged, or ""."""
    return f" ({done.must_text})" if done.dropped_must else ""


def ahead_text(seconds: int) -> str:
    """``BEHIND 6h30m``, ``AHEAD 35m`` or ``ON PLAN``."""
    word, amount = describe_ahead(seconds)
    return f"{word} {amount}".strip()


def _gate_row(g: GateRow, when: Callable[[int | None], str], *, live: bool) -> tuple[str, ...]:
    """A gate's row: planned (and, during the weekend, forecast) against its point of no
    return, the margin to it, who decides and what they decided."""
    rollback = format_duration(g.ponr.rollback) if g.ponr.rollback is not None else "not given"
    decision = (g.decision or "—").upper() + (f" ({g.decided_by})" if g.decided_by else "")
    forecast = (when(g.ponr.forecast),) if live else ()
    margin = gate_margin(g) if live else signed(g.ponr.margin)
    approvers = ", ".join(g.approvers) or "—"
    return (
        g.id,
        when(g.ponr.planned),
        *forecast,
        rollback,
        when(g.ponr.point),
        margin,
        approvers,
        decision,
    )


def _rollback_lines(report: ReadinessReport) -> list[str]:
    """Each gate's chance that its rollback, started at the gate, ends by the deadline; and,
    during the weekend, when the next gate's rollback would end if started now."""
    from runbook.weekend.views.rollback import if_rolled_back

    if report.plan is None:
        return []
    zone = report.plan.zone
    out = [
        f"- {g.id}: P(a rollback started at the gate ends by the deadline) = "
        f"{g.rollback_on_time:.0%}"
        for g in report.gates
        if g.rollback_on_time is not None
    ]
    snap = report.snapshot
    rolled = if_rolled_back(snap) if snap is not None else None
    if rolled is not None:
        out.append(f"- {rolled.gate}: {md(rolled.line(zone))}")
    return [*out, ""] if out else []


def _decisions_lists(report: ReadinessReport) -> list[str]:
    """Every decision of every stage of each gate that has any (who said it, who recorded
    it, when, the note), and what an undecided gate still waits for."""
    if report.plan is None:
        return []
    zone = report.plan.zone
    out: list[str] = []
    for g in report.gates:
        if not g.decisions:
            continue
        out += [f"**{g.id}** decisions:", ""]
        out += [
            f"- {md(given_words(d, zone))}" + (f": {md(d.note)}" if d.note else "")
            for d in g.decisions
        ]
        if g.waiting is not None:
            out.append(f"- {md(g.waiting)}")
        out.append("")
    return out


def gate_margin(g: GateRow) -> str:
    """The margin to a gate's point of no return during the weekend: its standing when it is
    settled, else the forecast gate's margin."""
    return g.standing or signed(g.ponr.forecast_margin)


def _optional_section(report: ReadinessReport) -> list[str]:
    """The optional work the plan holds and the buffer dropping it gives; during the weekend,
    what was dropped for time and what was skipped as not needed, apart."""
    out: list[str] = []
    optional = report.optional
    if optional is not None and optional.tasks and report.snapshot is None:
        out += [
            f"Optional work (should or nice): {count(len(optional.tasks), 'task')}, "
            f"{format_duration(optional.work)}; {buffer_gain_text(optional.buffer_gain)}.",
            "",
        ]
    if report.dropped:
        done = report.progress
        must = f"; {done.must_text}" if done is not None and done.dropped_must else ""
        out += [f"Dropped for time (aftercare{must}):", ""]
        out += _table(
            ("Task", "Priority", "Why"),
            [(t.id, _priority(report, t.index), t.reason) for t in report.dropped],
        )
        out.append("")
    if report.skipped:
        out += ["Skipped as not needed:", ""]
        out += _table(("Task", "Why"), [(t.id, t.reason) for t in report.skipped])
        out.append("")
    return out


def readiness_markdown(report: ReadinessReport) -> str:
    """The readiness report for people."""
    plan = report.plan
    out = [f"# Go/no-go readiness: {md(plan.name) if plan else report.source}", ""]
    if plan is not None:
        out += [
            f"Generated {clock(report.now, plan.zone, with_date=True)} ({plan.timezone}) from "
            f"`{report.source}`.",
            "",
        ]
        if (note := report_note(plan)) is not None:
            out += [f"**{note}**", ""]
        if report.snapshot is not None:
            out += [checkpoint_line(report), ""]
    out += [f"## Recommendation: **{report.recommendation}**", ""]
    shown = sorted(
        report.findings, key=lambda f: {"no-go": 0, "conditions": 1, "info": 2}[f.outcome]
    )
    out += [f"- {MARK[f.outcome]} — {md(f.message)}" for f in shown] or ["- no findings"]
    out.append("")
    errors = report.validation.errors
    out += ["## Runbook", ""]
    if plan is None:
        out += [f"The runbook is **not valid**: {count(len(errors), 'error')}.", ""]
        out += [f"- `{p.location(report.source)}` {md(p.message)}" for p in errors[:20]]
        out += ["", *recommendation_rules(report)]
        return "\n".join(out) + "\n"
    out += [
        f"Valid: {report.summary(plan)}.",
        "",
    ]
    if report.missing:
        out += ["Missing:", ""] + [f"- {m}" for m in report.missing] + [""]
    zone = plan.zone

    def when(seconds: int | None) -> str:
        return clock(seconds, zone, with_date=True) if seconds is not None else "—"

    snap = report.snapshot
    out += ["## Schedule", ""]
    rows = [
        ("Planned start", when(plan.start)),
        ("Planned finish", when(plan.finish)),
        ("Deadline", when(plan.deadline)),
        ("Buffer", signed(plan.buffer)),
    ]
    if snap is not None:
        rows[2:2] = [
            ("Forecast finish", when(snap.forecast_finish)),
            ("Against the baseline", ahead_text(snap.ahead)),
        ]
        rows.append(("Forecast to the deadline", signed(snap.spare)))
    out += _table(("Schedule", "When"), rows)
    if snap is None:
        path = " → ".join(plan.tasks[i].id for i in plan.critical_path)
        out += ["", f"Critical path: {path or 'none'}", ""]
    else:
        path = " → ".join(snap.plan.tasks[i].id for i in snap.critical_path)
        out += ["", f"Remaining critical path: {path or 'none'}", ""]
    out += _optional_section(report)
    if report.near_critical:
        out += [
            f"Near-critical tasks (float under "
            f"{format_duration(report.rules.near_critical_minutes * 60)}):",
            "",
        ]
        out += _table(("Task", "Float"), [(i, format_duration(f)) for i, f in report.near_critical])
        out.append("")
    out += ["## Gates and points of no return", ""]
    if report.gates:
        live = snap is not None
        if live:
            out += ["The margin is from the gate's forecast start to its point of no return.", ""]
        headers = ("Gate", "Planned", *(("Forecast",) if live else ()), "Rollback")
        headers += ("Point of no return", "Margin", "Approvers", "Decision")
        out += _table(headers, [_gate_row(g, when, live=live) for g in report.gates])
    if report.gates:
        out.append("")
        out += _rollback_lines(report)
        out += _decisions_lists(report)
        for g in report.gates:
            if g.criteria:
                out += [f"**{g.id}** — {md(g.title)}. Criteria:", ""] + [
                    f"- [ ] {md(c)}" for c in g.criteria
                ]
                out.append("")
    else:
        out += ["The runbook has no go/no-go gates.", ""]
    sim = report.simulation
    if sim is not None:
        out += ["## Probability of finishing inside the window", ""]
        remaining = f", the remaining work from {when(report.now)}" if snap is not None else ""
        if sim.p_on_time is not None:
            out += [
                f"**P(finish ≤ deadline) = {sim.p_on_time:.0%}** "
                f"({sim.runs:,} runs, seed {sim.seed}, Beta-PERT per three-point "
                f"estimate{remaining}).",
                "",
            ]
        out += _table(
            ("P50", "P80", "P95", "Plan" if snap is None else "Forecast"),
            [(when(sim.p50), when(sim.p80), when(sim.p95), when(sim.deterministic_finish))],
        )
        top = sorted(range(len(plan.tasks)), key=lambda i: -sim.criticality[i])[:10]
        top = [i for i in top if sim.criticality[i] > 0]
        if top:
            out += ["", "Most often on the critical path:", ""]
            out += _table(
                ("Task", "Criticality"),
                [(plan.tasks[i].id, f"{sim.criticality[i]:.0%}") for i in top],
            )
        out.append("")
    out += _estimates_section(report)
    if report.rehearsal is not None:
        r = report.rehearsal
        out += [
            "## Rehearsal evidence",
            "",
            f"From `{r.source}`: {len(r.tasks)} tasks rehearsed, "
            f"{len(r.not_done)} not done in the rehearsal.",
            "",
        ]
        if r.overruns:
            out += ["Overran most, and what to plan next time:", ""]
            out += _table(
                ("Task", "Planned", "Actual", "Over", "Suggested o / m / p"),
                [(e.id, *evidence_figures(e)) for e in r.overruns[:10]],
            )
            out.append("")
    out += ["## Risks", ""]
    if report.risks:
        out += _table(
            ("Risk", "Score", "L × I", "Status", "Owner", "Mitigation", "Tasks"),
            [
                (
                    f"{r.id}: {r.title}",
                    r.score,
                    f"{r.likelihood} × {r.impact}",
                    r.status,
                    r.owner,
                    r.mitigation,
                    ", ".join(r.tasks) or "—",
                )
                for r in report.risks
            ],
        )
    else:
        out.append("No risks registered.")
    out += ["", "## Readiness items", ""]
    if report.items:
        out += _table(
            ("Item", "Owner", "Due", "Done"),
            [
                (
                    f"{i.id}: {i.title}",
                    i.owner,
                    when(i.due),
                    f"✔ {i.done_by}, {when(i.done_at)}"
                    if i.done_by
                    else ("OVERDUE" if i.overdue else "open"),
                )
                for i in report.items
            ],
        )
    else:
        out.append("No readiness items.")
    out += ["", "## Team sign-offs", ""]
    out += _table(
        ("Team", "Lead", "Signed off"),
        [
            (
                s.name,
                s.lead,
                "; ".join(f"✔ {x.by}, {when(x.at)}" for x in s.signers) or "not yet",
            )
            for s in report.signoffs
        ],
    )
    out += ["", *recommendation_rules(report)]
    return "\n".join(out) + "\n"


def recommendation_rules(report: ReadinessReport) -> list[str]:
    r = report.rules
    ends = (
        "the forecast (from the check-ins so far) ends after the deadline"
        if report.snapshot is not None
        else "the plan ends after the deadline"
    )
    ponr = (
        "a gate not yet decided is forecast after its point of no return"
        if report.snapshot is not None
        else "a gate is planned after its point of no return"
    )
    return [
        "## How the recommendation is made",
        "",
        f"NO-GO when the runbook is invalid, {ends}, "
        f"P(finish ≤ deadline) is under {r.min_probability:.0%}, an open risk scores "
        f"{r.risk_no_go_score} or more, {ponr}, or a gate "
        "was decided NO-GO. GO WITH CONDITIONS when an open risk scores "
        f"{r.risk_conditions_score} or more, something is missing (a team, a lead or contact, a "
        "gate's approvers or rollback), a readiness item is overdue"
        + (", or a team has not signed off" if r.require_signoffs else "")
        + ". Otherwise GO. The thresholds are set under `readiness_rules:` in the runbook.",
    ]


def review_markdown(review: Review) -> str:
    """The post-weekend review for people."""
    plan, zone = review.plan, review.plan.zone

    def when(seconds: int | None) -> str:
        return clock(seconds, zone, with_date=True) if seconds is not None else "—"

    def dur(seconds: int | None) -> str:
        return format_duration(seconds) if seconds is not None else "—"

    def lost(seconds: int) -> str:
        return format_duration(seconds) if seconds else "—"

    def ran(r: ReviewRow) -> str:
        """``2h30m from Sat 05 Dec 10:00``: the work a task did, from its actual start."""
        if r.worked is None or r.actual_start is None:
            return "—"
        return f"{format_duration(r.worked)} from {when(r.actual_start)}"

    out = [
        f"# Review: {md(plan.name)}",
        "",
        f"Generated {when(review.now)} ({plan.timezone}).",
        "",
        *([f"**{note}**", ""] if (note := report_note(plan)) is not None else []),
        "## The weekend",
        "",
    ]
    out += _table(
        ("The weekend", ""),
        [
            ("Baseline finish", when(review.baseline_finish)),
            (
                "Actual finish",
                when(review.actual_finish) if review.actual_finish else "not finished",
            )
            if review.closed is None
            else (
                "Actual finish",
                f"{when(review.closed.at)} (closed by {review.closed.actor})",
            ),
            ("Slip", signed(review.slip)),
            (
                "Deadline",
                when(plan.deadline)
                + (in_runbook_aside(plan, plan.deadline) if plan.deadline else ""),
            ),
            ("Tasks", counts_text(review.progress)),
        ],
    )
    if review.rollback:
        out += ["", "## The rollback: planned against actual", ""]
        out += [
            "Planned: the rollback scheduled from its start (its own critical path).",
            "",
        ]
        out += _table(
            ("Task", "Team", "Status", "Planned", "Actual start", "Actual finish", "Took"),
            [
                (
                    f"{r.id}: {r.title}",
                    r.team,
                    r.status,
                    f"{when(r.planned_start)} – {when(r.planned_finish)}",
                    when(r.actual_start),
                    when(r.actual_finish),
                    dur(r.actual),
                )
                for r in review.rollback
            ],
        )
        if review.suspended:
            out += [
                "",
                f"{count(len(review.suspended), 'forward task')} not done: "
                f"{md((review.suspended[0].reason or '').removeprefix('not done: '))} "
                "(listed under aftercare).",
            ]
    out += ["", "## Root causes of the lateness", "", review.lateness_line]
    if review.root_causes:
        out.append("")
        out += _table(
            ("Task", "Team", "Caused", "Own overrun", "Lost to failures", "Own late start"),
            [
                (
                    f"{c.id}: {c.title}",
                    c.team,
                    dur(c.caused),
                    signed(c.overrun),
                    lost(c.lost),
                    signed(c.late_start),
                )
                for c in review.root_causes
            ],
        )
    out += ["", "## Biggest slips, and where they came from", ""]
    if review.slips:
        out += _table(
            (
                "Task",
                "Finished late by",
                "Own overrun",
                "Lost to failures",
                "Started late by",
                "Came from",
            ),
            [
                (
                    r.id,
                    dur(r.finish_slip),
                    signed(r.own_overrun),
                    lost(r.lost),
                    signed(r.inherited),
                    r.came_from_text,
                )
                for r in review.slips
            ],
        )
    else:
        out.append("Nothing finished later than planned.")
    out += ["", "## Per team", ""]
    out += _table(
        (
            "Team",
            "Tasks",
            "Done",
            "Dropped",
            "Skipped",
            "Planned",
            "Actual",
            "Over",
            "Lost to failures",
        ),
        [
            (
                t.name,
                t.tasks,
                t.done,
                f"{t.dropped} ({t.dropped_must} must!)" if t.dropped_must else t.dropped,
                t.skipped,
                dur(t.planned),
                dur(t.actual),
                signed(t.overrun),
                lost(t.lost),
            )
            for t in review.teams
        ],
    )
    out += ["", "## Aftercare: not finished or dropped", ""]
    if review.closed is not None:
        out += [
            f"The weekend was closed {when(review.closed.at)} by {md(review.closed.actor)}"
            + (f" ({md(review.closed.note)})" if review.closed.note else "")
            + f": {len(review.carried)} open then, carried over.",
            "",
        ]
    if review.aftercare:
        out += _table(
            ("Task", "Status", "Priority", "Team", "Worked", "Why", "Owner", "Due", "Ticket"),
            [
                (
                    f"{r.id}: {r.title}",
                    r.shown_status,
                    r.priority,
                    r.team,
                    ran(r),
                    r.reason,
                    h.owner,
                    when(h.due) if h.due is not None else None,
                    h.ticket,
                )
                for r, h in review.aftercare_items
            ],
        )
        out += [
            "",
            f"No owner yet: {md(', '.join(review.unowned))} "
            "(`runbook aftercare ID --owner TEAM` hands one over)."
            if review.unowned
            else "Every item has an owner.",
        ]
    else:
        out.append("Everything was done or skipped as not needed.")
    out += ["", "## Dropped for time", ""]
    out += (
        _table(
            ("Task", "Team", "Worked", "Why"),
            [(r.id, r.team, ran(r), r.reason) for r in review.dropped],
        )
        if review.dropped
        else ["Nothing was dropped."]
    )
    out += ["", "## Skipped as not needed", ""]
    out += (
        _table(("Task", "Why"), [(r.id, r.reason) for r in review.skipped])
        if review.skipped
        else ["Nothing was skipped."]
    )
    out += ["", "## Revisions during the weekend", ""]
    out += [
        f"- {when(r.at)} · {r.task} · {md(r.what)} · {md(r.actor)}"
        + (f": {md(r.reason)}" if r.reason else "")
        + (" (withdrawn)" if r.withdrawn else "")
        for r in review.revisions
    ] or ["No eta, estimate or pull was recorded."]
    out += ["", "## Runbook revisions", ""]
    out += [
        f"- {when(v.at)} · version {v.number} · {md(v.event.by)}"
        + (f": {md(v.reason)}" if v.reason else " (no reason given)")
        + f" · {md(v.summary or 'no summary recorded')}"
        for v in review.runbook_revisions
    ] or ["The runbook was not revised during the weekend."]
    out += ["", "## Pulled forward", ""]
    out += [
        f"- {when(r.at)} · {r.task} · {md(r.what)} · {md(r.actor)}"
        + (f": {md(r.reason)}" if r.reason else "")
        + (" (withdrawn)" if r.withdrawn else "")
        for r in review.pulls
    ] or ["Nothing was pulled forward."]
    out += ["", "## NO-GO decisions", ""]
    out += [
        f"- {when(e.at)} · {e.task} · {md(e.by)}" + (f": {md(e.note)}" if e.note else "")
        for e in review.nogos
    ] or ["No gate was decided NO-GO."]
    out += ["", "## Estimate accuracy per team", ""]
    out += (
        _table(
            (
                "Team",
                "Done",
                "Within estimate",
                "Median overrun",
                "Worst overrun",
                "Within pessimistic (three-point)",
            ),
            [
                (
                    a.name,
                    a.measured,
                    f"{a.within} ({round(100 * a.share)}%)",
                    signed(a.median_overrun),
                    f"{signed(a.worst_overrun)} ({a.worst_task})"
                    if a.worst_overrun > 0
                    else "none",
                    f"{a.within_pessimistic} of {a.three_point}" if a.three_point else "—",
                )
                for a in review.accuracy
            ],
        )
        if review.accuracy
        else ["No task was done yet: nothing to measure the estimates against."]
    )
    out += ["", "## Lessons learned", ""]
    for group in review.lessons:
        out.append(f"### {md(group.phase_text)} · {md(group.team_name)}")
        out.append("")
        out += [
            f"- {md(x.text)} ({md(x.actor)}, {when(x.at)}" + (f", {md(x.task)})" if x.task else ")")
            for x in group.lessons
        ]
        out.append("")
    if not review.lessons:
        out += ["No lessons recorded yet (`runbook lesson TEXT` records one)."]
    elif out[-1] == "":
        out.pop()
    out += ["", "## Overrides (--force)", ""]
    out += [
        f"- {when(o.at)} · {o.task or 'weekend'} · {md(o.what)} · {md(o.actor)} · "
        + ("recorded against the rules, not forced: " if o.against else "overrode: ")
        + (md(o.overrode) if o.overrode is not None else NOT_RECORDED)
        + (f" · why: {md(o.reason)}" if o.reason else " · no reason given")
        + (" (withdrawn)" if o.withdrawn else "")
        for o in review.forced
    ] or ["Nothing was forced."]
    out += ["", "## Notes from the log", ""]
    out += [
        f"- {when(e.at)} · {e.task or 'weekend'} · {md(e.summary)} · {md(e.actor)}: {md(e.note)}"
        for e in review.notes
    ] or ["No notes."]
    out += ["", "## Planned against actual, per task", ""]
    out += _table(
        (
            "Task",
            "Team",
            "Status",
            "Planned",
            "Actual",
            "Worked",
            "Lost",
            "Planned finish",
            "Actual start",
            "Actual finish",
        ),
        [
            (
                r.id,
                r.team,
                r.status,
                dur(r.planned),
                dur(r.actual),
                dur(r.worked),
                lost(r.lost),
                when(r.planned_finish),
                when(r.actual_start),
                when(r.actual_finish),
            )
            for r in review.rows
        ],
    )
    return "\n".join(out) + "\n"


def aftercare_markdown(review: Review) -> str:
    """``runbook aftercare``: the aftercare list with each item's handover, and which items
    have no owner yet."""
    plan, zone = review.plan, review.plan.zone

    def when(seconds: int | None) -> str | None:
        return clock(seconds, zone, with_date=True) if seconds is not None else None

    out = [f"# Aftercare: {md(plan.name)}", ""]
    if not review.aftercare:
        return "\n".join([*out, "Nothing is left for aftercare."]) + "\n"
    out += _table(
        ("Task", "Status", "Priority", "Team", "Why", "Owner", "Due", "Ticket", "Notes"),
        [
            (
                f"{r.id}: {r.title}",
                r.shown_status,
                r.priority,
                r.team,
                r.reason,
                h.owner,
                when(h.due),
                h.ticket,
                " | ".join(h.notes) or None,
            )
            for r, h in review.aftercare_items
        ],
    )
    out += [
        "",
        f"No owner yet: {md(', '.join(review.unowned))}."
        if review.unowned
        else "Every item has an owner.",
    ]
    return "\n".join(out) + "\n"
