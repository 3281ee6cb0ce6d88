"""Every face of a dress rehearsal on its own date says REHEARSAL, with the runbook's time beside
the rehearsal's where it matters (issue 24): the log, the status page, the calendar, the
readiness report's and the review's JSON, and the dashboard's task table and timeline. Each is
checked on the example played on a Tuesday with --at, ten days before the weekend."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from .conftest import EXAMPLES
from .tui_helpers import until

TUESDAY = "2026-11-24T06:00"  # the example weekend starts Friday 2026-12-04 06:00
TEN_DAYS_MINUTES = 10 * 24 * 60
TOLD = "2026-11-24T11:00"  # every check-in is told at 11:00, with --at its own time

# (--at on the rehearsal's Tuesday, the check-in): the first tasks of the Friday.
PLAYED = [
    ("06:05", "start", "fri-bridge-open"),
    ("06:40", "done", "fri-bridge-open"),
    ("06:45", "start", "freeze-changes"),
    ("07:20", "done", "freeze-changes"),
    ("07:30", "start", "oldsup-handover-package"),
    ("08:00", "start", "comms-fri-staff-notice"),
    ("08:40", "done", "comms-fri-staff-notice"),
    ("09:00", "note", "oldsup-handover-package", "the vault export takes longer"),
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    runbook = tmp_path / "cloud.yaml"
    shutil.copy(EXAMPLES / "cloud-migration-weekend.yaml", runbook)
    return {"RUNBOOK_FILE": str(runbook), "RUNBOOK_USER": "ingrid", "RUNBOOK_NOW": TOLD}


@pytest.fixture
def rehearsal(cli, env, tmp_path) -> Path:
    """The example rehearsed on Tuesday 24 November from 06:00, its first tasks checked in
    at 11:00 with --at the times they happened."""
    state = tmp_path / "rehearsal.db"
    begun = cli("rehearse", "--start", TUESDAY, "--state", state, env=env)
    assert begun.exit_code == 0, begun.stderr
    for hhmm, kind, task, *said in PLAYED:
        told = cli(kind, task, *said, "--state", state, "--at", f"2026-11-24T{hhmm}", env=env)
        assert told.exit_code == 0, told.stderr
        assert "forced" not in told.stdout + told.stderr
    return state


@pytest.fixture
def weekend(cli, env, tmp_path) -> Path:
    """The weekend itself, its first task checked in on the Friday."""
    state = tmp_path / "weekend.db"
    friday = {**env, "RUNBOOK_NOW": "2026-12-04T06:10"}
    told = cli("start", "fri-bridge-open", "--state", state, env=friday)
    assert told.exit_code == 0, told.stderr
    return state


def _words(text: str) -> str:
    return " ".join(text.split())


# -- runbook log ---------------------------------------------------------------------------
SAID = (
    "REHEARSAL on its own date: it started Tue 24 Nov 06:00 (Fri 06:00 in the runbook); "
    "every time here is the rehearsal's, 10d earlier than the runbook."
)


def test_the_log_of_a_rehearsal_says_so_and_each_events_time_in_the_runbook(cli, env, rehearsal):
    result = cli("log", "--state", rehearsal, env={**env, "COLUMNS": "130"})
    assert result.exit_code == 0, result.stderr
    assert _words(result.stdout).startswith(SAID)
    lines = result.stdout.splitlines()
    header = next(line for line in lines if "When" in line)
    assert header.split() == ["#", "When", "Runbook", "Task", "What", "By", "Note"]
    row = next(line.split() for line in lines if "comms-fri-staff-notice" in line)
    # Told late: its own time, when it was told, and the runbook's time of it.
    assert " ".join(row[:9]) == "7 Tue 08:00 (told Tue 11:00) Fri 08:00 comms-fri-staff-notice"
    assert "the vault export takes longer" in result.stdout


def test_on_a_narrow_terminal_the_logs_runbook_column_gives_way_to_the_notes(cli, env, rehearsal):
    """Every event told late is a wide When column: at 80 columns the notes would be squeezed
    out for the runbook's times; the line above still says the rehearsal's clock."""
    result = cli("log", "--state", rehearsal, env={**env, "COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert _words(result.stdout).startswith(SAID)
    header = next(line for line in result.stdout.splitlines() if "When" in line)
    assert header.split() == ["#", "When", "Task", "What", "By", "Note"]
    # Checked in live (no told time), the column fits at 80.
    live = cli(
        "log", "--state", rehearsal, "--task", "fri-bridge-open", env={**env, "COLUMNS": "80"}
    )
    assert "Runbook" in live.stdout


def test_the_log_of_the_weekend_itself_has_no_runbook_column(cli, env, weekend):
    at_seven = {**env, "RUNBOOK_NOW": "2026-12-04T07:00"}
    result = cli("log", "--state", weekend, env=at_seven)
    assert result.exit_code == 0, result.stderr
    assert "REHEARSAL" not in result.stdout and "Runbook" not in result.stdout


# -- the status page -----------------------------------------------------------------------
def test_the_status_page_of_a_rehearsal_says_so_with_the_runbooks_times(cli, env, rehearsal):
    result = cli("status", "--state", rehearsal, "--format", "html", env=env)
    assert result.exit_code == 0, result.stderr
    page = _words(re.sub(r"<[^>]+>", " ", result.stdout))
    assert "<title>Rehearsal status: Zorggroep Rijnland" in result.stdout
    assert "As of Tue 24 Nov 11:00 (Fri 11:00 in the runbook)" in page
    assert "REHEARSAL on its own date: it started Tue 24 Nov 06:00" in page
    # The key figures in both clocks: the deadline, the next point of no return.
    assert "Deadline Fri 06:00 Fri 27 Nov 06:00 · Mon 06:00 in the runbook" in page
    assert "gate gonogo-2, in 2d9h · Sun 20:00 in the runbook" in page
    assert "at Thu 26 Nov 20:00 (Sun 20:00 in the runbook); rolling back takes 10h" in page
    assert "The rehearsal runs as planned." in page


def test_the_status_page_of_a_closed_rehearsal_says_the_rehearsal_closed(cli, env, rehearsal):
    noon = {**env, "RUNBOOK_NOW": "2026-11-24T12:00"}
    closed = cli("close", "--state", rehearsal, "--reason", "stopped at noon", env=noon)
    assert closed.exit_code == 0, closed.stderr
    result = cli("status", "--state", rehearsal, "--format", "html", env=noon)
    page = _words(re.sub(r"<[^>]+>", " ", result.stdout))
    assert "The rehearsal CLOSED Closed Tue 12:00" in page


def test_the_status_page_of_the_weekend_itself_says_weekend(cli, env, weekend):
    at_seven = {**env, "RUNBOOK_NOW": "2026-12-04T07:00"}
    result = cli("status", "--state", weekend, "--format", "html", env=at_seven)
    assert result.exit_code == 0, result.stderr
    assert "<title>Weekend status: Zorggroep Rijnland" in result.stdout
    assert "REHEARSAL" not in result.stdout and "in the runbook" not in result.stdout


# -- the calendar --------------------------------------------------------------------------
def _calendar(cli, env, state: Path, *more: str) -> list[dict[str, str]]:
    """The VEVENTs of ``runbook export ics``, each as its properties (lines unfolded), and
    the calendar's own as the first."""
    result = cli("export", "ics", "--state", state, *more, env=env)
    assert result.exit_code == 0, result.stderr
    text = result.stdout.replace("\r\n ", "").replace("\n ", "")
    found: list[dict[str, str]] = [{}]
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            found.append({})
        elif line.startswith(("BEGIN:", "END:")):
            continue
        else:
            found[-1].setdefault(key.split(";")[0], value)
    return found


def test_a_rehearsals_calendar_is_at_its_own_times_and_says_rehearsal(cli, env, rehearsal):
    head, *events = _calendar(cli, env, rehearsal)
    assert head["X-WR-CALNAME"] == "[REHEARSAL] Zorggroep Rijnland cloud migration weekend"
    bridge = next(e for e in events if "fri-bridge-open" in e["SUMMARY"])
    assert bridge["SUMMARY"].startswith(r"[REHEARSAL] fri-bridge-open: Open the mission-control")
    assert bridge["DTSTART"] == "20261124T060000"  # the rehearsal's Tuesday
    assert bridge["DESCRIPTION"].startswith(r"REHEARSAL: Fri 04 Dec 06:00 in the runbook\n")
    assert all(e["SUMMARY"].startswith("[REHEARSAL] ") for e in events)
    # With the forecast: the actual times, the runbook's beside them.
    _, *forecast = _calendar(cli, env, rehearsal, "--forecast")
    bridge = next(e for e in forecast if "fri-bridge-open" in e["SUMMARY"])
    assert bridge["DTSTART"] == "20261124T060500"
    assert bridge["DESCRIPTION"].startswith(r"REHEARSAL: Fri 04 Dec 06:05 in the runbook\n")
    head, *_ = _calendar(cli, env, rehearsal, "--team", "dba")
    assert head["X-WR-CALNAME"].startswith("[REHEARSAL] Zorggroep Rijnland")


def test_a_rehearsals_calendar_never_updates_the_weekends_events(cli, env, rehearsal, weekend):
    """Imported into the same calendar, the rehearsal's entries are entries of their own: a
    calendar matches events by UID, and the weekend's must not move to the Tuesday."""
    _, *rehearsed = _calendar(cli, env, rehearsal)
    head, *real = _calendar(cli, {**env, "RUNBOOK_NOW": "2026-12-04T07:00"}, weekend)
    assert not {e["UID"] for e in rehearsed} & {e["UID"] for e in real}
    assert len({e["UID"] for e in rehearsed}) == len(rehearsed)
    assert head["X-WR-CALNAME"] == "Zorggroep Rijnland cloud migration weekend"
    bridge = next(e for e in real if "fri-bridge-open" in e["SUMMARY"])
    assert bridge["UID"] == "fri-bridge-open@zorggroep-rijnland-cloud-migration-weekend.runbook"
    assert "REHEARSAL" not in bridge["SUMMARY"] + bridge["DESCRIPTION"]
    # The same rehearsal exported again keeps its UIDs.
    _, *again = _calendar(cli, env, rehearsal)
    assert [e["UID"] for e in again] == [e["UID"] for e in rehearsed]


# -- readiness and review as JSON ----------------------------------------------------------
REHEARSAL_CLOCK = {
    "start": "2026-11-24T06:00:00+01:00",
    "runbook_start": "2026-12-04T06:00:00+01:00",
    "offset_minutes": -TEN_DAYS_MINUTES,
}


def test_readiness_json_of_a_rehearsal_says_it_is_one_and_its_clock(cli, env, rehearsal):
    from .test_contracts import conforms

    result = cli("readiness", "--state", rehearsal, "--format", "json", env=env)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    conforms(data, "readiness")
    assert data["rehearsal_clock"] == REHEARSAL_CLOCK
    assert data["schedule"]["deadline"] == "2026-11-27T06:00:00+01:00"  # the rehearsal's
    review = json.loads(cli("review", "--state", rehearsal, "--format", "json", env=env).stdout)
    conforms(review, "review")
    assert review["rehearsal"] == REHEARSAL_CLOCK


def test_readiness_and_review_json_of_the_weekend_say_no_rehearsal(cli, env, weekend):
    at_seven = {**env, "RUNBOOK_NOW": "2026-12-04T07:00"}
    for command, key in (("readiness", "rehearsal_clock"), ("review", "rehearsal")):
        result = cli(command, "--state", weekend, "--format", "json", env=at_seven)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)[key] is None, command


# -- the dashboard's task table and timeline -----------------------------------------------
@pytest.fixture
def dashboard(env, rehearsal):
    """The dashboard on the rehearsal at 11:00 (read-only: the clock is fixed)."""
    from datetime import datetime

    from runbook.tui.app import MissionControl
    from runbook.usecases import Weekend

    told = datetime.fromisoformat(TOLD + "+01:00")
    weekend = Weekend.open(Path(env["RUNBOOK_FILE"]), rehearsal, at=lambda _: told)
    yield MissionControl(weekend, actor="ingrid", host="bridge")
    weekend.close()


async def test_the_task_table_of_a_rehearsal_shows_its_times_and_the_runbooks_plan(dashboard):
    from runbook.tui.widgets import TaskTable

    async with dashboard.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        table = dashboard.query_one(TaskTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert "Plan (runbook)" in labels
        cells = [c.plain for c in table.get_row("comms-fri-staff-notice")]
        assert cells[2] == "Tue 08:00–08:40"  # done on the rehearsal's Tuesday
        assert cells[5] == "Tue 08:00–08:30 (Fri 08:00)"  # planned then: Friday 08:00
        cells = [c.plain for c in table.get_row("oldsup-handover-package")]
        assert cells[2] == "Tue 07:30–11:00 ~"


async def test_the_timeline_of_a_rehearsal_has_the_runbooks_days_beneath_its_own(dashboard):
    from runbook.tui.widgets.timeline import Timeline

    async with dashboard.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        timeline = dashboard.query_one(Timeline)
        own, runbook, marks, first = (timeline.render_line(y).text for y in range(4))
    assert own.startswith(" REHEARSAL") and runbook.startswith(" in the runbook")
    days = lambda line: re.findall(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b", line[26:])  # noqa: E731
    assert days(own) == ["Wed", "Thu", "Fri"]
    assert days(runbook) == ["Sat", "Sun", "Mon"]
    # Each runbook day stands under the rehearsal's day it is.
    assert [own.index(d, 26) for d in days(own)] == [runbook.index(d, 26) for d in days(runbook)]
    assert "▼" in marks and first.startswith(" fri-bridge-open")


async def test_the_log_tab_of_a_rehearsal_gives_each_events_time_in_the_runbook(dashboard):
    from runbook.tui.widgets.event_log import EventLog

    async with dashboard.run_test(size=(120, 30)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        log = dashboard.query_one(EventLog)
        await until(pilot, lambda: not log.filling and log.row_count > 0)
        whens = [str(log.get_row_at(r)[1]) for r in range(log.row_count)]
    assert "Tue 08:00 (Fri 08:00)" in whens  # comms-fri-staff-notice started
    assert all(re.fullmatch(r"Tue \d\d:\d\d \(Fri \d\d:\d\d\)", w) for w in whens), whens


async def test_the_weekends_own_timeline_has_one_line_of_days(cli, env, weekend):
    from datetime import datetime

    from runbook.tui.app import MissionControl
    from runbook.tui.widgets.timeline import Timeline
    from runbook.usecases import Weekend

    at_seven = datetime.fromisoformat("2026-12-04T07:00+01:00")
    with Weekend.open(Path(env["RUNBOOK_FILE"]), weekend, at=lambda _: at_seven) as opened:
        app = MissionControl(opened, actor="ingrid", host="bridge")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("2")
            await pilot.pause()
            lines = [app.query_one(Timeline).render_line(y).text for y in range(3)]
    assert "REHEARSAL" not in lines[0] and "runbook" not in " ".join(lines)
    assert lines[1].startswith(" ▀ baseline") and lines[2].startswith(" fri-bridge-open")
