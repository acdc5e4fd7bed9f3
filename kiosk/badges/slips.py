"""Personal matchmaking schedule slips: one A6 slip per attendee (more pages when the day is
long), bilingual, the shipped CJK font embedded so that the Chinese prints and can be
copied out of the PDF. Handed out at check-in, or printed with the badge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from kiosk.badges.pdfdoc import FAMILY, long_date, new_pdf, pdf_bytes
from kiosk.meetings.service import MeetingService
from kiosk.models.meetings import ROLE_INTERPRETER, Counterpart, UpcomingMeeting
from kiosk.models.records import Attendee
from kiosk.storage.atomic import check_writable, write_atomically
from kiosk.storage.store import Store

A6 = (105.0, 148.0)
MARGIN = 7.0
WIDTH = A6[0] - 2 * MARGIN
INK = (33, 33, 33)
GREY = (105, 105, 105)
BAND = (0, 110, 90)
HEAD = FontFace(emphasis="BOLD", fill_color=(226, 240, 236), size_pt=7.5)


@dataclass(frozen=True, slots=True)
class SlipsResult:
    path: Path
    slips: int
    meetings: int
    pages: int
    size_bytes: int


def write_slips(store: Store, meetings: MeetingService, attendee_ids: Sequence[str], out: Path,
                now: datetime) -> SlipsResult:  # fmt: skip
    """One slip per attendee in `attendee_ids`, in that order, written to `out` (all or
    nothing)."""
    check_writable(out)
    data, total, pages = _document(store, meetings, attendee_ids, now)
    write_atomically(out, data)
    return SlipsResult(out, len(attendee_ids), total, pages, len(data))


def slip_pdf(store: Store, meetings: MeetingService, attendee_id: str, now: datetime) -> bytes:
    """One attendee's slip as PDF bytes (what the desk prints with, or without, a badge)."""
    return _document(store, meetings, [attendee_id], now)[0]


def _document(store: Store, meetings: MeetingService, attendee_ids: Sequence[str],
              now: datetime) -> tuple[bytes, int, int]:  # fmt: skip
    """(PDF, meetings on it, pages): one slip per attendee in `attendee_ids`."""
    event = store.event()
    pdf = new_pdf(A6, f"{event.name} – matchmaking schedules", auto_break=True)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    total = 0
    for aid in attendee_ids:
        with store.snapshot() as tx:
            person = tx.people.attendee(aid)
        if person is None:
            continue
        schedule = meetings.schedule_of(aid)
        total += len(schedule)
        _slip(pdf, meetings, person, schedule, now)
    pages = pdf.page_no()
    return pdf_bytes(pdf), total, pages


def _text(pdf: FPDF, text: str, size: float, bold: bool = False,
          color: tuple[int, int, int] = INK, h: float | None = None) -> None:  # fmt: skip
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(WIDTH, h or size * 0.45, text, new_x="LMARGIN", new_y="NEXT")


def _slip(pdf: FPDF, meetings: MeetingService, person: Attendee,
          schedule: Sequence[UpcomingMeeting], now: datetime) -> None:  # fmt: skip
    event = meetings.event
    session = meetings.session
    tz = event.tz
    pdf.add_page()
    pdf.set_fill_color(*BAND)
    pdf.rect(0, 0, A6[0], 15, style="F")
    pdf.set_xy(MARGIN, 3)
    _text(pdf, event.name, 7.5, bold=True, color=(255, 255, 255), h=4)
    _text(pdf, event.name_zh, 7.5, color=(255, 255, 255), h=4)
    pdf.set_y(18)
    _text(pdf, "Your matchmaking schedule · 您的洽谈日程", 11, bold=True, h=6)
    names = "  ".join(x for x in (person.name, person.name_zh) if x)
    _text(pdf, names, 13, bold=True, h=6.5)
    org = " · ".join(x for x in (person.organization, person.organization_zh) if x)
    if org:
        _text(pdf, org, 8, color=GREY, h=4.2)
    day_en, day_zh = long_date(event.day)
    start, end = session.start.astimezone(tz), session.end.astimezone(tz)
    _text(pdf, f"{day_en} · {day_zh}   {start:%H:%M}–{end:%H:%M}", 8, color=GREY, h=4.2)
    _text(pdf, f"{session.room} · {session.room_zh}", 8, color=GREY, h=4.2)
    pdf.ln(2)
    if not schedule:
        _text(pdf, "No meetings scheduled · 暂无洽谈安排", 10, h=6)
    else:
        _table(pdf, schedule, tz)
    pdf.ln(2)
    n = event.matchmaking.no_show_minutes
    _text(pdf, f"Please be at your table on time: a meeting is recorded as a no-show when a "
               f"party is still missing {n} minutes after its start.", 6.5, color=GREY, h=3.3)  # fmt: skip
    _text(pdf, f"请准时到达洽谈桌：开始{n}分钟后仍有一方未到，将记为缺席。", 6.5, color=GREY, h=3.3)
    local = now.astimezone(tz)
    _text(pdf, f"Printed 打印于 {local:%Y-%m-%d %H:%M}", 6, color=GREY, h=3.3)


def _with(people: Sequence[Counterpart]) -> str:
    """Each company once, in both languages, then its people: "Company 公司\nName 名字"."""
    groups: dict[tuple[str, str], list[str]] = {}
    for c in people:
        name = " ".join(x for x in (c.name, c.name_zh) if x) or c.attendee_id
        groups.setdefault((c.organization, c.organization_zh), []).append(name)
    lines = []
    for (org, org_zh), names in groups.items():
        company = " ".join(x for x in (org, org_zh) if x)
        lines.append("\n".join(x for x in (company, ", ".join(names)) if x))
    return "\n".join(lines)


def _table(pdf: FPDF, schedule: Sequence[UpcomingMeeting], tz: tzinfo) -> None:
    pdf.set_font(FAMILY, "", 7.5)
    pdf.set_text_color(*INK)
    pdf.set_fill_color(255, 255, 255)  # not the header band's colour
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.15)
    with pdf.table(col_widths=(17, 14, 60), text_align=("LEFT", "CENTER", "LEFT"),
                   headings_style=HEAD, line_height=3.6, width=WIDTH) as table:  # fmt: skip
        head = table.row()
        for h in ("Time 时间", "Table 桌号", "With 洽谈对象"):
            head.cell(h)
        for m in schedule:
            r = table.row()
            r.cell(f"{m.start.astimezone(tz):%H:%M}–\n{m.end.astimezone(tz):%H:%M}")
            r.cell(m.table)
            extra = []
            if m.role == ROLE_INTERPRETER:
                extra.append("You interpret · 您担任翻译")
            elif m.interpreter:
                extra.append(f"Interpreter 翻译: {m.interpreter}")
            if m.languages:
                extra.append(f"Languages 语言: {m.languages}")
            r.cell("\n".join([_with(m.counterparts), *extra]))
