"""Failing notifications on the dashboard: the line the core makes of the outbox, the live
poll that reads the outbox only when it may have changed, and mission control at 80x24
seeing a failing delivery appear and go once it is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook.store import open_store
from runbook.tui.app import MissionControl
from runbook.usecases import Weekend
from runbook.usecases.live import OUTBOX_LOOK, Live
from runbook.weekend.outbox import PENDING, SENT, OutboxEntry
from runbook.weekend.views.notifications import failing_notifications

from .test_tui_narrow import screen_text
from .tui_helpers import FRIDAY_1820, SATURDAY_1300, prepared_weekend, saturday_weekend, until
from .weekend_helpers import FakeClock

NOW = 1_780_000_000


def entry(key: str, recipient: str = "team:dba", **fields: object) -> OutboxEntry:
    """An outbox entry as ``runbook notify`` writes it (a notice to one address)."""
    values: dict[str, object] = {
        "key": f"{key}>a1",
        "notice": key,
        "kind": key.split(":")[0],
        "recipient": recipient,
        "address": "a1",
        "task": key.split(":")[-1],
        "title": f"You're up: {key}",
        "body": "body",
        "created": NOW,
    }
    values.update(fields)
    return OutboxEntry(**values)  # type: ignore[arg-type]


def failed(
    key: str, recipient: str = "team:dba", error: str = "Connection refused", **kw: object
) -> OutboxEntry:
    """An entry whose first try failed."""
    return entry(key, recipient, **({"attempts": 1, "next_try": NOW + 30, "error": error} | kw))


def write_failing(state: Path, key: str, *, error: str = "Connection refused") -> None:
    """What a failed round of ``runbook notify`` leaves, written by another process."""
    store = open_store(state)
    assert store is not None
    try:
        with store.write():
            store.outbox_add([entry(key)])
            (claimed,) = store.outbox_claim(NOW, NOW + 120)
            store.outbox_settle(
                claimed.key, state=PENDING, attempts=1, error=error, next_try=NOW + 30
            )
    finally:
        store.close()


def settle_as_sent(state: Path, key: str) -> None:
    store = open_store(state)
    assert store is not None
    try:
        with store.write():
            store.outbox_settle(f"{key}>a1", state=SENT, attempts=2, sent=NOW + 30)
    finally:
        store.close()


# -- the line ---------------------------------------------------------------------------


def test_nothing_is_said_while_no_delivery_is_failing():
    waiting, sent = entry("up:a"), entry("up:b", state=SENT, attempts=1, sent=NOW)
    assert failing_notifications([]) is None
    assert failing_notifications([waiting, sent]) is None


def test_one_failing_notification_names_its_team_the_reason_and_the_command():
    line = failing_notifications([failed("up:backup")])
    assert line is not None
    assert line.text == "1 notification failing: dba (Connection refused) — runbook notify --status"


def test_recipients_sharing_a_reason_are_named_once_with_it():
    line = failing_notifications(
        [failed("up:a"), failed("up:b"), failed("overrun:c", "coordinator")]
    )
    assert line is not None
    assert line.text.startswith("3 notifications failing: dba, coordinator (Connection refused)")


def test_each_recipient_is_given_the_reason_of_its_latest_try():
    line = failing_notifications(
        [
            failed("up:a", error="Connection refused"),
            failed("up:b", error="HTTP 500", next_try=NOW + 60),
            failed("failed:c", "coordinator", error="SMTP auth failed"),
        ]
    )
    assert line is not None
    assert line.detail == "dba (HTTP 500), coordinator (SMTP auth failed)"


def test_a_hostile_reason_is_shown_not_obeyed_and_cut_short():
    line = failing_notifications([failed("up:a", error="\x1b[2J\x07gone" + "x" * 200)])
    assert line is not None
    assert "\x1b" not in line.text and "\x07" not in line.text
    assert "␛[2J␇gone" in line.text
    assert len(line.detail) < 100


APPRISE_SAYS = "A Connection error occurred sending JSON notification to 127.0.0.1."


def test_on_a_narrow_screen_the_reason_is_cut_so_the_command_stays_in_sight():
    line = failing_notifications([failed("up:a", error=APPRISE_SAYS)])
    assert line is not None
    headline, detail, command = line.line_within(76)
    assert len(f"{headline}: {detail} — {command}") <= 76
    assert detail.startswith("dba (A Connection error") and detail.endswith("…)")
    assert command == "runbook notify --status"
    assert line.line_within(200)[1] == f"dba ({APPRISE_SAYS})"


def test_several_reasons_share_the_room():
    line = failing_notifications(
        [failed("up:a", error=APPRISE_SAYS), failed("ponr:g", "coordinator", error="x" * 60)]
    )
    assert line is not None
    headline, detail, command = line.line_within(100)
    assert len(f"{headline}: {detail} — {command}") <= 100
    assert detail == "dba (A Connectio…), coordinator (xxxxxxxxxxx…)"


# -- the live poll ----------------------------------------------------------------------


class CountingStore:
    """The store's outbox reads counted (everything else as the store does it)."""

    def __init__(self, store: object) -> None:
        self.store = store
        self.reads = 0

    def outbox(self) -> list[OutboxEntry]:
        self.reads += 1
        return self.store.outbox()  # type: ignore[attr-defined, no-any-return]

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)


@pytest.fixture
def live(tmp_path):
    clock = FakeClock(FRIDAY_1820)
    runbook, state = prepared_weekend(tmp_path, clock)
    weekend = Weekend.open(runbook, state, clock=clock)
    weekend.store = CountingStore(weekend.store)  # type: ignore[assignment]
    seconds = [0.0]
    following = Live(weekend, monotonic=lambda: seconds[0])
    yield following, weekend.store, seconds, state
    weekend.close()


def test_an_idle_poll_does_not_read_the_outbox(live):
    following, store, _, _ = live
    assert following.outbox() == []
    for _ in range(20):
        following.refresh()
        assert following.outbox() is None
    assert store.reads == 1


def test_the_outbox_is_read_again_when_another_process_wrote_to_it(live):
    following, _, _, state = live
    following.outbox()
    write_failing(state, "up:backup")
    following.refresh()
    entries = following.outbox()
    assert entries is not None and [e.key for e in entries] == ["up:backup>a1"]


def test_the_outbox_is_read_again_every_few_seconds_for_a_store_that_announces_only_events(
    live,
):
    following, store, seconds, _ = live
    following.outbox()
    seconds[0] += OUTBOX_LOOK - 1
    assert following.outbox() is None
    seconds[0] += 1
    assert following.outbox() == []
    assert store.reads == 2


# -- the dashboard ----------------------------------------------------------------------


@pytest.fixture
def saturday(tmp_path):
    clock = FakeClock(SATURDAY_1300)
    runbook, state = saturday_weekend(tmp_path, clock)
    weekend = Weekend.open(runbook, state, clock=clock)
    app = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    yield app, state
    weekend.close()


async def test_a_failing_notification_shows_at_80_by_24_until_it_is_sent(saturday):
    app, state = saturday
    line = "1 notification failing: dba (Connection refused) — runbook notify --status"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "notification" not in screen_text(app)
        write_failing(state, "up:dba-rowcount-ehr")
        await until(pilot, lambda: line in screen_text(app))
        banner = app.query_one("#outbox")
        assert banner.region.bottom <= 24 and banner.region.width == 80
        assert "NO-GO at gonogo-2" in screen_text(app)  # above it, still there
        settle_as_sent(state, "up:dba-rowcount-ehr")
        await until(pilot, lambda: "notification" not in screen_text(app))
        assert not banner.display


async def test_at_80_columns_a_long_reason_is_cut_and_the_command_stays_in_sight(saturday):
    app, state = saturday
    async with app.run_test(size=(80, 24)) as pilot:
        write_failing(state, "up:dba-rowcount-ehr", error=APPRISE_SAYS)
        await until(pilot, lambda: "notification failing" in screen_text(app))
        (shown_line,) = [x for x in screen_text(app).splitlines() if "failing" in x]
        assert "1 notification failing: dba (A Connection error" in shown_line
        assert shown_line.rstrip().endswith("…) — runbook notify --status")


async def test_a_hostile_failure_reason_is_shown_as_text_not_markup(saturday):
    app, state = saturday
    async with app.run_test(size=(120, 40)) as pilot:
        write_failing(state, "up:dba-rowcount-ehr", error="[bold red]refused[/] \x1b]0;owned\x07")
        await until(pilot, lambda: "notification failing" in screen_text(app))
        assert "[bold red]refused[/] ␛]0;owned␇" in screen_text(app)
