"""Dropped work is not finished work: done, dropped for time and skipped as not needed are
counted apart in every face (status and its JSON, the status page, the dashboard, team and
phase progress, the readiness report, the review), progress is the work done over the work
still wanted, and a dropped must-have is flagged wherever the dropped work is counted.

The weekend: ``a`` (2h) then ``b`` (1h) are done; ``c`` (should) and ``d`` (nice) were
dropped for time, ``e`` (a must-have, 4h) dropped by force, ``f`` skipped as not needed."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runbook.tui.app import MissionControl
from runbook.tui.widgets import ProgressPanel
from runbook.usecases import Weekend
from runbook.weekend.views.progress import progress, progress_by

from .test_contracts import conforms, json_out
from .tui_helpers import EXAMPLE, SATURDAY_1300, saturday_weekend
from .weekend_helpers import FakeClock, pass_gate

RUNBOOK = """
name: Counting weekend
timezone: UTC
start: 2026-12-04T08:00
deadline: 2026-12-04T20:00
teams:
  dba: {name: Database team, lead: Sanne, contact: "+31 20 555 0150"}
  apps: {name: App owners, lead: Fatima, contact: "+31 20 555 0160"}
tasks:
  - {id: a, title: A, team: dba, duration: 2h, phase: Prepare}
  - {id: b, title: B, team: dba, duration: 1h, depends_on: a, phase: Move}
  - {id: c, title: C, team: apps, duration: 1h, depends_on: a, priority: should, phase: Move}
  - {id: d, title: D, team: apps, duration: 1h, depends_on: a, priority: nice, phase: Move}
  - {id: e, title: E, team: apps, duration: 4h, depends_on: a, phase: Move}
  - {id: f, title: F, team: dba, duration: 30m, depends_on: a, phase: Move}
"""

# What was recorded, each at its moment: (moment, command line).
PLAYED = [
    ("2026-12-04T08:00Z", ["start", "a"]),
    ("2026-12-04T10:00Z", ["done", "a"]),
    ("2026-12-04T10:00Z", ["start", "b"]),
    ("2026-12-04T10:05Z", ["drop", "c", "d", "--reason", "no time"]),
    ("2026-12-04T10:05Z", ["drop", "e", "--reason", "no time", "--force"]),
    ("2026-12-04T10:10Z", ["skip", "f", "--reason", "not needed this time"]),
]
MIDWAY = "2026-12-04T10:30Z"  # b runs: 30 of its 60 minutes
OVER = "2026-12-04T11:30Z"  # b done at 11:00: all the work still wanted is done


@pytest.fixture
def weekend_file(cli, write_runbook) -> Path:
    """The runbook, played through the real commands to 10:10 (b running)."""
    path = write_runbook(RUNBOOK)
    for moment, args in PLAYED:
        env = {"RUNBOOK_NOW": moment, "RUNBOOK_USER": "ingrid", "RUNBOOK_FILE": str(path)}
        result = cli(*args, env=env)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return path


@pytest.fixture
def finished(cli, weekend_file) -> Path:
    """The same weekend with b done at 11:00."""
    env = {"RUNBOOK_NOW": "2026-12-04T11:00Z", "RUNBOOK_FILE": str(weekend_file)}
    assert cli("done", "b", env=env).exit_code == 0
    return weekend_file


def env_at(path: Path, moment: str) -> dict[str, str]:
    return {"RUNBOOK_NOW": moment, "RUNBOOK_FILE": str(path), "COLUMNS": "200"}


def plain(page: str) -> str:
    """An HTML page's text, tags and repeated spaces gone."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_core_counts_done_dropped_and_skipped_apart_and_weighs_the_work_still_wanted(
    weekend_file,
):
    with Weekend.open(weekend_file, None, clock=FakeClock(MIDWAY)) as weekend:
        snap = weekend.snapshot()
    done = progress(snap)
    assert (done.done, done.dropped, done.dropped_must, done.skipped) == (1, 3, 1, 1)
    assert (done.total, done.wanted) == (6, 2)
    assert done.counts == {
        "pending": 0,
        "ready": 0,
        "scheduled": 0,
        "running": 1,
        "failed": 0,
        "done": 1,
        "skipped": 1,
        "suspended": 0,
        "dropped": 3,
    }
    # a (2h) done and half of b (1h) over the 3h still wanted; the dropped 6h are not done.
    assert (done.work_done, done.work_wanted) == (150 * 60, 180 * 60)
    assert done.weighted == pytest.approx(150 / 180)
    assert done.dropped_text == "3 dropped (1 must!)"
    teams = {p.label: p for p in progress_by(snap, "team")}
    assert (teams["App owners"].done, teams["App owners"].wanted) == (0, 0)
    assert teams["App owners"].dropped_text == "3 dropped (1 must!)"
    assert (teams["Database team"].done, teams["Database team"].skipped) == (1, 1)
    phases = {p.label: p for p in progress_by(snap, "phase")}
    assert (phases["Move"].done, phases["Move"].wanted, phases["Move"].dropped) == (0, 1, 3)


def test_status_counts_the_dropped_work_apart_and_flags_the_dropped_must_have(cli, weekend_file):
    result = cli("status", env=env_at(weekend_file, MIDWAY))
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "1 done · 1 running · 0 failed · 0 ready · 0 pending · 1 skipped · 3 dropped" in out
    assert "3 dropped (1 must!)" in out
    assert "83% of the wanted work done" in out


def test_status_at_80_columns_breaks_the_counts_between_two_never_inside_one(cli, weekend_file):
    result = cli("status", env={**env_at(weekend_file, MIDWAY), "COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "1 done · 1 running · 0 failed · 0 ready · 0 pending · 1 skipped" in lines
    assert "3 dropped (1 must!) · 83% of the wanted work done" in lines


def test_status_json_counts_the_dropped_work_apart_and_gives_the_progress(cli, weekend_file):
    data = json_out(cli, "status", "--json", env=env_at(weekend_file, MIDWAY))
    conforms(data, "status")
    assert data["counts"]["skipped"] == 1 and data["counts"]["dropped"] == 3
    assert sum(data["counts"].values()) == len(data["tasks"]) == 6
    assert data["progress"] == {
        "done": 1,
        "wanted": 2,
        "total": 6,
        "dropped": 3,
        "dropped_must": 1,
        "skipped": 1,
        "work_done_minutes": 150,
        "work_wanted_minutes": 180,
        "share": 0.8333,
    }
    team = json_out(cli, "status", "--json", "--team", "apps", env=env_at(weekend_file, MIDWAY))
    conforms(team, "status")
    assert team["counts"]["dropped"] == 3 and team["counts"]["done"] == 0
    assert (team["progress"]["wanted"], team["progress"]["dropped_must"]) == (0, 1)


def test_the_status_page_does_not_call_dropped_work_finished(cli, finished, tmp_path):
    out = tmp_path / "status.html"
    result = cli("status", "--format", "html", "-o", out, env=env_at(finished, OVER))
    assert result.exit_code == 0, result.stderr
    text = plain(out.read_text(encoding="utf-8"))
    assert "tasks finished" not in text and "6 of 6" not in text
    assert "Done 100% 2 of 2 wanted tasks done · 3 dropped (1 must!)" in text
    assert "1 skipped 3 dropped (1 must!)" in text  # the counts under the figures
    # Team and phase progress: done of the tasks still wanted, the dropped work beside it.
    assert "App owners 3 dropped (1 must!) 0/0" in text
    assert "Database team 1 skipped 2/2" in text
    assert "Move 3 dropped (1 must!) · 1 skipped 1/1" in text


def test_the_status_page_weighs_the_work_still_wanted_while_work_runs(cli, weekend_file, tmp_path):
    out = tmp_path / "status.html"
    result = cli("status", "--format", "html", "-o", out, env=env_at(weekend_file, MIDWAY))
    assert result.exit_code == 0, result.stderr
    text = plain(out.read_text(encoding="utf-8"))
    # 2h30m of the 3h still wanted; counting the dropped 6h as done said 95%.
    assert "Done 83% 1 of 2 wanted tasks done · 3 dropped (1 must!)" in text


def _screen(app: MissionControl) -> str:
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_dashboard_header_counts_the_work_still_wanted_and_flags_the_dropped_must(
    finished, size
):
    with Weekend.open(finished, None, clock=FakeClock(OVER)) as weekend:
        app = MissionControl(weekend, actor="ingrid", host="bridge", read_only=True)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            header = "\n".join(_screen(app).splitlines()[:5])
            assert "6/6" not in header
            assert "2/2" in header and "100%" in header
            assert "3 dropped (1 must!)" in header


async def test_the_dashboards_team_and_phase_progress_count_the_work_still_wanted(finished):
    with Weekend.open(finished, None, clock=FakeClock(OVER)) as weekend:
        app = MissionControl(weekend, actor="ingrid", host="bridge", read_only=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("v")  # the teams and phases beneath the table
            await pilot.pause()
            teams = " ".join(str(app.query_one("#teams", ProgressPanel).render()).split())
            phases = " ".join(str(app.query_one("#phases", ProgressPanel).render()).split())
            assert re.search(
                r"Database team \S+ 2/2 App owners \S+ 0/0 3 dropped \(1 must!\)$", teams
            )
            assert re.search(r"Prepare \S+ 1/1 Move \S+ 1/1 3 dropped \(1 must!\)$", phases)


def test_the_readiness_report_counts_the_dropped_work_apart_and_flags_the_must(cli, finished):
    env = env_at(finished, OVER)
    result = cli("readiness", "--runs", "100", env=env)
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "(2 done, 0 running, 1 skipped as not needed, 3 dropped for time (1 must!))" in out
    assert "3 tasks dropped for time (1 must!), for aftercare: c, d, e" in out
    assert "| e | must! | no time |" in out
    data = json_out(cli, "readiness", "--runs", "100", "--format", "json", env=env)
    conforms(data, "readiness")
    schedule = data["schedule"]
    assert (schedule["counts"]["skipped"], schedule["counts"]["dropped"]) == (1, 3)
    assert schedule["progress"]["dropped_must"] == 1
    assert [d["priority"] for d in schedule["dropped"]] == ["should", "nice", "must"]


def test_the_review_counts_the_dropped_work_apart_and_flags_the_must(cli, finished, tmp_path):
    env = env_at(finished, OVER)
    result = cli("review", env=env)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "| Tasks | 2 done, 1 skipped, 3 dropped (1 must!) |" in out
    assert "| Team | Tasks | Done | Dropped | Skipped | Planned | Actual | Over |" in out
    assert "| App owners | 3 | 0 | 3 (1 must!) | 0 |" in out
    assert "| Database team | 3 | 2 | 0 | 1 |" in out
    data = json_out(cli, "review", "--format", "json", env=env)
    conforms(data, "review")
    assert (data["counts"]["done"], data["counts"]["skipped"], data["counts"]["dropped"]) == (
        2,
        1,
        3,
    )
    assert (data["progress"]["wanted"], data["progress"]["dropped_must"]) == (2, 1)
    apps = next(t for t in data["teams"] if t["team"] == "apps")
    assert (apps["done"], apps["dropped"], apps["dropped_must"], apps["skipped"]) == (0, 3, 1, 0)
    page = tmp_path / "review.html"
    assert cli("review", "--format", "html", "-o", page, env=env).exit_code == 0
    text = plain(page.read_text(encoding="utf-8"))
    assert "Tasks done 2 / 2 of the tasks still wanted; 1 skipped, 3 dropped (1 must!)" in text
    assert "3 dropped (1 must!) for time, listed under aftercare" in text


def test_the_review_of_an_open_weekend_does_not_count_dropped_work_as_not_finished(
    cli, weekend_file, tmp_path
):
    page = tmp_path / "review.html"
    result = cli("review", "--format", "html", "-o", page, env=env_at(weekend_file, MIDWAY))
    assert result.exit_code == 0, result.stderr
    text = plain(page.read_text(encoding="utf-8"))
    # b runs: one task not finished; the three dropped ones are dropped, not unfinished.
    assert "NOT FINISHED 1 task not finished, 3 dropped (1 must!) for time" in text


def test_the_timeline_counts_each_phase_by_the_work_still_wanted(cli, finished, tmp_path):
    out = tmp_path / "status.html"
    assert cli("status", "--format", "html", "-o", out, env=env_at(finished, OVER)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    svg = page[page.index("<svg") :]
    assert "1/1 · 3 dropped (1 must!)" in svg  # the Move phase's bar
    assert "1 of 1 wanted done; 3 dropped (1 must!); 1 skipped as not needed" in svg


def play_the_example_to_the_end(folder: Path) -> tuple[Path, Path]:
    """The example weekend, every task started and done at its planned times, except three
    dropped for time at their planned start: two optional ones and a must-have, by force
    (the weekend of the issue that found "129 of 129 tasks finished")."""
    runbook = folder / "weekend.yaml"
    runbook.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    state = folder / "weekend.state.db"
    clock = FakeClock("2026-12-04T06:00+01:00")
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        plan = weekend.plan
        steps: list[tuple[int, int, str, str]] = []  # (moment, order, kind, task)
        for task in plan.tasks:
            if task.id in EXAMPLE_DROPS:
                steps.append((task.es, 0, "drop", task.id))
            elif task.milestone:
                steps.append((task.ef, 2, "done", task.id))
            else:
                steps += [(task.es, 3, "start", task.id), (task.ef, 1, "done", task.id)]
        for moment, _, kind, task_id in sorted(steps):
            clock.now = datetime.fromtimestamp(moment, UTC)
            if kind == "drop":
                result = weekend.record(
                    "skip",
                    [task_id],
                    actor="ingrid",
                    host="bridge",
                    note="no time",
                    dropped=True,
                    force=EXAMPLE_DROPS[task_id],
                )
            else:
                if task_id in plan.gates:
                    pass_gate(weekend, task_id, actor="ingrid")
                result = weekend.record(kind, [task_id], actor="ingrid", host="bridge")
            assert not result.refused, (task_id, result.refused)
    return runbook, state


EXAMPLE_DROPS = {
    "dev-compliance-report": False,
    "cloud-night-capacity": False,
    "dev-rollout-ed-icu": True,
}
MONDAY_0300 = "2026-12-07T03:00+01:00"


@pytest.fixture(scope="module")
def example_played(tmp_path_factory) -> tuple[Path, Path]:
    return play_the_example_to_the_end(tmp_path_factory.mktemp("example"))


def test_the_example_weekend_with_three_drops_is_126_of_126_done_everywhere(
    cli, example_played, tmp_path
):
    runbook, state = example_played
    env = {
        "RUNBOOK_NOW": MONDAY_0300,
        "RUNBOOK_FILE": str(runbook),
        "RUNBOOK_STATE": str(state),
        "COLUMNS": "200",
    }
    status = " ".join(cli("status", env=env).stdout.split())
    assert "126 done" in status and "0 skipped · 3 dropped (1 must!)" in status
    page = tmp_path / "status.html"
    assert cli("status", "--format", "html", "-o", page, env=env).exit_code == 0
    text = plain(page.read_text(encoding="utf-8"))
    assert "129 of 129" not in text
    assert "Done 100% 126 of 126 wanted tasks done · 3 dropped (1 must!)" in text
    data = json_out(cli, "status", "--json", env=env)
    assert (
        data["counts"]["done"],
        data["counts"]["dropped"],
        data["progress"]["dropped_must"],
    ) == (126, 3, 1)


async def test_the_example_dashboard_at_80x24_says_126_of_126_and_flags_the_dropped_must(
    example_played,
):
    runbook, state = example_played
    with Weekend.open(runbook, state, clock=FakeClock(MONDAY_0300)) as weekend:
        app = MissionControl(weekend, actor="ingrid", host="bridge", read_only=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            second = _screen(app).splitlines()[1]
            assert "129/129" not in second
            assert "126/126 100%" in second and second.rstrip().endswith("3 dropped (1 must!)")
            await pilot.press("v")
            await pilot.pause()
            teams = " ".join(str(app.query_one("#teams", ProgressPanel).render()).split())
            assert "██████████ 11/11 2 dropped (1 must!)" in teams  # End-User Devices


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
async def test_the_dashboard_header_never_cuts_the_dropped_must_for_a_bar(tmp_path, size):
    """Saturday 13:00 with the point of no return ahead: at 80 columns the progress bar gives
    way to the flag; at 100 the long runbook name does, so no header line is pushed out."""
    clock = FakeClock(SATURDAY_1300)
    runbook, state = saturday_weekend(tmp_path, clock)
    with Weekend.open(runbook, state, clock=clock) as weekend:
        dropped = weekend.record(
            "skip",
            ["dev-rollout-ed-icu", "dev-compliance-report"],
            actor="ingrid",
            host="bridge",
            note="no time",
            dropped=True,
            force=True,
        )
        assert not dropped.refused
        app = MissionControl(weekend, actor="ingrid", host="bridge", read_only=True)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            lines = _screen(app).splitlines()
            header = "\n".join(lines[:6])  # the headline bar, then the header
            assert "45/127" in header
            assert "2 dropped (1 must!)" in header
            # The first line is the headline (the open NO-GO, issue 21 §5); the header follows.
            assert "NO-GO" in lines[0]
            if size == (80, 24):
                assert "PONR gonogo-2 Sun 20:00 · 45/127 43% · 2 dropped (1 must!)" in lines[2]
            else:
                assert "READ-ONLY" in lines[2]
