"""The guard that fails a test recording at the real clock (tests/clock_guard.py) does."""

from __future__ import annotations

import textwrap

import pytest

pytest_plugins = ["pytester"]
# The tests run inside these record at the real clock, on purpose: this module's own guard
# would see them.
pytestmark = pytest.mark.real_clock("runs tests that record at the real clock")

HEADER = """
import subprocess, sys
import pytest
from typer.testing import CliRunner
from runbook.cli import app
from tests.builders import minimal_runbook

def note(tmp_path, env=None):
    runbook = minimal_runbook(tmp_path, "weekend.yaml")
    args = ["note", "freeze", "quiet", "-f", str(runbook), "--by", "x"]
    return CliRunner().invoke(app, args, env=env)
"""


@pytest.fixture
def run(pytester):
    pytester.makeconftest('pytest_plugins = ["tests.clock_guard"]\n')
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")

    def run_tests(body: str):
        pytester.makepyfile(textwrap.dedent(HEADER) + textwrap.dedent(body))
        # (The snapshot plugin's session shares a folder with this session's.)
        return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:textual-snapshot")

    return run_tests


def test_a_test_recording_at_the_real_clock_fails_and_names_the_event(run):
    result = run(
        """
        def test_records_now(tmp_path):
            assert note(tmp_path, env={"RUNBOOK_NOW": ""}).exit_code == 0
        """
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*recorded at the real clock: baseline *; note on freeze recorded at * UTC (SQLiteStore)*"]
    )


def test_what_a_subprocess_recorded_at_the_real_clock_is_found_in_its_state_file(run):
    result = run(
        """
        def test_a_writer_records_now(tmp_path):
            runbook = minimal_runbook(tmp_path, "weekend.yaml")
            writer = (
                "import sys\\n"
                "from runbook.usecases import Weekend\\n"
                "w = Weekend.open(sys.argv[1], create=True)\\n"
                "w.record('note', ['freeze'], actor='x', host='h', note='now')\\n"
            )
            subprocess.run([sys.executable, "-c", writer, str(runbook)], check=True)
        """
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*recorded at the real clock: baseline *; note on freeze recorded at *(weekend.state.db)*"]
    )


def test_a_fixed_clock_or_a_test_marked_real_clock_passes(run):
    result = run(
        """
        def test_records_at_a_fixed_moment(tmp_path):
            assert note(tmp_path, env={"RUNBOOK_NOW": "2026-12-04T19:30"}).exit_code == 0

        @pytest.mark.real_clock("its runbook is placed at the real clock")
        def test_records_now_on_purpose(tmp_path):
            assert note(tmp_path, env={"RUNBOOK_NOW": ""}).exit_code == 0
        """
    )
    result.assert_outcomes(passed=2)
