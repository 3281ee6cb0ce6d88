"""A task renamed in the runbook mid-weekend (and the revision recorded, `runbook revise`):
its events stay visible, a notice says so, and its old id is never taken for the new one by
prefix."""

from __future__ import annotations

import json

import pytest

from runbook.usecases import Weekend
from runbook.usecases.live import Live

from .builders import minimal_runbook

NOW = "2026-12-04T19:30"
NOTICE = "events recorded for tasks no longer in the runbook: backup (2 events)"


@pytest.fixture
def renamed(tmp_path, cli, monkeypatch):
    """`backup` started and noted, then renamed `backup-db` in the runbook."""
    runbook = minimal_runbook(tmp_path, "weekend.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RUNBOOK_NOW", NOW)
    for args in (
        ("start", "freeze", "--at", "18:00"),
        ("done", "freeze", "--at", "18:15"),
        ("start", "backup", "--at", "18:20"),
        ("note", "backup", "halfway"),
    ):
        assert cli(*args, "-f", runbook, "--by", "sanne").exit_code == 0
    text = runbook.read_text(encoding="utf-8")
    text = text.replace("id: backup\n", "id: backup-db\n").replace("[backup]", "[backup-db]")
    runbook.write_text(text, encoding="utf-8")
    assert cli("revise", "-f", runbook, "--by", "ingrid").exit_code == 0
    return runbook


@pytest.mark.parametrize("given", ["backup", "back"])
def test_the_old_id_is_not_taken_for_the_new_one_by_prefix(renamed, cli, given):
    before = len(Weekend.open(renamed).events())

    result = cli("done", given, "-f", renamed, "--by", "sanne")

    assert result.exit_code == 1
    assert "no longer in the runbook" in result.stderr
    assert "backup-db" not in result.stderr.splitlines()[0]
    assert len(Weekend.open(renamed).events()) == before


@pytest.mark.parametrize("command", [("status",), ("log",), ("plan",)], ids=lambda c: c[0])
def test_reading_commands_say_which_recorded_tasks_are_gone(renamed, cli, command):
    result = cli(*command, "-f", renamed)
    assert result.exit_code == 0
    assert NOTICE in result.stderr


def test_the_log_still_shows_the_old_tasks_events_and_filters_by_its_id(renamed, cli):
    everything = cli("log", "-f", renamed)
    only = cli("log", "-f", renamed, "--task", "backup", "--json")

    assert "halfway" in everything.stdout
    assert only.exit_code == 0
    assert [e["kind"] for e in json.loads(only.stdout)] == ["start", "note"]


def test_the_dashboard_says_so_too(renamed):
    with Weekend.open(renamed) as weekend:
        Live(weekend).snapshot()
        assert NOTICE in weekend.notices


def test_the_new_id_checks_in_as_usual(renamed, cli):
    result = cli("start", "backup-db", "-f", renamed, "--by", "sanne")
    assert result.exit_code == 0
