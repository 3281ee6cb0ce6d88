"""Sending one message to one address through apprise: the only module that imports it.

apprise knows dozens of services by URL scheme (json://, mailto://, slack://, msteams://,
...); a failure comes back as the reason apprise logged, with the address's secrets masked.
"""

from __future__ import annotations

import logging
import re
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


def send(
    url: str, title: str, body: str, *, secrets: Sequence[str] = (), tone: str = "info"
) -> str | None:
    """Send a plain-text message of apprise's notify type ``tone`` (info, success, warning,
    failure); None when it was delivered, else why not."""
    import apprise

    sender = apprise.Apprise()
    capture = apprise.LogCapture(level=logging.DEBUG, fmt="%(levelname)s %(message)s")  # type: ignore[no-untyped-call]
    with capture as log:
        if not sender.add(url):
            return "apprise does not understand this address"
        try:
            ok = sender.notify(
                title=title,
                body=body,
                body_format=apprise.NotifyFormat.TEXT,
                notify_type=tone,  # a string: apprise 1.9 has no NotifyType enum yet
            )
        except Exception as exc:  # a plugin's bug fails this address, not the round
            return _masked(f"{type(exc).__name__}: {exc}", (url, *secrets))
        said = log.getvalue()
    if ok:
        return None
    return _masked(_reason(said), (url, *secrets))[:300]


_ERRNO = re.compile(r"\[Errno -?\d+\] [^\"')]+")


def _reason(log: str) -> str:
    """Why a delivery failed, from apprise's log: its warnings, and the socket's own words
    (``[Errno 111] Connection refused``) when it logged them."""
    lines = log.splitlines()
    warned = [ln.split(" ", 1)[1] for ln in lines if ln.startswith(("WARNING ", "ERROR "))]
    reason = "; ".join(dict.fromkeys(warned)) or "apprise could not deliver it"
    for line in lines:
        if line.startswith("DEBUG Socket Exception:"):
            # The socket's words first: a screen that cuts the line keeps what matters.
            found = _ERRNO.search(line)
            if found:
                number, words = found.group(0)[len("[Errno ") :].split("] ", 1)
                return f"{words.strip()} (errno {number}): {reason}"
            return f"{line.split(':', 1)[1].strip()[:120]}: {reason}"
    return reason
