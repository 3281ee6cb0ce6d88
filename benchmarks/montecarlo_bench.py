"""Time the Monte Carlo simulation in-process: 10,000 runs over a 1,000-task runbook.

Run by ``run.py`` as a child process (``python montecarlo_bench.py``), or by hand. Generates a
synthetic runbook with three-point estimates on every task (``generate.py --estimates``),
plans it once (untimed), then times ``simulate(plan, runs=RUNS, seed=SEED)`` ``--repeat``
times. Prints one JSON line: every timing, their median, and the figures of the last run.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time

from generate import generate

from runbook.planning.montecarlo import simulate
from runbook.validation.validate import validate_bytes

TASKS = 1_000
RUNS = 10_000
SEED = 1
REPEAT = 3


def measure(tasks: int, runs: int, seed: int, repeat: int) -> dict[str, object]:
    """Plan a synthetic runbook with estimates and time ``simulate`` on it ``repeat`` times."""
    text = generate(tasks, estimates=True)
    plan = validate_bytes(text.encode(), source=f"synthetic-{tasks}.yaml", warnings=False).plan
    if plan is None:
        raise SystemExit("the synthetic runbook is not valid")
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = simulate(plan, runs=runs, seed=seed)
        seconds.append(time.perf_counter() - started)
    critical = sum(1 for c in result.criticality if c > 0)
    return {
        "tasks": tasks,
        "runs": runs,
        "seed": seed,
        "seconds": seconds,
        "median_s": statistics.median(seconds),
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1_000_000,
        "p_on_time": result.p_on_time,
        "planned_finish_h": (plan.finish - plan.start) / 3600,
        "p50_h": (result.p50 - plan.start) / 3600,
        "p95_h": (result.p95 - plan.start) / 3600,
        "tasks_ever_critical": critical,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the timings as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=TASKS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=REPEAT, help="timed calls (median)")
    args = parser.parse_args(argv)
    if min(args.tasks, args.runs, args.repeat) < 1:
        parser.error("--tasks, --runs and --repeat must be at least 1")
    print(json.dumps(measure(args.tasks, args.runs, args.seed, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
