"""`runbook import` as a use case: another tool's file -> runbook YAML, validated, every
problem located in the file it came from."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbook.common.errors import InputError
from runbook.common.problems import Problem
from runbook.interchange import emit
from runbook.interchange.draft import Draft, ImportOptions
from runbook.validation.validate import Validation, validate_bytes

MAX_BYTES = 64 * 1024 * 1024  # a 50,000-row workbook is far smaller
KINDS = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xml": "mspdi",
}


@dataclass
class Imported:
    """What an import produced: the YAML (when the file could be read), its validation, and
    every problem, located in the imported file (a sheet's cell, a task of MS Project's)."""

    source: str
    text: str | None
    validation: Validation | None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the import."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        """The file made a valid runbook."""
        return self.validation is not None and self.validation.ok and not self.errors


def kind_of(path: Path, data: bytes) -> str:
    """``xlsx``, ``csv`` or ``mspdi``: by the file's suffix, else by its first bytes."""
    kind = KINDS.get(path.suffix.lower())
    if kind is not None:
        return kind
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"<"):
        return "mspdi"
    return "csv"


def read_file(path: Path) -> bytes:
    """The bytes of the file to import, bounded."""
    name = os.fspath(path)
    try:
        if path.is_dir():
            raise InputError(f"{name}: is a directory, not a file to import")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"{name}: the file is {size / 1048576:.1f} MiB; files over "
                f"{MAX_BYTES // 1048576} MiB are refused"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None


def draft_of(path: Path, options: ImportOptions, *, base: dict[str, Any] | None = None) -> Draft:
    """The runbook document the file describes (not yet validated); ``base``: an existing
    runbook's data it is laid over."""
    source = os.fspath(path)
    data = read_file(path)
    kind = kind_of(path, data)
    if kind == "mspdi":
        from runbook.interchange.mspdi import from_mspdi

        return from_mspdi(data, options, source=source)
    from runbook.interchange.workbook import from_sheets

    if kind == "xlsx":
        from runbook.interchange.xlsx_read import read_workbook

        sheets = read_workbook(data, source=source)
    else:
        from runbook.interchange.csv_read import read_csv

        sheets = [read_csv(data, source=source)]
    return from_sheets(sheets, options, source=source, base=base)


def import_file(
    path: Path,
    options: ImportOptions,
    *,
    output: str,
    base: dict[str, Any] | None = None,
) -> Imported:
    """Read ``path`` and make its runbook: the YAML text for ``output`` and its validation.
    Problems the validation finds are located back in the imported file where they can be.
    ``base``: the data of an existing runbook, completed by the file (``--diff``)."""
    source = os.fspath(path)
    from runbook.interchange.headers import MapError

    try:
        draft = draft_of(path, options, base=base)
    except MapError as exc:
        raise InputError(exc.message, hint=exc.hint) from None
    imported = Imported(source, None, None, notes=draft.notes, document=draft.document)
    if not draft.ok:
        imported.problems = list(draft.problems)
        return imported
    if base is not None:
        from runbook.interchange.overlay import overlay

        overlay(draft, base)
    text = emit.dump(draft.document, header=[f"Imported from {path.name} by runbook import."])
    validation = validate_bytes(text.encode("utf-8"), source=output)
    imported.text, imported.validation = text, validation
    imported.problems = [_located(p, draft) for p in validation.problems]
    return imported


def _located(problem: Problem, draft: Draft) -> Problem:
    """A problem of the YAML made, placed at the cell (or task) it came from."""
    place = draft.place_of(problem.path) if problem.path else None
    return Problem(
        problem.severity,
        problem.message,
        hint=problem.hint,
        path=problem.path,
        place=place or "the runbook made from it",
    )
