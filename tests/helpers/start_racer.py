"""A team that tries to start tasks at the very moment another team does.

Usage: start_racer.py RUNBOOK STATE NAME

For each round: opens the weekend, prints "ready", reads a task id from stdin (the go signal;
an empty line ends), tries to start it, closes, and prints one JSON line:
{"task": ..., "started": bool, "refused": message or null}.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from runbook.usecases import Weekend

# Both teams race at this moment (the race runbook's start): a test records under a fixed
# clock, never the real one.
AT = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)


def now() -> datetime:
    """The fixed moment of the race."""
    return AT


def main(runbook: str, state: str, name: str) -> None:
    """Race for every task id read from stdin."""
    while True:
        # Opened before the go signal, so both teams hold a view from before the other's
        # check-in: the rules must be checked again inside the write transaction.
        with Weekend.open(runbook, state, clock=now, create=True) as weekend:
            print("ready", flush=True)
            task = sys.stdin.readline().strip()
            if not task:
                return
            result = weekend.record("start", [task], actor=name, host=f"terminal-{name}")
        refused = result.refused[0][1].message if result.refused else None
        line = {"task": task, "started": bool(result.events), "refused": refused}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
