"""Check-in rules and refusals, --at, undo, notes, the baseline and a changed runbook."""

from __future__ import annotations

import pytest

from runbook.common.errors import InputError, InvalidRunbook, Refused
from runbook.usecases import Weekend

from .weekend_helpers import FakeClock, at, check, open_weekend

RUNBOOK = """
    name: Rules
    timezone: Europe/Amsterdam
    start: 2026-12-04T06:00
    tasks:
      - {id: export-data, title: Export, team: dba, duration: 1h}
      - {id: export-logs, title: Export logs, team: dba, duration: 30m}
      - {id: import, title: Import, team: dba, duration: 2h, depends_on: [export-data, export-logs]}
      - {id: verify, title: Verify, team: apps, duration: 30m, depends_on: import}
"""


@pytest.fixture
def weekend(write_runbook):
    clock = FakeClock("2026-12-04T06:00+01:00")
    opened = open_weekend(write_runbook(RUNBOOK), clock)
    opened.test_clock = clock  # type: ignore[attr-defined]
    yield opened
    opened.close()


def _refusal(result) -> Refused:
    assert not result.events, "nothing may be recorded when refused"
    assert len(result.refused) == 1
    return result.refused[0][1]


def test_starting_a_task_with_unfinished_predecessors_is_refused_naming_them(weekend):
    refusal = _refusal(check(weekend, "start", "import"))
    assert refusal.message == (
        "import cannot start: predecessors not done yet: export-data, export-logs"
    )
    assert refusal.forceable


def test_a_forced_start_is_recorded_with_what_it_overrode(weekend):
    result = check(weekend, "start", "import", force=True)
    (event,) = result.events
    assert event.forced
    assert "predecessors not done yet" in event.data["overrode"]
    assert weekend.snapshot().by_id("import").forced


def test_finishing_a_task_that_was_never_started_is_refused(weekend):
    assert "was never started" in _refusal(check(weekend, "done", "verify")).message


def test_starting_a_running_or_done_task_is_refused(weekend):
    check(weekend, "start", "export-data")
    assert "already running" in _refusal(check(weekend, "start", "export-data")).message
    check(weekend, "done", "export-data")
    assert "already done" in _refusal(check(weekend, "start", "export-data")).message


def test_skipped_predecessors_release_their_successors(weekend):
    check(weekend, "start", "export-data")
    check(weekend, "done", "export-data")
    check(weekend, "skip", "export-logs", note="logs not needed")
    result = check(weekend, "start", "import")
    assert [e.task for e in result.events] == ["import"]


def test_an_unknown_id_is_refused_with_did_you_mean(weekend):
    with pytest.raises(Refused) as caught:
        check(weekend, "start", "imprt")
    assert caught.value.message == "unknown task 'imprt'"
    assert caught.value.hint == "did you mean 'import'?"
    assert not caught.value.forceable
    assert weekend.events() == []


def test_a_unique_prefix_of_an_id_is_accepted(weekend):
    result = check(weekend, "start", "export-d")
    assert [e.task for e in result.events] == ["export-data"]


def test_an_ambiguous_prefix_is_refused_listing_the_candidates(weekend):
    with pytest.raises(Refused, match=r"'export' matches 2 tasks \(export-data, export-logs\)"):
        check(weekend, "start", "export")


def test_several_ids_are_recorded_together_and_refusals_named_one_by_one(weekend):
    result = check(weekend, "start", "export-data", "import", "export-logs")
    assert [e.task for e in result.events] == ["export-data", "export-logs"]
    assert [task for task, _ in result.refused] == ["import"]


def test_at_records_the_time_mission_control_was_told(weekend):
    weekend.test_clock.set("2026-12-04T06:30+01:00")
    result = check(weekend, "start", "export-data", at=at("2026-12-04T06:05+01:00"))
    (event,) = result.events
    assert event.at == int(at("2026-12-04T06:05+01:00").timestamp())
    assert event.recorded == int(at("2026-12-04T06:30+01:00").timestamp())


def test_a_time_in_the_future_is_refused(weekend):
    with pytest.raises(InputError, match="is in the future"):
        check(weekend, "start", "export-data", at=at("2026-12-04T06:01+01:00"))
    assert weekend.events() == []


def test_a_finish_before_the_start_is_refused_even_with_force(weekend):
    weekend.test_clock.set("2026-12-04T07:00+01:00")
    check(weekend, "start", "export-data", at=at("2026-12-04T06:30+01:00"))
    result = check(weekend, "done", "export-data", at=at("2026-12-04T06:20+01:00"), force=True)
    refusal = _refusal(result)
    assert "cannot finish earlier" in refusal.message
    assert not refusal.forceable


def test_fail_and_skip_need_a_reason(weekend):
    with pytest.raises(InputError, match="needs --reason"):
        check(weekend, "skip", "verify", note="  ")
    check(weekend, "start", "export-data")
    with pytest.raises(InputError, match="needs --reason"):
        check(weekend, "fail", "export-data")


def test_only_a_running_task_can_fail(weekend):
    assert (
        "only a running task can fail"
        in _refusal(check(weekend, "fail", "verify", note="x")).message
    )


def test_a_failed_task_can_be_started_again_and_keeps_its_first_start(weekend):
    check(weekend, "start", "export-data")
    weekend.test_clock.advance(minutes=20)
    check(weekend, "fail", "export-data", note="disk full")
    weekend.test_clock.advance(minutes=10)
    check(weekend, "start", "export-data")
    state = weekend.snapshot().by_id("export-data")
    assert state.status == "running"
    assert state.actual_start == int(at("2026-12-04T06:00+01:00").timestamp())


def test_undo_revokes_the_last_state_change_as_a_new_event(weekend):
    check(weekend, "start", "export-data")
    check(weekend, "done", "export-data")
    result = check(weekend, "undo", "export-data")
    (event,) = result.events
    assert event.kind == "undo"
    assert event.data["undoes"] == weekend.events()[-2].seq
    assert weekend.snapshot().by_id("export-data").status == "running"
    check(weekend, "undo", "export-data")
    assert weekend.snapshot().by_id("export-data").status == "ready"
    assert [e.kind for e in weekend.events()] == ["baseline", "start", "done", "undo", "undo"]


def test_undo_with_nothing_to_undo_is_refused(weekend):
    assert "no check-in to undo" in _refusal(check(weekend, "undo", "verify")).message


def test_a_note_changes_nothing_but_is_logged(weekend):
    check(weekend, "note", "verify", note="vendor on site from 09:00")
    assert weekend.snapshot().by_id("verify").notes == 1
    assert weekend.events()[-1].note == "vendor on site from 09:00"


def test_the_first_check_in_records_the_baseline(weekend):
    result = check(weekend, "start", "export-data")
    assert result.baseline is not None
    assert result.baseline.data["digest"] == weekend.plan.digest
    assert check(weekend, "start", "export-logs").baseline is None


def test_a_changed_runbook_is_said_plainly_and_ahead_stays_against_the_baseline(write_runbook):
    # Issue 23: an edited file is said once and is in force only once `revise` records it.
    clock = FakeClock("2026-12-04T06:00+01:00")
    path = write_runbook(RUNBOOK)
    with open_weekend(path, clock) as weekend:
        check(weekend, "start", "export-data")
    # Planners make the import an hour longer.
    path.write_text(path.read_text().replace("duration: 2h", "duration: 3h"))
    with open_weekend(path, clock) as weekend:
        snap = weekend.snapshot()
        (said,) = weekend.notices
        assert "differs from runbook version 1, the latest recorded, and is not used" in said
        assert "runbook revise" in said
        assert snap.forecast_finish == snap.baseline_finish  # the version in force: still 1
        weekend.revise(actor="planner", host="h", reason="the import takes an hour longer")
        snap = weekend.snapshot()
        assert snap.forecast_finish - snap.baseline_finish == 3600
        assert snap.ahead == -3600
        weekend.reset_baseline(actor="planner", host="h")
        assert weekend.snapshot().ahead == 0
        assert weekend.events()[-1].kind == "baseline"
    with open_weekend(path, clock) as weekend:
        weekend.snapshot()
        assert weekend.notices == []


def test_a_broken_runbook_mid_weekend_leaves_the_version_in_force(write_runbook):
    clock = FakeClock("2026-12-04T06:00+01:00")
    path = write_runbook(RUNBOOK)
    with open_weekend(path, clock) as weekend:
        check(weekend, "start", "export-data")
    path.write_text(path.read_text().replace("duration: 2h", "duration: 2hours and a bit"))
    with open_weekend(path, clock) as weekend:
        (said,) = weekend.notices
        assert "has 1 error (run `runbook validate`) and is not used" in said
        assert "runbook version 1, the latest recorded, stays in force" in said
        check(weekend, "done", "export-data")
        assert weekend.snapshot().by_id("export-data").status == "done"


def test_a_broken_runbook_without_history_is_refused_with_its_problems(write_runbook, tmp_path):
    path = write_runbook(RUNBOOK.replace("duration: 2h", "duration: soon"))
    with pytest.raises(InvalidRunbook) as caught:
        Weekend.open(path, tmp_path / "s.db", create=True)
    assert "'soon' is not a duration" in caught.value.problems[0].message


def test_reading_status_does_not_create_a_state_file(write_runbook, tmp_path):
    path = write_runbook(RUNBOOK)
    with Weekend.open(path, tmp_path / "none.db") as weekend:
        assert weekend.snapshot().counts["ready"] == 2
    assert not (tmp_path / "none.db").exists()


def test_a_check_in_reads_the_plan_from_the_cache_without_yaml(write_runbook, tmp_path):
    import subprocess
    import sys

    path = write_runbook(RUNBOOK)
    state = tmp_path / "s.db"
    clock = FakeClock("2026-12-04T06:00+01:00")
    with open_weekend(path, clock, state) as weekend:
        check(weekend, "start", "export-data")
    code = (
        "import sys\n"
        "from datetime import datetime, UTC\n"
        "from runbook.usecases import Weekend\n"
        "at = datetime(2026, 12, 4, 6, 30, tzinfo=UTC)\n"
        f"w = Weekend.open({str(path)!r}, {str(state)!r}, create=True, clock=lambda: at)\n"
        "w.record('done', ['export-data'], actor='a', host='h')\n"
        "print(' '.join(m for m in ('yaml', 'pydantic', 'networkx') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_cached_plan_in_an_old_format_is_replaced_once(write_runbook, tmp_path):
    import json
    import sqlite3

    path = write_runbook(RUNBOOK)
    state = tmp_path / "s.db"
    clock = FakeClock("2026-12-04T06:00+01:00")
    with open_weekend(path, clock, state) as weekend:
        check(weekend, "start", "export-data")
        digest = weekend.plan.digest
    db = sqlite3.connect(state)
    db.execute("UPDATE plans SET plan = ? WHERE digest = ?", (json.dumps({"format": 0}), digest))
    db.commit()
    db.close()
    with open_weekend(path, clock, state) as weekend:
        assert weekend.snapshot().by_id("export-data").status == "running"
    db = sqlite3.connect(state)
    (text,) = db.execute("SELECT plan FROM plans WHERE digest = ?", (digest,)).fetchone()
    db.close()
    assert json.loads(text.partition("\n")[0])["format"] != 0  # the first line says the format


def test_a_start_told_by_phone_before_a_predecessor_finished_is_refused(weekend):
    weekend.test_clock.set("2026-12-04T08:00+01:00")
    check(weekend, "start", "export-data", at=at("2026-12-04T06:00+01:00"))
    check(weekend, "done", "export-data", at=at("2026-12-04T07:40+01:00"))
    check(weekend, "skip", "export-logs", note="not needed")
    refusal = _refusal(check(weekend, "start", "import", at=at("2026-12-04T07:10+01:00")))
    assert refusal.message == (
        "import cannot start at Fri 07:10: predecessor export-data finished at Fri 07:40"
    )
    assert refusal.forceable


def test_a_forced_back_dated_start_is_recorded_as_forced_with_the_reason_it_overrode(weekend):
    weekend.test_clock.set("2026-12-04T08:00+01:00")
    check(weekend, "start", "export-data", at=at("2026-12-04T06:00+01:00"))
    check(weekend, "done", "export-data", at=at("2026-12-04T07:40+01:00"))
    check(weekend, "skip", "export-logs", note="not needed")
    result = check(weekend, "start", "import", at=at("2026-12-04T07:10+01:00"), force=True)
    (event,) = result.events
    assert event.forced
    assert event.data["overrode"] == (
        "import cannot start at Fri 07:10: predecessor export-data finished at Fri 07:40"
    )
    assert weekend.snapshot().by_id("import").actual_start == event.at


NOT_BEFORE = """
    name: Windows
    timezone: Europe/Amsterdam
    start: 2026-12-05T18:00
    tasks:
      - {id: prepare, title: Prepare, team: ops, duration: 30m}
      - {id: switch, title: Switch, team: ops, duration: 1h, depends_on: prepare,
         not_before: 2026-12-05T20:00}
      - id: shutdown
        title: Shut down the old system
        team: ops
        duration: 1h
        depends_on: prepare
        not_before: {at: 2026-12-05T22:00, fixed: true, reason: downtime announced to all wards}
"""


@pytest.fixture
def windows(write_runbook):
    clock = FakeClock("2026-12-05T19:00+01:00")
    opened = open_weekend(write_runbook(NOT_BEFORE), clock)
    check(opened, "start", "prepare", at=at("2026-12-05T18:00+01:00"))
    check(opened, "done", "prepare", at=at("2026-12-05T18:30+01:00"))
    yield opened
    opened.close()


def test_starting_before_the_tasks_not_before_is_refused_naming_the_constraint(windows):
    refusal = _refusal(check(windows, "start", "switch"))
    assert refusal.message == "switch cannot start at Sat 19:00: not before Sat 20:00 (runbook)"
    assert refusal.forceable


def test_a_forced_start_before_not_before_is_recorded_as_forced(windows):
    (event,) = check(windows, "start", "switch", force=True).events
    assert event.forced
    assert event.data["overrode"] == (
        "switch cannot start at Sat 19:00: not before Sat 20:00 (runbook)"
    )
    assert windows.snapshot().by_id("switch").forced


def test_a_start_before_a_fixed_not_before_says_it_cannot_move_and_force_still_records_it(
    windows,
):
    refusal = _refusal(check(windows, "start", "shutdown"))
    assert refusal.message == (
        "shutdown cannot start at Sat 19:00: not before Sat 22:00, fixed in the runbook: "
        "it cannot move (downtime announced to all wards)"
    )
    (event,) = check(windows, "start", "shutdown", force=True).events
    assert event.forced
    assert event.data["overrode"] == refusal.message


def test_a_start_at_or_after_not_before_is_allowed(windows):
    windows.clock.set("2026-12-05T20:05+01:00")  # type: ignore[attr-defined]
    assert [e.task for e in check(windows, "start", "switch").events] == ["switch"]


def test_a_fixed_not_before_is_never_listed_as_could_be_pulled_forward(windows):
    pulled = [p.id for p in windows.pull_forward(windows.snapshot())]
    assert pulled == ["switch"]


def test_resuming_a_failed_task_keeps_its_first_start_and_counts_the_time_lost(weekend):
    weekend.test_clock.set("2026-12-04T07:30+01:00")
    check(weekend, "start", "export-data", at=at("2026-12-04T06:00+01:00"))
    check(weekend, "fail", "export-data", at=at("2026-12-04T06:20+01:00"), note="disk full")
    check(weekend, "start", "export-data", at=at("2026-12-04T07:00+01:00"))
    state = weekend.snapshot().by_id("export-data")
    assert state.status == "running"
    assert state.actual_start == int(at("2026-12-04T06:00+01:00").timestamp())
    assert state.resumed and state.lost == 40 * 60
    # 1h of work from 06:00 plus the 40m the failure cost: it is forecast to end at 07:40,
    # and at 07:30 it is not overrunning.
    assert state.forecast_finish == int(at("2026-12-04T07:40+01:00").timestamp())


def test_the_briefing_lists_only_what_could_be_pulled_forward_within_three_hours(
    cli, write_runbook
):
    path = write_runbook(
        """
        name: Horizon
        timezone: Europe/Amsterdam
        start: 2026-12-04T18:00
        tasks:
          - {id: soon, title: Soon, team: a, duration: 1h, not_before: 2026-12-04T20:00}
          - {id: load, title: Load, team: a, duration: 6h}
          - {id: later, title: Later, team: a, duration: 1h, depends_on: load,
             not_before: 2026-12-05T08:00}
        """
    )
    env = {"RUNBOOK_FILE": str(path), "RUNBOOK_NOW": "2026-12-04T18:00", "COLUMNS": "120"}
    out = cli("status", env=env).stdout
    assert "Could be pulled forward (not_before → could start; nothing else holds them) (2)" in (
        cli("status", "--all", env=env).stdout
    )
    assert "(1)" in out and "soon" in out.split("Could be pulled forward")[1]
    assert "and 1 task later in the weekend, not within 3h" in out


MILESTONE = """
    name: Milestones
    timezone: Europe/Amsterdam
    start: 2026-12-04T06:00
    tasks:
      - {id: export, title: Export, team: dba, duration: 1h}
      - {id: exported, title: Export finished, milestone: true, depends_on: export}
"""


def test_reaching_a_milestone_before_what_it_marks_is_finished_is_refused(write_runbook):
    clock = FakeClock("2026-12-04T06:00+01:00")
    with open_weekend(write_runbook(MILESTONE), clock) as weekend:
        refusal = _refusal(check(weekend, "done", "exported"))
        assert refusal.message == "exported cannot be reached: predecessor not done yet: export"
        check(weekend, "start", "export")
        clock.set("2026-12-04T07:10+01:00")
        check(weekend, "done", "export", at=at("2026-12-04T07:05+01:00"))
        told = check(weekend, "done", "exported", at=at("2026-12-04T07:00+01:00"))
        assert _refusal(told).message == (
            "exported cannot be reached at Fri 07:00: predecessor export finished at Fri 07:05"
        )
        assert check(weekend, "done", "exported").events


def test_a_milestone_reached_by_force_is_recorded_as_forced(write_runbook):
    clock = FakeClock("2026-12-04T06:00+01:00")
    with open_weekend(write_runbook(MILESTONE), clock) as weekend:
        (event,) = check(weekend, "done", "exported", force=True).events
        assert event.forced
        assert "predecessor not done yet" in event.data["overrode"]


def test_asking_what_would_be_refused_gives_records_reason_and_writes_nothing(weekend):
    before = len(weekend.events())
    asked = weekend.would_refuse("start", "import")
    assert len(weekend.events()) == before
    assert asked is not None
    assert asked.message == _refusal(check(weekend, "start", "import")).message
    assert weekend.would_refuse("start", "export-data") is None


def test_asking_what_would_be_refused_at_a_time_applies_that_time(weekend):
    weekend.test_clock.now = at("2026-12-04T08:00+01:00")  # type: ignore[attr-defined]
    check(weekend, "start", "export-data", at=at("2026-12-04T06:00+01:00"))
    assert weekend.would_refuse("done", "export-data", at=at("2026-12-04T05:30+01:00"))
    assert weekend.would_refuse("done", "export-data", at=at("2026-12-04T07:00+01:00")) is None
    with pytest.raises(InputError, match="in the future"):
        weekend.would_refuse("done", "export-data", at=at("2026-12-04T09:00+01:00"))


def test_a_time_told_is_read_in_the_runbooks_zone_on_the_clocks_day(weekend):
    assert weekend.read_time("10:05") == at("2026-12-04T10:05+01:00")
    with pytest.raises(InputError, match="the time 25:99"):
        weekend.read_time("25:99", what="the time")
