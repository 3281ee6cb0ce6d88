"""One team's terminal under load: wait for the go signal, then check in COUNT times.

Usage: checkin_worker.py RUNBOOK STATE NAME COUNT TASK

Each check-in is its own open/record/close, as a separate `runbook note` invocation would be.
Prints "ready" once imported, waits for a line on stdin, then prints the sequence number of
every committed event. Any error propagates: a traceback on stderr and a non-zero exit.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from runbook.usecases import Weekend

# Every team checks in at this moment (Fri 19:30 in Amsterdam, during the minimal example's
# weekend): a test records under a fixed clock, never the real one.
AT = datetime(2026, 12, 4, 18, 30, tzinfo=UTC)


def now() -> datetime:
    """The fixed moment of every check-in."""
    return AT


def main(runbook: str, state: str, name: str, count: str, task: str) -> None:
    """Record COUNT notes on TASK as NAME, each in its own open/record/close."""
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(int(count)):
        with Weekend.open(runbook, state, clock=now, create=True) as weekend:
            result = weekend.record(
                "note", [task], actor=name, host=f"terminal-{name}", note=f"{name} #{i}"
            )
        if result.refused or len(result.events) != 1:
            sys.exit(f"{name} #{i}: not recorded: {result.refused}")
        print(result.events[0].seq, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
