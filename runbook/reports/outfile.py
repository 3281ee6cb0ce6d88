"""Writing a report to a file: never over a runbook, a state file or any database; atomically;
only to a regular file.

A report is written to a temporary file in the destination's folder, flushed to disk and
renamed into place, so a reader sees the old file or the new one, never half of either, and
a failure leaves the destination as it was. Anything but a regular file (a FIFO, which would
hang until someone reads it, a pipe behind ``/dev/stdout``, a device) is refused plainly:
standard output is ``-o -``.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from runbook.common.errors import InputError
from runbook.store.sqlite.store import is_sqlite_database

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


STDOUT = "-"  # ``-o -``: standard output


def to_stdout(out: Path | None) -> bool:
    """Whether ``-o`` names standard output (``-o -``)."""
    return out is not None and str(out) == STDOUT


def _what_it_is(mode: int) -> str | None:
    """What a file that is not a regular one is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a pipe or FIFO (writing to it waits until something reads it)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def check_regular(out: Path) -> None:
    """Refuse an output that exists and is not a regular file, or a path under ``/dev`` or
    ``/proc`` (``/dev/stdout``: give ``-o -``). A file not there yet is fine."""
    shown = os.fspath(out)
    if os.path.abspath(shown).startswith(("/dev/", "/proc/")):
        raise InputError(
            f"{out}: a report is written to a regular file, not to a device",
            hint="give a file name with -o, or -o - for standard output",
        )
    try:
        info = os.stat(out)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"{out}: cannot write ({exc.strerror or exc})") from None
    what = _what_it_is(info.st_mode)
    if what is not None:
        raise InputError(
            f"{out}: is {what}, not a regular file; a report is written only to a regular file",
            hint="give a file name with -o, or -o - for standard output",
        )


def check_output(out: Path, protected: Iterable[tuple[Path | str | None, str]]) -> None:
    """Refuse an output path that would overwrite something a report must never replace:
    the files in ``protected`` (each with what it is), any SQLite database, or the journal
    or log beside one, and any output that is not a regular file (``check_regular``).
    Raises ``InputError`` naming the file and why. A state given as a PostgreSQL URI is no
    file: nothing to protect there. ``-o -`` (standard output) is always fine."""
    if to_stdout(out):
        return
    check_regular(out)
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
    (fsync'd). An existing file keeps its permissions; a new one gets the usual ones (umask).
    A symlink is followed: the file it points to is replaced, the link stays. Anything but a
    regular file is refused (``check_regular``), never opened: a FIFO would wait for a
    reader for ever."""
    check_regular(out)
    target = Path(os.path.realpath(out))
    try:
        info = target.stat()
        mode = info.st_mode & 0o7777
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
