"""The streaming XLSX writer writes any text so that it reads back: hypothesis draws any
string (controls, U+FFFE/U+FFFF, lone surrogates, Excel escapes, edge whitespace)."""

from __future__ import annotations

import math
import re
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from kiosk.formats.xlsx_stream import XlsxStreamWriter

ANY_CHAR = st.characters(codec=None, exclude_categories=())  # surrogates included
TRICKY = st.sampled_from(["\x00", "\x01", "\r", "\r\n", "\t", "\n", " ", "\ufffe", "\uffff",
                          "\ud800", "\udfff", "_x0041_", "_x005F_", "&", "<", "]]>", "🀄", "张"])  # fmt: skip
TEXTS = st.lists(st.one_of(st.text(ANY_CHAR, max_size=12), TRICKY), max_size=6).map("".join)
XML_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"), max_size=30
).filter(lambda s: not re.search(r"_x[0-9A-Fa-f]{4}_", s))


def _write(values: list[object]) -> Path:
    path = Path(tempfile.mkdtemp()) / "t.xlsx"
    book = XlsxStreamWriter(str(path), title="t\x01 & <title>")
    with book.sheet("S", [10], ["Head"]) as ws:
        for v in values:
            ws.row([v])
    book.close()
    return path


def _expected(s: str) -> str:
    return re.sub("[\ud800-\udfff\ufffe\uffff]", "\ufffd", s)


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=5))
def test_any_string_reads_back_exactly_as_excel_reads_it(texts: list[str]) -> None:
    path = _write(list(texts))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    got = [r[0] for r in rows[1:]] + [""] * (len(texts) - len(rows) + 1)
    assert got == [_expected(t) for t in texts]
    wb = openpyxl.load_workbook(path)  # openpyxl opens every such workbook
    assert wb.active is not None and wb.active.max_row >= 1


@settings(max_examples=150, deadline=None)
@given(st.lists(XML_TEXT, min_size=1, max_size=5))
def test_text_xml_can_hold_round_trips_through_openpyxl(texts: list[str]) -> None:
    path = _write(list(texts))
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    got = [ws.cell(row=i + 2, column=1).value for i in range(len(texts))]
    assert got == [t or None for t in texts]  # an empty string is an empty cell


def test_the_cases_that_broke_the_writer() -> None:
    values: list[object] = ["U+FFFE \ufffe and U+FFFF \uffff", float("nan"), float("inf"),
                            "lone \ud800 surrogate", "   leading and trailing   ", "a\r\nb"]  # fmt: skip
    path = _write(values)
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    assert ws["A2"].value == "U+FFFE \ufffd and U+FFFF \ufffd"
    assert ws["A3"].value == "#NUM!" and ws["A4"].value == "#NUM!"
    assert ws["A5"].value == "lone \ufffd surrogate"
    assert ws["A6"].value == "   leading and trailing   "
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[6][0] == "a\r\nb" and ws["A7"].value == "a_x000D_\nb"  # openpyxl: raw escape
    assert not any(isinstance(r[0], float) and math.isnan(r[0]) for r in rows)
