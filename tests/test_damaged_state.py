"""Damaged state files: a plain refusal, never an internal error, and never a write.

A real state file with about fifty events is copied a few hundred times, each copy damaged
in a seeded, repeatable way (page garbage, bit flips, truncation, header damage); `status`,
`log`, `plan` and `start` run against each. Every run ends in 0 or 1 without a traceback,
and a refusal leaves the damaged file's bytes exactly as they were.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runbook.cli import app
from runbook.weekend.usecases import Weekend

from .builders import minimal_runbook
from .weekend_helpers import FakeClock

PAGE = 4096
COPIES = 300
BUDGET_SECONDS = 25  # a slow machine runs fewer copies (at least MINIMUM), never longer
MINIMUM = 100
SEED = 20261204
NOW = "2026-12-05T04:00"
COMMANDS = [("status",), ("log",), ("plan",), ("start", "smoke-test")]


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
        del damaged[rng.randrange(len(data)) :]
    else:
        for _ in range(rng.randint(1, 4)):
            damaged[rng.randrange(100)] = rng.randrange(256)
    return kind, bytes(damaged)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_hundreds_of_damaged_copies_give_plain_answers_and_refusals_write_nothing(
    healthy, tmp_path
):
    runbook, state = healthy
    data = state.read_bytes()
    rng = random.Random(SEED)
    runner = CliRunner()
    outcomes: dict[int, int] = {0: 0, 1: 0}
    began = time.monotonic()
    for number in range(COPIES):
        if number >= MINIMUM and time.monotonic() - began > BUDGET_SECONDS:
            break
        kind, damaged = _damage(data, rng)
        copy = tmp_path / f"copy-{number}.db"
        copy.write_bytes(damaged)
        for command in COMMANDS:
            before = _digest(copy)
            result = runner.invoke(
                app,
                [*command, "-f", str(runbook), "--state", str(copy)],
                env={"RUNBOOK_NOW": NOW},
                catch_exceptions=False,  # an internal error fails the test with its traceback
            )
            described = f"copy {number} ({kind}), runbook {' '.join(command)}"
            assert result.exit_code in (0, 1), f"{described}: exit {result.exit_code}"
            assert "Traceback" not in result.output, described
            outcomes[result.exit_code] += 1
            if result.exit_code == 1:
                assert _digest(copy) == before, f"{described}: refused, but the file changed"
                assert result.stderr.startswith("runbook: error: "), described
                assert "Error:" not in result.stderr, described
        assert sorted(p.name for p in tmp_path.iterdir())[-1].startswith("copy-")
        copy.unlink()
    # The damage was real: many runs were refused (and many copies still read).
    assert outcomes[1] > sum(outcomes.values()) // 4, outcomes
    assert outcomes[0] > 0, outcomes


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
