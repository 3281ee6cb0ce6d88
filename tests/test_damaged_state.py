"""Damaged state files: a plain refusal, never an internal error, and never a write.

A real state file with about fifty events is copied a few hundred times, each copy damaged
in a seeded, repeatable way (page garbage, bit flips, truncation, header damage). Every
command that opens a state file meets a share of the copies (two commands per copy, drawn
with the seed, so each meets dozens): `status`, `log`, `plan`, `readiness`, `start` (with and
without --force), `done` and the dashboard's opening (`control`, `control --read-only`).
Every run ends in 0 or 1 without a traceback; a refusal leaves the
file and everything beside it exactly as it was (a user will try `sqlite3 FILE .recover` on
it), and a command that only reads never writes the file or its log. The same holds for
copies whose last check-ins are still in the write-ahead log, as a crash leaves them: the
file, its log (`-wal`) and the log's index (`-shm`), any of them damaged.

The number of copies is fixed, not a time budget: a slow machine takes longer, and tests the
same copies.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runbook.cli import app
from runbook.tui.app import MissionControl
from runbook.usecases import Weekend

from .builders import minimal_runbook
from .weekend_helpers import FakeClock

PAGE = 4096
COPIES = 200
LOGGED_COPIES = 60
PER_COPY = 2  # commands run on each copy, drawn with the seed
SEED = 20261204
NOW = "2026-12-05T04:00"
# Every way a command opens a state file (smoke-test is the next task of the weekend).
OPENERS = [
    ("status",),
    ("log",),
    ("plan",),
    ("readiness", "--runs", "100"),
    ("start", "smoke-test"),
    ("start", "smoke-test", "--force"),
    ("done", "smoke-test"),
    ("control",),
    ("control", "--read-only"),
]
COMMANDS = [("status",), ("log",), ("plan",), ("start", "smoke-test")]  # the row tests below
READING = {"status", "log", "plan", "readiness"}
SIDES = ("-wal", "-shm", "-journal")


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> tuple[Path, Path]:
    """examples/minimal.yaml and a state file holding 50 events: the whole weekend, with notes."""
    folder = tmp_path_factory.mktemp("healthy")
    runbook = minimal_runbook(folder, "weekend.yaml")
    state = folder / "weekend.state.db"
    clock = FakeClock("2026-12-04T18:00+01:00")
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        for task in weekend.plan.order[:-2]:
            tid = weekend.plan.tasks[task].id
            for kind in ("start", "note", "note", "done"):
                note = f"{tid}: all well — ça va, 日本 ({kind})" if kind == "note" else None
                weekend.record(kind, [tid], actor="ingrid", host="pmo-1", note=note, force=True)
                clock.advance(minutes=7)
        while len(weekend.events()) < 50:
            weekend.record("note", ["freeze"], actor="sanne", host="dba-2", note="still fine")
    assert len(Weekend.open(runbook, state).events()) >= 50
    return runbook, state


# A writer that dies with its last check-ins in the write-ahead log (no checkpoint), its
# index beside it: as a crash, or a copy taken while the dashboard had the file open, leaves
# a state file. It records at a fixed moment, like every test.
_DYING_WRITER = """
import os, sys
from datetime import datetime
from runbook.usecases import Weekend
at = datetime.fromisoformat("2026-12-05T03:00+01:00")
w = Weekend.open(sys.argv[1], sys.argv[2], clock=lambda: at)
w.store.db.execute("PRAGMA wal_autocheckpoint = 0")
for i in range(12):
    w.record("note", ["switch-dns"], actor="sanne", host="dba-2", note=f"in the log {i}")
os._exit(0)
"""


@pytest.fixture(scope="module")
def logged(healthy, tmp_path_factory) -> tuple[Path, Path]:
    """The healthy state file with a dozen more check-ins still in its write-ahead log."""
    runbook, state = healthy
    folder = tmp_path_factory.mktemp("logged")
    copy = folder / state.name
    shutil.copy(state, copy)
    subprocess.run([sys.executable, "-c", _DYING_WRITER, str(runbook), str(copy)], check=True)
    assert _side(copy, "-wal").stat().st_size > 10 * PAGE
    assert _side(copy, "-shm").exists()
    return runbook, copy


@pytest.fixture
def dashboard_not_shown(monkeypatch):
    """`runbook control` opens the weekend and builds the dashboard, but shows nothing."""
    monkeypatch.setattr(MissionControl, "run", lambda self: None)


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _damage(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One damaged copy of ``data``: what was done, and the bytes."""
    kind = rng.choice(["page-garbage", "bit-flips", "truncation", "header"])
    damaged = bytearray(data)
    if kind == "page-garbage":
        page = rng.randrange(len(data) // PAGE)
        start = page * PAGE + rng.randrange(PAGE // 2)
        length = rng.randrange(16, PAGE)
        damaged[start : start + length] = rng.randbytes(length)[: len(damaged) - start]
    elif kind == "bit-flips":
        for _ in range(rng.randint(1, 12)):
            spot = rng.randrange(len(data))
            damaged[spot] ^= 1 << rng.randrange(8)
    elif kind == "truncation":
        # Never to nothing: an empty file is a new state file (see the test of it below).
        del damaged[rng.randrange(1, len(data)) :]
    else:
        for _ in range(rng.randint(1, 4)):
            damaged[rng.randrange(100)] = rng.randrange(256)
    return kind, bytes(damaged)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(state: Path) -> dict[str, str]:
    """The state file and every side file SQLite may keep beside it, with a hash of each;
    of the log's index (-shm) only that it is there: SQLite's cache of the log, which any
    connection rebuilds as it needs (`sqlite3 .recover`'s too), and which a damage found only
    once the file was open (a stored record that cannot be read) may have had rebuilt."""
    return {
        p.name: "" if p.name.endswith("-shm") else _digest(p)
        for p in (state, *(_side(state, s) for s in SIDES))
        if p.exists()
    }


def _run_all(
    runner: CliRunner, runbook: Path, copy: Path, described: str, commands
) -> dict[tuple[str, ...], list[str]]:
    """Run every command on ``copy`` (restored to its damaged bytes before each one) and
    check what each may leave changed; the first line of each refusal."""
    damaged = {name: (copy.parent / name).read_bytes() for name in _files(copy)}
    refusals: dict[tuple[str, ...], list[str]] = {}
    for command in commands:
        refusals[command] = []
        folded = False
        for name, data in damaged.items():
            (copy.parent / name).write_bytes(data)
        for suffix in SIDES:
            if _side(copy, suffix).name not in damaged:
                _side(copy, suffix).unlink(missing_ok=True)
        before = _files(copy)
        listing = sorted(p.name for p in copy.parent.iterdir())
        result = runner.invoke(
            app,
            [*command, "-f", str(runbook), "--state", str(copy)],
            env={"RUNBOOK_NOW": NOW},
            catch_exceptions=False,  # an internal error fails the test with its traceback
        )
        what = f"{described}, runbook {' '.join(command)}"
        assert result.exit_code in (0, 1), f"{what}: exit {result.exit_code}"
        assert "Traceback" not in result.output, what
        after = _files(copy)
        reading = command[0] in READING or "--read-only" in command
        if result.exit_code == 1:
            first = result.stderr.splitlines()[0]
            assert first.startswith("runbook: error: "), what
            assert "Error:" not in result.stderr, what
            # A check-in the rules refused opened a file found sound for writing, as SQLite
            # prepares one: a file in the older journal mode is switched to WAL, and the log
            # a crash left is folded into the file when the connection closes. Any other
            # refusal is about the file itself, and leaves every byte as it was.
            folded = first.startswith("runbook: error: refused: ") and (
                len(before) > 1 or damaged["weekend.state.db"][18:19] == b"\x01"
            )
            if not folded:
                assert after == before, f"{what}: refused, but the files changed"
            refusals[command].append(first)
        elif reading:
            assert after == before, f"{what}: only reading, but the files changed"
        if (result.exit_code == 1 and not folded) or reading:
            assert sorted(p.name for p in copy.parent.iterdir()) == listing, (
                f"{what}: a file was left beside the state file, or taken away"
            )
    return refusals


def _damaged_copies(
    tmp_path: Path,
    runbook: Path,
    originals: list[dict[str, bytes]],
    copies: int,
    seed: int,
    sides: tuple[str, ...] = ("",),
) -> dict[tuple[str, ...], list[str]]:
    """Damage ``copies`` copies of a state file (each of ``originals`` gives the bytes of
    a file and its side files, by suffix), one of ``sides`` damaged in each; run PER_COPY
    commands on each. The refusals of each command."""
    rng = random.Random(seed)
    runner = CliRunner()
    refused: dict[tuple[str, ...], list[str]] = {c: [] for c in OPENERS}
    ran = dict.fromkeys(OPENERS, 0)
    for number in range(copies):
        files = rng.choice(originals)
        which = rng.choice(sides)
        kind, damaged = _damage(files[which], rng)
        folder = tmp_path / f"copy-{number}"
        folder.mkdir()
        copy = folder / "weekend.state.db"
        for suffix, data in files.items():
            _side(copy, suffix).write_bytes(damaged if suffix == which else data)
        commands = rng.sample(OPENERS, PER_COPY)
        described = f"copy {number} ({kind} of weekend.state.db{which})"
        for command, refusals in _run_all(runner, runbook, copy, described, commands).items():
            ran[command] += 1
            refused[command] += refusals
        shutil.rmtree(folder)
    assert min(ran.values()) >= copies * PER_COPY // len(OPENERS) // 2, ran
    return refused


@pytest.mark.slow
def test_hundreds_of_damaged_copies_give_plain_answers_and_refusals_write_nothing(
    healthy, tmp_path, dashboard_not_shown
):
    runbook, state = healthy
    # The same file in SQLite's older journal mode too (a state file copied off a share that
    # cannot do write-ahead logging): opening it to write switches it to WAL, a header write
    # that must never happen to a damaged one.
    rollback = tmp_path / "rollback.db"
    shutil.copy(state, rollback)
    with closing(sqlite3.connect(rollback)) as db:
        assert db.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    originals = [{"": state.read_bytes()}, {"": rollback.read_bytes()}]

    refused = _damaged_copies(tmp_path, runbook, originals, COPIES, SEED)

    # The damage was real: every command refused damaged copies (and read the others).
    for command, refusals in refused.items():
        damaged = [line for line in refusals if "the state file is damaged" in line]
        assert len(damaged) >= 5, (command, refusals)
        assert len(refusals) < COPIES * PER_COPY // len(OPENERS), command


@pytest.mark.slow
def test_damaged_copies_with_check_ins_in_the_log_keep_every_byte_beside_them_too(
    logged, tmp_path, dashboard_not_shown
):
    runbook, state = logged
    files = {s: _side(state, s).read_bytes() for s in ("", "-wal", "-shm")}

    # The file itself damaged most often; its log, or the log's index, in the rest.
    refused = _damaged_copies(
        tmp_path, runbook, [files], LOGGED_COPIES, SEED + 1, ("", "", "-wal", "-shm")
    )

    assert sum(len(r) for r in refused.values()) > LOGGED_COPIES * PER_COPY // 4, refused


def test_a_copy_found_damaged_before_opening_keeps_even_its_logs_index(logged, tmp_path, cli):
    runbook, state = logged
    for suffix in ("", "-wal", "-shm"):
        shutil.copy(_side(state, suffix), _side(tmp_path / state.name, suffix))
    state = tmp_path / state.name
    with closing(sqlite3.connect(f"file:{state}?immutable=1", uri=True)) as db:
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'plans'").fetchone()
    data = bytearray(state.read_bytes())
    data[(root - 1) * PAGE + 8 : (root - 1) * PAGE + 200] = random.Random(5).randbytes(192)
    state.write_bytes(bytes(data))
    before = {p.name: _digest(p) for p in tmp_path.iterdir()}

    for command in (("start", "smoke-test", "--force"), ("status",)):
        result = cli(*command, "-f", runbook, "--state", state, env={"RUNBOOK_NOW": NOW})

        assert result.exit_code == 1
        assert "the state file is damaged" in result.stderr
        assert "quick_check found" in result.stderr
        assert {p.name: _digest(p) for p in tmp_path.iterdir()} == before  # -shm too


def test_a_header_whose_schema_version_its_tables_contradict_is_damaged_and_not_migrated(
    copy_of, cli
):
    runbook, state = copy_of()
    data = bytearray(state.read_bytes())
    data[60:64] = (1).to_bytes(4, "big")  # the header's user_version: "schema 1"
    state.write_bytes(bytes(data))
    before = _digest(state)

    result = cli(
        "start", "smoke-test", "--force", "-f", runbook, "--state", state, env={"RUNBOOK_NOW": NOW}
    )

    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first == (
        f"runbook: error: {state}: the state file is damaged (its header gives state schema "
        "1, but it has the table checkpoint of a later schema); nothing was written to it"
    )
    assert _digest(state) == before
    assert sorted(p.name for p in state.parent.iterdir()) == [state.name]


def test_a_file_in_the_older_journal_mode_is_read_through_before_it_is_switched_to_wal(
    copy_of, cli
):
    # Opening it to write switches it to WAL, a write to its header: a stored plan that
    # fails its checksum is found first, and the file keeps every byte.
    runbook, state = copy_of()
    with closing(sqlite3.connect(state)) as db:
        db.execute("UPDATE plans SET plan = replace(plan, '\"fields\"', '\"gields\"')")
        db.commit()
        assert db.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    before = _digest(state)

    result = cli(
        "start", "smoke-test", "--force", "-f", runbook, "--state", state, env={"RUNBOOK_NOW": NOW}
    )

    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "the state file is damaged (the cached plan does not match its checksum)" in said
    assert _digest(state) == before
    assert sorted(p.name for p in state.parent.iterdir()) == [state.name]
    # A sound one is switched, as before.
    runbook, state = copy_of()
    with closing(sqlite3.connect(state)) as db:
        db.execute("PRAGMA journal_mode = DELETE")
    sound = cli("start", "smoke-test", "-f", runbook, "--state", state, env={"RUNBOOK_NOW": NOW})
    assert sound.exit_code == 0, sound.stderr
    with closing(sqlite3.connect(state)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def _logged_copy(logged, folder: Path) -> tuple[Path, Path]:
    runbook, state = logged
    for suffix in ("", "-wal", "-shm"):
        shutil.copy(_side(state, suffix), _side(folder / state.name, suffix))
    return runbook, folder / state.name


def _every_byte(folder: Path) -> dict[str, str]:
    return {p.name: _digest(p) for p in folder.iterdir()}


@pytest.mark.parametrize(
    ("spot", "value", "said"),
    [
        (44, 43, "cannot use the state file (SQLite says: unsupported file format)"),
        (0, 0, "the header of its write-ahead log, weekend.state.db-wal, is not valid"),
    ],
    ids=["schema-format", "log-header"],
)
def test_a_damaged_header_of_the_file_or_its_log_is_refused_before_any_connection_that_folds(
    logged, tmp_path, cli, spot, value, said
):
    runbook, state = _logged_copy(logged, tmp_path)
    target = state if spot == 44 else _side(state, "-wal")
    data = bytearray(target.read_bytes())
    data[spot + 3 if spot == 44 else spot] = value
    target.write_bytes(bytes(data))
    before = _every_byte(tmp_path)

    for command in (("start", "smoke-test", "--force"), ("status",)):
        result = cli(*command, "-f", runbook, "--state", state, env={"RUNBOOK_NOW": NOW})

        assert result.exit_code == 1
        assert said in result.stderr
        assert "nothing was written" in result.stderr
        assert _every_byte(tmp_path) == before  # the log and its index too


def test_a_record_found_unreadable_once_the_file_is_open_leaves_the_log_as_it_was(
    logged, tmp_path, cli
):
    # The stored plan's text changed (its checksum no longer matches): SQLite finds nothing
    # wrong, so the file is opened, and its log a crash left is not folded into it.
    runbook, state = _logged_copy(logged, tmp_path)
    data = bytearray(state.read_bytes())
    spot = data.index(b'"fields"')
    data[spot + 1] = ord("g")
    state.write_bytes(bytes(data))
    before = {n: d for n, d in _every_byte(tmp_path).items() if not n.endswith("-shm")}

    result = cli(
        "start", "smoke-test", "--force", "-f", runbook, "--state", state, env={"RUNBOOK_NOW": NOW}
    )

    assert result.exit_code == 1
    assert "the state file is damaged" in result.stderr
    after = _every_byte(tmp_path)
    assert "weekend.state.db-shm" in after  # (rebuilt by the connection that opened it)
    assert {n: d for n, d in after.items() if not n.endswith("-shm")} == before


def test_a_damaged_definition_in_the_schema_is_refused(copy_of, cli):
    runbook, state = copy_of()
    data = bytearray(state.read_bytes())
    spot = data.index(b"digest  TEXT PRIMARY KEY")
    data[spot : spot + 6] = b"dogest"  # a bit flip in the schema's text: the column renamed
    state.write_bytes(bytes(data))
    before = _digest(state)

    result = cli(
        "start", "smoke-test", "--force", "-f", runbook, "--state", state, env={"RUNBOOK_NOW": NOW}
    )

    assert result.exit_code == 1
    assert "damaged (the definition of the table plans is not the one runbook writes)" in (
        result.stderr
    )
    assert _digest(state) == before


def test_a_state_file_whose_schema_comments_read_otherwise_is_not_damaged(copy_of, cli):
    """SQLite keeps a CREATE statement's comments; files written before a comment was
    reworded (the checkpoint module moved to runbook.store) are as sound as new ones."""
    runbook, state = copy_of()
    data = bytearray(state.read_bytes())
    spot = data.index(b"see runbook.store.checkpoint")
    data[spot : spot + 28] = b"see runbook.xxxxx.checkpoint"  # same length, another comment
    state.write_bytes(bytes(data))

    result = cli(
        "start", "smoke-test", "--force", "-f", runbook, "--state", state, env={"RUNBOOK_NOW": NOW}
    )

    assert result.exit_code == 0, result.stderr
    assert "damaged" not in result.stderr


def test_a_definition_is_compared_without_its_comments_and_spacing():
    from runbook.store.sqlite.schema import definition

    before = "CREATE TABLE t (\n    a TEXT,   -- JSON: see runbook.weekend.checkpoint\n    b INT\n)"
    after = "CREATE TABLE t (\n    a TEXT,   -- JSON: see runbook.store.checkpoint\n    b INT\n)"
    assert definition(before) == definition(after) == "CREATE TABLE t ( a TEXT, b INT )"
    assert definition("CREATE TABLE t (dogest TEXT)") != definition("CREATE TABLE t (digest TEXT)")
    # a '--' inside a quoted default is part of the definition, not a comment
    assert definition("CREATE TABLE t (a TEXT DEFAULT '--x')") == (
        "CREATE TABLE t (a TEXT DEFAULT '--x')"
    )


def test_an_empty_state_file_is_a_new_one(tmp_path, cli):
    # SQLite takes an empty file for an empty database, and so does runbook: it may be a
    # state file another terminal is creating this very moment.
    runbook = minimal_runbook(tmp_path, "weekend.yaml")
    state = tmp_path / "weekend.state.db"
    state.touch()

    result = cli("start", "freeze", "-f", runbook, "--by", "ingrid", env={"RUNBOOK_NOW": NOW})

    assert result.exit_code == 0, result.stderr
    assert "baseline recorded" in result.stdout + result.stderr


@pytest.fixture
def copy_of(healthy, tmp_path):
    def make() -> tuple[Path, Path]:
        runbook, state = healthy
        copy = tmp_path / "weekend.state.db"
        shutil.copy(state, copy)
        return runbook, copy

    return make


def _insert_raw(state: Path, **columns: object) -> None:
    """Append an event row the way another (or a broken) program might."""
    row = {"at": 1, "recorded": 1, "task": "freeze", "kind": "note", "actor": "x", "host": "y"}
    row.update(columns)
    with closing(sqlite3.connect(state)) as db:
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        db.execute(f"INSERT INTO events ({names}) VALUES ({marks})", list(row.values()))
        db.commit()


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({"data": "{not json"}, "its data is not valid JSON"),
        ({"data": "[1, 2]"}, "its data is not valid JSON (not an object)"),
        ({"note": b"x".decode()}, "a text in it is not valid UTF-8"),
        ({"actor": sqlite3.Binary(b"\xff\xfe")}, "a column holds a value of the wrong type"),
    ],
    ids=["bad-json", "json-not-an-object", "invalid-utf8", "blob-actor"],
)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_event_row_that_cannot_be_read_is_quarantined_with_a_warning_naming_it(
    copy_of, cli, columns, expected, command
):
    """A row edited by hand (or written by another program) is left out, named in a warning,
    and kept as it is: never the end of every command (issue 29). It used to make every
    command refuse the whole file as damaged."""
    runbook, state = copy_of()
    if "note" in columns:
        # Text that is not UTF-8: SQLite stores what it is given, as TEXT.
        with closing(sqlite3.connect(state)) as db:
            db.execute(
                "INSERT INTO events (at, recorded, task, kind, actor, host, note) "
                "VALUES (1, 1, 'freeze', 'note', 'x', 'y', CAST(? AS TEXT))",
                (b"caf\xe9 \xff",),
            )
            db.commit()
    else:
        _insert_raw(state, **columns)
    with closing(sqlite3.connect(state)) as db:
        (seq,) = db.execute("SELECT max(seq) FROM events").fetchone()
    before = _digest(state)

    result = cli(*command, "-f", runbook, "--state", state, env={"RUNBOOK_NOW": NOW})

    said = " ".join(result.stderr.split())
    assert result.exit_code in (0, 1), said
    assert "internal error" not in said and "Traceback" not in said
    if command[0] != "plan":  # the plan reads no event
        assert f"event {seq} ({expected}" in said, said
        assert "left out of every view and every check-in, and kept as it is" in said
    if command[0] != "start":
        assert result.exit_code == 0, said
        assert _digest(state) == before
    else:  # a check-in goes on, after the row it cannot read, which stays as it was
        assert result.exit_code == 0, said
    with closing(sqlite3.connect(state)) as db:
        assert db.execute("SELECT count(*) FROM events WHERE seq = ?", (seq,)).fetchone() == (1,)


def test_a_damaged_page_is_named_by_sqlites_quick_check(copy_of, cli):
    runbook, state = copy_of()
    data = bytearray(state.read_bytes())
    with closing(sqlite3.connect(state)) as db:
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()
    start = (root - 1) * PAGE
    data[start + 8 : start + 200] = random.Random(3).randbytes(192)
    state.write_bytes(bytes(data))
    before = _digest(state)

    result = cli("status", "-f", runbook, "--state", state, env={"RUNBOOK_NOW": NOW})

    assert result.exit_code == 1
    assert "the state file is damaged" in result.stderr
    assert "quick_check found" in result.stderr or "malformed" in result.stderr
    assert _digest(state) == before
