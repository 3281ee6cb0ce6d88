"""`runbook status --format html`: the status page for those who only watch, checked as text,
as the file a web server serves (replaced atomically) and in a real headless browser at a
phone's width and a desktop's."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from runbook.reports.render.html import status_html
from runbook.reports.status_page import status_page
from runbook.usecases import Weekend

from .processes import Watched
from .test_hostile_text import HTML, RAW, hostile_runbook
from .test_report_html import SMALL, _assert_self_contained, _browser, _svgs, needs_browser
from .weekend_helpers import FakeClock, check

MID_FLIGHT = "2026-12-04T21:00+01:00"


@pytest.fixture
def small(write_runbook: Callable[..., Path]) -> Path:
    return write_runbook(SMALL.replace("duration: 3h", "duration: 3h\n        phase: Migrate"))


@pytest.fixture
def mid_flight(small: Path, tmp_path: Path) -> Path:
    """The small weekend at Fri 21:00: `a` took 2h30m (30 minutes over), the gate went GO,
    `b` runs, `d` was skipped with a note."""
    clock = FakeClock("2026-12-04T18:00+01:00")
    weekend = Weekend.open(small, tmp_path / "state.db", clock=clock, create=True)
    try:
        check(weekend, "start", "a")
        clock.advance(hours=2, minutes=30)
        check(weekend, "done", "a", note="slower <than> planned & noted")
        weekend.decide("g1", "go", actor="CIO", host="test-host")
        check(weekend, "done", "g1")
        check(weekend, "start", "b")
        check(weekend, "skip", "d", note="staff told <already>")
    finally:
        weekend.close()
    return small


def _page(runbook: Path, state: Path, now: str = MID_FLIGHT, refresh: int = 30) -> str:
    clock = FakeClock(now)
    with Weekend.open(runbook, state, clock=clock) as weekend:
        return status_html(status_page(weekend.snapshot(), weekend.events(), refresh=refresh))


def test_the_page_says_behind_by_how_much_and_the_forecast_against_the_deadline(
    mid_flight, tmp_path
):
    page = _page(mid_flight, tmp_path / "state.db")
    _assert_self_contained(page)
    assert "BEHIND 30m" in page
    assert "Forecast finish" in page and "Sat 05 Dec 00:30" in page
    assert "Deadline" in page and "Sat 05 Dec 06:00" in page
    assert "5h30m" in page  # to spare before the deadline


def test_the_page_lists_progress_per_team_and_per_phase(mid_flight, tmp_path):
    page = _page(mid_flight, tmp_path / "state.db")
    teams = page.split("Progress per team")[1].split("Progress per phase")[0]
    assert "Database team" in teams and "1/2" in teams  # a done, b running
    assert "Application owners" in teams and "1/2" in teams  # d skipped
    phases = page.split("Progress per phase")[1].split("</section>")[0]
    assert "Migrate" in phases and "0/1" in phases


def test_the_page_lists_what_runs_and_the_recent_events_newest_first(mid_flight, tmp_path):
    page = _page(mid_flight, tmp_path / "state.db")
    running = page.split("Under way")[1].split("</section>")[0]
    assert "RUNNING" in running and "<span class='id'>b</span>" in running
    recent = page.split("Recent events")[1]
    assert recent.index(">skip<") < recent.index("decide GO") < recent.index("Fri 18:00")
    assert "staff told &lt;already&gt;" in recent
    assert "slower &lt;than&gt; planned &amp; noted" in recent


def test_the_page_reloads_itself_every_interval(mid_flight, tmp_path):
    page = _page(mid_flight, tmp_path / "state.db", refresh=45)
    assert "<meta http-equiv='refresh' content='45'>" in page
    assert "rewritten every 45s" in page


def test_the_timeline_draws_now_the_deadline_and_one_bar_per_phase(mid_flight, tmp_path):
    page = _page(mid_flight, tmp_path / "state.db")
    svgs = _svgs(page)
    assert len(svgs) == 1
    timeline = svgs[0]
    kinds = {e.get("class") for e in timeline.iter() if e.get("class")}
    assert {"now", "deadline"} <= kinds
    phases = sorted(e.get("data-phase", "") for e in timeline.iter() if e.get("data-phase"))
    assert phases == ["(no phase)", "Migrate"]


def test_the_next_point_of_no_return_is_shown_until_the_gate_is_passed(small, tmp_path):
    before = _page(small, tmp_path / "state.db", now="2026-12-04T18:00+01:00")
    assert "Next point of no return" in before and "Sat 05 Dec 04:00" in before  # 06:00 - 2h


def test_every_text_from_the_runbook_and_the_log_is_escaped(tmp_path):
    runbook = hostile_runbook(tmp_path)
    clock = FakeClock("2026-12-04T18:00+01:00")
    with Weekend.open(runbook, tmp_path / "state.db", clock=clock, create=True) as weekend:
        check(weekend, "start", "freeze", note=HTML)
        clock.advance(minutes=20)
        check(weekend, "fail", "freeze", note=HTML)
    page = _page(runbook, tmp_path / "state.db", now="2026-12-04T18:30+01:00")
    _assert_self_contained(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for raw in RAW:
        assert raw not in page


def _run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runbook", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_writing_the_page_twice_replaces_it_whole_and_leaves_no_temporary_file(
    mid_flight, tmp_path
):
    out = tmp_path / "site" / "status.html"
    out.parent.mkdir()
    state = tmp_path / "state.db"
    first = _run("status", "-f", mid_flight, "--state", state, "--now", "2026-12-04T20:45",
                 "--format", "html", "-o", out)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "Fri 04 Dec 20:45" in out.read_text(encoding="utf-8")
    inode = out.stat().st_ino
    second = _run("status", "-f", mid_flight, "--state", state, "--now", "2026-12-04T21:00",
                  "--format", "html", "-o", out)  # fmt: skip
    assert second.returncode == 0, second.stderr
    text = out.read_text(encoding="utf-8")
    assert "Fri 04 Dec 21:00" in text and text.rstrip().endswith("</html>")
    assert out.stat().st_ino != inode  # a new file renamed over the old one
    assert [p.name for p in out.parent.iterdir()] == ["status.html"]


@pytest.mark.slow
def test_every_keeps_rewriting_the_page_until_interrupted_and_exits_cleanly(mid_flight, tmp_path):
    out = tmp_path / "status.html"
    args = [sys.executable, "-m", "runbook", "status", "-f", mid_flight, "--state",
            tmp_path / "state.db", "--format", "html", "-o", out, "--every", "5s"]  # fmt: skip
    with Watched(args) as process:
        # The first page is written, and Ctrl+C handled, once it says so.
        process.wait_for_line("Ctrl+C stops")
        first = out.stat().st_ino
        process.wait_for(lambda: out.stat().st_ino != first, "the page rewritten after 5s")
        assert "content='5'" in out.read_text(encoding="utf-8")

        code = process.interrupt()

    assert code == 0, process.stderr
    assert "Traceback" not in process.stderr and "stopped" in process.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".status")] == []


def test_every_without_an_output_file_or_with_a_bad_interval_is_a_usage_error(mid_flight, cli):
    without = cli("status", "-f", mid_flight, "--format", "html", "--every", "30s")
    assert without.exit_code == 2 and "--every needs -o" in without.stderr
    bad = cli("status", "-f", mid_flight, "--format", "html", "-o", "x.html", "--every", "soon")
    assert bad.exit_code == 2 and "--every" in bad.stderr


def test_the_page_is_never_written_over_the_state_file(mid_flight, tmp_path, cli):
    state = tmp_path / "state.db"
    result = cli("status", "-f", mid_flight, "--state", state, "--format", "html", "-o", state)
    assert result.exit_code == 1 and "never written over it" in result.stderr


# --- In a real browser --------------------------------------------------------------------

# Added to a copy of the page for the check only (the page itself has no script): whether
# the document is wider than the window, written into the DOM that --dump-dom prints.
OVERFLOW_CHECK = (
    "<script>document.body.setAttribute('data-overflow', String("
    "document.documentElement.scrollWidth - window.innerWidth));</script></body>"
)


@needs_browser
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_a_browser_shows_the_page_without_sideways_scrolling(mid_flight, tmp_path, width, height):
    page = _page(mid_flight, tmp_path / "state.db")
    checked = tmp_path / "checked.html"
    checked.write_text(page.replace("</body>", OVERFLOW_CHECK), encoding="utf-8")
    size = f"--window-size={width},{height}"
    dom = _browser(size, "--dump-dom", checked.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "BEHIND 30m" in dom.stdout
    overflow = re.search(r'data-overflow="(-?\d+)"', dom.stdout)
    assert overflow is not None, dom.stdout[-500:]
    assert int(overflow.group(1)) <= 0
    shown = tmp_path / "status.html"
    shown.write_text(page, encoding="utf-8")
    png = tmp_path / f"status-{width}.png"
    shot = _browser("--hide-scrollbars", size, f"--screenshot={png}", shown.as_uri())
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000
