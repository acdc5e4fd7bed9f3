"""Messy attendee files as registration systems and people produce them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

Row = Sequence[object]


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
