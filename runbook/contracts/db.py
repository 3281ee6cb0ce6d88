"""The ``runbook db status --json`` contract (docs/contracts/db-status.schema.json)."""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING, Any

from runbook.contracts.weekend import version_json

if TYPE_CHECKING:
    from runbook.store.postgres.admin import DbStatus


def db_status_json(found: DbStatus) -> dict[str, Any]:
    """The weekend database as ``db status --json`` says it: where (no password), the schema
    version, the owner runbook, the role prefix, the roles and their members, and the version
    of the runbook in force (its times in UTC: the database holds no time zone)."""
    return {
        "database": found.where,
        "schema_version": found.version,
        "runbook": found.runbook,
        "role_prefix": found.prefix,
        "events": found.events,
        "tasks_with_a_team": found.tasks,
        "runbook_version": version_json(found.in_force, UTC),
        "roles": [
            {
                "role": r.role,
                "kind": r.kind,
                "team": r.team,
                "stage": r.stage,
                "exists": r.exists,
                "own": r.own,
                "members": list(r.members),
            }
            for r in found.roles
        ],
    }
