"""Run one command and print its wall time, CPU time and peak memory as one JSON line.

``run.py`` starts this helper in a small, fresh interpreter (``python -S``) and lets it
start the measured command. The indirection is what makes the peak memory honest: on
Linux a process's ``ru_maxrss`` starts from its parent's RSS high-water mark when it execs,
so a child started straight from the benchmark driver would be charged for the driver's
memory. The helper's own RSS is a few MB, well below any Python process it measures.

Usage: ``python -S measure.py COMMAND [ARG ...]``. The command's stdout goes to
/dev/null; its stderr is this helper's stderr. Only ``os``, ``sys``, ``time`` and ``json``
are imported, to keep the helper small.
"""

import json
import os
import sys
import time


def measure(argv: list[str]) -> dict[str, float | int]:
    """Run ``argv`` with stdout to /dev/null, wait for it, and return its figures."""
    actions = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
    begin = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - begin
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return {
        "exit_code": os.waitstatus_to_exitcode(status),
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "max_rss_bytes": usage.ru_maxrss * scale,
    }


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -S measure.py COMMAND [ARG ...]")
    print(json.dumps(measure(sys.argv[1:])))
