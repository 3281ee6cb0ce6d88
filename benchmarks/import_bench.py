"""`runbook import` of 10,000 rows, whole process: the target is under 5 seconds.

Three kinds of generated input, each 10,000 task rows:

- ``export``: the workbook `runbook export xlsx` writes for a generated runbook
  (``generate.py``, 10,000 tasks, about three dependencies each): every column, real Excel
  durations and times, the Runbook and Teams sheets. Its import is also checked to plan
  exactly as the runbook it came from.
- ``pmo``: a sheet as a PMO keeps one, made with openpyxl: a banner row, Dutch headers, no
  ids (made from the titles), dependencies by row number, durations as Dutch text ("2 uur",
  "45 min", "1:30"), start times as Excel dates, a notes column and a column not read.
- ``csv``: the same rows saved as a Dutch Excel saves CSV: semicolons, Windows-1252.

Each is timed as a user starts it (interpreter start-up, imports, reading, validating and
writing the YAML), through ``measure.py``, interleaved round by round; the median and the
fastest run are reported. Measure a regular install, as a user has it::

    python -m venv /tmp/rb-bench && /tmp/rb-bench/bin/pip install .
    /tmp/rb-bench/bin/python benchmarks/import_bench.py --runs 7

Exits 1 when a median misses the target.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

ROWS = 10_000
TARGET_S = 5.0
START = datetime(2026, 12, 4, 18, 0)
WORDS = ("Controleer", "Migreer", "Exporteer", "Importeer", "Test", "Schakel", "Meld", "Zet")
OBJECTS = (
    "database",
    "koppeling",
    "applicatieserver",
    "firewallregels",
    "DNS-records",
    "back-up",
    "werkplekken",
    "printers",
    "mailboxen",
    "rapportage",
)
TEAMS = [
    f"Team {name}"
    for name in (
        "DBA",
        "Netwerk",
        "Applicatiebeheer",
        "Servicedesk",
        "Werkplek",
        "Security",
        "Cloud",
        "Leverancier",
    )
]
DURATIONS = ("15 min", "30 min", "45 min", "1 uur", "1:30", "2 uur", "2u30", "1,5 uur")


def pmo_rows(n: int, seed: int = 25) -> list[list[object]]:
    """The header and ``n`` rows of a PMO's draaiboek: no ids, dependencies by row number."""
    rng = random.Random(seed)
    rows: list[list[object]] = [
        [
            "Activiteit",
            "Uitvoerder",
            "Duur",
            "Voorganger",
            "Niet voor",
            "Fase",
            "Opmerkingen",
            "Kosten",
        ]
    ]
    first = 3  # the banner row, a blank row, the header: the first task is on row 4
    for i in range(n):
        row_number = first + 1 + i
        preds = sorted({row_number - rng.randint(1, min(50, i)) for _ in range(3)}) if i else []
        not_before = START + timedelta(hours=i // 500) if i % 40 == 7 else None
        rows.append(
            [
                f"{rng.choice(WORDS)} {rng.choice(OBJECTS)} stap {i + 1}",
                rng.choice(TEAMS),
                rng.choice(DURATIONS),
                ";".join(str(p) for p in preds) or None,
                not_before,
                f"Dag {1 + i * 3 // n}",
                "Volg de werkinstructie" if i % 5 == 0 else None,
                rng.randint(0, 5000),
            ]
        )
    return rows


def write_pmo_workbook(path: Path, rows: list[list[object]]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Draaiboek")
    sheet.append(["Draaiboek migratieweekend (gegenereerd)"])
    sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_pmo_csv(path: Path, rows: list[list[object]]) -> None:
    # As in the workbook: a banner and a blank row; Excel pads every row to the used columns.
    pad = ";" * (len(rows[0]) - 1)
    lines = ["Draaiboek migratieweekend (gegenereerd)" + pad, pad]
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, datetime):
                value = f"{value.day}-{value.month}-{value.year} {value:%H:%M}"
            text = "" if value is None else str(value)
            cells.append(f'"{text}"' if ";" in text else text)
        lines.append(";".join(cells))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def prepare(runbook: Path, folder: Path) -> dict[str, list[str]]:
    """The three inputs, and the import command line of each."""
    env = child_environment()
    source = folder / "generated.yaml"
    source.write_text(generate(ROWS), encoding="utf-8")
    export = folder / "export.xlsx"
    subprocess.run(
        [str(runbook), "export", "xlsx", "-f", str(source), "-o", str(export)],
        check=True,
        env=env,
        capture_output=True,
    )
    rows = pmo_rows(ROWS)
    write_pmo_workbook(folder / "pmo.xlsx", rows)
    write_pmo_csv(folder / "pmo.csv", rows)
    options = ["--start", "2026-12-04 18:00", "--timezone", "Europe/Amsterdam", "--force"]
    cases = {
        "export": [
            str(runbook),
            "import",
            str(export),
            "-o",
            str(folder / "export.yaml"),
            "--force",
        ],
        "pmo": [
            str(runbook),
            "import",
            str(folder / "pmo.xlsx"),
            "-o",
            str(folder / "pmo.yaml"),
            *options,
        ],
        "csv": [
            str(runbook),
            "import",
            str(folder / "pmo.csv"),
            "-o",
            str(folder / "csv.yaml"),
            *options,
        ],
    }
    for name, argv in cases.items():
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{name}: the import failed:\n{done.stderr[-2000:]}")
        if f"{ROWS:,} tasks" not in done.stderr and f"{ROWS} tasks" not in done.stderr:
            raise SystemExit(f"{name}: not {ROWS} tasks imported:\n{done.stderr[-500:]}")
    plans = [
        subprocess.run(
            [str(runbook), "plan", "--json", str(p)], env=env, check=True, capture_output=True
        ).stdout
        for p in (source, folder / "export.yaml")
    ]
    if plans[0] != plans[1]:
        raise SystemExit("export: the imported workbook does not plan as its runbook")
    return cases


def child_environment() -> dict[str, str]:
    unset = (
        "PYTHONDEVMODE",
        "PYTHONTRACEMALLOC",
        "PYTHONPROFILEIMPORTTIME",
        "PYTHONWARNINGS",
        "PYTHONDONTWRITEBYTECODE",
    )
    return {k: v for k, v in os.environ.items() if k not in unset and not k.startswith("RUNBOOK_")}


def measure(argv: list[str]) -> dict[str, float]:
    helper = [sys.executable, "-S", str(HERE / "measure.py")]
    done = subprocess.run(
        [*helper, *argv], env=child_environment(), capture_output=True, text=True, check=True
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["exit_code"] != 0:
        raise SystemExit(f"{argv} failed: {done.stderr[-1000:]}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--runbook", help="the runbook console script (default: beside this Python)"
    )
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args = parser.parse_args(argv)
    runbook = Path(args.runbook or Path(sys.executable).with_name("runbook"))
    if not runbook.is_file():
        raise SystemExit(f"no runbook command at {runbook}; pass --runbook")
    folder = Path(tempfile.mkdtemp(prefix="rb-import-bench-"))
    try:
        cases = prepare(runbook, folder)
        for argv_ in cases.values():  # a warm-up round: bytecode and the page cache
            measure(argv_)
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, argv_ in cases.items():
                runs[name].append(measure(argv_))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    missed = False
    print(f"runbook import, {ROWS:,} rows, {args.runs} runs each (median / fastest, peak RSS)")
    for name, figures in runs.items():
        walls = [f["wall_s"] for f in figures]
        median = statistics.median(walls)
        cpu = statistics.median(f["cpu_s"] for f in figures)
        peak = max(f["max_rss_bytes"] for f in figures) / 1e6
        ok = median < TARGET_S
        missed |= not ok
        print(
            f"  {name:7s} {median:5.2f} s / {min(walls):5.2f} s (CPU {cpu:4.2f} s), "
            f"{peak:4.0f} MB  {'ok' if ok else 'MISSED'} (target < {TARGET_S:g} s)"
        )
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2), encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
