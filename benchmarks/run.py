"""Time whole `runbook` processes against bare-Python baselines, and check the targets.

Every figure is one whole process, as a user starts it: interpreter start-up, imports,
reading the file, the work, and the output (stdout goes to /dev/null). Each command runs
``--runs`` times after ``--warmup`` untimed rounds; rounds are interleaved (every case
once per round) so that a slow patch of the machine does not favour one command over
another. Peak memory is each process's own ``ru_maxrss``, taken by ``measure.py``.

Cases and their targets (from the issue):

* ``yaml.load`` with libyaml's ``CSafeLoader`` on the same file, the cyclic garbage collector
  off (as ``validate`` and ``plan`` run): the baseline, the parse floor of issue 28 §4.
* ``runbook validate FILE`` and ``runbook plan --json FILE`` at 1,000, 10,000 and 50,000
  tasks, on three kinds of runbook (``generate.py --kind plain`` and ``terse``, and
  ``outside.py``'s other shape); at 10,000 and 50,000 tasks each takes at most 1.0x the
  baseline's time and 1.5x its peak memory.
* issue 28 §3 (``command_cases``, ``--commands-only``): ``plan`` with a weekend (the table,
  ``--what-if``, ``--json``), ``export ics`` and ``status`` at 1,000, 5,000 and 10,000 tasks,
  plain and outside: at 10,000 each at most 3x the parse floor, and its time per task at most
  1.1x the same at 1,000 and at 5,000; ``status`` on a log of 20,000 events at most 1.1x the
  same on 600.
* a minimal Typer application (``minimal_typer.py``): the baseline for the check-in
  commands, which have their own section below (``checkin_cases``); ``runbook status`` at
  10,000 tasks takes at most 1.5x the same at 1,000 (``status_cases``).
* issue 28 §5, a check-in in the blink of an eye: ``runbook start`` and ``done`` at most
  0.55x the minimal Typer app and at most 80 ms on 1,000-task weekends of both generators
  (``checkin_cases``); on PostgreSQL (``pg_checkin_figures``, ``--pg-only``) at most 4 round
  trips after connecting, and within 0.4 s over a link with a 30 ms round-trip time.
* the cached plan (``plancache_bench.py``, in-process): ``Plan.loads`` at 10,000 tasks in
  under 10 ms, both kinds.
* mission control (``tui_bench.py``) at 10,000 tasks, a weekend under way with the table full:
  first screen painted within 1 s, an outside check-in painted within 0.3 s of its commit
  (``control_bench.py`` measures it on both generators and PostgreSQL).
* a shell's completion of task ids (``completion_cases``): a whole ``runbook`` process
  asked as bash, zsh and fish ask at TAB, on 1,000 tasks, at most 150 ms; beside a bare
  ``python -c pass``, the minimal Typer app and the same request answered by Typer.
* the Monte Carlo simulation (``montecarlo_bench.py``, in-process): 10,000 runs over a
  10,000-task runbook with three-point estimates take at most 3 s; ``runbook readiness`` on
  that runbook at most 5x the yaml.load baseline on its file.

Run it with ``.venv/bin/python benchmarks/run.py``; it exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generate import generate
from outside import generate as generate_outside

HERE = Path(__file__).resolve().parent
MEASURE = HERE / "measure.py"
MINIMAL_TYPER = HERE / "minimal_typer.py"
TUI_BENCH = HERE / "tui_bench.py"
CONTROL_TASKS = 10_000
CONTROL_FIRST_S = 1.0  # the first screen painted, from process start (issue 28)
CONTROL_SHOWN_S = 0.3  # an outside check-in painted, from its commit
MONTECARLO_BENCH = HERE / "montecarlo_bench.py"
MONTECARLO_TASKS = 10_000
MONTECARLO_RUNS = 10_000
MONTECARLO_MAX_S = 3.0
READINESS_MAX_RATIO = 5.0  # runbook readiness, 10,000 tasks with estimates, against yaml.load
PLANCACHE_BENCH = HERE / "plancache_bench.py"
PLANCACHE_MAX_MS = 10.0

DEFAULT_SIZES = (1_000, 10_000, 50_000)
TARGET_SIZES = (10_000, 50_000)
PLAN_MAX_RATIO = 1.0  # runbook validate / plan --json, against the yaml.load baseline
PLAN_MAX_PEAK_RATIO = 1.5  # and their peak memory, against the baseline's
# The parse floor (issue 28 §4): PyYAML's C loader with the cyclic garbage collector off, as
# `validate` and `plan` run (with it on, 62% of the load is the collector's).
YAML_BASELINE = (
    "import gc, sys, yaml; gc.disable(); "
    "yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)"
)
# The baseline `runbook readiness` has been measured against since issue 13 (collector on).
YAML_BASELINE_GC_ON = (
    "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)"
)
# Settings that would slow the measured processes down, or change what runbook reads, are
# not passed on to them.
# PYTHONDONTWRITEBYTECODE would make an editable install recompile runbook's modules on every
# run (a regular `pip install` ships them compiled); the warm-up round writes the bytecode.
UNSET_ENV = (
    "PYTHONDEVMODE",
    "PYTHONTRACEMALLOC",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONWARNINGS",
    "PYTHONDONTWRITEBYTECODE",
)
MB = 1_000_000
CHECKIN_TASKS = 1_000
CHECKIN_DONE = 300  # tasks already done in the prepared state file
# Issue 28 §5: runbook start / done at most 0.55x the minimal Typer app (it was 1.3x) and at
# most 80 ms, whole process, on both generators' runbooks.
CHECKIN_MAX_RATIO = 0.55
CHECKIN_MAX_S = 0.080
# On PostgreSQL: at most 4 round trips after connecting, and a check-in over a link with a
# round-trip time of 30 ms (15 ms each way, ``link.py``) within 0.4 s, whole process.
PG_MAX_ROUND_TRIPS = 4
PG_LINK_DELAY_S = 0.015
PG_LINK_MAX_S = 0.4
STATUS_MAX_RATIO = 2.5  # runbook status, against the minimal Typer app
LONG_LOG_CYCLES = 14  # start and undo the 700 open tasks this often: about 20,000 events
LONG_LOG_MAX_RATIO = 1.1  # start / done on the long log, against the same on 600 events
COMPLETION_MAX_S = 0.150  # a shell's TAB on a task id, whole process, 1,000 tasks
# The entry point without its fast path: Typer answers the completion (for comparison).
BY_TYPER = "from runbook.cli import _leave, _run; _leave(_run())"
STATUS_TASKS = 10_000
STATUS_SCALE_MAX_RATIO = 1.5  # runbook status at 10,000 tasks, against the same at 1,000
# Issue 28 §3: every command at 10,000 tasks within 3x the parse floor on its file, and its
# time per task flat from 1,000 (and from 5,000) to 10,000 tasks.
COMMAND_SIZES = (1_000, 5_000, 10_000)
COMMAND_MAX_FLOOR_RATIO = 3.0
COMMAND_MAX_PER_TASK_RATIO = 1.1  # time per task at 10,000 against the same at 1,000 / 5,000
LONG_LOG_STATUS_MAX_RATIO = 1.1  # status with 20,000 events, against the same with 600


class BenchmarkError(Exception):
    """A measured command failed, or the set-up is not usable."""


@dataclass(frozen=True)
class Case:
    """One command to time as a whole process, and the targets it must meet."""

    name: str
    argv: tuple[str, ...]
    tasks: int | None = None
    baseline: Case | None = None  # the ratio column compares medians with this case
    max_ratio: float | None = None  # target: median <= max_ratio x the baseline's median
    max_peak_mb: float | None = None  # target: peak memory < this
    max_peak_ratio: float | None = None  # target: peak <= this x the baseline's peak
    prepare: Callable[[], None] | None = None  # untimed, before every run (e.g. reset state)
    env: tuple[tuple[str, str], ...] = ()  # set for this command only (a shell's completion)
    max_s: float | None = None  # target: median wall time <= this many seconds


@dataclass(frozen=True)
class Run:
    """The figures of one process."""

    wall_s: float
    cpu_s: float
    max_rss_bytes: int


@dataclass
class Result:
    """All the timed runs of one case."""

    case: Case
    runs: list[Run] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        """Median wall time."""
        return statistics.median(r.wall_s for r in self.runs)

    @property
    def min_s(self) -> float:
        """Fastest wall time."""
        return min(r.wall_s for r in self.runs)

    @property
    def peak_mb(self) -> float:
        """Highest peak RSS over the runs, in MB (10^6 bytes)."""
        return max(r.max_rss_bytes for r in self.runs) / MB


@dataclass(frozen=True)
class Check:
    """The outcome of one target."""

    description: str
    measured: float
    limit: float
    passed: bool


# --- Set-up -------------------------------------------------------------------------------


def find_runbook(explicit: str | None) -> Path:
    """The ``runbook`` console script: given, next to this interpreter, or on PATH."""
    candidates = [explicit] if explicit else [str(Path(sys.executable).with_name("runbook"))]
    if not explicit:
        candidates.append(shutil.which("runbook") or "")
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate).absolute()
    raise BenchmarkError(
        "no `runbook` command found next to this Python or on PATH; install the package "
        "(`pip install -e .`) or pass --runbook"
    )


def script_interpreter(script: Path) -> str:
    """The Python that runs ``script`` (its ``#!`` line), so the baselines use the same one.

    Falls back to this interpreter when the script is not started by a Python directly
    (a wrapper, or pip's ``/bin/sh`` trampoline for long paths).
    """
    with script.open("rb") as f:
        first = f.readline().decode(errors="replace").strip()
    interpreter = Path(first.removeprefix("#!").strip())
    if first.startswith("#!") and interpreter.name.startswith("python") and interpreter.is_file():
        return str(interpreter)
    return sys.executable


def child_environment() -> dict[str, str]:
    """This environment without the settings that would skew the measured processes."""
    return {
        k: v for k, v in os.environ.items() if k not in UNSET_ENV and not k.startswith("RUNBOOK_")
    }


def write_runbooks(sizes: Sequence[int], folder: Path, kind: str = "plain") -> dict[int, Path]:
    """Generate one synthetic runbook of this kind per size (``plain`` and ``terse`` from
    generate.py, ``outside`` from outside.py); return their paths."""
    files = {}
    for size in sizes:
        path = folder / f"synthetic-{kind}-{size}.yaml"
        if not path.exists():
            text = generate_outside(size) if kind == "outside" else generate(size, kind=kind)
            path.write_text(text, encoding="utf-8")
        files[size] = path
    return files


# --- Cases --------------------------------------------------------------------------------


def runbook_cases(
    size: int, file: Path, runbook: Path, python: str, kind: str = "plain"
) -> list[Case]:
    """The baseline, ``runbook validate`` and ``runbook plan --json`` on one runbook, with
    their targets at 10,000 and 50,000 tasks (both kinds)."""
    suffix = "" if kind == "plain" else f" ({kind})"
    baseline = Case(
        f"yaml.load (CSafeLoader){suffix}", (python, "-c", YAML_BASELINE, str(file)), size
    )
    targets = size in TARGET_SIZES
    ratio = PLAN_MAX_RATIO if targets else None
    peak = PLAN_MAX_PEAK_RATIO if targets else None
    return [
        baseline,
        Case(
            f"runbook validate{suffix}",
            (str(runbook), "validate", str(file)),
            size,
            baseline,
            max_ratio=ratio,
            max_peak_ratio=peak,
        ),
        Case(
            f"runbook plan --json{suffix}",
            (str(runbook), "plan", "--json", str(file)),
            size,
            baseline,
            max_ratio=ratio,
            max_peak_ratio=peak,
        ),
    ]


def readiness_cases(runbook: Path, python: str, workdir: Path) -> list[Case]:
    """``runbook readiness`` on a 10,000-task runbook with three-point estimates (so it
    simulates 10,000 runs), against the yaml.load baseline on its file."""
    file = workdir / f"synthetic-estimates-{MONTECARLO_TASKS}.yaml"
    file.write_text(generate(MONTECARLO_TASKS, estimates=True), encoding="utf-8")
    state = workdir / "readiness.state.db"
    baseline = Case(
        "yaml.load (CSafeLoader) (estimates)",
        (python, "-c", YAML_BASELINE_GC_ON, str(file)),
        MONTECARLO_TASKS,
    )
    return [
        baseline,
        Case(
            "runbook readiness",
            (str(runbook), "readiness", "-f", str(file), "--state", str(state)),
            MONTECARLO_TASKS,
            baseline,
            max_ratio=READINESS_MAX_RATIO,
        ),
    ]


def status_cases(runbook: Path, workdir: Path, status_1k: Case) -> list[Case]:
    """``runbook status`` at 10,000 tasks on the same kind of weekend as the 1,000-task
    check-in cases (the first 300 tasks done, the next one running; the clock far past the
    weekend, so nearly every task is late: the briefing lists 8 and counts the rest), at most
    1.5x the same at 1,000 tasks."""
    file = write_runbooks([STATUS_TASKS], workdir)[STATUS_TASKS]
    return [
        Case(
            "runbook status",
            status_argv(runbook, file, workdir, STATUS_TASKS),
            STATUS_TASKS,
            status_1k,
            max_ratio=STATUS_SCALE_MAX_RATIO,
        )
    ]


def status_argv(
    runbook: Path, file: Path, workdir: Path, size: int, kind: str = "plain"
) -> tuple[str, ...]:
    """``runbook status`` on a weekend of ``file`` prepared as the check-in cases' (the first
    300 tasks started and done, the next one started), in a state file of its own."""
    width = len(str(size))  # as generate.py names them
    state = workdir / f"status-{kind}-{size}.state.db"
    ids = [f"t{i:0{width}d}" for i in range(CHECKIN_DONE)]
    common = ("-f", str(file), "--by", "bench", "--state", str(state))
    for args in (("start", *ids, "--force"), ("done", *ids, "--force")):
        _prepare(runbook, (*args, *common))
    _prepare(runbook, ("start", f"t{CHECKIN_DONE:0{width}d}", *common))
    return (str(runbook), "status", "-f", str(file), "--state", str(state))


def status_scale_cases(runbook: Path, file: Path, workdir: Path, baseline: Case) -> list[Case]:
    """Only ``runbook status`` at 1,000 tasks (``file``; against the minimal Typer app) and at
    10,000 (against the same at 1,000): ``--status-only``; then the same on terse runbooks."""
    status_1k = Case(
        "runbook status",
        status_argv(runbook, file, workdir, CHECKIN_TASKS),
        CHECKIN_TASKS,
        baseline,
        max_ratio=STATUS_MAX_RATIO,
    )
    return [
        status_1k,
        *status_cases(runbook, workdir, status_1k),
        *terse_status_cases(runbook, workdir, baseline),
    ]


def terse_status_cases(runbook: Path, workdir: Path, baseline: Case) -> list[Case]:
    """``runbook status`` on terse runbooks (short texts, redundant dependencies,
    ``not_before``): at 1,000 tasks against the minimal Typer app, at 10,000 at most 1.5x
    the same at 1,000."""
    files = write_runbooks([CHECKIN_TASKS, STATUS_TASKS], workdir, "terse")
    small = Case(
        "runbook status (terse)",
        status_argv(runbook, files[CHECKIN_TASKS], workdir, CHECKIN_TASKS, "terse"),
        CHECKIN_TASKS,
        baseline,
        max_ratio=STATUS_MAX_RATIO,
    )
    large = Case(
        "runbook status (terse)",
        status_argv(runbook, files[STATUS_TASKS], workdir, STATUS_TASKS, "terse"),
        STATUS_TASKS,
        small,
        max_ratio=STATUS_SCALE_MAX_RATIO,
    )
    return [small, large]


def first_id(file: Path) -> tuple[str, str]:
    """The first task's id of a generated runbook and its start as an ISO time."""
    import re

    text = file.read_text(encoding="utf-8")
    found = re.search(r"^  - id: (\S+)", text, re.M)
    start = re.search(r"^start: (\S+)", text, re.M)
    if found is None or start is None:
        raise BenchmarkError(f"{file}: no task id or start found")
    return found.group(1), start.group(1)


def command_cases(
    runbook: Path, python: str, workdir: Path, kinds: Sequence[str] = ("plain", "outside")
) -> list[Case]:
    """Issue 28 §3: at 1,000, 5,000 and 10,000 tasks, ``plan`` with a weekend (the table),
    ``plan --what-if``, ``plan --json`` with a weekend, ``export ics`` and ``status`` on a
    weekend with its first task running; at 10,000 tasks each at most 3x the parse floor
    (the collector-off yaml.load of the same file), and its time per task at 10,000 at most
    1.1x the same at 1,000 and at 5,000."""
    cases: list[Case] = []
    for kind in kinds:
        files = write_runbooks(COMMAND_SIZES, workdir, kind)
        by_size: dict[int, list[Case]] = {}
        for size, file in files.items():
            task, start = first_id(file)
            state = workdir / f"commands-{kind}-{size}.state.db"
            at = ("--at", start)
            _prepare(runbook, ("start", task, "-f", str(file), "--state", str(state), *at))
            common = ("-f", str(file), "--state", str(state), "--now", start)
            floor = Case(
                f"yaml.load, collector off ({kind})",
                (python, "-c", YAML_BASELINE, str(file)),
                size,
            )
            argvs = {
                "plan (table)": ("plan", *common),
                "plan --what-if": ("plan", "--what-if", f"{task}+2h", *common),
                "plan --json (weekend)": ("plan", "--json", *common),
                "export ics": ("export", "ics", "-o", "-", *common),
                "status": ("status", *common),
            }
            big = size == max(COMMAND_SIZES)
            mine = [
                Case(
                    f"runbook {name} ({kind})",
                    (str(runbook), *args),
                    size,
                    floor,
                    max_ratio=COMMAND_MAX_FLOOR_RATIO if big else None,
                )
                for name, args in argvs.items()
            ]
            by_size[size] = mine
            cases += [floor, *mine]
        cases += _per_task_checks(by_size)
    return cases


@dataclass(frozen=True)
class PerTask:
    """A target on time per task: ``case`` at most ``max_ratio`` x ``smaller``'s per task."""

    case: Case
    smaller: Case
    max_ratio: float


PER_TASK: list[PerTask] = []


def _per_task_checks(by_size: dict[int, list[Case]]) -> list[Case]:
    """Register the per-task targets of the largest size against each smaller one."""
    sizes = sorted(by_size)
    largest = by_size[sizes[-1]]
    for size in sizes[:-1]:
        for big, small in zip(largest, by_size[size], strict=True):
            PER_TASK.append(PerTask(big, small, COMMAND_MAX_PER_TASK_RATIO))
    return []


def per_task_figures(results: Sequence[Result]) -> list[Check]:
    """Time per task at the largest size against the smaller ones (issue 28 §3)."""
    by_case = {r.case: r for r in results}
    found = []
    for target in PER_TASK:
        big, small = by_case.get(target.case), by_case.get(target.smaller)
        if big is None or small is None:
            continue
        assert big.case.tasks and small.case.tasks
        x = (big.median_s / big.case.tasks) / (small.median_s / small.case.tasks)
        found.append(
            Check(
                f"{big.case.name}: time per task at {big.case.tasks:,} tasks {x:.2f}x the same "
                f"at {small.case.tasks:,} (target <= {target.max_ratio}x)",
                x,
                target.max_ratio,
                x <= target.max_ratio,
            )
        )
    return found


def _prepare(runbook: Path, args: Sequence[str]) -> None:
    """Run a ``runbook`` command to prepare a state file (untimed)."""
    done = subprocess.run(
        [str(runbook), *args], capture_output=True, text=True, env=child_environment(), check=False
    )
    if done.returncode != 0:
        raise BenchmarkError(f"preparing the state file failed:\n{done.stderr[-2000:]}")


def typer_baseline(python: str) -> Case:
    """A minimal Typer application: the floor for any command of a Typer CLI."""
    return Case("minimal Typer app", (python, str(MINIMAL_TYPER), "world"))


def task_ids(file: Path) -> list[str]:
    """The task ids of a generated runbook, in its order."""
    import re

    return re.findall(r"^  - id: (\S+)", file.read_text(encoding="utf-8"), re.M)


def checkin_cases(
    runbook: Path, file: Path, workdir: Path, baseline: Case, kind: str = "plain"
) -> list[Case]:
    """``runbook start``, ``done`` and ``status`` on a 1,000-task runbook mid-weekend.

    The state file is prepared once, untimed: the first 300 tasks started and done (600
    events, a baseline, the compiled plan cached). ``start`` and ``done`` change the state,
    so every run first restores a copy. Targets: ``start`` and ``done`` at most 0.55x the
    minimal Typer app and at most 80 ms (issue 28 §5), ``status`` at most 2.5x; and on the
    same weekend with about 20,000 events in its log (open tasks started and undone again
    and again), ``start`` and ``done`` at most 1.1x the same commands with 600: a check-in's
    cost does not grow with the log. On another generator's runbook (``kind``: outside.py's)
    only ``start`` and ``done``, with the same targets.
    """
    every = task_ids(file)
    ids, nxt = every[:CHECKIN_DONE], every[CHECKIN_DONE]
    suffix = "" if kind == "plain" else f" ({kind})"
    ready = workdir / f"checkin-{kind}-ready.state.db"
    running = workdir / f"checkin-{kind}-running.state.db"
    state = workdir / f"checkin-{kind}.state.db"
    common = ("-f", str(file), "--by", "bench")

    def cli(*args: str, target: Path) -> None:
        done = subprocess.run(
            [str(runbook), *args, *common, "--state", str(target)],
            capture_output=True,
            text=True,
            env=child_environment(),
            check=False,
        )
        if done.returncode != 0:
            raise BenchmarkError(f"preparing the state file failed:\n{done.stderr[-2000:]}")

    cli("start", *ids, "--force", target=ready)
    cli("done", *ids, "--force", target=ready)
    _copy_state(ready, running)
    cli("start", nxt, target=running)

    def restore(source: Path) -> Callable[[], None]:
        return lambda: _copy_state(source, state)

    argv = (str(runbook),)
    opts = (*common, "--state", str(state))
    start = Case(
        f"runbook start{suffix}",
        (*argv, "start", nxt, *opts),
        CHECKIN_TASKS,
        baseline,
        max_ratio=CHECKIN_MAX_RATIO,
        prepare=restore(ready),
        max_s=CHECKIN_MAX_S,
    )
    done = Case(
        f"runbook done{suffix}",
        (*argv, "done", nxt, *opts),
        CHECKIN_TASKS,
        baseline,
        max_ratio=CHECKIN_MAX_RATIO,
        prepare=restore(running),
        max_s=CHECKIN_MAX_S,
    )
    if kind != "plain":
        return [start, done]
    # The same weekend after a long night: every open task started and undone, again and
    # again, until the log holds about 20,000 events; the tasks' states are those of `ready`.
    long_ready = workdir / "checkin-long-ready.state.db"
    long_running = workdir / "checkin-long-running.state.db"
    _copy_state(ready, long_ready)
    rest = every[CHECKIN_DONE:]
    for _ in range(LONG_LOG_CYCLES):
        cli("start", *rest, "--force", target=long_ready)
        cli("undo", *rest, target=long_ready)
    _copy_state(long_ready, long_running)
    cli("start", nxt, target=long_running)

    # Status reads the copies the check-ins do not change (each a weekend with nxt running).
    status = Case(
        "runbook status",
        (*argv, "status", "-f", str(file), "--state", str(running)),
        CHECKIN_TASKS,
        baseline,
        max_ratio=STATUS_MAX_RATIO,
    )
    return [
        start,
        done,
        Case(
            "runbook start, 20,000 events",
            (*argv, "start", nxt, *opts),
            CHECKIN_TASKS,
            start,
            max_ratio=LONG_LOG_MAX_RATIO,
            prepare=restore(long_ready),
        ),
        Case(
            "runbook done, 20,000 events",
            (*argv, "done", nxt, *opts),
            CHECKIN_TASKS,
            done,
            max_ratio=LONG_LOG_MAX_RATIO,
            prepare=restore(long_running),
        ),
        status,
        Case(
            "runbook status, 20,000 events",
            (*argv, "status", "-f", str(file), "--state", str(long_running)),
            CHECKIN_TASKS,
            status,
            max_ratio=LONG_LOG_STATUS_MAX_RATIO,
        ),
    ]


def pg_checkin_figures(
    runbook: Path, workdir: Path, runs: int, warmup: int, against: Path | None = None
) -> list[Check]:
    """Issue 28 §5 on PostgreSQL: ``runbook start`` and ``done`` on the same 1,000-task
    weekends as ``checkin_cases`` (both generators), through a link with a round-trip time
    of 30 ms (``link.py``: 15 ms each way, and one round trip more for a connection's TCP
    handshake) to a throwaway cluster (``pg_bench.py``'s, durable). The link counts the
    round trips: at most 4 after connecting (connecting itself, SSL negotiation and start-up,
    is said apart); and the whole process takes at most 0.4 s (median of ``runs``, each on
    the prepared database made again from its template). ``against``: another install's
    ``runbook`` (main's, say), run beside the measured one in every round (first every
    other round), on a database made again from the same template: its figures are
    printed beside, paired (no target). Each figure says the load average while it was
    taken: the machine may be shared."""
    import time

    from link import Link
    from pg_bench import Databases, cluster

    found = []
    env = child_environment()
    with cluster() as admin:
        dbs = Databases(admin)
        address = admin.split("@", 1)[1].split("/", 1)[0]
        host, _, port = address.rpartition(":")
        with Link((host, int(port)), delay=PG_LINK_DELAY_S) as link:
            for kind in ("plain", "outside"):
                file = write_runbooks([CHECKIN_TASKS], workdir, kind)[CHECKIN_TASKS]
                every = task_ids(file)
                ids, nxt = every[:CHECKIN_DONE], every[CHECKIN_DONE]
                common = ("-f", str(file), "--by", "bench")

                def cli(
                    *args: str, state: str, common: tuple[str, ...] = common, script: Path = runbook
                ) -> subprocess.CompletedProcess[str]:
                    return subprocess.run(
                        [str(script), *args, *common, "--state", state],
                        capture_output=True,
                        text=True,
                        env=env,
                        check=False,
                    )

                ready = dbs.create(f"{kind}_ready")
                for args in (("start", *ids, "--force"), ("done", *ids, "--force")):
                    if (done := cli(*args, state=ready)).returncode != 0:
                        raise BenchmarkError(f"preparing {ready} failed:\n{done.stderr[-2000:]}")
                running = dbs.create(f"{kind}_running", template=f"{kind}_ready")
                if (done := cli("start", nxt, state=running)).returncode != 0:
                    raise BenchmarkError(f"preparing {running} failed:\n{done.stderr[-2000:]}")
                for command, template in (("start", f"{kind}_ready"), ("done", f"{kind}_running")):
                    walls, trips, connecting, connects = [], [], [], []
                    paired: list[float] = []
                    loads = [os.getloadavg()[0]]
                    for round_ in range(warmup + runs):
                        pair = (runbook,) if against is None else (runbook, against)
                        for which in pair if round_ % 2 else pair[::-1]:
                            uri = dbs.create("checkin", template=template)
                            via = uri.replace(f"@{address}/", f"@127.0.0.1:{link.port}/")
                            link.reset()
                            started = time.perf_counter()
                            done = cli(command, nxt, state=via, script=which)
                            wall = time.perf_counter() - started
                            if done.returncode != 0:
                                raise BenchmarkError(
                                    f"{which} {command} on PostgreSQL failed:\n"
                                    f"{done.stderr[-2000:]}"
                                )
                            if round_ < warmup:
                                continue
                            if which is not runbook:
                                paired.append(wall)
                                continue
                            walls.append(wall)
                            trips.append(link.round_trips)
                            connecting.append(link.connecting)
                            connects.append(link.connects)
                    loads.append(os.getloadavg()[0])
                    where = f"runbook {command} on PostgreSQL ({kind}, {CHECKIN_TASKS:,} tasks)"
                    most, median = max(trips), statistics.median(walls)
                    load = f"load average {min(loads):.2f}-{max(loads):.2f}"
                    if against:
                        print(
                            f"{where}: {median:.3f} s (min {min(walls):.3f} s); {against}, "
                            f"interleaved: {statistics.median(paired):.3f} s "
                            f"(min {min(paired):.3f} s); {load}",
                            flush=True,
                        )
                    found.append(
                        Check(
                            f"{where}: {most} round trips after connecting (connecting: "
                            f"{max(connects)} connection, {max(connecting)} round trips) "
                            f"(target <= {PG_MAX_ROUND_TRIPS})",
                            most,
                            PG_MAX_ROUND_TRIPS,
                            most <= PG_MAX_ROUND_TRIPS,
                        )
                    )
                    found.append(
                        Check(
                            f"{where}, over a link with a 30 ms round-trip time: "
                            f"{median:.3f} s (min {min(walls):.3f} s; {load}) "
                            f"(target <= {PG_LINK_MAX_S:g} s)",
                            median,
                            PG_LINK_MAX_S,
                            median <= PG_LINK_MAX_S,
                        )
                    )
        dbs.drop_all(
            ["checkin", *(f"{k}_{w}" for k in ("plain", "outside") for w in ("ready", "running"))]
        )
    return found


def completion_cases(runbook: Path, python: str, file: Path, workdir: Path) -> list[Case]:
    """A shell asking for task ids at TAB, as each shell's completion script asks, on a
    1,000-task runbook whose plan is cached in its state file (one task running). Target:
    at most 150 ms, whole process. Beside it: a bare interpreter, a minimal Typer app and
    the same request answered by Typer (the path every completion took before)."""
    state = workdir / "completion.state.db"
    done = subprocess.run(
        [str(runbook), "start", "t0000", "-f", str(file), "--state", str(state), "--by", "b"],
        capture_output=True,
        text=True,
        env=child_environment(),
        check=False,
    )
    if done.returncode != 0:
        raise BenchmarkError(f"preparing the completion state failed:\n{done.stderr[-2000:]}")
    line = f"runbook done -f {file} --state {state} t0"
    bash = (
        ("_RUNBOOK_COMPLETE", "complete_bash"),
        ("COMP_WORDS", line),
        ("COMP_CWORD", str(len(line.split()) - 1)),
    )
    zsh = (("_RUNBOOK_COMPLETE", "complete_zsh"), ("_TYPER_COMPLETE_ARGS", line))
    fish = (
        ("_RUNBOOK_COMPLETE", "complete_fish"),
        ("_TYPER_COMPLETE_ARGS", line),
        ("_TYPER_COMPLETE_FISH_ACTION", "get-args"),
    )
    argv = (str(runbook),)
    tasks = CHECKIN_TASKS
    return [
        Case("python -c pass", (python, "-c", "pass")),
        *(
            Case(f"completion, {shell}: done t0<TAB>", argv, tasks, env=env, max_s=COMPLETION_MAX_S)
            for shell, env in (("bash", bash), ("zsh", zsh), ("fish", fish))
        ),
        Case("completion, bash, by Typer (before)", (python, "-c", BY_TYPER), tasks, env=bash),
    ]


def _copy_state(source: Path, target: Path) -> None:
    """Copy a state database (it is checkpointed, so the main file is complete)."""
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)


def control_figures(runbook: Path, python: str, workdir: Path, runs: int) -> list[Check]:
    """Mission control on a 10,000-task weekend under way (``control_bench``: the runbook
    moved to have started eight hours ago, what was planned to finish by half an hour ago
    done): the first screen painted within 1 s of the process starting, an outside check-in
    painted within 0.3 s of its commit (the median of three per process), and one event
    redrawing only the cells that changed (here: at most 1% of the table). ``runs``
    processes; each undoes its check-ins."""
    from datetime import UTC, datetime

    from control_bench import prepare, shifted

    now = datetime.now(UTC)
    file = workdir / "control.yaml"
    file.write_text(shifted(generate(CONTROL_TASKS), now), encoding="utf-8")
    state = workdir / "control.state.db"
    prepare(file, str(state), now)
    env = child_environment()
    samples = []
    for _ in range(runs):
        done = subprocess.run(
            [python, str(TUI_BENCH), str(file), str(state), str(runbook), "--checkins", "3"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if done.returncode != 0:
            raise BenchmarkError(f"tui_bench.py failed:\n{done.stderr[-2000:]}")
        samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
    first = statistics.median(s["first_screen_s"] for s in samples)
    shown = statistics.median(p for s in samples for p in s["painted_s"])
    redrawn = max(s["cells_redrawn"] for s in samples)
    cells = samples[0]["cells"]
    where = f"runbook control at {CONTROL_TASKS:,} tasks"
    return [
        Check(
            f"{where}: first screen {first:.2f} s (target <= {CONTROL_FIRST_S:g} s)",
            first,
            CONTROL_FIRST_S,
            first <= CONTROL_FIRST_S,
        ),
        Check(
            f"{where}: outside check-in painted in {shown:.2f} s (target <= {CONTROL_SHOWN_S:g} s)",
            shown,
            CONTROL_SHOWN_S,
            shown <= CONTROL_SHOWN_S,
        ),
        Check(
            f"{where}: one event redrew {redrawn} of {cells:,} cells (target <= 1%)",
            redrawn,
            cells / 100,
            redrawn <= cells / 100,
        ),
    ]


def montecarlo_figures(python: str, repeat: int = 3) -> list[Check]:
    """The Monte Carlo simulation, timed in-process by ``montecarlo_bench.py``: 10,000 runs
    over a 10,000-task runbook with estimates within 3 s (median of ``repeat`` calls)."""
    done = subprocess.run(
        [
            python,
            str(MONTECARLO_BENCH),
            "--tasks",
            str(MONTECARLO_TASKS),
            "--runs",
            str(MONTECARLO_RUNS),
            "--repeat",
            str(repeat),
        ],
        capture_output=True,
        text=True,
        env=child_environment(),
        check=False,
    )
    if done.returncode != 0:
        raise BenchmarkError(f"montecarlo_bench.py failed:\n{done.stderr[-2000:]}")
    median = float(json.loads(done.stdout.strip().splitlines()[-1])["median_s"])
    return [
        Check(
            f"Monte Carlo, {MONTECARLO_RUNS:,} runs over {MONTECARLO_TASKS:,} tasks: "
            f"{median:.2f} s (target <= {MONTECARLO_MAX_S:g} s)",
            median,
            MONTECARLO_MAX_S,
            median <= MONTECARLO_MAX_S,
        ),
    ]


def plancache_figures(python: str) -> list[Check]:
    """``Plan.loads`` of the cached plan at 10,000 tasks, in-process (``plancache_bench.py``),
    on both kinds of runbook: under 10 ms. The check takes the fastest of 25 loads (a load
    is a few milliseconds: the median says more about the machine's other work)."""
    found = []
    for kind in ("plain", "terse"):
        done = subprocess.run(
            [python, str(PLANCACHE_BENCH), "--kind", kind],
            capture_output=True,
            text=True,
            env=child_environment(),
            check=False,
        )
        if done.returncode != 0:
            raise BenchmarkError(f"plancache_bench.py failed:\n{done.stderr[-2000:]}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        fastest, median = float(figures["load_min_ms"]), float(figures["load_ms"])
        found.append(
            Check(
                f"cached plan load at {figures['tasks']:,} tasks ({kind}): {fastest:.1f} ms "
                f"(median {median:.1f} ms; with the forecast's fields "
                f"{figures['load_forecast_fields_ms']:.1f} ms) "
                f"(target < {PLANCACHE_MAX_MS:.0f} ms)",
                fastest,
                PLANCACHE_MAX_MS,
                fastest < PLANCACHE_MAX_MS,
            )
        )
    return found


# --- Measuring ----------------------------------------------------------------------------


def run_once(case: Case, helper: Sequence[str], env: dict[str, str]) -> Run:
    """Run ``case`` once through ``measure.py``; raise if the command fails."""
    if case.prepare is not None:
        case.prepare()
    done = subprocess.run(
        [*helper, *case.argv],
        capture_output=True,
        text=True,
        env={**env, **dict(case.env)},
        check=False,
    )
    if done.returncode != 0:
        raise BenchmarkError(f"measure.py failed on {case.name}:\n{done.stderr.strip()}")
    figures = json.loads(done.stdout)
    if figures["exit_code"] != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-20:])
        raise BenchmarkError(f"{' '.join(case.argv)} exited with {figures['exit_code']}:\n{tail}")
    return Run(figures["wall_s"], figures["cpu_s"], figures["max_rss_bytes"])


def measure_all(
    cases: Sequence[Case], helper: Sequence[str], *, runs: int, warmup: int
) -> list[Result]:
    """Time every case ``runs`` times after ``warmup`` rounds, one case at a time per round."""
    env = child_environment()
    results = [Result(case) for case in cases]
    for round_ in range(warmup + runs):
        timed = round_ >= warmup
        label = f"run {round_ - warmup + 1}/{runs}" if timed else f"warm-up {round_ + 1}"
        print(f"  {label}", file=sys.stderr, flush=True)
        for result in results:
            run = run_once(result.case, helper, env)
            if timed:
                result.runs.append(run)
    return results


def sanity_check(runbook: Path, file: Path, size: int) -> None:
    """Fail early unless the runbook is valid and the plan lists every task.

    A synthetic runbook with warnings would time the warning printer, not the common path,
    so warnings are reported too.
    """
    validate = subprocess.run(
        [str(runbook), "validate", "--json", str(file)], capture_output=True, text=True
    )
    plan = subprocess.run(
        [str(runbook), "plan", "--json", str(file)], capture_output=True, text=True
    )
    for done in (validate, plan):
        if done.returncode != 0:
            raise BenchmarkError(f"{' '.join(done.args)} failed:\n{done.stderr.strip()}")
    report = json.loads(validate.stdout)
    tasks = len(json.loads(plan.stdout).get("tasks", []))
    if tasks != size:
        raise BenchmarkError(f"runbook plan --json listed {tasks} tasks, not {size}")
    if report.get("warnings"):
        print(f"note: {file.name} draws {report['warnings']} warnings", file=sys.stderr)


# --- Reporting ----------------------------------------------------------------------------


def ratio(result: Result, by_case: dict[Case, Result]) -> float | None:
    """Median wall time as a multiple of the baseline's, if the case has one."""
    if result.case.baseline is None:
        return None
    return result.median_s / by_case[result.case.baseline].median_s


def table(results: Sequence[Result]) -> str:
    """The figures as a Markdown table."""
    by_case = {r.case: r for r in results}
    lines = [
        "| command | tasks | median s | min s | × baseline | peak MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        x = ratio(r, by_case)
        tasks = f"{r.case.tasks:,}" if r.case.tasks is not None else "—"
        shown = f"{x:.2f}" if x is not None else "baseline"
        lines.append(
            f"| {r.case.name} | {tasks} | {r.median_s:.3f} | {r.min_s:.3f} | {shown} "
            f"| {r.peak_mb:.0f} |"
        )
    return "\n".join(lines)


def checks(results: Sequence[Result]) -> list[Check]:
    """Every target of every case, measured."""
    by_case = {r.case: r for r in results}
    found = []
    for r in results:
        case, where = r.case, f"{r.case.name} at {r.case.tasks or 0:,} tasks"
        x = ratio(r, by_case)
        if case.max_ratio is not None and case.baseline is not None and x is not None:
            found.append(
                Check(
                    f"{where}: {x:.2f}x {case.baseline.name} (target <= {case.max_ratio}x)",
                    x,
                    case.max_ratio,
                    x <= case.max_ratio,
                )
            )
        if case.max_s is not None:
            found.append(
                Check(
                    f"{where}: {r.median_s * 1000:.0f} ms (target <= {case.max_s * 1000:.0f} ms)",
                    r.median_s,
                    case.max_s,
                    r.median_s <= case.max_s,
                )
            )
        if case.max_peak_ratio is not None and case.baseline is not None:
            base = by_case[case.baseline].peak_mb
            found.append(
                Check(
                    f"{where}: peak {r.peak_mb:.0f} MB, {r.peak_mb / base:.2f}x the "
                    f"{case.baseline.name} peak of {base:.0f} MB "
                    f"(target <= {case.max_peak_ratio}x)",
                    r.peak_mb / base,
                    case.max_peak_ratio,
                    r.peak_mb <= case.max_peak_ratio * base,
                )
            )
        if case.max_peak_mb is not None:
            found.append(
                Check(
                    f"{where}: peak {r.peak_mb:.0f} MB (target < {case.max_peak_mb:.0f} MB)",
                    r.peak_mb,
                    case.max_peak_mb,
                    r.peak_mb < case.max_peak_mb,
                )
            )
    return found


def environment(runbook: Path, python: str, runs: int, warmup: int) -> dict[str, object]:
    """Where and how the figures were taken."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "interpreter": python,
        "runbook": str(runbook),
        "runs": runs,
        "warmup": warmup,
    }


def as_json(results: Sequence[Result], found: Sequence[Check], env: dict[str, object]) -> str:
    """The raw figures, every run, and the checks, as JSON."""
    by_case = {r.case: r for r in results}
    return json.dumps(
        {
            "environment": env,
            "results": [
                {
                    "name": r.case.name,
                    "tasks": r.case.tasks,
                    "argv": list(r.case.argv),
                    "baseline": r.case.baseline.name if r.case.baseline else None,
                    "median_s": r.median_s,
                    "min_s": r.min_s,
                    "ratio": ratio(r, by_case),
                    "peak_mb": r.peak_mb,
                    "wall_s": [run.wall_s for run in r.runs],
                    "cpu_s": [run.cpu_s for run in r.runs],
                    "max_rss_bytes": [run.max_rss_bytes for run in r.runs],
                }
                for r in results
            ],
            "checks": [
                {
                    "description": c.description,
                    "measured": c.measured,
                    "limit": c.limit,
                    "passed": c.passed,
                }
                for c in found
            ],
        },
        indent=2,
    )


# --- Command line -------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES),
        metavar="N",
        help="task counts of the synthetic runbooks (default: 1000 10000 50000)",
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument("--json", metavar="FILE", help="also write the raw figures to FILE")
    parser.add_argument("--runbook", help="the runbook console script (default: found)")
    parser.add_argument(
        "--checkin-only",
        action="store_true",
        help="only the check-in commands (no validate/plan, dashboard or Monte Carlo)",
    )
    parser.add_argument(
        "--status-only",
        action="store_true",
        help="only runbook status at 1,000 and 10,000 tasks (and the minimal Typer app)",
    )
    parser.add_argument(
        "--plan-only",
        action="store_true",
        help="only validate and plan --json beside the parse floor, at --sizes, on the three "
        "kinds of runbook (issue 28 §4)",
    )
    parser.add_argument(
        "--commands-only",
        action="store_true",
        help="only plan (table, what-if, json with a weekend), export ics and status at 1,000, "
        "5,000 and 10,000 tasks, plain and outside runbooks (issue 28 §3)",
    )
    parser.add_argument(
        "--pg-only",
        action="store_true",
        help="only a check-in on PostgreSQL: its round trips, and its time over a link with "
        "a 30 ms round-trip time (issue 28 §5; starts a throwaway cluster)",
    )
    parser.add_argument(
        "--against",
        metavar="RUNBOOK",
        help="with --pg-only: another install's runbook script (main's, say), run beside the "
        "measured one in every round; its figures printed beside, paired (no target)",
    )
    parser.add_argument(
        "--completion-only",
        action="store_true",
        help="only a shell's completion of task ids, beside a bare interpreter and Typer",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0 or any(n < 1 for n in args.sizes):
        parser.error("--runs and sizes must be at least 1, --warmup at least 0")
    if args.against and not args.pg_only:
        parser.error("--against goes with --pg-only")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print the table and the checks; 1 when a target is missed."""
    args = parse_args(argv)
    try:
        runbook = find_runbook(args.runbook)
        python = script_interpreter(runbook)
        helper = (python, "-S", str(MEASURE))
        with tempfile.TemporaryDirectory(prefix="runbook-bench-") as tmp:
            workdir = Path(tmp)
            if args.commands_only:
                results = measure_all(
                    command_cases(runbook, python, workdir),
                    helper,
                    runs=args.runs,
                    warmup=args.warmup,
                )
                env = environment(runbook, python, args.runs, args.warmup)
                print(table(results), flush=True)
                return report(checks(results) + per_task_figures(results), results, env, args)
            if args.pg_only:
                against = Path(args.against) if args.against else None
                found = pg_checkin_figures(runbook, workdir, args.runs, args.warmup, against)
                env = environment(runbook, python, args.runs, args.warmup)
                return report(found, [], env, args)
            if args.plan_only:
                cases = []
                for kind in ("plain", "terse", "outside"):
                    for size, file in write_runbooks(
                        sorted(set(args.sizes)), workdir, kind
                    ).items():
                        sanity_check(runbook, file, size)
                        cases += runbook_cases(size, file, runbook, python, kind)
                results = measure_all(cases, helper, runs=args.runs, warmup=args.warmup)
                env = environment(runbook, python, args.runs, args.warmup)
                print(table(results), flush=True)
                return report(checks(results), results, env, args)
            only = args.checkin_only or args.completion_only or args.status_only
            sizes = [1_000] if only else sorted(set(args.sizes))
            files = write_runbooks(sizes, workdir)
            cases: list[Case] = []
            for size, file in files.items():
                if only:
                    break
                sanity_check(runbook, file, size)
                cases += runbook_cases(size, file, runbook, python)
            if not only:
                for kind in ("terse", "outside"):
                    other = write_runbooks(sorted(set(args.sizes)), workdir, kind)
                    for size, file in other.items():
                        sanity_check(runbook, file, size)
                        cases += runbook_cases(size, file, runbook, python, kind)
            typer = typer_baseline(python)
            cases.append(typer)
            # The check-in commands use a 1,000-task runbook of their own.
            checkin_file = files.get(1_000) or write_runbooks([1_000], workdir)[1_000]
            if args.status_only:
                checkins = status_scale_cases(runbook, checkin_file, workdir, typer)
            elif args.completion_only:
                checkins = []
            else:
                checkins = checkin_cases(runbook, checkin_file, workdir, typer)
                outside = write_runbooks([CHECKIN_TASKS], workdir, "outside")[CHECKIN_TASKS]
                checkins += checkin_cases(runbook, outside, workdir, typer, "outside")
            cases += checkins
            if not only:
                status_1k = next(c for c in checkins if c.name == "runbook status")
                cases += status_cases(runbook, workdir, status_1k)
                cases += command_cases(runbook, python, workdir)
                cases += terse_status_cases(runbook, workdir, typer)
                cases += readiness_cases(runbook, python, workdir)
            if not args.checkin_only and not args.status_only:
                cases += completion_cases(runbook, python, checkin_file, workdir)
            results = measure_all(cases, helper, runs=args.runs, warmup=args.warmup)
            env = environment(runbook, python, args.runs, args.warmup)
            # The table first: the in-process figures below take minutes of their own.
            print(
                f"Python {env['python']} on {env['platform']}, {env['cpus']} CPUs; "
                f"median and min of {args.runs} runs after {args.warmup} warm-up\n"
            )
            print(table(results), flush=True)
            control, montecarlo, plancache, pg = [], [], [], []
            if not args.status_only and not args.completion_only:
                pg = pg_checkin_figures(runbook, workdir, args.runs, args.warmup)
            if not only:
                control = control_figures(runbook, python, workdir, runs=3)
                montecarlo = montecarlo_figures(python)
                plancache = plancache_figures(python)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    found = checks(results) + per_task_figures(results) + control + montecarlo + plancache + pg
    return report(found, results, env, args)


def report(
    found: Sequence[Check], results: Sequence[Result], env: dict[str, object], args: Any
) -> int:
    """Print every check, write the JSON when asked; 1 when a target is missed."""
    print()
    for check in found:
        print(f"{'PASS' if check.passed else 'FAIL'}  {check.description}")
    if not found:
        print("(no targets at these sizes; they are set at 10,000 and 50,000 tasks)")
    if args.json:
        Path(args.json).write_text(as_json(results, found, env) + "\n", encoding="utf-8")
    return 0 if all(c.passed for c in found) else 1


if __name__ == "__main__":
    raise SystemExit(main())
