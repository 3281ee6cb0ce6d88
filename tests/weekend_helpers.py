"""Helpers for tests of a weekend in progress: a clock that tests move by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from runbook.usecases import Weekend


class FakeClock:
    """A clock that only moves when a test says so."""

    def __init__(self, start: str) -> None:
        self.now = datetime.fromisoformat(start).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: str) -> None:
        """Jump to an ISO time."""
        self.now = datetime.fromisoformat(moment).astimezone(UTC)

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta's keywords (minutes=5, hours=1)."""
        self.now += timedelta(**delta)


def at(moment: str) -> datetime:
    """An aware datetime from ISO text."""
    return datetime.fromisoformat(moment)


def open_weekend(runbook: Path, clock: FakeClock, state: Path | str | None = None) -> Weekend:
    """Open a weekend for writing with the fake clock."""
    return Weekend.open(runbook, state, clock=clock, create=True)


def check(weekend: Weekend, kind: str, *ids: str, **options: object) -> object:
    """Record a check-in as 'tester' and return the result."""
    return weekend.record(kind, list(ids), actor="tester", host="test-host", **options)  # type: ignore[arg-type]


def pass_gate(
    weekend: Weekend,
    gate: str,
    *,
    actor: str,
    host: str = "bridge",
    at: datetime | None = None,
    note: str | None = None,
) -> None:
    """Give a gate every GO it needs, stage by stage (the first approvers of each, as many as
    it needs), recorded by ``actor``; a gate whose runbook names nobody gets ``actor``'s GO."""
    stages = weekend.plan.gates[gate].stages
    if not stages:
        weekend.decide(gate, "go", actor=actor, host=host, at=at, note=note)
    for stage in stages:
        for name in stage.approvers[: stage.needs]:
            weekend.decide(
                gate,
                "go",
                actor=actor,
                host=host,
                stage=stage.name,
                approver=name,
                at=at,
                note=note,
            )
