"""The readiness report and the review as one self-contained HTML file: inline CSS and
hand-built SVG charts; no scripts, fonts, images or links to fetch, so it survives e-mail
and prints well. Every text from the runbook is escaped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from runbook.durations import clock, format_duration
from runbook.montecarlo import Simulation
from runbook.plan import Plan
from runbook.report import svg
from runbook.report.markdown import _rules as rules_markdown
from runbook.report.markdown import _signed
from runbook.report.readiness import CONDITIONS, GO, ItemRow, ReadinessReport
from runbook.report.review import Review
from runbook.report.svg import esc
from runbook.state import DONE, FAILED

KIND = {"no-go": "nogo", "conditions": "conditions", "info": "info"}
VERDICT_CLASS = {GO: "go", CONDITIONS: "conditions"}  # anything else: nogo
ADVICE = {
    GO: "The documented rules find nothing that stands in the way of the weekend.",
    CONDITIONS: "Go ahead once the conditions below are met.",
}
NO_GO_ADVICE = "Do not start the weekend as planned; the reasons are below."

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#eef1f4;color:#1f2933;font:14px/1.5 system-ui,-apple-system,"Segoe UI",
Roboto,Helvetica,Arial,sans-serif}
main{max-width:1220px;margin:24px auto;background:#fff;padding:32px 40px 28px;border-radius:8px;
box-shadow:0 1px 4px rgba(0,0,0,.12)}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:#616e7c;font-weight:600}
h1{font-size:27px;margin:2px 0 4px;line-height:1.25}
h2{font-size:19px;margin:36px 0 12px;padding-bottom:6px;border-bottom:2px solid #e4e7eb}
h3{font-size:15px;margin:18px 0 6px}
p{margin:6px 0 10px}.meta{color:#616e7c;font-size:13px;margin:0}
.banner{margin:22px 0;padding:18px 24px;border-radius:8px;border-left:14px solid}
.banner.go{background:#e8f5e9;border-color:#2e7d32}.banner.go .verdict{color:#1b5e20}
.banner.conditions{background:#fff4e5;border-color:#e08600}
.banner.conditions .verdict{color:#a35200}
.banner.nogo{background:#fdecea;border-color:#c62828}.banner.nogo .verdict{color:#b71c1c}
.banner .label{font-size:12px;text-transform:uppercase;letter-spacing:.08em;font-weight:600;
color:#52606d}
.verdict{font-size:36px;font-weight:800;letter-spacing:.02em;line-height:1.15}
.advice{font-size:16px;margin:4px 0 12px}
.banner ul{margin:0;padding:0;list-style:none}
.banner li{margin:5px 0;display:flex;gap:10px;align-items:baseline}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:11px;font-weight:700;
letter-spacing:.03em;white-space:nowrap;background:#e4e7eb;color:#3e4c59}
.banner .badge{min-width:100px;text-align:center}
.badge.nogo{background:#c62828;color:#fff}.badge.conditions{background:#e08600;color:#fff}
.badge.go{background:#2e7d32;color:#fff}.badge.info{background:#d9e2ec;color:#334e68}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;
margin:0 0 8px}
.figure{border:1px solid #e4e7eb;border-radius:8px;padding:10px 14px}
.figure .k{font-size:11px;color:#616e7c;text-transform:uppercase;letter-spacing:.06em;
font-weight:600}
.figure .v{font-size:21px;font-weight:700;white-space:nowrap}
.figure .s{font-size:12px;color:#616e7c}
.figure.bad .v{color:#b71c1c}.figure.good .v{color:#1b5e20}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
th{text-align:left;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:#616e7c;
border-bottom:2px solid #e4e7eb;padding:6px 8px;vertical-align:bottom}
td{border-bottom:1px solid #e4e7eb;padding:6px 8px;vertical-align:top}
tbody tr:nth-child(even) td{background:#fafbfc}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.when{white-space:nowrap}
code,.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.id{font-weight:600;white-space:nowrap}.sub{color:#616e7c}
.chart{margin:10px 0}.chart svg{display:block;width:100%;height:auto}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:12px;color:#52606d;margin:4px 0}
.legend i{display:inline-block;width:18px;height:10px;border-radius:2px;margin-right:6px;
vertical-align:-1px}
.legend i.d{width:10px;height:10px;transform:rotate(45deg);border-radius:1px}
.legend i.l{width:3px;height:14px;vertical-align:-3px;border-radius:0}
.path{display:flex;flex-wrap:wrap;gap:4px 6px;align-items:center}
.path .step{background:#fdecea;color:#b71c1c;border-radius:4px;padding:1px 7px}
.path .arrow{color:#9aa5b1}
.probability{display:flex;gap:24px;align-items:center;flex-wrap:wrap}
.probability .chart{flex:3 1 600px}
.bigp{flex:1 1 220px;text-align:center;border-radius:10px;padding:18px 14px;border:2px solid}
.bigp.ok{border-color:#2e7d32;background:#e8f5e9}.bigp.ok .v{color:#1b5e20}
.bigp.low{border-color:#c62828;background:#fdecea}.bigp.low .v{color:#b71c1c}
.bigp.none{border-color:#9aa5b1;background:#f5f7fa}
.bigp .k{font-size:17px;font-weight:700}.bigp .v{font-size:60px;font-weight:800;line-height:1.1}
.bigp .s{font-size:12px;color:#52606d}
.meter{background:#eceff1;border-radius:3px;height:8px;width:140px;display:inline-block;
vertical-align:middle;margin-right:8px}.meter b{display:block;height:100%;border-radius:3px;
background:#c62828}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px}
.card{border:1px solid #e4e7eb;border-radius:8px;padding:10px 14px;break-inside:avoid}
ul.criteria{margin:6px 0 0;padding-left:0;list-style:none;font-size:13px}
ul.criteria li{padding-left:1.4em;text-indent:-1.4em;margin:3px 0}
ul.criteria li:before{content:"\\2610\\00a0\\00a0"}
.note{color:#52606d;font-size:13px}
footer{margin-top:36px;color:#616e7c;font-size:12px;border-top:1px solid #e4e7eb;padding-top:10px}
@page{size:A4 landscape;margin:12mm}
@media print{body{background:#fff;font-size:10pt}main{box-shadow:none;margin:0;max-width:none;
padding:0}h2{break-after:avoid}tr,.figure,.banner,.bigp,.legend{break-inside:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


class Html(str):
    """Markup that is already escaped: table cells pass it through as it is."""


def _cell(value: object) -> str:
    if isinstance(value, Html):
        return value
    return "—" if value is None or value == "" else esc(value)


def _table(
    head: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    numeric: Sequence[int] = (),
) -> Html:
    """A table; the columns in ``numeric`` are right-aligned."""

    def row(cells: Sequence[object], cell: str) -> str:
        return (
            "<tr>"
            + "".join(
                f"<{cell}{' class=num' if i in numeric else ''}>{_cell(v) if cell == 'td' else v}"
                f"</{cell}>"
                for i, v in enumerate(cells)
            )
            + "</tr>"
        )

    body = "".join(row(r, "td") for r in rows)
    return Html(
        f"<table><thead>{row([esc(h) for h in head], 'th')}</thead><tbody>{body}</tbody></table>"
    )


def _code(text: str) -> Html:
    """Text with Markdown's `code` spans as <code>."""
    return Html(re.sub(r"`([^`]+)`", r"<code>\1</code>", esc(text)))


def _badge(text: str, kind: str = "") -> Html:
    return Html(f'<span class="badge {kind}">{esc(text)}</span>')


def _id(task_id: str, title: str | None = None) -> Html:
    sub = f' <span class="sub">{esc(title)}</span>' if title else ""
    return Html(f'<span class="id">{esc(task_id)}</span>{sub}')


def _when(plan: Plan, seconds: int | None) -> Html | None:
    if seconds is None:
        return None
    return Html(f'<span class="when">{esc(clock(seconds, plan.zone, with_date=True))}</span>')


def _figure(key: str, value: str, sub: str = "", kind: str = "") -> str:
    return (
        f'<div class="figure {kind}"><div class="k">{esc(key)}</div>'
        f'<div class="v">{esc(value)}</div><div class="s">{esc(sub)}</div></div>'
    )


def _section(title: str, *parts: str) -> str:
    anchor = re.sub(r"[^a-z]+", "-", title.lower().split(",")[0]).strip("-")
    return f"<section id='{anchor}'><h2>{esc(title)}</h2>{''.join(parts)}</section>"


def _legend(items: Sequence[tuple[str, str, str]]) -> str:
    """Legend entries: (css shape class: '', 'd' diamond or 'l' line, colour, text)."""
    return (
        '<div class="legend">'
        + "".join(
            f'<span><i class="{shape}" style="background:{colour}"></i>{esc(text)}</span>'
            for shape, colour, text in items
        )
        + "</div>"
    )


def _page(kicker: str, title: str, meta: str, body: Sequence[str], footer: str) -> str:
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{esc(kicker)}: {esc(title)}</title><style>{CSS}</style></head><body><main>"
        f"<header><div class='kicker'>{esc(kicker)}</div><h1>{esc(title)}</h1>"
        f"<p class='meta'>{meta}</p></header>{''.join(body)}"
        f"<footer>{footer}</footer></main></body></html>\n"
    )


def _banner(kind: str, label: str, verdict: str, advice: str, reasons: Sequence[str]) -> str:
    items = "".join(f"<li>{r}</li>" for r in reasons)
    return (
        f'<div class="banner {kind}" role="status"><div class="label">{esc(label)}</div>'
        f'<div class="verdict">{esc(verdict)}</div><p class="advice">{esc(advice)}</p>'
        f"{f'<ul>{items}</ul>' if items else ''}</div>"
    )


# --- The readiness report ---------------------------------------------------------------


def readiness_html(report: ReadinessReport) -> str:
    """``runbook readiness --format html``: the go/no-go report for the steering committee."""
    plan = report.plan
    verdict = report.recommendation
    order = {"no-go": 0, "conditions": 1, "info": 2}
    reasons = [
        f"{_badge(f.outcome.upper(), KIND[f.outcome])} <span>{_code(f.message)}</span>"
        for f in sorted(report.findings, key=lambda f: order[f.outcome])
    ]
    banner = _banner(
        VERDICT_CLASS.get(verdict, "nogo"),
        "Recommendation",
        verdict,
        ADVICE.get(verdict, NO_GO_ADVICE),
        reasons or ["no findings"],
    )
    footer = f"Generated by runbook from <code>{esc(report.source)}</code>."
    if plan is None:
        meta = f"<code>{esc(report.source)}</code>"
        return _page("Go/no-go readiness", report.source, meta, [banner, _invalid(report)], footer)
    meta = (
        f"Generated {esc(clock(report.now, plan.zone, with_date=True))} "
        f"({esc(plan.timezone)}) from <code>{esc(report.source)}</code>"
    )
    sim = report.simulation
    body = [
        banner,
        _key_figures(report, plan, sim),
        _runbook_section(report, plan),
        _schedule_section(report, plan),
        _gates_section(report, plan),
    ]
    if sim is not None:
        body.append(_probability_section(report, plan, sim))
    body += [
        _rehearsal_section(report),
        _risks_section(report),
        _items_section(report, plan),
        _signoffs_section(report, plan),
        _section("How the recommendation is made", f"<p>{_code(rules_markdown(report)[2])}</p>"),
    ]
    if sim is not None:
        footer += (
            f" Simulation: {sim.runs:,} runs, seed {sim.seed}, Beta-PERT per three-point estimate."
        )
    return _page("Go/no-go readiness", plan.name, meta, body, footer)


def _invalid(report: ReadinessReport) -> str:
    errors = report.validation.errors
    rows = [
        (Html(f"<code>{esc(p.location(report.source))}</code>"), p.message) for p in errors[:50]
    ]
    more = f"<p class='note'>… and {len(errors) - 50} more.</p>" if len(errors) > 50 else ""
    return _section(
        "Runbook",
        f"<p>The runbook is <strong>not valid</strong>: {len(errors)} "
        "error(s). Run <code>runbook validate</code> for the details.</p>",
        _table(("Where", "Problem"), rows),
        more,
    )


def _key_figures(report: ReadinessReport, plan: Plan, sim: Simulation | None) -> str:
    zone = plan.zone
    buffer = plan.buffer
    cells = [
        _figure("Planned start", clock(plan.start, zone), clock(plan.start, zone, with_date=True)),
        _figure(
            "Planned finish", clock(plan.finish, zone), clock(plan.finish, zone, with_date=True)
        ),
        _figure(
            "Deadline",
            clock(plan.deadline, zone) if plan.deadline else "none",
            clock(plan.deadline, zone, with_date=True) if plan.deadline else "",
        ),
        _figure(
            "Buffer",
            _signed(buffer),
            "to the deadline",
            "" if buffer is None else "bad" if buffer < 0 else "good",
        ),
    ]
    if sim is not None and sim.p_on_time is not None:
        ok = sim.p_on_time >= report.rules.min_probability
        cells.append(
            _figure(
                "Chance on time",
                f"{sim.p_on_time:.0%}",
                f"P(finish ≤ deadline); rules ask {report.rules.min_probability:.0%}",
                "good" if ok else "bad",
            )
        )
    cells.append(_figure("Gates", str(len(report.gates)), "go/no-go decisions"))
    return f'<div class="figures">{"".join(cells)}</div>'


def _runbook_section(report: ReadinessReport, plan: Plan) -> str:
    teams = len({t.team for t in plan.tasks if t.team})
    text = (
        f"<p>Valid: {len(plan.tasks)} tasks, {teams} teams, {len(plan.gates)} gates, "
        f"{len(report.validation.warnings)} warning(s).</p>"
    )
    missing = ""
    if report.missing:
        items = "".join(f"<li>{esc(m)}</li>" for m in report.missing)
        missing = f"<h3>Missing</h3><ul>{items}</ul>"
    return _section("Runbook", text, missing)


def _chart(chart: svg.Chart, legend: Sequence[tuple[str, str, str]], left_out: str) -> str:
    """A Gantt chart with its legend, and a note on the tasks it leaves out."""
    note = (
        f"<p class='note'>{chart.shown} of {chart.total} tasks shown; {left_out}.</p>"
        if chart.shown < chart.total
        else ""
    )
    return f"{_legend(legend)}<div class='chart'>{chart.svg}</div>{note}"


def _schedule_section(report: ReadinessReport, plan: Plan) -> str:
    steps = [
        f'<span class="step id" title="{esc(plan.tasks[i].title)}">{esc(plan.tasks[i].id)}</span>'
        for i in plan.critical_path
    ]
    path = '<span class="arrow">→</span>'.join(steps) or "none"
    gantt = _chart(
        svg.plan_gantt(report, plan),
        [e for e in svg.PLAN_LEGEND if report.gates or e[1] != svg.GATE],
        "the tasks with more float than the near-critical ones are left out",
    )
    parts = [gantt, f"<h3>Critical path ({len(steps)} tasks)</h3><div class='path'>{path}</div>"]
    if report.near_critical:
        limit = format_duration(report.rules.near_critical_minutes * 60)
        rows = [
            (_id(i, plan.tasks[plan.index[i]].title), format_duration(f))
            for i, f in report.near_critical
        ]
        parts.append(
            f"<h3>Near-critical tasks (float under {esc(limit)})</h3>"
            + _table(("Task", "Float"), rows, numeric=(1,))
        )
    return _section("Schedule", *parts)


def _gates_section(report: ReadinessReport, plan: Plan) -> str:
    if not report.gates:
        return _section(
            "Gates and points of no return", "<p>The runbook has no go/no-go gates.</p>"
        )
    rows, cards = [], []
    for g in report.gates:
        rollback = esc(
            format_duration(g.ponr.rollback) if g.ponr.rollback is not None else "not given"
        )
        if g.rollback_tasks:
            rollback += (
                f"<div class='sub' title='{esc(', '.join(g.rollback_tasks))}'>"
                f"{len(g.rollback_tasks)} rollback tasks</div>"
            )
        margin = g.ponr.margin
        decision = (
            _badge(g.decision.upper(), "go" if g.decision == "go" else "nogo")
            if g.decision
            else _badge("NOT DECIDED")
        )
        rows.append(
            (
                _id(g.id, g.title),
                _when(plan, g.ponr.planned),
                Html(rollback),
                _when(plan, g.ponr.point),
                _badge(_signed(margin), "nogo") if (margin or 0) < 0 else _signed(margin),
                ", ".join(g.approvers) or None,
                Html(f"{decision}" + (f" {esc(g.decided_by)}" if g.decided_by else "")),
            )
        )
        criteria = "".join(f"<li>{esc(c)}</li>" for c in g.criteria) or "<li>none given</li>"
        cards.append(
            f"<div class='card'><div>{_id(g.id, g.title)}</div>"
            f"<ul class='criteria'>{criteria}</ul></div>"
        )
    text = (
        "<p>A gate's point of no return is the deadline minus its rollback time: after it, "
        "a NO-GO can no longer roll back inside the window. The margin is the time from the "
        "planned gate to its point of no return.</p>"
    )
    table = _table(
        ("Gate", "Planned", "Rollback", "Point of no return", "Margin", "Approvers", "Decision"),
        rows,
        numeric=(4,),
    )
    return _section(
        "Gates and points of no return",
        text,
        table,
        f"<h3>Criteria for GO</h3><div class='cards'>{''.join(cards)}</div>",
    )


def _probability_section(report: ReadinessReport, plan: Plan, sim: Simulation) -> str:
    chart = svg.finish_histogram(plan, sim)
    if sim.p_on_time is None:
        big = (
            '<div class="bigp none"><div class="k">No deadline</div>'
            '<div class="s">the runbook sets no deadline to measure against</div></div>'
        )
    else:
        kind = "ok" if sim.p_on_time >= report.rules.min_probability else "low"
        big = (
            f'<div class="bigp {kind}"><div class="k">P(finish ≤ deadline) =</div>'
            f'<div class="v">{sim.p_on_time:.0%}</div><div class="s">of {sim.runs:,} '
            "simulated weekends finish by the deadline; the rules ask for at least "
            f"{report.rules.min_probability:.0%}</div></div>"
        )
    intro = (
        f"<p><strong>P(finish ≤ deadline) = {sim.p_on_time:.0%}</strong> "
        if sim.p_on_time is not None
        else "<p>"
    ) + (f"({sim.runs:,} runs, seed {sim.seed}, Beta-PERT per three-point estimate).</p>")
    flat = (
        (
            "<p class='note'>No task has a three-point estimate, so every run finishes at the "
            "plan's finish: add <code>estimate: {optimistic, pessimistic}</code> to the uncertain "
            "tasks.</p>"
        )
        if sim.earliest == sim.latest
        else ""
    )
    legend = _legend(svg.HISTOGRAM_LEGEND)
    figures = _table(
        ("P50", "P80", "P95", "Plan", "Mean", "Range"),
        [
            (
                _when(plan, sim.p50),
                _when(plan, sim.p80),
                _when(plan, sim.p95),
                _when(plan, sim.deterministic_finish),
                _when(plan, sim.mean),
                Html(f"{_when(plan, sim.earliest)} – {_when(plan, sim.latest)}"),
            )
        ],
    )
    return _section(
        "Probability of finishing inside the window",
        intro,
        f"<div class='probability'><div class='chart'>{legend}{chart}</div>{big}</div>",
        flat,
        figures,
        _criticality(plan, sim),
    )


def _criticality(plan: Plan, sim: Simulation) -> str:
    top = sorted(range(len(plan.tasks)), key=lambda i: -sim.criticality[i])[:10]
    rows = [
        (
            _id(plan.tasks[i].id, plan.tasks[i].title),
            Html(
                f"<span class='meter'><b style='width:{sim.criticality[i]:.0%}'></b></span>"
                f"{sim.criticality[i]:.0%}"
            ),
        )
        for i in top
        if sim.criticality[i] > 0
    ]
    if not rows:
        return ""
    return (
        "<h3>Most often on the critical path</h3><p class='note'>The share of simulated "
        "weekends in which the task was on the critical path.</p>"
        + _table(("Task", "Criticality"), rows)
    )


def _rehearsal_section(report: ReadinessReport) -> str:
    r = report.rehearsal
    if r is None:
        return ""
    text = (
        f"<p>From <code>{esc(r.source)}</code>: {len(r.tasks)} tasks rehearsed, "
        f"{len(r.not_done)} not done in the rehearsal.</p>"
    )
    if not r.overruns:
        return _section("Rehearsal evidence", text)
    rows = [
        (
            _id(e.id, e.title),
            format_duration(e.planned),
            format_duration(e.actual),
            format_duration(e.overrun),
            f"{format_duration(e.optimistic)} / "
            f"{format_duration(e.suggested)} / {format_duration(e.pessimistic)}",
        )
        for e in r.overruns[:10]
    ]
    return _section(
        "Rehearsal evidence",
        text,
        "<h3>Overran most, and what to plan next time</h3>",
        _table(
            ("Task", "Planned", "Actual", "Over", "Suggested o / m / p"), rows, numeric=(1, 2, 3, 4)
        ),
    )


def _risks_section(report: ReadinessReport) -> str:
    if not report.risks:
        return _section("Risks", "<p>No risks registered.</p>")
    rules = report.rules

    def score(value: int, status: str) -> Html:
        kind = (
            ""
            if status != "open"
            else (
                "nogo"
                if value >= rules.risk_no_go_score
                else "conditions"
                if value >= rules.risk_conditions_score
                else "info"
            )
        )
        return _badge(str(value), kind)

    rows = [
        (
            _id(r.id, r.title),
            score(r.score, r.status),
            f"{r.likelihood} × {r.impact}",
            r.status,
            r.owner,
            r.mitigation,
            ", ".join(r.tasks) or None,
        )
        for r in report.risks
    ]
    return _section(
        "Risks",
        "<p class='note'>Ranked: open risks first, highest score (likelihood × impact) first.</p>",
        _table(
            ("Risk", "Score", "L × I", "Status", "Owner", "Mitigation", "Tasks"),
            rows,
            numeric=(1, 2),
        ),
    )


def _items_section(report: ReadinessReport, plan: Plan) -> str:
    if not report.items:
        return _section("Readiness items", "<p>No readiness items.</p>")

    def done(item: ItemRow) -> Html:
        if item.done_by:
            return Html(f"{_badge('DONE', 'go')} {esc(item.done_by)}, {_when(plan, item.done_at)}")
        return _badge("OVERDUE", "nogo") if item.overdue else _badge("OPEN")

    rows = [(_id(i.id, i.title), i.owner, _when(plan, i.due), done(i)) for i in report.items]
    return _section("Readiness items", _table(("Item", "Owner", "Due", "Done"), rows))


def _signoffs_section(report: ReadinessReport, plan: Plan) -> str:
    rows = [
        (
            s.name,
            s.lead,
            Html(f"{_badge('SIGNED OFF', 'go')} {esc(s.by)}, {_when(plan, s.at)}")
            if s.by
            else _badge("NOT YET"),
        )
        for s in report.signoffs
    ]
    return _section("Team sign-offs", _table(("Team", "Lead", "Signed off"), rows))


# --- The review -------------------------------------------------------------------------


def review_html(review: Review) -> str:
    """``runbook review --format html``: the weekend, planned against actual."""
    plan = review.plan
    meta = f"Generated {esc(clock(review.now, plan.zone, with_date=True))} ({esc(plan.timezone)})"
    body = [
        _review_banner(review),
        _review_figures(review),
        _slips_section(review),
        _teams_section(review),
        _review_chart(review),
        _aftercare_section(review),
        _notes_section(review),
        _tasks_section(review),
    ]
    return _page("Review of the weekend", plan.name, meta, body, "Generated by runbook.")


def _review_banner(review: Review) -> str:
    plan, zone = review.plan, review.plan.zone
    deadline, finish = plan.deadline, review.actual_finish
    if finish is None:
        open_ = len(review.aftercare)
        return _banner(
            "conditions",
            "Outcome",
            "NOT FINISHED",
            f"{open_} task(s) not finished: they are listed under aftercare.",
            [],
        )
    late = deadline is not None and finish > deadline
    slip = review.slip or 0
    parts = [
        f"Finished {clock(finish, zone, with_date=True)}",
        f"{format_duration(abs(slip))} {'later' if slip > 0 else 'earlier'} than planned"
        if slip
        else "as planned",
    ]
    if deadline is not None:
        parts.append(
            f"{format_duration(abs(deadline - finish))} "
            f"{'after' if late else 'before'} the deadline"
        )
    verdict = (
        "FINISHED AFTER THE DEADLINE"
        if late
        else "FINISHED INSIDE THE WINDOW"
        if deadline is not None
        else "FINISHED"
    )
    return _banner("nogo" if late else "go", "Outcome", verdict, ", ".join(parts) + ".", [])


def _review_figures(review: Review) -> str:
    zone = review.plan.zone
    slip = review.slip
    done = review.counts.get(DONE, 0)
    cells = [
        _figure(
            "Planned finish",
            clock(review.baseline_finish, zone),
            clock(review.baseline_finish, zone, with_date=True),
        ),
        _figure(
            "Actual finish",
            clock(review.actual_finish, zone) if review.actual_finish else "not finished",
            clock(review.actual_finish, zone, with_date=True) if review.actual_finish else "",
        ),
        _figure(
            "Slip",
            _signed(slip),
            "against the baseline",
            "" if slip is None else "bad" if slip > 0 else "good",
        ),
        _figure(
            "Deadline",
            clock(review.plan.deadline, zone) if review.plan.deadline else "none",
            clock(review.plan.deadline, zone, with_date=True) if review.plan.deadline else "",
        ),
        _figure(
            "Tasks done",
            f"{done} / {len(review.rows)}",
            ", ".join(f"{n} {s}" for s, n in review.counts.items() if n and s != DONE),
        ),
    ]
    return f'<div class="figures">{"".join(cells)}</div>'


def _review_chart(review: Review) -> str:
    chart = _chart(
        svg.review_gantt(review),
        svg.REVIEW_LEGEND,
        "the tasks done without slipping, off the critical path, are left out",
    )
    return _section("Planned against actual", chart)


def _slips_section(review: Review) -> str:
    if not review.slips:
        return _section("Biggest slips", "<p>Nothing finished later than planned.</p>")
    rows = [
        (
            _id(r.id, r.title),
            format_duration(r.finish_slip or 0),
            _signed(r.own_overrun),
            _signed(r.inherited),
            _id(r.came_from)
            if r.came_from
            else ("its own duration" if (r.own_overrun or 0) > 0 else None),
        )
        for r in review.slips
    ]
    return _section(
        "Biggest slips, and where they came from",
        _table(
            ("Task", "Finished late by", "Own overrun", "Started late by", "Came from"),
            rows,
            numeric=(1, 2, 3),
        ),
    )


def _teams_section(review: Review) -> str:
    rows = [
        (
            t.name,
            t.tasks,
            t.done,
            format_duration(t.planned),
            format_duration(t.actual),
            _badge(_signed(t.overrun), "conditions") if t.overrun > 0 else _signed(t.overrun),
        )
        for t in review.teams
    ]
    return _section(
        "Per team",
        _table(
            ("Team", "Tasks", "Done", "Planned", "Actual", "Over"), rows, numeric=(1, 2, 3, 4, 5)
        ),
    )


def _aftercare_section(review: Review) -> str:
    plan = review.plan
    after = (
        _table(
            ("Task", "Status", "Team", "Why"),
            [
                (
                    _id(r.id, r.title),
                    _badge(r.status.upper(), "nogo" * (r.status == FAILED)),
                    plan.team_name(r.team),
                    r.reason,
                )
                for r in review.aftercare
            ],
        )
        if review.aftercare
        else "<p>Everything was done or skipped.</p>"
    )
    skipped = (
        _table(("Task", "Why"), [(_id(r.id, r.title), r.reason) for r in review.skipped])
        if review.skipped
        else "<p>Nothing was skipped.</p>"
    )
    return _section("Aftercare: not finished", after) + _section("Skipped", skipped)


def _notes_section(review: Review) -> str:
    if not review.notes:
        return _section("Notes from the log", "<p>No notes.</p>")
    rows = [
        (_when(review.plan, e.at), _id(e.task) if e.task else "weekend", e.summary, e.actor, e.note)
        for e in review.notes
    ]
    return _section("Notes from the log", _table(("When", "Task", "What", "Who", "Note"), rows))


def _tasks_section(review: Review) -> str:
    plan = review.plan
    rows = [
        (
            _id(r.id, r.title),
            plan.team_name(r.team),
            r.status,
            format_duration(r.planned),
            format_duration(r.actual) if r.actual is not None else None,
            _when(plan, r.planned_finish),
            _when(plan, r.actual_finish),
            _signed(r.finish_slip) if r.finish_slip is not None else None,
        )
        for r in review.rows
    ]
    return _section(
        "Planned against actual, per task",
        _table(
            (
                "Task",
                "Team",
                "Status",
                "Planned",
                "Actual",
                "Planned finish",
                "Actual finish",
                "Slip",
            ),
            rows,
            numeric=(3, 4, 7),
        ),
    )
