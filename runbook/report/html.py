"""The readiness report and the review as one self-contained HTML file (no external assets)."""

from __future__ import annotations

import html

from runbook.report.markdown import readiness_markdown, review_markdown
from runbook.report.readiness import ReadinessReport
from runbook.report.review import Review


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body><pre>{body}</pre></body></html>"
    )


def readiness_html(report: ReadinessReport) -> str:
    """Placeholder until the real renderer lands: the Markdown, escaped."""
    return _page("Readiness", html.escape(readiness_markdown(report)))


def review_html(review: Review) -> str:
    """Placeholder until the real renderer lands: the Markdown, escaped."""
    return _page("Review", html.escape(review_markdown(review)))
