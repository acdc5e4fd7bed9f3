"""A streaming XLSX writer for exports: constant memory, several times faster than
xlsxwriter's constant-memory mode (bench/export.py compares them side by side).

This writer builds each row's XML in one pass (inline strings, as xlsxwriter's
constant_memory mode does) and streams it into the zip archive. It writes what exports
need: text, numbers, booleans, date-time cells, a bold header row, column widths, a frozen
header, an autofilter. The parts mirror what xlsxwriter writes.

Any text can be written (tests/test_xlsx_writer.py proves it with hypothesis):
- control characters other than tab and line feed, which XML cannot hold, are written as
  Excel's `_xHHHH_` escapes, and a literal `_xHHHH_` in the text is escaped too
  (`_x005F_xHHHH_`), as Excel and xlsxwriter do; a carriage return becomes `_x000D_`, which
  XML parsers would otherwise turn into a line feed;
- a lone surrogate (not encodable) and the non-characters U+FFFE and U+FFFF (which neither
  XML nor an escape can carry: Excel does not read `_xFFFE_` back) become U+FFFD;
- leading or trailing whitespace is kept (`xml:space="preserve"`);
- NaN and infinities are Excel's error value #NUM!, not `<v>nan</v>`.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import IO
from xml.sax.saxutils import escape, quoteattr

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EPOCH = datetime(1899, 12, 30)
# What a text needs more than writing as is: XML's specials, characters XML 1.0 cannot
# hold, lone surrogates, a literal Excel escape, whitespace at either end.
_SPECIAL = re.compile(
    "[&<>\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]|_x[0-9A-Fa-f]{4}_|^[ \t\n]|[ \t\n]$"
)
_XSTRING = re.compile("[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_UNWRITABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")
_EDGE_SPACE = (" ", "\t", "\n")
HEADER_STYLE, DATETIME_STYLE = 1, 2
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
    'formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts><fonts count="2"><font><sz val="11"/>'
    '<color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '<font><b/><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font></fonts><fills count="3"><fill><patternFill '
    'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill>'
    '<patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>'
    '</patternFill></fill></fills><borders count="2"><border><left/><right/><top/><bottom/>'
    '<diagonal/></border><border><left style="thin"><color auto="1"/></left><right '
    'style="thin"><color auto="1"/></right><top style="thin"><color auto="1"/></top><bottom '
    'style="thin"><color auto="1"/></bottom><diagonal/></border></borders><cellStyleXfs '
    'count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs '
    'count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" '
    'fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
    'applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf><xf numFmtId="164" '
    'fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
    'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
)

Value = str | int | float | bool | datetime | None


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _xstring(m: re.Match[str]) -> str:
    return f"_x{ord(m.group()):04X}_"


def _clean(v: str) -> str:
    """`v` as XML text that Excel reads back as `v` (see the module's docstring)."""
    return escape(_UNWRITABLE.sub("\ufffd", _XSTRING.sub(_xstring, v)))


def _text(v: str) -> str:
    """`v` as a <t> element (with its xml:space attribute when needed)."""
    v = _clean(v)
    if v.startswith(_EDGE_SPACE) or v.endswith(_EDGE_SPACE):
        return f'<t xml:space="preserve">{v}</t>'
    return f"<t>{v}</t>"


def excel_serial(dt: datetime) -> float:
    """Days since 1899-12-30 of a naive (local) date-time."""
    return (dt - _EPOCH).total_seconds() / 86400.0


def _cell(ref: str, style: str, v: Value) -> str:
    """A cell of another type than text, a whole number or a date-time."""
    if type(v) is bool:
        return f'<c r="{ref}"{style} t="b"><v>{int(v)}</v></c>'
    if type(v) is float and math.isfinite(v):
        return f'<c r="{ref}"{style}><v>{v!r}</v></c>'
    if type(v) is float:
        return f'<c r="{ref}"{style} t="e"><v>#NUM!</v></c>'
    return f'<c r="{ref}"{style} t="inlineStr"><is>{_text(str(v))}</is></c>'


class SheetWriter:
    def __init__(self, stream: IO[bytes], columns: int) -> None:
        self._out = stream
        self._letters = [column_letter(i) for i in range(columns)]
        self.width = columns  # the widest row so far
        self.rows = 0
        self._buf: list[str] = []
        self._size = 0

    def _flush(self) -> None:
        self._out.write("".join(self._buf).encode("utf-8"))
        self._buf.clear()
        self._size = 0

    def row(self, values: Sequence[Value], style: int = 0) -> None:
        self.rows += 1
        n = self.rows
        letters = self._letters
        while len(letters) < len(values):
            letters.append(column_letter(len(letters)))
        self.width = max(self.width, len(values))
        s = f' s="{style}"' if style else ""
        parts = [f'<row r="{n}">']
        add = parts.append
        check = any(type(v) is str and _SPECIAL.search(v) for v in values)
        for c, v in enumerate(values):  # text, numbers and times here: the usual cells
            t = type(v)
            if t is str:
                if v:
                    text = _text(v) if check else f"<t>{v}</t>"  # type: ignore[arg-type]
                    add(f'<c r="{letters[c]}{n}"{s} t="inlineStr"><is>{text}</is></c>')
            elif t is int:
                add(f'<c r="{letters[c]}{n}"{s}><v>{v!r}</v></c>')
            elif t is datetime:
                serial = excel_serial(v)  # type: ignore[arg-type]
                add(f'<c r="{letters[c]}{n}" s="{DATETIME_STYLE}"><v>{serial!r}</v></c>')
            elif v is not None:
                add(_cell(f"{letters[c]}{n}", s, v))
        add("</row>")
        self._buf.append("".join(parts))
        self._size += 1
        if self._size >= 500:
            self._flush()

    def rows_from(self, rows: Iterable[Sequence[Value]]) -> None:
        for r in rows:
            self.row(r)


class XlsxStreamWriter:
    """Sheets are written one after the other: `with w.sheet(...) as s: s.row(...)`."""

    def __init__(self, path: str, title: str = "", compresslevel: int = 1) -> None:
        self._zip = zipfile.ZipFile(
            path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        )
        self._title = title
        self._sheets: list[tuple[str, str]] = []  # (name, autofilter range or "")
        self._open: _SheetContext | None = None

    def sheet(
        self,
        name: str,
        widths: Sequence[float],
        header: Sequence[str] | None = None,
        freeze_header: bool = True,
        autofilter: bool = True,
    ) -> _SheetContext:
        if self._open is not None:
            raise RuntimeError("finish the previous sheet first")
        ctx = _SheetContext(self, name, widths, header, freeze_header, autofilter)
        self._open = ctx
        return ctx

    def _add_sheet(self, name: str, filter_ref: str) -> None:
        self._sheets.append((name, filter_ref))
        self._open = None

    def _part(self, name: str, text: str) -> None:
        self._zip.writestr(name, text.encode("utf-8"))

    def close(self) -> None:
        sheets = self._sheets
        ws_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ws_type}"/>'
            for i in range(1, len(sheets) + 1)
        )
        self._part(
            "[Content_Types].xml",
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.'
            'openxmlformats-package.core-properties+xml"/><Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles'
            '+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            f'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>',
        )
        self._part(
            "_rels/.rels",
            f'{_HEAD}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_R}/'
            'officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://'
            'schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/></Relationships>',
        )
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._part(
            "docProps/core.xml",
            f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
            '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
            f'XMLSchema-instance"><dc:title>{_clean(self._title)}</dc:title><dcterms:created '
            f'xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created><dcterms:modified '
            f'xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>',
        )
        entries = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _) in enumerate(sheets, start=1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{escape(_quote_sheet(name))}!{ref}</definedName>"
            for i, (name, ref) in enumerate(sheets)
            if ref
        )
        self._part(
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_R}"><workbookPr/><bookViews>'
            f"<workbookView/></bookViews><sheets>{entries}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_R}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        self._part(
            "xl/_rels/workbook.xml.rels",
            f'{_HEAD}<Relationships xmlns="{_PKG}">{rels}<Relationship Id="rId'
            f'{len(sheets) + 1}" Type="{_R}/styles" Target="styles.xml"/></Relationships>',
        )
        self._part("xl/styles.xml", _STYLES)
        self._zip.close()

    def abort(self) -> None:
        self._zip.close()


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


class _SheetContext:
    def __init__(
        self,
        book: XlsxStreamWriter,
        name: str,
        widths: Sequence[float],
        header: Sequence[str] | None,
        freeze: bool,
        autofilter: bool,
    ) -> None:
        self.book, self.name = book, name
        self.ncols = max(len(widths), len(header or ()))
        self.header = header
        self.autofilter = autofilter and header is not None
        self.index = index = len(book._sheets) + 1
        # The body goes to a temporary file first: the <dimension> element, which readers
        # such as openpyxl's read-only mode rely on, precedes the rows it describes.
        self._body = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w + 0.7109375}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        pane = (
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/>'
            if freeze and header is not None
            else ""
        )
        selected = ' tabSelected="1"' if index == 1 else ""
        self._head = (
            f'<sheetViews><sheetView{selected} workbookViewId="0">{pane}</sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>"
        )
        self.writer = SheetWriter(self._body, self.ncols)
        if header is not None:
            self.writer.row(list(header), style=HEADER_STYLE)

    def __enter__(self) -> SheetWriter:
        return self.writer

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        w = self.writer
        w._flush()
        right = column_letter(max(w.width, 1) - 1)
        last = f"{right}{max(w.rows, 2)}"
        dimension = f"A1:{right}{w.rows}" if w.rows else "A1"
        tail = "</sheetData>"
        if self.autofilter:
            tail += f'<autoFilter ref="A1:{last}"/>'
        tail += (
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/></worksheet>'
        )
        name = f"xl/worksheets/sheet{self.index}.xml"
        with self._body, self.book._zip.open(name, "w", force_zip64=True) as out:
            out.write(
                f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_R}"><dimension ref="{dimension}"/>'
                f"{self._head}".encode()
            )
            self._body.seek(0)
            shutil.copyfileobj(self._body, out, 1 << 20)
            out.write(tail.encode("utf-8"))
        ref = f"$A$1:${right}${max(w.rows, 2)}" if self.autofilter else ""
        self.book._add_sheet(self.name, ref)
