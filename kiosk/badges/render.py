"""Badges as PDF (fpdf2): vector QR codes, the shipped CJK font embedded, crop marks; one
badge on its label (turned a quarter when the label is fed the other way) or sheets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align

from kiosk.badges.design import (
    BadgeData,
    BadgeDrawing,
    Fill,
    Line,
    QrCode,
    TextLine,
    category_style,
    compose,
    qr_side_mm,
)
from kiosk.badges.layouts import Layout, get_layout
from kiosk.badges.pdfdoc import (
    FAMILY,
    Progress,
    badge_font_covers,
    fonts_for,
    long_date,
    new_pdf,
    pdf_bytes,
)
from kiosk.badges.qrvector import PRINT_EC, QUIET_ZONE, merged_rects, qr_matrix
from kiosk.models.event import Event
from kiosk.storage.atomic import OutputError, check_writable, write_atomically

#: A badge code is `FC1:` + 114 Base45 characters (see kiosk.checkin.codes).
SAMPLE_CODE = "FC1:" + "K" * 114

CROP_LINE_MM = 0.15


class FpdfMeasure:
    """Text widths from an fpdf2 document's registered fonts."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def width(self, text: str, bold: bool, size_pt: float) -> float:
        self.pdf.set_font(FAMILY, "B" if bold else "", size_pt)
        return float(self.pdf.get_string_width(text))


@dataclass(frozen=True, slots=True)
class SheetReport:
    path: Path
    badges: int
    pages: int
    layout: str
    module_mm: float
    size_bytes: int


class BadgeRenderer:
    """Renders badges of one event in one layout. Keep one per station: the font metrics
    document it holds for `drawing()` costs ~0.4 s to build."""

    def __init__(self, event: Event, layout: Layout | str = "4x3in") -> None:
        self.event = event
        self.layout = get_layout(layout) if isinstance(layout, str) else layout
        self._metrics: FpdfMeasure | None = None

    def drawing(self, data: BadgeData) -> BadgeDrawing:
        """One badge as a display list, as worn (LabelTooSmall when it cannot fit)."""
        return compose(data, self.event, self.layout.worn, self.warm_up())

    def warm_up(self) -> FpdfMeasure:
        """Load the font metrics (~0.5 s, once) before the first badge needs them."""
        if self._metrics is None:
            self._metrics = FpdfMeasure(new_pdf(self.layout.worn, "metrics"))
            badge_font_covers(["·"])  # reads the badge font's characters once
        return self._metrics

    def pdf_bytes(self, badges: Sequence[BadgeData], progress: Progress | None = None) -> bytes:
        if not badges:
            raise OutputError("no badges to print: no attendee matches")
        lay = self.layout
        texts = [t for data in badges for t in badge_texts(data, self.event)]
        pdf = new_pdf(lay.page, f"{self.event.name} – badges", fonts=fonts_for(texts))
        pdf.c_margin = 0
        measure = FpdfMeasure(pdf)
        for i, data in enumerate(badges):
            if i % lay.per_page == 0:
                pdf.add_page()
                draw_crop_marks(pdf, lay)
            x, y = lay.slot(i)
            place_badge(pdf, compose(data, self.event, lay.worn, measure), lay, x, y)
            if progress:
                progress(i + 1, len(badges))
        return pdf_bytes(pdf)

    def write_pdf(
        self, badges: Sequence[BadgeData], out: Path, progress: Progress | None = None
    ) -> SheetReport:
        """Write the sheet to `out` (all or nothing: a failure leaves no partial file)."""
        check_writable(out)
        data = self.pdf_bytes(badges, progress)
        write_atomically(out, data)
        per_page = self.layout.per_page
        return SheetReport(
            path=out,
            badges=len(badges),
            pages=(len(badges) + per_page - 1) // per_page,
            layout=self.layout.name,
            module_mm=self.module_mm(),
            size_bytes=len(data),
        )

    def module_mm(self) -> float:
        """The QR module size this layout prints, for a badge code of the usual length."""
        matrix = qr_matrix(SAMPLE_CODE, PRINT_EC)
        return matrix.module_mm(qr_side_mm(self.layout.worn, matrix))


def badge_pdf(drawing: BadgeDrawing, layout: Layout, title: str = "Badge") -> bytes:
    """One badge already composed for `layout` (its `worn` size), on a page of its own:
    what the desk sends to the printer."""
    if (drawing.width, drawing.height) != layout.worn:
        raise ValueError(
            f"a {drawing.width:g} x {drawing.height:g} mm badge is not for {layout.name}"
        )
    texts = [i.text for i in drawing.items if isinstance(i, TextLine)]
    pdf = new_pdf(layout.page, title, fonts=fonts_for(texts))
    pdf.c_margin = 0
    pdf.add_page()
    place_badge(pdf, drawing, layout, 0.0, 0.0)
    return pdf_bytes(pdf)


def badge_texts(data: BadgeData, event: Event) -> list[str]:
    """Every text a badge may show (what the badge font must have)."""
    a, style = data.attendee, category_style(data.attendee.category)
    day = long_date(event.day)
    return [a.name, a.name_zh, a.organization, a.organization_zh, a.title, style.label,
            style.label_zh, event.name, event.name_zh, event.venue, event.venue_zh, *day,
            "…·"]  # fmt: skip


def place_badge(pdf: FPDF, d: BadgeDrawing, layout: Layout, x: float, y: float) -> None:
    """Draw `d` in its place at (x, y) on the page, turned a quarter clockwise (its top
    along the right edge) when the layout says so."""
    if not layout.rotate:
        draw_badge(pdf, d, x, y)
        return
    side = layout.badge[0]  # the place's width is the badge's height
    with pdf.rotation(-90, x + side / 2, y + side / 2):
        draw_badge(pdf, d, x, y)


def draw_badge(pdf: FPDF, d: BadgeDrawing, ox: float, oy: float) -> None:
    for item in d.items:
        if isinstance(item, Fill):
            pdf.set_fill_color(*item.color)
            pdf.rect(ox + item.x, oy + item.y, item.w, item.h, style="F")
        elif isinstance(item, TextLine):
            pdf.set_font(FAMILY, "B" if item.bold else "", item.size_pt)
            pdf.set_text_color(*item.color)
            pdf.set_xy(ox + item.x, oy + item.y)
            pdf.cell(item.w, item.h, item.text, align=_ALIGN[item.align])
        elif isinstance(item, QrCode):
            draw_qr(pdf, item, ox, oy)
        elif isinstance(item, Line):
            pdf.set_draw_color(*item.color)
            pdf.set_line_width(item.width)
            pdf.line(ox + item.x1, oy + item.y1, ox + item.x2, oy + item.y2)


_ALIGN = {"L": Align.L, "C": Align.C, "R": Align.R}


def draw_qr(pdf: FPDF, q: QrCode, ox: float, oy: float) -> None:
    """The code as one filled path of merged rectangles, in module units (compact PDF)."""
    m = q.matrix.module_mm(q.side)
    k = pdf.k
    x0 = (ox + q.x + QUIET_ZONE * m) * k
    y0 = (pdf.h - (oy + q.y + QUIET_ZONE * m)) * k
    ops = [f"q {m * k:.5f} 0 0 {-m * k:.5f} {x0:.3f} {y0:.3f} cm 0 g"]
    ops += [f"{r.x} {r.y} {r.w} {r.h} re" for r in merged_rects(q.matrix.rows)]
    ops.append("f Q")
    # fpdf2 has no public call for raw path operators; `_out` appends them to the page's
    # content stream. One `re` per rectangle in module units and one fill: 5.6 KB of
    # content a code instead of 13 KB with `pdf.rect`, drawn 3.5x faster.
    pdf._out("\n".join(ops))


def draw_crop_marks(pdf: FPDF, layout: Layout) -> None:
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(CROP_LINE_MM)
    for x1, y1, x2, y2 in layout.crop_ticks():
        pdf.line(x1, y1, x2, y2)
