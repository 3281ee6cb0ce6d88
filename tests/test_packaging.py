"""The package as people install it: the built wheel in a fresh environment, with no source
tree in sight, and the sdist carrying what its own test suite reads."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow

NOW = "2026-12-04T06:10"  # ten minutes into the example weekend


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel built from it (``python -m build``: the wheel is built from the
    unpacked sdist, so a file the sdist forgets is missing from the wheel too)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    return out


def _only(folder: Path, pattern: str) -> Path:
    [found] = folder.glob(pattern)
    return found


def test_the_wheel_is_cutover_runbook_under_the_mit_licence_without_a_test_extra(dist):
    wheel = _only(dist, "cutover_runbook-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = HeaderParser().parsestr(zf.read(metadata).decode("utf-8"))
    assert meta["Name"] == "cutover-runbook"
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta.get_all("Provides-Extra") == ["postgres"]  # the tests' tools are a group
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "runbook/reports/render/templates/readiness.html.j2" in names
    assert any(n.startswith("runbook/tui/") and n.endswith(".tcss") for n in names)
    assert not any(n.startswith("tests/") for n in names)


def test_the_built_wheel_runs_the_main_commands_from_another_directory(dist, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    wheel = _only(dist, "cutover_runbook-*.whl")
    subprocess.run(
        [py, "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(EXAMPLES / "cloud-migration-weekend.yaml", work / "runbook.yaml")
    env = {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "RUNBOOK_NOW": NOW,
        "RUNBOOK_USER": "coordinator",
        "LANG": "C.UTF-8",
    }

    def runbook(*args: str) -> str:
        done = subprocess.run(
            [str(venv / "bin" / "runbook"), *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    where = subprocess.run(
        [py, "-c", "import runbook; print(runbook.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(venv)), where  # the installed package, not a source tree

    assert runbook("--version").startswith("runbook ")
    assert "valid" in runbook("validate")
    assert "Planned finish" in runbook("plan")
    assert '"$schema"' in runbook("schema")
    task = json.loads(runbook("plan", "--json"))["tasks"][0]["id"]
    assert runbook("start", task).startswith(f"started {task}")
    assert (work / "runbook.state.db").exists()  # beside the runbook, in this directory
    assert "1 running" in runbook("status")
    assert task in runbook("log")
    runbook("readiness", "--format", "html", "-o", "readiness.html")  # templates and CSS
    assert "<html" in (work / "readiness.html").read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in runbook("export", "ics")
    assert runbook("review").startswith("# Review")


def test_the_sdist_carries_the_tests_docs_and_examples_and_its_tests_run(dist, tmp_path):
    sdist = _only(dist, "cutover_runbook-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
        tar.extractall(tmp_path, filter="data")
    for needed in (
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "docs/runbook-v1.schema.json",
        "docs/format.md",
        "examples/cloud-migration-weekend.yaml",
        "tests/conftest.py",
        "tests/data/invalid",
        "tests/__snapshots__",
    ):
        assert any(n == needed or n.startswith(needed + "/") for n in names), needed
    assert not any("__pycache__" in n or n.startswith(".venv") for n in names)
    unpacked = _only(tmp_path, "cutover_runbook-*")
    # This environment's tools, the sdist's own package and tests: `python -m pytest` puts the
    # unpacked folder first on the path.
    where = subprocess.run(
        [sys.executable, "-c", "import runbook; print(runbook.__file__)"],
        cwd=unpacked,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(unpacked)), where
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_schema.py",
            "tests/test_invalid_runbooks.py",
        ],
        cwd=unpacked,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:]
