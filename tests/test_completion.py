"""Shell completion for people typing under pressure: `runbook done dba-<TAB>` offers the ids
of the runbook in use, asked the way a shell asks (bash, zsh, fish)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from .builders import golden_runbook
from .conftest import EXAMPLES

# The entry point with its fast path left out: Typer answers every request.
BY_TYPER = "from runbook.cli import _leave, _run; _leave(_run())"


def complete(
    line: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    shell: str = "bash",
    *,
    action: str = "get-args",
    by_typer: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Ask `runbook` for the completions of ``line`` as the shell's completion script does
    (the word being completed is the last one; an empty one after a trailing space); fish
    asks ``get-args`` for the values and ``is-args`` whether there are any."""
    words = line.split() + ([""] if line.endswith(" ") else [])
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RUNBOOK_", "_RUNBOOK"))}
    base |= {"_RUNBOOK_COMPLETE": f"complete_{shell}", **(env or {})}
    if shell == "bash":
        base |= {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        base |= {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": action}
    argv = ["-c", BY_TYPER] if by_typer else ["-m", "runbook"]
    return subprocess.run(
        [sys.executable, *argv], cwd=cwd, env=base, capture_output=True, text=True
    )


def offered(line: str, cwd: Path, env: dict[str, str] | None = None) -> list[str]:
    result = complete(line, cwd, env)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.split()


@pytest.fixture
def weekend(tmp_path, cli):
    """The example weekend as ./runbook.yaml, with dba-precheck running and its state cached."""
    shutil.copy(EXAMPLES / "cloud-migration-weekend.yaml", tmp_path / "runbook.yaml")
    env = {
        "RUNBOOK_FILE": str(tmp_path / "runbook.yaml"),
        "RUNBOOK_USER": "ingrid",
        "RUNBOOK_NOW": "2026-12-04T07:05",
    }
    for args in (("start", "fri-bridge-open"), ("done", "fri-bridge-open")):
        assert cli(*args, "--at", "2026-12-04T06:00", env=env).exit_code == 0
    for args in (("start", "freeze-changes"), ("done", "freeze-changes")):
        assert cli(*args, "--at", "2026-12-04T06:30", env=env).exit_code == 0
    assert cli("start", "dba-precheck", "--at", "2026-12-04T07:00", env=env).exit_code == 0
    return tmp_path


def test_done_dba_tab_offers_the_dba_tasks_with_the_running_one_first(weekend):
    ids = offered("runbook done dba-", weekend)
    assert ids[0] == "dba-precheck"
    assert {"dba-final-backup", "dba-export-ehr", "dba-import-ehr"} <= set(ids)
    assert all(i.startswith("dba-") for i in ids)


def test_start_offers_the_ready_tasks_first(weekend, cli):
    status = cli("status", "--json", env={"RUNBOOK_FILE": str(weekend / "runbook.yaml")})
    tasks = json.loads(status.stdout)["tasks"]
    ready = {t["id"] for t in tasks if t["status"] == "ready"}
    assert len(ready) > 3
    ids = offered("runbook start ", weekend)
    assert set(ids[: len(ready)]) == ready
    assert len(ids) == len(tasks)


def _ready_first(cli, folder: Path, env: dict[str, str]) -> tuple[set[str], list[str]]:
    """The tasks `runbook status` calls ready at ``env``'s moment (RUNBOOK_NOW), and every
    task id in the order `start <TAB>` should offer them then: the ready ones, then the
    others, each in the runbook's order."""
    status = cli("status", "--json", env={"RUNBOOK_FILE": str(folder / "runbook.yaml"), **env})
    assert status.exit_code == 0, status.stderr
    tasks = json.loads(status.stdout)["tasks"]
    ready = [t["id"] for t in tasks if t["status"] == "ready"]
    return set(ready), ready + [t["id"] for t in tasks if t["status"] != "ready"]


@pytest.mark.parametrize("by_typer", [False, True])
def test_start_offers_first_the_tasks_ready_at_runbook_now(weekend, cli, by_typer):
    """$RUNBOOK_NOW is the moment the command will run at: its ready tasks come first (at
    Friday 07:05 the staff notice waits for its not_before, 08:00)."""
    env = {"RUNBOOK_NOW": "2026-12-04T07:05"}
    ready, expected = _ready_first(cli, weekend, env)
    assert ready and "comms-fri-staff-notice" not in ready
    result = complete("runbook start ", weekend, env, by_typer=by_typer)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.split() == expected


@pytest.mark.parametrize("by_typer", [False, True])
def test_on_a_rehearsal_start_offers_first_the_tasks_ready_by_the_rehearsals_clock(
    tmp_path, cli, by_typer
):
    """A rehearsal on Tuesday: the staff notice, not before Friday 08:00 in the runbook, is
    ready from Tuesday 08:00 and not at 07:00, as `start` and `status` have it."""
    shutil.copy(EXAMPLES / "cloud-migration-weekend.yaml", tmp_path / "runbook.yaml")
    env = {
        "RUNBOOK_FILE": str(tmp_path / "runbook.yaml"),
        "RUNBOOK_STATE": str(tmp_path / "rehearsal.db"),
        "RUNBOOK_USER": "ingrid",
    }
    tuesday = {**env, "RUNBOOK_NOW": "2026-11-24T05:00"}
    state = env["RUNBOOK_STATE"]
    begun = cli("rehearse", "--start", "2026-11-24T06:00", "--state", state, env=tuesday)
    assert begun.exit_code == 0, begun.stderr
    for moment, kind in (("06:05", "start"), ("06:35", "done")):
        told = {**env, "RUNBOOK_NOW": f"2026-11-24T{moment}"}
        assert cli(kind, "fri-bridge-open", env=told).exit_code == 0
    for moment, notice_ready in (("07:00", False), ("08:00", True)):
        at = {**env, "RUNBOOK_NOW": f"2026-11-24T{moment}"}
        ready, expected = _ready_first(cli, tmp_path, at)
        assert ("comms-fri-staff-notice" in ready) is notice_ready
        result = complete("runbook start ", tmp_path, at, by_typer=by_typer)
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert result.stdout.split() == expected, moment


def test_a_runbook_named_with_f_is_the_one_completed(weekend, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    assert offered(f"runbook skip -f {weekend / 'runbook.yaml'} dba-pre", elsewhere) == [
        "dba-precheck"
    ]
    assert offered("runbook skip dba-pre", elsewhere) == []


def test_commands_and_options_complete(weekend):
    assert offered("runbook st", weekend) == ["start", "status"]
    assert "--team" in offered("runbook status --", weekend)


def test_team_gate_and_readiness_ids_complete(tmp_path):
    golden_runbook(tmp_path, "runbook.yaml")
    assert offered("runbook status --team d", tmp_path) == ["dba"]
    assert offered("runbook signoff l", tmp_path) == ["lab"]
    assert offered("runbook decide gate-", tmp_path) == ["gate-transfer", "gate-live"]
    assert offered("runbook decide gate-live n", tmp_path) == ["no-go"]
    assert offered("runbook check re", tmp_path) == ["rehearsal"]


def test_zsh_and_fish_show_the_title_beside_the_id(weekend):
    zsh = complete("runbook done dba-pre", weekend, shell="zsh").stdout
    assert "dba-precheck" in zsh and "DBA pre-checks" in zsh
    fish = complete("runbook done dba-pre", weekend, shell="fish").stdout
    assert fish.startswith("dba-precheck\tDBA pre-checks")


@pytest.mark.parametrize(
    "content", [None, "tasks: [not: a, runbook", "name: x\ntasks:\n  - {id: a}\n"]
)
def test_a_missing_or_broken_runbook_completes_nothing_and_prints_nothing(tmp_path, content):
    if content is not None:
        (tmp_path / "runbook.yaml").write_text(content, encoding="utf-8")
    result = complete("runbook done a", tmp_path)
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")


def test_completion_reads_the_cached_plan_not_the_yaml(weekend):
    code = (
        "import sys, types\n"
        "from runbook.cli import completion\n"
        "ctx = types.SimpleNamespace(params={})\n"
        "print(completion.running_tasks(ctx, 'dba-p'))\n"
        "print(' '.join(m for m in ('yaml', 'networkx', 'runbook.validation.validate') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=weekend, capture_output=True, text=True, check=True
    )
    first, loaded = [*out.stdout.splitlines(), ""][:2]
    assert "dba-precheck" in first
    assert loaded == ""


def test_completion_offers_every_task_of_a_1000_task_runbook_from_the_cached_plan(
    tmp_path, cli, monkeypatch
):
    # Its speed (<= 150 ms as a whole process) is a benchmark: benchmarks/run.py
    # --completion-only; here, what it answers.
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    runbook = tmp_path / "runbook.yaml"
    runbook.write_text(generate(1000), encoding="utf-8")
    env = {"RUNBOOK_FILE": str(runbook), "RUNBOOK_NOW": "2026-12-04T18:00"}
    assert cli("start", "t0000", "--by", "x", env=env).exit_code == 0  # caches the plan
    from runbook.cli import completion

    monkeypatch.chdir(tmp_path)
    ctx = SimpleNamespace(params={"file": runbook})
    ids = completion.running_tasks(ctx, "t0")
    assert ids[0] == ("t0000", "Synthetic task number 0 of the weekend")
    assert len(ids) == 1000


def test_runbook_show_completion_prints_the_script_for_each_shell(tmp_path):
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    for shell in ("bash", "zsh", "fish"):
        result = subprocess.run(
            [sys.executable, "-m", "runbook", "--show-completion", shell],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert f"_RUNBOOK_COMPLETE=complete_{shell}" in result.stdout


def test_a_check_in_pays_for_completion_with_one_small_module():
    code = (
        "import sys\n"
        "import runbook.cli.common, runbook.cli.output\n"
        "before = set(sys.modules)\n"
        "import runbook.cli.completion\n"
        "print(' '.join(sorted(set(sys.modules) - before)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["runbook.cli.completion"]


def test_a_title_is_shown_beside_its_id_as_data_on_one_line(tmp_path):
    (tmp_path / "runbook.yaml").write_text(
        "name: x\ntimezone: UTC\nstart: 2026-12-04T18:00\ntasks:\n"
        '  - {id: a, title: "[bold red]Stop[/] the world $(rm -rf ~) and then go on '
        'typing until the line is far too long for one", duration: 1h}\n',
        encoding="utf-8",
    )
    fish = complete("runbook start ", tmp_path, shell="fish").stdout
    assert fish.startswith("a\t[bold red]Stop[/] the world")
    assert fish.count("\n") <= 1 and fish.rstrip().endswith("…")


# --- Values answered without Typer ----------------------------------------------------------


def typer_commands() -> dict[str, tuple[object, list[Any]]]:
    """The Typer app's commands, each with its parameters as Typer parses them."""
    import typer

    from runbook.cli import load

    group: Any = typer.main.get_command(load())
    root = group.make_context("runbook", ["--help"], resilient_parsing=True)
    return {
        name: (cmd, cmd.get_params(cmd.make_context(name, [], parent=root, resilient_parsing=True)))
        for name, cmd in group.commands.items()
    }


def completes(param: object) -> str | None:
    """What kind of value a Typer parameter's autocompletion offers (``completion.values``)."""
    custom = getattr(param, "_custom_shell_complete", None)
    for cell in getattr(custom, "__closure__", None) or ():
        wrapped = getattr(cell.cell_contents, "__wrapped__", None)
        if wrapped is not None:
            return wrapped.kind  # type: ignore[no-any-return]
    return None


def test_the_fast_path_knows_each_command_as_typer_declares_it():
    from runbook.cli.fastcomplete import Command
    from runbook.cli.table import PARAMS

    commands = typer_commands()
    assert set(PARAMS) == {n for n, (cmd, _) in commands.items() if not hasattr(cmd, "commands")}
    for name, declared in PARAMS.items():
        known = Command(declared)
        params = commands[name][1]
        arguments = [p for p in params if p.param_type_name == "argument"]
        options = [p for p in params if p.param_type_name == "option"]
        assert known.arguments == tuple((p.name, completes(p)) for p in arguments), name
        assert known.many == any(p.nargs == -1 for p in arguments), name
        assert known.options == {
            o: (p.name, completes(p)) for p in options if not p.is_flag for o in p.opts
        }, name
        assert known.flags == {o for p in options if p.is_flag for o in p.opts}, name


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@pytest.mark.parametrize(
    "line",
    [
        "runbook done dba-",
        "runbook start ",
        "runbook start --force --json fri-",
        "runbook done --by ingrid --at 07:10 dba-",
        "runbook done --by=ingrid dba-pre",
        "runbook fail dba-p",
        "runbook skip x-nothing-like-it",
        "runbook undo dba-precheck dba-",
        "runbook note dba-pre",
        "runbook status --team d",
        "runbook log --task fri",
        "runbook plan --team a",
        "runbook signoff ",
        "runbook decide ",
    ],
)
def test_a_value_is_answered_as_typer_would_answer_it(weekend, shell, line):
    fast = complete(line, weekend, shell=shell)
    slow = complete(line, weekend, shell=shell, by_typer=True)
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        slow.returncode,
        slow.stdout,
        slow.stderr,
    )
    assert fast.stdout.strip() not in ("", "_files") or line.endswith(("nothing-like-it", " "))


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@pytest.mark.parametrize(
    "line",
    [
        "runbook decide gate-",
        "runbook decide gate-live n",
        "runbook check re",
        "runbook signoff l",
        "runbook start ",
    ],
)
def test_gates_items_and_hostile_titles_are_answered_as_typer_would(tmp_path, shell, line):
    golden_runbook(tmp_path, "runbook.yaml")
    text = (tmp_path / "runbook.yaml").read_text(encoding="utf-8")
    hostile = """'[bold red]Stop[/] it: "now" $(rm -rf ~) `x` it''s\tdone'"""
    text = text.replace("title: Change freeze", f"title: {hostile}")
    (tmp_path / "runbook.yaml").write_text(text, encoding="utf-8")
    assert "freeze" in offered("runbook start ", tmp_path)
    fast = complete(line, tmp_path, shell=shell)
    slow = complete(line, tmp_path, shell=shell, by_typer=True)
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, "")


def test_an_emoji_code_in_a_title_is_shown_as_typed(tmp_path):
    # Typer's own path draws :smile: as an emoji (rich renders descriptions); the fast path
    # shows a title as the data it is.
    golden_runbook(tmp_path, "runbook.yaml")
    text = (tmp_path / "runbook.yaml").read_text(encoding="utf-8")
    text = text.replace("title: Change freeze", "title: 'Freeze :smile:'")
    (tmp_path / "runbook.yaml").write_text(text, encoding="utf-8")
    fish = complete("runbook start fr", tmp_path, shell="fish").stdout
    assert fish == "freeze\tFreeze :smile:\n"


@pytest.mark.parametrize("line", ["runbook done dba-", "runbook done zzz"])
def test_fish_asking_whether_there_are_values_gets_typer_s_exit_code(weekend, line):
    fast = complete(line, weekend, shell="fish", action="is-args")
    slow = complete(line, weekend, shell="fish", action="is-args", by_typer=True)
    assert (
        (fast.returncode, fast.stdout)
        == (slow.returncode, slow.stdout)
        == (
            0 if line.endswith("-") else 1,
            "",
        )
    )


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_missing_runbook_is_answered_as_typer_would_with_nothing(tmp_path, shell):
    fast = complete("runbook done a", tmp_path, shell=shell)
    slow = complete("runbook done a", tmp_path, shell=shell, by_typer=True)
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, "")


def test_a_value_completion_imports_neither_typer_click_pydantic_nor_networkx(weekend):
    env = {"PYTHONPROFILEIMPORTTIME": "1"}
    result = complete("runbook done dba-", weekend, env=env)
    assert result.stdout.split()[0] == "dba-precheck"
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    assert "runbook.cli.completion" in imported
    heavy = {m.split(".")[0] for m in imported} & {
        "typer",
        "click",
        "rich",
        "pydantic",
        "networkx",
        "yaml",
        "textual",
    }
    assert heavy == set()


def test_commands_options_and_paths_are_still_left_to_typer(weekend):
    from runbook.cli.fastcomplete import answer

    def asked(line: str) -> tuple[str, int] | None:
        words = line.split() + ([""] if line.endswith(" ") else [])
        return answer(
            {
                "_RUNBOOK_COMPLETE": "complete_bash",
                "COMP_WORDS": line,
                "COMP_CWORD": str(len(words) - 1),
            }
        )

    for line in (
        "runbook st",
        "runbook done --",
        "runbook done -f ",
        "runbook done --by ",
        "runbook note dba-precheck ",
        "runbook fail dba-precheck ",
        "runbook done 'dba-",
        "runbook done -- dba-",
        "runbook done -x dba-",
        "runbook readiness --rehearsal ",
    ):
        assert asked(line) is None, line
    assert asked("runbook done dba-pre") is not None


def test_a_whole_completion_process_at_1000_tasks_imports_neither_typer_nor_the_runbook_reader(
    tmp_path, cli
):
    # Its speed (quicker than a minimal Typer app starting) is measured where the user sees it,
    # a whole process, by benchmarks/run.py --completion-only; here: what makes it quick.
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    (tmp_path / "runbook.yaml").write_text(generate(1000), encoding="utf-8")
    env = {"RUNBOOK_FILE": str(tmp_path / "runbook.yaml"), "RUNBOOK_NOW": "2026-03-27T07:00"}
    assert cli("start", "t0000", "--by", "x", env=env).exit_code == 0  # caches the plan
    line = "runbook done t0"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RUNBOOK_", "_RUNBOOK"))}
    base |= env | {"_RUNBOOK_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "runbook"],
        cwd=tmp_path,
        env=base,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert result.stdout.count('"t0') == 1000
    imported = {
        row.rsplit("|", 1)[-1].strip()
        for row in result.stderr.splitlines()
        if row.startswith("import time:") and "|" in row
    }
    assert "runbook" in imported  # (the import log is read)
    assert not imported & {"typer", "click", "pydantic", "yaml", "networkx", "rich"}
