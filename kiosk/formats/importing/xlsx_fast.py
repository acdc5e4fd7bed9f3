"""The fast path of the XLSX reader: worksheets as Excel, LibreOffice, xlsxwriter and our
exports write them are scanned with one regular expression (about 3x faster than expat
with Python callbacks). Anything the pattern does not cover (formulas, rich text,
unusual attribute order, namespace prefixes) raises NotSimple, and the caller falls back
to the expat parser, skipping the rows already delivered."""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import IO

Cell = str | float | bool | datetime | None

_TOKEN = re.compile(
    r'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(s|n|b|str|inlineStr|e)")?'
    r'(?:>(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)</c>|/>)'
    r'|<row r="(\d+)"[^>/]*(/?)>'
    r"|(</row>)"
)
_CHUNK = 1 << 22


_SHARED = re.compile(r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>|<si><t/></si>')


def simple_shared_strings(xml: str) -> list[str] | None:
    """The shared strings when every one is plain text (no rich text runs, no phonetic
    guides), else None (use the full parser)."""
    found = _SHARED.findall(xml)
    if len(found) != xml.count("<si>") + xml.count("<si/>") or "<si " in xml:
        return None
    return [html.unescape(t) if "&" in t else t for t in found]


class NotSimple(Exception):
    """The sheet uses XML this scanner does not handle: use the full parser."""


def _col(letters: str, cache: dict[str, int]) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    cache[letters] = n - 1
    return n - 1


def converter(
    shared: list[str], date_styles: frozenset[int], date1904: bool
) -> Callable[[str | None, str, str | None], Cell]:
    """(type attribute, raw text, style attribute) -> the cell's value."""
    epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)

    def convert(kind: str | None, raw: str, style: str | None) -> Cell:
        if kind == "s":
            try:
                return shared[int(raw)]
            except (ValueError, IndexError):
                return ""
        if kind in ("inlineStr", "str", "e"):
            return html.unescape(raw) if "&" in raw else raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        try:
            num = float(raw)
        except ValueError:
            return raw
        if style and int(style) in date_styles:
            try:  # Excel keeps milliseconds; the float serial adds noise below them
                return epoch + timedelta(milliseconds=round(num * 86_400_000))
            except OverflowError:
                return num
        return num

    return convert


def scan(
    stream: IO[bytes], convert: Callable[[str | None, str, str | None], Cell]
) -> Iterator[tuple[int, list[Cell]]]:
    """Non-empty rows of a worksheet: (row number, values). Raises NotSimple."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    buf = ""
    started = False
    cols: dict[str, int] = {}
    row: list[Cell] = []
    row_no = 0
    while True:
        data = stream.read(_CHUNK)
        buf += decoder.decode(data, final=not data)
        if not started:
            at = buf.find("<sheetData")
            if at < 0:
                if not data:
                    raise NotSimple("no <sheetData>")
                continue
            if buf.startswith("<sheetData/>", at):
                return
            at = buf.find(">", at)
            if at < 0:
                continue
            buf = buf[at + 1 :]
            started = True
        cut = buf.rfind("</row>") + 6 if data else len(buf)
        if data and cut < 6:
            continue
        text, buf = buf[:cut], buf[cut:]
        pos = 0
        for m in _TOKEN.finditer(text):
            if m.start() != pos and text[pos : m.start()].strip():
                raise NotSimple(text[pos : pos + 60])
            pos = m.end()
            letters, style, kind, v, inline, r, closed, end = m.groups()
            if letters is not None:
                raw = v if inline is None else inline
                if raw is None:
                    continue  # an empty styled cell
                value = convert(kind, raw, style)
                col = cols.get(letters)
                if col is None:
                    col = _col(letters, cols)
                if col == len(row):
                    row.append(value)
                else:
                    while len(row) < col:
                        row.append(None)
                    if col < len(row):
                        row[col] = value
                    else:
                        row.append(value)
            elif r is not None:
                row_no = int(r)
                row = []
                if closed:
                    continue
            elif end:
                if any(x is not None and x != "" for x in row):
                    yield row_no, row
                row = []
        rest = text[pos:]
        if not data:
            if not rest.lstrip().startswith("</sheetData>"):
                raise NotSimple(rest[:60])
            return
        if rest.strip():
            raise NotSimple(rest[:60])
