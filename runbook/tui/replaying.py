"""The dashboard's keys on a recorded weekend played back (`runbook control --replay`):
pause, step to the next event, jump to a time, change the speed. The log is read on the
store's thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from runbook.tui.actions import Actions
from runbook.tui.follow import News, look
from runbook.tui.widgets import Identity, Summary

if TYPE_CHECKING:
    from runbook.usecases.live import Live
    from runbook.usecases.replay import ReplayClock


class Replaying(Actions):
    """The replay's keys of ``MissionControl`` (``keys.KEYS``); no-ops on a live weekend."""

    replay_clock: ReplayClock | None
    live: Live

    def show(self, news: News) -> None:  # (MissionControl's)
        raise NotImplementedError

    @property
    def replay_state(self) -> str:
        """``60×`` or ``paused`` beside REPLAY; nothing when not played back."""
        return self.replay_clock.state if self.replay_clock is not None else ""

    def _replayed(self) -> None:
        """The replay's clock moved (paused, faster, a jump): say so, and show the weekend
        as it stood then (the events after it held back again when it moved back)."""
        self.query_one(Identity).replay_state = self.replay_state
        self.query_one(Summary).replay_state = self.replay_state
        live, now = self.live, self.weekend.now()

        def look_back() -> News:
            live.rewind(now)
            return look(live, picture=True)

        self.io.ask(look_back, self.show, kind="poll")

    def action_replay_pause(self) -> None:
        if self.replay_clock is not None:
            self.replay_clock.toggle()
            self._replayed()

    def action_replay_speed(self, step: int) -> None:
        if self.replay_clock is not None:
            (self.replay_clock.faster if step > 0 else self.replay_clock.slower)()
            self._replayed()

    def action_replay_step(self) -> None:
        """To the next recorded event (found on the store's thread, which owns the log)."""
        clock = self.replay_clock
        if clock is None:
            return
        live, now = self.live, self.weekend.now()

        def to(moment: int | None) -> None:
            if moment is None:
                self.notify("no later event: the recording ends here", timeout=3)
                return
            clock.jump(moment)
            self._replayed()

        self.io.ask(lambda: live.next_event_at(now), to)

    def action_replay_jump(self) -> None:
        clock = self.replay_clock
        if clock is None:
            return
        from runbook.common.errors import InputError
        from runbook.tui.screens import AskScreen
        from runbook.usecases import read_moment

        def jump(text: str | None) -> None:
            if not text:
                return
            try:
                moment = read_moment(
                    text, self.weekend.plan.zone, self.weekend.clock(), what="jump to"
                )
            except InputError as exc:
                self.notify(exc.message, severity="error", timeout=5)
                return
            clock.jump(int(moment.timestamp()))
            self._replayed()

        self.push_screen(AskScreen("Jump to (10:05, or 2026-12-05T10:05)"), jump)
