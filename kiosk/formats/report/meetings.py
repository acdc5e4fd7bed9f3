"""The attendance report's matchmaking section: the meetings' outcomes overall, and held /
partly held / no-show per company and per delegation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF

from kiosk.formats.report.render import HEADINGS, _heading, _table_font, _text
from kiosk.meetings.board import GroupTotals, MeetingCounts, count, totals
from kiosk.meetings.service import MeetingService
from kiosk.models.clock import FixedClock
from kiosk.storage.store import Store

#: Companies beyond this many are left out of the report's table (the export has them all).
MAX_COMPANIES = 25
GREY = (110, 110, 110)


@dataclass(frozen=True, slots=True)
class MeetingsSection:
    counts: MeetingCounts
    companies: list[GroupTotals]
    more_companies: int  # companies not shown
    delegations: list[GroupTotals]


def gather_meetings(store: Store, now: datetime) -> MeetingsSection | None:
    """None when the event has no matchmaking session or no meeting was scheduled."""
    if store.event().matchmaking_session() is None:
        return None
    states = MeetingService(store, FixedClock(now)).states(now)
    if not states:
        return None
    companies = totals(states, by="company")
    return MeetingsSection(count(states), companies[:MAX_COMPANIES],
                           max(0, len(companies) - MAX_COMPANIES),
                           totals(states, by="delegation"))  # fmt: skip


def render_meetings(pdf: FPDF, section: MeetingsSection, width: float) -> None:
    _heading(pdf, "Matchmaking meetings", "商务对接洽谈")
    c = section.counts
    rows = [
        ("Meetings (not cancelled)", "洽谈（未取消）", c.total),
        ("Held", "已举行", c.held),
        ("Partly held (every company, not every person)", "部分举行（各方单位均到，人员未齐）",
         c.partly_held),
        ("No-show (a company did not come)", "缺席（有一方单位未到）", c.no_show),
        ("Marked not held by staff", "工作人员标记为未举行", c.not_held),
        ("Cancelled", "已取消", c.cancelled),
    ]  # fmt: skip
    _table_font(pdf)
    with pdf.table(col_widths=(75, 75, 30), text_align=("LEFT", "LEFT", "RIGHT"),
                   first_row_as_headings=False, line_height=5, width=width) as table:  # fmt: skip
        for en, zh, n in rows:
            r = table.row()
            r.cell(en)
            r.cell(zh)
            r.cell(f"{n:,}")
    for title_en, title_zh, groups, head in (
        ("Per company", "按单位", section.companies, "Company 单位"),
        ("Per delegation", "按代表团", section.delegations, "Delegation 代表团"),
    ):
        _heading(pdf, f"Matchmaking: {title_en.lower()}", f"商务对接：{title_zh}")
        _groups(pdf, groups, head, width)
        if groups is section.companies and section.more_companies:
            _text(pdf, f"… and {section.more_companies} more companies (see the meetings export) "
                       f"· 另有 {section.more_companies} 家单位（见洽谈导出）", 8, color=GREY, h=4.5)  # fmt: skip


def _groups(pdf: FPDF, groups: list[GroupTotals], head: str, width: float) -> None:
    _table_font(pdf)
    with pdf.table(col_widths=(64, 20, 20, 22, 20, 18, 16), headings_style=HEADINGS,
                   text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
                   line_height=4.5, width=width) as table:  # fmt: skip
        h = table.row()
        for t in (head, "Meetings 洽谈", "Held 举行", "Partly 部分举行", "No-show 缺席",
                  "Absent 本方缺席", "Pending 待定"):  # fmt: skip
            h.cell(t)
        for g in groups:
            r = table.row()
            r.cell(g.key or "(none) · 无")
            for n in (g.meetings, g.held, g.partly_held, g.no_show, g.absent, g.pending):
                r.cell(f"{n:,}")
