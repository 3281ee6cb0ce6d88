"""Reading an Excel workbook's sheets (.xlsx, .xlsm) with openpyxl: the only module that
reads one, imported only by ``runbook import`` of a workbook.

The workbook is a zip of XML written by whoever sent it. Its size and the size it unpacks to
are bounded before openpyxl opens it, and openpyxl parses the XML through defusedxml (it does
so by itself when defusedxml is installed, as runbook requires), so entity tricks are refused.
"""

from __future__ import annotations

import io
import warnings
import zipfile

from runbook.common.errors import InputError
from runbook.interchange.sheet import Sheet

MAX_UNPACKED = 512 * 1024 * 1024  # what the zip may unpack to: far above 50,000 rows
_OLE = b"\xd0\xcf\x11\xe0"  # an .xls of Excel 97-2003 (or an encrypted workbook)


_REFUSED = {"DTDForbidden", "EntitiesForbidden", "ExternalReferenceForbidden"}


def _unreadable(source: str, exc: BaseException) -> InputError:
    """The error for a workbook openpyxl could not read: hostile XML said as such."""
    cause: BaseException | None = exc
    while cause is not None:
        if type(cause).__name__ in _REFUSED:
            return InputError(
                f"{source}: refused: its XML declares a document type or entities, which "
                "Excel never writes and which can make a parser expand or fetch anything",
                hint="open it in Excel and save it again as .xlsx",
            )
        cause = cause.__cause__ or cause.__context__
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return InputError(
        f"{source}: cannot be read as a workbook ({type(exc).__name__}: {first})",
        hint="open it in Excel and save it again as .xlsx",
    )


def read_workbook(data: bytes, *, source: str) -> list[Sheet]:
    """Every sheet of the workbook in ``data``, in the workbook's order, values only (a
    formula's last computed value)."""
    if data.startswith(_OLE):
        raise InputError(
            f"{source}: is an Excel 97-2003 workbook (.xls) or a password-protected one",
            hint="open it in Excel and save it as an Excel Workbook (.xlsx), without a password",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(
            f"{source}: is not an Excel workbook (.xlsx)",
            hint="save it from Excel as .xlsx, or as CSV and import the .csv",
        ) from None
    if unpacked > MAX_UNPACKED:
        raise InputError(
            f"{source}: unpacks to {unpacked / 1048576:,.0f} MiB; workbooks over "
            f"{MAX_UNPACKED // 1048576} MiB unpacked are refused"
        )
    import openpyxl

    try:
        with warnings.catch_warnings():
            # "Data Validation extension is not supported", "no default style": not ours.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _unreadable(source, exc) from None
    try:
        sheets = []
        for sheet in book.worksheets:
            rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
            while rows and all(v is None for v in rows[-1]):
                rows.pop()
            sheets.append(Sheet(sheet.title, rows))
        return sheets
    except Exception as exc:
        raise _unreadable(source, exc) from None
    finally:
        book.close()
