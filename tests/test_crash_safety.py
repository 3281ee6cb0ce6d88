"""A process killed in the middle of a write leaves a readable state file with every committed
event, and the weekend carries on.

The writers are real processes (``tests/helpers/crash_writer.py``) killed with SIGKILL: no
``finally`` runs, no connection is closed, nothing is flushed that was not already.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from runbook.store.sqlite.store import SCHEMA_VERSION, Store
from runbook.usecases import Weekend

from .conftest import EXAMPLES
from .weekend_helpers import FakeClock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

MINIMAL = EXAMPLES / "minimal.yaml"
WRITER = Path(__file__).parent / "helpers" / "crash_writer.py"
# The writer records at Fri 19:30 (crash_writer.AT); what the test records comes before or
# after it, by a fixed clock.
EARLIER = "2026-12-04T19:00+01:00"
LATER = "2026-12-04T20:00+01:00"
WAIT = 30.0  # seconds a child may stay silent before the test gives up on it


class Writer:
    """A crash_writer.py child whose stdout lines arrive on a queue, so the test can wait for
    them with a timeout while the child keeps writing."""

    def __init__(self, state: Path, mode: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RUNBOOK_")}
        self.proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(state), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._pump, daemon=True)
        self.reader.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self) -> str:
        """The next line the child printed (fails the test if it died or went silent)."""
        try:
            line = self.lines.get(timeout=WAIT)
        except queue.Empty:
            self.proc.kill()
            pytest.fail("the writer went silent")
        if line is None:
            self.proc.wait()
            assert self.proc.stderr is not None
            pytest.fail(f"the writer exited {self.proc.returncode}:\n{self.proc.stderr.read()}")
        return line

    def kill(self) -> list[str]:
        """SIGKILL the child; the lines it printed before dying and not yet read."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=WAIT)
        assert self.proc.returncode == -signal.SIGKILL  # killed, not finished on its own
        rest: list[str] = []
        while (line := self.lines.get(timeout=WAIT)) is not None:
            rest.append(line)
        self.reader.join(timeout=WAIT)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.proc.stdout.close()
        self.proc.stderr.close()
        return rest


def _check(state: Path) -> list[int]:
    """Open the state file as the product does, check it through and through, and return the
    sequence numbers it holds."""
    store = Store.open(state, create=False)
    assert store is not None
    try:
        assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        return [e.seq for e in store.events()]
    finally:
        store.close()


def _check_in_still_works(state: Path) -> None:
    """A team can go on checking in, through the real core, without waiting for a lock."""
    began = time.monotonic()
    clock = FakeClock(LATER)  # after what the writers recorded (at 19:30)
    with Weekend.open(MINIMAL, state, clock=clock, create=True) as weekend:
        noted = weekend.record("note", ["freeze"], actor="after", host="h", note="still here")
        started = weekend.record("start", ["freeze"], actor="after", host="h")
        assert len(noted.events) == 1 and len(started.events) == 1
        assert weekend.snapshot().by_id("freeze").status == "running"
    assert time.monotonic() - began < 10  # no lock was left behind by the dead writer


@pytest.mark.slow
@pytest.mark.parametrize(
    "mode",
    [
        pytest.param("append", id="plain"),
        pytest.param("checkpoint", id="with-a-checkpoint-after-every-commit"),
    ],
)
def test_a_writer_killed_mid_stream_loses_no_committed_event(tmp_path, mode):
    state = tmp_path / "weekend.state.db"
    reported: set[int] = set()
    for kill_after in (1, 7, 60, 250, 1000):  # different moments, on the same file
        before = set(_check(state)) if state.exists() else set()
        writer = Writer(state, mode)
        assert writer.next_line() == "ready"
        seen = [int(writer.next_line()) for _ in range(kill_after)]
        seen += [int(line) for line in writer.kill()]
        reported |= set(seen)

        stored = _check(state)
        assert stored == list(range(1, len(stored) + 1))  # no gaps, no duplicates
        assert reported <= set(stored), "a reported (committed) event is missing"
        # At most one event committed just before the kill, too late to be reported.
        assert len(set(stored) - before) - len(seen) in (0, 1)

    _check_in_still_works(state)


def test_a_writer_killed_with_its_transaction_open_leaves_no_trace_of_it(tmp_path):
    state = tmp_path / "weekend.state.db"
    with Weekend.open(MINIMAL, state, clock=FakeClock(EARLIER), create=True) as weekend:
        for i in range(3):
            weekend.record("note", ["freeze"], actor="before", host="h", note=f"note {i}")
    before = _check(state)

    writer = Writer(state, "hold")
    line = writer.next_line()
    assert line.startswith("uncommitted ")
    uncommitted = int(line.split()[1])
    assert uncommitted not in before
    writer.kill()

    assert _check(state) == before  # the uncommitted event is gone, nothing else is
    _check_in_still_works(state)


def test_a_process_killed_while_creating_the_state_file_leaves_one_the_next_check_in_can_use(
    tmp_path,
):
    state = tmp_path / "weekend.state.db"
    writer = Writer(state, "migrate")
    assert writer.next_line() == "migrating"  # the schema is created but not committed
    writer.kill()

    assert state.exists()
    assert _check(state) == []  # opened as a new state file, not refused as someone else's
    _check_in_still_works(state)
    assert len(_check(state)) == 3  # baseline, note, start
