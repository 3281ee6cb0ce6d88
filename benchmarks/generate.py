"""Generate a synthetic runbook: N tasks, about three dependencies each, 20 teams.

Two kinds. ``plain`` (the default) is valid and draws no warnings: no dependency is implied
by another (so ``runbook validate`` does not report redundant dependencies), and the
deadline is set from the critical path, with a margin, so the plan finishes before it.
``terse`` is closer to a runbook written in a hurry: short titles, one task in ten lists a
redundant dependency (one its other dependencies already imply; a warning each), and one in
twenty waits for a ``not_before``.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from datetime import datetime, timedelta

PHASES = ("Friday", "Saturday", "Sunday", "Monday")
DURATIONS = {"15m": 15, "30m": 30, "45m": 45, "1h": 60, "1h30m": 90, "2h": 120}
START = datetime(2026, 3, 27, 6, 0)  # local wall time in the runbook's zone
WINDOW = 50  # predecessors come from the last WINDOW tasks, so the graph is deep
DEADLINE_MARGIN = 1.25  # deadline at >= 125% of the critical path, rounded up to a day
OPTIMISTIC_PERCENT = 70  # --estimates: optimistic and pessimistic, % of the duration
PESSIMISTIC_PERCENT = 180


def pick_dependencies(
    i: int, ancestors: list[int], rng: random.Random, *, deps: int, window: int = WINDOW
) -> list[int]:
    """Up to ``deps`` recent predecessors of task ``i``, none an ancestor of another.

    ``ancestors[j]`` is the bitset of task ``j``'s ancestors; keeping the chosen tasks
    mutually unrelated means no chosen dependency is implied by another (none redundant).
    """
    candidates = list(range(max(0, i - window), i))
    rng.shuffle(candidates)
    chosen: list[int] = []
    for c in candidates:
        if len(chosen) == deps:
            break
        if any(ancestors[q] >> c & 1 or ancestors[c] >> q & 1 for q in chosen):
            continue
        chosen.append(c)
    return sorted(chosen)


def deadline_for(finish_minutes: int) -> datetime:
    """A local 06:00 deadline, whole days after the start, well after ``finish_minutes``.

    At least one day and a 25% margin, which also absorbs the hour lost when the clocks go
    forward (the plan counts elapsed time; the deadline is a wall-clock time).
    """
    days = max(1, math.ceil(finish_minutes * DEADLINE_MARGIN / (24 * 60)))
    return START + timedelta(days=days)


def estimate(minutes: int) -> str:
    """A three-point estimate bracketing a duration: 70% and 180% of it, to the minute."""
    low = (minutes * OPTIMISTIC_PERCENT + 50) // 100  # integer rounding: no float surprises
    high = (minutes * PESSIMISTIC_PERCENT + 50) // 100
    return f"    estimate: {{optimistic: {low}m, pessimistic: {high}m}}"


KINDS = ("plain", "terse")


def generate(
    n: int,
    *,
    seed: int = 1,
    teams: int = 20,
    deps: int = 3,
    estimates: bool = False,
    kind: str = "plain",
) -> str:
    """Return the YAML text of a valid, acyclic synthetic runbook with ``n`` tasks.

    With ``estimates``, every task also gets a three-point estimate around its duration (the
    deadline still follows the planned durations, so some simulated runs may miss it).
    ``kind``: ``plain`` or ``terse`` (see the module's docstring).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of runbook {kind!r} (one of {', '.join(KINDS)})")
    terse = kind == "terse"
    rng = random.Random(seed)
    width = len(str(n))
    ancestors = [0] * n
    finish = [0] * n  # earliest finish of each task, in minutes after the start
    body: list[str] = []
    for i in range(n):
        tid = f"t{i:0{width}d}"
        duration = rng.choice(tuple(DURATIONS))
        body.append(f"  - id: {tid}")
        body.append(
            f"    title: T{i}" if terse else f"    title: Synthetic task number {i} of the weekend"
        )
        body.append(f"    team: team{rng.randrange(teams):02d}")
        body.append(f"    duration: {duration}")
        if estimates:
            body.append(estimate(DURATIONS[duration]))
        body.append(f"    phase: {PHASES[min(3, i * 4 // n)]}")
        preds = pick_dependencies(i, ancestors, rng, deps=deps) if i else []
        listed = list(preds)
        if terse and preds and i % 10 == 0 and ancestors[preds[0]]:
            implied = ancestors[preds[0]].bit_length() - 1  # the closest ancestor of one
            if implied not in listed:
                listed = sorted([*listed, implied])
        if listed:
            body.append("    depends_on: [" + ", ".join(f"t{p:0{width}d}" for p in listed) + "]")
        for p in preds:
            ancestors[i] |= ancestors[p] | 1 << p
        begin = max((finish[p] for p in preds), default=0)
        if terse and i % 20 == 7:
            # Not before the earliest start rounded up to the next hour: it holds the task.
            wait = (begin // 60 + 1) * 60
            body.append(f"    not_before: {START + timedelta(minutes=wait):%Y-%m-%dT%H:%M}")
            begin = wait
        finish[i] = begin + DURATIONS[duration]

    deadline = deadline_for(max(finish, default=0))
    head = [
        f"name: Synthetic cutover ({n} tasks)",
        "timezone: Europe/Amsterdam",
        f"start: {START:%Y-%m-%dT%H:%M}",
        f"deadline: {deadline:%Y-%m-%dT%H:%M}",
        "teams:",
    ]
    for t in range(teams):
        head += [
            f"  team{t:02d}:",
            f"    name: Team {t}",
            f"    lead: Lead {t}",
            f"    contact: +31 20 555 {t:04d}",
        ]
    return "\n".join([*head, "tasks:", *body]) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write a synthetic runbook to a file or stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tasks", type=int)
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--estimates",
        action="store_true",
        help="give every task a three-point estimate (optimistic 70%%, pessimistic 180%%)",
    )
    parser.add_argument("--kind", choices=KINDS, default="plain", help="plain or terse")
    args = parser.parse_args(argv)
    text = generate(args.tasks, seed=args.seed, estimates=args.estimates, kind=args.kind)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
