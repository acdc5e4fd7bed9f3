"""Opening an attendee file as a table: a header row and data rows that can be read twice
(once to check every row, once to write them), in bounded memory. No interpretation of the
columns here: that is kiosk.formats.importing.validate."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from kiosk.formats.importing.limits import ImportFileError, ReadLimits
from kiosk.formats.importing.text import CsvTable
from kiosk.formats.importing.workbook import KINDS, Cell, WorkbookTable

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class Table(Protocol):
    path: str
    kind: str  # csv | xlsx | xls | ods
    encoding: str  # "" for workbooks
    delimiter: str  # "" for workbooks
    header: list[str]
    header_row: int
    size: int  # progress units: bytes of a CSV file, rows of a sheet

    def rows(self) -> Iterator[tuple[int, list[Cell]]]: ...

    def position(self) -> int: ...


def _magic(p: Path) -> bytes:
    try:
        with p.open("rb") as f:
            return f.read(4)
    except FileNotFoundError:
        raise ImportFileError(p, "no such file") from None
    except IsADirectoryError:
        raise ImportFileError(p, "is a folder, not a file") from None
    except OSError as exc:
        raise ImportFileError(p, f"cannot be read ({exc.strerror or exc})") from None


def open_table(
    path: str | Path,
    accept: Callable[[list[str]], bool] = lambda header: True,
    limits: ReadLimits | None = None,
) -> Table:
    """CSV/TSV/TXT, XLSX/XLSM, XLS or ODS, by content and extension. In a workbook, the
    first sheet whose header row `accept`s is read (else the first that has rows)."""
    p = Path(path)
    limits = limits or ReadLimits()
    magic = _magic(p)
    kind = KINDS.get(p.suffix.lower(), "")
    if magic == ZIP_MAGIC:
        kind = "ods" if kind == "ods" else "xlsx"
    elif magic == OLE_MAGIC or kind == "xls":
        kind = "xls"
    elif kind in ("xlsx", "ods"):
        raise ImportFileError(p, f"not an {kind.upper()} workbook (damaged, or not a zip archive)")
    try:
        if kind:
            return WorkbookTable(p, kind, limits, accept)
        return CsvTable(p, limits)
    except (IsADirectoryError, FileNotFoundError, PermissionError) as exc:
        raise ImportFileError(p, f"cannot be read ({exc.strerror or exc})") from None
