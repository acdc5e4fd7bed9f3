"""Other systems' exports import as they are: pretix check-in lists (in English, German and
Chinese) and order data, Eventbrite attendee reports, XLS and ODS workbooks; their secrets
and barcodes then check in as foreign tickets."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlwt

from kiosk.checkin.service import CheckinService
from kiosk.formats.importer import ImportFileError, import_attendees, parse_attendees
from kiosk.models.outcomes import Method, Outcome
from tests.helpers.data_files import (
    EVENTBRITE_REPORT_HEADER,
    PRETIX_CHECKIN_HEADER,
    PRETIX_CHECKIN_HEADER_DE,
    PRETIX_CHECKIN_HEADER_ZH,
    eventbrite_rows,
    pretix_checkin_rows,
    write_csv,
    write_xlsx,
)
from tests.helpers.reads import reads


@pytest.mark.parametrize(
    ("lang", "header"),
    [
        ("en", PRETIX_CHECKIN_HEADER),
        ("de", PRETIX_CHECKIN_HEADER_DE),
        ("zh", PRETIX_CHECKIN_HEADER_ZH),
    ],
)
def test_pretix_checkin_list_imports_with_attention_comments_seats_and_secrets(
    tmp_path: Path, service: CheckinService, lang: str, header: list[str]
) -> None:
    rows = pretix_checkin_rows(30, lang)
    f = write_csv(tmp_path / f"forum_checkin_{lang}.csv", header, rows, encoding="utf-8-sig")
    result = import_attendees(service, f)
    assert result.written and (result.inserted, result.bad) == (30, 0), result.parsed.problems
    parsed = result.parsed
    assert {"Requires special attention", "Benötigt besondere Behandlung", "需要特别注意"} & set(
        parsed.columns
    )
    assert not {"Requires special attention", "Secret", "Comment", "密钥"} & set(parsed.ignored)
    assert any("'VIP Pass' (6 rows) is not mapped" in w for w in parsed.warnings)
    people = {a.email: a for a in reads(service.store).people.everyone()}
    robert = people["robert.miller@example.com"]
    assert (robert.name, robert.organization, robert.attention) == (
        "Robert Miller",
        "Fluence Energy",
        True,
    )
    assert robert.category == "vip" and robert.notes == "Seat Row 1, Seat 1"
    assert robert.external_id == rows[0][9]  # no position id in a check-in list: the secret
    wei = people["wei.zhang@example.com"]
    assert (wei.attention, wei.notes, wei.category) == (False, "Wheelchair access", "delegate")
    # Two positions per order, one e-mail each: two attendees, never merged.
    assert len(people) == 30
    # Unmapped products register for the open sessions.
    assert "matchmaking" not in robert.sessions and "opening" in robert.sessions
    # The secrets now check in, as foreign tickets.
    r = service.check_in(rows[0][9], "opening")
    assert (r.outcome, r.method, r.name) == (
        Outcome.ADMITTED,
        Method.FOREIGN_TICKET,
        "Robert Miller",
    )
    assert r.attention
    assert service.check_in(rows[0][9], "opening").outcome is Outcome.ALREADY_CHECKED_IN
    again = import_attendees(service, f)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 30)


def test_eventbrite_report_sessions_decide_and_barcodes_check_in(
    tmp_path: Path, service: CheckinService
) -> None:
    rows = eventbrite_rows(60)
    f = write_csv(tmp_path / "report.csv", EVENTBRITE_REPORT_HEADER, rows)
    result = import_attendees(service, f)
    assert (result.inserted, result.bad, result.parsed.cancelled) == (59, 0, 1), (
        result.parsed.problems
    )
    assert result.parsed.warnings == []  # a sessions column decides: ticket types need no map
    assert "1 refunded or cancelled tickets skipped" in result.summary()
    by_id = {a.external_id: a for a in reads(service.store).people.everyone()}
    first = by_id["1500000000"]
    assert (first.name, first.category, first.title) == ("First0 Last0", "vip", "Director")
    assert first.sessions == ("opening", "energy-transition")
    assert by_id["1500000001"].sessions == ("opening", "green-finance")
    assert by_id["1500000002"].category == "speaker"
    barcode = str(rows[4][9])
    r = service.check_in(barcode, "opening")
    assert (r.outcome, r.method, r.name) == (
        Outcome.ADMITTED,
        Method.FOREIGN_TICKET,
        "First4 Last4",
    )
    # Registered: who chose the session; may attend: everyone (it is open).
    stats = {s.session_id: s for s in service.stats()}
    green = stats["green-finance"]
    assert (green.registered, green.may_attend) == (29, 59)
    assert stats["opening"].registered == 59


def test_old_pretix_order_export_with_repeated_company_and_buyer_email(
    tmp_path: Path, service: CheckinService
) -> None:
    header = ["Event slug", "Order code", "Position ID", "Status", "Email", "Order date",
              "Product", "Variation", "Price", "Attendee name", "Attendee email", "Company",
              "Address", "Company", "Invoice address name", "Address", "Secret"]  # fmt: skip
    rows = [
        ["forum", "ABC12", "1", "paid", "buyer@fluence.com", "2024-10-01", "Exhibitor", "", "0",
         "Robert Miller", "", "Fluence Energy", "", "Fluence Invoices Ltd", "Accounts", "", "s1"],
        ["forum", "ABC12", "2", "paid", "buyer@fluence.com", "2024-10-01", "Press", "", "0",
         "Jing Chen", "jing@x.cn", "", "", "Fluence Invoices Ltd", "Accounts", "", "s2"],
    ]  # fmt: skip
    parsed = parse_attendees(write_csv(tmp_path / "orders.csv", header, rows), service.event)
    assert not parsed.problems
    robert, jing = (r.attendee for r in parsed.attendees())
    assert (robert.external_id, robert.email, robert.organization) == (
        "ABC12-1", "buyer@fluence.com", "Fluence Energy",
    )  # fmt: skip
    assert (jing.email, jing.organization, jing.category) == ("jing@x.cn", "", "press")
    assert jing.sessions == ("opening", "energy-transition", "green-finance", "showcase")
    assert robert.sessions == ("opening", "showcase") and robert.category == "exhibitor"


def test_xls_workbook_imports(tmp_path: Path, service: CheckinService) -> None:
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Teilnehmer")
    for c, v in enumerate(["Name", "E-mail", "Company", "Ticket Type"]):
        ws.write(0, c, v)
    ws.write(1, 0, "Jürgen Müller")
    ws.write(1, 1, "jm@siemens-energy.com")
    ws.write(1, 2, "Siemens Energy")
    ws.write(1, 3, "Full Forum")
    wb.save(str(tmp_path / "list.xls"))
    result = import_attendees(service, tmp_path / "list.xls")
    assert (result.inserted, result.parsed.kind) == (1, "xls")
    (a,) = reads(service.store).people.everyone()
    assert (a.name, a.organization, a.sessions) == (
        "Jürgen Müller", "Siemens Energy", ("opening", "energy-transition", "green-finance", "showcase"),
    )  # fmt: skip


def write_ods(path: Path, rows: list[list[str]]) -> Path:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    body = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in r
        )
        + "</table:table-row>"
        for r in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:'
        'tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return path


def test_ods_spreadsheet_imports(tmp_path: Path, service: CheckinService) -> None:
    f = write_ods(
        tmp_path / "名单.ods",
        [["姓名", "单位", "邮箱"], ["张伟", "清华大学", "zw@tsinghua.edu.cn"]],
    )
    result = import_attendees(service, f)
    assert (result.inserted, result.parsed.kind) == (1, "ods")
    (a,) = reads(service.store).people.everyone()
    assert (a.name_zh, a.organization_zh) == ("张伟", "清华大学")


def test_a_workbook_with_an_attendee_sheet_after_a_cover_sheet(
    tmp_path: Path, service: CheckinService
) -> None:
    import xlsxwriter

    path = tmp_path / "two.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Cover").write_row(0, 0, ["Cleantech Forum", "registrations"])
    wb.add_worksheet("People").write_row(0, 0, ["Full Name", "Email"])
    wb.get_worksheet_by_name("People").write_row(1, 0, ["Amy Fox", "amy@x.org"])
    wb.close()
    (row,) = parse_attendees(path, service.event).attendees()
    assert (row.row, row.attendee.name) == (2, "Amy Fox")


def test_a_ticket_code_of_another_attendee_is_a_bad_row(
    tmp_path: Path, service: CheckinService
) -> None:
    header = ["Attendee #", "Name", "Barcode #"]
    import_attendees(service, write_csv(tmp_path / "a.csv", header, [["1", "Amy Fox", "CODE-1"]]))
    f = write_csv(
        tmp_path / "b.csv",
        header,
        [["2", "Bo Li", "CODE-1"], ["3", "Cy Wu", "CODE-3"], ["4", "Di An", "CODE-3"]],
    )
    result = import_attendees(service, f)
    assert not result.written
    assert [str(p) for p in result.parsed.problems] == [
        "row 2, column Barcode #: ticket code 'CODE-1' already belongs to another attendee "
        f"(id {service.attendee('1').attendee_id})",
        "row 4, column Barcode #: same ticket code 'CODE-3' as row 3 with different data",
    ]
    assert reads(service.store).people.count() == 1


def test_missing_workbook_part_is_a_clear_refusal(tmp_path: Path, service: CheckinService) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", ["Name"], [["A"]])
    bad = tmp_path / "no-sheet.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            if not item.filename.startswith("xl/worksheets/"):
                dst.writestr(item, src.read(item))
    with pytest.raises(ImportFileError, match=r"no-sheet\.xlsx: damaged XLSX workbook"):
        parse_attendees(bad, service.event)
