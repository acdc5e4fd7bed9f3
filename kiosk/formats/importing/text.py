"""CSV/TSV/TXT attendee files, streamed: any of the encodings registration systems write,
`,` `;` or tab, Excel's `sep=` line. Memory stays bounded whatever the file's size.

The encoding: a byte-order mark decides; else UTF-8 if the whole file is UTF-8; else
charset-normalizer chooses among GB18030, Big5 and cp1252 on the lines that are not ASCII
(GB18030 decodes almost any bytes, so "Müller" written in cp1252 must not be read as
"M黮ler"). Whatever is chosen must then decode every byte, or the file is refused naming
the line and the byte offset.

Refused, naming the row: a NUL character (a binary or damaged file), a quoted field whose
closing quote is missing (it would swallow the rest of the file), a line or a field beyond
the limits.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

from kiosk.formats.importing.limits import ImportFileError, ReadLimits
from kiosk.formats.importing.workbook import Cell

DELIMITERS = (",", ";", "\t")
CANDIDATES = ("gb18030", "big5", "cp1252")
CHUNK = 1 << 20
EVIDENCE_BYTES = 512 * 1024
MAX_RECORD_LINES = 1000  # physical lines one record (a quoted field) may span


def _bom(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return ""


def _utf16_without_bom(head: bytes) -> str:
    """UTF-16 text of mostly ASCII has a NUL in every other byte."""
    if len(head) < 8:
        return ""
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd > 0.4 * (len(head) // 2) and even == 0:
        return "utf-16-le"
    if even > 0.4 * (len(head) // 2) and odd == 0:
        return "utf-16-be"
    return ""


def detect_encoding(path: Path) -> str:
    """The codec to read `path` with; ImportFileError when none decodes it plausibly."""
    with path.open("rb") as f:
        head = f.read(4096)
        found = _bom(head) or _utf16_without_bom(head)
        if found:
            return found
        f.seek(0)
        utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        evidence: list[bytes] = []
        kept = 0
        bad_at = -1
        offset = 0
        lines = 1
        rest = b""
        while chunk := f.read(CHUNK):
            if bad_at < 0:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError as exc:
                    pending = len(utf8.getstate()[0])
                    bad_at = offset - pending + exc.start
                    lines += (rest + chunk)[: len(rest) + exc.start - pending].count(b"\n")
                else:
                    lines += chunk.count(b"\n")
            if kept < EVIDENCE_BYTES:
                parts = (rest + chunk).split(b"\n")
                rest = parts.pop()
                for line in parts:
                    if not line.isascii() and kept < EVIDENCE_BYTES:
                        evidence.append(line)
                        kept += len(line) + 1
            else:
                rest = b""
            offset += len(chunk)
        if rest and not rest.isascii():
            evidence.append(rest)
    if bad_at < 0:
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(b"\n".join(evidence), cp_isolation=list(CANDIDATES)).best()
    if best is None:
        raise ImportFileError(
            path,
            f"line {lines}: byte offset {bad_at:,} is not UTF-8, and the file is not plausibly "
            "UTF-16, GB18030, Big5 or cp1252 either; save it as CSV UTF-8 or XLSX",
        )
    return str(best.encoding).replace("_", "-")


class Lines:
    """The decoded physical lines of a file (ends kept), counted, with bytes read so far."""

    def __init__(self, path: Path, encoding: str, limits: ReadLimits, sep: str = "\n") -> None:
        self.path, self.encoding, self.limits, self.sep = path, encoding, limits, sep
        self.line = 0  # lines handed out
        self.pos = 0  # bytes read
        self.quotes = 0  # quote characters in the lines handed out
        self.done = False

    def _bad_bytes(self, exc: UnicodeDecodeError, buffered: bytes, chunk: bytes) -> ImportFileError:
        at = self.pos - len(chunk) - len(buffered) + exc.start
        before = (buffered + chunk)[: exc.start].decode(self.encoding, "replace")
        line = self.line + before.count(self.sep) + 1
        return ImportFileError(
            self.path,
            f"line {line}: the bytes at offset {at:,} are not valid {self.encoding.upper()}; "
            "the file mixes text encodings (save it as CSV UTF-8 or XLSX)",
        )

    def __iter__(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(self.encoding)("strict")
        sep, limit = self.sep, self.limits.line_chars
        pending: list[str] = []
        pending_chars = 0
        with self.path.open("rb") as f:
            while True:
                chunk = f.read(CHUNK)
                self.pos += len(chunk)
                buffered = decoder.getstate()[0]
                try:
                    text = decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    raise self._bad_bytes(exc, buffered, chunk) from None
                if "\x00" in text:
                    head = "".join(pending) + text[: text.index("\x00")]
                    raise ImportFileError(
                        self.path,
                        f"row {self.line + head.count(sep) + 1}: holds a NUL character "
                        "(a binary or damaged file, not CSV text)",
                    )
                parts = text.split(sep)
                if len(parts) > 1:
                    first = "".join(pending) + parts[0] + sep
                    pending, pending_chars = [parts[-1]], len(parts[-1])
                    for line in (first, *(p + sep for p in parts[1:-1])):
                        self.line += 1
                        self.quotes += line.count('"')
                        yield line
                elif text:
                    pending.append(text)
                    pending_chars += len(text)
                if pending_chars > limit:
                    raise ImportFileError(
                        self.path,
                        f"row {self.line + 1}: a line longer than {limit:,} characters "
                        "(not an attendee list, or a damaged file)",
                    )
                if not chunk:
                    break
        tail = "".join(pending)
        if tail:
            self.line += 1
            self.quotes += tail.count('"')
            yield tail
        self.done = True


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


class CsvTable:
    """A CSV file's header and its data rows, read afresh on every `rows()` call."""

    kind = "csv"

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        self.path_obj, self.path, self.limits = path, str(path), limits
        self.encoding = detect_encoding(path)
        self.size = max(1, path.stat().st_size)
        self.sep = "\n"
        self.skip_lines = 0
        self.delimiter = self._dialect()
        self.header: list[str] = []
        self.header_row = 0
        self._lines: Lines | None = None
        for row, cells in self._records():
            self.header = [c.strip().lstrip("\ufeff") for c in cells]
            self.header_row = row
            break
        if not self.header:
            raise ImportFileError(path, "the file is empty (no header row)")
        if len(self.header) > limits.columns:
            raise ImportFileError(
                path,
                f"the header row (row {self.header_row}) has {len(self.header):,} columns; "
                f"an attendee list has at most {limits.columns:,}",
            )

    def _dialect(self) -> str:
        """The delimiter (Excel's "sep=;" first line, else sniffed on the header line)."""
        lines = Lines(self.path_obj, self.encoding, self.limits)
        first = ""
        for n, line in enumerate(lines):
            if n == 0 and not line.endswith("\n") and "\r" in line:
                self.sep = "\r"  # old Mac line ends
                return self._dialect()
            text = line.lstrip("\ufeff").strip()
            if n == 0 and text[:4].lower() == "sep=" and len(text) == 5 and text[4] in DELIMITERS:
                self.skip_lines = 1
                return text[4]
            if text.strip(",;\t"):
                first = text
                break
        return sniff_delimiter(first)

    def position(self) -> int:
        return self._lines.pos if self._lines is not None else 0

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """(row number of the record's first line, cells) of every non-blank record."""
        lines = self._lines = Lines(self.path_obj, self.encoding, self.limits, self.sep)
        it = iter(lines)
        for _ in range(self.skip_lines):
            next(it, None)
        csv.field_size_limit(self.limits.field_chars)
        reader = csv.reader(it, delimiter=self.delimiter, strict=False)
        while True:
            start, quotes = lines.line + 1, lines.quotes
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(self.path, self._csv_error(start, str(exc))) from None
            spanned = lines.line - start + 1
            if spanned > 1 and (lines.quotes - quotes) % 2 and lines.done:
                raise ImportFileError(
                    self.path,
                    f"row {start}: a quoted field opens here and its closing quote is missing "
                    f"(it would swallow the {spanned - 1:,} lines after it)",
                )
            if spanned > MAX_RECORD_LINES:
                raise ImportFileError(
                    self.path,
                    f"row {start}: a quoted field opens here and runs over {spanned:,} lines; "
                    "its closing quote is probably missing",
                )
            if cells and "".join(cells).strip():
                yield start, cells

    def _csv_error(self, start: int, why: str) -> str:
        if "field larger than field limit" in why:
            return (
                f"row {start}: a field longer than {self.limits.field_chars:,} characters; a "
                "quoted field that opens there probably lacks its closing quote"
            )
        return f"row {start}: not valid CSV ({why})"

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """The data rows after the header (a new pass over the file)."""
        for row, cells in self._records():
            if row > self.header_row:
                yield row, cells  # type: ignore[misc]
