"""Sending one message to one address through apprise: the only module that imports it.

apprise knows dozens of services by URL scheme (json://, mailto://, slack://, msteams://,
...); a failure comes back as the reason apprise logged, with the address's secrets masked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

# A run of this many characters of a secret is masked wherever it appears (a log that cut an
# address short, or split it, still shows none of it); a shorter secret is masked whole.
_PIECE = 8
# The most a delivery failure's reason keeps, after masking.
REASON_LIMIT = 300


def _forms(secret: str) -> set[str]:
    """A secret as it may appear in a log: as it is, and as a URL writes it."""
    from urllib.parse import quote, quote_plus

    return {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}


def _masked(text: str, secrets: Sequence[str], *, address: str = "") -> str:
    """``text`` with the address and every secret masked: the whole address, each secret
    whole, and any run of ``_PIECE`` characters of one (in any form a URL gives it). Mask
    first, cut after: a cut never leaves a piece of a secret unmasked."""
    if address:
        text = text.replace(address, "***")
    hidden = [False] * len(text)
    for secret in secrets:
        for form in _forms(secret) if secret else ():
            size = min(_PIECE, len(form))
            pieces = {form[i : i + size] for i in range(len(form) - size + 1)}
            for start in range(len(text) - size + 1):
                if text[start : start + size] in pieces:
                    hidden[start : start + size] = [True] * size
    if not any(hidden):
        return text
    out: list[str] = []
    for i, ch in enumerate(text):
        if not hidden[i]:
            out.append(ch)
        elif i == 0 or not hidden[i - 1]:
            out.append("***")
    return "".join(out)


def _cut(text: str, limit: int = REASON_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
            return _cut(_masked(f"{type(exc).__name__}: {exc}", secrets, address=url))
        said = log.getvalue()
    if ok:
        return None
    # Masked in apprise's whole log, before anything is picked out of it or cut.
    return _cut(_reason(_masked(said, secrets, address=url)))


_ERRNO = re.compile(r"\[Errno -?\d+\] [^\"')]+")
_SSL = re.compile(r"\[SSL(?:: [A-Z_]+)?\] [^\"'()]+")


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
            found = _SSL.search(line)  # a TLS failure has no errno: its own words
            if found:
                return f"{found.group(0).strip()} (TLS): {reason}"
            return f"{_cut(line.split(':', 1)[1].strip(), 120)}: {reason}"
    return reason
