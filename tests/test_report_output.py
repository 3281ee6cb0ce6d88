"""Reports written with -o: never over the runbook, a state file or any database, and always
whole (a temporary file renamed into place).

Every refusal compares the bytes of the files it protects before and after.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runbook.common.errors import InputError
from runbook.reports.outfile import write_atomically

from .builders import minimal_runbook

NOW = "2026-12-04T19:30"


def digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def weekend(tmp_path, cli, monkeypatch) -> Path:
    """A folder with weekend.yaml (examples/minimal.yaml) and a state file with check-ins, as
    the current directory."""
    minimal_runbook(tmp_path, "weekend.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RUNBOOK_NOW", NOW)
    for args in (("start", "freeze"), ("done", "freeze"), ("start", "backup")):
        assert cli(*args, "-f", "weekend.yaml", "--by", "ingrid").exit_code == 0
    return tmp_path


@pytest.mark.parametrize("report", ["review", "readiness"])
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("weekend.state.db", "is the state file"),
        ("./weekend.state.db", "is the state file"),
        ("weekend.yaml", "is the runbook"),
        ("../{folder}/weekend.yaml", "is the runbook"),
        ("state-link.db", "is the state file"),
        ("weekend.state.db-wal", "write-ahead log of the state file"),
        ("copy.db", "is an SQLite database"),
    ],
)
def test_a_report_is_never_written_over_the_runbook_the_state_or_a_database(
    weekend, cli, report, given, expected
):
    (weekend / "state-link.db").symlink_to("weekend.state.db")
    shutil.copy(weekend / "weekend.state.db", weekend / "copy.db")
    before = digests(weekend)

    result = cli(report, "-f", "weekend.yaml", "-o", given.format(folder=weekend.name))

    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert "a report is never written over it" in result.stderr
    assert digests(weekend) == before


def test_the_rehearsals_state_file_is_not_overwritten_by_the_readiness_report(weekend, cli):
    rehearsal = weekend / "rehearsal.db"
    shutil.copy(weekend / "weekend.state.db", rehearsal)
    before = digests(weekend)

    result = cli("readiness", "-f", "weekend.yaml", "--rehearsal", rehearsal, "-o", rehearsal)

    assert result.exit_code == 1
    assert "the rehearsal's state file" in result.stderr
    assert digests(weekend) == before


def test_a_state_file_not_created_yet_is_still_not_a_place_for_a_report(tmp_path, cli):
    minimal_runbook(tmp_path, "weekend.yaml")
    state = tmp_path / "weekend.state.db"
    result = cli(
        "readiness", "-f", tmp_path / "weekend.yaml", "-o", state, env={"RUNBOOK_NOW": NOW}
    )
    assert result.exit_code == 1
    assert "is the state file" in result.stderr
    assert not state.exists()


def test_a_report_replaces_an_older_report_keeping_its_permissions(weekend, cli):
    old = weekend / "review.md"
    old.write_text("last week's review\n", encoding="utf-8")
    old.chmod(0o640)

    result = cli("review", "-f", "weekend.yaml", "-o", "review.md")

    assert result.exit_code == 0
    assert old.read_text(encoding="utf-8").startswith("# ")
    assert old.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in weekend.iterdir() if p.name.startswith(".")) == []


def test_a_new_report_gets_the_usual_permissions(weekend, cli):
    umask = os.umask(0o022)
    try:
        assert cli("readiness", "-f", "weekend.yaml", "-o", "go.md").exit_code == 0
    finally:
        os.umask(umask)
    assert (weekend / "go.md").stat().st_mode & 0o777 == 0o644


def test_a_report_through_a_symlink_replaces_the_file_and_keeps_the_link(tmp_path):
    real = tmp_path / "reports" / "review.md"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.md"
    link.symlink_to(real)

    write_atomically(link, "new\n")

    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new\n"


def test_a_report_that_cannot_be_written_leaves_the_old_file_and_no_temporary_file(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    old = folder / "review.md"
    old.write_text("old\n", encoding="utf-8")

    # A text the encoder refuses (a lone surrogate) fails halfway through writing.
    with pytest.raises(InputError, match="left as it was"):
        write_atomically(old, "new\n" * 10_000 + "\udc80")

    assert old.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in folder.iterdir()) == ["review.md"]


def test_a_report_is_written_only_to_a_regular_file_never_through_a_device():
    """A device was written through as it was (-o /dev/null); a FIFO then waited for ever for
    a reader. Anything but a regular file is refused, never opened."""
    with pytest.raises(InputError, match="a report is written to a regular file, not to a device"):
        write_atomically(Path(os.devnull), "nothing to see\n")


RUNBOOK_EXE = [sys.executable, "-m", "runbook"]


def test_a_report_to_a_fifo_is_refused_at_once_and_never_waits_for_a_reader(weekend):
    fifo = weekend / "report.fifo"
    os.mkfifo(fifo)
    for command in (["review"], ["readiness"], ["export", "ics"], ["status", "--format", "html"]):
        done = subprocess.run(
            [*RUNBOOK_EXE, *command, "-f", "weekend.yaml", "-o", str(fifo)],
            capture_output=True,
            text=True,
            timeout=60,  # it used to wait here for ever
        )
        assert done.returncode == 1, command
        said = " ".join(done.stderr.split())
        assert f"{fifo}: is a pipe or FIFO" in said and "not a regular file" in said
        assert "-o - for standard output" in said


def test_a_piped_dev_stdout_is_refused_and_dash_writes_to_standard_output(weekend):
    piped = subprocess.run(  # stdout is a pipe: /dev/stdout is that pipe
        [*RUNBOOK_EXE, "review", "-f", "weekend.yaml", "-o", "/dev/stdout"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert piped.returncode == 1
    assert "/dev/stdout: a report is written to a regular file, not to a device" in piped.stderr
    dash = subprocess.run(
        [*RUNBOOK_EXE, "review", "-f", "weekend.yaml", "-o", "-"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dash.returncode == 0, dash.stderr
    assert dash.stdout.startswith("# Review") and "written to" not in dash.stderr
    assert not (weekend / "-").exists()
