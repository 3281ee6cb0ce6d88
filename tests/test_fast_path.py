"""A check-in without Typer (issue 28 §5): `runbook start|done|...` read and run by the fast
path from a table generated from the Typer app, with exactly what Typer would print, exit
with and record, and everything it does not fully understand left to Typer."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runbook.cli import fast, tablegen
from runbook.cli.common import StateOption
from runbook.cli.table import RUNS

from .conftest import EXAMPLES

# The entry point with its fast path left out: Typer reads every command line.
BY_TYPER = "from runbook.cli import _leave, _run; _leave(_run())"
NOW = "2026-12-04T07:05"


# --- The table --------------------------------------------------------------------------------


def test_the_table_is_the_one_the_typer_app_declares_now():
    assert tablegen.TABLE.read_text(encoding="utf-8") == tablegen.generate(), (
        f"runbook/cli/table.py is not current: run `{tablegen.REGENERATE}`"
    )


def test_every_check_in_is_run_by_the_fast_path_and_nothing_else_is():
    assert set(RUNS) == {"start", "done", "fail", "skip", "undo", "note"}
    assert all(target.startswith("runbook.cli.checkin:") for target in RUNS.values())


def test_declaring_runs_on_a_command_the_fast_path_cannot_read_is_refused():
    import typer

    app = typer.Typer()

    @app.command()
    def odd(count: int = 3, state: StateOption = None) -> None:
        """A command with an option the fast path does not read."""

    command: Any = typer.main.get_command(app)
    params = command.get_params(command.make_context("odd", [], resilient_parsing=True))
    declared = type("Declared", (), {"runs": staticmethod(lambda **kwargs: 0)})
    with pytest.raises(tablegen.NotFast, match="count"):
        tablegen.runs("odd", command, params, declared)


def test_a_new_command_module_must_be_given_its_place_in_the_help(monkeypatch):
    monkeypatch.setattr(tablegen, "ORDER", tuple(m for m in tablegen.ORDER if m != "cmd_notify"))
    with pytest.raises(tablegen.NotFast, match="cmd_notify"):
        tablegen.load_all()


# --- Reading a command line as Typer reads it -------------------------------------------------


def typer_reads(argv: list[str]) -> tuple[Any, dict[str, Any]] | None:
    """What Typer calls for ``runbook ARGV``: the check-in's function and its arguments, or
    None when it says something else (a usage error, help)."""
    import typer
    from typer._click.exceptions import ClickException
    from typer.exceptions import Exit

    from runbook.cli import load

    app = load()
    group: Any = typer.main.get_command(app)
    command = group.commands.get(argv[0]) if argv else None
    if command is None:
        return None
    try:
        with group.make_context("runbook", [argv[0]]) as root:
            context = command.make_context(argv[0], list(argv[1:]), parent=root)
    except (ClickException, Exit):
        return None
    declared = {info.callback.__name__: info.callback for info in app.registered_commands}
    return getattr(declared[argv[0]], "runs", None), dict(context.params)


def fast_reads(argv: list[str]) -> tuple[Any, dict[str, Any]] | None:
    call = fast.parse(argv)
    return None if call is None else (call[0], call[1])


@pytest.fixture
def files(tmp_path, monkeypatch):
    """The working folder: a runbook file and a directory in it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runbook.yaml").write_text("name: x\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    return tmp_path


ACCEPTED = [
    ["start", "t1"],
    ["start", "t1", "t2", "t3"],
    ["done", "t1", "--json"],
    ["start", "--force", "t1", "--by", "ana", "--at", "10:05"],
    ["start", "t1", "-f", "runbook.yaml", "--state", "s.db"],
    ["start", "t1", "--file", "missing.yaml"],
    ["start", "t1", "--file=runbook.yaml", "--by=ana", "--at="],
    ["start", "t1", "--by=-x"],
    ["start", ""],
    ["start", "t\u00e9\u4e2d", "--by", "J\u00f6rg \U0001f600"],
    ["start", "t1", "--state", "postgresql://u@h/db"],
    ["fail", "t1", "--reason", "disk full"],
    ["fail", "--reason", "", "t1", "--force"],
    ["skip", "t1", "--reason", "not needed", "--json"],
    ["undo", "t1", "t2", "--reason", "typo", "--by", "ana"],
    ["note", "t1", "the backup is slow", "--at", "10:05"],
    ["note", "t1", "a text with -dashes- in it"],
]

HANDED_TO_TYPER = [
    [],
    ["start"],
    ["start", "--help"],
    ["start", "t1", "-h"],
    ["start", "t1", "--"],
    ["start", "--", "-t1"],
    ["start", "-t1"],
    ["start", "-"],
    ["start", "t1", "--by"],
    ["start", "t1", "--by", "--force"],
    ["start", "t1", "--by", "-"],
    ["start", "t1", "--by", "a", "--by", "b"],
    ["start", "t1", "--force", "--force"],
    ["start", "t1", "--force=yes"],
    ["start", "t1", "--forc"],
    ["start", "t1", "--bogus"],
    ["start", "t1", "-fx.yaml"],
    ["start", "t1", "-f=x.yaml"],
    ["start", "t1", "-f", "folder"],
    ["start", "t1", "--file", ""],
    ["start", "t1", "--file="],
    ["start", "t1", "--reason", "why"],
    ["start", "t1", "--version"],
    ["Start", "t1"],
    ["--version"],
    ["status"],
    ["baseline"],
    ["fail", "t1"],
    ["fail", "t1", "t2", "--reason", "x"],
    ["note", "t1"],
    ["note", "t1", "a", "b"],
    ["undo", "t1", "--at", "10:05"],
    ["start", "t\x00"],
]


@pytest.mark.parametrize("argv", ACCEPTED, ids=lambda a: " ".join(a) or "-")
def test_a_command_line_the_fast_path_reads_gets_exactly_what_typer_gives(files, argv):
    read = fast_reads(argv)
    assert read is not None, "the fast path should read this command line"
    assert read == typer_reads(argv)


@pytest.mark.parametrize("argv", HANDED_TO_TYPER, ids=lambda a: " ".join(a) or "-")
def test_a_command_line_the_fast_path_does_not_fully_understand_is_left_to_typer(files, argv):
    assert fast_reads(argv) is None


WORDS = st.sampled_from(
    [
        "start", "done", "fail", "skip", "undo", "note", "status", "t1", "t 2", "", "-", "--",
        "-f", "--file", "--file=runbook.yaml", "runbook.yaml", "folder", "missing.yaml",
        "--state", "s.db", "--by", "ana", "--by=", "--at", "10:05", "--at=-1h", "--force",
        "--force=1", "--json", "-h", "--help", "--reason", "why", "-fx", "--bogus", "-x",
        "--forc", "--version", "-f=runbook.yaml", "=", "--=x",
    ]
)  # fmt: skip


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(argv=st.lists(WORDS, max_size=7))
def test_whatever_the_fast_path_reads_typer_reads_the_same_way(files, argv):
    read = fast_reads(argv)
    if read is not None:
        assert read == typer_reads(argv)


# --- The same output, exit code and state, run both ways --------------------------------------


@pytest.fixture(scope="module")
def weekend(tmp_path_factory):
    """The example weekend (it has gates) with two tasks done and dba-precheck running."""
    folder = tmp_path_factory.mktemp("weekend")
    shutil.copy(EXAMPLES / "cloud-migration-weekend.yaml", folder / "runbook.yaml")
    env = environment(folder)
    for args in (
        ("start", "fri-bridge-open", "--at", "2026-12-04T06:00"),
        ("done", "fri-bridge-open", "--at", "2026-12-04T06:10"),
        ("start", "freeze-changes", "--at", "2026-12-04T06:30"),
        ("done", "freeze-changes", "--at", "2026-12-04T06:40"),
        ("start", "dba-precheck", "--at", "2026-12-04T07:00"),
    ):
        done = runbook(list(args), folder, env)
        assert done.returncode == 0, done.stderr
    return folder


def environment(folder: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RUNBOOK_", "_RUNBOOK"))}
    return base | {
        "RUNBOOK_FILE": str(folder / "runbook.yaml"),
        "RUNBOOK_USER": "ingrid",
        "RUNBOOK_NOW": NOW,
        **extra,
    }


def runbook(
    argv: list[str], cwd: Path, env: dict[str, str], *, by_typer: bool = False
) -> subprocess.CompletedProcess[str]:
    entry = ["-c", BY_TYPER] if by_typer else ["-m", "runbook"]
    return subprocess.run(
        [sys.executable, *entry, *argv], cwd=cwd, env=env, capture_output=True, text=True
    )


def both_ways(weekend: Path, tmp_path: Path, argv: list[str], **extra: str) -> None:
    """Run ``argv`` on two copies of the weekend, by the fast path and by Typer: the same
    exit code, stdout and stderr, and the same log after it."""
    results = []
    for way in ("fast", "typer"):
        folder = tmp_path / way
        shutil.copytree(weekend, folder)
        env = environment(folder, **extra)
        done = runbook(argv, folder, env, by_typer=way == "typer")
        log = runbook(["log", "--json"], folder, env)
        assert log.returncode == 0, log.stderr
        results.append((done.returncode, done.stdout, done.stderr, json.loads(log.stdout)))
    assert results[0] == results[1]


BOTH_WAYS = [
    ["start", "dba-final-backup"],  # refused: its predecessor is still running
    ["start", "dba-final-backup", "--force", "--by", "mission control"],
    ["done", "dba-precheck", "--at", "07:04"],
    ["done", "dba-pre", "--json"],
    ["done", "dba-precheck", "--at", "09:00"],  # in the future
    ["done", "dba-precheck", "--at", "half past"],
    ["start", "no-such-task"],
    ["start", "dba"],  # ambiguous
    ["fail", "dba-precheck", "--reason", "the disk is full"],
    ["skip", "dba-final-backup", "--reason", "taken yesterday", "--json"],
    ["undo", "dba-precheck", "--reason", "wrong task"],
    ["note", "dba-precheck", "[bold red]looks[/] fine \x1b[31m", "--by", "Jörg"],
    ["start", "dba-precheck", "--file", "missing.yaml"],
    ["start", "dba-precheck", "--file", "."],  # a directory: Typer says so
    ["start", "dba-precheck", "--bogus"],
    ["start", "--help"],
    ["done"],
]


@pytest.mark.slow
@pytest.mark.parametrize("argv", BOTH_WAYS, ids=lambda a: " ".join(a))
def test_a_check_in_prints_exits_and_records_the_same_by_the_fast_path_and_by_typer(
    weekend, tmp_path, argv
):
    both_ways(weekend, tmp_path, argv)


@pytest.mark.slow
def test_a_check_in_on_a_state_that_does_not_exist_yet_is_recorded_the_same_both_ways(
    weekend, tmp_path
):
    both_ways(weekend, tmp_path, ["start", "dba-precheck"], RUNBOOK_STATE="rehearsal.db")


def test_a_check_in_by_the_fast_path_imports_neither_typer_nor_pydantic_nor_rich(weekend):
    code = (
        "import os, sys\n"
        "from runbook.cli import main\n"
        "sys.argv = ['runbook', 'note', 'dba-precheck', 'on its way']\n"
        "leave = os._exit\n"
        "def look(code):\n"
        "    sys.stdout.flush()\n"
        "    sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)))\n"
        "    sys.stderr.flush()\n"
        "    leave(code)\n"
        "os._exit = look\n"
        "main()\n"
    )
    folder = weekend.parent / "imports"
    shutil.copytree(weekend, folder, dirs_exist_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", code], env=environment(folder), capture_output=True, text=True
    )
    assert "note on dba-precheck" in out.stdout, out.stderr
    loaded = set(out.stderr.rsplit("MODULES ", 1)[-1].split())
    for heavy in ("typer", "click", "pydantic", "rich", "yaml", "networkx", "_hashlib", "socket"):
        assert heavy not in loaded, f"a check-in imported {heavy}"


def test_with_runbook_debug_set_a_check_in_goes_through_typer(monkeypatch):
    monkeypatch.setenv("RUNBOOK_DEBUG", "1")
    called = []
    monkeypatch.setattr(fast, "parse", lambda argv: called.append(argv))
    import runbook.cli as cli

    monkeypatch.setattr(cli, "_run", lambda: 0)
    monkeypatch.setattr(cli, "_leave", lambda code: None)
    monkeypatch.setattr(sys, "argv", ["runbook", "start", "x"])
    cli.main()
    assert called == []


# --- How the fast path ends a command, as Typer's main ends it --------------------------------


def _ended(exc: BaseException) -> int:
    def raising(**kwargs: Any) -> int:
        raise exc

    return fast.run((raising, {}))


def test_an_interrupted_check_in_exits_130_without_a_word_as_under_typer(capsys):
    assert _ended(KeyboardInterrupt()) == 130
    assert capsys.readouterr() == ("", "")


def test_a_closed_pipe_ends_the_check_in_with_1_as_under_typer():
    assert _ended(BrokenPipeError(32, "Broken pipe")) == 1


def test_another_os_error_is_left_to_the_entry_point_as_a_bug(capsys):
    with pytest.raises(PermissionError):
        _ended(PermissionError(13, "Permission denied"))


def test_a_refusal_says_its_message_and_exits_with_its_code(capsys):
    from runbook.common.errors import Refused

    assert _ended(Refused("t1 cannot start", hint="start t0 first")) == 1
    err = capsys.readouterr().err
    assert err == "runbook: error: t1 cannot start\n  hint: start t0 first\n"


def test_the_end_of_input_is_said_as_typer_says_it(capsys, monkeypatch):
    import typer.core

    monkeypatch.setattr(typer.core, "HAS_RICH", False)
    assert _ended(EOFError()) == 1
    assert capsys.readouterr().err == "\nAborted!\n"


# --- Output written as Typer writes it --------------------------------------------------------


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    encoding = "utf-8"
    errors = "strict"

    def isatty(self) -> bool:
        return True


def streams() -> list[tuple[str, Any]]:
    def wrapper(encoding: str) -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict")

    return [
        ("utf-8 file", lambda: wrapper("utf-8")),
        ("latin-1 file", lambda: wrapper("latin-1")),
        ("ascii file", lambda: wrapper("ascii")),
        ("terminal", Terminal),
        ("no encoding", io.StringIO),
        ("binary", io.BytesIO),
    ]


def _written(stream: Any) -> bytes | str:
    if isinstance(stream, io.TextIOWrapper):
        stream.flush()
        return stream.buffer.getvalue()  # type: ignore[attr-defined,no-any-return]
    return stream.getvalue()  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind,make", streams(), ids=[s[0] for s in streams()])
@pytest.mark.parametrize("err", [False, True], ids=["stdout", "stderr"])
def test_a_line_is_written_to_any_stream_exactly_as_typer_writes_it(monkeypatch, kind, make, err):
    import typer

    from runbook.cli import terminal

    text = "\x1b[1mstarted\x1b[0m t1 — Jörg’s task · 中 \U0001f600"
    name = "stderr" if err else "stdout"
    written = []
    for echo in (terminal.echo, typer.echo):
        stream = make()
        monkeypatch.setattr(sys, name, stream)
        try:
            echo(text, err=err)
        except UnicodeEncodeError as exc:
            written.append(("error", exc.reason))
        else:
            written.append(_written(stream))
    assert written[0] == written[1]


def test_a_style_is_written_exactly_as_typer_writes_it():
    import typer

    from runbook.cli import terminal

    colours = ["red", "green", "yellow", "blue", "magenta", "cyan", "white", None]
    for fg in colours:
        for bold in (True, False, None):
            assert terminal.style("x", fg=fg, bold=bold) == typer.style("x", fg=fg, bold=bold)
