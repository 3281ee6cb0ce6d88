"""Sending one message to one address through apprise: the only module that imports it.

apprise knows dozens of services by URL scheme (json://, mailto://, slack://, msteams://,
...); a failure comes back as the reason apprise logged, with the address's secrets masked.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence


def _masked(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def understood(url: str) -> bool:
    """Whether apprise knows how to send to ``url``."""
    import apprise

    return apprise.Apprise.instantiate(url, suppress_exceptions=True) is not None


def send(url: str, title: str, body: str, *, secrets: Sequence[str] = ()) -> str | None:
    """Send a plain-text message; None when it was delivered, else why not."""
    import apprise

    sender = apprise.Apprise()
    capture = apprise.LogCapture(level=logging.WARNING, fmt="%(message)s")  # type: ignore[no-untyped-call]
    with capture as log:
        if not sender.add(url):
            return "apprise does not understand this address"
        try:
            ok = sender.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT)
        except Exception as exc:  # a plugin's bug fails this address, not the round
            return _masked(f"{type(exc).__name__}: {exc}", (url, *secrets))
        said = log.getvalue().strip()
    if ok:
        return None
    reason = said.splitlines()[-1] if said else "apprise could not deliver it"
    return _masked(reason, (url, *secrets))[:500]
