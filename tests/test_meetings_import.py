"""Importing meeting schedules: good files in the common shapes, every bad-row reason named
by row and column, all or nothing, and re-imports that update by id and cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from kiosk.checkin.service import CheckinService
from kiosk.formats.importing.readers import ImportFileError
from kiosk.formats.schedule.reader import parse_schedule
from kiosk.models.clock import ManualClock
from kiosk.models.records import LogKind
from kiosk.storage import meetings as q
from tests.helpers.data_files import write_csv
from tests.helpers.meetings import GOOD, Matchmaking, matchmaking, schedule_file, t
from tests.helpers.reads import reads

MEETING_KINDS = ("meeting_schedule", "meeting_cancel", "meeting_mark", "meeting_rematch")


@pytest.fixture
def mm(service: CheckinService, clock: ManualClock) -> Matchmaking:
    return matchmaking(service, clock)


def meeting_entries(mm: Matchmaking) -> list[str]:
    return [str(e.kind) for e in reads(mm.service.store).log.entries(kinds=MEETING_KINDS)]


def test_a_good_schedule_is_imported_with_parties_companies_and_interpreters(
    mm: Matchmaking, tmp_path: Path
) -> None:
    result = mm.load(schedule_file(tmp_path / "schedule.csv"))
    assert result.written and result.problems == ()
    assert (result.scheduled, result.updated, result.unchanged, result.cancelled) == (4, 0, 0, 0)
    by_id = {m.meeting_id: m for m in q.all_meetings(mm.service.store.conn)}
    m1 = by_id["M1"]
    assert (m1.start, m1.end, m1.table) == (t("15:20"), t("15:40"), "12")  # "Table 12" -> "12"
    assert [p.attendee_id for p in m1.parties] == [mm.ids["US-1"], mm.ids["CN-1"]]
    # A company as the attendee's, in Chinese only, is completed in English from the record.
    assert (m1.parties[1].organization, m1.parties[1].organization_zh) == (
        "Mingyang Smart Energy", "明阳智慧能源",
    )  # fmt: skip
    assert m1.interpreter is not None and m1.interpreter.attendee_id == mm.ids["INT-1"]
    assert m1.languages == "en-zh"
    m3 = by_id["M3"]
    assert (m3.interpreter, m3.interpreter_name, m3.languages) == (None, "王小明", "en-zh")
    assert by_id["M2"].parties[0].attendee_id == mm.ids["US-2"]  # found by email
    # One import batch: its chunks took effect with the commit entry.
    kinds = [
        str(e.kind)
        for e in reads(mm.service.store).log.entries(kinds=(*MEETING_KINDS, "import_commit"))
    ]
    assert kinds[-2:] == ["meeting_schedule", "import_commit"]
    assert mm.service.store.conn.execute("SELECT COUNT(*) FROM pending").fetchone()[0] == 0


def test_slots_and_chinese_headers_in_gb18030(mm: Matchmaking, tmp_path: Path) -> None:
    header = ["洽谈编号", "时段", "桌号", "甲方", "甲方单位", "乙方", "乙方单位", "翻译", "语言"]
    rows = [["A-1", "1", "5号桌", "US-1", "Form Energy", "CN-1", "明阳智慧能源", "", "中英"],
            ["A-2", "第3轮", "5", "US-2", "", "CN-2", "", "", ""]]  # fmt: skip
    path = write_csv(tmp_path / "日程.csv", header, rows, encoding="gb18030")
    parsed = parse_schedule(path, mm.service.event)
    assert parsed.encoding == "gb18030"
    result = mm.meetings.import_schedule(parsed.rows, path.name, parsed.problems)
    assert result.written, result.problems
    by_id = {m.meeting_id: m for m in q.all_meetings(mm.service.store.conn)}
    # Slots of 20 minutes ([matchmaking] slot_minutes) from the session's start, 14:00.
    assert (by_id["A-1"].start, by_id["A-1"].end, by_id["A-1"].slot) == (t("14:00"), t("14:20"), 1)
    assert (by_id["A-2"].start, by_id["A-2"].end, by_id["A-2"].table) == (
        t("14:40"),
        t("15:00"),
        "5",
    )
    assert by_id["A-1"].languages == "zh-en"


def test_an_xlsx_schedule_with_a_parties_list_and_excel_times(
    mm: Matchmaking, tmp_path: Path
) -> None:
    from datetime import datetime

    path = tmp_path / "b2b.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Meetings")
    hm = wb.add_format({"num_format": "hh:mm"})
    ws.write_row(0, 0, ["Meeting #", "Date", "Time", "Booth", "Parties", "Companies"])
    ws.write_number(1, 0, 101)
    ws.write_datetime(1, 1, datetime(2024, 11, 4), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_string(1, 2, "14:20-14:45")
    ws.write_number(1, 3, 7)
    ws.write_string(1, 4, "US-1; CN-1; CN-3")
    ws.write_string(1, 5, "Form Energy; Mingyang Smart Energy / 明阳智慧能源; 明阳智慧能源")
    ws.write_number(2, 0, 102)
    ws.write_datetime(2, 2, datetime(1899, 12, 31, 15, 0), hm)  # a time-of-day cell
    ws.write_number(2, 3, 8)
    ws.write_string(2, 4, "US-2, CN-2")
    wb.close()
    parsed = parse_schedule(path, mm.service.event)
    assert parsed.problems == [] and parsed.kind == "xlsx"
    result = mm.meetings.import_schedule(parsed.rows, path.name)
    assert result.written, result.problems
    by_id = {m.meeting_id: m for m in q.all_meetings(mm.service.store.conn)}
    m = by_id["101"]  # 101.0 in the sheet: the id as written
    assert (m.start, m.end, m.table) == (t("14:20"), t("14:45"), "7")
    assert [p.organization_zh for p in m.parties] == [
        "Form能源公司",
        "明阳智慧能源",
        "明阳智慧能源",
    ]
    assert (by_id["102"].start, by_id["102"].end) == (t("15:00"), t("15:20"))  # slot length


BAD = [
    ["B1", "14:00", "14:20", "1", "nobody@nowhere.example", "", "CN-1", "", "", ""],
    ["B2", "14:00", "14:20", "2", "US-1", "", "CN-2", "", "", ""],
    ["B3", "14:10", "14:30", "3", "US-1", "", "CN-3", "", "", ""],  # US-1 twice at 14:10
    ["B4", "15:00", "15:20", "9", "US-2", "", "CN-1", "", "", ""],
    ["B5", "15:10", "15:30", "9", "CN-2", "", "CN-3", "", "", ""],  # table 9 twice
    ["B6", "13:00", "13:20", "4", "US-2", "", "CN-2", "", "", ""],  # before 14:00
    ["B7", "17:20", "17:40", "5", "US-2", "", "CN-2", "", "", ""],  # past 17:30
    ["B8", "16:00", "16:20", "6", "X-1", "", "CN-2", "", "", ""],  # not registered
    ["B9", "16:00", "16:20", "Table 99", "US-2", "", "CN-1", "", "", ""],  # no such table
    ["B1", "16:30", "16:50", "7", "US-2", "", "CN-1", "", "", ""],  # the id again
    ["B11", "half past two", "", "8", "US-2", "", "CN-1", "", "", ""],
    ["B12", "16:40", "16:30", "10", "US-2", "", "CN-1", "", "", ""],  # ends first
    ["B13", "17:00", "17:20", "11", "US-2", "", "", "", "", ""],  # one party
    ["B14", "14:40", "15:00", "12", "CN-1", "", "CN-1", "", "", ""],  # twice the same
]  # fmt: skip


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_written(
    mm: Matchmaking, tmp_path: Path
) -> None:
    result = mm.load(schedule_file(tmp_path / "bad.csv", BAD))
    assert not result.written
    found = {(p.row, p.column): p.why for p in result.problems}

    def why(row: int, column: str) -> str:
        assert (row, column) in found, f"no problem at row {row}, {column}: {result.problems}"
        return found[(row, column)]

    assert "unknown party 'nobody@nowhere.example'" in why(2, "Party A")
    # Double-booked: both rows, each naming the other meeting.
    assert "Emily Carter is also booked into meeting B3 (row 4, 14:10–14:30)" in why(3, "Party A")
    assert "Emily Carter is also booked into meeting B2 (row 3, 14:00–14:20)" in why(4, "Party A")
    assert "table 9 is also used by meeting B5 (row 6" in why(5, "Table")
    assert "table 9 is also used by meeting B4 (row 5" in why(6, "Table")
    assert "13:00–13:20 is outside the matchmaking session's hours (14:00–17:30)" in why(7, "Start")
    assert "17:20–17:40 is outside the matchmaking session's hours" in why(8, "Start")
    assert "not registered for the matchmaking session" in why(9, "Party A")
    assert "unknown table 'Table 99' (tables: 1–20)" in why(10, "Table")
    assert "meeting id 'B1' is also on row 2" in why(11, "Meeting ID")
    assert "not a time: 'half past two'" in why(12, "Start")
    assert "ends (16:30) before it starts (16:40)" in why(13, "End")
    assert "a meeting needs two or more parties" in why(14, "Party A")
    assert "Liu Lianyu is listed twice in this meeting" in why(15, "Party B")
    assert result.bad == 14 and result.rows == 14
    assert meeting_entries(mm) == [] and q.all_meetings(mm.service.store.conn) == []
    assert "nothing imported" in result.summary()


def test_one_bad_row_keeps_the_whole_file_out(mm: Matchmaking, tmp_path: Path) -> None:
    rows = [*GOOD, ["M9", "14:00", "14:20", "3", "US-2", "", "CN-3", "", "", ""]]  # table 3 taken
    result = mm.load(schedule_file(tmp_path / "s.csv", rows))
    assert not result.written
    assert {p.row for p in result.problems} == {3, 6}  # M2 (row 3) and M9 (row 6)
    assert meeting_entries(mm) == []


def test_reimport_updates_by_id_and_cancels_what_was_dropped(
    mm: Matchmaking, tmp_path: Path
) -> None:
    assert mm.load(schedule_file(tmp_path / "v1.csv")).scheduled == 4
    moved = [r[:] for r in GOOD[:3]]
    moved[1][1:3] = ["14:20", "14:40"]  # M2 later; M4 dropped
    v2 = mm.load(schedule_file(tmp_path / "v2.csv", moved))
    assert (v2.scheduled, v2.updated, v2.unchanged, v2.cancelled) == (0, 1, 2, 1)
    by_id = {m.meeting_id: m for m in q.all_meetings(mm.service.store.conn)}
    assert by_id["M2"].start == t("14:20")
    assert by_id["M4"].cancelled and by_id["M4"].cancel_reason == "not in v2.csv"  # kept
    assert mm.meetings.state("M4", t("14:05")).status.value == "cancelled"
    again = mm.load(schedule_file(tmp_path / "v2.csv", moved))
    assert (again.updated, again.unchanged, again.cancelled) == (0, 3, 0)
    back = mm.load(schedule_file(tmp_path / "v3.csv"))  # M4 is back
    assert (back.updated, back.unchanged, back.cancelled) == (2, 2, 0)
    assert not {m.meeting_id: m for m in q.all_meetings(mm.service.store.conn)}["M4"].cancelled


def test_files_without_the_needed_columns_are_refused_with_one_line(
    mm: Matchmaking, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "x.csv", ["Start", "Table", "Party A", "Party B"], [["14:00"]])
    with pytest.raises(ImportFileError, match="no meeting id column found"):
        parse_schedule(path, mm.service.event)
    path = write_csv(tmp_path / "y.csv", ["Meeting", "Start", "Table", "Host"], [["1"]])
    with pytest.raises(ImportFileError, match="no party columns found"):
        parse_schedule(path, mm.service.event)
    # --map names a column the file does not have / a field that does not exist.
    good = schedule_file(tmp_path / "s.csv")
    with pytest.raises(ImportFileError, match="no column 'tisch'"):
        parse_schedule(good, mm.service.event, {"Tisch": "table"})
    with pytest.raises(ImportFileError, match="unknown field"):
        parse_schedule(good, mm.service.event, {"Table": "furniture"})


def test_map_names_columns_in_other_words(mm: Matchmaking, tmp_path: Path) -> None:
    header = ["Termin", "Beginn", "Tisch", "Gastgeber", "Gast"]
    path = write_csv(tmp_path / "de.csv", header, [["T1", "14:00", "2", "US-1", "CN-1"]])
    maps = {"Termin": "meeting_id", "Beginn": "start", "Tisch": "table",
            "Gastgeber": "party:1", "Gast": "party:2"}  # fmt: skip
    parsed = parse_schedule(path, mm.service.event, maps)
    result = mm.meetings.import_schedule(parsed.rows, path.name, parsed.problems)
    assert result.written, result.problems
    assert q.all_meetings(mm.service.store.conn)[0].meeting_id == "T1"


def test_kinds_are_log_kinds() -> None:
    assert {k.value for k in LogKind} >= set(MEETING_KINDS)
