"""Time loading the compiled plan cached in the state file, in-process, at 10,000 tasks.

Run by ``run.py`` as a child process (``python plancache_bench.py --kind plain``), or by
hand. Generates a synthetic runbook, compiles it once (untimed), then times ``Plan.loads`` of
its cache text ``--repeat`` times, and the same plus decoding the task fields a check-in's
forecast reads. Prints one JSON line: the median and min of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

from generate import KINDS, generate

from runbook.planning.plan import Plan
from runbook.validation.validate import validate_bytes

TASKS = 10_000
REPEAT = 25
FORECAST_FIELDS = ("id", "duration", "preds", "not_before", "es", "ef")


def timings(work: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of ``repeat`` calls of ``work``."""
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        out.append((time.perf_counter() - started) * 1000)
    return out


def measure(tasks: int, kind: str, repeat: int) -> dict[str, object]:
    """Compile a synthetic runbook and time reading its cached plan."""
    text = generate(tasks, kind=kind)
    plan = validate_bytes(text.encode(), source="synthetic.yaml", warnings=False).plan
    if plan is None:
        raise SystemExit("the synthetic runbook is not valid")
    cached = plan.dumps()

    def load_for_forecast() -> None:
        loaded = Plan.loads(cached)
        assert loaded is not None
        for name in FORECAST_FIELDS:
            loaded.column(name)

    load = timings(lambda: Plan.loads(cached), repeat)
    forecast = timings(load_for_forecast, repeat)
    return {
        "tasks": tasks,
        "kind": kind,
        "cache_bytes": len(cached.encode()),
        "load_ms": statistics.median(load),
        "load_min_ms": min(load),
        "load_forecast_fields_ms": statistics.median(forecast),
    }


def main(argv: list[str] | None = None) -> int:
    """Print the timings as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=TASKS)
    parser.add_argument("--kind", choices=KINDS, default="plain")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args(argv)
    if min(args.tasks, args.repeat) < 1:
        parser.error("--tasks and --repeat must be at least 1")
    print(json.dumps(measure(args.tasks, args.kind, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
