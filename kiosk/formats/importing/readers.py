"""Reading an attendee file into a header row and raw rows: CSV (any of the encodings and
delimiters registration systems produce) and XLSX. No interpretation of the columns here."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kiosk.formats.importing.xlsx import XlsxError, read_xlsx
from kiosk.formats.importing.xlsx_fast import Cell
from kiosk.models.errors import KioskError

DELIMITERS = (",", ";", "\t")


class ImportFileError(KioskError):
    """The file cannot be read as an attendee list: names the file and what is wrong."""

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = str(path), problem


@dataclass(frozen=True, slots=True)
class RawTable:
    """A file's header and data rows (row number as a spreadsheet program shows it)."""

    path: str
    kind: str  # "csv" or "xlsx"
    encoding: str  # "" for xlsx
    delimiter: str  # "" for xlsx
    header: list[str]
    header_row: int
    rows: list[tuple[int, list[Cell]]]


def decode_bytes(data: bytes, path: str | Path) -> tuple[str, str]:
    """(text, encoding name): BOM first, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            utf8_error = exc
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                path,
                "the text encoding is not UTF-8, UTF-16 or GB18030 (first bad byte at offset "
                f"{utf8_error.start} for UTF-8, {exc.start} for GB18030); "
                "save the file as CSV UTF-8 or XLSX",
            ) from None
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            path, f"the file starts like {enc.upper()} but has a bad byte at offset {exc.start}"
        ) from None


def sniff_delimiter(line: str) -> str:
    """The delimiter among , ; and tab that occurs most often outside quotes in `line`."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _is_blank(cells: list[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_csv(path: Path) -> RawTable:
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ImportFileError(path, "is a folder, not a file") from None
    except FileNotFoundError:
        raise ImportFileError(path, "no such file") from None
    except OSError as exc:
        raise ImportFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(path, "is a binary file, not CSV text (save it as CSV or XLSX)")
    text, encoding = decode_bytes(data, path)
    lines = io.StringIO(text, newline="")
    first_line_no = 1
    delimiter = ""
    # Excel writes "sep=;" as a first line in some locales.
    head = text[:64].lstrip("\ufeff")
    if head[:4].lower() == "sep=" and len(head) > 4 and head[4] in DELIMITERS:
        delimiter = head[4]
        lines.readline()
        first_line_no = 2
    reader = csv.reader(lines, delimiter=delimiter or ",", strict=False)
    header: list[str] = []
    header_row = 0
    rows: list[tuple[int, list[Cell]]] = []
    try:
        if not delimiter:
            # Sniff on the first non-blank line, then re-read with the delimiter found.
            for raw_line in text.splitlines():
                if raw_line.strip().strip(",;\t"):
                    delimiter = sniff_delimiter(raw_line)
                    break
            else:
                delimiter = ","
            reader = csv.reader(lines, delimiter=delimiter, strict=False)
        base = first_line_no - 1
        line_before = 0
        for cells in reader:
            row_no = base + line_before + 1
            line_before = reader.line_num
            if not cells or not "".join(cells).strip():
                continue
            if not header:
                header = [c.strip().lstrip("\ufeff") for c in cells]
                header_row = row_no
                continue
            rows.append((row_no, cells))  # type: ignore[arg-type]
    except csv.Error as exc:
        raise ImportFileError(
            path, f"line {base + reader.line_num}: not valid CSV ({exc})"
        ) from None
    if not header:
        raise ImportFileError(path, "the file is empty (no header row)")
    return RawTable(str(path), "csv", encoding, delimiter, header, header_row, rows)


def read_xlsx_table(path: Path, accept: Callable[[list[str]], bool] | None = None) -> RawTable:
    if not path.exists():
        raise ImportFileError(path, "no such file")
    header: list[str] = []
    header_row = 0
    rows: list[tuple[int, list[Cell]]] = []
    try:

        def accept_cells(cells: list[Cell]) -> bool:
            return accept is None or accept(["" if c is None else str(c) for c in cells])

        it: Iterator[tuple[int, list[Cell]]] = read_xlsx(str(path), accept_cells)
        for row_no, cells in it:
            if not header:
                header = ["" if c is None else str(c).strip() for c in cells]
                header_row = row_no
            else:
                rows.append((row_no, cells))
    except XlsxError as exc:
        raise ImportFileError(path, str(exc)) from None
    except IsADirectoryError:
        raise ImportFileError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise ImportFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not header:
        raise ImportFileError(path, "the first worksheet is empty (no header row)")
    return RawTable(str(path), "xlsx", "", "", header, header_row, rows)


def read_table(path: str | Path, accept: Callable[[list[str]], bool] | None = None) -> RawTable:
    """Read CSV/TSV/TXT or XLSX by content (a zip archive is XLSX) and extension.

    In a workbook, the first sheet whose header row `accept`s is read (else the first)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".xls",):
        raise ImportFileError(p, "old Excel .xls files are not supported: save as .xlsx or CSV")
    try:
        with p.open("rb") as f:
            magic = f.read(4)
    except FileNotFoundError:
        raise ImportFileError(p, "no such file") from None
    except IsADirectoryError:
        raise ImportFileError(p, "is a folder, not a file") from None
    except OSError as exc:
        raise ImportFileError(p, f"cannot be read ({exc.strerror or exc})") from None
    if suffix in (".xlsx", ".xlsm") or magic == b"PK\x03\x04":
        return read_xlsx_table(p, accept)
    return read_csv(p)
