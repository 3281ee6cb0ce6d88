"""The review's root causes: the weekend's lateness goes to the tasks that caused it, not to
the ones that inherited it."""

from __future__ import annotations

import pytest

from runbook.contracts.reports import review_json
from runbook.reports.render.markdown import review_markdown
from runbook.reports.review import review

from .builders import chain, runbook_yaml
from .weekend_helpers import FakeClock, check, open_weekend

# a -> b -> c -> d -> e, an hour each: planned 06:00 to 11:00.
CHAIN = runbook_yaml("Chain", "2026-12-04T06:00Z", chain("abcde", teams=["t", "t", "u", "u", "u"]))


@pytest.fixture
def chain(write_runbook):
    clock = FakeClock("2026-12-04T06:00Z")
    weekend = open_weekend(write_runbook(CHAIN), clock)
    yield weekend, clock
    weekend.close()


def play(weekend, clock, *steps: tuple[str, str, str]) -> None:
    """Record (kind, task, HH:MM) check-ins in order (a failure with a reason)."""
    for kind, task, moment in steps:
        clock.set(f"2026-12-04T{moment}Z")
        check(weekend, kind, task, note="broke" if kind == "fail" else None)


def test_one_overrun_upstream_is_one_root_cause_however_many_tasks_inherit_it(chain):
    weekend, clock = chain
    play(
        weekend,
        clock,
        *[("start", "a", "06:00"), ("done", "a", "08:00")],  # an hour over
        *[("start", "b", "08:00"), ("done", "b", "09:00")],
        *[("start", "c", "09:00"), ("done", "c", "10:00")],
        *[("start", "d", "10:00"), ("done", "d", "11:00")],
        *[("start", "e", "11:00"), ("done", "e", "12:00")],
    )
    result = review(weekend)
    assert result.lateness == 3600
    assert [(c.id, c.caused, c.overrun, c.late_start) for c in result.root_causes] == [
        ("a", 3600, 3600, 0)
    ]
    assert len(result.slips) == 5  # every task finished late; only one caused it


def test_two_causes_split_the_lateness_between_them(chain):
    weekend, clock = chain
    play(
        weekend,
        clock,
        *[("start", "a", "06:00"), ("done", "a", "08:00")],  # an hour over
        *[("start", "b", "08:00"), ("done", "b", "09:00")],
        *[("start", "c", "09:30"), ("done", "c", "10:30")],  # 30m late with b done
        *[("start", "d", "10:30"), ("done", "d", "11:30")],
        *[("start", "e", "11:30"), ("done", "e", "12:30")],
    )
    result = review(weekend)
    assert result.lateness == 90 * 60
    assert [(c.id, c.caused) for c in result.root_causes] == [("a", 3600), ("c", 1800)]
    assert result.root_causes[1].late_start == 1800
    assert result.root_causes[1].overrun == 0


def test_time_won_back_shrinks_the_causes_in_proportion(chain):
    weekend, clock = chain
    play(
        weekend,
        clock,
        *[("start", "a", "06:00"), ("done", "a", "08:00")],  # an hour over
        *[("start", "b", "08:00"), ("done", "b", "09:00")],
        *[("start", "c", "09:30"), ("done", "c", "10:30")],  # 30m late with b done
        *[("start", "d", "10:30"), ("done", "d", "11:00")],  # 30m faster
        *[("start", "e", "11:00"), ("done", "e", "12:00")],
    )
    result = review(weekend)
    assert result.lateness == 3600
    assert [(c.id, c.caused) for c in result.root_causes] == [("a", 2400), ("c", 1200)]


def test_the_review_reports_the_root_causes_in_markdown_and_json(chain):
    weekend, clock = chain
    play(weekend, clock, ("start", "a", "06:00"), ("done", "a", "08:00"))
    result = review(weekend)  # b to e still to come: the forecast is an hour late
    text = review_markdown(result)
    assert "## Root causes of the lateness" in text
    assert "The weekend is forecast to finish 1h after the baseline finish." in text
    assert "| a: A | t | 1h | +1h | — | +0m |" in text  # no time lost to a failure
    data = review_json(result)
    assert data["lateness_minutes"] == 60
    assert data["root_causes"] == [
        {
            "id": "a",
            "team": "t",
            "caused_minutes": 60,
            "own_overrun_minutes": 60,
            "own_late_start_minutes": 0,
            "lost_minutes": 0,
        }
    ]


def test_a_failure_s_lost_time_is_counted_apart_from_the_task_s_own_overrun(chain):
    weekend, clock = chain
    play(
        weekend,
        clock,
        *[("start", "a", "06:00"), ("fail", "a", "06:30")],
        *[("start", "a", "07:00"), ("done", "a", "08:00")],  # 1h30m of work, 30m lost
        *[("start", "b", "08:00"), ("done", "b", "09:00")],
    )
    result = review(weekend)
    a = next(r for r in result.rows if r.id == "a")
    # planned + own overrun + lost = actual (first start to finish): 1h + 30m + 30m = 2h.
    assert (a.planned, a.own_overrun, a.lost, a.actual, a.worked) == (3600, 1800, 1800, 7200, 5400)
    assert a.came_from_text == "its own duration and its failure"
    assert [(c.id, c.caused, c.overrun, c.lost, c.late_start) for c in result.root_causes] == [
        ("a", 3600, 1800, 1800, 0)
    ]
    data = review_json(result)
    row = next(t for t in data["tasks"] if t["id"] == "a")
    assert (row["worked_minutes"], row["lost_minutes"], row["own_overrun_minutes"]) == (90, 30, 30)
    (team,) = [t for t in data["teams"] if t["team"] == "t"]
    assert (team["actual_minutes"], team["overrun_minutes"], team["lost_minutes"]) == (180, 30, 30)
    text = review_markdown(result)
    assert "| a: A | t | 1h | +30m | 30m | +0m |" in text
    assert "| a | 1h | +30m | 30m | +0m | its own duration and its failure |" in text


def test_a_weekend_on_time_has_no_root_causes(chain):
    weekend, _ = chain
    result = review(weekend)
    assert result.root_causes == []
    assert "on time or early" in review_markdown(result)
