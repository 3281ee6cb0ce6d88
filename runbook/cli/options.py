"""What the options every command shares mean: which runbook, which state, who reports it.

Free of Typer: the check-in's fast path (``runbook.cli.fast``) reads them as the Typer
commands do.
"""

from __future__ import annotations

import os
from pathlib import Path

from runbook.common.errors import UsageError


def runbook_file(argument: Path | None = None, option: Path | None = None) -> Path:
    """The runbook to use: the argument, ``-f``, ``$RUNBOOK_FILE``, else ``./runbook.yaml``."""
    if argument is not None and option is not None and argument != option:
        raise UsageError(f"two runbooks given: {argument} and -f {option}; give one")
    chosen = argument or option
    if chosen is not None:
        return chosen
    env = os.environ.get("RUNBOOK_FILE")
    return Path(env) if env else Path("runbook.yaml")


def output_file(value: Path | None) -> Path | None:
    """``-o FILE``; ``-o -`` is standard output (None, as if no -o was given)."""
    return None if value is not None and str(value) == "-" else value


def state_file(option: str | Path | None, runbook: Path) -> Path | str:
    """The state: ``--state``, ``$RUNBOOK_STATE``, else the file beside the runbook. A
    PostgreSQL URI stays text; anything else is a path."""
    from runbook.store import state_location

    if option is not None:
        return state_location(option)
    env = os.environ.get("RUNBOOK_STATE")
    if env:
        return state_location(env)
    from runbook.store import default_state_path  # not the use cases: `plan` may not need them

    return default_state_path(runbook)


def actor(option: str | None) -> str:
    """Who is reporting: ``--by``, ``$RUNBOOK_USER``, else the login name."""
    if option and option.strip():
        return option.strip()
    env = os.environ.get("RUNBOOK_USER")
    if env and env.strip():
        return env.strip()
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def host() -> str:
    """This machine's name, recorded with every event: the node name the kernel gives
    (what ``socket.gethostname()`` returns, without importing the socket module)."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        return uname().nodename or "unknown"
    import socket

    return socket.gethostname() or "unknown"
