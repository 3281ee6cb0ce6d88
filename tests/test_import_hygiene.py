"""The core never imports a front end (Typer, Textual, rich): one core, two faces."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import runbook

FACES = ("runbook.cli", "runbook.tui")


def _core_modules() -> list[str]:
    """Every module of the package below the faces (found on disk, so a new one is covered)."""
    root = Path(runbook.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name != "runbook.__main__" and not name.startswith(FACES):
            found.append(name)
    return found


CORE = _core_modules()


def _imported_after(modules: list[str]) -> set[str]:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print('\\n'.join(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_every_core_module_is_checked():
    assert len(CORE) > 40
    assert "runbook.usecases" in CORE and "runbook.reports.readiness" in CORE


def test_the_core_imports_no_front_end():
    loaded = _imported_after(CORE)
    for front_end in ("typer", "textual", "rich", "runbook.cli", "runbook.tui"):
        assert front_end not in loaded, f"the core imported {front_end}"


def test_reading_a_cached_plan_needs_neither_yaml_nor_pydantic_nor_networkx():
    loaded = _imported_after(["runbook.planning.plan"])
    for heavy in ("yaml", "pydantic", "networkx"):
        assert heavy not in loaded, f"runbook.planning.plan imported {heavy}"


def test_every_command_is_mapped_to_the_module_that_defines_it():
    from runbook.cli import MODULES, load

    app = load()
    registered = {c.name or c.callback.__name__ for c in app.registered_commands}
    registered |= {g.name for g in app.registered_groups}
    assert registered == set(MODULES)


def test_a_check_in_loads_only_the_check_in_commands():
    code = (
        "import sys\n"
        "from runbook.cli import _needed, load\n"
        "app = load(_needed(['start', 'x']))\n"
        "print(len(app.registered_commands))\n"
        "print(' '.join(m for m in ('runbook.cli.cmd_reports', 'runbook.cli.cmd_control', "
        "'textual', 'rich.table') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, loaded = [*out.stdout.splitlines(), ""][:2]
    assert int(count) == 7
    assert loaded == ""


def test_a_check_in_on_an_sqlite_state_never_imports_psycopg(tmp_path):
    runbook_file = tmp_path / "minimal.yaml"
    example = Path(runbook.__file__).parent.parent / "examples" / "minimal.yaml"
    runbook_file.write_bytes(example.read_bytes())
    code = (
        "import os, sys\n"
        "from runbook.cli import main\n"
        f"sys.argv = ['runbook', 'start', 'freeze', '-f', {str(runbook_file)!r}, '--by', 'ana']\n"
        "leave = os._exit\n"  # the CLI leaves through os._exit: look just before it does
        "def look(code):\n"
        "    print('psycopg' in sys.modules, 'runbook.store.postgres' in sys.modules)\n"
        "    sys.stdout.flush()\n"
        "    leave(code)\n"
        "os._exit = look\n"
        "main()\n"
    )
    fixed = {**os.environ, "RUNBOOK_NOW": "2026-12-04T18:00"}  # never the real clock
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=fixed)
    assert (tmp_path / "minimal.state.db").exists(), out.stderr
    assert out.stdout.split()[-2:] == ["False", "False"]


def test_the_spreadsheet_and_round_trip_libraries_load_only_when_a_file_is_imported_or_exported():
    """openpyxl, defusedxml and ruamel.yaml are imported by the few modules that use them,
    inside the function that needs them: not by any core module on import, and not by the
    command line's start-up with every command registered."""
    heavy = ("openpyxl", "ruamel", "defusedxml")
    loaded = _imported_after(CORE)
    assert not [m for m in heavy if m in loaded]
    code = (
        "import sys\n"
        "from runbook.cli import load\n"
        "load()\n"
        "print(' '.join(m for m in ('openpyxl', 'ruamel', 'defusedxml') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _loaded_by_command(args: list[str]) -> tuple[set[str], str]:
    """The modules a whole ``runbook`` command line had loaded when it left, and its stdout."""
    code = (
        "import os, sys\n"
        "from runbook.cli import main\n"
        f"sys.argv = ['runbook', *{args!r}]\n"
        "leave = os._exit\n"  # the CLI leaves through os._exit: look just before it does
        "def look(code):\n"
        "    sys.stdout.flush()\n"
        "    sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)))\n"
        "    sys.stderr.flush()\n"
        "    leave(code)\n"
        "os._exit = look\n"
        "main()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return set(out.stderr.rsplit("MODULES ", 1)[-1].split()), out.stdout


def test_planning_a_runbook_without_a_cycle_never_imports_networkx_nor_the_use_cases(tmp_path):
    """networkx is only needed to report a cycle (issue 28 §4: 60 ms of a 10,000-task plan),
    and the weekend's use cases only when there is a weekend."""
    example = Path(runbook.__file__).parent.parent / "examples" / "cloud-migration-weekend.yaml"
    runbook_file = tmp_path / "weekend.yaml"
    runbook_file.write_bytes(example.read_bytes())
    for args in (["plan", "--json", str(runbook_file)], ["validate", str(runbook_file)]):
        loaded, stdout = _loaded_by_command(args)
        assert stdout and "runbook.validation.validate" in loaded
        assert "networkx" not in loaded, args
        assert "runbook.usecases" not in loaded, args


def test_validating_a_runbook_and_planning_it_as_json_never_import_rich(tmp_path):
    """Neither draws a table: ``validate`` says one line, ``plan --json`` writes JSON (issue
    28 §4: rich and the plan table's imports were a twentieth of validating 10,000 tasks)."""
    example = Path(runbook.__file__).parent.parent / "examples" / "cloud-migration-weekend.yaml"
    runbook_file = tmp_path / "weekend.yaml"
    runbook_file.write_bytes(example.read_bytes())
    for args in (["plan", "--json", str(runbook_file)], ["validate", str(runbook_file)]):
        loaded, stdout = _loaded_by_command(args)
        assert stdout and "runbook.validation.validate" in loaded
        assert "rich" not in loaded, args


def test_a_runbook_with_a_cycle_is_still_reported_with_its_path(tmp_path):
    runbook_file = tmp_path / "cycle.yaml"
    runbook_file.write_text(
        "name: C\nstart: 2026-12-04T06:00\ntasks:\n"
        "  - {id: a, title: A, duration: 1h, depends_on: b}\n"
        "  - {id: b, title: B, duration: 1h, depends_on: a}\n",
        encoding="utf-8",
    )
    loaded, _ = _loaded_by_command(["validate", str(runbook_file)])
    assert "networkx" in loaded
    done = subprocess.run(
        [sys.executable, "-m", "runbook", "validate", str(runbook_file)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "dependency cycle: a -> b -> a" in done.stderr


def _run_python(code: str, plugins: str | None = None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if plugins is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = plugins
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


VALIDATE = (
    "from runbook.validation.validate import validate_bytes\n"
    "result = validate_bytes(b'name: N\\nstart: 2026-12-04T06:00\\ntasks:\\n"
    "  - {id: a, title: A, team: ops, duration: 1h}\\nteams: {ops: {}}\\n', source='r')\n"
)


def test_building_the_format_s_models_looks_for_no_pydantic_plugins():
    """Pydantic's plugins are looked for in every installed package's entry points when the
    first model is built (issue 28 §4); the format's models do without them."""
    code = (
        "import importlib.metadata, os\n"
        "def refuse(*args, **kwargs):\n"
        "    raise AssertionError('entry points scanned')\n"
        "importlib.metadata.entry_points = refuse\n"
        + VALIDATE
        + "print(result.ok, os.environ['PYDANTIC_DISABLE_PLUGINS'])\n"
    )
    assert _run_python(code) == ["True", "__all__"]
    # A choice the user made stays theirs, and pydantic's own loader serves it.
    code = (
        "import os, runbook.format.model, pydantic.plugin._loader as loader\n"
        "print(os.environ['PYDANTIC_DISABLE_PLUGINS'], loader.__file__.endswith('_loader.py'))\n"
    )
    assert _run_python(code, plugins="logfire-plugin") == ["logfire-plugin", "True"]


def test_with_every_pydantic_plugin_off_importlib_metadata_is_never_imported():
    """Importing pydantic's plugin loader imports importlib.metadata (12 ms, issue 28 §4),
    although with every plugin off it finds none without looking: a stand-in answers."""
    code = VALIDATE + (
        "import sys\n"
        "from pydantic.plugin._loader import get_plugins\n"
        "print(result.ok, 'importlib.metadata' in sys.modules, list(get_plugins()))\n"
    )
    assert _run_python(code) == ["True", "False", "[]"]
    # Whatever else pydantic may ask of its loader comes from the loader itself.
    code = VALIDATE + (
        "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP, get_plugins\n"
        "print(result.ok, PYDANTIC_ENTRY_POINT_GROUP, list(get_plugins()))\n"
    )
    assert _run_python(code) == ["True", "pydantic", "[]"]
