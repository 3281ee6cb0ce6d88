"""Time ranking the tasks that could be pulled forward, in-process, at 10,000 tasks.

By hand: ``python benchmarks/pull_bench.py [--kind terse]``. Generates a synthetic runbook
(the terse kind holds one task in twenty back by a ``not_before``), takes its forecast at the
start of the weekend with the first 300 tasks done on plan (untimed), then times
``forecast.pull_forward`` (which finds what pulling each candidate gains on the finish and on
the next gate or milestone, ``runbook.weekend.pulling``) and, for comparison, the snapshot
itself. Prints one JSON line: the candidates, how many gain anything, and the median and min
of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from generate import KINDS, generate
from plancache_bench import timings

from runbook.validation.validate import validate_bytes
from runbook.weekend.events import Status
from runbook.weekend.forecast import TaskRecord, pull_forward, snapshot

TASKS = 10_000
DONE = 300
REPEAT = 15


def measure(tasks: int, kind: str, repeat: int) -> dict[str, object]:
    """The forecast two hours into a synthetic weekend, and the time to rank its pulls."""
    plan = validate_bytes(generate(tasks, kind=kind).encode(), source="s.yaml").plan
    if plan is None:
        raise SystemExit("the synthetic runbook is not valid")
    now = plan.start + 2 * 3600
    records = {
        t.id: TaskRecord(state=Status.DONE, actual_start=t.es, actual_finish=t.ef)
        for t in plan.tasks[:DONE]
    }
    snap = snapshot(plan, plan, records, now)
    pull = pull_forward(snap)
    ranked = timings(lambda: pull_forward(snap), repeat)
    forecast = timings(lambda: snapshot(plan, plan, records, now), repeat)
    return {
        "tasks": tasks,
        "kind": kind,
        "candidates": len(pull),
        "gaining": sum(1 for p in pull if p.gains_anything),
        "pull_forward_ms": statistics.median(ranked),
        "pull_forward_min_ms": min(ranked),
        "snapshot_ms": statistics.median(forecast),
        "snapshot_min_ms": min(forecast),
    }


def main(argv: list[str] | None = None) -> int:
    """Print the timings as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=TASKS)
    parser.add_argument("--kind", choices=KINDS, default="terse")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args(argv)
    if min(args.tasks, args.repeat) < 1:
        parser.error("--tasks and --repeat must be at least 1")
    print(json.dumps(measure(args.tasks, args.kind, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
