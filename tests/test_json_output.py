"""`--json` output is written by orjson, byte for byte what ``json.dumps(indent=2,
ensure_ascii=False)`` writes (issue 28 §4), and by ``json`` whatever orjson would write
differently."""

from __future__ import annotations

import io
import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.cli import output
from runbook.contracts.plan import plan_contract
from runbook.format.durations import minutes
from runbook.validation.validate import validate_path

from .builders import runbook_yaml, task
from .conftest import EXAMPLES


def written(data: object, **options: object) -> bytes:
    """The bytes ``echo_json`` writes to a UTF-8 stdout."""
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8", newline="\n", write_through=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdout", stdout)
        output.echo_json(data, **options)  # type: ignore[arg-type]
        stdout.flush()
    return raw.getvalue()


def as_json_writes(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# Text as people type it and attackers send it: every plane but the lone surrogates, with
# the controls, quotes, backslashes, U+2028 and emoji json escapes or keeps.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",)) | st.sampled_from('\x00\x1f\x7f"\\\u2028\u2029'),
    max_size=30,
)
SCALARS = (
    TEXT
    | st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.integers(-(10**8), 10**8).map(minutes)  # the contracts' only floats: minutes
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(data=DATA)
def test_json_output_is_byte_for_byte_what_json_dumps_writes(data):
    assert written(data) == as_json_writes(data)


@pytest.mark.parametrize(
    "data",
    [
        {"n": 2**70},  # past 64 bits
        {1: "a key that is not text"},
        {"lone": "\udc80"},  # a surrogate, as surrogateescape reads a bad byte
    ],
)
def test_what_orjson_would_write_differently_is_written_by_json(data, monkeypatch):
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="\n")
    monkeypatch.setattr(sys, "stdout", stdout)
    output.echo_json(data)
    stdout.flush()
    expected = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert raw.getvalue() == expected.encode("utf-8", "surrogateescape")


def test_a_number_json_does_not_have_is_written_as_null_not_as_invalid_json():
    # No contract holds one (every figure is finite); json.dumps would write NaN.
    assert written({"nan": float("nan")}) == b'{\n  "nan": null\n}\n'


def test_ascii_only_output_keeps_its_escapes():
    data = {"title": "Migratie — Zürich 🚀"}
    got = written(data, ensure_ascii=True)
    assert got == (json.dumps(data, indent=2, ensure_ascii=True) + "\n").encode()
    assert b"\\u2014" in got


def test_plain_output_does_not_go_through_the_json_module(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("json.JSONEncoder used")

    monkeypatch.setattr(output.json, "JSONEncoder", refuse)
    assert written({"a": [1, "é"]}) == b'{\n  "a": [\n    1,\n    "\xc3\xa9"\n  ]\n}\n'


MULTILINGUAL = runbook_yaml(
    "Datacenter exit — Zürich",
    "2026-11-13T18:00",
    [
        task("a", "1h", title='"Μετάπτωση \\"pay\\" — 新しい 🚀"'),
        task("b", "90m", depends_on="a", title='"tab\\there, bell \\a, line\\u2028sep"'),
        task("c", "1h15m", depends_on="a", priority="nice", notes='"Achtung: Firewall"'),
    ],
    timezone="Europe/Amsterdam",
    deadline="2026-11-14T06:00",
)


@pytest.mark.parametrize(
    "name", ["minimal.yaml", "cloud-migration-weekend.yaml", "multilingual", "generated"]
)
def test_plan_json_is_byte_for_byte_what_json_dumps_writes(name, cli, write_runbook):
    if name == "multilingual":
        path = write_runbook(MULTILINGUAL)
    elif name == "generated":
        lines = [task("t0000", "30m", title='"Synthetic task — premier"')]
        lines += [
            task(f"t{i:04d}", f"{15 * (i % 5 + 1)}m", depends_on=f"t{i // 2:04d}")
            for i in range(1, 400)
        ]
        path = write_runbook(runbook_yaml("Generated", "2026-03-27T06:00", lines))
    else:
        path = EXAMPLES / name
    plan = validate_path(path).plan
    assert plan is not None
    result = cli("plan", "--json", path)
    assert result.exit_code == 0
    assert result.stdout_bytes == as_json_writes(plan_contract(plan))
