"""A check-in's outcome as plain data: what it recorded and what it refused, with every
task's record after it (``runbook.usecases`` returns it; ``views.checkin`` words it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from runbook.common.errors import Refused
from runbook.planning.plan import Plan
from runbook.weekend.events import Event
from runbook.weekend.forecast import TaskRecord, forecast_finish


@dataclass
class CheckIn:
    """The outcome of one check-in command: what was recorded, and what was refused."""

    kind: str
    events: list[Event] = field(default_factory=list)
    refused: list[tuple[str, Refused]] = field(default_factory=list)
    baseline: Event | None = None  # set when this check-in recorded the first baseline
    records: dict[str, TaskRecord] = field(default_factory=dict)  # every task, afterwards
    baseline_plan: Plan | None = None  # what ahead/behind is measured against
    now: int = 0
    undone: list[Event] = field(default_factory=list)  # what each undo revoked, in order
    # Set when a broken connection was retried and the check-in had been recorded already:
    # the sequence number of its first event (``events`` are the ones it recorded).
    already_recorded: int | None = None
    closed: Event | None = None  # the close in force (a check-in forced after it)
    plan: Plan | None = None  # the plan in force after it (a rollback's tasks appended)

    def position(self, plan: Plan) -> tuple[int, int]:
        """Right after this check-in: the forecast finish, and the seconds ahead of the
        baseline (negative: behind). One forward pass, no full snapshot; once the weekend
        is closed, the finish is the close."""
        if self.closed is not None:
            finish = self.closed.at
        else:
            finish = forecast_finish(plan, self.records, self.now)
        return finish, (self.baseline_plan or plan).finish - finish
