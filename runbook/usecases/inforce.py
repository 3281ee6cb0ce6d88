"""Opening the version of the runbook in force (``runbook.weekend.versions``) from the store,
and saying, once, how the runbook file differs from it when it was edited and not recorded.

Every machine reads the same versions from the same log, so a stale copy of the YAML on a
laptop changes nobody's figures; only ``runbook revise`` puts an edit in force. A log that
records no version yet (nothing checked in) has the runbook file as its plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from runbook.planning.plan import Plan
from runbook.store.plancache import cached_plan
from runbook.weekend.versions import Version, in_force, versions

if TYPE_CHECKING:
    from runbook.store.protocol import EventStore
    from runbook.weekend.revision import Changes


@dataclass(frozen=True, slots=True)
class Drift:
    """The runbook file, edited since the latest version recorded and not recorded itself:
    what changed (None when the file has errors, counted in ``errors``)."""

    path: Path
    version: Version  # the latest version recorded
    changes: Changes | None
    errors: int = 0
    may_revise: bool = True  # whether this user may record it (mission control)

    @property
    def line(self) -> str:
        """The one line every command says about it."""
        n = self.version.number
        if self.changes is None:
            plural = "s" if self.errors != 1 else ""
            return (
                f"{self.path} has {self.errors} error{plural} (run `runbook validate`) and is "
                f"not used: runbook version {n}, the latest recorded, stays in force"
            )
        how = (
            "`runbook revise --reason TEXT` records it (`--dry-run` shows what it changes)"
            if self.may_revise
            else "mission control records it with `runbook revise`"
        )
        return (
            f"{self.path} differs from runbook version {n}, the latest recorded, and is not "
            f"used until it is recorded ({self.changes.line()}): {how}"
        )


def recorded_versions(store: EventStore | None) -> list[Version]:
    """Every version of the runbook the store's log records, oldest first."""
    return versions(store.version_events()) if store is not None else []


def plan_of(store: EventStore, version: Version) -> Plan | None:
    """The compiled plan of a recorded version, or None when the store does not hold it (a
    weekend imported into a new store keeps only the file's) or holds it in a cache format
    this version cannot read."""
    return cached_plan(store, version.digest)


def version_in_force(recorded: list[Version], at: int | None) -> Version | None:
    """The version in force at ``at`` (None: the latest)."""
    return in_force(recorded, at)


def drift(
    path: Path,
    version: Version,
    current: Plan,
    file_plan: Plan | None,
    errors: int,
    may_revise: bool,
) -> Drift:
    """How the runbook file (its plan, or None with ``errors``) differs from ``current``,
    the plan of the latest version recorded."""
    from runbook.weekend.revision import changes  # only for an edited file: off the hot path

    found = changes(current, file_plan) if file_plan is not None else None
    return Drift(path, version, found, errors, may_revise)


def file_drift(
    store: EventStore,
    latest: Version,
    fallback: Plan,
    path: Path,
    data: bytes,
    digest: str,
    may_revise: bool,
) -> Drift | None:
    """How the runbook file (its bytes and hash) differs from ``latest``, the latest version
    recorded (its plan from the store, else ``fallback``); None when it is that version."""
    if digest == latest.digest:
        return None
    current = plan_of(store, latest) or fallback
    file_plan = cached_plan(store, digest)
    errors = 0
    if file_plan is None:
        file_plan, errors = compiled_or_errors(data, path)
    return drift(path, latest, current, file_plan, errors, may_revise)


@dataclass
class Opened:
    """What opening the version in force found: its plan, the version, the moment a replay
    stands at (None: the clock), and how the runbook file differs from the latest version."""

    plan: Plan
    version: Version
    moment: int | None
    drift: Drift | None
    fresh_file_plan: Plan | None = None  # the file's plan, compiled now (to cache)


def open_in_force(
    store: EventStore,
    recorded: list[Version],
    path: Path,
    data: bytes,
    digest: str,
    compiled: Plan | None,
    at: Callable[[Plan], int] | None,
    notices: list[str],
) -> Opened | None:
    """The version in force (at ``at``'s moment once a plan says the zone; else the latest)
    with its plan, and the file's drift from the latest version. None when the latest
    version's plan is not in the store and the file is not that version: the file is then
    the plan, as before anything was recorded (said in ``notices``)."""
    latest = recorded[-1]
    file_plan = cached_plan(store, digest)
    fresh: Plan | None = None
    if file_plan is None and compiled is not None and compiled.digest == digest:
        file_plan = fresh = compiled
    current = plan_of(store, latest)
    if current is None and digest == latest.digest:
        current = file_plan or _compiled(data, path)
        fresh = current if file_plan is None else fresh
    if current is None:
        notices.append(
            f"runbook version {latest.number}, in force, is not in the state (a weekend "
            "copied from another store, or an older runbook's cache); the runbook file is used"
        )
        return None
    version, plan, moment = latest, current, None
    if at is not None:
        moment = at(current)
        version = in_force(recorded, moment) or latest
        if version is not latest:
            earlier = plan_of(store, version)
            if earlier is None:
                notices.append(
                    f"runbook version {version.number}, in force then, is not in "
                    f"the state; version {latest.number} is used"
                )
                version = latest
            else:
                plan = earlier
    found = None
    if digest != latest.digest:
        errors = 0
        if file_plan is None:
            file_plan, errors = compiled_or_errors(data, path)
            fresh = file_plan
        if file_plan is not None and file_plan.name != current.name:
            store.check_owner(file_plan.name)  # another runbook's file: refused, naming both
        found = drift(path, latest, current, file_plan, errors, store.may_force())
    return Opened(plan, version, moment, found, fresh)


def _compiled(data: bytes, path: Path) -> Plan | None:
    return compiled_or_errors(data, path)[0]


def compiled_or_errors(data: bytes, path: Path) -> tuple[Plan | None, int]:
    """The runbook file compiled (the slow path), or None and how many errors it has."""
    from runbook.validation.validate import validate_bytes

    result = validate_bytes(data, source=str(path), warnings=False)
    return result.plan, len(result.errors)
