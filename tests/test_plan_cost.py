"""What reading, validating and planning a large runbook cost, in measures that do not depend
on the machine (memory held, Python calls made), so the plan stays near its parse floor
(issue 28 §4; the wall-clock figures are benchmarks/run.py's); and the faster ways give the
same results."""

from __future__ import annotations

import gc
import hashlib
import os
import subprocess
import sys
import tracemalloc
from types import FrameType

import pytest
import yaml

from runbook.format.source import digest_of
from runbook.format.yamlsafe import Marks, read
from runbook.validation.validate import validate_bytes


def _runbook(tasks: int) -> bytes:
    """A runbook of ``tasks`` tasks in layers of ten, each depending on three tasks of the
    layer before (no dependency implied by another: no warning)."""
    lines = ["name: Cost\nstart: 2026-03-27T06:00\nteams:\n  ops: {name: Operations}\ntasks:\n"]
    for i in range(tasks):
        first = i // 10 * 10 - 10 + i % 7  # in the layer before
        deps = ", ".join(f"t{j}" for j in range(first, first + 3) if j >= 0)
        lines.append(
            f"  - id: t{i}\n    title: Move part {i} of the estate\n    team: ops\n"
            f"    phase: Saturday\n    duration: 30m\n    depends_on: [{deps}]\n"
        )
    return "".join(lines).encode()


def test_the_marks_of_a_read_runbook_weigh_less_than_1_6_times_its_values() -> None:
    # Every key and value keeps where it was written; the parser's own marks, kept as they
    # come in one list per collection, not copied into tuples in two tables per mapping.
    data = _runbook(1000)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        document = read(data)
        with_marks = tracemalloc.get_traced_memory()[0]
        document.marks = Marks()
        gc.collect()
        without = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    marks, values = with_marks - without, without - before
    assert marks < 1.6 * values


def test_validating_and_planning_makes_at_most_six_python_calls_a_task() -> None:
    # Besides PyYAML's own (an event object for each key and value): a task's validators
    # (its id, duration, dependencies and kind) and the planned task's constructor. The
    # references are checked and the plan computed over lists, not a call per task or
    # per dependency.
    data = _runbook(1000)
    validate_bytes(data, source="warm.yaml")  # the first call's imports are not counted
    yaml_package = os.path.dirname(yaml.__file__)
    calls = 0

    def count(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if event == "call" and not frame.f_code.co_filename.startswith(yaml_package):
            calls += 1

    sys.setprofile(count)
    try:
        result = validate_bytes(data, source="cost.yaml")
    finally:
        sys.setprofile(None)
    assert result.ok and not result.problems
    assert calls <= 6 * 1000


@pytest.mark.parametrize("size", [10, 3 * 1024 * 1024])
@pytest.mark.parametrize("openssl_loaded", [True, False])
def test_the_digest_of_a_runbook_is_its_sha256_whichever_implementation_computes_it(
    size: int, openssl_loaded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    expected = hashlib.sha256(data).hexdigest()
    if not openssl_loaded:  # as in a check-in, which loads neither pydantic nor OpenSSL
        monkeypatch.delitem(sys.modules, "_hashlib")
    assert digest_of(data) == expected


def test_the_format_s_schema_is_compiled_once_when_its_models_are_imported() -> None:
    # The runbook's validator holds every nested model's schema; each nested model's own is
    # built when first used (none is, to read a runbook: a section left out is the model's
    # defaults, not a validation of an empty mapping).
    code = (
        "import pydantic.plugin._schema_validator as built\n"
        "compiled = []\n"
        "compile_schema = built.SchemaValidator\n"
        "def counting(*args, **kwargs):\n"
        "    compiled.append(1)\n"
        "    return compile_schema(*args, **kwargs)\n"
        "built.SchemaValidator = counting\n"
        "from runbook.format.model import Runbook, Stage\n"
        "print(len(compiled))\n"
        "from runbook.validation.validate import validate_bytes\n"
        "result = validate_bytes(sys.stdin.buffer.read(), source='r')\n"
        "print(result.ok, len(compiled))\n"
        "Stage.model_validate({'stage': 'board', 'approvers': ['cio']})\n"
        "print(len(compiled))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import sys\n" + code],
        input=_runbook(20),
        capture_output=True,
    )
    assert out.stdout.split() == [b"1", b"True", b"1", b"2"], out.stderr
