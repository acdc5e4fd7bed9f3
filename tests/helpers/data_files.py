"""Messy attendee files as registration systems and people produce them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from kiosk.storage.store import Store
from tests.helpers.reads import reads

Row = Sequence[object]


def attendee_count(db: Path) -> int:
    """How many attendees the database file holds."""
    s = Store.open(db)
    try:
        return reads(s).people.count()
    finally:
        s.close()


def csv_text(header: Row, rows: Sequence[Row], delimiter: str = ",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def write_csv(
    path: Path,
    header: Row,
    rows: Sequence[Row],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    """`encoding` 'utf-8-sig' writes a BOM; 'utf-16' writes a BOM too."""
    path.write_bytes(csv_text(header, rows, delimiter).encode(encoding))
    return path


def write_xlsx(
    path: Path, header: Row, rows: Sequence[Row], *, shared_strings: bool = True
) -> Path:
    """An XLSX as Excel saves it: numbers as numbers, dates as date-formatted numbers."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": not shared_strings})
    ws = wb.add_worksheet("Attendees")
    day = wb.add_format({"num_format": "yyyy/m/d"})
    stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.write_row(0, 0, list(header))
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, datetime):
                ws.write_datetime(r, c, v, stamp)
            elif isinstance(v, date):
                ws.write_datetime(r, c, datetime(v.year, v.month, v.day), day)
            elif isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    wb.close()
    return path


EVENTBRITE_HEADER = [
    "Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity", "Ticket Type",
    "Attendee #", "Company", "Job Title", "Cell Phone",
]  # fmt: skip

PRETIX_HEADER = [
    "Order code", "Position ID", "Product", "Variation", "Price", "Attendee name",
    "Attendee name: Title", "Attendee name: Given name", "Attendee name: Family name",
    "Attendee email", "Company", "E-mail", "Phone number",
]  # fmt: skip

CHINESE_HEADER = [
    "序号",
    "姓名",
    "英文名",
    "单位",
    "职务",
    "邮箱",
    "手机",
    "类别",
    "代表团",
    "场次",
    "备注",
]


def chinese_rows() -> list[list[object]]:
    return [
        [1, "王伟", "Wang Wei", "国家电网有限公司", "总监", "wang.wei@sgcc.com.cn", "13800138000",
         "贵宾", "中国", "opening;energy-transition", "素食"],
        [2, "李娜", "", "清华大学", "教授", "li.na@tsinghua.edu.cn", "13900139000",
         "嘉宾", "中国", "opening|showcase", ""],
        [3, "欧阳晓东", "Ouyang Xiaodong", "隆基绿能", "高级工程师", "", "+86 137 0000 1111",
         "媒体", "中国", "opening, matchmaking", ""],
    ]  # fmt: skip


# pretix 2026.8's check-in list export (pretix/plugins/checkinlists/exporters.py,
# CSVCheckinList), name scheme "given_family", "Include QR-code secret" ticked, no event
# series; in English, German and Simplified Chinese (pretix's own translations).
PRETIX_CHECKIN_HEADER = [
    "Order code", "Attendee name", "Attendee name: Given name", "Attendee name: Family name",
    "Product", "Price", "Checked in", "Checked out", "Automatically checked in", "Secret",
    "Email", "Phone number", "Company", "Voucher code", "Order date", "Order time",
    "Requires special attention", "Comment", "Check-in text", "Seat ID", "Seat name",
    "Seat zone", "Seat row", "Seat number", "Blocked", "Valid from", "Valid until", "Address",
    "ZIP code", "City", "Country", "State",
]  # fmt: skip
PRETIX_CHECKIN_HEADER_DE = [
    "Bestellnummer", "Name Teilnehmer*in", "Teilnehmer*innenname: Vorname",
    "Teilnehmer*innenname: Nachname", "Produkt", "Preis", "Eingecheckt", "Ausgetreten",
    "Automatisch eingecheckt", "Secret", "E-Mail", "Telefonnummer", "Firma", "Gutscheincode",
    "Bestelldatum", "Bestelluhrzeit", "Benötigt besondere Behandlung", "Kommentar",
    "Check-in-Hinweis", "Sitzplatz-ID", "Sitzbezeichnung", "Sitzbereich", "Sitzreihe",
    "Sitzplatz-Nummer", "Gesperrt", "Gültig ab", "Gültig bis", "Adresse", "Postleitzahl",
    "Stadt", "Land", "Bundesstaat",
]  # fmt: skip
PRETIX_CHECKIN_HEADER_ZH = [
    "订单代码", "观众姓名", "观众姓名：给定名称", "观众姓名：姓氏", "产品", "价格", "已签入",
    "Checked out", "Automatically checked in", "密钥", "Email", "电话号码", "公司", "优惠券号",
    "订单日期", "订单时间", "需要特别注意", "评论", "Check-in text", "座位ID", "Seat name",
    "Seat zone", "Seat row", "Seat number", "", "Valid from", "有效期至", "地址", "邮政编码",
    "城市", "国家", "State",
]  # fmt: skip
YES_NO = {"en": ("Yes", "No"), "de": ("Ja", "Nein"), "zh": ("是", "否")}


def pretix_checkin_rows(n: int = 30, lang: str = "en") -> list[list[object]]:
    """`n` positions as pretix writes them: several per order, VIP and Delegate passes."""
    yes, no = YES_NO[lang]
    people = [("Robert", "Miller", "Fluence Energy"), ("Jing", "Chen", "LONGi Green Energy"),
              ("Sarah", "Clark", "NREL"), ("Wei", "Zhang", "State Grid"),
              ("Maria", "Garcia", "Ørsted"), ("Hao", "Li", "CATL")]  # fmt: skip
    rows: list[list[object]] = []
    for i in range(n):
        given, family, company = people[i % len(people)]
        given = f"{given}{i // len(people) or ''}"
        vip = i % 5 == 0
        order = f"K{i // 2:04d}"  # two positions per order
        seat = f"Row {i // 10 + 1}, Seat {i % 10 + 1}" if vip else ""
        rows.append([
            order, f"{given} {family}", given, family,
            "VIP Pass" if vip else "Delegate Pass – Early bird", "1200.00" if vip else "300.00",
            "", "", no, f"pretix{i:04d}secret{i * 7919 % 10000:04d}q8z",
            f"{given.lower()}.{family.lower()}@example.com", f"+1 202 555 01{i:02d}",
            company, "", "2024-10-01", "09:30:00", yes if vip else no,
            "Wheelchair access" if i == 3 else "", "", "", seat, "", "", "", "", "", "", "",
            "", "", "US" if i % 2 else "CN", "",
        ])  # fmt: skip
    return rows


# Eventbrite's attendee report, as its exports and the tools that read them name the
# columns; "Sessions" is a custom question, "Barcode #" is there when barcodes are included.
EVENTBRITE_REPORT_HEADER = [
    "Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity", "Price Tier",
    "Ticket Type", "Attendee #", "Barcode #", "Group", "Order Type", "Currency", "Total Paid",
    "Fees Paid", "Eventbrite Fees", "Eventbrite Payment Processing", "Attendee Status",
    "Home Address 1", "Home Address 2", "Home City", "Home State", "Home Zip", "Home Country",
    "Cell Phone", "Sessions", "Job Title", "Company",
]  # fmt: skip


def eventbrite_rows(n: int = 60) -> list[list[object]]:
    tickets = ["VIP", "Delegate", "Speaker"]
    rows: list[list[object]] = []
    for i in range(n):
        ticket = tickets[i % 3]
        sessions = (
            "Opening Plenary; Green Finance & Climate Investment Sub-forum"
            if i % 2
            else "opening, energy-transition"
        )
        status = "Refunded" if i == n - 1 else "Attending"
        rows.append([
            f"{88000000 + i // 2}", "2024-10-02 14:05:11", f"First{i}", f"Last{i}",
            f"person{i}@example.org", 1, "", ticket, f"{1500000000 + i}",
            f"{880000000000 + i * 13}001", "", "Eventbrite Completed", "USD", "450.00", "25.00",
            "20.00", "5.00", status, "", "", "Boston", "MA", "02110", "US", "+1 617 555 0100",
            sessions, "Director", f"Company {i % 7}",
        ])  # fmt: skip
    return rows
