"""Many teams checking in at once, from separate terminals: separate OS processes, one state file.

Each child program lives in ``tests/helpers/``; every child prints "ready" once imported and
then waits for a line on stdin, so the parent can release them all at the same moment. The
state file is fresh, so the first writers also race to create the schema.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from runbook.store.sqlite.store import Event, NewEvent, Store

from .conftest import EXAMPLES

MINIMAL = EXAMPLES / "minimal.yaml"
HELPERS = Path(__file__).parent / "helpers"
RUNBOOK_EXE = Path(sys.executable).with_name("runbook")
TIMEOUT = 120  # seconds for a whole group of children; they normally need a few


def _child_env() -> dict[str, str]:
    """The environment of a terminal: no RUNBOOK_* settings leaking in from the test run, but
    a fixed clock (a test records under a fixed clock, never the real one)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNBOOK_")}
    env["NO_COLOR"] = "1"
    env["RUNBOOK_NOW"] = "2026-12-04T19:30"
    return env


@pytest.fixture
def spawn() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start a helper program as a separate process; whatever is still running at the end of
    the test is killed."""
    started: list[subprocess.Popen[str]] = []

    def start(script: str, *args: object) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, str(HELPERS / script), *(str(a) for a in args)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_child_env(),
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def _wait_until_ready(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "ready":
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"a child did not get ready (said {line!r}):\n{err}")


def _release(procs: list[subprocess.Popen[str]], line: str = "go") -> None:
    """Send every child its go signal, back to back."""
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(line + "\n")
        proc.stdin.flush()


def _finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    """Wait for every child: (exit code, stdout, stderr) each."""
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=TIMEOUT)
        results.append((proc.returncode, out, err))
    return results


def _stored_events(state: Path) -> list[Event]:
    store = Store.open(state, create=False)
    assert store is not None
    try:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return store.events()
    finally:
        store.close()


@pytest.mark.slow
def test_twenty_teams_checking_in_at_the_same_moment_all_land_without_a_locked_error(
    tmp_path, spawn
):
    state = tmp_path / "weekend.state.db"
    teams, per_team = 20, 25
    names = [f"team-{n:02d}" for n in range(teams)]
    procs = [spawn("checkin_worker.py", MINIMAL, state, name, per_team, "freeze") for name in names]
    _wait_until_ready(procs)
    assert not state.exists()  # nobody has touched it yet: they race to create it too

    _release(procs)
    results = _finish(procs)

    reported: list[int] = []
    for name, (code, out, err) in zip(names, results, strict=True):
        assert code == 0, f"{name} exited {code}:\n{err}"
        assert "locked" not in err, f"{name}:\n{err}"
        assert "Traceback" not in err, f"{name}:\n{err}"
        seqs = [int(line) for line in out.split()]
        assert len(seqs) == per_team, f"{name} reported {len(seqs)} check-ins"
        reported += seqs

    events = _stored_events(state)
    assert [e.seq for e in events] == list(range(1, teams * per_team + 2))  # unique, no gaps
    assert [e.kind for e in events].count("baseline") == 1
    notes = [e for e in events if e.kind == "note"]
    assert len(notes) == teams * per_team
    assert sorted(reported) == sorted(e.seq for e in notes)
    landed = sorted((e.actor, e.note) for e in notes)
    assert landed == sorted((name, f"{name} #{i}") for name in names for i in range(per_team))


@pytest.mark.slow
def test_eight_terminals_typing_runbook_note_at_once_all_succeed(tmp_path, spawn):
    state = tmp_path / "weekend.state.db"
    terminals, per_terminal = 8, 3
    names = [f"desk-{n}" for n in range(terminals)]
    assert RUNBOOK_EXE.exists(), "the runbook console script is not installed next to Python"
    procs = [
        spawn("cli_terminal.py", RUNBOOK_EXE, MINIMAL, state, name, per_terminal, "freeze")
        for name in names
    ]
    _wait_until_ready(procs)
    _release(procs)
    results = _finish(procs)

    runs = []
    for name, (code, out, err) in zip(names, results, strict=True):
        assert code == 0, f"{name}:\n{err}"
        runs += [json.loads(line) for line in out.splitlines()]
    assert len(runs) == terminals * per_terminal
    for run in runs:
        assert run["returncode"] == 0, run["stderr"]
        assert "locked" not in run["stderr"]
        assert "Traceback" not in run["stderr"]
        assert "note on freeze" in run["stdout"]
    # The first check-in of the weekend takes the baseline: exactly one terminal says so.
    assert sum("baseline recorded" in run["stderr"] for run in runs) == 1

    events = _stored_events(state)
    assert [e.seq for e in events] == list(range(1, terminals * per_terminal + 2))
    assert sorted((e.actor, e.note) for e in events if e.kind == "note") == sorted(
        (name, f"{name} #{i}") for name in names for i in range(per_terminal)
    )


def test_two_teams_starting_the_same_task_at_the_same_moment_only_one_gets_it(
    tmp_path, spawn, write_runbook
):
    tasks = [f"r{n}" for n in range(6)]
    runbook = write_runbook(
        "name: Race rehearsal\ntimezone: UTC\nstart: 2026-12-04T18:00\ntasks:\n"
        + "".join(f"  - {{id: {t}, title: Task {t}, team: ops, duration: 10m}}\n" for t in tasks)
    )
    state = tmp_path / "race.state.db"
    names = ["team-a", "team-b"]
    racers = [spawn("start_racer.py", runbook, state, name) for name in names]

    for task in tasks:  # one race per task: every task is ready, nobody has started it
        _wait_until_ready(racers)
        _release(racers, task)
        answers = []
        for proc in racers:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line, proc.communicate()[1]
            answers.append(json.loads(line))
        winners = [name for name, a in zip(names, answers, strict=True) if a["started"]]
        assert len(winners) == 1, answers
        (loser,) = [a for a in answers if not a["started"]]
        assert f"{task} is already running" in loser["refused"]
        assert f"by {winners[0]}" in loser["refused"]

    _wait_until_ready(racers)
    _release(racers, "")  # an empty round: stop
    assert [code for code, _, _ in _finish(racers)] == [0, 0]

    events = _stored_events(state)
    starts = [e.task for e in events if e.kind == "start"]
    assert sorted(starts) == tasks  # each task started exactly once
    assert [e.kind for e in events].count("baseline") == 1


def test_a_check_in_waits_for_a_write_lock_held_elsewhere_rather_than_failing(tmp_path):
    state = tmp_path / "weekend.state.db"
    store = Store.open(state)
    assert store is not None
    other = sqlite3.connect(state, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another terminal, in the middle of its check-in
    release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    release.start()
    try:
        with store.write():
            event = store.append(NewEvent(0, "freeze", "note", "a", "h", "waited"), recorded=0)
    finally:
        release.join()
        other.close()
        store.close()
    assert event.seq == 1
