"""Generate a runbook of another shape than ``generate.py``'s: as an outside team writes one.

``generate.py`` writes one style: short flow lists, 20 teams, every task three dependencies
from the last fifty. A benchmark that only ever reads that shape can flatter the reader, so
this one differs on purpose:

- long titles in several languages (accents, ``ß``, Greek, CJK, an emoji), notes on one
  task in ten, double-quoted with escapes, and YAML comments between waves;
- many teams (one per 40 tasks, at least 30), with names and contacts;
- ids of another form (``w003.app042.01234``);
- deep chains: the tasks run in parallel streams, each task after the one before it in its
  stream (block-style ``depends_on`` lists, ``- id`` lines);
- wide fan-in and fan-out: every 400 tasks a milestone (every third one a gate with criteria
  and approvers) waits for the last task of every stream, and the streams go on after it;
- optional work: one task in five ``nice``, one in seven ``should``;
- three-point estimates on one task in four, a ``not_before`` on one in 60 (a third of them
  ``{at, fixed, reason}``), and a deadline just after the planned finish.

The output is deterministic (``--seed``) and validates without a warning.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime, timedelta

START = datetime(2026, 11, 13, 18, 0)  # a Friday evening, local time
SYNC_EVERY = 400  # a fan-in milestone every this many tasks
MINUTES = (5, 10, 20, 25, 40, 50, 75, 100, 135, 180)
WORDS = (
    "Migratie van de kernbankdatabase naar het nieuwe datacenter",
    "Überprüfung der Replikationsverzögerung für Zürich und Genève",
    "Vérification des sauvegardes chiffrées avant la bascule définitive",
    "Μετάπτωση της υπηρεσίας πληρωμών στο νέο σύστημα",
    "新しいデータセンターへの切り替え確認",
    "Smoke test of the customer portal 🚀 behind the new load balancer",
    'Controle van de rijaantallen tegen het exportlogboek ("row counts")',
    "Hand-over to the service desk: known issues, workarounds & the rollback plan",
)
NOTES = (
    "Run the script from the jump host only; the credentials rotate at 02:00 — ask the "
    "coordinator before you retry. Log every anomaly in the bridge chat with the task id.",
    "Zie het draaiboek van de vorige migratie, stap 14 t/m 19: de volgorde is belangrijk.",
    "Achtung: die Firewall-Regeln gelten erst nach dem Neustart des Clusters.",
)


def _title(rng: random.Random, i: int) -> str:
    """A long title, as a double-quoted YAML scalar (quotes and backslashes escaped)."""
    text = rng.choice(WORDS) if i % 2 else f"{rng.choice(WORDS)} ({i % 97 + 1})"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(n: int, *, seed: int = 7, streams: int | None = None) -> str:
    """The YAML text of a valid, acyclic runbook with ``n`` tasks of the outside shape."""
    rng = random.Random(seed)
    teams = max(30, n // 40)
    streams = streams or max(4, min(120, n // 80))
    lines: list[str] = []
    last: list[str | None] = [None] * streams  # the last task of each stream
    finish: dict[str, int] = {}  # earliest finish (minutes after the start) by id
    sync: str | None = None
    syncs = 0
    wave = 0
    for i in range(n):
        if i and i % SYNC_EVERY == 0 and i < n - 1:
            # A fan-in milestone waits for the last task of every stream (none of which is an
            # ancestor of another: the streams only meet here), and every stream goes on
            # after it.
            syncs += 1
            wave += 1
            tid = f"w{wave:03d}.sync"
            preds = [p for p in last if p is not None] or ([sync] if sync else [])
            lines.append(f"  # --- wave {wave}: every stream meets here ---")
            lines.append(f"  - id: {tid}")
            lines.append(f'    title: "Go/no-go {syncs}: wave {wave} complete"')
            lines.append(f"    team: team{syncs % teams:03d}")
            lines.append("    milestone: true")
            if syncs % 3 == 0:
                lines.append("    gate: true")
                lines.append("    criteria:")
                lines.append('      - "all streams of the wave finished, no open P1"')
                lines.append('      - "monitoring green for 10 minutes"')
                lines.append("    approvers: [change manager, service owner]")
            lines.append("    depends_on:")
            lines.extend(f"      - {p}" for p in preds)
            finish[tid] = max((finish[p] for p in preds), default=0)
            sync = tid
            last = [None] * streams
            continue
        stream = i % streams
        tid = f"w{wave:03d}.app{stream:03d}.{i:05d}"
        before = last[stream] or sync
        minutes = rng.choice(MINUTES)
        lines.append(f"  - id: {tid}")
        lines.append(f"    title: {_title(rng, i)}")
        lines.append(f"    team: team{rng.randrange(teams):03d}")
        written = f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"
        lines.append(f"    duration: {written}")
        lines.append(f"    phase: Wave {wave}")
        if i % 4 == 1:
            low, high = max(1, minutes * 2 // 3), minutes * 2
            lines.append(f"    estimate: {{optimistic: {low}m, pessimistic: {high}m}}")
        if i % 5 == 3:
            lines.append("    priority: nice")
        elif i % 7 == 4:
            lines.append("    priority: should")
        if i % 10 == 0:
            lines.append(f'    notes: "{NOTES[i % len(NOTES)]}"')
        begin = finish[before] if before else 0
        if i % 60 == 17:
            at = START + timedelta(minutes=(begin // 30 + 1) * 30)
            if i % 180 == 17:
                lines.append(
                    f"    not_before: {{at: {at:%Y-%m-%dT%H:%M}, fixed: true, "
                    'reason: "supplier on site from then"}'
                )
            else:
                lines.append(f"    not_before: {at:%Y-%m-%d %H:%M}")
            begin = (begin // 30 + 1) * 30
        if before:
            lines.append("    depends_on:")
            lines.append(f"      - {before}")
        finish[tid] = begin + minutes
        last[stream] = tid
    end = max(finish.values(), default=0)
    deadline = START + timedelta(minutes=end + 60)  # an hour to spare: tight on purpose
    head = [
        "# Cutover runbook, as exported by another team's tooling",
        "version: 1",
        f'name: "Datacenter exit — {n} tasks (outside shape)"',
        "timezone: Europe/Amsterdam",
        f"start: {START:%Y-%m-%dT%H:%M}",
        f"deadline: {deadline:%Y-%m-%dT%H:%M}",
        "teams:",
    ]
    for t in range(teams):
        head += [
            f"  team{t:03d}:",
            f'    name: "Équipe {t} — Operations & Infrastructure"',
            f"    lead: Jørgen Müller-{t}",
            f'    contact: "+31 20 555 {t:04d}"',
        ]
    return "\n".join([*head, "tasks:", *lines]) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write a runbook of the outside shape to a file or stdout."""
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
