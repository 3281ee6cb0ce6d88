"""Where notices go: the runbook's ``notify`` addresses, by recipient, and their secrets.

An address is kept as the runbook writes it (``json://${DBA_WEBHOOK}``); ``${NAME}`` is read
from the environment only when a message is sent, so a secret need not be in the runbook,
and is never written to the state: the outbox names an address by a digest of its written
form.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass

from runbook.common.errors import InputError
from runbook.format.model import ENV_REFERENCE, Runbook
from runbook.notify.notices import COORDINATOR, team_recipient


@dataclass(frozen=True, slots=True)
class Address:
    """One address of one recipient, as the runbook writes it."""

    recipient: str  # team:<id> or coordinator
    where: str  # notify.teams.dba[0]: where the runbook has it, for messages
    written: str  # the URL with its ${NAME} references

    @property
    def id(self) -> str:
        """What the outbox keeps instead of the address: a digest of its written form."""
        return hashlib.sha256(self.written.encode()).hexdigest()[:16]

    def url(self, environ: Mapping[str, str] | None = None) -> str:
        """The address with each ``${NAME}`` replaced by that environment variable; refuses
        a variable that is not set."""
        env = os.environ if environ is None else environ
        missing = [n for n in ENV_REFERENCE.findall(self.written) if not env.get(n)]
        if missing:
            raise InputError(
                f"{self.where}: the environment variable {missing[0]} is not set",
                hint=f"set {missing[0]} before running runbook notify (it holds the address "
                "or its secret)",
            )
        return ENV_REFERENCE.sub(lambda m: env[m.group(1)], self.written)

    def secrets(self, environ: Mapping[str, str] | None = None) -> list[str]:
        """The values the address takes from the environment: never shown in a message."""
        env = os.environ if environ is None else environ
        return [env[n] for n in ENV_REFERENCE.findall(self.written) if env.get(n)]


def addresses(runbook: Runbook) -> list[Address]:
    """Every address of the runbook's ``notify`` section, teams first."""
    out = []
    for team, urls in runbook.notify.teams.items():
        for i, url in enumerate(urls):
            out.append(Address(team_recipient(team), f"notify.teams.{team}[{i}]", url))
    for i, url in enumerate(runbook.notify.coordinator):
        out.append(Address(COORDINATOR, f"notify.coordinator[{i}]", url))
    return out
