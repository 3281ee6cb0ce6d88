"""`runbook close` (issue 21 §6): the weekend ends at the close. The forecast stands still
there, every face says CLOSED with the finish against the deadline, check-ins after it are
refused unless forced, what was open goes to the review's aftercare list, and notifications
stop; `close --undo` reopens it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from runbook.notify.notices import due_notices, still_due
from runbook.reports.render.html import review_html, status_html
from runbook.reports.review import review
from runbook.reports.status_page import status_page
from runbook.tui.app import MissionControl
from runbook.usecases import Weekend

from .builders import friday
from .test_contracts import conforms
from .test_notify import notify_at, receiver, record, weekend_file  # noqa: F401 (fixtures)
from .weekend_helpers import FakeClock

CLOSING = """
    name: Closing time
    timezone: Europe/Amsterdam
    start: 2026-12-04T18:00
    deadline: 2026-12-05T06:00
    teams:
      dba: {name: Database team, lead: Sanne, contact: +31 20 555 0120}
      ops: {name: Operations, lead: Piet, contact: +31 20 555 0140}
    tasks:
      - {id: a, title: Migrate, team: dba, duration: 2h}
      - {id: live, title: Live, milestone: true, depends_on: a}
      - {id: mon, title: Monitor, team: ops, duration: 4h, depends_on: live}
      - {id: report, title: Report, team: ops, duration: 1h, depends_on: mon}
      - {id: extra, title: Tidy up, team: dba, duration: 1h, priority: nice, depends_on: live}
      - {id: spare, title: Spare check, team: ops, duration: 1h, priority: nice, depends_on: live}
"""


@pytest.fixture
def closing(write_runbook: Callable[..., Path]) -> Path:
    """At Fri 22:00: a done 18:00-20:00, live reached, mon running since 20:00, extra ready
    and not started, spare dropped for time at 20:10; nothing closed yet."""
    runbook = write_runbook(CLOSING)
    clock = FakeClock("2026-12-04T18:00+01:00")
    with Weekend.open(runbook, clock=clock, create=True) as weekend:

        def check(kind: str, task: str, **more: object) -> None:
            result = weekend.record(kind, [task], actor="sanne", host="h", **more)  # type: ignore[arg-type]
            assert not result.refused, result.refused

        check("start", "a")
        clock.set("2026-12-04T20:00+01:00")
        check("done", "a")
        check("done", "live")
        check("start", "mon")
        clock.set("2026-12-04T20:10+01:00")
        check("skip", "spare", note="no time: Monday", dropped=True)
    return runbook


def _env(runbook: Path, now: str, user: str = "ingrid") -> dict[str, str]:
    return {
        "RUNBOOK_FILE": str(runbook),
        "RUNBOOK_NOW": now,
        "RUNBOOK_USER": user,
        "COLUMNS": "80",
    }


def _close(cli, runbook: Path, now: str = "2026-12-04T22:00", *more: str) -> object:
    result = cli("close", "--reason", "handed over to operations", *more, env=_env(runbook, now))
    assert result.exit_code == 0, result.stderr
    return result


def test_closing_says_closed_with_the_finish_against_the_deadline_and_what_is_left(cli, closing):
    out = _close(cli, closing).stdout
    assert out.splitlines()[0] == "CLOSED Fri 22:00 · 8h before the deadline Sat 06:00 · by ingrid"
    assert "reason: handed over to operations" in out
    assert "carried to aftercare (3): under way: mon; not started: report, extra" in out


def test_after_the_close_status_says_closed_and_stands_still(cli, closing):
    _close(cli, closing)
    early = cli("status", env=_env(closing, "2026-12-04T23:30")).stdout
    lines = early.splitlines()
    assert lines[1] == " CLOSED   Fri 22:00 · 8h before the deadline Sat 06:00 · by ingrid"
    assert lines[2].startswith(" AHEAD 3h   finish Fri 22:00 (closed) · baseline Sat 01:00")
    assert all(len(line) <= 80 for line in lines)
    assert "Open at the close (aftercare) (1)" in early and "2h of 4h" in early
    for absent in ("Ready to start", "Late (", "PAST THE DEADLINE", "Remaining critical path"):
        assert absent not in early
    # Long after the deadline: nothing has moved, nothing is late, nothing past the deadline.
    late = cli("status", env=_env(closing, "2026-12-05T09:00")).stdout
    assert late.splitlines()[1:] == lines[1:]
    a = json.loads(cli("status", "--json", env=_env(closing, "2026-12-04T23:30")).stdout)
    b = json.loads(cli("status", "--json", env=_env(closing, "2026-12-05T09:00")).stdout)
    assert a["now"] != b["now"]
    assert {k: v for k, v in a.items() if k != "now"} == {k: v for k, v in b.items() if k != "now"}
    assert b["verdict"]["headline"] == "CLOSED"
    assert b["verdict"]["closed"] == {
        "at": "2026-12-04T22:00:00+01:00",
        "by": "ingrid",
        "reason": "handed over to operations",
    }
    assert b["verdict"]["finish"] == "2026-12-04T22:00:00+01:00"
    assert b["verdict"]["spare_minutes"] == 480
    running = next(t for t in b["tasks"] if t["id"] == "mon")
    assert running["status"] == "running" and running["forecast_finish"].endswith("T00:00:00+01:00")
    conforms(b, "status")


def test_a_check_in_after_the_close_is_refused_unless_forced(cli, closing):
    _close(cli, closing)
    env = _env(closing, "2026-12-04T23:00", user="piet")
    refused = cli("done", "mon", env=env)
    assert refused.exit_code == 1
    assert "the weekend was closed at Fri 22:00 by ingrid" in refused.stderr
    assert "runbook close --undo" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert cli("start", "extra", env=env).exit_code == 1
    assert cli("eta", "mon", "23:30", env=env).exit_code == 1  # a revision is never forced
    assert cli("note", "mon", "graphs look calm", env=env).exit_code == 0  # a note is taken
    forced = cli("done", "mon", "--force", env=env)
    assert forced.exit_code == 0, forced.stderr
    assert "FORCED: the weekend was closed at Fri 22:00" in forced.stdout
    assert "weekend: CLOSED Fri 22:00" in forced.stdout
    log = cli("log", "--json", env=env).stdout
    done = [e for e in json.loads(log) if e["kind"] == "done" and e["task"] == "mon"]
    assert done and done[0]["forced"] is True


def test_a_check_in_told_late_for_a_moment_before_the_close_is_taken(cli, closing):
    _close(cli, closing)
    env = _env(closing, "2026-12-04T23:00")
    result = cli("start", "extra", "--at", "21:30", env=env)
    assert result.exit_code == 0, result.stderr


def test_a_replay_before_the_close_shows_the_weekend_still_running(cli, closing):
    _close(cli, closing)
    before = cli("status", env=_env(closing, "2026-12-04T21:30")).stdout
    assert "CLOSED" not in before and "Running now (1)" in before and "1h30m of 4h" in before
    report = json.loads(cli("status", "--json", env=_env(closing, "2026-12-04T21:30")).stdout)
    assert report["verdict"]["closed"] is None and report["later_events"] == 1


def test_a_gate_decision_after_the_close_is_refused_unless_forced(cli, write_runbook):
    runbook = write_runbook(CLOSING.replace("milestone: true,", "milestone: true, gate: true,"))
    env = _env(runbook, "2026-12-04T18:30")
    assert cli("close", env=env).exit_code == 0
    refused = cli("decide", "live", "go", env=env)
    assert refused.exit_code == 1 and "the weekend was closed at Fri 18:30" in refused.stderr
    forced = cli("decide", "live", "go", "--force", "--json", env=env)
    assert forced.exit_code == 0, forced.stderr
    assert json.loads(forced.stdout)["forced"] is True


def test_a_second_close_is_refused_plainly_and_undo_reopens(cli, closing):
    _close(cli, closing)
    again = cli("close", env=_env(closing, "2026-12-04T22:30"))
    assert again.exit_code == 1
    assert "the weekend is already closed (at Fri 22:00 by ingrid)" in again.stderr
    assert "--force" not in again.stderr and "Traceback" not in again.stderr
    assert sum(1 for e in _log(cli, closing) if e["kind"] == "close") == 1

    reopened = cli("close", "--undo", env=_env(closing, "2026-12-04T22:40"))
    assert reopened.exit_code == 0, reopened.stderr
    assert reopened.stdout.startswith("REOPENED · Fri 22:40 by ingrid")
    status = cli("status", env=_env(closing, "2026-12-04T22:45")).stdout
    assert "CLOSED" not in status and "Running now (1)" in status
    assert cli("start", "extra", env=_env(closing, "2026-12-04T22:45")).exit_code == 0
    undo_again = cli("close", "--undo", env=_env(closing, "2026-12-04T22:50"))
    assert undo_again.exit_code == 1
    assert "the weekend is not closed" in undo_again.stderr
    # Closed again later: the new close is the one in force.
    _close(cli, closing, "2026-12-04T23:00")
    assert "CLOSED   Fri 23:00" in cli("status", env=_env(closing, "2026-12-05T01:00")).stdout


def test_the_log_shows_the_close_and_its_undo(cli, closing):
    _close(cli, closing)
    cli("close", "--undo", "--reason", "one more check", env=_env(closing, "2026-12-04T22:40"))
    out = cli("log", env={**_env(closing, "2026-12-04T22:45"), "COLUMNS": "120"}).stdout
    close_line = next(line for line in out.splitlines() if " close " in line)
    assert "Fri 22:00" in close_line and "ingrid" in close_line
    assert "handed over to operations" in close_line
    assert any("undo close" in line and "one more check" in line for line in out.splitlines())
    events = _log(cli, closing)
    assert [e["kind"] for e in events[-2:]] == ["close", "undo"]
    assert events[-2]["task"] is None and events[-1]["data"] == {"undoes": events[-2]["seq"]}


def test_a_close_before_a_check_in_already_recorded_is_refused(cli, closing):
    result = cli("close", "--at", "19:30", env=_env(closing, "2026-12-04T22:00"))
    assert result.exit_code == 1
    assert "cannot close at Fri 19:30" in result.stderr and "recorded at Fri 20:" in result.stderr


def test_the_review_ends_at_the_close_and_carries_the_open_work_to_aftercare(cli, closing):
    _close(cli, closing)
    env = _env(closing, "2026-12-05T09:00")
    markdown = cli("review", env=env).stdout
    assert "| Actual finish | Fri 04 Dec 22:00 (closed by ingrid) |" in markdown
    aftercare = markdown.split("## Aftercare: not finished or dropped")[1].split("\n## ")[0]
    assert "closed Fri 04 Dec 22:00 by ingrid (handed over to operations): 3 open then" in (
        aftercare
    )
    assert (
        "| mon: Monitor | running at the close | must | ops | 2h from Fri 04 Dec 20:00 | — |"
        in (aftercare)
    )
    assert "| report: Report | pending at the close | must | ops | — | — |" in aftercare
    assert "| extra: Tidy up | ready at the close | nice | dba | — | — |" in aftercare
    assert "| spare: Spare check | dropped | nice | ops | — | no time: Monday |" in aftercare

    data = json.loads(cli("review", "--format", "json", env=env).stdout)
    assert data["actual_finish"] == "2026-12-04T22:00:00+01:00"
    assert data["closed"]["by"] == "ingrid"
    rows = {r["id"]: r for r in data["aftercare"]}
    assert rows["mon"]["carried_over"] is True and rows["mon"]["worked_minutes"] == 120
    assert rows["mon"]["actual_start"] == "2026-12-04T20:00:00+01:00"
    assert rows["spare"]["carried_over"] is False and rows["spare"]["dropped"] is True
    conforms(data, "review")

    clock = FakeClock("2026-12-05T09:00+01:00")
    with Weekend.open(closing, clock=clock) as weekend:
        html = review_html(review(weekend))
    assert "CLOSED INSIDE THE WINDOW" in html and "NOT FINISHED" not in html


def test_the_status_page_says_closed_with_the_finish_against_the_deadline(cli, closing):
    _close(cli, closing)
    with Weekend.open(closing, clock=FakeClock("2026-12-05T09:00+01:00")) as weekend:
        page = status_html(status_page(weekend.snapshot(), weekend.events()))
    banner = page.split('<div class="banner')[1].split("</div></div>")[0]
    assert '<div class="verdict">CLOSED</div>' in banner
    assert "Fri 22:00 · 8h before the deadline Sat 06:00 · by ingrid" in banner
    assert "3 tasks carried to aftercare" in banner
    assert "Finish (closed)" in page and "As of <b>Sat 05 Dec 09:00</b>" in page


async def test_the_dashboard_says_closed_first_and_its_clock_goes_on(cli, closing):
    _close(cli, closing)
    clock = FakeClock("2026-12-05T09:00+01:00")
    weekend = Weekend.open(closing, clock=clock, create=True)
    app = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            lines = _screen(app).splitlines()
            assert "CLOSED   Fri 22:00 · 8h before the deadline Sat 06:00 · by ingrid" in lines[0]
            assert "finish Fri 22:00" in lines[1]
            assert "Sat 09:00" in lines[2]  # the clock, not the close
            assert app.snap is not None and app.snap.now == app.snap.closed.at  # type: ignore[union-attr]
            clock.advance(seconds=1)
            app.tick()
            assert app.snap.now == app.snap.closed.at  # type: ignore[union-attr]
            assert app.snap.clock == int(clock.now.timestamp())
    finally:
        weekend.close()


def test_nothing_is_due_to_anyone_after_the_close(closing):
    clock = FakeClock("2026-12-04T22:10+01:00")
    with Weekend.open(closing, clock=clock, create=True) as weekend:
        before = weekend.snapshot()
        assert [n.key for n in due_notices(before, teams={"dba"}, coordinator=True)] == ["up:extra"]
        weekend.close_weekend(actor="ingrid", host="bridge")
        after = weekend.snapshot()
    assert due_notices(after, teams={"dba", "ops"}, coordinator=True) == []
    assert not still_due(after, "up", "extra") and not still_due(after, "overrun", "mon")


def test_notify_sends_nothing_after_the_close(cli, weekend_file, receiver):  # noqa: F811
    path = weekend_file()
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    closed = cli(
        "close", "-f", path, "--reason", "called off", env={"RUNBOOK_NOW": friday("18:10")}
    )
    assert closed.exit_code == 0, closed.stderr
    result = notify_at(cli, path, "18:11")
    assert result.exit_code == 0, result.stderr
    assert receiver.to("dba") == [] and receiver.to("coordinator") == []


def _log(cli, runbook: Path) -> list[dict[str, object]]:
    return json.loads(cli("log", "--json", env=_env(runbook, "2026-12-05T09:00")).stdout)


def _screen(app: MissionControl) -> str:
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )
