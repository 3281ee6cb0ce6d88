"""The dashboard's widgets, one per part of the screen, each redrawn by its own reactives."""

from __future__ import annotations

from runbook.tui.widgets.banners import AlertBanner, FilterLine, NoGoBanner, OutboxBanner
from runbook.tui.widgets.event_log import EventLog
from runbook.tui.widgets.header import Figures, HeadlineBar, Identity, Summary, VerdictBox
from runbook.tui.widgets.panels import (
    LatePanel,
    Panel,
    ProgressPanel,
    ReadyPanel,
    RecentPanel,
    RunningPanel,
)
from runbook.tui.widgets.side import SidePanels
from runbook.tui.widgets.table import TaskTable
from runbook.tui.widgets.tasks import TaskList
from runbook.tui.widgets.timeline import Timeline

__all__ = [
    "AlertBanner",
    "EventLog",
    "Figures",
    "FilterLine",
    "HeadlineBar",
    "Identity",
    "LatePanel",
    "NoGoBanner",
    "OutboxBanner",
    "Panel",
    "ProgressPanel",
    "ReadyPanel",
    "RecentPanel",
    "RunningPanel",
    "SidePanels",
    "Summary",
    "TaskList",
    "TaskTable",
    "Timeline",
    "VerdictBox",
]
