"""Messages the dashboard posts to itself."""

from __future__ import annotations

from textual.message import Message

from runbook.weekend.forecast import Snapshot


class SnapshotChanged(Message):
    """The live poll saw new events or a changed runbook: here is the weekend as it is now."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot
