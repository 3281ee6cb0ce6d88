"""`runbook export ics`: the tasks as a calendar a team imports before the weekend, read back
with icalendar as a calendar application would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from icalendar.parser import Contentline

from runbook.common.text import shown
from runbook.validation.validate import validate_path

from .builders import FRIDAY_EVENING, friday, minimal_runbook, played_weekend, runbook_yaml, task
from .test_hostile_text import HOSTILE, RAW, hostile_runbook

NOW = "2026-12-01T10:00+01:00"
SLUG = "move-the-intranet-to-the-cloud"


def export(cli, runbook: Path, *args: str | Path, now: str = NOW) -> icalendar.Calendar:
    """Export ``runbook`` (with ``args``) to stdout and parse what a calendar would import."""
    result = cli("export", "ics", "-f", runbook, *args, env={"RUNBOOK_NOW": now})
    assert result.exit_code == 0, result.stderr
    return icalendar.Calendar.from_ical(result.stdout)


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    """The calendar's events by UID."""
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def utc(value: object) -> datetime:
    return value.dt.astimezone(UTC)  # type: ignore[attr-defined]


def test_every_task_is_one_event_at_its_planned_times_in_the_runbooks_zone(cli, tmp_path):
    cal = export(cli, minimal_runbook(tmp_path))
    found = events(cal)
    assert len(found) == 8
    backup = found[f"backup@{SLUG}.runbook"]
    assert str(backup["SUMMARY"]) == "backup: Full backup of the intranet database"
    # Planned 18:15 to 19:15 in Amsterdam, written with its TZID and VTIMEZONE.
    assert backup["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert utc(backup["DTSTART"]) == datetime(2026, 12, 4, 17, 15, tzinfo=UTC)
    assert utc(backup["DTEND"]) == datetime(2026, 12, 4, 18, 15, tzinfo=UTC)
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    assert str(cal["X-WR-CALNAME"]) == "Move the intranet to the cloud"
    # DTSTAMP is the moment of the export, by the injected clock.
    assert utc(backup["DTSTAMP"]) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_milestone_is_a_zero_length_event(cli, tmp_path):
    gate = events(export(cli, minimal_runbook(tmp_path)))[f"go-no-go@{SLUG}.runbook"]
    assert "DTEND" not in gate and "DURATION" not in gate
    assert utc(gate["DTSTART"]) == datetime(2026, 12, 4, 18, 15, tzinfo=UTC)


def test_the_description_names_the_team_what_the_task_waits_for_and_the_coordinator(cli, tmp_path):
    export_event = events(export(cli, minimal_runbook(tmp_path)))[f"export@{SLUG}.runbook"]
    description = str(export_event["DESCRIPTION"]).splitlines()
    assert "Team: Database team (dba): Sanne Bakker, +31 20 555 0120" in description
    assert "After: go-no-go" in description
    assert "Coordinator: Mission control (pmo): Ingrid de Vries, +31 20 555 0100" in description


def test_uids_stay_the_same_across_exports_and_when_a_title_changes(cli, tmp_path):
    runbook = minimal_runbook(tmp_path)
    first = events(export(cli, runbook))
    again = events(export(cli, runbook, now="2026-12-02T10:00+01:00"))
    assert list(again) == list(first)
    runbook.write_text(
        runbook.read_text().replace("Export the database", "Export the database (8 streams)")
    )
    renamed = events(export(cli, runbook, now="2026-12-03T10:00+01:00"))
    assert list(renamed) == list(first)
    export_uid = f"export@{SLUG}.runbook"
    assert str(renamed[export_uid]["SUMMARY"]).endswith("(8 streams)")
    # Nothing recorded yet: the same SEQUENCE (the state's revision, 0), and a later DTSTAMP,
    # which RFC 5546 takes as the newer version of the same revision.
    assert renamed[export_uid]["SEQUENCE"] == first[export_uid]["SEQUENCE"] == 0
    assert utc(renamed[export_uid]["DTSTAMP"]) > utc(first[export_uid]["DTSTAMP"])


NOW_1950 = friday("19:50")


def test_the_sequence_is_the_states_revision_and_never_the_clock(cli, tmp_path):
    runbook = minimal_runbook(tmp_path)
    played_weekend(
        runbook, [(friday(t), kind, name, note) for t, kind, name, note in FRIDAY_EVENING[:5]]
    )

    def sequences(now: str, *args: str) -> set[int]:
        return {int(e["SEQUENCE"]) for e in export(cli, runbook, *args, now=now).walk("VEVENT")}

    # Six events (the baseline the first check-in takes, then five). Exported on Monday by
    # the clock, then replayed at Friday 19:45, after the same six: the same state, so the
    # same SEQUENCE, not a lower one.
    live = sequences("2026-12-07T09:00+01:00", "--forecast")
    replayed = sequences(friday("19:45"), "--forecast")
    assert live == replayed == {6}
    assert sequences(friday("19:45")) == {6}  # the planned times too
    # A replay before the backup finished shows an earlier state: a lower revision.
    assert sequences(friday("19:00"), "--forecast") == {5}
    # Anything recorded raises it for every event, whose forecast it may move.
    note = cli("note", "backup", "tape verified", "-f", runbook, env={"RUNBOOK_NOW": NOW_1950})
    assert note.exit_code == 0, note.stderr
    assert sequences(NOW_1950, "--forecast") == {7}


def test_a_team_name_with_commas_reads_back_whole_in_vobject_and_icalendar(cli, tmp_path):
    import vobject

    runbook = minimal_runbook(tmp_path)
    team = "Network, Firewall and Telephony; on call \\ desk"  # one backslash
    text = runbook.read_text(encoding="utf-8")
    runbook.write_text(text.replace("name: Database team", f"name: '{team}'", 1), encoding="utf-8")
    result = cli("export", "ics", "-f", runbook, "--team", "dba", env={"RUNBOOK_NOW": NOW})
    assert result.exit_code == 0, result.stderr
    name = f"Move the intranet to the cloud — {team}"
    # Escaped as RFC 5545 TEXT: a comma or semicolon would otherwise end the value.
    assert "Network\\, Firewall and Telephony\\; on call \\\\ desk" in result.stdout
    # icalendar reads an X- property as it stands: its content-line parser unescapes it whole.
    raw = icalendar.Calendar.from_ical(result.stdout)["X-WR-CALNAME"].to_ical().decode()
    assert Contentline(f"X-WR-CALNAME:{raw}").parts()[2] == name
    parsed = vobject.readOne(result.stdout)
    assert parsed.x_wr_calname.value == name
    assert parsed.x_wr_timezone.value == "Europe/Amsterdam"
    backup = next(e for e in parsed.vevent_list if e.uid.value.startswith("backup@"))
    assert backup.summary.value == "backup: Full backup of the intranet database"
    assert f"Team: {team} (dba): Sanne Bakker, +31 20 555 0120" in backup.description.value


def test_a_team_calendar_holds_only_that_teams_tasks_and_says_whose_it_is(cli, tmp_path):
    cal = export(cli, minimal_runbook(tmp_path), "--team", "Database team")
    assert sorted(str(e["SUMMARY"]).split(":")[0] for e in cal.walk("VEVENT")) == [
        "backup",
        "export",
        "import",
    ]
    assert str(cal["X-WR-CALNAME"]) == "Move the intranet to the cloud — Database team"


def test_an_unknown_team_is_refused_without_a_traceback(cli, tmp_path):
    result = cli("export", "ics", "-f", minimal_runbook(tmp_path), "--team", "nobody")
    assert result.exit_code == 1
    assert "unknown team 'nobody'" in result.stderr and "Traceback" not in result.stderr


def test_each_event_rings_the_runbooks_heads_up_before_it_starts(cli, tmp_path):
    runbook = minimal_runbook(tmp_path)
    default = events(export(cli, runbook))[f"backup@{SLUG}.runbook"]
    (alarm,) = default.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt == timedelta(minutes=-30)
    assert str(alarm["DESCRIPTION"]).startswith("Starts in 30m: backup:")
    runbook.write_text(runbook.read_text() + "\nnotify:\n  heads_up: 1h15m\n")
    later = events(export(cli, runbook))[f"backup@{SLUG}.runbook"]
    assert later.walk("VALARM")[0]["TRIGGER"].dt == timedelta(hours=-1, minutes=-15)


def test_a_negative_heads_up_or_an_unknown_notify_key_is_a_located_error(cli, tmp_path):
    runbook = tmp_path / "runbook.yaml"
    runbook.write_text(
        runbook_yaml("w", "2026-12-04T18:00", [task("a")], extra="notify: {heads_up: -5m, x: 1}\n")
    )
    result = cli("validate", runbook)
    assert result.exit_code == 1
    assert "runbook.yaml:5:20: error: negative duration" in result.stderr
    allowed = "heads_up, teams, coordinator, approvers, rehearsal"
    assert f"unknown key 'x' (allowed keys: {allowed})" in result.stderr


def test_the_forecast_moves_the_events_after_a_check_in(cli, tmp_path):
    runbook = minimal_runbook(tmp_path)
    # freeze done 18:14, backup 18:15 to 19:30 (15 minutes over), ..., export failed and
    # resumed at 20:25, done 21:40, import started again at 22:05.
    played_weekend(
        runbook, [(friday(t), kind, name, note) for t, kind, name, note in FRIDAY_EVENING]
    )
    planned = events(export(cli, runbook, now=friday("22:10")))
    forecast = events(export(cli, runbook, "--forecast", now=friday("22:10")))
    backup, imported = f"backup@{SLUG}.runbook", f"import@{SLUG}.runbook"
    assert list(forecast) == list(planned)
    assert utc(planned[backup]["DTEND"]) == datetime(2026, 12, 4, 18, 15, tzinfo=UTC)
    assert utc(forecast[backup]["DTEND"]) == datetime(2026, 12, 4, 18, 30, tzinfo=UTC)
    assert utc(forecast[imported]["DTSTART"]) == datetime(2026, 12, 4, 21, 5, tzinfo=UTC)
    assert utc(forecast[imported]["DTEND"]) == datetime(2026, 12, 4, 23, 5, tzinfo=UTC)
    assert str(forecast[imported]["DESCRIPTION"]).startswith("Status: running")
    # What has started rings no more; what is still to come does.
    assert not forecast[imported].walk("VALARM")
    assert forecast[f"switch-dns@{SLUG}.runbook"].walk("VALARM")


def test_in_the_forecast_a_task_waiting_for_its_not_before_still_rings_before_it(cli, tmp_path):
    runbook = tmp_path / "runbook.yaml"
    tasks = [task("a"), task("b", depends_on="a", not_before="2026-12-04T23:00")]
    text = runbook_yaml("Night", "2026-12-04T18:00", tasks, timezone="Europe/Amsterdam")
    runbook.write_text(text, encoding="utf-8")
    played_weekend(runbook, [(friday("18:00"), "start", "a"), (friday("19:00"), "done", "a")])
    forecast = events(export(cli, runbook, "--forecast", now=friday("20:00")))
    b = forecast["b@night.runbook"]
    assert str(b["DESCRIPTION"]).startswith("Status: scheduled")
    assert utc(b["DTSTART"]) == datetime(2026, 12, 4, 22, 0, tzinfo=UTC)  # 23:00 in Amsterdam
    (alarm,) = b.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(minutes=-30)


def test_the_forecast_without_a_state_file_is_refused_with_a_hint(cli, tmp_path):
    result = cli("export", "ics", "-f", minimal_runbook(tmp_path), "--forecast")
    assert result.exit_code == 1
    assert "no state file" in result.stderr and "leave out --forecast" in result.stderr


def test_hostile_text_round_trips_as_data_and_forges_no_event(cli, tmp_path):
    runbook = hostile_runbook(tmp_path)
    result = cli("export", "ics", "-f", runbook, env={"RUNBOOK_NOW": NOW})
    assert result.exit_code == 0, result.stderr
    text = result.stdout_bytes.decode("utf-8")
    for raw in RAW:
        assert raw not in text
    lines = text.split("\r\n")  # every line ends in CRLF; no bare CR or LF inside one
    assert lines[-1] == "" and not any("\n" in line or "\r" in line for line in lines)
    cal = icalendar.Calendar.from_ical(text)
    found = list(cal.walk("VEVENT"))
    # One event per task: a line break and "BEGIN:VEVENT" in a title forge none.
    assert len(found) == len(validate_path(runbook).plan.tasks) == 3
    titled = [e for e in found if "title" in str(e["SUMMARY"])]
    assert str(titled[0]["SUMMARY"]) == f"{titled[0]['UID'].split('@')[0]}: " + shown(
        f"title {HOSTILE}"
    )
    assert shown(f"notes {HOSTILE}", one_line=False) in str(titled[0]["DESCRIPTION"])


def test_a_title_with_separators_and_line_breaks_is_one_summary(cli, tmp_path):
    runbook = tmp_path / "runbook.yaml"
    evil = "a;b,c\\\\d\\nEND:VEVENT\\nBEGIN:VEVENT\\nUID:forged"
    runbook.write_text(
        runbook_yaml("w", "2026-12-04T18:00", [f'{{id: a, title: "{evil}", duration: 1h}}'])
    )
    cal = export(cli, runbook)
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == "a@w.runbook"
    assert str(event["SUMMARY"]) == "a: a;b,c\\d␊END:VEVENT␊BEGIN:VEVENT␊UID:forged"


def test_o_writes_the_file_and_never_over_the_state(cli, tmp_path):
    runbook = minimal_runbook(tmp_path)
    played_weekend(runbook, [(friday("18:02"), "start", "freeze")])
    out = tmp_path / "team.ics"
    result = cli("export", "ics", "-f", runbook, "-o", out, env={"RUNBOOK_NOW": NOW})
    assert result.exit_code == 0, result.stderr
    assert "written to" in result.stderr and result.stdout == ""
    assert len(icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")) == 8
    state = tmp_path / "runbook.state.db"
    before = state.read_bytes()
    refused = cli("export", "ics", "-f", runbook, "-o", state)
    assert refused.exit_code == 1 and "is the state file" in refused.stderr
    assert state.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        (
            "Zorggroep Rijnland cloud migration weekend",
            "zorggroep-rijnland-cloud-migration-weekend",
        ),
        ("  Move: the *intranet*!  ", "move-the-intranet"),
        ("日本語", "runbook"),
    ],
)
def test_the_uid_is_the_task_id_at_the_runbooks_name_made_plain(name, slug):
    from runbook.reports.calendar import calendar_slug

    assert calendar_slug(name) == slug
