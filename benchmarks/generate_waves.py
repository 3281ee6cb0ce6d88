"""Generate a synthetic runbook of another shape than ``generate.py``: applications moved in waves.

``generate.py`` draws about three dependencies per task from the previous 50, so its graph is
one deep braid with short ids (``t01234``). This one is shaped like a data-centre exit: the
applications are moved in waves; each application is a chain of steps (freeze, back up, copy,
switch, test) with ids like ``w03.app117.copy-2``; a wave starts after the go/no-go milestone
of the wave before, which waits for every application of its wave (a wide fan-in); a third
of the steps are owned by one of 60 teams with long names, one in eight steps is optional
(``should`` or ``nice``), one in fifteen waits for a ``not_before``, and the titles are long
and carry non-ASCII text. Deterministic (``--seed``), valid, and accepted without warnings.

    python benchmarks/generate_waves.py 10000 -o waves.yaml
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime, timedelta

START = datetime(2026, 10, 30, 18, 0)
STEPS = ("freeze", "backup", "copy", "switch", "test")
MINUTES = (5, 10, 20, 30, 45, 60, 90, 120, 180, 240)
TEAMS = 60
APPS_PER_WAVE = 40


def generate(n: int, *, seed: int = 7) -> str:
    """The YAML text of a runbook of about ``n`` tasks (exactly ``n``: the last wave is cut)."""
    rng = random.Random(seed)
    lines: list[str] = []
    count = 0
    wave = 0
    previous_gate: str | None = None
    finish_before = 0  # minutes after START when the previous wave's gate is planned
    latest = 0
    while count < n:
        wave += 1
        ends: list[str] = []
        wave_finish = finish_before
        for app in range(APPS_PER_WAVE):
            if count >= n - 1:
                break
            steps = rng.randint(3, 12)
            before = previous_gate
            at = finish_before
            for s in range(steps):
                if count >= n - 1:
                    break
                step = STEPS[min(s, len(STEPS) - 1)] + (f"-{s}" if s >= len(STEPS) else "")
                tid = f"w{wave:02d}.app{app:03d}.{step}"
                minutes = rng.choice(MINUTES)
                lines.append(f"  - id: {tid}")
                lines.append(
                    f"    title: Wave {wave}, application {app:03d}, {step} — "
                    f"Überführung der Anwendung nach Rechenzentrum Süd, Schritt {s + 1}"
                )
                lines.append(f"    team: team-{rng.randrange(TEAMS):02d}")
                lines.append(f"    duration: {minutes}m")
                lines.append(f"    phase: Wave {wave}")
                if before is not None:
                    lines.append(f"    depends_on: [{before}]")
                if s and rng.randrange(8) == 0:
                    lines.append(f"    priority: {'should' if rng.randrange(2) else 'nice'}")
                if s == 1 and rng.randrange(15) == 0:
                    wait = (at // 60 + 2) * 60
                    lines.append(
                        f"    not_before: {START + timedelta(minutes=wait):%Y-%m-%dT%H:%M}"
                    )
                    at = wait
                at += minutes
                before = tid
                count += 1
            if before is not None and before != previous_gate:
                ends.append(before)
            wave_finish = max(wave_finish, at)
        gate = f"w{wave:02d}.go-no-go"
        lines.append(f"  - id: {gate}")
        lines.append(f"    title: Go/no-go after wave {wave}")
        lines.append("    milestone: true")
        lines.append(f"    phase: Wave {wave}")
        lines.append("    depends_on: [" + ", ".join(ends or [previous_gate or ""]) + "]")
        count += 1
        previous_gate, finish_before = gate, wave_finish
        latest = max(latest, wave_finish)
    deadline = START + timedelta(minutes=latest * 5 // 4 + 24 * 60)
    head = [
        f"name: Data-centre exit in waves ({n} tasks)",
        "timezone: Europe/Berlin",
        f"start: {START:%Y-%m-%dT%H:%M}",
        f"deadline: {deadline:%Y-%m-%dT%H:%M}",
        "teams:",
    ]
    for t in range(TEAMS):
        head += [
            f"  team-{t:02d}:",
            f"    name: Betriebsteam {t} Anwendungsmigration und Nachbetreuung",
            f"    lead: Leitung {t}",
            f"    contact: +49 30 555 {t:04d}",
        ]
    return "\n".join([*head, "tasks:", *lines]) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the runbook to a file or stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tasks", type=int)
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=7)
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
