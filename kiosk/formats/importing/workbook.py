"""Spreadsheets: XLSX/XLSM, old Excel .xls and OpenDocument .ods, read with python-calamine.

Before the library sees a zip-based workbook, its parts are checked without trusting the
archive's own size fields: each part is unpacked as a stream and counted against the
unpacked-size limit (a 1 MB file of shared strings that inflate to 1 GB is refused there),
and the worksheets' cell references must lie inside Excel's grid and make an area the
library can hold (a single cell at `ZZZZZZZ2` would make it allocate gigabytes).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from kiosk.formats.importing.limits import MB, ImportFileError, ReadLimits

Cell = str | int | float | bool | datetime | date | time | timedelta | None

_CELL_REF = re.compile(rb' r="([A-Z]{1,12})([0-9]{1,12})"')
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension ref="([A-Z]{1,12})([0-9]{1,12})(?::([A-Z]{1,12})([0-9]{1,12}))?"'
)
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
KINDS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}


def column_number(letters: bytes) -> int:
    """b'A' → 1, b'XFD' → 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


class _Grid:
    """The largest row and column that the scanned cell references name."""

    def __init__(self, part: str, limits: ReadLimits, path: Path) -> None:
        self.part, self.limits, self.path = part, limits, path
        self.rows = self.cols = 0

    def see(self, letters: bytes, digits: bytes) -> None:
        col, row = column_number(letters), int(digits)
        lim = self.limits
        if col > lim.columns or row > lim.rows:
            ref = (letters + digits).decode()
            raise ImportFileError(
                self.path,
                f"{self.part}: cell {ref[:24]} lies beyond the last cell a spreadsheet can "
                f"have (XFD{lim.rows}); the file is damaged or built to exhaust memory",
            )
        self.rows, self.cols = max(self.rows, row), max(self.cols, col)
        if self.rows * self.cols > lim.cells:
            raise ImportFileError(
                self.path,
                f"{self.part}: the sheet spans {self.rows:,} rows × {self.cols:,} columns, more "
                f"than the {lim.cells:,} cells an import reads; split the file",
            )


def check_archive(path: Path, limits: ReadLimits) -> None:
    """Refuse a zip-based workbook that unpacks beyond the limit or names impossible cells."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(
            path, "not an XLSX workbook (damaged, or not a zip archive)"
        ) from None
    limit = limits.unpacked_bytes
    with zf:
        infos = zf.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > limit:
            raise ImportFileError(path, _too_big(declared, limit))
        total = 0
        for info in infos:
            grid = _Grid(info.filename, limits, path) if _WORKSHEET.match(info.filename) else None
            tail = b""
            first = True
            try:
                with zf.open(info) as part:
                    while chunk := part.read(MB):
                        total += len(chunk)
                        if total > limit:
                            raise ImportFileError(path, _too_big(total, limit))
                        if grid is not None:
                            _scan(tail + chunk, grid, first)
                            tail, first = chunk[-64:], False
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
                raise ImportFileError(
                    path, f"damaged XLSX workbook: part {info.filename[:80]} ({exc})"
                ) from None


def _scan(data: bytes, grid: _Grid, first: bool) -> None:
    if first:  # <dimension> comes before the rows
        for m in _DIMENSION.finditer(data, 0, 4096):
            grid.see(m.group(1), m.group(2))
            if m.group(3):
                grid.see(m.group(3), m.group(4))
    # Hundreds of thousands of cells per chunk: only the distinct columns and the largest
    # row number (the longest, then the greatest of those) are looked at one by one.
    refs = _CELL_REF.findall(data)
    if refs:
        rows = [r for _, r in refs]
        longest = len(max(rows, key=len))
        top = max(r for r in rows if len(r) == longest)
        for letters in {c for c, _ in refs}:
            grid.see(letters, top)


def _too_big(size: int, limit: int) -> str:
    return (
        f"the workbook unpacks to more than {limit // MB:,} MB (at least {size / MB:,.0f} MB); "
        "refused as a decompression bomb (raise the limit with --max-unpacked-mb if it is real)"
    )


class WorkbookTable:
    """The attendee sheet of a workbook: the first sheet whose header row `accept`s."""

    def __init__(
        self, path: Path, kind: str, limits: ReadLimits, accept: Callable[[list[str]], bool]
    ) -> None:
        from python_calamine import CalamineWorkbook

        self.path, self.kind, self.encoding, self.delimiter = str(path), kind, "", ""
        if kind == "xls" and path.stat().st_size > limits.unpacked_bytes:
            raise ImportFileError(path, _too_big(path.stat().st_size, limits.unpacked_bytes))
        if kind != "xls":
            check_archive(path, limits)
        label = {"xlsx": "XLSX workbook", "xls": "Excel .xls workbook", "ods": "ODS spreadsheet"}
        try:
            book = CalamineWorkbook.from_path(str(path))
            chosen = None
            for name in book.sheet_names:
                sheet = book.get_sheet_by_name(name)
                found = self._header(sheet)
                if found is not None and (chosen is None or accept(found[1])):
                    chosen = (sheet, *found)
                    if accept(found[1]):
                        break
        except ImportFileError:
            raise
        except Exception as exc:  # calamine's errors: damaged zip, XML, OLE, passwords
            text = (
                f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
            )
            raise ImportFileError(path, f"damaged {label[kind]} ({text[:200]})") from None
        if chosen is None:
            raise ImportFileError(path, "the workbook's sheets are empty (no header row)")
        self.sheet, self.header_row, raw = chosen
        self.header = [c.strip() for c in raw]
        self.size = max(1, int(self.sheet.height))
        self._done = 0

    @staticmethod
    def _header(sheet: Any) -> tuple[int, list[str]] | None:
        for row, cells in _sheet_rows(sheet):
            return row, ["" if c is None else str(c) for c in cells]
        return None

    def position(self) -> int:
        return self._done

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        self._done = 0
        for row, cells in _sheet_rows(self.sheet):
            self._done = row
            if row > self.header_row:
                yield row, cells


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[Cell]]]:
    """(row number as a spreadsheet shows it, cells) of the non-blank rows."""
    start = sheet.start
    first = start[0] + 1 if start else 1
    for i, cells in enumerate(sheet.iter_rows()):
        if any(c != "" and c is not None for c in cells):
            yield first + i, cells
