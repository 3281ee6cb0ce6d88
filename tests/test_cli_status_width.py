"""`runbook status` on any terminal from 80 columns up: what a coordinator reads out on the
bridge call (ids, times, lateness, markers, the number to call) is never cut; team names,
reasons and other free text give way first."""

from __future__ import annotations

import re

import pytest

WEEKEND = """\
name: Width test weekend
timezone: Europe/Amsterdam
start: 2026-12-04T18:00
deadline: 2026-12-05T12:00

teams:
  dba:
    name: Database Administration and Storage Operations (on-call rotation Amsterdam)
    lead: Ruud Mulder
    contact: +31 20 555 0150
  ops:
    name: Infrastructure Operations, Networking, Firewalls and Telephony
    lead: Sanne Bakker-van der Heijden
    contact: +31 20 555 0120 / bridge-ops@example.org

tasks:
  - {id: freeze, title: Freeze, team: ops, duration: 15m}
  - id: export-the-electronic-health-record-database
    title: Export the EHR database to the transfer volume
    team: dba
    duration: 1h
    depends_on: freeze
  - {id: verify-backups, title: Verify backups, team: ops, duration: 30m, depends_on: freeze}
  - id: import-ehr
    title: Import the EHR database
    team: dba
    duration: 2h
    depends_on: export-the-electronic-health-record-database
  - {id: dba-stats, title: Gather statistics, team: dba, duration: 20m, depends_on: freeze}
  - {id: ward-check, title: Ward check, team: ops, duration: 3h, depends_on: freeze}
  - id: cutover-dns
    title: Cut over DNS
    team: ops
    duration: 30m
    depends_on: [ward-check, verify-backups]
"""

REASON = (
    "the backup catalogue on the old tape library does not list last night's incremental "
    "backup of the pharmacy database; the vendor's engineer is on his way to the datacentre"
)

# Everything the coordinator reads out, that no width from 80 columns up may cut.
UNCUT = [
    "FAILED",
    "verify-backups",
    "since Fri 18:15",
    "+35m OVERRUN",
    "export-the-electronic-health-record-database",
    "1h35m of 1h",
    "ward-check",
    "dba-stats",
    "Ruud Mulder +31 20 555 0150",
    "Sanne Bakker-van der Heijden +31 20 555 0120 / bridge-ops@example.org",
    "critical",
    "import-ehr",
    "planned Fri 19:15",
    "35m late",
]


@pytest.fixture
def env(tmp_path, cli):
    runbook = tmp_path / "runbook.yaml"
    runbook.write_text(WEEKEND, encoding="utf-8")
    base = {"RUNBOOK_USER": "ingrid", "RUNBOOK_FILE": str(runbook)}
    for moment, args in [
        ("18:00", ("start", "freeze")),
        ("18:15", ("done", "freeze")),
        ("18:15", ("start", "export-the-electronic-health-record-database", "verify-backups")),
        ("18:40", ("fail", "verify-backups", "--reason", REASON)),
    ]:
        result = cli(*args, env={**base, "RUNBOOK_NOW": f"2026-12-04T{moment}"})
        assert result.exit_code == 0, result.stderr
    return {**base, "RUNBOOK_NOW": "2026-12-04T19:50"}


def briefing_at(cli, env, columns: int) -> str:
    result = cli("status", env={**env, "COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("columns", [80, 100, 130])
def test_ids_times_figures_markers_and_phone_numbers_are_never_cut(cli, env, columns):
    out = briefing_at(cli, env, columns)
    # A cell may go on over a second line, but never inside what the coordinator reads out.
    flat = "\n".join(line.rstrip() for line in out.splitlines())
    for needed in UNCUT:
        assert needed in flat, f"{needed!r} cut at {columns} columns:\n{out}"


@pytest.mark.parametrize("columns", [80, 100, 130])
def test_no_line_of_the_briefing_runs_past_the_terminal(cli, env, columns):
    out = briefing_at(cli, env, columns)
    # Long ids may run over, as they must stay whole; nothing else does.
    assert all(len(line) <= columns for line in out.splitlines()), out


def test_on_a_narrow_terminal_the_reason_and_the_team_give_way(cli, env):
    out = briefing_at(cli, env, 80)
    assert "Database Administration and Storage Operations (on-call rotation Amsterdam)" not in out
    assert REASON not in out
    assert "…" in out


def test_on_a_wide_terminal_the_team_and_the_reason_have_room(cli, env):
    out = briefing_at(cli, env, 200)
    assert "Infrastructure Operations, Networking, Firewalls and Telephony" in out
    assert "the backup catalogue on the old tape library" in out


def test_a_failed_task_is_listed_under_failed_not_under_running_now(cli, env):
    out = briefing_at(cli, env, 100)
    assert "1 running · 1 failed" in out
    sections = re.split(r"\n(?=\S.*\(\d+\)$)", out, flags=re.MULTILINE)
    failed = next(s for s in sections if s.startswith("Failed"))
    running = next(s for s in sections if s.startswith("Running now"))
    assert "Running now (1)" in running
    assert "verify-backups" in failed and "verify-backups" not in running
    assert "export-the-electronic-health-record-database" in running
