"""A weekend recorded on PostgreSQL played back (issue 24): `runbook control --replay --state
postgresql://...` opens the database read-only as it opens a state file, so a reader's login
suffices; at every moment the dashboard shows the verdict and the figures `status --now`
gives for that moment, and the replay writes nothing, not even for a login that could."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from runbook.cli.cmd_control import _replayed
from runbook.common.errors import StateError
from runbook.contracts.weekend import verdict_json
from runbook.format.durations import iso
from runbook.store.postgres.store import PostgresStore
from runbook.tui.app import MissionControl
from runbook.tui.widgets import Identity
from runbook.usecases import Weekend
from runbook.weekend.views import verdict

from .builders import golden_runbook
from .test_rehearse import _play_the_whole_runbook
from .test_replay_control import _status_at
from .tui_helpers import until
from .weekend_helpers import FakeClock

psycopg = pytest.importorskip("psycopg")

# The golden weekend (Friday 18:00 to its deadline Saturday 12:00): before the start, the
# export running, the export running late, behind on Saturday morning, after the finish.
MOMENTS = [
    "2026-12-04T17:30+01:00",
    "2026-12-04T19:45+01:00",
    "2026-12-05T01:00+01:00",
    "2026-12-05T06:30+01:00",
    "2026-12-05T11:00+01:00",
]
TABLES = ("meta", "events", "checkpoint", "plans", "outbox", "task_figures")


def _everything(admin: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the weekend, as the superuser reads them."""
    with psycopg.connect(admin, autocommit=True) as conn:
        return {
            table: conn.execute(f"SELECT * FROM runbook.{table} ORDER BY 1").fetchall()
            for table in TABLES
        }


@pytest.fixture
def recorded(cli, pg_database: str, tmp_path: Path) -> dict[str, Any]:
    """The golden weekend set up by db init and recorded start to end by mission control's
    login, the export slower than planned (the weekend falls behind, then the buffer takes
    it); the reader's and mission control's URIs."""
    prefix = f"rb{secrets.token_hex(3)}_"
    runbook = golden_runbook(tmp_path)
    init = cli(
        "db", "init", "-f", runbook, "--state", pg_database, "--role-prefix", prefix,
        "--now", "2026-12-04T17:00",
    )  # fmt: skip
    assert init.exit_code == 0, init.stderr
    rest = pg_database.split("//", 1)[1].split("@", 1)[1]
    uris = {}
    for name, grant in (("mc", "--coordinator"), ("ana", "--reader")):
        with psycopg.connect(pg_database, autocommit=True) as conn:
            conn.execute(f'CREATE ROLE "{prefix}{name}" LOGIN')
        granted = cli("db", "grant", f"{prefix}{name}", grant, "--state", pg_database)
        assert granted.exit_code == 0, granted.stderr
        uris[name] = f"postgresql://{prefix}{name}@{rest}"
    clock = FakeClock("2026-12-04T18:00+01:00")
    with Weekend.open(runbook, uris["mc"], clock=clock) as weekend:
        _play_the_whole_runbook(weekend, clock, took={"export": 9 * 3600})
    return {"runbook": runbook, "admin": pg_database, **uris}


@pytest.mark.slow
@pytest.mark.parametrize("login", ["ana", "mc"])
async def test_a_replay_on_postgresql_shows_what_status_now_says_and_writes_nothing(
    cli, recorded, login
):
    """As the reader (who may only read) and as mission control (who could write), opened
    as `runbook control --replay --state URI` opens it."""
    runbook, state = recorded["runbook"], recorded[login]
    before = _everything(recorded["admin"])
    assert len(before["events"]) > 10
    weekend, clock = _replayed(runbook, state, MOMENTS[0], 600)
    clock.toggle()  # paused: the test moves the replayed time itself
    app = MissionControl(weekend, actor="trainee", host="h", read_only=True, replay_clock=clock)
    seen: list[str] = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            for text in MOMENTS:
                moment = int(datetime.fromisoformat(text).timestamp())
                clock.jump(moment)
                await until(pilot, lambda m=moment: app.snap is not None and app.snap.clock == m)
                snap = app.snap
                assert snap is not None
                expected = _status_at(cli, runbook, state, text)
                assert verdict_json(verdict(snap), snap.plan) == expected["verdict"], text
                assert iso(snap.forecast_finish, snap.plan.zone) == expected["forecast_finish"]
                counts = expected["counts"]
                assert {s: sum(1 for t in snap.tasks if t.status == s) for s in counts} == counts
                seen.append(str(expected["verdict"]["headline"]))
            assert app.read_only
            assert str(app.query_one(Identity).render()).startswith("REPLAY paused")
        # Opened read-only: the client records nothing, and the server's session would
        # refuse a write even from mission control's login.
        store = weekend.store
        assert isinstance(store, PostgresStore)
        refused = pytest.raises(StateError, match="opened read-only; nothing can be recorded")
        with refused, store.write():
            pass
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            store.conn.execute("INSERT INTO runbook.meta VALUES ('replayed', 'yes')")
    finally:
        weekend.close()
    assert "BEHIND" in seen and len(set(seen)) > 1  # the verdicts compared were not all one
    assert _everything(recorded["admin"]) == before
