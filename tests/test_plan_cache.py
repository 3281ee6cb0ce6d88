"""The plan cache in the state file: written by field name, read back exactly, and refused
(so the runbook is compiled again) when written by another version, never misread."""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

import pytest

from runbook.planning.plan import CACHE_FORMAT, Plan
from runbook.usecases import Weekend
from runbook.validation.validate import plan_path

from .builders import GOLDEN, minimal_runbook
from .conftest import EXAMPLES
from .weekend_helpers import FakeClock


def _compiled(path: Path) -> Plan:
    plan = plan_path(path).plan
    assert plan is not None
    return plan


@pytest.mark.parametrize(
    "runbook",
    [*sorted(EXAMPLES.glob("*.yaml")), GOLDEN / "weekend.yaml"],
    ids=lambda p: p.name,
)
def test_a_plan_reads_back_from_its_cache_exactly(runbook):
    plan = _compiled(runbook)
    assert Plan.loads(plan.dumps()) == plan


def _header(text: str) -> dict:
    """The cache's format line and header, as one dict."""
    check, header, _ = text.split("\n", 2)
    return {**json.loads(check), **json.loads(header)}


def _with_header(text: str, header: dict) -> str:
    """The cache with another format line and header (its checksum made to match)."""
    header = dict(header)
    check = {"format": header.pop("format"), "crc": header.pop("crc")}
    rest = json.dumps(header) + "\n" + text.split("\n", 2)[2]
    return json.dumps({**check, "crc": zlib.crc32(rest.encode())}) + "\n" + rest


def _swapped(text: str, table: str, first: str, second: str) -> str:
    """The cache as a version would write it whose ``table`` holds two fields the other way
    round: the header says so, and every row (a team) or line (the tasks' fields) follows it."""
    raw = _header(text)
    lines = text.split("\n")[2:]
    columns = raw["fields"][table]
    i, j = columns.index(first), columns.index(second)
    rows = [columns, lines] if table == "tasks" else [columns, *raw[table]]
    for row in rows:
        row[i], row[j] = row[j], row[i]
    return _with_header("\n".join(["", "", *lines]), raw)


@pytest.mark.parametrize(
    ("table", "first", "second"),
    [("tasks", "es", "ef"), ("tasks", "ls", "lf"), ("teams", "lead", "contact")],
)
def test_a_cache_with_fields_in_another_order_is_refused_not_misread(table, first, second):
    plan = _compiled(EXAMPLES / "minimal.yaml")
    assert Plan.loads(_swapped(plan.dumps(), table, first, second)) is None


def test_a_cache_with_a_field_more_or_less_is_refused():
    text = _compiled(EXAMPLES / "minimal.yaml").dumps()
    raw = _header(text)
    fewer = {**raw, "fields": {**raw["fields"], "tasks": raw["fields"]["tasks"][:-1]}}
    more = {**raw, "fields": {**raw["fields"], "plan": [*raw["fields"]["plan"], "owner"]}}
    assert Plan.loads(_with_header(text, fewer)) is None
    assert Plan.loads(_with_header(text, more)) is None


def test_a_cache_of_another_format_version_or_byte_order_is_refused():
    text = _compiled(EXAMPLES / "minimal.yaml").dumps()
    raw = _header(text)
    assert Plan.loads(_with_header(text, {**raw, "format": CACHE_FORMAT - 1})) is None
    assert Plan.loads(_with_header(text, {**raw, "format": CACHE_FORMAT + 1})) is None
    other = "big" if raw["byteorder"] == "little" else "little"
    assert Plan.loads(_with_header(text, {**raw, "byteorder": other})) is None
    assert Plan.loads(json.dumps({"format": 4, "fields": {}})) is None  # an older cache


def test_a_damaged_cache_is_an_error_not_a_misread_plan():
    text = _compiled(EXAMPLES / "minimal.yaml").dumps()
    damaged = text.replace("Europe/Amsterdam", "Europe'Amsterdam")
    assert damaged != text
    with pytest.raises(ValueError):
        Plan.loads(damaged)


def test_a_cached_plan_reads_a_tasks_fields_when_first_needed():
    plan = _compiled(EXAMPLES / "cloud-migration-weekend.yaml")
    cached = Plan.loads(plan.dumps())
    assert cached is not None
    assert cached.column("duration") == [t.duration for t in plan.tasks]
    assert cached.tasks[3] == plan.tasks[3]  # one task, built alone
    assert list(cached.tasks) == list(plan.tasks)
    assert cached.tasks[-1] is list(cached.tasks)[-1]  # built once


def test_a_weekend_compiles_the_runbook_again_over_a_cache_it_cannot_read(tmp_path):
    runbook = minimal_runbook(tmp_path)
    state = tmp_path / "runbook.state.db"
    clock = FakeClock("2026-12-04T18:20+01:00")
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        weekend.record("start", ["freeze"], actor="a", host="h")
        expected = weekend.plan
    db = sqlite3.connect(state)
    ((digest, text),) = db.execute("SELECT digest, plan FROM plans").fetchall()
    db.execute(
        "UPDATE plans SET plan = ? WHERE digest = ?",
        (_swapped(text, "tasks", "es", "ef"), digest),
    )
    db.commit()
    db.close()
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        assert weekend.plan == expected
    db = sqlite3.connect(state)
    ((again,),) = db.execute("SELECT plan FROM plans").fetchall()
    db.close()
    assert Plan.loads(again) == expected


def test_a_gates_stages_read_back_from_the_cache_as_stages():
    plan = _compiled(EXAMPLES / "cloud-migration-weekend.yaml")
    cached = Plan.loads(plan.dumps())
    assert cached is not None
    assert cached.gates["gonogo-1"].stages == plan.gates["gonogo-1"].stages
    project, committee = cached.gates["gonogo-1"].stages
    assert (project.name, project.approvers, project.needs) == (
        "project-team",
        ("Ingrid de Vries", "Ruud Mulder"),
        1,
    )
    assert (committee.name, committee.approvers, committee.needs) == (
        "steering-committee",
        ("CIO", "CMIO"),
        2,
    )


def test_a_cache_whose_stages_hold_their_fields_in_another_order_is_refused():
    text = _compiled(EXAMPLES / "cloud-migration-weekend.yaml").dumps()
    raw = _header(text)
    columns = raw["fields"]["stages"]
    i, j = columns.index("approvers"), columns.index("name")
    columns[i], columns[j] = columns[j], columns[i]
    at = raw["fields"]["gates"].index("stages")
    for gate in raw["gates"]:
        for stage in gate[at]:
            stage[i], stage[j] = stage[j], stage[i]
    assert Plan.loads(_with_header(text, raw)) is None
