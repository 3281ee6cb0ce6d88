"""Generate a synthetic runbook: N tasks, about three dependencies each, 20 teams."""

from __future__ import annotations

import argparse
import random
import sys

PHASES = ("Friday", "Saturday", "Sunday", "Monday")


def generate(n: int, *, seed: int = 1, teams: int = 20, deps: int = 3) -> str:
    """Return the YAML text of a valid, acyclic synthetic runbook with ``n`` tasks."""
    rng = random.Random(seed)
    out = [
        f"name: Synthetic cutover ({n} tasks)",
        "timezone: Europe/Amsterdam",
        "start: 2026-03-27T06:00",
        "deadline: 2026-04-30T06:00",
        "teams:",
    ]
    for t in range(teams):
        out += [f"  team{t:02d}:", f"    name: Team {t}", f"    lead: Lead {t}", f"    contact: +31 20 555 {t:04d}"]
    out.append("tasks:")
    width = len(str(n))
    for i in range(n):
        tid = f"t{i:0{width}d}"
        out.append(f"  - id: {tid}")
        out.append(f"    title: Synthetic task number {i} of the weekend")
        out.append(f"    team: team{rng.randrange(teams):02d}")
        out.append(f"    duration: {rng.choice(('15m', '30m', '45m', '1h', '1h30m', '2h'))}")
        out.append(f"    phase: {PHASES[min(3, i * 4 // n)]}")
        if i:
            # Mostly recent predecessors, so the graph is deep like a real runbook.
            k = min(i, deps)
            window = max(1, min(i, 50))
            preds = sorted({i - 1 - rng.randrange(window) for _ in range(k)})
            out.append("    depends_on: [" + ", ".join(f"t{p:0{width}d}" for p in preds) + "]")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tasks", type=int)
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    text = generate(args.tasks, seed=args.seed)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
