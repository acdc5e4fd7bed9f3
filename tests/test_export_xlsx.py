"""The streaming XLSX writer, and exports that come back in through the importer."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.formats.export import export
from kiosk.formats.importer import import_attendees
from kiosk.formats.xlsx_stream import XlsxStreamWriter, column_letter
from kiosk.models.clock import ManualClock
from kiosk.models.event import load_event
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA",
    ]  # fmt: skip


def test_cells_round_trip_through_openpyxl_and_our_reader(tmp_path: Path) -> None:
    out = tmp_path / "cells.xlsx"
    tricky = ["A & B <c>", "=SUM(A1:A2)", "+86 138 0013 8000", "tab\there", "bell\x07gone", "张伟"]
    book = XlsxStreamWriter(str(out), title="test")
    with book.sheet("O'Brien's sheet", [10, 12, 14], ["Text / 文本", "Number", "When"]) as ws:
        for i, text in enumerate(tricky):
            ws.row([text, i * 1.5, datetime(2024, 11, 4, 9, i)])
        ws.row([None, True, ""])
    with book.sheet("second", [10], None, freeze_header=False) as ws:
        ws.row([1234567890123, False])
    book.close()

    wb = openpyxl.load_workbook(out)
    ws = wb["O'Brien's sheet"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:C8"
    assert ws["A1"].value == "Text / 文本" and ws["A1"].font.b
    values = [c.value for c in ws["A"][1:7]]
    assert values == [
        "A & B <c>",
        "=SUM(A1:A2)",
        "+86 138 0013 8000",
        "tab\there",
        "bell_x0007_gone",  # Excel's escape of a control character; Excel shows the bell
        "张伟",
    ]
    assert all(c.data_type == "s" for c in ws["A"][1:7])  # text, never formulas
    assert ws["C3"].value == datetime(2024, 11, 4, 9, 1) and ws["C3"].is_date
    assert (ws["B8"].value, ws["A8"].value) == (True, None)
    assert wb["second"]["A1"].value == 1234567890123 and wb["second"].freeze_panes is None
    ro = openpyxl.load_workbook(out, read_only=True)
    assert ro["O'Brien's sheet"].max_row == 8  # the <dimension> element is right
    ro.close()
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[1] == ["A & B <c>", 0.0, datetime(2024, 11, 4, 9, 0)]  # what imports read


def _fresh_store(path: Path) -> Store:
    return init_database(path, load_event())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_attendees_import_back_unchanged(demo_db: Path, tmp_path: Path, fmt: str) -> None:
    source = Store.open(demo_db)
    try:
        out = tmp_path / f"attendees.{fmt}"
        export(source, "attendees", fmt, out, now=at("17:00").now())
        expected = sorted(
            (a.external_id, a.name, a.name_zh, a.organization, a.organization_zh, a.title,
             a.email, a.phone, a.category, a.delegation, a.notes, a.attention, a.sessions)
            for a in reads(source).people.everyone()
        )  # fmt: skip
    finally:
        source.close()
    target = _fresh_store(tmp_path / "copy.sqlite")
    try:
        service = CheckinService(target, ManualClock(), rng=random.Random(2))
        result = import_attendees(service, out)
        assert (result.inserted, result.bad) == (len(expected), 0), result.parsed.problems
        assert "Walk-in / 现场注册" in result.parsed.ignored
        got = sorted(
            (a.external_id, a.name, a.name_zh, a.organization, a.organization_zh, a.title,
             a.email, a.phone, a.category, a.delegation, a.notes, a.attention, a.sessions)
            for a in reads(target).people.everyone()
        )  # fmt: skip
        assert got == expected
        again = import_attendees(service, out)
        assert again.unchanged == len(expected) and again.inserted == again.updated == 0
    finally:
        target.close()
