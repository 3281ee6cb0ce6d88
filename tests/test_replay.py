"""`--now` is a replay: the weekend as it was at that moment, whatever was recorded later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runbook.usecases import Weekend

from .builders import FRIDAY_EVENING, friday, minimal_runbook, played_weekend
from .weekend_helpers import FakeClock, at

SCRIPT = FRIDAY_EVENING


def _play(runbook: Path, state: Path, until: str | None = None) -> None:
    """Record the script's events, each at its time (up to ``until`` when given)."""
    steps = [step for step in SCRIPT if until is None or step[0] <= until]
    played_weekend(runbook, [(friday(hhmm), *rest) for hhmm, *rest in steps], state=state)


@pytest.fixture
def runbook(tmp_path: Path) -> Path:
    return minimal_runbook(tmp_path, "intranet.yaml")


def _picture(weekend: Weekend) -> dict[str, object]:
    """Everything a snapshot says, as comparable data."""
    snap = weekend.snapshot()
    return {
        "forecast_finish": snap.forecast_finish,
        "ahead": snap.ahead,
        "critical_path": snap.critical_path,
        "tasks": [
            (
                t.id,
                t.status,
                t.actual_start,
                t.actual_finish,
                t.forecast_start,
                t.forecast_finish,
                t.late,
                t.critical,
                t.reason,
                t.notes,
            )
            for t in snap.tasks
        ],
    }


@pytest.mark.parametrize("moment", ["18:30", "20:15", "22:02", "23:00"])
def test_a_replay_equals_the_weekend_recorded_only_up_to_thatfriday(runbook, tmp_path, moment):
    whole = tmp_path / "whole.state.db"
    _play(runbook, whole)
    partial = tmp_path / "partial.state.db"
    _play(runbook, partial, until=moment)

    then = FakeClock(friday(moment))
    with Weekend.open(runbook, whole, clock=then) as replayed:
        replayed.replay = True
        picture = _picture(replayed)
        later = replayed.later_events
    with Weekend.open(runbook, partial, clock=then) as recorded:
        assert picture == _picture(recorded)
    assert later == sum(1 for hhmm, *_ in SCRIPT if hhmm > moment)


def test_a_live_clock_shows_every_event(runbook, tmp_path):
    state = tmp_path / "whole.state.db"
    _play(runbook, state)
    with Weekend.open(runbook, state, clock=FakeClock(friday("18:30"))) as weekend:
        assert len(weekend.events()) == len(SCRIPT) + 1  # and the baseline
        assert weekend.later_events == 0


def test_an_undo_in_a_replay_revokes_only_the_event_it_names(runbook, tmp_path):
    state = tmp_path / "whole.state.db"
    _play(runbook, state)
    with Weekend.open(runbook, state, clock=FakeClock(friday("22:01"))) as weekend:
        weekend.replay = True
        snap = weekend.snapshot()
    assert snap.by_id("import").status == "ready"
    assert snap.by_id("export").status == "done"


@pytest.fixture
def played(runbook):
    _play(runbook, runbook.with_suffix(".state.db"))
    return runbook


def _env(runbook: Path, now: str) -> dict[str, str]:
    return {"RUNBOOK_NOW": friday(now), "RUNBOOK_FILE": str(runbook), "RUNBOOK_USER": "ingrid"}


def test_status_at_an_earlier_moment_says_how_many_later_events_it_leaves_out(cli, played):
    result = cli("status", env=_env(played, "20:15"))
    assert result.exit_code == 0, result.stderr
    assert "as of Fri 04 Dec 20:15; 5 later events not shown" in result.stderr
    data = json.loads(cli("status", "--json", env=_env(played, "20:15")).stdout)
    assert data["later_events"] == 5
    assert data["counts"]["done"] == 3  # freeze, backup, go-no-go
    assert data["counts"]["failed"] == 1  # export, failed at 20:10
    assert data["counts"]["running"] == 0


def test_status_after_the_last_event_says_nothing_of_later_events(cli, played):
    result = cli("status", env=_env(played, "23:00"))
    assert "later event" not in result.stderr
    assert (
        json.loads(cli("status", "--json", env=_env(played, "23:00")).stdout)["later_events"] == 0
    )


def test_the_log_at_an_earlier_moment_lists_only_what_had_happened(cli, played):
    result = cli("log", "--json", env=_env(played, "19:31"))
    assert result.exit_code == 0, result.stderr
    kinds = [(e["task"], e["kind"]) for e in json.loads(result.stdout)]
    assert kinds[-1] == ("go-no-go", "done")
    assert ("export", "start") not in kinds
    assert "as of Fri 04 Dec 19:31; 7 later events not shown" in result.stderr


def test_plan_with_state_at_an_earlier_moment_forecasts_from_then(cli, played):
    data = json.loads(cli("plan", "--json", env=_env(played, "18:30")).stdout)
    status = {t["id"]: t["status"] for t in data["tasks"]}
    assert status["freeze"] == "done"
    assert status["backup"] == "running"
    assert status["export"] == "pending"


def test_review_at_an_earlier_moment_counts_only_the_check_outs_made_by_then(cli, played):
    early = json.loads(cli("review", "--format", "json", env=_env(played, "19:00")).stdout)
    late = json.loads(cli("review", "--format", "json", env=_env(played, "23:00")).stdout)
    done = lambda report: sorted(t["id"] for t in report["tasks"] if t["status"] == "done")  # noqa: E731
    assert done(early) == ["freeze"]
    assert done(late) == ["backup", "export", "freeze", "go-no-go"]
    assert [n["note"] for n in early["notes"]] == ["tape library online"]
    assert all(n["task"] != "export" for n in early["notes"])


def test_a_replay_measures_against_the_baseline_in_force_at_thatfriday(runbook, tmp_path):
    state = tmp_path / "intranet.state.db"
    clock = FakeClock(friday("18:02"))
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        weekend.record("start", ["freeze"], actor="ingrid", host="pc1")
        first_finish = weekend.snapshot().baseline_finish
    # At 19:00 the PMO adds an hour to the smoke test, records the edit as a revision (an
    # edit is in force once recorded, issue 23) and takes a new baseline.
    text = runbook.read_text(encoding="utf-8")
    runbook.write_text(text.replace("duration: 45m\n", "duration: 1h45m\n", 1), encoding="utf-8")
    clock.set(friday("19:00"))
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        assert weekend.snapshot().baseline_finish == first_finish  # not recorded: not in force
        weekend.revise(actor="ingrid", host="pc1", reason="smoke test takes longer")
        weekend.reset_baseline(actor="ingrid", host="pc1")
        assert weekend.snapshot().baseline_finish == first_finish + 3600

    for hhmm, expected in (("18:30", first_finish), ("19:30", first_finish + 3600)):
        with Weekend.open(runbook, state, at=lambda _, t=hhmm: at(friday(t))) as weekend:
            assert weekend.snapshot().baseline_finish == expected, hhmm
