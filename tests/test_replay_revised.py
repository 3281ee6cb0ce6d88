"""A replay that jumps back before a `runbook revise` (issue 24): every figure at every moment is
as the coordinator saw it, the version of the runbook then in force included; forward, the
revision comes into force again when the replay reaches it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runbook.contracts.weekend import verdict_json
from runbook.format.durations import iso
from runbook.tui.app import MissionControl
from runbook.tui.widgets import Identity
from runbook.usecases import Weekend
from runbook.usecases.live import Live
from runbook.usecases.replay import ReplayClock

from .builders import friday, minimal_runbook
from .tui_helpers import until
from .weekend_helpers import FakeClock, at

FIRST_DEADLINE = "2026-12-05T06:00:00+01:00"
REVISED_DEADLINE = "2026-12-05T04:00:00+01:00"


@pytest.fixture
def revised(tmp_path: Path) -> tuple[Path, Path]:
    """The minimal weekend: freeze and backup under way when, at 19:00, mission control
    revises the runbook (the deadline two hours earlier, the export an hour longer); then
    the backup, the go/no-go and the export go on under the revised runbook."""
    runbook = minimal_runbook(tmp_path, "intranet.yaml")
    state = tmp_path / "intranet.state.db"
    clock = FakeClock(friday("18:02"))

    def record(weekend: Weekend, hhmm: str, kind: str, task: str) -> None:
        clock.set(friday(hhmm))
        result = weekend.record(kind, [task], actor="ingrid", host="bridge")
        assert not result.refused, (kind, task, result.refused)

    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        record(weekend, "18:02", "start", "freeze")
        record(weekend, "18:14", "done", "freeze")
        record(weekend, "18:15", "start", "backup")
    text = runbook.read_text(encoding="utf-8")
    text = text.replace("deadline: 2026-12-05T06:00", "deadline: 2026-12-05T04:00")
    text = text.replace("duration: 1h30m", "duration: 2h30m")
    runbook.write_text(text, encoding="utf-8")
    clock.set(friday("19:00"))
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        weekend.revise(actor="ingrid", host="bridge", reason="the committee wants it earlier")
        record(weekend, "19:30", "done", "backup")
        record(weekend, "19:31", "done", "go-no-go")
        record(weekend, "19:35", "start", "export")
    return runbook, state


def _status_at(cli, runbook: Path, state: Path, hhmm: str) -> dict[str, object]:
    env = {"RUNBOOK_NOW": friday(hhmm)}
    result = cli("status", "-f", runbook, "--state", state, "--json", env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_status_now_before_a_revision_uses_the_version_in_force_then(cli, revised):
    runbook, state = revised
    before = _status_at(cli, runbook, state, "18:45")
    assert before["runbook_version"]["number"] == 1  # type: ignore[index]
    assert before["deadline"] == FIRST_DEADLINE
    after = _status_at(cli, runbook, state, "20:00")
    assert after["runbook_version"]["number"] == 2  # type: ignore[index]
    assert after["deadline"] == REVISED_DEADLINE


def _picture(snap) -> dict[str, object]:
    """What a snapshot shows, as comparable data: the plan in force and every figure."""
    return {
        "digest": snap.plan.digest,
        "deadline": snap.plan.deadline,
        "forecast_finish": snap.forecast_finish,
        "baseline_finish": snap.baseline_finish,
        "ahead": snap.ahead,
        "critical_path": snap.critical_path,
        "tasks": [
            (t.id, t.status, t.forecast_start, t.forecast_finish, t.late, t.critical)
            for t in snap.tasks
        ],
    }


def test_the_live_view_moved_back_before_a_revision_folds_the_version_in_force_then(revised):
    runbook, state = revised
    with Weekend.open(runbook, state, read_only=True, at=lambda _: at(friday("18:45"))) as then:
        expected = _picture(then.snapshot())
        assert then.version is not None and then.version.number == 1
    clock = FakeClock(friday("20:00"))
    with Weekend.open(runbook, state, read_only=True, at=lambda _: at(friday("20:00"))) as weekend:
        weekend.clock = clock
        live = Live(weekend)
        assert weekend.version is not None and weekend.version.number == 2
        assert live.snapshot().plan.deadline == int(at(REVISED_DEADLINE).timestamp())
        clock.set(friday("18:45"))
        live.rewind(weekend.now())
        assert weekend.version is not None and weekend.version.number == 1
        assert _picture(live.snapshot()) == expected
        clock.set(friday("20:00"))  # and forward again: the revision comes back into force
        live.refresh()
        assert live.snapshot().plan.deadline == int(at(REVISED_DEADLINE).timestamp())
        assert weekend.version.number == 2


async def test_a_replay_jumping_back_before_a_revision_shows_what_status_now_says(cli, revised):
    runbook, state = revised
    start = int(at(friday("18:30")).timestamp())
    ticks = [0.0]
    clock = ReplayClock(start, speed=60, monotonic=lambda: ticks[0])
    weekend = Weekend.open(
        runbook, state, read_only=True, at=lambda _: datetime.fromtimestamp(start, UTC)
    )
    weekend.clock = clock
    app = MissionControl(weekend, actor="trainee", host="h", poll_seconds=0.05, replay_clock=clock)

    def shows(hhmm: str) -> None:
        snap = app.snap
        assert snap is not None
        expected = _status_at(cli, runbook, state, hhmm)
        assert verdict_json(snap_verdict(snap), snap.plan) == expected["verdict"], hhmm
        assert iso(snap.forecast_finish, snap.plan.zone) == expected["forecast_finish"], hhmm
        assert iso(snap.plan.deadline, snap.plan.zone) == expected["deadline"], hhmm
        counts = {s: sum(1 for t in snap.tasks if t.status == s) for s in ("done", "running")}
        assert counts == {s: expected["counts"][s] for s in counts}, hhmm  # type: ignore[index]
        revised = expected["runbook_version"]["number"] == 2  # type: ignore[index]
        header = str(app.query_one(Identity).render())
        assert ("runbook v2" in header) == revised, header

    try:
        async with app.run_test(size=(120, 40)) as pilot:
            twenty = int(at(friday("20:00")).timestamp())
            ticks[0] = (twenty - start) / 60  # forward past the revision
            await until(pilot, lambda: app.snap is not None and app.snap.clock == twenty)
            shows("20:00")
            assert app.snap is not None
            assert app.snap.plan.deadline == int(at(REVISED_DEADLINE).timestamp())
            await pilot.press("j")
            await pilot.press(*"18:45", "enter")  # back before the revision
            back = int(at(friday("18:45")).timestamp())
            await until(pilot, lambda: app.snap is not None and app.snap.clock == back)
            shows("18:45")
            assert app.snap is not None
            assert app.snap.plan.deadline == int(at(FIRST_DEADLINE).timestamp())
    finally:
        weekend.close()


def snap_verdict(snap):
    from runbook.weekend.views import verdict

    return verdict(snap)


def test_a_rollback_replayed_back_before_a_revision_runs_by_the_version_in_force_then(
    write_runbook, tmp_path
):
    """The rollback's plan is built from the version in force: the one built for the revised
    runbook is not the one shown once the replay is back before the revision."""
    from .test_rollback import _runbook

    runbook = _runbook(write_runbook)
    state = tmp_path / "rolled.db"
    clock = FakeClock("2026-12-04T18:00+01:00")
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        weekend.record("start", ["backup"], actor="ingrid", host="h")
        clock.set("2026-12-04T19:00+01:00")
        weekend.record("done", ["backup"], actor="ingrid", host="h")
        clock.set("2026-12-04T19:10+01:00")
        weekend.decide("gonogo", "no-go", actor="CIO", host="h", note="backup unreadable")
        clock.set("2026-12-04T19:30+01:00")
        weekend.rollback("gonogo", actor="mc", host="h")
    text = runbook.read_text(encoding="utf-8")
    runbook.write_text(
        text.replace(
            "title: Restore, team: dba, duration: 2h", "title: Restore, team: dba, duration: 3h"
        ),
        encoding="utf-8",
    )
    clock.set("2026-12-04T20:00+01:00")
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        weekend.revise(actor="mc", host="h", reason="the restore is slower")

    def restore(snap) -> int:
        return snap.plan.tasks[snap.plan.index["rb-restore"]].duration

    moment = "2026-12-04T19:45+01:00"
    with Weekend.open(runbook, state, read_only=True, at=lambda _: at(moment)) as then:
        expected = _picture(then.snapshot())
        assert restore(then.snapshot()) == 2 * 3600
    replayed = FakeClock("2026-12-04T20:30+01:00")
    with Weekend.open(runbook, state, read_only=True, at=lambda _: replayed()) as weekend:
        weekend.clock = replayed
        live = Live(weekend)
        assert restore(live.snapshot()) == 3 * 3600
        replayed.set(moment)
        live.rewind(weekend.now())
        snap = live.snapshot()
        assert restore(snap) == 2 * 3600
        assert _picture(snap) == expected
