"""Every face of a played weekend, written to a folder: diff two folders to see what a change
did to what people read.

    python tests/faces_snapshot.py OUT                  # this checkout
    python tests/faces_snapshot.py --source ../main OUT # another checkout, same interpreter
    diff -r OUT-main OUT-branch                         # a refactoring shows nothing

It plays examples/cloud-migration-weekend.yaml through the command line at fixed ``--at``
moments (a failure and a resume, an eta, an estimate, pulls, a drop, a GO and a NO-GO, a
close), every recording command's answer kept in ``transcript.txt``; then, at several
``--now`` moments, renders what each face shows: status (text at 80 and 120 columns, in colour
at 160, the team view, JSON, the HTML status page), plan (table, Gantt, team, CSV, JSON, a
what-if as text and JSON), review and readiness (Markdown, HTML, JSON, CSV), recover, pull,
log, the calendar, the notifications due, and the dashboard (SVG screenshots at 80x24 and
160x50, with its what-if and recovery dialogs). Nothing depends on the real clock: every
command runs with ``RUNBOOK_NOW``, ``--by`` and a fixed seed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
DAY = {"fri": "2026-12-04", "sat": "2026-12-05", "sun": "2026-12-06", "mon": "2026-12-07"}


def moment(text: str) -> str:
    """``fri 08:30`` as an ISO time in the example's zone (December: +01:00)."""
    day, hhmm = text.split()
    return f"{DAY[day]}T{hhmm}+01:00"


# (when, by, command words): the weekend as it is played.
PLAY: list[tuple[str, str, list[str]]] = [
    ("fri 06:00", "ingrid", ["start", "fri-bridge-open"]),
    ("fri 06:30", "ingrid", ["done", "fri-bridge-open"]),
    ("fri 06:30", "ingrid", ["start", "freeze-changes"]),
    ("fri 07:05", "ingrid", ["done", "freeze-changes"]),
    (
        "fri 07:05",
        "ingrid",
        [
            "start",
            "oldsup-handover-package",
            "id-sync-health",
            "cloud-landing-zone-check",
            "dba-precheck",
            "sd-briefing",
            "apps-downtime-check",
            "sec-soc-monitoring",
        ],
    ),
    ("fri 07:30", "jeroen", ["estimate", "dev-staging-check", "3h", "--reason", "two depots"]),
    ("fri 08:00", "marloes", ["start", "comms-fri-staff-notice"]),
    ("fri 08:10", "pieter", ["done", "id-sync-health"]),
    ("fri 08:10", "pieter", ["start", "id-intune-policies"]),
    ("fri 08:20", "marloes", ["done", "comms-fri-staff-notice"]),
    ("fri 08:30", "anouk", ["fail", "cloud-landing-zone-check", "--reason", "quota pending"]),
    ("fri 08:40", "yusuf", ["done", "sec-soc-monitoring"]),
    ("fri 08:40", "fatima", ["done", "apps-downtime-check"]),
    ("fri 08:45", "anouk", ["note", "cloud-landing-zone-check", "vendor ticket 4711"]),
    ("fri 09:00", "henk", ["eta", "oldsup-handover-package", "10:45", "--reason", "vault"]),
    ("fri 09:05", "ruud", ["done", "dba-precheck"]),
    ("fri 09:10", "bram", ["done", "sd-briefing"]),
    ("fri 09:10", "bram", ["start", "sd-known-errors"]),
    ("fri 09:20", "anouk", ["start", "cloud-landing-zone-check"]),
    ("fri 09:40", "pieter", ["done", "id-intune-policies"]),
    ("fri 09:45", "jeroen", ["start", "dev-staging-check"]),
    ("fri 10:10", "anouk", ["done", "cloud-landing-zone-check"]),
    (
        "fri 10:10",
        "anouk",
        [
            "start",
            "cloud-backup-vault",
            "cloud-pacs-presync-check",
            "net-connectivity-test",
            "ehr-target-check",
        ],
    ),
    ("fri 10:40", "bram", ["done", "sd-known-errors"]),
    ("fri 10:50", "henk", ["done", "oldsup-handover-package"]),
    ("fri 10:50", "yusuf", ["start", "sec-handover-review"]),
    ("fri 11:10", "anouk", ["done", "cloud-pacs-presync-check"]),
    ("fri 11:40", "lotte", ["done", "ehr-target-check"]),
    ("fri 11:45", "anouk", ["done", "cloud-backup-vault"]),
    ("fri 11:50", "sanne", ["done", "net-connectivity-test"]),
    ("fri 11:50", "sanne", ["start", "net-firewall-stage"]),
    ("fri 12:45", "jeroen", ["done", "dev-staging-check"]),
    ("fri 12:45", "jeroen", ["start", "dev-pilot-laptops"]),
    ("fri 12:50", "yusuf", ["done", "sec-handover-review"]),
    ("fri 13:50", "sanne", ["done", "net-firewall-stage"]),
    ("fri 14:50", "jeroen", ["done", "dev-pilot-laptops"]),
    # gonogo-1 decides in two stages (issue 22): the project team, then the committee, both.
    (
        "fri 15:00",
        "director",
        [
            "decide",
            "gonogo-1",
            "go",
            "--stage",
            "project-team",
            "--by",
            "Ingrid de Vries",
            "--note",
            "all green",
        ],
    ),
    (
        "fri 15:00",
        "director",
        ["decide", "gonogo-1", "go", "--stage", "steering-committee", "--by", "CIO"],
    ),
    (
        "fri 15:00",
        "director",
        ["decide", "gonogo-1", "go", "--stage", "steering-committee", "--by", "CMIO"],
    ),
    ("fri 15:00", "ingrid", ["done", "gonogo-1"]),
    ("fri 15:05", "ingrid", ["pull", "cloud-mailbox-delta", "--to", "16:00", "--reason", "early"]),
    ("fri 15:05", "ingrid", ["pull", "ehr-downtime-reports"]),
    ("fri 15:10", "lotte", ["start", "ehr-downtime-reports"]),
    ("fri 16:00", "anouk", ["start", "cloud-mailbox-delta"]),
    ("fri 16:10", "lotte", ["done", "ehr-downtime-reports"]),
    ("fri 17:30", "marloes", ["start", "comms-downtime-start"]),
    ("fri 18:00", "marloes", ["done", "comms-downtime-start"]),
    ("fri 18:00", "fatima", ["start", "hl7-stop-inbound", "apps-stop-business"]),
    ("fri 18:30", "fatima", ["done", "hl7-stop-inbound"]),
    ("fri 18:30", "fatima", ["start", "hl7-drain"]),
    ("fri 18:45", "fatima", ["done", "apps-stop-business"]),
    ("fri 18:45", "anouk", ["start", "cloud-fileshares-sync"]),
    ("fri 19:00", "anouk", ["done", "cloud-mailbox-delta"]),
    ("fri 19:00", "anouk", ["start", "cloud-mailbox-verify"]),
    ("fri 19:20", "fatima", ["done", "hl7-drain"]),
    ("fri 19:20", "lotte", ["start", "ehr-stop"]),
    ("fri 19:20", "fatima", ["start", "apps-stop-clinical"]),
    ("fri 19:45", "anouk", ["done", "cloud-mailbox-verify"]),
    ("fri 19:50", "lotte", ["done", "ehr-stop"]),
    ("fri 20:05", "fatima", ["done", "apps-stop-clinical"]),
    ("fri 20:05", "ruud", ["start", "dba-final-backup"]),
    ("fri 20:05", "anouk", ["start", "cloud-pacs-delta"]),
    ("fri 20:30", "ruud", ["eta", "dba-final-backup", "22:45", "--reason", "slow tape"]),
    ("fri 21:45", "anouk", ["done", "cloud-fileshares-sync"]),
    ("fri 21:45", "anouk", ["start", "cloud-fileshares-verify"]),
    ("fri 22:40", "anouk", ["done", "cloud-fileshares-verify"]),
    ("fri 22:45", "ruud", ["done", "dba-final-backup"]),
    ("fri 22:45", "henk", ["start", "oldsup-backup-verify"]),
    ("fri 23:00", "ingrid", ["start", "pmo-fri-status"]),
    ("fri 23:30", "ingrid", ["done", "pmo-fri-status"]),
    ("fri 23:50", "henk", ["done", "oldsup-backup-verify"]),
    ("fri 23:50", "ruud", ["start", "dba-export-ehr", "dba-export-other"]),
    ("sat 00:05", "anouk", ["done", "cloud-pacs-delta"]),
    ("sat 00:05", "fatima", ["start", "apps-pacs-verify"]),
    ("sat 01:00", "fatima", ["done", "apps-pacs-verify"]),
    ("sat 02:20", "ruud", ["done", "dba-export-other"]),
    ("sat 02:20", "anouk", ["start", "cloud-transfer-other"]),
    ("sat 03:50", "anouk", ["done", "cloud-transfer-other"]),
    ("sat 03:50", "ruud", ["done", "dba-export-ehr"]),
    ("sat 03:50", "anouk", ["start", "cloud-transfer-ehr"]),
    ("sat 07:00", "anouk", ["done", "cloud-transfer-ehr"]),
    ("sat 07:00", "jeroen", ["start", "dev-dispatch"]),
    ("sat 07:00", "ruud", ["start", "dba-checksum-transfer"]),
    ("sat 07:50", "ruud", ["done", "dba-checksum-transfer"]),
    ("sat 07:50", "ruud", ["start", "dba-import-ehr", "dba-import-other"]),
    ("sat 08:00", "jeroen", ["done", "dev-dispatch"]),
    (
        "sat 08:00",
        "jeroen",
        ["start", "dev-rollout-outpatient-leiden", "dev-rollout-outpatient-alphen"],
    ),
    ("sat 10:50", "ruud", ["done", "dba-import-other"]),
    ("sat 10:50", "ruud", ["start", "dba-rowcount-other"]),
    ("sat 11:00", "jeroen", ["done", "dev-rollout-outpatient-alphen"]),
    ("sat 11:10", "jeroen", ["start", "dev-rollout-diagnostics"]),
    ("sat 11:50", "ruud", ["done", "dba-rowcount-other"]),
    ("sat 12:00", "ruud", ["eta", "dba-import-ehr", "16:30", "--reason", "biggest table last"]),
    ("sat 12:30", "piet", ["fail", "dev-rollout-diagnostics", "--reason", "certificate chain"]),
    ("sat 12:40", "jeroen", ["done", "dev-rollout-outpatient-leiden"]),
    ("sat 13:00", "ingrid", ["drop", "dev-rollout-offices", "--reason", "behind plan"]),
    ("sat 13:05", "jeroen", ["estimate", "oldsup-collect-sat", "3h"]),
    ("sat 16:30", "ruud", ["done", "dba-import-ehr"]),
    ("sat 16:30", "ruud", ["start", "dba-ehr-indexes"]),
    ("sat 18:00", "ruud", ["done", "dba-ehr-indexes"]),
    ("sat 18:00", "ruud", ["start", "dba-rowcount-ehr"]),
    ("sat 19:00", "ruud", ["done", "dba-rowcount-ehr"]),
    ("sat 19:00", "lotte", ["start", "ehr-data-integrity"]),
    ("sat 20:40", "lotte", ["done", "ehr-data-integrity"]),
    (
        "sat 20:45",
        "director",
        ["decide", "gonogo-2", "no-go", "--by", "CIO", "--note", "14 open orders"],
    ),
    (
        "sat 21:30",
        "director",
        ["decide", "gonogo-2", "go", "--by", "CIO", "--note", "orders restored"],
    ),
    ("sat 21:30", "ingrid", ["done", "gonogo-2"]),
    ("sat 21:30", "sanne", ["start", "net-dns-cutover"]),
    ("sat 21:30", "pieter", ["start", "id-federation"]),
    ("sat 22:30", "pieter", ["eta", "id-federation", moment("sun 06:00"), "--reason", "tenants"]),
    ("sat 22:40", "sanne", ["done", "net-dns-cutover"]),
    ("sat 23:00", "ingrid", ["close", "--reason", "played this far"]),
]

# The moments every face is rendered at (the last one after the close).
MOMENTS = [
    "fri 07:45",
    "fri 12:00",
    "fri 15:30",
    "fri 21:00",
    "sat 09:00",
    "sat 13:30",
    "sat 21:00",
    "sat 22:50",
    "mon 08:00",
]

# A what-if for each moment, in the grammar of ``plan --what-if`` (one each, or several).
WHAT_IFS: dict[str, list[str]] = {
    "fri 07:45": ["oldsup-handover-package+2h", "dev-pilot-laptops estimate 3h"],
    "fri 12:00": ["net-firewall-stage eta 15:30"],
    "fri 15:30": ["cloud-mailbox-delta+1h", "comms-downtime-start pull"],
    "fri 21:00": ["dba-final-backup+4h"],
    "sat 09:00": ["dba-import-ehr+3h", "uat-lab estimate 30m"],
    "sat 13:30": ["dba-import-ehr -1h", "uat-lab pull"],
    "sat 21:00": ["uat-ehr estimate 2h"],
    "sat 22:50": ["id-federation -4h", "uat-ehr estimate 3h"],
    "mon 08:00": [],
}


def run(
    source: Path, args: list[str], *, now: str, columns: int = 120, colour: bool = False
) -> tuple[int, str, str]:
    """``runbook ARGS`` from ``source`` at ``now``: exit code, stdout, stderr."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RUNBOOK_", "FORCE_COLOR", "NO_COLOR"))
    }
    env.update(
        PYTHONPATH=str(source),
        RUNBOOK_NOW=now,
        RUNBOOK_USER="faces",
        COLUMNS=str(columns),
        LINES="50",
        TZ="UTC",
        LC_ALL="C.UTF-8",
        PYTHONIOENCODING="utf-8",
    )
    env["FORCE_COLOR" if colour else "NO_COLOR"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "runbook", *args],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    return done.returncode, done.stdout, done.stderr


def play(source: Path, runbook: Path, state: Path, out: Path) -> None:
    """Record the weekend, keeping what every command answered."""
    lines: list[str] = []
    for when, by, words in PLAY:
        verb, rest = words[0], words[1:]
        at = moment(when)
        args = [verb, *rest, "-f", str(runbook), "--state", str(state), "--at", at]
        # A decision names its approver (--by) itself; the recorder is then $RUNBOOK_USER.
        args += [] if "--by" in rest else ["--by", by]
        code, stdout, stderr = run(source, args, now=at)
        lines.append(f"$ runbook {' '.join(words)}   # {when}, by {by}: exit {code}")
        lines.append(stdout.rstrip())
        if stderr.strip():
            lines.append("stderr: " + stderr.rstrip())
        if code != 0:
            raise SystemExit(f"the play stopped at {when} {words}: {stderr or stdout}")
    (out / "transcript.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def renders(runbook: Path, state: Path, label: str) -> list[tuple[str, list[str], int, bool]]:
    """(file name, arguments, columns, colour) of every face rendered at one moment."""
    f = ["-f", str(runbook), "--state", str(state)]
    what_if = [w for spec in WHAT_IFS[label] for w in ("--what-if", spec)]
    faces: list[tuple[str, list[str], int, bool]] = [
        ("status.txt", ["status", *f], 120, False),
        ("status-80.txt", ["status", *f], 80, False),
        ("status-colour.ansi", ["status", *f], 160, True),
        ("status-all.txt", ["status", "--all", *f], 120, False),
        ("status-team-dba.txt", ["status", "--team", "dba", *f], 120, False),
        ("status-team-devices.txt", ["status", "--team", "devices", *f], 120, False),
        ("status.json", ["status", "--json", *f], 120, False),
        ("status.html", ["status", "--format", "html", "-o", "-", *f], 120, False),
        ("plan.txt", ["plan", *f], 160, False),
        ("plan-colour.ansi", ["plan", *f], 160, True),
        ("plan-gantt.txt", ["plan", "--gantt", *f], 160, False),
        ("plan-team-devices.txt", ["plan", "--team", "devices", *f], 160, False),
        ("plan.csv", ["plan", "--format", "csv", *f], 120, False),
        ("plan.json", ["plan", "--json", *f], 120, False),
        ("review.md", ["review", *f], 120, False),
        ("review.html", ["review", "--format", "html", *f], 120, False),
        ("review.json", ["review", "--format", "json", *f], 120, False),
        ("review.csv", ["review", "--format", "csv", *f], 120, False),
        ("readiness.md", ["readiness", "--runs", "300", "--seed", "1", *f], 120, False),
        (
            "readiness.html",
            ["readiness", "--format", "html", "--runs", "300", "--seed", "1", *f],
            120,
            False,
        ),
        (
            "readiness.json",
            ["readiness", "--format", "json", "--runs", "300", "--seed", "1", *f],
            120,
            False,
        ),
        ("recover.txt", ["recover", *f], 120, False),
        ("recover-colour.ansi", ["recover", *f], 120, True),
        ("recover.json", ["recover", "--json", *f], 120, False),
        ("pull.txt", ["pull", *f], 120, False),
        ("log.txt", ["log", *f], 160, False),
        ("log.json", ["log", "--json", *f], 120, False),
        ("calendar.ics", ["export", "ics", "--forecast", *f], 120, False),
    ]
    if what_if:
        faces += [
            ("whatif.txt", ["plan", *what_if, *f], 160, False),
            ("whatif-colour.ansi", ["plan", *what_if, *f], 160, True),
            ("whatif.json", ["plan", "--json", *what_if, *f], 120, False),
        ]
    return faces


def render_all(source: Path, runbook: Path, state: Path, out: Path, jobs: int) -> None:
    """Every face at every moment, ``jobs`` commands at a time."""
    work = []
    for label in MOMENTS:
        folder = out / label.replace(" ", "-").replace(":", "")
        folder.mkdir(parents=True)
        for name, args, columns, colour in renders(runbook, state, label):
            work.append((folder / name, args, moment(label), columns, colour))

    def one(item: tuple[Path, list[str], str, int, bool]) -> None:
        path, args, now, columns, colour = item
        code, stdout, stderr = run(source, args, now=now, columns=columns, colour=colour)
        text = stdout if code == 0 else f"exit {code}\n{stdout}"
        if stderr.strip():
            text += f"\n--- stderr\n{stderr}"
        path.write_text(text.replace(str(runbook.parent), "<dir>"), encoding="utf-8")

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, work))


def inner(runbook: Path, state: Path, out: Path) -> None:
    """The faces read in process (run with the source tree first on the path): the
    notifications due and the dashboard's screenshots at every moment."""
    from datetime import datetime

    from runbook.notify.notices import due_notices
    from runbook.usecases import Weekend

    for label in MOMENTS:
        folder = out / label.replace(" ", "-").replace(":", "")
        when = datetime.fromisoformat(moment(label))
        with Weekend.open(runbook, state, read_only=True, at=lambda _plan, w=when: w) as weekend:
            snap = weekend.snapshot()
            teams = set(weekend.plan.teams)
            lines = []
            for notice in due_notices(snap, teams=teams, coordinator=True):
                lines.append(repr(notice))
            (folder / "notices.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for size in ((80, 24), (160, 50)):
            asyncio.run(dashboard(runbook, state, when, size, folder, label))


async def dashboard(
    runbook: Path, state: Path, when: object, size: tuple[int, int], folder: Path, label: str
) -> None:
    """The dashboard at ``when`` (a replay), then its what-if and recovery dialogs."""
    import time

    from runbook.tui.app import MissionControl
    from runbook.usecases import Weekend

    weekend = Weekend.open(runbook, state, read_only=True, at=lambda _plan: when)
    app = MissionControl(weekend, actor="faces", host="faces", read_only=True)
    name = f"dashboard-{size[0]}x{size[1]}"
    try:
        async with app.run_test(size=size) as pilot:
            from runbook.tui.widgets import TaskTable

            table = app.query_one(TaskTable)
            deadline = time.monotonic() + 20
            while (table.filling or not table.row_count) and time.monotonic() < deadline:
                await pilot.pause(0.05)
            await pilot.pause(0.2)
            app.clear_notifications()
            await pilot.pause(0.1)
            (folder / f"{name}.svg").write_text(_screen(app), encoding="utf-8")
            specs = WHAT_IFS[label]
            if specs and size[0] >= 160:
                await pilot.press("w")
                await pilot.pause(0.1)
                from textual.widgets import Input

                field = app.screen.query_one(Input)
                field.value = "\n".join(specs[:1])
                await pilot.press("enter")
                await pilot.pause(0.3)
                (folder / f"{name}-whatif.svg").write_text(_screen(app), encoding="utf-8")
                await pilot.press("escape")
                await pilot.pause(0.1)
            if size[0] >= 160:
                await pilot.press("R")
                await pilot.pause(0.3)
                (folder / f"{name}-recover.svg").write_text(_screen(app), encoding="utf-8")
                await pilot.press("escape")
    finally:
        weekend.close()


def _screen(app: object) -> str:
    """The screen as an SVG, without what differs from one run to the next."""
    svg: str = app.export_screenshot(title="faces")  # type: ignore[attr-defined]
    return svg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder to write (must not exist)")
    parser.add_argument("--source", type=Path, default=HERE, help="the checkout to run")
    parser.add_argument("--jobs", type=int, default=2, help="commands at a time")
    parser.add_argument("--no-dashboard", action="store_true", help="skip the dashboard")
    parser.add_argument("--inner", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.inner[0], args.inner[1], args.out)
        return
    source, out = args.source.resolve(), args.out.resolve()
    if out.exists():
        raise SystemExit(f"{out} exists: give a new folder")
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="faces-") as tmp:
        folder = Path(tmp)
        runbook = folder / "weekend.yaml"
        shutil.copy(source / "examples" / "cloud-migration-weekend.yaml", runbook)
        state = folder / "weekend.state.db"
        play(source, runbook, state, out)
        render_all(source, runbook, state, out, args.jobs)
        if not args.no_dashboard:
            env = {**os.environ, "PYTHONPATH": str(source), "TZ": "UTC"}
            inner_args = ["--inner", str(runbook), str(state)]
            subprocess.run([sys.executable, __file__, str(out), *inner_args], env=env, check=True)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
