"""The readiness report, the review and the status page as one self-contained HTML file, from
the Jinja2 templates in ``templates/`` (see ``runbook.reports.render.environment``); the
charts are SVG drawn by ``runbook.reports.render.charts``."""

from __future__ import annotations

from runbook.common.display import count
from runbook.format.durations import format_duration, t_plus
from runbook.format.model import Risk
from runbook.planning.montecarlo import Simulation
from runbook.reports.readiness import CONDITIONS, GO, ReadinessReport
from runbook.reports.render import charts
from runbook.reports.render.environment import environment
from runbook.reports.render.markdown import (
    ahead_text,
    checkpoint_line,
    counts_text,
    evidence_figures,
    gate_margin,
    learned_figures,
    recommendation_rules,
    team_factors,
)
from runbook.reports.review import NOT_RECORDED, Review
from runbook.reports.status_page import StatusPage
from runbook.weekend.forecast import DONE, FAILED
from runbook.weekend.views import Headline
from runbook.weekend.views.decisions import given_words
from runbook.weekend.views.rehearsal import occasion, report_note, runbook_time_or_none

__all__ = ["readiness_html", "review_html", "status_html"]

KIND = {"no-go": "nogo", "conditions": "conditions", "info": "info"}
VERDICT_CLASS = {GO: "go", CONDITIONS: "conditions"}  # anything else: nogo
ADVICE = {
    GO: "The documented rules find nothing that stands in the way of the weekend.",
    CONDITIONS: "Go ahead once the conditions below are met.",
}
NO_GO_ADVICE = "Do not start the weekend as planned; the reasons are below."
ORDER = {"no-go": 0, "conditions": 1, "info": 2}


def readiness_html(report: ReadinessReport) -> str:
    """``runbook readiness --format html``: the go/no-go report for the steering committee."""
    plan, sim = report.plan, report.simulation
    verdict = report.recommendation
    context: dict[str, object] = {
        "report": report,
        "plan": plan,
        "sim": sim,
        "findings": sorted(report.findings, key=lambda f: ORDER[f.outcome]),
        "kinds": KIND,
        "verdict_class": VERDICT_CLASS.get(verdict, "nogo"),
        "advice": ADVICE.get(verdict, NO_GO_ADVICE),
        "rehearsal_note": report_note(plan) if plan is not None else None,
    }
    if plan is not None:
        live = report.snapshot is not None
        context |= {
            "zone": plan.zone,
            "live": live,
            "checkpoint": checkpoint_line(report) if live else "",
            "gantt": charts.plan_gantt(report, plan),
            "gantt_legend": [e for e in charts.PLAN_LEGEND if report.gates or e[1] != charts.GATE],
            "rules_text": recommendation_rules(report)[2],
            "risk_kind": lambda risk: _risk_kind(report, risk),
            "ahead_text": ahead_text,
            "gate_margin": gate_margin,
            "given_words": given_words,
            "evidence_figures": evidence_figures,
            "learned_figures": learned_figures,
            "team_factors": team_factors,
        }
        if sim is not None:
            context |= {
                "histogram": charts.finish_histogram(plan, sim, "Forecast" if live else "Plan"),
                "histogram_legend": charts.HISTOGRAM_LEGEND,
                "criticality": _most_critical(sim),
            }
    return environment().get_template("readiness.html.j2").render(context) + "\n"


def _risk_kind(report: ReadinessReport, risk: Risk) -> str:
    """The colour of an open risk's score by the readiness rules' thresholds (none if closed)."""
    rules = report.rules
    if risk.status != "open":
        return ""
    if risk.score >= rules.risk_no_go_score:
        return "nogo"
    return "conditions" if risk.score >= rules.risk_conditions_score else "info"


def _most_critical(sim: Simulation) -> list[int]:
    """The ten tasks most often on the critical path (of those ever on it)."""
    top = sorted(range(len(sim.criticality)), key=lambda i: -sim.criticality[i])[:10]
    return [i for i in top if sim.criticality[i] > 0]


def review_html(review: Review) -> str:
    """``runbook review --format html``: the weekend, planned against actual."""
    plan = review.plan
    context = {
        "review": review,
        "plan": plan,
        "zone": plan.zone,
        "other_counts": counts_text(review.progress, leave_out=DONE),
        "failed": FAILED,
        "gantt": charts.review_gantt(review),
        "gantt_legend": charts.REVIEW_LEGEND,
        "not_recorded": NOT_RECORDED,
        "rehearsal_note": report_note(plan),
    }
    return environment().get_template("review.html.j2").render(context) + "\n"


STATUS_CLASS = {"AHEAD": "go", "ON PLAN": "go", "BEHIND": "conditions"}
# The banner's label for each headline state that leads over ahead/behind (CLOSED: "The
# weekend", or "The rehearsal").
STATUS_LABEL = {
    Headline.ROLLING_BACK: "Rollback",
    Headline.NO_GO: "Go / no-go",
}


def status_html(page: StatusPage) -> str:
    """``runbook status --format html``: the status page for the people who only watch. Its
    banner is the headline (CLOSED, an open NO-GO, else ahead or behind); ahead or behind
    follows a state that leads."""
    plan, v, said = page.plan, page.verdict, page.lead
    late = v.spare is not None and v.spare < 0
    if v.closed is not None:
        pace = f"{v.pace} against the baseline"
    elif late:
        pace = "The forecast finish is past the deadline."
    elif v.word == "ON PLAN":
        pace = f"The {occasion(plan)} runs as planned."
    else:
        pace = f"The forecast finish is {v.amount} {v.word.lower()} of the baseline's."
    if said.state == Headline.CLOSED:
        left = page.aftercare.count if page.aftercare is not None else 0
        carried = f"; {count(left, 'task')} carried to aftercare" if left else ""
        advice = f"Closed {said.detail} ({pace}{carried})."
        verdict_class = "nogo" if late else "go"
    elif said.leads_over_pace:
        held = f"; {said.held}" if said.held else ""
        advice = f"{said.detail}. Against the plan: {v.pace}{held} — {pace}"
        verdict_class = "nogo"
    else:
        advice = f"{said.detail[:1].upper()}{said.detail[1:]}. {pace}" if said.detail else pace
        verdict_class = "nogo" if late or page.no_gos else STATUS_CLASS[v.word]
    context = {
        "page": page,
        "plan": plan,
        "zone": plan.zone,
        "t_plus": t_plus(page.now, plan.start),
        "verdict_class": verdict_class,
        "verdict_label": (
            f"The {occasion(plan)}"
            if said.state == Headline.CLOSED
            else STATUS_LABEL.get(said.state, "Against the plan")
        ),
        "verdict_text": said.badge,
        "advice": advice,
        "spare_text": "" if v.spare is None else format_duration(abs(v.spare)),
        "timeline": charts.status_timeline(
            page.snapshot, page.ponr.point if page.ponr is not None else None
        ),
        "timeline_legend": charts.STATUS_LEGEND,
        # A rehearsal on its own date: said under the title, and the runbook's time beside
        # the moments that matter (now, the finish, the deadline, the point of no return).
        "rehearsal_note": report_note(plan),
        "in_runbook": lambda moment: runbook_time_or_none(plan, moment),
    }
    return environment().get_template("status.html.j2").render(context) + "\n"
