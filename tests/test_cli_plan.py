"""`runbook validate` and `runbook plan` as a user runs them: exit codes, stdout vs stderr."""

from __future__ import annotations

import csv
import gc
import io
import json

from runbook.format.durations import format_duration

from .conftest import EXAMPLES

MINIMAL = EXAMPLES / "minimal.yaml"

BROKEN = """
    name: Broken
    start: 2026-12-04T06:00
    tasks:
      - {id: a, title: A, team: x, duration: 1h3x}
"""


def test_validate_says_valid_on_stdout_and_exits_zero(cli):
    result = cli("validate", MINIMAL)
    assert result.exit_code == 0
    assert "valid; 8 tasks, 3 teams" in result.stdout
    assert result.stderr == ""


def test_validate_reports_problems_on_stderr_and_exits_one(cli, write_runbook):
    path = write_runbook(BROKEN)
    result = cli("validate", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{path}:4:42: error: '1h3x' is not a duration" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_json_lists_problems_with_their_location(cli, write_runbook):
    path = write_runbook(BROKEN)
    result = cli("validate", "--json", path)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["problems"][0]["line"] == 4
    assert report["problems"][0]["column"] == 42


def test_warnings_do_not_fail_validation(cli, write_runbook):
    path = write_runbook(
        """
        name: Warned
        start: 2026-12-04T06:00
        tasks:
          - {id: a, title: A, duration: 1h}
        """
    )
    result = cli("validate", path)
    assert result.exit_code == 0
    assert "warning: task 'a' has no team" in result.stderr
    assert "1 warning" in result.stdout


def test_a_missing_file_is_a_clear_error(cli, tmp_path):
    result = cli("plan", tmp_path / "nope.yaml")
    assert result.exit_code == 1
    assert "nope.yaml: no such file" in result.stderr


def test_the_runbook_can_come_from_the_environment(cli):
    result = cli("validate", env={"RUNBOOK_FILE": str(MINIMAL)})
    assert result.exit_code == 0
    assert "minimal.yaml: valid" in result.stdout


def test_plan_json_prints_exactly_one_object_with_the_contract_keys(cli):
    result = cli("plan", MINIMAL, "--json")
    assert result.exit_code == 0
    plan = json.loads(result.stdout)
    assert list(plan) == [
        "name",
        "timezone",
        "start",
        "finish",
        "deadline",
        "buffer_minutes",
        "critical_path",
        "tasks",
    ]
    assert list(plan["tasks"][0]) == [
        "id",
        "title",
        "team",
        "phase",
        "duration_minutes",
        "depends_on",
        "earliest_start",
        "earliest_finish",
        "latest_start",
        "latest_finish",
        "total_float_minutes",
        "free_float_minutes",
        "critical",
        "priority",
    ]
    assert plan["finish"] == "2026-12-05T02:15:00+01:00"
    assert plan["buffer_minutes"] == 225
    assert plan["critical_path"] == ["switch-dns", "smoke-test", "done"]


def test_plan_csv_has_one_row_a_task(cli):
    result = cli("plan", MINIMAL, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows][:3] == ["freeze", "backup", "go-no-go"]
    assert rows[1]["depends_on"] == "freeze"
    assert rows[-1]["critical"] == "yes"


def test_plan_table_shows_tasks_the_critical_path_and_the_buffer(cli):
    result = cli("plan", MINIMAL, env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "switch-dns" in result.stdout
    assert "Critical path: switch-dns → smoke-test → done" in result.stdout
    assert "3h45m before the deadline" in result.stdout


def test_plan_gantt_draws_bars_grouped_by_phase_or_team(cli):
    by_phase = cli("plan", MINIMAL, "--gantt", env={"COLUMNS": "100"})
    assert by_phase.exit_code == 0
    assert "Friday night" in by_phase.stdout
    assert "█" in by_phase.stdout and "◆" in by_phase.stdout
    by_team = cli("plan", MINIMAL, "--gantt", "--group-by", "team", env={"COLUMNS": "100"})
    assert "Database team" in by_team.stdout


def test_plan_of_an_invalid_runbook_prints_problems_and_no_plan(cli, write_runbook):
    result = cli("plan", write_runbook(BROKEN), "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "is not a duration" in result.stderr


def test_a_usage_mistake_exits_two(cli):
    result = cli("plan", MINIMAL, "--format", "xml")
    assert result.exit_code == 2


def test_validate_json_stays_one_object_when_the_file_cannot_be_read(cli, tmp_path):
    result = cli("validate", "--json", tmp_path / "missing.yaml")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["problems"][0]["message"] == "no such file"


def test_milestone_takes_a_real_boolean_not_yes(cli, write_runbook):
    path = write_runbook(
        """
        name: Yes is text
        start: 2026-12-04T06:00
        tasks:
          - {id: a, title: A, team: x, milestone: yes}
        """
    )
    result = cli("validate", path)
    assert result.exit_code == 1
    assert "'tasks[0].milestone' should be true or false, not 'yes'" in result.stderr


def test_an_empty_task_list_written_as_nothing_says_there_are_no_tasks(cli, write_runbook):
    path = write_runbook(
        """
        name: Nothing yet
        start: 2026-12-04T06:00
        tasks:
        """
    )
    result = cli("validate", path)
    assert result.exit_code == 1
    assert f"{path}:3:7: error: the runbook has no tasks" in result.stderr


def test_an_empty_id_is_called_empty(cli, write_runbook):
    path = write_runbook(
        """
        name: Empty id
        start: 2026-12-04T06:00
        tasks:
          - {id: "", title: A, team: x, duration: 1h}
        """
    )
    result = cli("validate", path)
    assert "the id is empty" in result.stderr


def test_on_an_80_column_terminal_ids_times_and_figures_stay_whole(cli):
    """The big example has ids of 29 characters: titles give way, team names are shortened,
    but no id, time, duration or float is cut."""
    from rich.cells import cell_len

    big = EXAMPLES / "cloud-migration-weekend.yaml"
    tasks = json.loads(cli("plan", big, "--json").stdout)["tasks"]
    result = cli("plan", big, env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert "…" not in "".join(lines[:4])  # the header is whole
    for task in tasks:
        row = next(line for line in lines if task["id"] in line.split()[:2])
        assert row.rstrip().endswith(format_duration(task["total_float_minutes"] * 60)), row


def test_titles_show_where_there_is_room_for_them(cli):
    def table(columns: int) -> str:
        return cli("plan", MINIMAL, env={"COLUMNS": str(columns)}).stdout

    assert "Point intranet" not in table(64)  # not worth a column of a few characters
    assert "Point intranet.exam…" in table(80)
    assert "Point intranet.example.org at the cloud" in table(130)
    assert all("switch-dns" in table(n) for n in (64, 80, 130))


def test_what_validate_and_plan_built_is_left_to_the_process_end_the_last_command_s_only(cli):
    # Freeing a 10,000-task plan object by object took 20 ms as the command returned, just
    # before the process ends without tearing down (issue 28 §4); a process that runs many
    # commands holds the last one's only.
    from runbook.planning.plan import PlannedTask

    def planned_tasks() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, PlannedTask))

    assert cli("validate", MINIMAL).exit_code == 0
    with_minimal = planned_tasks()
    assert cli("plan", "--json", EXAMPLES / "cloud-migration-weekend.yaml").exit_code == 0
    assert planned_tasks() >= with_minimal + 10  # the weekend's plan, in place of the minimal
    assert cli("validate", MINIMAL).exit_code == 0
    assert planned_tasks() == with_minimal
