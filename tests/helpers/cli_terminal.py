"""One terminal typing `runbook note` COUNT times, starting at the go signal.

Usage: cli_terminal.py RUNBOOK_EXE RUNBOOK STATE NAME COUNT TASK

Prints "ready", waits for a line on stdin, then runs the real console script COUNT times and
prints one JSON line per run: {"returncode": ..., "stdout": ..., "stderr": ...}.
"""

from __future__ import annotations

import json
import subprocess
import sys


def main(exe: str, runbook: str, state: str, name: str, count: str, task: str) -> None:
    """Run `runbook note TASK "NAME #i"` COUNT times, one after another."""
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(int(count)):
        args = [exe, "note", task, f"{name} #{i}", "-f", runbook, "--state", state, "--by", name]
        run = subprocess.run(args, capture_output=True, text=True, timeout=120)
        line = {"returncode": run.returncode, "stdout": run.stdout, "stderr": run.stderr}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
