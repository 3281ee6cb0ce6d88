"""Time runbook on a PostgreSQL state beside SQLite: a check-in, the dashboard, fifty writers.

Cases and their targets (issue 11):

* ``runbook start`` and ``runbook done`` as whole processes on a 1,000-task runbook with 600
  events, against PostgreSQL on local TCP: at most 2x the same command on an SQLite state
  file. Both are prepared once (the first 300 tasks started and done) and restored before
  every run: the SQLite file copied, the database created again from a template.
* the dashboard (``tui_bench.py``, run.py's ``CONTROL_TASKS``: 10,000 tasks, a weekend under
  way): a ``runbook start`` from another process painted within 0.3 s of its commit; once by
  LISTEN, once polling (``RUNBOOK_PG_LISTEN=0``), the median of 9 check-ins.
* fifty processes checking in at once, 20 notes each, each its own connection (opened
  before the clock starts): events per second, on PostgreSQL and on SQLite. No target.

Without ``--uri`` it starts a throwaway cluster on 127.0.0.1 (``initdb``; as the
``postgres`` user when run as root) with PostgreSQL's own durability settings (fsync on), so
both stores commit to disk. With ``--uri`` (a superuser's, to a maintenance database) it
creates and drops its ``runbook_bench_*`` databases there.

Usage: ``.venv/bin/python benchmarks/pg_bench.py [--runs 7] [--uri URI] [--json FILE]``;
exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import multiprocessing
import os
import pwd
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from run import (
    CHECKIN_DONE,
    CHECKIN_TASKS,
    CONTROL_TASKS,
    MEASURE,
    TUI_BENCH,
    BenchmarkError,
    Case,
    Check,
    _copy_state,
    child_environment,
    environment,
    find_runbook,
    measure_all,
    script_interpreter,
    table,
    write_runbooks,
)

PG_MAX_RATIO = 2.0  # a check-in on PostgreSQL, against the same on SQLite
SHOWN_MAX_S = 0.3  # an outside check-in painted on the dashboard (issue 28)
WRITERS, PER_WRITER = 50, 20
PREFIX = "runbook_bench_"


# --- A throwaway cluster (as tests/pg.py starts one, but durable) --------------------------


def _binaries() -> Path:
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        raise BenchmarkError("initdb not found: apt-get install postgresql, or give --uri")
    return Path(candidates[-1]).parent


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """A cluster for the benchmark's lifetime; the URI of its maintenance database."""
    bin_dir = _binaries()
    as_root = os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    user = "postgres" if as_root else pwd.getpwuid(os.geteuid()).pw_name
    base = Path(tempfile.mkdtemp(prefix="runbook-pgbench-", dir="/var/tmp" if as_root else None))
    if as_root:
        pg = pwd.getpwnam("postgres")
        os.chown(base, pg.pw_uid, pg.pw_gid)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])

    def run(*args: str) -> None:
        subprocess.run(
            [*run_as, *args],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=base,
            timeout=120,
        )

    data = base / "data"
    try:
        run("mkdir", str(base / "sock"))
        run(str(bin_dir / "initdb"), "-A", "trust", "-U", user, "-D", str(data))
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {base / 'sock'} -c max_connections=200"
        )
        run(
            str(bin_dir / "pg_ctl"),
            *("-D", str(data), "-l", str(base / "log"), "-o", options, "-w", "-s", "start"),
        )
        yield f"postgresql://{user}@127.0.0.1:{port}/postgres"
    except subprocess.CalledProcessError as exc:
        raise BenchmarkError(f"the cluster did not start: {exc.stderr!r}") from None
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-s", "stop"],
            check=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=base,
        )
        shutil.rmtree(base, ignore_errors=True)


class Databases:
    """Databases of the benchmark on one server, made and dropped by its superuser."""

    def __init__(self, admin_uri: str) -> None:
        self.admin_uri = admin_uri

    def uri(self, name: str) -> str:
        return self.admin_uri.rsplit("/", 1)[0] + f"/{PREFIX}{name}"

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_uri, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def create(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of ``template`` when given); its URI."""
        copy = f' TEMPLATE "{PREFIX}{template}"' if template else ""
        self._admin(
            f'DROP DATABASE IF EXISTS "{PREFIX}{name}" WITH (FORCE)',
            f'CREATE DATABASE "{PREFIX}{name}"{copy}',
        )
        return self.uri(name)

    def drop_all(self, names: Sequence[str]) -> None:
        self._admin(*(f'DROP DATABASE IF EXISTS "{PREFIX}{n}" WITH (FORCE)' for n in names))


# --- A check-in, on both stores --------------------------------------------------------------


def checkin_cases(runbook: Path, file: Path, workdir: Path, dbs: Databases) -> list[Case]:
    """``start`` and ``done`` on SQLite (the baseline) and on PostgreSQL, each restored to
    the prepared weekend before every run."""
    width = len(str(CHECKIN_TASKS))
    ids = [f"t{i:0{width}d}" for i in range(CHECKIN_DONE)]
    nxt = f"t{CHECKIN_DONE:0{width}d}"
    common = ("-f", str(file), "--by", "bench")

    def cli(*args: str, state: str) -> None:
        done = subprocess.run(
            [str(runbook), *args, *common, "--state", state],
            capture_output=True,
            text=True,
            env=child_environment(),
            check=False,
        )
        if done.returncode != 0:
            raise BenchmarkError(f"preparing {state} failed:\n{done.stderr[-2000:]}")

    ready, running = workdir / "ready.state.db", workdir / "running.state.db"
    state = workdir / "checkin.state.db"
    pg_ready = dbs.create("ready")
    for target in (str(ready), pg_ready):
        cli("start", *ids, "--force", state=target)
        cli("done", *ids, "--force", state=target)
    _copy_state(ready, running)
    cli("start", nxt, state=str(running))
    pg_running = dbs.create("running", template="ready")
    cli("start", nxt, state=pg_running)
    pg_state = dbs.uri("checkin")

    def restore_ready() -> None:
        dbs.create("checkin", template="ready")

    def restore_running() -> None:
        dbs.create("checkin", template="running")

    argv = (str(runbook),)
    sqlite_start = Case(
        "runbook start (SQLite)",
        (*argv, "start", nxt, *common, "--state", str(state)),
        CHECKIN_TASKS,
        prepare=lambda: _copy_state(ready, state),
    )
    sqlite_done = Case(
        "runbook done (SQLite)",
        (*argv, "done", nxt, *common, "--state", str(state)),
        CHECKIN_TASKS,
        prepare=lambda: _copy_state(running, state),
    )
    return [
        sqlite_start,
        Case(
            "runbook start (PostgreSQL, local TCP)",
            (*argv, "start", nxt, *common, "--state", pg_state),
            CHECKIN_TASKS,
            sqlite_start,
            max_ratio=PG_MAX_RATIO,
            prepare=restore_ready,
        ),
        sqlite_done,
        Case(
            "runbook done (PostgreSQL, local TCP)",
            (*argv, "done", nxt, *common, "--state", pg_state),
            CHECKIN_TASKS,
            sqlite_done,
            max_ratio=PG_MAX_RATIO,
            prepare=restore_running,
        ),
    ]


# --- The dashboard ----------------------------------------------------------------------------


def dashboard_figures(runbook: Path, python: str, workdir: Path, dbs: Databases) -> list[Check]:
    """An outside check-in painted on the dashboard (``CONTROL_TASKS``, a weekend under way
    as ``control_bench`` prepares it), by LISTEN and by polling: the median of three
    check-ins in each of 3 processes (each undoes its check-ins)."""
    from datetime import UTC, datetime

    from control_bench import prepare, shifted
    from generate import generate

    now = datetime.now(UTC)
    file = workdir / "control.yaml"
    file.write_text(shifted(generate(CONTROL_TASKS), now), encoding="utf-8")
    state = dbs.create("control")
    prepare(file, state, now)
    env = child_environment()
    found = []
    for how, listen in (("LISTEN", "1"), ("polling (RUNBOOK_PG_LISTEN=0)", "0")):
        samples = []
        for _ in range(3):
            done = subprocess.run(
                [python, str(TUI_BENCH), str(file), state, str(runbook), "--checkins", "3"],
                capture_output=True,
                text=True,
                env={**env, "RUNBOOK_PG_LISTEN": listen},
                check=False,
            )
            if done.returncode != 0:
                raise BenchmarkError(f"tui_bench.py failed:\n{done.stderr[-2000:]}")
            samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
        shown = statistics.median(p for s in samples for p in s["painted_s"])
        first = statistics.median(s["first_screen_s"] for s in samples)
        where = f"runbook control on PostgreSQL at {CONTROL_TASKS:,} tasks, {how}"
        limit = SHOWN_MAX_S if listen == "1" else 1.0 + SHOWN_MAX_S
        found.append(
            Check(
                f"{where}: outside check-in painted in {shown:.2f} s (target <= {limit} s); "
                f"first screen {first:.2f} s",
                shown,
                limit,
                shown <= limit,
            )
        )
    return found


def heard_figures(state: str, samples: int = 20) -> Check:
    """The store's part of that, in-process: from a check-in's commit on one connection to a
    follower's ``change_token`` moving (polled every 5 ms), by LISTEN; median of ``samples``.
    The rest of the dashboard's figure is its poll interval (0.25 s) and the redraw."""
    from runbook.store import open_store
    from runbook.weekend.events import EventKind, NewEvent

    writer, follower = open_store(state), open_store(state)
    assert writer is not None and follower is not None
    follower.follow()
    delays = []
    try:
        for n in range(samples):
            before = follower.change_token()
            with writer.write():
                moment = int(time.time())
                writer.append(
                    NewEvent(moment, "t0000", EventKind.NOTE, "bench", "bench", f"n{n}"),
                    recorded=moment,
                )
            committed = time.perf_counter()
            while follower.change_token() == before:
                if time.perf_counter() - committed > 5:
                    raise BenchmarkError("the follower never heard of the check-in")
                time.sleep(0.005)
            delays.append(time.perf_counter() - committed)
    finally:
        writer.close()
        follower.close()
    heard = statistics.median(delays)
    return Check(
        f"a follower on PostgreSQL heard of a commit by LISTEN in {heard * 1000:.0f} ms "
        f"(median of {samples}; max {max(delays) * 1000:.0f} ms)",
        heard,
        SHOWN_MAX_S,
        heard <= SHOWN_MAX_S,
    )


# --- Fifty writers ----------------------------------------------------------------------------


def _writer(runbook: str, state: str, name: str, ready: Any, go: Any) -> None:
    """One machine: its own process and connection; 20 notes as fast as it can."""
    from runbook.usecases import Weekend

    with Weekend.open(runbook, state, create=True) as weekend:
        ready.release()
        go.wait(120)
        for n in range(PER_WRITER):
            result = weekend.record("note", ["t0000"], actor=name, host=name, note=str(n))
            if result.refused:
                raise SystemExit(f"refused: {result.refused}")
    os._exit(0)


def throughput(file: Path, state: str) -> float:
    """Events per second of fifty processes checking in at once (connections already open)."""
    from runbook.usecases import Weekend

    with Weekend.open(file, state, create=True):
        pass  # the schema and the plan before the race
    context = multiprocessing.get_context("fork")
    ready, go = context.Semaphore(0), context.Event()
    procs = [
        context.Process(target=_writer, args=(str(file), state, f"w{n}", ready, go))
        for n in range(WRITERS)
    ]
    for proc in procs:
        proc.start()
    for _ in procs:
        if not ready.acquire(timeout=120):
            raise BenchmarkError("the writers did not get ready")
    began = time.perf_counter()
    go.set()
    for proc in procs:
        proc.join(120)
    elapsed = time.perf_counter() - began
    if any(p.exitcode != 0 for p in procs):
        raise BenchmarkError("a writer failed")
    with Weekend.open(file, state) as weekend:
        notes = sum(1 for e in weekend.events() if e.kind == "note")
    if notes != WRITERS * PER_WRITER:
        raise BenchmarkError(f"{notes} of {WRITERS * PER_WRITER} notes recorded")
    return notes / elapsed


# --- Main -------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument("--uri", help="a superuser's URI to a server to use (default: start one)")
    parser.add_argument("--runbook", help="the runbook console script (default: found)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print the table and the checks; 1 when a target is missed."""
    args = parse_args(argv)
    try:
        runbook = find_runbook(args.runbook)
        python = script_interpreter(runbook)
        helper = (python, "-S", str(MEASURE))
        server = contextlib.nullcontext(args.uri) if args.uri else cluster()
        with tempfile.TemporaryDirectory(prefix="runbook-pgbench-") as tmp, server as admin:
            workdir = Path(tmp)
            dbs = Databases(admin)
            try:
                file = write_runbooks([CHECKIN_TASKS], workdir)[CHECKIN_TASKS]
                cases = checkin_cases(runbook, file, workdir, dbs)
                results = measure_all(cases, helper, runs=args.runs, warmup=args.warmup)
                print("  the dashboard", file=sys.stderr, flush=True)
                found = dashboard_figures(runbook, python, workdir, dbs)
                found.append(heard_figures(dbs.uri("control")))
                print("  fifty writers", file=sys.stderr, flush=True)
                rates = {
                    "PostgreSQL": throughput(file, dbs.create("writers")),
                    "SQLite": throughput(file, str(workdir / "writers.state.db")),
                }
            finally:
                dbs.drop_all(["ready", "running", "checkin", "control", "writers"])
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    env = environment(runbook, python, args.runs, args.warmup)
    by_case = {r.case: r for r in results}
    for r in results:
        base = r.case.baseline
        if base is not None and r.case.max_ratio is not None:
            x = r.median_s / by_case[base].median_s
            found.insert(
                0,
                Check(
                    f"{r.case.name}: {x:.2f}x {base.name} (target <= {r.case.max_ratio}x)",
                    x,
                    r.case.max_ratio,
                    x <= r.case.max_ratio,
                ),
            )
    print(
        f"Python {env['python']} on {env['platform']}, {env['cpus']} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}; median and min of {args.runs} runs\n"
    )
    print(table(results))
    print()
    for check in found:
        print(f"{'PASS' if check.passed else 'FAIL'}  {check.description}")
    for store, rate in rates.items():
        print(f"INFO  {WRITERS} writers x {PER_WRITER} check-ins on {store}: {rate:,.0f} events/s")
    if args.json:
        figures = {
            "environment": env,
            "cases": {r.case.name: [run.wall_s for run in r.runs] for r in results},
            "checks": [{"check": c.description, "passed": c.passed} for c in found],
            "events_per_second": rates,
        }
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if all(c.passed for c in found) else 1


if __name__ == "__main__":
    raise SystemExit(main())
