"""Attendee import: messy real-world files (encodings, delimiters, headers, bad rows)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.checkin.service import CheckinService
from kiosk.formats.importer import ImportFileError, import_attendees, parse_attendees
from kiosk.formats.importing.fields import (
    category_from_ticket,
    cell_text,
    normalize_category,
    normalize_header,
    parse_bool,
)
from tests.helpers.data_files import (
    CHINESE_HEADER,
    EVENTBRITE_HEADER,
    PRETIX_HEADER,
    chinese_rows,
    write_csv,
    write_xlsx,
)
from tests.helpers.reads import reads

EB_ROWS = [
    ["1001", "2024-10-01", "Sarah", "Clark", "Sarah.Clark@NREL.gov", "1", "Full Forum", "1001-1",
     "National Renewable Energy Laboratory", "Research Fellow", "+1 303-555-0101"],
    ["1001", "2024-10-01", "Kevin", "Hall", "kevin.hall@nrel.gov", "1", "Plenary Only", "1001-2",
     "National Renewable Energy Laboratory", "Program Manager", ""],
    ["1002", "2024-10-02", "Laura", "Young", "laura@formenergy.com", "1",
     "Full Forum + Matchmaking", "1002-1", "Form Energy", "Vice President", "+1 617-555-0199"],
]  # fmt: skip


def _by_name(service: CheckinService) -> dict[str, object]:
    return {a.display_name: a for a in reads(service.store).people.everyone()}


def test_eventbrite_csv_with_bom(tmp_path: Path, service: CheckinService) -> None:
    f = write_csv(tmp_path / "eventbrite.csv", EVENTBRITE_HEADER, EB_ROWS, encoding="utf-8-sig")
    result = import_attendees(service, f)
    assert result.written and (result.inserted, result.bad) == (3, 0)
    people = {a.name: a for a in reads(service.store).people.everyone()}
    sarah = people["Sarah Clark"]
    assert sarah.external_id == "1001-1"
    assert sarah.email == "sarah.clark@nrel.gov"
    assert sarah.organization == "National Renewable Energy Laboratory"
    assert sarah.title == "Research Fellow"
    assert sarah.phone == "+1 303-555-0101"
    assert sarah.sessions == ("opening", "energy-transition", "green-finance", "showcase")
    assert people["Kevin Hall"].sessions == ("opening",)
    assert "matchmaking" in people["Laura Young"].sessions
    assert "Order Date" in result.parsed.ignored


def test_gb18030_chinese_headers_with_semicolons(tmp_path: Path, service: CheckinService) -> None:
    f = write_csv(
        tmp_path / "名单.csv", CHINESE_HEADER, chinese_rows(), encoding="gb18030", delimiter=";"
    )
    parsed = parse_attendees(f, service.event)
    assert (parsed.encoding, parsed.delimiter) == ("gb18030", ";")
    result = import_attendees(service, f, parsed=parsed)
    assert result.inserted == 3
    by_zh = {a.name_zh: a for a in reads(service.store).people.everyone()}
    wang = by_zh["王伟"]
    assert (wang.name, wang.organization_zh, wang.organization) == (
        "Wang Wei",
        "国家电网有限公司",
        "",
    )
    assert (wang.category, wang.delegation, wang.notes) == ("vip", "中国", "素食")
    assert wang.sessions == ("opening", "energy-transition")
    li = by_zh["李娜"]
    assert (li.name, li.category, li.sessions) == ("", "speaker", ("opening", "showcase"))
    ouyang = by_zh["欧阳晓东"]
    assert (ouyang.category, ouyang.phone, ouyang.email) == ("press", "+86 137 0000 1111", "")
    assert ouyang.sessions == ("opening", "matchmaking")


def test_utf16_tab_separated(tmp_path: Path, service: CheckinService) -> None:
    f = write_csv(
        tmp_path / "list.txt",
        ["Name", "Organization", "Email", "Category"],
        [
            ["张伟", "清华大学", "zw@tsinghua.edu.cn", "VIP"],
            ["Mary Brown", "DOE", "mb@doe.gov", "x"],
        ],
        encoding="utf-16",
        delimiter="\t",
    )
    parsed = parse_attendees(f, service.event)
    assert (parsed.encoding, parsed.delimiter) == ("utf-16", "\t")
    people = [r.attendee for r in parsed.attendees()]
    assert (people[0].name, people[0].name_zh, people[0].organization_zh) == (
        "",
        "张伟",
        "清华大学",
    )
    assert people[0].category == "vip"
    assert (people[1].name, people[1].category) == ("Mary Brown", "delegate")  # unknown: delegate


def test_blank_lines_missing_names_and_row_numbers(tmp_path: Path, service: CheckinService) -> None:
    text = (
        "Name,Email,Sessions\r\n"
        "\r\n"
        "Anna Lee,anna@x.org,opening\r\n"
        ",,\r\n"
        ",nobody@x.org,opening\r\n"  # row 5: no name
        "Bo Wu,not-an-email,opening\r\n"  # row 6
        "Cai Li,cai@x.org,opening;closing-dinner\r\n"  # row 7: unknown session
    )
    f = tmp_path / "messy.csv"
    f.write_text(text, encoding="utf-8")
    before = reads(service.store).people.count()
    result = import_attendees(service, f)
    assert not result.written
    assert reads(service.store).people.count() == before  # all-or-nothing
    assert [str(p) for p in result.parsed.problems] == [
        "row 5, column Name: no name (neither English nor Chinese)",
        "row 6, column Email: malformed email 'not-an-email'",
        "row 7, column Sessions: unknown session id 'closing-dinner' (sessions: opening, "
        "energy-transition, green-finance, showcase, matchmaking)",
    ]
    assert result.parsed.total == 4
    skipped = import_attendees(service, f, skip_bad=True)
    assert skipped.written and (skipped.inserted, skipped.bad) == (1, 3)
    assert reads(service.store).people.count() == before + 1


def test_duplicate_emails(tmp_path: Path, service: CheckinService) -> None:
    f = write_csv(
        tmp_path / "dups.csv",
        ["Full Name", "E-mail", "Company"],
        [
            ["Tom Li", "tom@x.org", "A"],
            ["Tom Li", "TOM@x.org", "A"],  # the same person again: harmless
            ["Tom Lee", "tom@x.org", "B"],  # row 4: same key, other data
            ["Ann Wu", "ann@x.org", "C"],
        ],
    )
    parsed = parse_attendees(f, service.event)
    assert parsed.duplicates == 1
    assert [str(p) for p in parsed.problems] == [
        "row 4, column E-mail: same email 'tom@x.org' as row 2 with different data"
    ]
    assert [r.attendee.name for r in parsed.attendees()] == ["Tom Li", "Ann Wu"]


def test_reimport_changes_nothing_and_updates_by_key(
    tmp_path: Path, service: CheckinService
) -> None:
    header = ["Attendee #", "First Name", "Last Name", "Email", "Job Title"]
    rows = [["A1", "Wei", "Zhang", "wz@x.cn", "CEO"], ["", "Lin", "Na", "ln@x.cn", "CTO"]]
    rows.append(["", "芳", "王", "", ""])  # neither external id nor email
    f = write_csv(tmp_path / "v1.csv", header, rows)
    first = import_attendees(service, f)
    assert first.inserted == 3
    ids = sorted(a.attendee_id for a in reads(service.store).people.everyone())
    again = import_attendees(service, f)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    rows[0][4] = "Chairman"  # keyed by external id
    rows[1][4] = "CFO"  # keyed by email
    f2 = write_csv(tmp_path / "v2.csv", header, rows)
    update = import_attendees(service, f2)
    assert (update.inserted, update.updated, update.unchanged) == (0, 2, 1)
    assert sorted(a.attendee_id for a in reads(service.store).people.everyone()) == ids
    by_name = {a.display_name: a for a in reads(service.store).people.everyone()}
    assert by_name["Wei Zhang"].title == "Chairman"
    assert by_name["Lin Na"].title == "CFO"
    assert by_name["王芳"].name_zh == "王芳"  # Chinese given + family parts: family first


def test_xlsx_with_excel_numbers_and_dates(tmp_path: Path, service: CheckinService) -> None:
    f = write_xlsx(
        tmp_path / "excel.xlsx",
        ["ID", "Name", "中文名", "Mobile", "Registered", "Notes", "Type", "Attention"],
        [
            [
                1234,
                "Wei Zhang",
                "张伟",
                13800138000,
                date(2024, 10, 1),
                "arrives 9:00",
                "Speaker",
                True,
            ],
            [
                1235.0,
                "Mary Brown",
                None,
                8613912345678.0,
                datetime(2024, 10, 2, 14, 30),
                datetime(2024, 11, 4, 0, 0),
                "贵宾",
                "no",
            ],
        ],
    )
    parsed = parse_attendees(f, service.event, overrides={"ID": "external_id", "Registered": "-"})
    assert parsed.kind == "xlsx" and not parsed.problems
    wei, mary = (r.attendee for r in parsed.attendees())
    assert (wei.external_id, wei.phone, wei.name_zh) == ("1234", "13800138000", "张伟")
    assert (wei.category, wei.attention) == ("speaker", True)
    assert (mary.external_id, mary.phone, mary.notes) == ("1235", "8613912345678", "2024-11-04")
    assert (mary.category, mary.attention) == ("vip", False)
    assert [r.row for r in parsed.attendees()] == [2, 3]
    assert import_attendees(service, f, parsed=parsed).inserted == 2


def test_xlsx_inline_strings_and_bad_row_numbers(tmp_path: Path, service: CheckinService) -> None:
    f = write_xlsx(
        tmp_path / "inline.xlsx",
        ["姓名", "邮箱"],
        [["张三", "zs@x.cn"], [None, "nobody@x.cn"], ["李四", "ls@x.cn"]],
        shared_strings=False,
    )
    parsed = parse_attendees(f, service.event)
    assert [str(p) for p in parsed.problems] == [
        "row 3, column 姓名: no name (neither English nor Chinese)"
    ]
    assert [r.attendee.name_zh for r in parsed.attendees()] == ["张三", "李四"]


def test_pretix_export(tmp_path: Path, service: CheckinService) -> None:
    rows = [
        ["ABC12", "1", "Exhibitor", "", "0.00", "Dr. Robert Miller", "Dr.", "Robert", "Miller",
         "", "Fluence Energy", "orders@fluence.com", "+1 555 0100"],
        ["ABC12", "2", "Press", "", "0.00", "", "", "Jing", "Chen", "jing.chen@x.cn", "",
         "orders@fluence.com", ""],
    ]  # fmt: skip
    f = write_csv(tmp_path / "pretix.csv", PRETIX_HEADER, rows)
    parsed = parse_attendees(f, service.event)
    assert not parsed.problems
    robert, jing = (r.attendee for r in parsed.attendees())
    assert (robert.external_id, robert.name, robert.email) == (
        "ABC12-1", "Dr. Robert Miller", "orders@fluence.com",
    )  # fmt: skip
    assert robert.sessions == ("opening", "showcase")
    assert (jing.name, jing.email, jing.external_id) == ("Jing Chen", "jing.chen@x.cn", "ABC12-2")


def test_map_overrides_and_their_errors(tmp_path: Path, service: CheckinService) -> None:
    f = write_csv(tmp_path / "m.csv", ["Who", "Mobile No.", "Org"], [["Amy Fox", "123", "NRDC"]])
    with pytest.raises(ImportFileError, match=r"m\.csv: no name column found .*--map"):
        parse_attendees(f, service.event)
    parsed = parse_attendees(
        f, service.event, overrides={"who": "name", "Mobile No.": "phone", "ORG": "organization"}
    )
    a = next(parsed.attendees()).attendee
    assert (a.name, a.phone, a.organization) == ("Amy Fox", "123", "NRDC")
    with pytest.raises(ImportFileError, match="unknown field"):
        parse_attendees(f, service.event, overrides={"Who": "nickname"})
    with pytest.raises(ImportFileError, match="no column 'fax'"):
        parse_attendees(f, service.event, overrides={"Fax": "phone", "Who": "name"})


def test_unknown_ticket_type_registers_for_open_sessions_with_one_warning(
    tmp_path: Path, service: CheckinService
) -> None:
    rows = [["Amy Fox", "VIP Pass"], ["Bo Li", "VIP Pass"], ["Cy Wu", "Plenary Only"]]
    f = write_csv(tmp_path / "t.csv", ["Name", "Ticket Type"], rows)
    parsed = parse_attendees(f, service.event)
    assert not parsed.problems
    assert parsed.warnings == [
        "ticket type 'VIP Pass' (2 rows) is not mapped to sessions: registered for the open "
        "sessions; add it under [ticket_types] in the event file"
    ]
    amy, bo, cy = (r.attendee for r in parsed.attendees())
    open_ids = tuple(s.id for s in service.event.sessions if not s.restricted)
    assert amy.sessions == bo.sessions == open_ids and "matchmaking" not in open_ids
    assert (amy.category, cy.category, cy.sessions) == ("vip", "delegate", ("opening",))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cut.xlsx", "truncated", "not an XLSX workbook"),
        ("text.xlsx", b"Name,Email\nA,a@x.org\n", "not an XLSX workbook"),
        (
            "bytes.csv",
            b"Name\nJos\x81\n",
            "line 2: byte offset 8 is not UTF-8, and the file is not plausibly UTF-16, GB18030, Big5 or cp1252",
        ),
        ("empty.csv", b"\n\n", "empty"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "damaged Excel .xls workbook"),
    ],
)
def test_unreadable_files_fail_clearly(
    tmp_path: Path, service: CheckinService, name: str, content: str | bytes, message: str
) -> None:
    f = tmp_path / name
    if content == "truncated":
        good = write_xlsx(tmp_path / "good.xlsx", ["Name"], [["A"]] * 50)
        f.write_bytes(good.read_bytes()[:600])
    else:
        assert isinstance(content, bytes)
        f.write_bytes(content)
    with pytest.raises(ImportFileError) as err:
        parse_attendees(f, service.event)
    assert str(err.value).startswith(str(f))
    assert message in str(err.value)


def test_xlsx_with_damaged_sheet_xml(tmp_path: Path, service: CheckinService) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", ["Name"], [["A"]])
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    with pytest.raises(ImportFileError, match=r"bad\.xlsx: damaged XLSX workbook"):
        parse_attendees(bad, service.event)


def test_missing_file(tmp_path: Path, service: CheckinService) -> None:
    with pytest.raises(ImportFileError, match="no such file"):
        parse_attendees(tmp_path / "nope.csv", service.event)


def test_progress_is_reported(tmp_path: Path, service: CheckinService) -> None:
    rows = [[f"Person {i}", f"p{i}@x.org"] for i in range(4500)]
    f = write_csv(tmp_path / "big.csv", ["Name", "Email"], rows)
    seen: list[tuple[int, int]] = []
    parsed = parse_attendees(f, service.event, progress=lambda d, t: seen.append((d, t)))
    assert parsed.good == 4500
    size = f.stat().st_size  # a CSV file's progress is in bytes read
    assert seen[-1] == (size, size) and len(seen) >= 3
    assert all(t == size for _, t in seen) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_header_and_value_normalisation() -> None:
    assert normalize_header("  Attendee name：Given name ") == "attendee name: given name"
    assert normalize_header("姓名（中文）*") == "姓名(中文)"
    assert normalize_header("Job_Title") == "job title"
    assert [normalize_category(x) for x in ("VIP", " vip", "贵宾", "嘉宾", "Media", "展商")] == [
        "vip", "vip", "vip", "speaker", "press", "exhibitor",
    ]  # fmt: skip
    assert normalize_category("工作人员") == "staff"
    assert [category_from_ticket(t) for t in ("VIP Pass", "Express Pass", "演讲嘉宾票", "媒体证",
            "Exhibitor Booth", "Volunteer crew", "参展商", "Delegate")] == [
        "vip", "", "speaker", "press", "exhibitor", "staff", "exhibitor", "",
    ]  # fmt: skip
    assert [parse_bool(v) for v in ("Yes", "Ja", "是", "Oui", "Sí", "No", "Nein", "否", "jo")] == [
        True, True, True, True, True, False, False, False, False,
    ]  # fmt: skip
    assert cell_text(1234.0) == "1234" and cell_text(12.5) == "12.5"
    assert cell_text(datetime(2024, 11, 4, 9, 30)) == "2024-11-04 09:30:00"


def test_excel_sep_line_crlf_and_quoted_newlines(tmp_path: Path, service: CheckinService) -> None:
    f = tmp_path / "excel-eu.csv"
    f.write_bytes(
        "\ufeffsep=;\r\n\r\nName;Notes;Email\r\n"
        'Ana Ruiz;"first line\r\nsecond line";ana@x.org\r\n'
        ";no name;nn@x.org\r\n".encode()
    )
    parsed = parse_attendees(f, service.event)
    assert parsed.delimiter == ";" and parsed.encoding == "utf-8-sig"
    (ana,) = (r.attendee for r in parsed.attendees())
    assert (ana.name, ana.notes) == ("Ana Ruiz", "first line\r\nsecond line")
    assert [str(p) for p in parsed.problems] == [
        "row 6, column Name: no name (neither English nor Chinese)"
    ]


def _rows(n: int, org: str = "NREL") -> list[list[str]]:
    return [[f"{1000 + i}", "2024-10-01", f"Given{i}", f"Family{i}", f"p{i}@ex.org", "1",
             "Full Forum", f"{1000 + i}-1", org, "Engineer", ""] for i in range(n)]  # fmt: skip


@pytest.mark.parametrize("kept", [True, False], ids=["rows-kept", "read-again"])
def test_what_is_written_is_what_was_checked(
    tmp_path: Path, service: CheckinService, monkeypatch: pytest.MonkeyPatch, kept: bool
) -> None:
    """The check keeps the rows of a file that fits (read once), else the write reads the
    file again; either way the same records, and a file changed after its check is
    refused before anything is written (its rows were not the ones checked)."""
    from kiosk.formats.importing import validate

    if not kept:
        monkeypatch.setattr(validate, "KEPT_BYTES", 3_000)  # a few rows: then read again
    f = write_csv(tmp_path / "eb.csv", EVENTBRITE_HEADER, _rows(40))
    parsed = parse_attendees(f, service.event)
    assert (parsed._kept is not None) is kept
    result = import_attendees(service, f, parsed=parsed)
    assert (result.inserted, result.bad) == (40, 0)
    got = sorted((a.name, a.email, a.external_id) for a in reads(service.store).people.everyone())
    assert got == sorted((f"Given{i} Family{i}", f"p{i}@ex.org", f"{1000 + i}-1")
                         for i in range(40))  # fmt: skip
    # checked, then edited before the import: refused, nothing written
    parsed = parse_attendees(f, service.event)
    write_csv(f, EVENTBRITE_HEADER, _rows(45, org="Hacked Inc"))
    with pytest.raises(ImportFileError, match="changed after it was checked"):
        import_attendees(service, f, parsed=parsed)
    assert {a.organization for a in reads(service.store).people.everyone()} == {"NREL"}
    assert len(list(reads(service.store).people.everyone())) == 40
