"""Reading a runbook file: its bytes, safely bounded, and the content hash that names them.

Kept apart from the loader so a check-in can hash the runbook without importing pydantic.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from runbook.common.errors import InputError

# 12 MiB: a 50,000-task runbook (the task limit) with three-point estimates is about 10.7 MB
# as generated; the 2,000,000-value cap of the YAML reader still bounds the densest graph.
MAX_BYTES = 12 * 1024 * 1024


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a runbook file, refusing what cannot or should not be read."""
    name = os.fspath(path)
    try:
        size = os.stat(name).st_size
        if Path(name).is_dir():
            raise InputError(f"{name}: is a directory, not a runbook file")
        if size > MAX_BYTES:
            raise InputError(
                f"{name}: the file is {size / 1048576:.1f} MiB; runbooks larger than "
                f"{MAX_BYTES // 1048576} MiB are refused"
            )
        with open(name, "rb") as f:
            return f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file", hint="give the runbook with -f FILE") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None


def digest_of(data: bytes) -> str:
    """The content hash that identifies one version of a runbook file (SHA-256)."""
    # The interpreter's own SHA-256 (the same digest as hashlib's) without loading OpenSSL,
    # a tenth of a check-in's start-up: _sha256 up to Python 3.11, _sha2 from 3.12. OpenSSL's
    # is three times faster, though: taken when it is loaded already (pydantic loads it) or
    # when the file is large enough to pay for loading it (5 ms against 1.4 for 1.6 MB).
    if "_hashlib" in sys.modules or len(data) > _OPENSSL_PAYS:
        from hashlib import sha256
    else:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found,no-redef]
        except ImportError:
            try:
                from _sha2 import sha256  # type: ignore[import-not-found,no-redef]
            except ImportError:
                from hashlib import sha256
    digest: str = sha256(data).hexdigest()
    return digest


_OPENSSL_PAYS = 1024 * 1024  # bytes past which loading OpenSSL costs less than it saves
