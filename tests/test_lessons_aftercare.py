"""Lessons learned gathered per phase and team, the aftercare handover folded from its events,
and the estimates' accuracy per team (the pure core of `runbook lesson`, `runbook aftercare`
and the review's figures)."""

from __future__ import annotations

from runbook.planning.plan import Plan
from runbook.reports.accuracy import Measured, accuracy
from runbook.validation.validate import validate_bytes
from runbook.weekend.aftercare import handover_data, handovers
from runbook.weekend.events import Event
from runbook.weekend.lessons import WHOLE_WEEKEND, by_phase_and_team, lessons

from .builders import runbook_yaml, task

PLAN_TEXT = runbook_yaml(
    "r",
    "2026-12-05T08:00",
    [
        task("export", "2h", team="dba", phase="Friday"),
        task("dns", "30m", team="network", phase="Friday", depends_on="export"),
        task("test", "1h", team="apps", phase="Saturday", depends_on="dns"),
    ],
    timezone="Europe/Amsterdam",
    extra="teams:\n  dba: {name: Databases}\n  network: {name: Network}\n  apps: {name: Apps}\n",
)


def plan() -> Plan:
    compiled = validate_bytes(PLAN_TEXT.encode(), source="r.yaml", warnings=False).plan
    assert compiled is not None
    return compiled


def event(seq: int, kind: str, task: str | None, note: str | None = None, **data: object) -> Event:
    return Event(seq, 100 * seq, 100 * seq, task, kind, "ingrid", "pc1", note, data)


def test_a_lesson_about_a_task_belongs_to_its_phase_and_team() -> None:
    [lesson] = lessons([event(1, "lesson", "dns", "lower the TTL a day ahead")], plan())
    assert (lesson.phase, lesson.team, lesson.text) == (
        "Friday",
        "network",
        "lower the TTL a day ahead",
    )


def test_a_lesson_naming_a_team_belongs_to_that_team_and_the_whole_weekend() -> None:
    [lesson] = lessons([event(1, "lesson", None, "bring spare cables", team="network")], plan())
    assert (lesson.phase, lesson.team, lesson.phase_text) == (None, "network", WHOLE_WEEKEND)


def test_lessons_are_gathered_per_phase_in_runbook_order_then_per_team() -> None:
    found = lessons(
        [
            event(1, "lesson", None, "more coffee"),
            event(2, "lesson", "test", "test data was stale"),
            event(3, "lesson", "dns", "lower the TTL"),
            event(4, "lesson", "export", "compress the export"),
            event(5, "lesson", "export", "check the disk first"),
            event(6, "note", "export", "not a lesson"),
        ],
        plan(),
    )
    groups = by_phase_and_team(found, plan())
    assert [(g.phase_text, g.team_name, [x.text for x in g.lessons]) for g in groups] == [
        ("Friday", "Databases", ["compress the export", "check the disk first"]),
        ("Friday", "Network", ["lower the TTL"]),
        ("Saturday", "Apps", ["test data was stale"]),
        (WHOLE_WEEKEND, "every team", ["more coffee"]),
    ]


def test_an_aftercare_handover_keeps_the_latest_of_each_field_and_every_note() -> None:
    found = handovers(
        [
            event(1, "aftercare", "test", "first look", owner="apps", ticket="INC-1"),
            event(2, "aftercare", "test", None, due=1_800_000_000),
            event(3, "aftercare", "test", "moved on", owner="servicedesk"),
            event(4, "note", "test", "not a handover"),
        ]
    )
    item = found["test"]
    assert (item.owner, item.due, item.ticket) == ("servicedesk", 1_800_000_000, "INC-1")
    assert item.notes == ["first look", "moved on"]
    assert item.updated == 300 and item.owned
    assert "dns" not in found


def test_an_aftercare_event_records_only_the_fields_given() -> None:
    assert handover_data("apps", None, "INC-9") == {"owner": "apps", "ticket": "INC-9"}


def test_accuracy_per_team_counts_the_tasks_within_estimate_and_the_median_and_worst_overrun() -> (
    None
):
    done = [
        Measured("a", "dba", 3600, 3000),  # 10m faster
        Measured("b", "dba", 3600, 4800, pessimistic=7200),  # 20m over, inside its range
        Measured("c", "dba", 1800, 5400, pessimistic=3600),  # 1h over, past its pessimistic
        Measured("d", "network", 1800, 1800),  # on the minute
    ]
    dba, network = accuracy(done, plan())
    assert (dba.team, dba.measured, dba.within) == ("dba", 3, 1)
    assert dba.median_overrun == 20 * 60
    assert (dba.worst_overrun, dba.worst_task) == (3600, "c")
    assert (dba.three_point, dba.within_pessimistic) == (2, 1)
    assert round(dba.share, 2) == 0.33
    assert (network.within, network.median_overrun, network.worst_overrun) == (1, 0, 0)
    assert network.share == 1.0


def test_the_median_overrun_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    [team] = accuracy([Measured("a", "apps", 600, 600), Measured("b", "apps", 600, 1800)], plan())
    assert team.median_overrun == 600
