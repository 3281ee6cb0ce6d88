"""The layout shows the architecture: packages, not loose modules; no import cycle; the
layers import-linter keeps (docs/architecture.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx
import pytest

import runbook

PACKAGE = Path(runbook.__file__).parent


def test_the_package_has_no_loose_modules():
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"]


def test_every_package_says_what_it_is_for():
    for init in PACKAGE.rglob("__init__.py"):
        text = init.read_text(encoding="utf-8").strip()
        assert text.startswith('"""'), f"{init} has no docstring"


SIZE_LIMIT = 550  # lines; a module past it says why it is one module (issue 26)


def test_a_module_over_the_size_limit_starts_by_saying_why_it_is_one_module():
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > SIZE_LIMIT:
            reason = lines[0].removeprefix("# Size:").strip() if lines else ""
            if not lines[0].startswith("# Size:") or len(reason) < 20:
                unexplained.append(f"{path.relative_to(PACKAGE)} ({len(lines)} lines)")
    assert unexplained == [], "start each with a '# Size: why' comment, or split it"


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    imports = grimp.build_graph("runbook")
    found = nx.DiGraph()
    for module in imports.modules:
        found.add_node(module)
        for imported in imports.find_modules_directly_imported_by(module):
            found.add_edge(module, imported)
    return found


def test_no_module_takes_part_in_an_import_cycle(graph):
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], f"import cycles: {cycles[:5]}"


def test_the_import_linter_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=PACKAGE.parent, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_the_dashboard_app_stays_a_composition_of_small_parts():
    # Issue 26 §3: the app composes widgets and routes the store thread's answers; its keys
    # live in actions.py, checkin.py and replaying.py. About 200 lines, not a second home.
    lines = (PACKAGE / "tui" / "app.py").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 240, f"tui/app.py has {len(lines)} lines: move a concern out of it"
