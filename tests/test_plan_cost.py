"""What reading, validating and planning a large runbook cost, in measures that do not depend
on the machine (memory held, Python calls made), so the plan stays near its parse floor
(issue 28 §4; the wall-clock figures are benchmarks/run.py's)."""

from __future__ import annotations

import gc
import tracemalloc

from runbook.format.yamlsafe import Marks, read


def _runbook(tasks: int) -> bytes:
    """A runbook of ``tasks`` tasks, each depending on the three before it."""
    lines = ["name: Cost\nstart: 2026-03-27T06:00\nteams:\n  ops: {name: Operations}\ntasks:\n"]
    for i in range(tasks):
        deps = ", ".join(f"t{j}" for j in range(max(0, i - 3), i))
        lines.append(
            f"  - id: t{i}\n    title: Move part {i} of the estate\n    team: ops\n"
            f"    phase: Saturday\n    duration: 30m\n    depends_on: [{deps}]\n"
        )
    return "".join(lines).encode()


def test_the_marks_of_a_read_runbook_weigh_less_than_1_6_times_its_values() -> None:
    # Every key and value keeps where it was written; the parser's own marks, kept as they
    # come in one list per collection, not copied into tuples in two tables per mapping.
    data = _runbook(1000)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        document = read(data)
        with_marks = tracemalloc.get_traced_memory()[0]
        document.marks = Marks()
        gc.collect()
        without = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    marks, values = with_marks - without, without - before
    assert marks < 1.6 * values
