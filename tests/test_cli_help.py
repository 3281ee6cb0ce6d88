"""Every command's --help, as a user reads it."""

from __future__ import annotations

import pytest

from runbook.cli import MODULES


@pytest.mark.parametrize(
    "command", [[], *([name] for name in MODULES)], ids=lambda c: " ".join(c) or "runbook"
)
def test_no_help_shows_a_flag_as_if_it_took_a_value(cli, command: list[str]) -> None:
    result = cli(*command, "--help", env={"COLUMNS": "120"})

    assert result.exit_code == 0, result.stderr
    assert "--help" in result.stdout
    assert "<bool>" not in result.stdout


def test_a_flag_is_still_listed_with_its_help(cli) -> None:
    result = cli("start", "--help", env={"COLUMNS": "120"})

    line = next(line for line in result.stdout.splitlines() if "--force" in line)
    assert "Override a refusal; the override is recorded and shown." in line


def test_version_prints_the_installed_version_and_needs_no_runbook(cli, tmp_path) -> None:
    from runbook import __version__

    result = cli("--version", env={"RUNBOOK_FILE": str(tmp_path / "missing.yaml")})

    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"runbook {__version__}\n"


def test_the_version_is_the_one_the_package_was_installed_as() -> None:
    from importlib.metadata import version

    from runbook import __version__

    assert version("cutover-runbook") == __version__
