"""The HTML reports as people read them, in a real headless Chromium: the readiness report on a
phone (no sideways scrolling), printed to PDF for the steering committee (the recommendation
and its findings on page 1, every folded section open), and every text at WCAG AA contrast
(4.5:1), measured from the computed styles and by axe-core where it is installed."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from runbook.reports.readiness import ReadinessReport
from runbook.reports.render.html import readiness_html

from .conftest import EXAMPLES
from .test_report_html import _browser, _report, needs_browser, small, weekend_review
from .test_status_page import _page, mid_flight

__all__ = ["mid_flight", "small", "weekend_review"]  # fixtures used by name

pytestmark = needs_browser

REQUIRED = bool(os.environ.get("RUNBOOK_REQUIRE_BROWSER"))
PDFTOTEXT = shutil.which("pdftotext")
# `.ci/run` installs poppler-utils and axe-core (from the npm registry) and says where.
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None and not REQUIRED,
    reason="no pdftotext installed (Debian: apt-get install poppler-utils)",
)
AXE = os.environ.get("RUNBOOK_AXE_CORE", "")
needs_axe = pytest.mark.skipif(
    not AXE and not REQUIRED,
    reason="axe-core not installed (npm install axe-core; RUNBOOK_AXE_CORE=.../axe.min.js)",
)
CONTRAST_JS = Path(__file__).with_name("contrast.js")
OVERFLOW_CHECK = (
    "<script>document.body.setAttribute('data-overflow', String("
    "document.documentElement.scrollWidth - window.innerWidth));</script></body>"
)


@pytest.fixture(scope="module")
def example() -> ReadinessReport:
    """The example weekend's readiness two days before: GO WITH CONDITIONS, with open risks
    and overdue readiness items (warning badges), three gates and the phases' Gantt."""
    report = _report(EXAMPLES / "cloud-migration-weekend.yaml")
    assert report.recommendation == "GO WITH CONDITIONS"
    return report


def _with_script(page: str, script: str, tmp_path: Path, name: str) -> str:
    """The DOM the browser builds from a copy of ``page`` with ``script`` run at its end."""
    path = tmp_path / f"{name}.html"
    path.write_text(page.replace("</body>", script), encoding="utf-8")
    dom = _browser("--window-size=1280,900", "--dump-dom", path.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    return dom.stdout


def _words(text: str) -> str:
    return " ".join(text.replace("`", "").split())


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_the_readiness_report_fits_a_phone_without_sideways_scrolling(
    example, tmp_path, width, height
):
    page = readiness_html(example)
    # The gate table (its approvers) and the percentiles' table were wider than a phone: on
    # one a row is a card of labelled lines.
    assert 'data-label="Approvers"' in page and 'data-label="P95"' in page
    checked = tmp_path / "checked.html"
    checked.write_text(page.replace("</body>", OVERFLOW_CHECK), encoding="utf-8")
    dom = _browser(f"--window-size={width},{height}", "--dump-dom", checked.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    overflow = re.search(r'data-overflow="(-?\d+)"', dom.stdout)
    assert overflow is not None, dom.stdout[-500:]
    assert int(overflow.group(1)) <= 0


@needs_pdftotext
def test_printed_to_pdf_page_one_carries_the_recommendation_and_every_finding(example, tmp_path):
    assert PDFTOTEXT is not None
    page = tmp_path / "readiness.html"
    page.write_text(readiness_html(example), encoding="utf-8")
    pdf = tmp_path / "readiness.pdf"
    printed = _browser("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert printed.returncode == 0 and pdf.exists(), printed.stderr[-2000:]

    def text(*pages: str) -> str:
        out = subprocess.run(
            [PDFTOTEXT, *pages, str(pdf), "-"], capture_output=True, text=True, check=True
        )
        return _words(out.stdout)

    first = text("-f", "1", "-l", "1")
    assert "GO WITH CONDITIONS" in first
    assert len(example.findings) > 10
    for finding in example.findings:
        assert _words(finding.message) in first, finding.message
    # The phases of the Gantt print unfolded: every task is drawn, each in its phase's chart.
    whole = text()
    assert example.plan is not None
    missing = [t.id for t in example.plan.tasks if t.id not in whole]
    assert missing == []


def _contrast_failures(page: str, tmp_path: Path, name: str) -> list[str]:
    script = f"<script>{CONTRAST_JS.read_text(encoding='utf-8')}</script></body>"
    dom = _with_script(page, script, tmp_path, name)
    found = re.search(r'<pre id="contrast" data-checked="yes">(.*?)</pre>', dom, re.DOTALL)
    assert found is not None, dom[-500:]
    return [line for line in html.unescape(found.group(1)).splitlines() if line.strip()]


def _pages(which: str, example, weekend_review, mid_flight, tmp_path) -> str:
    if which == "readiness":
        return readiness_html(example)
    if which == "review":
        return weekend_review
    return _page(mid_flight, tmp_path / "state.db")


@pytest.mark.parametrize("which", ["readiness", "review", "status"])
def test_every_text_of_the_reports_meets_wcag_aa_contrast(
    which, example, weekend_review, mid_flight, tmp_path
):
    page = _pages(which, example, weekend_review, mid_flight, tmp_path)
    assert _contrast_failures(page, tmp_path, which) == []


def test_the_contrast_check_finds_white_on_the_old_warning_orange(example, tmp_path):
    page = readiness_html(example).replace("#b45309", "#e08600")
    failures = _contrast_failures(page, tmp_path, "old")
    assert failures and all("2.77 span.badge conditions" in f for f in failures)


@needs_axe
@pytest.mark.parametrize("which", ["readiness", "review", "status"])
def test_axe_core_finds_no_colour_contrast_violation(
    which, example, weekend_review, mid_flight, tmp_path
):
    axe = Path(AXE).read_text(encoding="utf-8").replace("</script", "<\\/script")
    run = (
        "<script>" + axe + "</script><script>"
        "axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast']}})"
        ".then(function (r) { var pre = document.createElement('pre'); pre.id = 'axe';"
        "pre.textContent = JSON.stringify({passes: r.passes.length, violations:"
        " r.violations.map(function (v) { return v.nodes.map(function (n) {"
        " return n.failureSummary + ' @ ' + n.target.join(' '); }); })});"
        "document.body.appendChild(pre); });</script></body>"
    )
    page = _pages(which, example, weekend_review, mid_flight, tmp_path)
    page = re.sub(r"<meta http-equiv=.refresh[^>]*>", "", page)  # the status page reloads
    path = tmp_path / f"axe-{which}.html"
    path.write_text(page.replace("</body>", run), encoding="utf-8")
    # axe runs asynchronously: give the page virtual time to finish before the DOM is dumped.
    dom = _browser("--virtual-time-budget=20000", "--dump-dom", path.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'<pre id="axe">(.*?)</pre>', dom.stdout, re.DOTALL)
    assert found is not None, dom.stdout[-500:]
    result = html.unescape(found.group(1))
    assert '"passes":1' in result  # the rule ran and passed
    assert '"violations":[]' in result, result[:3000]
