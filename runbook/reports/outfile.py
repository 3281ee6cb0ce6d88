"""Writing a report to a file: never over a runbook, a state file or any database; atomically.

A report is written to a temporary file in the destination's folder, flushed to disk and
renamed into place, so a reader sees the old file or the new one, never half of either, and
a failure leaves the destination as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from runbook.common.errors import InputError
from runbook.weekend.sqlite import is_sqlite_database

_SQLITE_SIDECARS = {
    "-wal": "write-ahead log",
    "-shm": "shared-memory index",
    "-journal": "rollback journal",
}


def _same(a: Path, b: Path) -> bool:
    """The same file: one inode (``./x``, a symlink, a hard link), or one resolved path."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def check_output(out: Path, protected: Iterable[tuple[Path | str | None, str]]) -> None:
    """Refuse an output path that would overwrite something a report must never replace:
    the files in ``protected`` (each with what it is), any SQLite database, or the journal
    or log beside one. Raises ``InputError`` naming the file and why. A state given as a
    PostgreSQL URI is no file: nothing to protect there."""
    for given, what in protected:
        if given is None or isinstance(given, str):
            continue
        path = given
        if _same(out, path):
            raise InputError(
                f"{out}: is {what}; a report is never written over it",
                hint="give another file name with -o",
            )
        for suffix, kind in _SQLITE_SIDECARS.items():
            sidecar = path.with_name(path.name + suffix)
            if _same(out, sidecar):
                raise InputError(
                    f"{out}: is SQLite's {kind} of {what}; a report is never written over it",
                    hint="give another file name with -o",
                )
    if out.exists() and is_sqlite_database(out):
        raise InputError(
            f"{out}: is an SQLite database (a state file, perhaps); a report is never "
            "written over it",
            hint="give another file name with -o",
        )
    for suffix, kind in _SQLITE_SIDECARS.items():
        if out.name.endswith(suffix) and is_sqlite_database(
            out.with_name(out.name[: -len(suffix)])
        ):
            raise InputError(
                f"{out}: is SQLite's {kind} of a database; a report is never written over it",
                hint="give another file name with -o",
            )


def write_atomically(out: Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes) to ``out`` through a temporary file renamed into place
    (fsync'd). An
    existing file keeps its permissions; a new one gets the usual ones (umask). A symlink is
    followed: the file it points to is replaced, the link stays. A device or a pipe
    (``-o /dev/null``) is written to as it is."""
    target = Path(os.path.realpath(out))
    if target.is_dir():
        raise InputError(f"{out}: is a directory; give a file name with -o")
    try:
        info = target.stat()
        mode = info.st_mode & 0o7777
        if not stat.S_ISREG(info.st_mode):
            _write_through(out, target, text)  # /dev/null, a pipe: nothing to replace
            return
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as exc:
        raise InputError(f"{out}: cannot write ({exc.strerror or exc})") from None
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
        _sync_folder(target.parent)
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise InputError(f"{out}: cannot write ({reason}); it was left as it was") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _write_through(out: Path, target: Path, text: str | bytes) -> None:
    """Write to a device or a pipe as it is (renaming a file over it would replace it)."""
    try:
        with open(target, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise InputError(f"{out}: cannot write ({reason})") from None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
