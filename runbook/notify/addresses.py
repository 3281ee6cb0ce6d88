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
from pathlib import Path
from typing import TYPE_CHECKING

from runbook.common.errors import InputError, InvalidRunbook, RunbookError
from runbook.format.model import ENV_REFERENCE, Notify, RehearsalNotify, Runbook
from runbook.notify.notices import COORDINATOR, approver_recipient, team_recipient

if TYPE_CHECKING:
    from runbook.planning.plan import Plan


@dataclass(frozen=True, slots=True)
class Address:
    """One address of one recipient, as the runbook writes it."""

    recipient: str  # team:<id>, approver:<name> or coordinator
    path: tuple[str | int, ...]  # ("notify", "teams", "dba", 0): where the runbook has it
    written: str  # the URL with its ${NAME} references

    @property
    def index(self) -> int:
        """Its place in its recipient's list, from 0."""
        return int(self.path[-1])

    @property
    def where(self) -> str:
        """``notify.teams.dba[0]``: the address's place, as messages name it."""
        *keys, index = self.path
        return ".".join(str(k) for k in keys) + f"[{index}]"

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
                hint=f"set {missing[0]}, the address or its secret, before runbook notify",
            )
        return ENV_REFERENCE.sub(lambda m: env[m.group(1)], self.written)

    def secrets(self, environ: Mapping[str, str] | None = None) -> list[str]:
        """The values the address takes from the environment: never shown in a message."""
        env = os.environ if environ is None else environ
        return [env[n] for n in ENV_REFERENCE.findall(self.written) if env.get(n)]


def addresses(runbook: Runbook, *, rehearsal: bool = False) -> list[Address]:
    """Every address of the runbook's ``notify`` section, teams first; for a dress rehearsal
    (``rehearsal``) those of ``notify.rehearsal`` alone, never the weekend's: none when the
    runbook names none."""
    section: Notify | RehearsalNotify | None = runbook.notify
    where: tuple[str, ...] = ("notify",)
    if rehearsal:
        section, where = runbook.notify.rehearsal, ("notify", "rehearsal")
    if section is None:
        return []
    out = []
    for team, urls in section.teams.items():
        for i, url in enumerate(urls):
            out.append(Address(team_recipient(team), (*where, "teams", team, i), url))
    for i, url in enumerate(section.coordinator):
        out.append(Address(COORDINATOR, (*where, "coordinator", i), url))
    for name, urls in section.approvers.items():
        for i, url in enumerate(urls):
            out.append(Address(approver_recipient(name), (*where, "approvers", name, i), url))
    return out


def runbook_addresses(path: Path, *, rehearsal: bool = False) -> tuple[list[Address], Plan]:
    """The addresses of the runbook at ``path``, each one that can be sent to, and its plan.

    For a dress rehearsal (``rehearsal``) the addresses of ``notify.rehearsal`` alone: none
    is an answer (a rehearsal may notify nobody), not a refusal. Refuses, before anything is
    sent, a runbook that is not valid, one without addresses,
    and every address whose variable is not set or that apprise does not understand: each
    problem located in the file, all at once."""
    from runbook.notify.send import understood
    from runbook.validation.validate import plan_path

    checked = plan_path(path)
    loaded, plan = checked.loaded, checked.plan
    assert loaded.runbook is not None and plan is not None
    book = addresses(loaded.runbook, rehearsal=rehearsal)
    if not book and rehearsal:  # a rehearsal notifies its own addresses, or nobody
        return [], plan
    if not book:
        raise InputError(
            f"{loaded.source}: the runbook's notify section names no addresses: nothing to send",
            hint="add notify.teams and notify.coordinator (see docs/notifications.md)",
        )
    found = []
    for address in book:
        try:
            if not understood(address.url()):
                found.append(
                    loaded.problem(
                        "error",
                        f"{address.where}: apprise does not understand this address",
                        address.path,
                        hint="see docs/notifications.md for the address forms",
                    )
                )
        except RunbookError as exc:
            found.append(loaded.problem("error", exc.message, address.path, hint=exc.hint))
    if found:
        count = f"{len(found)} address{'es' if len(found) > 1 else ''}"
        raise InvalidRunbook(
            found,
            source=loaded.source,
            message=f"{loaded.source}: {count} cannot be sent to; nothing was sent",
        )
    return book, plan
