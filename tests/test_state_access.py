"""Read-only state files and folders, and foreign databases with a journal or log beside them.

Commands that only read work on a read-only state file or folder and change nothing; commands
that record say what is read-only. The tests run as root in CI, and root may write anything:
runbook takes a file or folder without any write permission as read-only on purpose, so
these tests exercise the same paths an ordinary user takes (`runuser -u nobody` by hand gives
the same answers).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from .builders import minimal_runbook
from .conftest import EXAMPLES

NOW = "2026-12-04T19:30"
READING = [
    ("status",),
    ("log",),
    ("plan",),
    ("review",),
    ("readiness", "--runs", "100"),
]
WRITING = [("start", "backup"), ("note", "freeze", "still quiet"), ("baseline", "--reset")]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in the folder and a hash of its bytes (but of a -shm file, only that it is
    there: it is SQLite's shared-memory index of the log, which any reader may rebuild)."""
    return {
        p.name: "" if p.name.endswith("-shm") else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@pytest.fixture
def weekend(tmp_path, cli, monkeypatch) -> Path:
    """A folder with weekend.yaml and its state file (two check-ins), as the current folder."""
    folder = tmp_path / "weekend"
    folder.mkdir()
    minimal_runbook(folder, "weekend.yaml")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("RUNBOOK_NOW", NOW)
    for args in (("start", "freeze"), ("done", "freeze")):
        assert cli(*args, "-f", "weekend.yaml", "--by", "ingrid").exit_code == 0
    return folder


@pytest.fixture
def read_only(weekend) -> Iterator[Path]:
    yield weekend
    weekend.chmod(0o755)
    for path in weekend.iterdir():
        path.chmod(0o644)


@pytest.mark.parametrize("what", ["file", "folder"])
@pytest.mark.parametrize("command", READING, ids=lambda c: c[0])
def test_reading_commands_work_on_a_read_only_state_file_or_folder(read_only, cli, what, command):
    target = read_only / "weekend.state.db" if what == "file" else read_only
    target.chmod(0o444 if what == "file" else 0o555)
    before = snapshot(read_only)

    result = cli(*command, "-f", "weekend.yaml")

    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(read_only) == before


@pytest.mark.parametrize("what", ["file", "folder"])
@pytest.mark.parametrize("command", WRITING, ids=lambda c: c[0])
def test_recording_in_a_read_only_state_file_or_folder_says_so(read_only, cli, what, command):
    target = read_only / "weekend.state.db" if what == "file" else read_only
    target.chmod(0o444 if what == "file" else 0o555)
    before = snapshot(read_only)

    result = cli(*command, "-f", "weekend.yaml", "--by", "ingrid")

    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    expected = "the state file is read-only" if what == "file" else "is read-only"
    assert first.startswith("runbook: error: weekend.state.db: ")
    assert expected in first
    assert "nothing can be recorded" in first
    assert snapshot(read_only) == before


@pytest.mark.parametrize("command", READING, ids=lambda c: c[0])
def test_reading_commands_write_nothing_even_when_the_plan_is_not_cached_yet(weekend, cli, command):
    # The runbook changed since the last check-in: its plan is compiled, and cached by the
    # next check-in, not by a command that only reads (the file may be damaged in a way no
    # check sees; a reading command never writes it).
    runbook = weekend / "weekend.yaml"
    runbook.write_text(runbook.read_text(encoding="utf-8").replace("1h30m", "1h45m"), "utf-8")
    before = snapshot(weekend)

    result = cli(*command, "-f", "weekend.yaml")

    assert result.exit_code == 0, result.stderr
    assert snapshot(weekend) == before


def test_the_log_reads_check_ins_still_in_the_write_ahead_log_of_a_read_only_folder(read_only, cli):
    # A writer died with a check-in in the WAL (no checkpoint): a read-only folder must
    # not hide it. It records at the moment the log is read at (the runbook's zone is
    # Europe/Amsterdam, an hour ahead of UTC in December), never at the real clock.
    writer = (
        "import os, sys\n"
        "from datetime import datetime\n"
        "from runbook.usecases import Weekend\n"
        "at = datetime.fromisoformat(sys.argv[3])\n"
        "w = Weekend.open(sys.argv[1], sys.argv[2], create=True, clock=lambda: at)\n"
        "w.store.db.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "w.record('note', ['freeze'], actor='sanne', host='dba-2', note='from the log')\n"
        "os._exit(0)\n"
    )
    subprocess.run(
        [sys.executable, "-c", writer, "weekend.yaml", "weekend.state.db", f"{NOW}+01:00"],
        check=True,
        cwd=read_only,
    )
    assert (read_only / "weekend.state.db-wal").stat().st_size > 0
    read_only.chmod(0o555)
    before = snapshot(read_only)

    result = cli("log", "-f", "weekend.yaml")

    assert result.exit_code == 0, result.stderr
    assert "from the log" in result.stdout
    assert snapshot(read_only) == before


def test_the_dashboard_opens_read_only_on_a_read_only_folder(read_only):
    from runbook.usecases import Weekend
    from runbook.usecases.live import Live

    read_only.chmod(0o555)
    before = snapshot(read_only)
    with Weekend.open(read_only / "weekend.yaml", read_only=True) as weekend:
        live = Live(weekend)
        assert [e.kind for e in live.recent][-2:] == ["start", "done"]
        assert weekend.store is not None and not weekend.store.writable
    assert snapshot(read_only) == before


# -- foreign databases with a journal or a log beside them ------------------------------

_HOT_JOURNAL_WRITER = """
import os, signal, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = DELETE")
db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, customer TEXT)")
db.executemany("INSERT INTO invoices (customer) VALUES (?)", [("Acme",)] * 50)
db.execute("PRAGMA cache_size = 1")  # changes spill into the file before the commit
db.execute("BEGIN")
db.executemany("INSERT INTO invoices (customer) VALUES (?)", [("x" * 500,)] * 2000)
os.kill(os.getpid(), signal.SIGKILL)  # mid-transaction: the journal stays hot
"""


def test_a_foreign_database_with_a_hot_journal_keeps_its_bytes_and_its_neighbours(tmp_path, cli):
    db = tmp_path / "invoices.db"
    proc = subprocess.run([sys.executable, "-c", _HOT_JOURNAL_WRITER, str(db)])
    assert proc.returncode == -signal.SIGKILL
    journal = tmp_path / "invoices.db-journal"
    assert journal.stat().st_size > 0
    before = snapshot(tmp_path)

    result = cli("status", "-f", EXAMPLES / "minimal.yaml", "--state", db, env={"RUNBOOK_NOW": NOW})

    assert result.exit_code == 1
    assert "an SQLite database of something else" in result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(tmp_path) == before  # the same files, byte for byte: no rollback
    # The journal really was hot: an ordinary open rolls it back.
    with closing(sqlite3.connect(db)) as other:
        assert other.execute("SELECT count(*) FROM invoices").fetchone()[0] == 50
    assert not journal.exists()


@pytest.mark.parametrize("command", [("status",), ("start", "freeze")], ids=["status", "start"])
def test_a_foreign_write_ahead_log_without_its_index_gets_no_index_left_beside_it(
    tmp_path, cli, command
):
    db = tmp_path / "invoices.db"
    writer = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA journal_mode = WAL')\n"
        "db.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "db.execute('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)')\n"
        "db.executemany('INSERT INTO invoices (total) VALUES (?)', [(1.0,), (2.0,)])\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", writer, str(db)], check=True)
    (tmp_path / "invoices.db-shm").unlink()  # as after a copy: only the file and its log
    before = snapshot(tmp_path)

    result = cli(*command, "-f", EXAMPLES / "minimal.yaml", "--state", db, env={"RUNBOOK_NOW": NOW})

    assert result.exit_code == 1
    assert "something else" in result.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="runs the CLI as another user through runuser")
def test_an_unprivileged_user_reads_a_read_only_state_file(weekend):
    """The same as an ordinary user, when this interpreter is one that user may run."""
    probe = subprocess.run(
        ["runuser", "-u", "nobody", "--", sys.executable, "-c", "import runbook"],
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip("the user nobody cannot run this Python interpreter")
    # A folder the user can reach (pytest's own are private to root); SQLite looks at every
    # folder on the way to the file.
    folder = Path(tempfile.mkdtemp(prefix="runbook-nobody-"))
    try:
        folder.chmod(0o755)
        for name in ("weekend.yaml", "weekend.state.db"):
            shutil.copy(weekend / name, folder / name)
        main = "import sys; from runbook.cli import main; sys.argv[0] = 'runbook'; main()"
        run = ["runuser", "-u", "nobody", "--", "env", f"RUNBOOK_NOW={NOW}"]
        run += [sys.executable, "-c", main]
        before = snapshot(folder)
        status = subprocess.run(
            [*run, "status", "-f", "weekend.yaml"], capture_output=True, text=True, cwd=folder
        )
        start = subprocess.run(
            [*run, "start", "backup", "-f", "weekend.yaml"],
            capture_output=True,
            text=True,
            cwd=folder,
        )
        assert status.returncode == 0, status.stderr
        assert start.returncode == 1
        assert "the state file is read-only" in start.stderr
        assert snapshot(folder) == before
    finally:
        shutil.rmtree(folder)
