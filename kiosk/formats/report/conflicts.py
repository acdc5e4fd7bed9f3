"""The report's conflicts section: what stations that were apart disagree on
(kiosk.storage.conflicts), listed for the organizers."""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF

from kiosk.formats.report.data import ReportData
from kiosk.formats.report.render import GREY, HEADINGS, WIDTH, _heading, _table_font, _text
from kiosk.storage.conflicts import ConflictKind

KIND_LABELS: dict[ConflictKind, tuple[str, str]] = {
    ConflictKind.DUPLICATE_ENTRY: ("Admitted twice (counted once)", "重复入场（只计一次）"),
    ConflictKind.REVOKED_SCAN: ("Revoked badge accepted", "已作废胸卡被接受"),
    ConflictKind.POSSIBLE_DUPLICATE: ("Possible duplicate record", "疑似重复登记"),
    ConflictKind.HELD_ENTRY: ("Entry refused (security)", "条目被拒（安全）"),
}


def render_conflicts(pdf: FPDF, data: ReportData) -> None:
    _heading(pdf, "Conflicts between stations", "签到台之间的冲突")
    if not data.conflict_total:
        _text(pdf, "No conflicts · 无冲突", 9, color=GREY, h=5)
        return
    tz = data.event.tz

    def when(text: str) -> str:
        return datetime.fromisoformat(text).astimezone(tz).strftime("%H:%M:%S") if text else ""

    _table_font(pdf)
    with pdf.table(
        col_widths=(36, 32, 24, 17, 22, 17, 32),
        text_align="LEFT",
        headings_style=HEADINGS,
        line_height=4.4,
        width=WIDTH,
    ) as table:
        h = table.row()
        for t in ("Conflict 冲突", "Attendee 参会者", "Session 场次", "Time 时间",
                  "Station 签到台", "First 首次", "First at 首次签到台"):  # fmt: skip
            h.cell(t)
        for c in data.conflicts:
            en, zh = KIND_LABELS[c.kind]
            r = table.row()
            r.cell(f"{en}\n{zh}")
            r.cell(c.name or c.attendee_id)
            r.cell(c.session_id or "-")
            r.cell(when(c.at))
            r.cell(c.station)
            r.cell(when(c.other_at))
            r.cell(c.other_station)
    _text(pdf, "First: the first admission, the revocation, or the earlier record · "
          "首次：首次入场、胸卡作废或较早的登记", 8, color=GREY, h=4.5)  # fmt: skip
    if data.conflict_total > len(data.conflicts):
        more = data.conflict_total - len(data.conflicts)
        _text(pdf, f"… and {more:,} more (export --what conflicts) · 另有 {more:,} 条", 8,
              color=GREY, h=4.5)  # fmt: skip
