"""The review shows every override and all the work done (issue 21 §7): every event recorded
with --force (who, when, the rule it overrode, why) in its Markdown, HTML and JSON, and the
actual start and worked time of everything that ran, a task dropped while running included.
"""

from __future__ import annotations

import html

import pytest

from runbook.store.sqlite.store import Store
from runbook.weekend.events import NewEvent

from .builders import runbook_yaml, task
from .test_contracts import conforms, json_out

# a (1h) -> b (1h); c (3h), a must-have on its own; d (1h), nice to have.
WEEKEND = runbook_yaml(
    "Overrides",
    "2026-12-05T06:00Z",
    [
        task("a"),
        task("b", depends_on="a"),
        task("c", "3h", team="u"),
        task("d", team="u", priority="nice"),
    ],
    timezone="UTC",
)
STARTED_PAST_A = "b cannot start: predecessor not done yet: a"


@pytest.fixture
def env(write_runbook, tmp_path):
    path = write_runbook(WEEKEND)
    return {
        "RUNBOOK_FILE": str(path),
        "RUNBOOK_STATE": str(tmp_path / "overrides.db"),
        "RUNBOOK_USER": "ingrid",
        "RUNBOOK_NOW": "2026-12-05T09:00Z",
    }


def run(cli, env, *args: str) -> None:
    result = cli(*args, env=env)
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def played(cli, env):
    """b started past its unfinished predecessor, and c, a running must-have, dropped after
    2h30m of work: both forced."""
    run(cli, env, "start", "a", "c", "--at", "06:00")
    run(cli, env, "start", "b", "--at", "06:30", "--force")
    run(cli, env, "drop", "c", "--reason", "vendor gave up", "--at", "08:30", "--force")
    return env


def review(cli, env, fmt: str, tmp_path) -> str:
    out = tmp_path / f"review.{fmt}"
    run(cli, env, "review", "--format", fmt, "-o", str(out))
    return out.read_text(encoding="utf-8")


def test_the_review_json_lists_every_forced_event_with_who_when_the_rule_and_why(cli, played):
    data = json_out(cli, "review", "--format", "json", env=played)
    conforms(data, "review")
    assert data["forced"] == [
        {
            "at": "2026-12-05T06:30:00+00:00",
            "task": "b",
            "kind": "start",
            "by": "ingrid",
            "overrode": STARTED_PAST_A,
            "reason": None,
            "withdrawn": False,
            "against_rules": False,  # forced, not recorded against the rules (issue 29)
            "login": None,  # a state file has no database login
        },
        {
            "at": "2026-12-05T08:30:00+00:00",
            "task": "c",
            "kind": "drop",
            "by": "ingrid",
            "overrode": (
                "c is running; finish it, or undo its start before skipping it; "
                "c is a must-have (priority must); only should and nice work is dropped"
            ),
            "reason": "vendor gave up",
            "withdrawn": False,
            "against_rules": False,
            "login": None,
        },
    ]


def test_a_task_dropped_while_running_keeps_its_actual_start_and_the_time_it_worked(cli, played):
    data = json_out(cli, "review", "--format", "json", env=played)
    c = next(t for t in data["tasks"] if t["id"] == "c")
    assert c["status"] == "skipped"
    assert (c["actual_start"], c["worked_minutes"], c["lost_minutes"]) == (
        "2026-12-05T06:00:00+00:00",
        150,
        0,
    )
    assert data["dropped"] == [
        {
            "id": "c",
            "team": "u",
            "reason": "vendor gave up",
            "actual_start": "2026-12-05T06:00:00+00:00",
            "worked_minutes": 150,
        }
    ]
    aftercare = next(r for r in data["aftercare"] if r["id"] == "c")
    assert (aftercare["actual_start"], aftercare["worked_minutes"]) == (
        "2026-12-05T06:00:00+00:00",
        150,
    )
    # Work still running keeps its figures too: a has worked 3h by 09:00.
    a = next(t for t in data["tasks"] if t["id"] == "a")
    assert (a["actual_start"], a["worked_minutes"]) == ("2026-12-05T06:00:00+00:00", 180)


def test_status_keeps_the_start_of_a_task_dropped_while_running_and_forecasts_no_more_time(
    cli, played
):
    data = json_out(cli, "status", "--json", env=played)
    c = next(t for t in data["tasks"] if t["id"] == "c")
    assert (c["status"], c["dropped"]) == ("skipped", True)
    assert (c["actual_start"], c["worked_minutes"]) == ("2026-12-05T06:00:00+00:00", 150)
    # It takes no more time: the weekend ends with b, an hour after a's planned hour.
    assert data["forecast_finish"] == "2026-12-05T10:00:00+00:00"


def test_the_review_markdown_shows_the_overrides_and_the_work_of_the_dropped_task(
    cli, played, tmp_path
):
    text = review(cli, played, "md", tmp_path)
    overrides = text.split("## Overrides (--force)")[1].split("##")[0]
    assert (
        f"- Sat 05 Dec 06:30 · b · start · ingrid · overrode: {STARTED_PAST_A} · no reason given"
        in overrides
    )
    assert "- Sat 05 Dec 08:30 · c · drop · ingrid · overrode: c is running;" in overrides
    assert "· why: vendor gave up" in overrides
    dropped = text.split("## Dropped for time")[1].split("##")[0]
    assert "| c | u | 2h30m from Sat 05 Dec 06:00 | vendor gave up |" in dropped
    per_task = text.split("## Planned against actual, per task")[1]
    assert "| c | u | skipped | 3h | — | 2h30m | — | Sat 05 Dec 09:00 | Sat 05 Dec 06:00 | — |" in (
        per_task
    )


def test_the_review_html_shows_the_overrides_and_the_work_of_the_dropped_task(
    cli, played, tmp_path
):
    page = review(cli, played, "html", tmp_path)
    section = page.split("id='overrides-force'")[1].split("</section>")[0]
    assert html.escape(STARTED_PAST_A) in section
    assert "vendor gave up" in section and "no reason given" in section
    dropped = page.split("Dropped for time")[1].split("</section>")[0]
    assert "2h30m from" in dropped


def test_a_time_far_from_the_weekend_forced_is_recorded_and_reviewed_as_an_override(cli, env):
    run(cli, env, "start", "a", "--at", "2026-11-01T10:00", "--force")
    start = next(e for e in json_out(cli, "log", "--json", env=env) if e["kind"] == "start")
    assert start["forced"] is True
    assert "more than a day before the weekend's start" in start["data"]["overrode"]
    data = json_out(cli, "review", "--format", "json", env=env)
    (forced,) = data["forced"]
    assert forced["task"] == "a" and forced["at"] == "2026-11-01T10:00:00+00:00"
    assert forced["overrode"].startswith("--at 2026-11-01 10:00 is more than a day before")


def test_a_forced_event_recorded_without_its_rule_says_the_rule_was_not_recorded(
    cli, env, tmp_path
):
    run(cli, env, "note", "a", "before anything")  # the state file, with its baseline
    store = Store.open(env["RUNBOOK_STATE"])
    assert store is not None
    moment = 1_796_452_200  # 06:30
    with store.write():
        store.append(
            NewEvent(moment, "b", "start", "sanne", "pc", None, {"forced": True}),
            recorded=moment,
        )
    store.close()
    data = json_out(cli, "review", "--format", "json", env=env)
    assert [(f["task"], f["by"], f["overrode"]) for f in data["forced"]] == [("b", "sanne", None)]
    text = review(cli, env, "md", tmp_path)
    assert "· b · start · sanne · overrode: not recorded (the event was forced before" in text
    page = review(cli, env, "html", tmp_path)
    assert "not recorded (the event was forced before" in page


def test_an_undone_override_is_listed_as_withdrawn(cli, env):
    run(cli, env, "start", "a", "--at", "06:00")
    run(cli, env, "start", "b", "--at", "06:30", "--force")
    run(cli, env, "undo", "b")
    data = json_out(cli, "review", "--format", "json", env=env)
    assert [(f["task"], f["withdrawn"]) for f in data["forced"]] == [("b", True)]
