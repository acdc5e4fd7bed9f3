"""Files built to break an importer: workbooks that unpack to a gigabyte or name a cell far
outside the grid, CSV files with an endless header, an unclosed quote, a NUL byte."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from tests.helpers.data_files import write_xlsx

MB = 1 << 20


def _rewrite(
    src: Path, dst: Path, parts: dict[str, bytes | tuple[bytes, bytes, bytes, int]]
) -> Path:
    """Copy `src` to `dst` with some parts replaced. A part given as (head, filler, tail, n)
    is written streaming: head, n copies of filler, tail (compressed as it goes)."""
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout,
    ):
        names = {i.filename for i in zin.infolist()}
        for item in zin.infolist():
            if item.filename not in parts:
                zout.writestr(item, zin.read(item))
        for name, data in parts.items():
            if isinstance(data, bytes):
                zout.writestr(name, data)
                continue
            head, filler, tail, n = data
            with zout.open(name, "w") as out:  # under 2 GB: no zip64 needed
                out.write(head)
                block = filler * (MB // len(filler))
                for _ in range(n * len(filler) // len(block)):
                    out.write(block)
                out.write(tail)
        if "xl/sharedStrings.xml" in parts and "xl/sharedStrings.xml" not in names:
            raise ValueError("the base workbook has no shared strings part")
    return dst


def far_cell_xlsx(tmp: Path) -> Path:
    """A 1 KB workbook whose second row holds one cell at column ZZZZZZZ."""
    base = write_xlsx(tmp / "base-far.xlsx", ["Name"], [["Amy Fox"]])
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas'
        b'.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
        b't="inlineStr"><is><t>Name</t></is></c></row><row r="2"><c r="ZZZZZZZ2" t="inlineStr">'
        b"<is><t>x</t></is></c></row></sheetData></worksheet>"
    )
    return _rewrite(base, tmp / "far-cell.xlsx", {"xl/worksheets/sheet1.xml": sheet})


def shared_strings_bomb(tmp: Path, unpacked: int = 1024 * MB) -> Path:
    """A ~1 MB workbook whose shared strings inflate to `unpacked` bytes (one long string)."""
    base = write_xlsx(tmp / "base-sst.xlsx", ["Name"], [["Amy Fox"]], shared_strings=True)
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas'
            b'.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>Name'
            b"</t></si><si><t>")  # fmt: skip
    return _rewrite(base, tmp / "sst-bomb.xlsx",
                    {"xl/sharedStrings.xml": (head, b"A", b"</t></si></sst>", unpacked)})  # fmt: skip


def whitespace_bomb(tmp: Path, unpacked: int = 1024 * MB) -> Path:
    """A ~1 MB workbook whose sheet holds `unpacked` bytes of whitespace between two rows."""
    base = write_xlsx(tmp / "base-ws.xlsx", ["Name"], [["Amy Fox"]], shared_strings=False)
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
            b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
            b't="inlineStr"><is><t>Name</t></is></c></row>')  # fmt: skip
    tail = (
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>Amy</t></is></c></row></sheetData></worksheet>'
    )
    return _rewrite(
        base, tmp / "ws-bomb.xlsx", {"xl/worksheets/sheet1.xml": (head, b" ", tail, unpacked)}
    )


def lie_about_sizes(path: Path, size: int = 1000) -> Path:
    """The same archive with the recorded unpacked size of its big parts (over 10 MB) set to
    `size`: a bomb that hides from a reader who trusts the zip directory."""
    data = bytearray(path.read_bytes())
    i = 0
    while (i := data.find(b"PK\x01\x02", i)) >= 0:  # central directory entries
        if 10 * MB < struct.unpack_from("<I", data, i + 24)[0] != 0xFFFFFFFF:
            struct.pack_into("<I", data, i + 24, size)
        i += 4
    i = 0
    while (i := data.find(b"PK\x03\x04", i)) >= 0:  # local headers
        if 10 * MB < struct.unpack_from("<I", data, i + 22)[0] != 0xFFFFFFFF:
            struct.pack_into("<I", data, i + 22, size)
        i += 4
    out = path.with_name("lying-" + path.name)
    out.write_bytes(bytes(data))
    return out
