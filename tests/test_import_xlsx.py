"""The XLSX reader: the fast scanner agrees with the full expat parser, and files the
scanner does not cover (formulas, rich text, prefixed XML) are read completely once."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from kiosk.formats.importing.xlsx import _Workbook, read_xlsx
from tests.helpers.data_files import write_xlsx

ROWS: list[list[object]] = [
    ["张伟", "Wei & <Zhang>", 13800138000, date(2024, 11, 4), True, None, "end"],
    [None, None, None, None, None, None, None],  # a blank row: skipped
    ["", "only B", 12.5, datetime(2024, 11, 4, 9, 30), False, "F", None],
    ["O'Brien", '"quoted"', -3, datetime(1999, 12, 31, 23, 59), None, None, "G"],
]


def _both(path: Path) -> tuple[list[object], list[object]]:
    with zipfile.ZipFile(path) as zf:
        wb = _Workbook(zf)
        sheet = wb.sheet_paths[0]
        return list(wb.rows(sheet)), list(wb._expat_rows(sheet))


def test_fast_scanner_agrees_with_expat(tmp_path: Path) -> None:
    for shared in (True, False):
        f = write_xlsx(tmp_path / f"s{shared}.xlsx", list("ABCDEFG"), ROWS, shared_strings=shared)
        fast, full = _both(f)
        assert fast == full
        assert [n for n, _ in fast] == [1, 2, 4, 5]
        assert fast[1][1][:5] == ["张伟", "Wei & <Zhang>", 13800138000.0,
                                  datetime(2024, 11, 4), True]  # fmt: skip
        assert fast[2][1][3] == datetime(2024, 11, 4, 9, 30)


def test_formulas_and_rich_text_fall_back_without_losing_or_repeating_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Name", "Notes", "Score"])
    for i in range(1, 60):
        ws.append([f"Person {i}", f"note {i}", i])
    ws["C30"] = "=C29*2"  # a formula half-way
    ws["B45"] = CellRichText([TextBlock(InlineFont(b=True), "bold"), " plain"])
    f = tmp_path / "openpyxl.xlsx"
    wb.save(f)
    rows = list(read_xlsx(str(f)))
    assert [n for n, _ in rows] == list(range(1, 61))
    assert [r[0] for _, r in rows[1:]] == [f"Person {i}" for i in range(1, 60)]
    assert rows[44][1][1] == "bold plain"


def test_prefixed_sheet_xml(tmp_path: Path) -> None:
    src = write_xlsx(
        tmp_path / "plain.xlsx", ["Name", "邮箱"], [["张三", "zs@x.cn"], ["Li", "li@x.cn"]]
    )
    dst = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("xl/worksheets/"):
                text = data.decode()
                head, body = text.split("<worksheet", 1)
                body = body.replace('xmlns="http://', 'xmlns:x="http://', 1)
                body = body.replace("<", "<x:").replace("<x:/", "</x:")
                data = (head + "<x:worksheet" + body).encode()
            zout.writestr(item, data)
    assert [r for _, r in read_xlsx(str(dst))] == [
        ["Name", "邮箱"],
        ["张三", "zs@x.cn"],
        ["Li", "li@x.cn"],
    ]
