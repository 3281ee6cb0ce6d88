"""The weekend's outlook with estimates learned from history (`runbook status --estimates`):
the Monte Carlo simulation of the remaining work, as the readiness report runs it, with the
learned estimates in place of the runbook's."""

from __future__ import annotations

from dataclasses import dataclass

from runbook.planning.learning import Estimates
from runbook.planning.montecarlo import Simulation
from runbook.reports.readiness import simulate_weekend
from runbook.weekend.forecast import Snapshot


@dataclass(frozen=True, slots=True)
class Outlook:
    """Where the weekend's finish lies by the learned estimates, from now on."""

    estimates: Estimates
    simulation: Simulation
    now: int

    @property
    def from_history(self) -> int:
        """How many tasks' estimates were learned from their own observed runs."""
        return len(self.estimates.from_history)

    @property
    def from_team(self) -> int:
        """How many tasks never observed took their team's factor."""
        return len(self.estimates.from_team)


def outlook(snap: Snapshot, estimates: Estimates, *, runs: int = 10_000, seed: int = 0) -> Outlook:
    """Simulate the remaining work at the snapshot's moment with the learned ``estimates``."""
    sim = simulate_weekend(snap.plan, snap, estimates, runs=runs, seed=seed)
    return Outlook(estimates, sim, snap.now)
