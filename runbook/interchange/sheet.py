"""A sheet as the importer reads it: rows of cell values, whatever file they came from, and
how a cell is named in a message (``Tasks!D14``)."""

from __future__ import annotations

from dataclasses import dataclass, field


def column_letter(index: int) -> str:
    """Excel's name of a 0-based column: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Sheet:
    """One sheet (a CSV file is one sheet without a name); ``rows[0]`` is row 1."""

    name: str | None
    rows: list[tuple[object, ...]]
    notes: list[str] = field(default_factory=list)

    def place(self, row: int, column: int | None = None) -> str:
        """``Tasks!D14`` (``D14`` in a CSV file), or ``Tasks, row 14`` for a whole row; ``row``
        is 0-based in ``rows``."""
        if column is None:
            return f"row {row + 1}" if self.name is None else f"{self.name}, row {row + 1}"
        cell = f"{column_letter(column)}{row + 1}"
        if self.name is None:
            return cell
        name = self.name if self.name.replace("_", "").isalnum() else f"'{self.name}'"
        return f"{name}!{cell}"

    def cell(self, row: int, column: int) -> object:
        """The value at ``rows[row][column]`` (None past the end of a short row)."""
        values = self.rows[row]
        return values[column] if column < len(values) else None
