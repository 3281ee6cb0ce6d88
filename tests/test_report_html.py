"""The readiness report and the review as self-contained HTML, checked as text, as XML and
in a real headless browser (skipped when none is installed)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runbook.format.durations import clock
from runbook.reports.readiness import ReadinessReport, readiness
from runbook.reports.render.html import readiness_html, review_html
from runbook.reports.review import review
from runbook.usecases import Weekend

from .conftest import EXAMPLES
from .test_hostile_text import HTML, RAW, hostile_runbook
from .weekend_helpers import FakeClock, check

SVG = "{http://www.w3.org/2000/svg}"
NOW = int(datetime(2026, 12, 3, 12, 0, tzinfo=UTC).timestamp())
BROWSER = next(
    (
        path
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (path := shutil.which(name))
    ),
    None,
)
# `.ci/run` installs Chromium and sets RUNBOOK_REQUIRE_BROWSER: there a missing browser fails
# these tests instead of skipping them.
needs_browser = pytest.mark.skipif(
    BROWSER is None and not os.environ.get("RUNBOOK_REQUIRE_BROWSER"),
    reason="no headless browser installed (Debian: apt-get install chromium)",
)

SMALL = """
    name: Intranet <move> & more
    timezone: Europe/Amsterdam
    start: 2026-12-04T18:00
    deadline: 2026-12-05T06:00
    teams:
      dba: {name: Database team, lead: Sanne Bakker, contact: +31 20 555 0120}
      apps: {name: Application owners, lead: Ahmed, contact: +31 20 555 0130}
    tasks:
      - id: a
        title: Back up <b>& verify
        team: dba
        duration: 2h
        estimate: {optimistic: 1h, pessimistic: 4h}
      - id: g1
        title: Go or no-go
        milestone: true
        gate: true
        approvers: [CIO]
        criteria: [Backup verified & restorable]
        rollback: 2h
        depends_on: a
      - id: b
        title: Migrate the database
        team: dba
        duration: 3h
        depends_on: g1
        estimate: {optimistic: 2h, pessimistic: 6h}
      - {id: c, title: Smoke test, team: apps, duration: 1h, depends_on: b}
      - {id: d, title: Tell the staff, team: apps, duration: 30m, depends_on: g1}
    risks:
      - {id: r1, title: "Disk <full>", likelihood: 2, impact: 4, owner: DBA, tasks: [b]}
    readiness:
      - {id: i1, title: Freeze announced, owner: PMO, due: 2026-12-01T12:00}
"""


@pytest.fixture
def small(write_runbook: Callable[..., Path]) -> Path:
    return write_runbook(SMALL)


def _report(path: Path) -> ReadinessReport:
    return readiness(path, now=NOW, seed=1, runs=2000)


def _svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)]


def _gantt(page: str) -> ET.Element:
    return next(
        s
        for s in _svgs(page)
        if "Gantt" in s.get("aria-label", "") or "against actual" in s.get("aria-label", "")
    )


def _tasks_drawn(svg: ET.Element) -> list[str]:
    return [e.get("data-task", "") for e in svg.iter() if e.get("data-task")]


def _assert_self_contained(page: str) -> None:
    assert page.startswith("<!doctype html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, flags=re.I)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page and "url(" not in page


# --- The readiness report -----------------------------------------------------------------


def test_the_readiness_html_is_one_document_with_no_external_assets(small):
    _assert_self_contained(readiness_html(_report(small)))


def test_every_text_from_the_runbook_is_escaped(small):
    page = readiness_html(_report(small))
    assert "<b>&" not in page and "<move>" not in page and "<full>" not in page
    assert "Back up &lt;b&gt;&amp; verify" in page
    assert "Intranet &lt;move&gt; &amp; more" in page
    assert "Disk &lt;full&gt;" in page
    assert "Backup verified &amp; restorable" in page


def test_the_recommendation_and_its_reasons_are_in_the_banner(small):
    report = _report(small)
    page = readiness_html(report)
    banner = re.search(r'<div class="banner (\w+)".*?</div></div>', page, flags=re.DOTALL)
    assert banner is not None
    assert report.recommendation in banner.group(0)
    assert banner.group(1) == {"GO": "go", "GO WITH CONDITIONS": "conditions"}.get(
        report.recommendation, "nogo"
    )
    for finding in report.findings:
        assert finding.message.split(" (")[0] in banner.group(0)


def test_the_gate_its_point_of_no_return_and_the_probabilities_appear(small):
    report = _report(small)
    page = readiness_html(report)
    plan, sim = report.plan, report.simulation
    assert plan is not None and sim is not None and sim.p_on_time is not None
    point = report.gates[0].ponr.point
    assert point is not None
    assert "g1" in page
    assert clock(point, plan.zone, with_date=True) == "Sat 05 Dec 04:00"
    assert "Sat 05 Dec 04:00" in page
    assert f"P(finish ≤ deadline) = {sim.p_on_time:.0%}" in page
    for moment in (sim.p50, sim.p80, sim.p95):
        assert clock(moment, plan.zone, with_date=True) in page
        assert f"{clock(moment, plan.zone)}</text>" in page  # a marker in the histogram


def test_times_are_shown_in_the_runbooks_time_zone(small):
    page = readiness_html(_report(small))
    assert "Fri 04 Dec 18:00" in page  # 17:00 UTC
    assert "Fri 04 Dec 17:00" not in page


def test_the_charts_are_well_formed_svg(small):
    svgs = _svgs(readiness_html(_report(small)))
    assert len(svgs) == 2
    assert all(s.tag == f"{SVG}svg" for s in svgs)


def test_the_gantt_has_one_bar_per_task_and_a_point_of_no_return_marker_per_gate(small):
    report = _report(small)
    assert report.plan is not None
    gantt = _gantt(readiness_html(report))
    assert sorted(_tasks_drawn(gantt)) == sorted(t.id for t in report.plan.tasks)
    markers = [e.get("data-key") for e in gantt.iter(f"{SVG}line") if e.get("class") == "ponr"]
    assert markers == [g.id for g in report.gates] == ["g1"]
    assert [e for e in gantt.iter(f"{SVG}line") if e.get("class") == "deadline"]


def test_critical_tasks_are_red_and_the_others_neutral(small):
    report = _report(small)
    gantt = _gantt(readiness_html(report))
    fill = {e.get("data-task"): e.get("fill") for e in gantt.iter() if e.get("data-task")}
    assert fill["a"] == fill["b"] == fill["c"] == "#c62828"
    assert fill["d"] not in ("#c62828", None)


def test_runs_past_the_deadline_are_drawn_in_their_own_colour(write_runbook):
    path = write_runbook(SMALL.replace("2026-12-05T06:00", "2026-12-05T00:30"))
    report = _report(path)
    sim = report.simulation
    assert sim is not None and sim.p_on_time is not None and 0 < sim.p_on_time < 1
    histogram = _svgs(readiness_html(report))[1]
    classes = {e.get("class") for e in histogram.iter(f"{SVG}rect")}
    assert {"bin", "bin late"} <= classes


def test_a_big_runbook_gantt_keeps_the_critical_and_near_critical_tasks_and_gates(write_runbook):
    chain = "\n".join(
        f"  - {{id: c{i}, title: Step {i}, team: x, duration: 1h"
        + (f", depends_on: c{i - 1}}}" if i else "}")
        for i in range(10)
    )
    loose = "\n".join(
        f"  - {{id: s{i}, title: Small {i}, team: x, duration: 5m}}" for i in range(190)
    )
    path = write_runbook(
        "name: Big\nstart: 2026-12-04T06:00Z\ndeadline: 2026-12-04T20:00Z\ntasks:\n"
        f"{chain}\n{loose}\n"
    )
    page = readiness_html(_report(path))
    drawn = _tasks_drawn(_gantt(page))
    assert sorted(drawn) == sorted(f"c{i}" for i in range(10))
    assert "10 of 200 tasks shown" in page


def test_an_invalid_runbook_gives_the_errors_and_a_no_go_banner_only(write_runbook):
    path = write_runbook(
        "name: Broken <b>\nstart: 2026-12-04T06:00\ntasks:\n"
        "  - {id: a, title: A, duration: 1h, depends_on: nowhere}\n"
    )
    page = readiness_html(_report(path))
    _assert_self_contained(page)
    assert 'class="banner nogo"' in page and "NO-GO" in page
    assert "depends on unknown task" in page
    assert "<svg" not in page
    assert page.count("<section") == 1


def test_the_example_runbook_renders_as_a_self_contained_report():
    report = _report(EXAMPLES / "cloud-migration-weekend.yaml")
    assert report.plan is not None
    page = readiness_html(report)
    _assert_self_contained(page)
    phases = list(dict.fromkeys(t.phase for t in report.plan.tasks))
    assert len(_svgs(page)) == 1 + len(phases) + 1  # the phases, each phase's tasks, the odds
    drawn = [task for svg in _svgs(page) for task in _tasks_drawn(svg)]
    assert sorted(drawn) == sorted(t.id for t in report.plan.tasks)


def test_the_gantt_folds_into_one_bar_per_phase_that_unfolds_to_its_tasks_without_scripts():
    report = _report(EXAMPLES / "cloud-migration-weekend.yaml")
    assert report.plan is not None
    page = readiness_html(report)
    summary = _gantt(page)
    phases = list(dict.fromkeys(t.phase for t in report.plan.tasks))
    assert [e.get("data-phase") for e in summary.iter() if e.get("data-phase")] == phases
    assert _tasks_drawn(summary) == []
    # The deadline and every point of no return stay on the folded chart, labelled.
    assert [e for e in summary.iter(f"{SVG}line") if e.get("class") == "deadline"]
    ponr = [e.get("data-key") for e in summary.iter(f"{SVG}line") if e.get("class") == "ponr"]
    assert sorted(ponr) == sorted(g.id for g in report.gates if g.ponr.point is not None)
    labels = ["".join(e.itertext()) for e in summary.iter(f"{SVG}text")]
    assert any(label.startswith("Deadline ") for label in labels)
    assert sum(label.startswith("PONR ") for label in labels) == len(ponr)
    folds = re.findall(r"<details class='phase'><summary><b>(.*?)</b>", page)
    assert folds == phases
    assert "<script" not in page.lower()
    first = next(t for t in report.plan.tasks if t.phase == phases[0])
    section = page.split("<details class='phase'>")[1]
    assert f'data-task="{first.id}"' in section


def test_rendering_the_same_report_twice_gives_the_same_file(small):
    report = _report(small)
    assert readiness_html(report) == readiness_html(report)


def test_a_hostile_title_in_a_chart_label_is_escaped_and_the_chart_stays_well_formed(
    write_runbook,
):
    title = "</text></svg><script>alert(1)</script> & 'q\""
    path = write_runbook(SMALL.replace("Back up <b>& verify", json.dumps(title)))
    page = readiness_html(_report(path))
    assert "<script>" not in page and "</text></svg><script>" not in page
    gantt = _gantt(page)  # parses as XML: the title broke out of nothing
    labels = ["".join(e.itertext()) for e in gantt.iter(f"{SVG}text")]
    assert any(title in label for label in labels)


def test_no_text_reaches_the_page_with_its_control_characters(tmp_path):
    runbook = hostile_runbook(tmp_path)
    clock_ = FakeClock("2026-12-04T18:00+01:00")
    with Weekend.open(runbook, tmp_path / "state.db", clock=clock_, create=True) as weekend:
        check(weekend, "start", "freeze")
        pages = [readiness_html(_report(runbook)), review_html(review(weekend))]
    for page in pages:
        assert not [raw for raw in RAW if raw in page]
        assert HTML not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_the_html_renderer_loads_jinja():
    code = (
        "import sys, runbook.cli, runbook.reports.readiness, runbook.reports.render.markdown, "
        "runbook.contracts.reports; print(' '.join(sorted(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "jinja2" not in loaded


def test_the_html_renderer_imports_no_front_end():
    code = "import sys, runbook.reports.render.html; print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    for front_end in ("typer", "textual", "rich"):
        assert front_end not in loaded


# --- The review ---------------------------------------------------------------------------


@pytest.fixture
def weekend_review(small: Path, tmp_path: Path) -> str:
    """A weekend on the small runbook: `a` overruns by 30 minutes, `d` is skipped. (Its own
    state file: a test may take this fixture beside test_status_page's ``mid_flight``.)"""
    clock_ = FakeClock("2026-12-04T18:00+01:00")
    weekend = Weekend.open(small, tmp_path / "review.state.db", clock=clock_, create=True)
    try:
        check(weekend, "start", "a")
        clock_.advance(hours=2, minutes=30)
        check(weekend, "done", "a", note="slower <than> planned & noted")
        weekend.decide("g1", "go", actor="CIO", host="test-host")
        check(weekend, "done", "g1")
        check(weekend, "start", "b")
        check(weekend, "skip", "d", note="staff told <already>")
        clock_.advance(hours=3)
        check(weekend, "done", "b")
        check(weekend, "start", "c")
        clock_.advance(hours=1)
        check(weekend, "done", "c")
        return review_html(review(weekend))
    finally:
        weekend.close()


def test_the_review_html_is_self_contained_and_escapes_the_runbook(weekend_review):
    _assert_self_contained(weekend_review)
    assert "slower &lt;than&gt; planned &amp; noted" in weekend_review
    assert "staff told &lt;already&gt;" in weekend_review
    assert "<b>&" not in weekend_review


def test_the_review_says_when_the_weekend_finished_and_what_slipped(weekend_review):
    assert "FINISHED INSIDE THE WINDOW" in weekend_review
    assert "Sat 05 Dec 00:30" in weekend_review  # actual finish: 30 minutes after the plan
    assert "Biggest slips, and where they came from" in weekend_review
    assert "+30m" in weekend_review


def test_the_review_gantt_draws_planned_against_actual(weekend_review):
    svgs = _svgs(weekend_review)
    assert len(svgs) == 1
    gantt = svgs[0]
    assert sorted(_tasks_drawn(gantt)) == ["a", "b", "c", "g1"]  # d was skipped
    planned = [e for e in gantt.iter() if e.get("class") == "planned"]
    assert len(planned) == 5
    fill = {e.get("data-task"): e.get("fill") for e in gantt.iter() if e.get("data-task")}
    assert fill["a"] != fill["b"]  # a took longer than planned, b did not


# --- In a real browser --------------------------------------------------------------------


def _browser(*args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    with tempfile.TemporaryDirectory(prefix="runbook-chromium-") as profile:
        return subprocess.run(
            [
                BROWSER,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _open_in_browser(page: str, tmp_path: Path, name: str) -> tuple[str, Path]:
    """The DOM the browser builds from the page, and a screenshot of it."""
    path = tmp_path / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    dom = _browser("--dump-dom", path.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    png = tmp_path / f"{name}.png"
    shot = _browser(
        "--hide-scrollbars", "--window-size=1280,2000", f"--screenshot={png}", path.as_uri()
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    return dom.stdout, png


@needs_browser
def test_a_browser_renders_the_readiness_report_with_both_charts(small, tmp_path):
    report = _report(small)
    dom, png = _open_in_browser(readiness_html(report), tmp_path, "readiness")
    assert report.recommendation in dom
    assert dom.count("<svg") == 2
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000


@needs_browser
def test_a_browser_renders_the_review(weekend_review, tmp_path):
    dom, png = _open_in_browser(weekend_review, tmp_path, "review")
    assert "FINISHED INSIDE THE WINDOW" in dom
    assert dom.count("<svg") == 1
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000
