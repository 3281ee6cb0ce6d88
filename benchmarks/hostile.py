"""Generate hostile runbooks: shapes that try to make ``runbook validate`` slow or greedy.

Every shape is grown until the file reaches a byte budget (by default just under the size
cap, ``runbook.format.source.MAX_BYTES``), so it is the worst of its kind that the reader accepts:

- ``aliased``: a chain of tasks, and many tasks that all share one aliased ``depends_on``
  list (``&deps`` / ``*deps``) naming every task of the chain: each use expands to the whole
  list, and all but one entry of it are redundant dependencies.
- ``dense``: every task depends on every earlier task (a complete DAG).
- ``chain``: one long chain of tasks, each depending on the one before.
- ``fanin``: many independent tasks and one final task that depends on all of them.
- ``too-many``: a chain of more tasks than a runbook may hold (``MAX_TASKS``).

``chain`` and ``fanin`` hold as many tasks as a runbook may, with notes filling the rest.

``python benchmarks/hostile.py aliased -o /tmp/aliased.yaml [--bytes N]``; ``--measure``
times ``runbook validate`` on each shape as a whole process and prints time and peak RSS.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from runbook.common.limits import MAX_TASKS  # noqa: E402
from runbook.format.source import MAX_BYTES  # noqa: E402
from runbook.format.yamlsafe import MAX_VALUES  # noqa: E402

HEAD = (
    "name: Hostile shape\n"
    "timezone: Europe/Amsterdam\n"
    "start: 2026-03-27T06:00\n"
    "teams:\n"
    "  ops: {name: Operations}\n"
    "tasks:\n"
)


def _task(tid: str, deps: str = "", notes: str = "") -> str:
    line = f"  - {{id: {tid}, title: {tid}, team: ops, duration: 1m"
    if notes:
        line += f", notes: {notes}"
    return line + (f", depends_on: {deps}}}\n" if deps else "}\n")


def _grow(build: Callable[[int], str], budget: int, limit: int | None = None) -> str:
    """The largest ``build(n)`` that fits in ``budget`` bytes (``build`` grows with ``n``),
    with ``n`` at most ``limit``."""

    def fits(n: int) -> bool:
        return (limit is None or n <= limit) and len(build(n).encode()) <= budget

    low, high = 1, 2
    while fits(high):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return build(low)


def aliased(budget: int) -> str:
    """A chain of ``n`` tasks and ``n`` tasks sharing one aliased list of the whole chain,
    as large as the reader's cap on values after alias expansion allows."""

    def build(n: int) -> str:
        chain = [f"c{i}" for i in range(n)]
        parts = [HEAD, _task("c0")]
        parts += [_task(chain[i], f"[{chain[i - 1]}]") for i in range(1, n)]
        shared = f"&deps [{', '.join(chain)}]"
        parts.append(f"  - {{id: u0, title: u0, team: ops, duration: 1m, depends_on: {shared}}}\n")
        parts += [_task(f"u{i}", "*deps") for i in range(1, n)]
        return "".join(parts)

    # Every use of *deps counts n values, and the tasks themselves count about 10 each.
    return _grow(build, budget, limit=math.isqrt(MAX_VALUES - 1) - 20)


def dense(budget: int) -> str:
    """``n`` tasks, each depending on every earlier one."""

    def build(n: int) -> str:
        parts = [HEAD, _task("t0")]
        parts += [
            _task(f"t{i}", "[" + ", ".join(f"t{j}" for j in range(i)) + "]") for i in range(1, n)
        ]
        return "".join(parts)

    return _grow(build, budget)


def _padded(build: Callable[[int, int], str], budget: int) -> str:
    """``build(n, pad)`` with as many tasks as a runbook may hold (or as fit), each with a
    note of ``pad`` characters so that the file fills ``budget``."""
    text = _grow(lambda n: build(n, 0), budget, limit=MAX_TASKS)
    n = min(MAX_TASKS, text.count("\n  - "))
    pad = max(0, (budget - len(build(n, 0).encode())) // n - len(", notes: "))
    while pad and len(build(n, pad).encode()) > budget:
        pad -= 1
    return build(n, pad)


def chain(budget: int) -> str:
    """One chain of as many tasks as a runbook may hold, notes filling the budget."""

    def build(n: int, pad: int) -> str:
        notes = "n" * pad
        tasks = [_task(f"t{i}", f"[t{i - 1}]" if i else "", notes) for i in range(n)]
        return "".join([HEAD, *tasks])

    return _padded(build, budget)


def fanin(budget: int) -> str:
    """As many independent tasks as a runbook may hold, and one that depends on all of them
    (notes fill the budget)."""

    def build(n: int, pad: int) -> str:
        notes = "n" * pad
        parts = [HEAD, *(_task(f"t{i}", "", notes) for i in range(n - 1))]
        parts.append(_task("end", "[" + ", ".join(f"t{i}" for i in range(n - 1)) + "]"))
        return "".join(parts)

    return _padded(build, budget)


def too_many(budget: int) -> str:
    """One task more than a runbook may hold, all in a chain: refused after reading."""

    def build(n: int) -> str:
        tasks = [_task(f"t{i}", f"[t{i - 1}]" if i else "") for i in range(n)]
        return "".join([HEAD, *tasks])

    return _grow(build, budget)


SHAPES: dict[str, Callable[[int], str]] = {
    "aliased": aliased,
    "dense": dense,
    "chain": chain,
    "fanin": fanin,
    "too-many": too_many,
}


def measure(runbook: str, path: str) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and exit code of ``runbook validate path``, as a process."""
    import time

    pid = os.posix_spawn(
        runbook,
        [runbook, "validate", path],
        os.environ,
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ],
    )
    began = time.perf_counter()
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - began
    return elapsed, usage.ru_maxrss / 1000, os.waitstatus_to_exitcode(status)


def main(argv: list[str] | None = None) -> int:
    """Write one hostile runbook, or measure ``runbook validate`` on all of them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shape", nargs="?", choices=sorted(SHAPES))
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    parser.add_argument("--bytes", type=int, default=MAX_BYTES - 1024, help="size budget")
    parser.add_argument("--measure", action="store_true", help="time runbook validate on each")
    parser.add_argument("--runbook", default=str(Path(sys.executable).parent / "runbook"))
    args = parser.parse_args(argv)
    if args.measure:
        shapes = [args.shape] if args.shape else sorted(SHAPES)
        with tempfile.TemporaryDirectory() as tmp:
            for name in shapes:
                path = os.path.join(tmp, f"{name}.yaml")
                text = SHAPES[name](args.bytes)
                Path(path).write_text(text, encoding="utf-8")
                elapsed, rss, code = measure(args.runbook, path)
                size = len(text.encode()) / 1e6
                print(f"{name:8} {size:6.2f} MB  {elapsed:7.2f} s  {rss:7.1f} MB RSS  exit {code}")
        return 0
    if not args.shape:
        parser.error("name a shape, or give --measure")
    text = SHAPES[args.shape](args.bytes)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
