"""Banners under the header: an open NO-GO, the alerts, failing notifications, and the
table's filter."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from runbook.common.text import shown
from runbook.format.durations import clock, format_duration
from runbook.weekend.forecast import Snapshot
from runbook.weekend.views import open_no_gos
from runbook.weekend.views.alerts import Alert, alerts
from runbook.weekend.views.notifications import FailingNotifications

ALERT_LINES = 3  # the banner lists this many alerts, then how many more
TOASTS = 3  # new alerts shown as pop-ups at once


class NoGoBanner(Static):
    """A NO-GO stays under the header until it is resolved (or the weekend closed): the
    rollback and its latest start."""

    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True)

    def watch_snapshot(self, snap: Snapshot | None) -> None:
        if snap is None:
            return
        open_ = open_no_gos(snap) if snap.closed is None else []
        self.display = bool(open_)
        text = Text()
        zone = snap.plan.zone
        for i, nogo in enumerate(open_):
            if i:
                text.append("\n")
            text.append(f"NO-GO at {nogo.gate}", style="bold")
            decided = nogo.decided
            text.append(f" ({clock(decided.at, zone)} {shown(decided.who)}")
            if decided.recorded_apart:
                text.append(f", recorded by {shown(decided.recorded_by)}")
            text.append(")")
            # The latest start of the rollback first: on a narrow screen the rest is cut.
            if nogo.start_by is not None:
                left = nogo.start_by - snap.now
                text.append(f" · start by {clock(nogo.start_by, zone)}", style="bold")
                text.append(
                    f" (in {format_duration(left)})"
                    if left >= 0
                    else f" ({format_duration(-left)} ago)"
                )
            text.append(" · ")
            text.append(nogo.summary())
        self.update(text)


class AlertBanner(Static):
    """Every alert that holds, the first few in full (toasts announce the new ones): the
    alerts of the snapshot it follows."""

    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True, init=False)
    alerts: reactive[tuple[Alert, ...]] = reactive(())

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.announced: set[tuple[str, str | None]] = set()
        self.started = False  # the alerts found at start-up are in the banner, not toasted

    def watch_snapshot(self, snap: Snapshot | None) -> None:
        if snap is not None:
            self.announce(alerts(snap))

    def announce(self, current: list[Alert]) -> None:
        """Show the alerts that hold, and toast those not yet announced: a few toasts are
        noticed, a wall of them hides the screen (the banner lists them all); those that
        hold at start-up are only in the banner."""
        fresh = [a for a in current if a.key not in self.announced] if self.started else []
        self.started = True
        for alert in fresh[:TOASTS]:
            timeout = 15 if alert.severity == "error" else 8
            self.app.notify(alert.message, title="ALERT", severity=alert.severity, timeout=timeout)
        if len(fresh) > TOASTS:
            more = f"and {len(fresh) - TOASTS} more new alerts: see the banner"
            self.app.notify(more, title="ALERT", severity="warning", timeout=15)
        self.announced = {a.key for a in current}  # an alert that comes back is announced again
        self.alerts = tuple(current)

    def watch_alerts(self, current: tuple[Alert, ...]) -> None:
        self.display = bool(current)
        if not current:
            return
        text = Text()
        for i, alert in enumerate(current[:ALERT_LINES]):
            if i:
                text.append("\n")
            text.append(
                "⚠ " if alert.severity == "warning" else "✖ ",
                style="bold yellow" if alert.severity == "warning" else "bold red",
            )
            text.append(shown(alert.message))
        if len(current) > ALERT_LINES:
            text.append(f"   … and {len(current) - ALERT_LINES} more alerts", style="dim")
        self.update(text)


class OutboxBanner(Static):
    """Notifications that keep failing, in one line (``runbook notify --status`` lists them)."""

    failing: reactive[FailingNotifications | None] = reactive(None)

    def watch_failing(self, failing: FailingNotifications | None) -> None:
        self.display = failing is not None
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        failing = self.failing
        if failing is None:
            return
        # The reasons are cut to the width, so the command that shows them stays in sight.
        width = (self.content_size.width or self.app.size.width - 2) - 2
        headline, detail, command = failing.line_within(width)
        text = Text()
        text.append("✉ ", style="bold red")
        text.append(headline, style="bold")
        text.append(f": {detail}")
        text.append(f" — {command}", style="italic")
        self.update(text)


class FilterLine(Static):
    """What the task table is filtered by, while it is."""

    text: reactive[str] = reactive("")
    critical: reactive[bool] = reactive(False)

    def watch_text(self) -> None:
        self._draw()

    def watch_critical(self) -> None:
        self._draw()

    def _draw(self) -> None:
        parts = []
        if self.text:
            parts.append(f"filter: {shown(self.text)}")
        if self.critical:
            parts.append("critical only")
        self.display = bool(parts)
        self.update(
            Text(
                "  ·  ".join(parts) + "   (/ to change, Esc in the filter box to keep)",
                style="bold yellow",
            )
        )
