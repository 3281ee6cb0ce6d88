"""`runbook notify`: what is sent to whom, once, through the outbox, to real receivers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from runbook.notify.addresses import addresses
from runbook.notify.outbox import notify_round
from runbook.notify.send import send
from runbook.usecases import Weekend
from runbook.validation.validate import plan_path
from runbook.weekend.outbox import CLAIM_SECONDS

from .builders import friday
from .conftest import EXAMPLES
from .processes import Watched
from .receivers import HttpReceiver, free_port, start_http_receiver, start_smtp_receiver
from .weekend_helpers import FakeClock


@pytest.fixture
def receiver():
    got, server = start_http_receiver()
    yield got
    server.shutdown()
    server.server_close()


def notify_block(receiver: HttpReceiver, *, extra_dba: str = "", heads_up: str = "30m") -> str:
    dba = [receiver.url("dba"), *([extra_dba] if extra_dba else [])]
    return (
        "notify:\n"
        f"  heads_up: {heads_up}\n"
        "  teams:\n"
        f"    dba: {json.dumps(dba)}\n"
        f"    apps: {json.dumps([receiver.url('apps')])}\n"
        f"  coordinator: {json.dumps([receiver.url('coordinator')])}\n"
        "gates:\n"
        "  go-no-go: {rollback: 2h}\n"
    )


@pytest.fixture
def weekend_file(tmp_path: Path, receiver: HttpReceiver):
    """The minimal example (freeze 18:00 by pmo, backup 18:15 by dba, the go-no-go gate at
    19:15, export and import by dba, switch-dns at 01:00 by apps; deadline 06:00) with
    addresses for dba, apps and mission control on the local receiver."""

    def write(**options: str) -> Path:
        path = tmp_path / "runbook.yaml"
        text = (EXAMPLES / "minimal.yaml").read_text(encoding="utf-8")
        path.write_text(text + "\n" + notify_block(receiver, **options), encoding="utf-8")
        return path

    return write


def at(hhmm: str) -> dict[str, str]:
    return {"RUNBOOK_NOW": friday(hhmm)}


def record(cli, path: Path, kind: str, task: str, hhmm: str, *more: str) -> None:
    result = cli(kind, task, *more, "-f", path, "--by", "ingrid", env=at(hhmm))
    assert result.exit_code == 0, result.stderr


def notify_at(cli, path: Path, hhmm: str, *more: str, env: dict[str, str] | None = None):
    return cli("notify", "-f", path, "--once", *more, env={**at(hhmm), **(env or {})})


def test_a_team_hears_a_heads_up_within_heads_up_and_you_re_up_when_its_task_is_ready(
    cli, weekend_file, receiver, state_location
):
    path = weekend_file()
    state = ("--state", state_location) if state_location else ()
    assert notify_at(cli, path, "17:40", *state).exit_code == 0
    assert receiver.to("dba") == []  # backup is 35 minutes away: too early
    assert notify_at(cli, path, "17:50", *state).exit_code == 0
    [heads_up] = receiver.to("dba")
    assert heads_up.title == "Heads-up: backup at Fri 18:15"
    assert "forecast to be ready at Fri 18:15, in 25m" in heads_up.message
    assert "Still waiting for: freeze" in heads_up.message

    record(cli, path, "start", "freeze", "18:00", *state)
    record(cli, path, "done", "freeze", "18:10", *state)
    result = notify_at(cli, path, "18:11", *state)
    assert result.exit_code == 0, result.stderr
    assert "You're up: backup" in result.stdout
    up = receiver.to("dba")[-1]
    assert up.title == "You're up: backup"
    assert "Full backup of the intranet database (backup) can start now." in up.message
    assert "freeze done Fri 18:10 (by ingrid)" in up.message
    assert "Mission control: Mission control - Ingrid de Vries - +31 20 555 0100" in up.message
    assert "runbook start backup" in up.message


def test_nothing_is_sent_twice_by_a_second_run_or_a_restart(
    cli, weekend_file, receiver, state_location
):
    path = weekend_file()
    state = ("--state", state_location) if state_location else ()
    record(cli, path, "start", "freeze", "18:00", *state)
    record(cli, path, "done", "freeze", "18:10", *state)
    assert notify_at(cli, path, "18:11", *state).exit_code == 0
    assert notify_at(cli, path, "18:12", *state).exit_code == 0
    assert notify_at(cli, path, "18:13", *state).stdout == ""
    assert receiver.titles("dba") == ["You're up: backup"]
    # Later work gives new notices, and only those: export follows backup (and the gate)
    # at 19:15.
    record(cli, path, "start", "backup", "18:15", *state)
    assert notify_at(cli, path, "18:40", *state).stdout == ""  # 35 minutes away
    assert notify_at(cli, path, "18:50", *state).exit_code == 0
    assert notify_at(cli, path, "18:55", *state).stdout == ""
    # Export is behind the gate, which has no decision yet: its heads-up says so.
    assert receiver.titles("dba") == [
        "You're up: backup",
        "Heads-up: export waits for the GO at go-no-go",
    ]
    assert receiver.to("coordinator") == []
    status = cli("notify", "-f", path, "--status", *state, env=at("18:56"))
    assert status.exit_code == 0
    assert status.stdout.startswith("outbox: 2 sent, 0 waiting, 0 dropped")


def test_two_senders_at_once_send_each_message_once(tmp_path, weekend_file, receiver, cli):
    path = weekend_file()
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    env = {**os.environ, **at("18:11")}
    runbook = [sys.executable, "-m", "runbook", "notify", "-f", str(path), "--once"]
    procs = [subprocess.Popen(runbook, env=env, stdout=subprocess.PIPE) for _ in range(4)]
    outputs = [p.communicate(timeout=60)[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert receiver.titles("dba") == ["You're up: backup"]
    assert sum(out.count("You're up: backup") for out in outputs) == 1


def test_mission_control_hears_a_failure_an_overrun_and_a_no_go(cli, weekend_file, receiver):
    path = weekend_file()
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    record(cli, path, "start", "backup", "18:15")
    record(cli, path, "fail", "backup", "18:40", "--reason", "tape library offline")
    assert notify_at(cli, path, "18:41").exit_code == 0
    assert receiver.titles("coordinator") == ["ALERT: backup FAILED: tape library offline"]
    # A second failure of the same task is news again.
    record(cli, path, "start", "backup", "18:50")
    record(cli, path, "fail", "backup", "18:55", "--reason", "tape library offline")
    assert notify_at(cli, path, "18:56").exit_code == 0
    assert receiver.titles("coordinator") == ["ALERT: backup FAILED: tape library offline"] * 2
    record(cli, path, "start", "backup", "19:00")
    assert notify_at(cli, path, "19:40").exit_code == 0  # 1h10m of a 1h task, failures aside
    assert receiver.titles("coordinator")[2] == (
        "Warning: backup has run 1h10m, 10m over its planned 1h"
    )
    record(cli, path, "done", "backup", "19:45")
    record(cli, path, "decide", "go-no-go", "19:50", "no-go", "--note", "backup unreadable")
    assert notify_at(cli, path, "19:51").exit_code == 0
    nogo = receiver.to("coordinator")[-1]
    assert nogo.title == "NO-GO at go-no-go"
    assert "decided by ingrid at Fri 19:50" in nogo.message
    assert "Reason: backup unreadable" in nogo.message


def test_each_message_goes_out_as_the_apprise_type_of_what_it_says(cli, weekend_file, receiver):
    path = weekend_file()
    assert notify_at(cli, path, "17:50").exit_code == 0
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    assert notify_at(cli, path, "18:11").exit_code == 0
    assert receiver.types("dba") == [
        ("info", "Heads-up: backup at Fri 18:15"),
        ("success", "You're up: backup"),
    ]
    record(cli, path, "start", "backup", "18:15")
    record(cli, path, "fail", "backup", "18:40", "--reason", "tape library offline")
    assert notify_at(cli, path, "18:41").exit_code == 0
    record(cli, path, "start", "backup", "19:00")
    assert notify_at(cli, path, "19:40").exit_code == 0
    record(cli, path, "done", "backup", "19:45")
    record(cli, path, "decide", "go-no-go", "19:50", "no-go", "--note", "backup unreadable")
    assert notify_at(cli, path, "19:51").exit_code == 0
    assert receiver.types("coordinator") == [
        ("failure", "ALERT: backup FAILED: tape library offline"),
        ("warning", "Warning: backup has run 1h5m, 5m over its planned 1h"),
        ("failure", "NO-GO at go-no-go"),
    ]


def test_the_point_of_no_return_is_a_warning_and_the_deadline_passed_a_failure(
    cli, weekend_file, receiver
):
    path = weekend_file()
    for task, start, done in [("freeze", "18:00", "18:10"), ("backup", "18:15", "19:10")]:
        record(cli, path, "start", task, start)
        record(cli, path, "done", task, done)
    result = cli("notify", "-f", path, "--once", env={"RUNBOOK_NOW": "2026-12-05T03:35+01:00"})
    assert result.exit_code == 0, result.stderr
    types = dict((title.split(" ", 1)[0], kind) for kind, title in receiver.types("coordinator"))
    assert types["Point"] == "warning"
    assert types["ALERT:"] == "failure"  # the forecast past the deadline


def test_the_failure_mail_says_which_task_its_team_the_reason_and_whom_to_call(
    cli, weekend_file, receiver
):
    mails, controller = start_smtp_receiver()
    try:
        mailto = (
            f"mailto://127.0.0.1:{controller.port}?from=runbook@example.org"
            "&to=bridge@example.org&mode=insecure"
        )
        path = weekend_file()
        text = path.read_text(encoding="utf-8")
        coordinator = f"  coordinator: {json.dumps([receiver.url('coordinator')])}\n"
        assert coordinator in text
        path.write_text(
            text.replace(coordinator, f"  coordinator: {json.dumps([mailto])}\n"),
            encoding="utf-8",
        )
        record(cli, path, "start", "freeze", "18:00")
        record(cli, path, "done", "freeze", "18:10")
        record(cli, path, "start", "backup", "18:15")
        record(cli, path, "fail", "backup", "18:40", "--reason", "tape library offline")
        result = notify_at(cli, path, "18:41")
        assert result.exit_code == 0, result.stderr
    finally:
        controller.stop()
    [mail] = [m for m in mails if "FAILED" in m.subject]
    assert mail.subject == "ALERT: backup FAILED: tape library offline"
    body = mail.text.splitlines()
    assert "Task: backup - Full backup of the intranet database" in body
    assert "Team: Database team (dba)" in body
    assert "Failed at: Fri 18:40" in body
    assert "Reason: tape library offline" in body
    assert "Call: Sanne Bakker - +31 20 555 0120" in body


def test_work_behind_a_gate_without_a_go_hears_that_it_waits_and_you_re_up_only_after_the_go(
    cli, weekend_file, receiver
):
    path = weekend_file()
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    record(cli, path, "start", "backup", "18:10")
    record(cli, path, "done", "backup", "19:05")
    # The gate's predecessors are done, no decision yet: export is forecast "now".
    assert notify_at(cli, path, "19:06").exit_code == 0
    [heads_up] = [p for p in receiver.to("dba") if "export" in p.title]
    assert heads_up.title == "Heads-up: export waits for the GO at go-no-go"
    assert (
        "Export the database (export) is behind the gate go-no-go, which has no go/no-go "
        "decision yet: it does not start before the GO." in heads_up.message
    )
    assert "Still waiting for: go-no-go" in heads_up.message
    record(cli, path, "decide", "go-no-go", "19:10", "no-go", "--note", "checksum mismatch")
    assert notify_at(cli, path, "19:11").exit_code == 0
    assert receiver.titles("coordinator") == ["NO-GO at go-no-go"]
    # The checksum is fixed: GO, the gate is passed.
    record(cli, path, "decide", "go-no-go", "19:30", "go", "--note", "checksums match now")
    assert notify_at(cli, path, "19:30").exit_code == 0
    assert "You're up: export" not in receiver.titles("dba")  # the gate is not passed yet
    go = receiver.to("coordinator")[-1]
    assert go.title == "GO at go-no-go: the NO-GO is lifted"
    assert (
        "GO at gate go-no-go, decided by ingrid at Fri 19:30: the NO-GO decided by ingrid at "
        "Fri 19:10 is lifted" in go.message
    )
    assert "Reason: checksums match now" in go.message
    record(cli, path, "done", "go-no-go", "19:31")
    assert notify_at(cli, path, "19:32").exit_code == 0
    assert [t for t in receiver.titles("dba") if "export" in t] == [
        "Heads-up: export waits for the GO at go-no-go",
        "You're up: export",
    ]
    assert receiver.titles("coordinator") == [
        "NO-GO at go-no-go",
        "GO at go-no-go: the NO-GO is lifted",
    ]


def test_you_re_up_is_never_sent_before_the_go_not_even_past_a_skipped_task(
    cli, weekend_file, receiver
):
    path = weekend_file()
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    record(cli, path, "start", "backup", "18:10")
    record(cli, path, "done", "backup", "19:05")
    # Export is skipped: import's own predecessor is finished, but the gate has no GO.
    record(cli, path, "skip", "export", "19:06", "--reason", "data exported on Thursday")
    assert notify_at(cli, path, "19:07").exit_code == 0
    [about_import] = [p for p in receiver.to("dba") if "import" in p.title]
    assert about_import.title == "Heads-up: import waits for the GO at go-no-go"
    record(cli, path, "decide", "go-no-go", "19:10", "go")
    record(cli, path, "done", "go-no-go", "19:10")
    assert notify_at(cli, path, "19:11").exit_code == 0
    assert [t for t in receiver.titles("dba") if "import" in t][-1] == "You're up: import"


def test_mission_control_hears_an_overrun_when_the_eta_given_passes_not_before(
    cli, weekend_file, receiver
):
    path = weekend_file()
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    record(cli, path, "start", "backup", "18:10")
    record(cli, path, "eta", "backup", "18:50", "19:40", "--reason", "tape is slow")
    assert notify_at(cli, path, "19:30").exit_code == 0  # 20m past its planned hour
    assert receiver.to("coordinator") == []
    assert notify_at(cli, path, "19:45").exit_code == 0
    assert receiver.titles("coordinator") == ["Warning: backup is 5m past its eta Fri 19:40"]
    # A new eta, passed in turn, is news again.
    record(cli, path, "eta", "backup", "19:46", "20:15")
    assert notify_at(cli, path, "20:00").exit_code == 0
    assert len(receiver.to("coordinator")) == 1
    assert notify_at(cli, path, "20:20").exit_code == 0
    assert receiver.titles("coordinator")[1:] == ["Warning: backup is 5m past its eta Fri 20:15"]


def test_mission_control_hears_the_point_of_no_return_and_the_deadline(cli, weekend_file, receiver):
    path = weekend_file()
    for task, start, done in [("freeze", "18:00", "18:10"), ("backup", "18:15", "19:10")]:
        record(cli, path, "start", task, start)
        record(cli, path, "done", task, done)
    # The gate is waiting for its decision at 03:35; its point of no return is 04:00.
    result = cli("notify", "-f", path, "--once", env={"RUNBOOK_NOW": "2026-12-05T03:35+01:00"})
    assert result.exit_code == 0, result.stderr
    titles = receiver.titles("coordinator")
    assert "Point of no return for go-no-go at Sat 04:00" in titles
    deadline = [t for t in titles if "past the deadline" in t]
    assert len(deadline) == 1 and deadline[0].startswith("ALERT: forecast finish")


def test_a_failed_delivery_is_tried_again_after_a_pause_and_then_sent_once(
    cli, weekend_file, receiver
):
    path = weekend_file()
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    receiver.failing = True
    result = notify_at(cli, path, "18:11")
    assert result.exit_code == 1
    assert "not sent to notify.teams.dba[0]" in result.stderr
    assert "next try in 30s" in result.stderr
    status = cli("notify", "-f", path, "--status", env=at("18:11"))
    assert "1 failing" in status.stdout
    assert "FAILING  dba" in status.stdout and "tried 1x" in status.stdout
    receiver.failing = False
    assert notify_at(cli, path, "18:11").stdout == ""  # too soon: the pause is 30 s
    assert receiver.to("dba") == []
    result = cli("notify", "-f", path, "--once", env={"RUNBOOK_NOW": friday("18:11:45")})
    assert result.exit_code == 0, result.stderr
    assert receiver.titles("dba") == ["You're up: backup"]
    assert notify_at(cli, path, "18:20").exit_code == 0
    assert receiver.titles("dba") == ["You're up: backup"]
    assert "0 waiting" in cli("notify", "-f", path, "--status", env=at("18:20")).stdout


def test_the_status_names_the_failing_address_and_a_retry_says_what_holds_now(
    cli, weekend_file, receiver
):
    port = free_port()  # nothing listens there until the second receiver starts
    path = weekend_file(extra_dba=f"json://127.0.0.1:{port}/dba-pager")
    assert notify_at(cli, path, "17:50").exit_code == 1
    assert receiver.titles("dba") == ["Heads-up: backup at Fri 18:15"]
    status = cli("notify", "-f", path, "--status", env=at("17:51")).stdout
    assert "outbox: 1 sent, 1 waiting (1 failing), 0 dropped" in status
    assert "FAILING  dba #2" in status
    assert "last: Connection refused (errno " in status  # the socket's words first
    pager, server = start_http_receiver(port)
    try:
        assert notify_at(cli, path, "18:00").exit_code == 0
    finally:
        server.shutdown()
        server.server_close()
    [late] = pager.to("dba-pager")
    assert late.title == "Heads-up: backup at Fri 18:15"
    assert "in 15m" in late.message  # not the first try's "in 25m"
    assert receiver.titles("dba") == ["Heads-up: backup at Fri 18:15"]


def test_a_team_s_message_is_dropped_once_its_task_started(cli, weekend_file, receiver):
    path = weekend_file()
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    receiver.failing = True
    assert notify_at(cli, path, "18:11").exit_code == 1
    receiver.failing = False
    record(cli, path, "start", "backup", "18:12")
    result = notify_at(cli, path, "18:13")
    assert "dropped  dba" in result.stdout and "backup had started" in result.stdout
    assert receiver.to("dba") == []


def test_nothing_is_sent_for_a_replay_before_the_newest_event(cli, weekend_file, receiver):
    path = weekend_file()
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    result = notify_at(cli, path, "17:50")
    assert result.exit_code == 1
    assert "before the newest recorded event (Fri 18:10)" in result.stderr
    assert receiver.posts == []


def test_an_address_takes_its_secret_from_the_environment(cli, weekend_file, receiver):
    path = weekend_file(extra_dba=f"json://127.0.0.1:{receiver.port}/${{DBA_TOKEN}}")
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    missing = notify_at(cli, path, "18:11")
    assert missing.exit_code == 1
    assert "notify.teams.dba[1]: the environment variable DBA_TOKEN is not set" in missing.stderr
    assert receiver.posts == []  # nothing at all went out
    sent = notify_at(cli, path, "18:11", env={"DBA_TOKEN": "s3cr3t-token"})
    assert sent.exit_code == 0, sent.stderr
    assert receiver.titles("s3cr3t-token") == ["You're up: backup"]
    assert "sent     dba #2" in sent.stdout
    assert b"s3cr3t-token" not in path.with_suffix(".state.db").read_bytes()


def test_an_e_mail_reaches_a_real_smtp_server(cli, tmp_path, weekend_file, receiver):
    mails, controller = start_smtp_receiver()
    try:
        mailto = (
            f"mailto://127.0.0.1:{controller.port}?from=runbook@example.org"
            "&to=dba-oncall@example.org&mode=insecure"
        )
        path = weekend_file(extra_dba=mailto)
        record(cli, path, "start", "freeze", "18:00")
        record(cli, path, "done", "freeze", "18:10")
        result = notify_at(cli, path, "18:11")
        assert result.exit_code == 0, result.stderr
    finally:
        controller.stop()
    [mail] = mails
    assert mail.recipients == ["dba-oncall@example.org"]
    assert mail.subject == "You're up: backup"
    assert "freeze done Fri 18:10 (by ingrid)" in mail.text


def test_a_sender_that_died_while_sending_leaves_the_message_to_be_sent_again(
    tmp_path, weekend_file, receiver, cli
):
    path = weekend_file()
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    book = addresses(plan_path(path).loaded.runbook)  # type: ignore[arg-type]
    clock = FakeClock(friday("18:11"))
    with Weekend.open(path, clock=clock, create=True) as weekend:
        assert weekend.store is not None
        snap = weekend.snapshot()
        # The first sender claims the message, then dies before sending it.
        from runbook.notify.outbox import entries_for

        with weekend.store.write():
            weekend.store.outbox_add(entries_for(snap, book))
            claimed = weekend.store.outbox_claim(snap.now, snap.now + CLAIM_SECONDS)
        assert [e.title for e in claimed] == ["You're up: backup"]
        # Another sender leaves it while the claim holds ...
        assert notify_round(weekend.store, snap, book, send).sent == []
        # ... and sends it once the claim ran out.
        clock.advance(seconds=CLAIM_SECONDS)
        done = notify_round(weekend.store, weekend.snapshot(), book, send)
    assert [e.title for e in done.sent] == ["You're up: backup"]
    assert receiver.titles("dba") == ["You're up: backup"]


def test_a_hostile_title_is_sent_as_data(cli, tmp_path, receiver):
    text = (EXAMPLES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "title: Full backup of the intranet database",
        'title: "[bold red]Backup[/] \\e[2J\\u202e"',
    )
    path = tmp_path / "runbook.yaml"
    path.write_text(text + "\n" + notify_block(receiver), encoding="utf-8")
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    result = notify_at(cli, path, "18:11")
    assert result.exit_code == 0, result.stderr
    [up] = receiver.to("dba")
    assert "[bold red]Backup[/]" in up.message
    assert "\x1b" not in up.message and "\u202e" not in up.message
    assert "\x1b" not in result.stdout


def test_unknown_team_and_bad_address_are_located_errors(cli, write_runbook):
    path = write_runbook(
        """
        name: n
        start: 2026-12-04T06:00
        teams: {dba: {name: DBA}}
        notify:
          teams:
            dbb: ["json://127.0.0.1/x"]
            dba: ["json://${1BAD}/x"]
          coordinator: ["not an address"]
        tasks:
          - {id: a, title: A, team: dba, duration: 1h}
        """
    )
    result = cli("validate", path)
    assert result.exit_code == 1
    assert "runbook.yaml:6:10: error: notify.teams names unknown team 'dbb'" in result.stderr
    assert "(did you mean 'dba'?)" in result.stderr
    assert "runbook.yaml:7:11: error: an address has a '${'" in result.stderr
    assert "runbook.yaml:8:17: error: 'not an address' is not a notification address" in (
        result.stderr
    )


def test_a_runbook_without_addresses_is_told_so(cli, tmp_path):
    path = tmp_path / "runbook.yaml"
    shutil.copy(EXAMPLES / "minimal.yaml", path)
    result = cli("notify", "-f", path, "--once", env=at("18:00"))
    assert result.exit_code == 1
    assert "names no addresses: nothing to send" in result.stderr


@pytest.mark.slow
def test_following_the_log_sends_you_re_up_after_a_check_in_from_elsewhere(
    weekend_file, receiver, cli, state_location
):
    path = weekend_file()
    moment = {"RUNBOOK_NOW": "2026-12-04T18:30"}
    state = ("--state", state_location) if state_location else ()
    assert cli("start", "freeze", "-f", path, *state, "--by", "ingrid", env=moment).exit_code == 0
    args = [sys.executable, "-m", "runbook", "notify", "-f", path, *state]
    with Watched(args, env=moment) as follower:
        follower.wait_for_line("Ctrl+C stops")  # following the log
        follower.wait_for(lambda: bool(receiver.titles("dba")), "the heads-up to dba")
        [heads_up] = receiver.titles("dba")  # backup is 15 minutes after freeze's start
        assert heads_up.startswith("Heads-up: backup at ")

        done = cli("done", "freeze", "-f", path, *state, "--by", "ingrid", env=moment)
        assert done.exit_code == 0, done.stderr
        follower.wait_for(
            lambda: "You're up: backup" in receiver.titles("dba"), "you're up sent to dba"
        )
        assert receiver.titles("dba") == [heads_up, "You're up: backup"]
        follower.wait_for_line("You're up: backup", stream="stdout")  # it says it sent it

        code = follower.interrupt()

    assert code == 0, follower.stderr
    assert "stopped" in follower.stderr
    assert "You're up: backup" in follower.stdout


# -- never twice however slow; everything due; no secret shown (issue 29) ------------------
def many_addresses(
    tmp_path: Path, receiver: HttpReceiver, count: int, *extra: str, query: str = ""
) -> Path:
    """The minimal example with ``count`` addresses for dba (paths dba0, dba1, ...): one
    notice to dba is ``count`` messages. ``query``: apprise's options on each (``?rto=60``)."""
    urls = [receiver.url(f"dba{i}") + query for i in range(count)] + list(extra)
    path = tmp_path / "runbook.yaml"
    text = (EXAMPLES / "minimal.yaml").read_text(encoding="utf-8")
    path.write_text(text + f"\nnotify:\n  teams:\n    dba: {json.dumps(urls)}\n", encoding="utf-8")
    return path


def sent_twice(receiver: HttpReceiver) -> list[str]:
    """The (path, title) pairs the receiver got more than once."""
    seen = [f"{p.path} {p.title}" for p in receiver.posts]
    return sorted({s for s in seen if seen.count(s) > 1})


def test_a_slow_receiver_outlasting_the_claim_never_gets_a_message_twice(
    tmp_path, receiver, cli, state_location
):
    """Fifty messages, three seconds each, by the senders' clock: the first sender is still
    at its 41st when its claim would have run out (120 s); a second sender starts then. Each
    sender holds one claim at a time, so the second takes the messages nobody is sending."""
    path = many_addresses(tmp_path, receiver, 50)
    state = ("--state", state_location) if state_location else ()
    record(cli, path, "start", "freeze", "18:00", *state)
    record(cli, path, "done", "freeze", "18:10", *state)
    book = addresses(plan_path(path).loaded.runbook)  # type: ignore[arg-type]
    clock = FakeClock(friday("18:11"))
    lock = threading.Lock()

    def sender_clock() -> int:
        with lock:
            return int(clock.now.timestamp())

    def one_sender() -> object:
        with Weekend.open(path, state_location, clock=clock, create=True) as weekend:
            assert weekend.store is not None
            return notify_round(weekend.store, weekend.snapshot(), book, send, clock=sender_clock)

    second: list[object] = []

    def slow(number: int) -> None:
        with lock:
            clock.advance(seconds=3)
        if number == 41:  # the first sender's claims of 18:11:00 ran out at 18:13:00
            second.append(one_sender())

    receiver.on_arrival = slow
    first = one_sender()
    assert second, "the second sender never ran"
    assert sent_twice(receiver) == []
    assert len({p.path for p in receiver.posts}) == 50
    assert len(first.sent) + len(second[0].sent) == 50  # type: ignore[attr-defined]
    assert second[0].sent  # type: ignore[attr-defined]  # it took the ones nobody was sending


def test_two_notify_once_at_once_share_a_slow_receivers_messages_and_send_each_once(
    tmp_path, receiver, cli
):
    """Two `runbook notify --once` processes and a receiver that holds every message: the
    second takes another message while the first is still sending its own."""
    # The first sender's message is held until the second has sent one: on a busy machine
    # starting the second process alone can outlast apprise's 4 s read timeout, so the
    # addresses wait longer (rto: apprise's read timeout, in seconds).
    path = many_addresses(tmp_path, receiver, 12, query="?rto=120")
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    receiver.gate = threading.Event()
    env = {**os.environ, **at("18:11")}
    command = [sys.executable, "-m", "runbook", "notify", "-f", str(path), "--once"]
    procs = []
    try:
        procs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE))
        assert receiver.wait_for_arrivals(1), "the first sender sent nothing"
        procs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE))
        took_another = receiver.wait_for_arrivals(2, timeout=100)  # a generous deadline
    finally:
        receiver.gate.set()
        outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert took_another, "the second sender found every message claimed by the first"
    assert [p.returncode for p in procs] == [0, 0]
    assert sent_twice(receiver) == []
    assert len({p.path for p in receiver.posts}) == 12
    assert all(out.count("sent     dba") for out in outputs)


def test_notify_once_sends_everything_due_not_the_first_fifty(tmp_path, receiver, cli):
    path = many_addresses(tmp_path, receiver, 80)
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    result = notify_at(cli, path, "18:11")
    assert result.exit_code == 0, result.stderr
    assert len({p.path for p in receiver.posts}) == 80
    assert result.stdout.count("You're up: backup") == 80


def test_notify_once_says_how_many_remain_and_exits_1(tmp_path, receiver, cli, monkeypatch):
    from runbook.notify import outbox

    monkeypatch.setattr(outbox, "ROUND_LIMIT", 5)
    path = many_addresses(tmp_path, receiver, 12)
    record(cli, path, "start", "freeze", "18:00")
    record(cli, path, "done", "freeze", "18:10")
    result = notify_at(cli, path, "18:11")
    assert result.exit_code == 1
    assert result.stdout.count("You're up: backup") == 5
    assert "7 messages due still waiting: a round sends at most 5" in result.stderr
    assert notify_at(cli, path, "18:11").exit_code == 1
    assert notify_at(cli, path, "18:11").exit_code == 0
    assert len(receiver.posts) == 12 and sent_twice(receiver) == []


def _pieces(secret: str, size: int = 8) -> set[str]:
    return {secret[i : i + size] for i in range(len(secret) - size + 1)}


def _shows_a_piece(text: str, secret: str) -> str | None:
    return next((p for p in _pieces(secret) if p in text), None)


def test_a_failure_without_an_errno_shows_no_piece_of_the_secret_anywhere(
    cli, tmp_path, receiver, state_location
):
    """A TLS error (no errno) once had its reason cut at 120 characters before the secret was
    masked: 32 characters of the token reached stderr, the status and the outbox."""
    from .receivers import start_tls_junk_receiver

    port, junk = start_tls_junk_receiver()
    token = "Zq7xK2mP9vR4tY8wB3nL6jH1fD5sA0gCe4Uo"
    try:
        path = many_addresses(tmp_path, receiver, 0, f"jsons://127.0.0.1:{port}/hooks/${{TOKEN}}")
        state = ("--state", state_location) if state_location else ()
        record(cli, path, "start", "freeze", "18:00", *state)
        record(cli, path, "done", "freeze", "18:10", *state)
        env = {"TOKEN": token}
        once = notify_at(cli, path, "18:11", *state, env=env)
        status = cli("notify", "-f", path, "--status", *state, env={**at("18:12"), **env})
    finally:
        junk.close()
    assert once.exit_code == 1 and "not sent to notify.teams.dba[0]" in once.stderr
    assert "(TLS)" in once.stderr  # the reason is still there, only the secret is not
    assert "FAILING" in status.stdout
    for said in (once.stdout, once.stderr, status.stdout, status.stderr):
        assert _shows_a_piece(said, token) is None, said
    if state_location is None:
        stored = b"".join(
            p.read_bytes() for p in tmp_path.glob("runbook.state.db*") if p.is_file()
        ).decode("latin-1")
    else:
        import psycopg

        with psycopg.connect(state_location, autocommit=True) as conn:
            stored = str(conn.execute("SELECT array_agg(o::text) FROM runbook.outbox o").fetchone())
    assert "SSL" in stored
    assert _shows_a_piece(stored, token) is None


def test_a_reason_is_masked_before_it_is_cut_and_no_piece_of_a_secret_survives():
    from runbook.notify.send import _masked, _reason

    token = "Zq7xK2mP9vR4tY8wB3nL6jH1fD5sA0gCe4Uo"
    log = (
        "WARNING A Connection error occurred sending JSON notification.\n"
        f"DEBUG Socket Exception: {'y' * 90} with url: /hooks/{token} (Caused by boom)\n"
        f"DEBUG and again, split: {token[:12]} ... {token[20:]}"
    )
    reason = _reason(_masked(log, [token]))
    assert _shows_a_piece(reason, token) is None
    assert reason.startswith("y" * 90) and "/hooks/***" in reason
    assert _shows_a_piece(_masked(log, [token]), token) is None
