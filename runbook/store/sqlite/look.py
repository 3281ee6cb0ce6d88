"""A look at an SQLite file that cannot change it, nor anything beside it.

A damaged state file must stay byte for byte as it was (a user will try ``sqlite3 FILE
.recover`` on it), and so must its side files: the write-ahead log (``-wal``, committed
check-ins not yet folded into the file) and its index (``-shm``). An ordinary connection,
even a read-only one, may write beside the file: it creates the log and its index, rebuilds
an index a crashed writer left, and a read-write one folds the log into the file on closing.
``look_at`` picks the connection that reads the file as SQLite sees it without any of that:

- no log beside the file (or a rollback journal, which only opening the file for writing may
  roll back): ``immutable=1`` (no locks, no side files; only the file is read). As that
  ignores locks, a check that fails while the file changed under it is run again;
- a log and its index: ``mode=ro`` with ``readonly_shm=1`` (the index opened read-only, so
  not even its read marks change; SQLite then reads the log itself where it must);
- a log without its index (a copy of the two files): the two are copied into a private
  folder and looked at there, as there is no way to read the log without building an index.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

T = TypeVar("T")

BUSY_TIMEOUT_S = 30.0
LOOKS = 5  # an immutable look is repeated this often while the file keeps changing under it


def sidecar(path: Path, suffix: str) -> Path:
    """The side file ``path`` + ``suffix`` (``-wal``, ``-shm``, ``-journal``)."""
    return path.with_name(path.name + suffix)


def uri(path: Path, **params: str) -> str:
    """An SQLite URI for ``path`` as given (a relative path stays relative: a user may read
    a file in a folder whose parents they cannot list)."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(os.fspath(path))}?{query}"


def _fingerprint(path: Path) -> tuple[object, ...]:
    """What changes when anyone writes the file or opens it in WAL mode meanwhile."""
    try:
        info = path.stat()
        stat: tuple[object, ...] = (info.st_ino, info.st_size, info.st_mtime_ns)
    except OSError:
        stat = ()
    return (*stat, *(sidecar(path, s).exists() for s in ("-wal", "-shm", "-journal")))


class Unsteady(Exception):
    """The file kept changing under every immutable look: no verdict (another process is
    writing it, so it is in use, not left damaged)."""


def look_at(path: Path, check: Callable[[sqlite3.Connection], T]) -> T:
    """``check`` run on a connection that reads ``path`` (and its log) and cannot write to it
    or beside it; what it returns or raises. An immutable look whose check raised while the
    file changed under it is run again; ``Unsteady`` when it never held still. (``sqlite3``
    errors of opening the file are the check's too.)"""
    for _ in range(LOOKS):
        before = _fingerprint(path)
        immutable = _immutable(path)
        try:
            return _look_once(path, check)
        except Exception:
            if not immutable or _fingerprint(path) == before:
                raise
    raise Unsteady(f"{path}: kept changing while it was read")


def _immutable(path: Path) -> bool:
    """True when a look at ``path`` reads the file alone (no log beside it)."""
    return not sidecar(path, "-wal").exists() or sidecar(path, "-journal").exists()


def _look_once(path: Path, check: Callable[[sqlite3.Connection], T]) -> T:
    if _immutable(path):
        # No log, or a rollback journal (which only a read-write open may roll back): the
        # file alone, as it is on disk.
        return _checked(uri(path, mode="ro", immutable="1"), check)
    if sidecar(path, "-shm").exists():
        return _checked(uri(path, mode="ro", readonly_shm="1"), check)
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="runbook-look-") as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(sidecar(path, "-wal"), sidecar(copy, "-wal"))
        return _checked(uri(copy, mode="ro"), check)


def _checked(target: str, check: Callable[[sqlite3.Connection], T]) -> T:
    db = sqlite3.connect(target, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        return check(db)
    finally:
        db.close()
