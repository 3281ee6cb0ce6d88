"""A check-in on PostgreSQL in at most 2 round trips after connecting (issue 28 §5 asked for
4: opening begins the write too, and the event goes with the COMMIT), counted at the
protocol level by the benchmark's link (benchmarks/link.py) between runbook and a throwaway
cluster: each round trip a check-in saves is a whole link's latency saved."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .builders import chain, minimal_runbook, runbook_yaml
from .conftest import ROOT

pytestmark = pytest.mark.slow


def _link_module() -> Any:
    spec = importlib.util.spec_from_file_location("link", ROOT / "benchmarks" / "link.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["link"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def weekend(tmp_path: Path, pg_database: str) -> tuple[Path, str]:
    """The minimal runbook with its weekend in a fresh database: freeze done, backup
    running; and the URI of that database through a counting link."""
    runbook = minimal_runbook(tmp_path)
    for args in (("start", "freeze"), ("done", "freeze"), ("start", "backup")):
        done = checkin(runbook, pg_database, *args)
        assert done.returncode == 0, done.stderr
    return runbook, pg_database


def checkin(runbook: Path, state: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNBOOK_")}
    env |= {"RUNBOOK_NOW": "2026-12-04T18:30", "RUNBOOK_USER": "ingrid"}
    return subprocess.run(
        [sys.executable, "-m", "runbook", *args, "-f", str(runbook), "--state", state],
        capture_output=True,
        text=True,
        env=env,
    )


def through(link: Any, uri: str) -> str:
    address = uri.split("@", 1)[1].split("/", 1)[0]
    return uri.replace(f"@{address}/", f"@127.0.0.1:{link.port}/")


@pytest.mark.parametrize(
    "args",
    [("done", "backup"), ("note", "backup", "halfway"), ("fail", "backup", "--reason", "disk")],
    ids=lambda a: a[0],
)
def test_a_check_in_on_postgresql_takes_at_most_two_round_trips_after_connecting(weekend, args):
    runbook, uri = weekend
    link_module = _link_module()
    address = uri.split("@", 1)[1].split("/", 1)[0]
    host, _, port = address.rpartition(":")
    with link_module.Link((host, int(port))) as link:
        done = checkin(runbook, through(link, uri), *args)
        assert done.returncode == 0, done.stderr
        assert link.connects == 1
        assert link.round_trips <= 2, [c.messages for c in link.connections]


def test_the_figures_of_every_task_go_to_the_server_in_one_statement(tmp_path, pg_database):
    # Every check-in rewrites each task's figures (schema 6's task_figures): one INSERT of
    # them all, not one per task (issue 28 §5: 1,000 tasks were 1,000 statements).
    runbook = tmp_path / "long.yaml"
    ids = [f"t{n:03d}" for n in range(300)]
    runbook.write_text(runbook_yaml("long", "2026-12-04T18:00", chain(ids, "10m")))
    assert checkin(runbook, pg_database, "start", "t000").returncode == 0
    link_module = _link_module()
    address = pg_database.split("@", 1)[1].split("/", 1)[0]
    host, _, port = address.rpartition(":")
    with link_module.Link((host, int(port))) as link:
        done = checkin(runbook, through(link, pg_database), "done", "t000")
        assert done.returncode == 0, done.stderr
        (connection,) = link.connections
        statements = connection.messages.get("B", 0) + connection.messages.get("Q", 0)
        assert statements <= 12, connection.messages
        assert connection.sent < 150_000  # 300 tasks' figures, as JSON


def test_the_link_counts_a_wait_for_each_answer_and_none_for_a_pipeline(pg_database):
    import psycopg

    link_module = _link_module()
    address = pg_database.split("@", 1)[1].split("/", 1)[0]
    host, _, port = address.rpartition(":")
    link = link_module.Link((host, int(port))).start()
    try:
        with psycopg.connect(through(link, pg_database), autocommit=True) as conn:
            assert link.round_trips == 0 and link.connecting >= 1
            conn.execute("SELECT 1").fetchall()
            conn.execute("SELECT 2").fetchall()
            assert link.round_trips == 2
            with conn.pipeline():
                for n in range(50):
                    conn.execute("SELECT %s", (n,))
            assert link.round_trips == 3
    finally:
        link.stop()
