"""The attendance report as a bilingual A4 PDF (fpdf2, the shipped CJK font embedded)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace

from kiosk.badges.design import CATEGORY_STYLES, category_style
from kiosk.badges.pdfdoc import FAMILY, long_date, new_pdf, pdf_bytes
from kiosk.formats.report.data import BUCKET_MINUTES, OTHER, GroupRow, ReportData
from kiosk.models.outcome_text import OUTCOME_TEXTS
from kiosk.models.outcomes import Outcome

A4 = (210.0, 297.0)
MARGIN = 15.0
WIDTH = A4[0] - 2 * MARGIN
CHART_H = 34.0
INK = (33, 33, 33)
GREY = (110, 110, 110)
HEAD_FILL = (232, 238, 246)
BAR = (21, 101, 192)

OUTCOME_LABELS: dict[Outcome, tuple[str, str]] = {
    o: (t.label_en, t.label_zh) for o, t in OUTCOME_TEXTS.items()
}  # the domain's one table of outcome texts
HEADINGS = FontFace(emphasis="BOLD", fill_color=HEAD_FILL, size_pt=8.5)


class ReportPdf(FPDF):
    """A4 pages with a bilingual footer: event, generated-at time, page number."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FAMILY, "", 7)
        self.set_text_color(*GREY)
        self.cell(WIDTH * 0.8, 5, self.footer_text)
        self.cell(WIDTH * 0.2, 5, f"{self.page_no()} / {{nb}}", align="R")


def render_report(data: ReportData) -> tuple[bytes, int]:
    """The report as PDF bytes, and its page count."""
    ev = data.event
    pdf = new_pdf(A4, f"{ev.name} – attendance report", auto_break=True, factory=ReportPdf)
    assert isinstance(pdf, ReportPdf)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    local = data.generated_at.astimezone(ev.tz)
    pdf.footer_text = (
        f"{ev.name} · {ev.name_zh} — generated 生成于 {local:%Y-%m-%d %H:%M} ({ev.timezone})"
    )
    pdf.add_page()
    _title(pdf, data)
    _summary(pdf, data)
    _heading(pdf, "Sessions", "各场次")
    _sessions(pdf, data)
    _heading(pdf, f"Arrivals per {BUCKET_MINUTES} minutes", f"每{BUCKET_MINUTES}分钟到场人数")
    for s in ev.sessions:
        _chart(pdf, f"{s.title} · {s.title_zh}", data.arrivals.get(s.id, []), ev.tz)
    _heading(pdf, "By category", "按类别")
    _groups(pdf, data.categories, "Category 类别", _category_label)
    _heading(pdf, "By delegation", "按代表团")
    _groups(pdf, data.delegations, "Delegation 代表团", _delegation_label)
    _heading(pdf, "Refused scans by reason", "按原因统计的拒绝入场扫码")
    _refused(pdf, data)
    from kiosk.formats.report.conflicts import render_conflicts

    render_conflicts(pdf, data)
    if data.meetings is not None:
        from kiosk.formats.report.meetings import render_meetings

        render_meetings(pdf, data.meetings, WIDTH)
    return pdf_bytes(pdf), pdf.page_no()


def _text(pdf: FPDF, text: str, size: float, bold: bool = False, color: tuple[int, int, int] = INK,
          h: float | None = None) -> None:  # fmt: skip
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(WIDTH, h or size * 0.5, text, new_x="LMARGIN", new_y="NEXT")


def _title(pdf: FPDF, data: ReportData) -> None:
    ev = data.event
    day_en, day_zh = long_date(ev.day)
    _text(pdf, "Attendance report · 签到报告", 18, bold=True, h=9)
    _text(pdf, ev.name, 12, bold=True, h=6)
    _text(pdf, ev.name_zh, 12, bold=True, h=6)
    where = " · ".join(p for p in ev.place() if p)
    _text(pdf, f"{day_en} · {day_zh}    {where}", 9, color=GREY, h=5)
    local = data.generated_at.astimezone(ev.tz)
    _text(pdf, f"Generated 生成时间: {local:%Y-%m-%d %H:%M} ({ev.timezone})", 9, color=GREY, h=5)
    pdf.ln(3)


def _summary(pdf: FPDF, data: ReportData) -> None:
    rows = [
        ("Registered attendees", "报名人数", data.registered),
        ("Attended at least one session", "至少参加一场的人数", data.attended),
        ("Walk-in registrations", "现场登记人数", data.walk_ins),
        ("Badges reprinted", "补打胸卡", data.reprints),
        ("Entry scans (all outcomes)", "入场扫码总数", data.scans),
        ("Refused scans", "拒绝入场扫码", sum(data.refused.values())),
    ]
    _table_font(pdf)
    with pdf.table(
        col_widths=(70, 70, 40),
        text_align=("LEFT", "LEFT", "RIGHT"),
        first_row_as_headings=False,
        line_height=5.5,
        width=WIDTH,
    ) as table:
        for en, zh, n in rows:
            r = table.row()
            r.cell(en)
            r.cell(zh)
            r.cell(f"{n:,}")
    pdf.ln(2)


def _heading(pdf: FPDF, en: str, zh: str) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(3)
    _text(pdf, f"{en} · {zh}", 13, bold=True, h=7)
    pdf.ln(1)


def _table_font(pdf: FPDF) -> None:
    """Tables take the current font and colours: set them, whatever was drawn before."""
    pdf.set_font(FAMILY, "", 8.5)
    pdf.set_text_color(*INK)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)


def _pct(n: int, d: int | None) -> str:
    return f"{100 * n / d:.0f}%" if d else "–"


def _sessions(pdf: FPDF, data: ReportData) -> None:
    ev = data.event
    _table_font(pdf)
    with pdf.table(
        col_widths=(62, 26, 20, 20, 20, 16, 16),
        text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=HEADINGS,
        line_height=4.5,
        width=WIDTH,
    ) as table:
        head = table.row()
        for h in ("Session 场次", "Time 时间", "Registered 报名", "Admitted 入场",
                  "Capacity 容量", "Used 使用率", "Refused 拒绝"):  # fmt: skip
            head.cell(h)
        for st in data.sessions:
            s = ev.session(st.session_id)
            start, end = s.start.astimezone(ev.tz), s.end.astimezone(ev.tz)
            r = table.row()
            r.cell(f"{st.title}\n{st.title_zh}\n{s.room} · {s.room_zh}")
            r.cell(f"{start:%H:%M}–{end:%H:%M}")
            if st.may_attend != st.registered:  # an open session: registered vs may attend
                r.cell(f"{st.registered:,}\nmay attend {st.may_attend:,} 可入场")
            else:
                r.cell(f"{st.registered:,}")
            r.cell(f"{st.admitted:,}")
            r.cell(f"{st.capacity:,}" if st.capacity else "–")
            r.cell(_pct(st.admitted, st.capacity))
            r.cell(f"{data.per_session_refused.get(st.session_id, 0):,}")


def _chart(pdf: FPDF, title: str, buckets: list[tuple[datetime, int]], tz: ZoneInfo) -> None:
    """A vector bar chart: admitted first arrivals per bucket, local times on the axis."""
    total = sum(n for _, n in buckets)
    if not total:
        _text(pdf, f"{title}  —  no arrivals yet · 暂无到场记录", 9, bold=True, h=5)
        pdf.ln(2)
        return
    if pdf.will_page_break(CHART_H + 16):
        pdf.add_page()
    _text(pdf, f"{title}  —  {total:,} arrivals 到场", 9, bold=True, h=5)
    x0, y0 = MARGIN + 12, pdf.get_y() + 2
    w, h = WIDTH - 14, CHART_H
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)
    pdf.line(x0, y0 + h, x0 + w, y0 + h)
    pdf.line(x0, y0, x0, y0 + h)
    peak = max(n for _, n in buckets)
    step = w / len(buckets)
    pdf.set_font(FAMILY, "", 6.5)
    pdf.set_text_color(*GREY)
    for label_n in sorted({peak, peak // 2} - {0}):
        pdf.set_xy(MARGIN, y0 + h - h * label_n / peak - 2)
        pdf.cell(10.5, 4, str(label_n), align="R")
    pdf.set_fill_color(*BAR)
    every = max(1, round(len(buckets) / 12))  # at most ~12 time labels
    for i, (at, n) in enumerate(buckets):
        if n:
            bh = h * n / peak
            pdf.rect(x0 + (i + 0.12) * step, y0 + h - bh, step * 0.76, bh, style="F")
        if i % every == 0:  # the bucket's start time, under its left edge
            pdf.set_xy(x0 + i * step - 6, y0 + h + 0.5)
            pdf.cell(12, 4, f"{at.astimezone(tz):%H:%M}", align="C")
    pdf.set_xy(MARGIN, y0 + h + 6)


def _category_label(key: str) -> str:
    style = CATEGORY_STYLES.get(key) or category_style(key)
    name = style.label if len(style.label) <= 3 else style.label.title()
    return f"{name} · {style.label_zh}" if style.label_zh else name


def _delegation_label(key: str) -> str:
    if key == OTHER:
        return "Other delegations · 其他代表团"
    return key or "(none) · 无"


def _groups(pdf: FPDF, rows: list[GroupRow], head: str, label: Callable[[str], str]) -> None:
    _table_font(pdf)
    with pdf.table(
        col_widths=(90, 30, 30, 30),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=HEADINGS,
        line_height=4.8,
        width=WIDTH,
    ) as table:
        h = table.row()
        for t in (head, "Registered 报名", "Attended 到场", "Share 比例"):
            h.cell(t)
        for g in rows:
            r = table.row()
            r.cell(label(g.key))
            r.cell(f"{g.registered:,}")
            r.cell(f"{g.attended:,}")
            r.cell(_pct(g.attended, g.registered))


def _refused(pdf: FPDF, data: ReportData) -> None:
    if not data.refused and not data.repeats:
        _text(pdf, "No refused scans · 无拒绝入场记录", 9, color=GREY, h=5)
        return
    _table_font(pdf)
    with pdf.table(
        col_widths=(80, 70, 30),
        text_align=("LEFT", "LEFT", "RIGHT"),
        headings_style=HEADINGS,
        line_height=4.8,
        width=WIDTH,
    ) as table:
        h = table.row()
        for t in ("Reason", "原因", "Scans 次数"):
            h.cell(t)
        for outcome, n in data.refused.items():
            en, zh = OUTCOME_LABELS.get(outcome, (outcome.value, ""))
            r = table.row()
            r.cell(en)
            r.cell(zh)
            r.cell(f"{n:,}")
    if data.repeats:
        pdf.ln(1)
        en, zh = OUTCOME_LABELS[Outcome.ALREADY_CHECKED_IN]
        _text(pdf, f"Not refusals: {data.repeats:,} repeat scans ({en}) · 另有重复扫码 {data.repeats:,} 次（{zh}）",
              8, color=GREY, h=4.5)  # fmt: skip
