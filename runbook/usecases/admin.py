"""``runbook db init`` as a use case: the PostgreSQL weekend's schema and roles set up (by the
store's administration), then the compiled plan stored and the baseline taken when there is
none, as any weekend opened for a check-in does."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from runbook.common.errors import InvalidRunbook
from runbook.planning.plan import Plan
from runbook.store.postgres.admin import InitResult, check_prefix, set_up
from runbook.usecases.weekend import Weekend
from runbook.weekend.events import EventKind


def init_weekend(
    path: Path,
    uri: str,
    *,
    prefix: str | None = None,
    actor: str,
    host: str,
    at: Callable[[Plan], datetime] | None = None,
) -> InitResult:
    """Create or migrate the schema, the roles, their grants, the owner tables and the
    weekend's window, in one transaction under the schema lock; then store the compiled plan
    and take the baseline when there is none. Running it again changes nothing (and says so).
    ``prefix``: the roles' prefix; by default the one this database's own roles have, else
    the database's name (roles are per weekend database: see ``runbook.store.postgres.roles``)."""
    from runbook.validation.validate import validate_path

    if prefix is not None:
        check_prefix(prefix)
    validation = validate_path(path, warnings=False)
    plan = validation.plan
    if plan is None:
        raise InvalidRunbook(validation.problems, source=os.fspath(path))
    result = set_up(path, uri, plan, prefix=prefix)
    with Weekend.open(path, uri, create=True, compiled=plan, at=at) as weekend:
        assert weekend.store is not None
        runbook_events = [e for e in weekend.store.events() if e.kind == EventKind.BASELINE]
        if runbook_events:
            result.baseline_before = runbook_events[-1]
        else:
            result.baseline = weekend.reset_baseline(actor=actor, host=host, note="db init")
    return result
