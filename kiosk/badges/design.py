"""The badge design as a display list: filled boxes, text lines, a QR code, lines (mm).

Composed once, drawn by two back ends: fpdf2 (`kiosk.badges.render`, badge sheets) and
QPainter (`ui.desk.printing`, one badge on a system printer). Text is fitted here, with the
metrics of the shipped font, so both back ends lay out the same lines at the same sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from pypinyin import Style, lazy_pinyin

from kiosk.badges.pdfdoc import long_date
from kiosk.badges.qrvector import MIN_MODULE_MM, PRINT_EC, QUIET_ZONE, QrMatrix, qr_matrix
from kiosk.models.errors import ValidationError
from kiosk.models.event import Event
from kiosk.models.names import is_cjk
from kiosk.models.records import Attendee, Category

RGB = tuple[int, int, int]
BLACK: RGB = (0, 0, 0)
INK: RGB = (33, 33, 33)
GREY: RGB = (96, 96, 96)
WHITE: RGB = (255, 255, 255)


@dataclass(frozen=True, slots=True)
class CategoryStyle:
    label: str
    label_zh: str
    color: RGB


CATEGORY_STYLES: dict[str, CategoryStyle] = {  # by Category (a str)
    Category.VIP: CategoryStyle("VIP", "贵宾", (176, 124, 0)),
    Category.SPEAKER: CategoryStyle("SPEAKER", "演讲嘉宾", (183, 28, 28)),
    Category.PRESS: CategoryStyle("PRESS", "媒体", (106, 27, 154)),
    Category.EXHIBITOR: CategoryStyle("EXHIBITOR", "展商", (46, 125, 50)),
    Category.STAFF: CategoryStyle("STAFF", "工作人员", (55, 71, 79)),
    Category.DELEGATE: CategoryStyle("DELEGATE", "代表", (21, 101, 192)),
    Category.GUEST: CategoryStyle("GUEST", "嘉宾", (0, 131, 143)),
}


def category_style(category: str) -> CategoryStyle:
    key = category.strip().lower()
    return CATEGORY_STYLES.get(key) or CategoryStyle(key.upper() or "GUEST", "", (97, 97, 97))


@dataclass(frozen=True, slots=True)
class Fill:
    x: float
    y: float
    w: float
    h: float
    color: RGB


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of text, vertically centred in the box (x, y, w, h)."""

    x: float
    y: float
    w: float
    h: float
    text: str
    size_pt: float
    bold: bool = False
    align: str = "C"  # L, C or R
    color: RGB = INK


@dataclass(frozen=True, slots=True)
class QrCode:
    """A QR code drawn in the square (x, y, side), quiet zone included."""

    x: float
    y: float
    side: float
    matrix: QrMatrix


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.2
    color: RGB = BLACK


Primitive = Fill | TextLine | QrCode | Line


@dataclass(frozen=True, slots=True)
class BadgeData:
    attendee: Attendee
    code: str  # the attendee's current badge code


@dataclass(frozen=True, slots=True)
class BadgeDrawing:
    width: float
    height: float
    items: tuple[Primitive, ...]
    attendee_id: str
    code: str

    @property
    def qr(self) -> QrCode:
        return next(i for i in self.items if isinstance(i, QrCode))

    @property
    def module_mm(self) -> float:
        q = self.qr
        return q.matrix.module_mm(q.side)


class TextMeasure(Protocol):
    def width(self, text: str, bold: bool, size_pt: float) -> float:
        """Width in mm of `text` in the shipped font at `size_pt`."""
        ...


PT = 25.4 / 72  # one point in mm
PORTRAIT_QR_MM = 48.0  # QR side, quiet zone included, on a portrait (A6) badge
LANDSCAPE_QR_MM = 38.0  # on a landscape (4 x 3 in) badge
#: The badges the design was drawn for; other sizes scale from these (text, bands, code).
PORTRAIT_REF = (105.0, 148.0)  # A6
LANDSCAPE_REF = (101.6, 76.2)  # 4 x 3 in
MIN_HEADER_PT = 5.0
#: Room the names need at least: height beside nothing (portrait), width beside the code.
MIN_NAMES_MM = 10.0
MIN_TEXT_COLUMN_MM = 30.0


class LabelTooSmall(ValidationError):
    """The badge does not fit this label: the QR code would print under the smallest
    module (MIN_MODULE_MM), or leave no room for the names. Bilingual (`en`, `zh`)."""

    def __init__(self, size: tuple[float, float], qr_mm: float) -> None:
        w, h = size
        self.size = size
        #: What exactly (English, Chinese), for a message that already says "too small".
        self.detail = (
            f"a {w:g} x {h:g} mm badge cannot hold its QR code ({qr_mm:.1f} mm at "
            f"{MIN_MODULE_MM} mm a module) and the names beside it",
            f"{w:g}×{h:g}毫米的胸卡放不下二维码（每个模块{MIN_MODULE_MM}毫米时需"
            f"{qr_mm:.1f}毫米）和姓名",
        )
        self.en = f"The label is too small for a badge: {self.detail[0]}"
        self.zh = f"标签太小，放不下胸卡：{self.detail[1]}"
        super().__init__(f"{self.en} · {self.zh}")


@dataclass(frozen=True, slots=True)
class Frame:
    """Where the parts of a badge of one size go (mm; pt for `header_pt`)."""

    portrait: bool
    scale: float  # against PORTRAIT_REF / LANDSCAPE_REF
    margin: float
    band_h: float
    header_top: float
    header_pt: float
    qr_side: float


def frame(size: tuple[float, float], modules: int) -> Frame:
    """The layout of a badge of `size` whose code is `modules` wide (quiet zone included);
    LabelTooSmall when the code cannot keep MIN_MODULE_MM or the names get no room."""
    w, h = size
    portrait = h >= w
    min_qr = modules * MIN_MODULE_MM
    if portrait:
        s = min(w / PORTRAIT_REF[0], h / PORTRAIT_REF[1])
        f = Frame(True, s, 6.0 * s, 16.0 * s, 6.0 * s, max(8.5 * s, MIN_HEADER_PT),
                  max(PORTRAIT_QR_MM * s, min_qr))  # fmt: skip
        names_top = f.header_top + _header_height(f.header_pt) + 4.0 * s
        qr_top = h - f.band_h - 1.5 * s - f.qr_side
        fits = f.qr_side <= w - 2.0 and qr_top - 1.0 * s - names_top >= MIN_NAMES_MM
    else:
        s = min(w / LANDSCAPE_REF[0], h / LANDSCAPE_REF[1])
        f = Frame(False, s, 5.0 * s, 11.0 * s, 3.5 * s, max(7.0 * s, MIN_HEADER_PT),
                  max(LANDSCAPE_QR_MM * s, min_qr))  # fmt: skip
        top = f.header_top + _header_height(f.header_pt) + 1.6 * s
        column = w - 1.5 * s - f.qr_side - f.margin - 1.0 * s
        fits = h - f.band_h - top >= f.qr_side and column >= MIN_TEXT_COLUMN_MM
    if not fits:
        raise LabelTooSmall(size, min_qr)
    return f


def _header_height(big_pt: float) -> float:
    """The most the header's three lines (event name twice, date and venue) can take."""
    return (2 * big_pt + 0.8 * big_pt) * PT * 1.3


def qr_side_mm(size: tuple[float, float], matrix: QrMatrix) -> float:
    """The QR code's side (quiet zone included) on a badge of `size`."""
    return frame(size, matrix.size + 2 * QUIET_ZONE).qr_side


def compose(
    data: BadgeData, event: Event, size: tuple[float, float], m: TextMeasure
) -> BadgeDrawing:
    """The badge for `data` on a badge of `size` (width, height) mm, as worn.

    Sizes other than A6 (portrait) and 4 x 3 in (landscape) scale from those; the code
    never prints under MIN_MODULE_MM (LabelTooSmall when the label cannot hold it)."""
    w, h = size
    matrix = qr_matrix(data.code, PRINT_EC)
    f = frame(size, matrix.size + 2 * QUIET_ZONE)
    if f.portrait:
        items = _portrait(data, event, w, h, m, f, matrix)
    else:
        items = _landscape(data, event, w, h, m, f, matrix)
    return BadgeDrawing(w, h, tuple(items), data.attendee.attendee_id, data.code)


def _portrait(d: BadgeData, ev: Event, w: float, h: float, m: TextMeasure, f: Frame,
              matrix: QrMatrix) -> list[Primitive]:  # fmt: skip
    s, margin, band_h, qr_side = f.scale, f.margin, f.band_h, f.qr_side
    inner = w - 2 * margin
    items: list[Primitive] = []
    y = _header(items, ev, margin, f.header_top, inner, m, big=f.header_pt)
    style = category_style(d.attendee.category)
    items.append(Fill(margin, y + 1.0 * s, inner, 0.8 * s, style.color))
    qr_top = h - band_h - 1.5 * s - qr_side
    _people(items, d.attendee, margin, y + 4.0 * s, inner, qr_top - 1.0 * s, m,
            name_pt=32.0 * s)  # fmt: skip
    items.append(QrCode((w - qr_side) / 2, qr_top, qr_side, matrix))
    _band(items, style, 0.0, h - band_h, w, band_h, m, 17.0 * s)
    return items


def _landscape(d: BadgeData, ev: Event, w: float, h: float, m: TextMeasure, f: Frame,
               matrix: QrMatrix) -> list[Primitive]:  # fmt: skip
    s, margin, band_h, qr_side = f.scale, f.margin, f.band_h, f.qr_side
    items: list[Primitive] = []
    y = _header(items, ev, margin, f.header_top, w - 2 * margin, m, big=f.header_pt)
    style = category_style(d.attendee.category)
    items.append(Fill(margin, y + 0.6 * s, w - 2 * margin, 0.6 * s, style.color))
    qr_x = w - 1.5 * s - qr_side
    top = y + 1.6 * s
    band_y = h - band_h
    qr_y = top + (band_y - top - qr_side) / 2
    _people(
        items, d.attendee, margin, top + 1.0 * s, qr_x - margin - 1.0 * s, band_y - 1.0 * s, m,
        name_pt=21.0 * s,
    )  # fmt: skip
    items.append(QrCode(qr_x, qr_y, qr_side, matrix))
    _band(items, style, 0.0, band_y, w, band_h, m, 13.0 * s)
    return items


def _header(
    items: list[Primitive], ev: Event, x: float, y: float, w: float, m: TextMeasure, big: float
) -> float:
    """Event name (English, Chinese) and date/venue; returns the y below it."""
    day_en, day_zh = long_date(ev.day)
    lines: list[tuple[str, float, bool, RGB]] = [
        (ev.name, big, True, INK),
        (ev.name_zh, big, True, INK),
        (_join(day_en, day_zh, ev.venue_zh or ev.venue), big * 0.8, False, GREY),
    ]
    for text, pt, bold, color in lines:
        if not text:
            continue
        size, fitted = fit_text(m, text, bold, w, pt, pt * 0.6, 1)
        lh = size * PT * 1.3
        items.append(TextLine(x, y, w, lh, fitted[0], size, bold, "C", color))
        y += lh
    return y


def _people(
    items: list[Primitive],
    a: Attendee,
    x: float,
    top: float,
    w: float,
    bottom: float,
    m: TextMeasure,
    name_pt: float,
) -> None:
    """Names (both large), organization and title, centred vertically in [top, bottom]."""
    block: list[TextLine] = []
    y = 0.0

    def add(text: str, pt: float, bold: bool, lines: int, color: RGB = INK) -> None:
        nonlocal y
        if not text.strip():
            return
        size, fitted = fit_text(m, text.strip(), bold, w, pt, pt * 0.4, lines)
        lh = size * PT * 1.25
        for line in fitted:
            block.append(TextLine(x, y, w, lh, line, size, bold, "C", color))
            y += lh

    for name in names_in_order(a):
        add(name, name_pt, True, 2)
    y += 1.5
    add(a.organization, name_pt * 0.42, False, 2)
    add(a.organization_zh, name_pt * 0.42, False, 2)
    add(a.title, name_pt * 0.36, False, 2, GREY)
    space = bottom - top
    shift = top + max(0.0, (space - y) / 2) if y <= space else top
    scale = 1.0 if y <= space else space / y
    for t in block:
        y_at, size = shift + t.y * scale, t.size_pt * scale
        items.append(TextLine(t.x, y_at, t.w, t.h * scale, t.text, size, t.bold, t.align, t.color))


def _band(
    items: list[Primitive], style: CategoryStyle, x: float, y: float, w: float, h: float,
    m: TextMeasure, pt: float,
) -> None:  # fmt: skip
    items.append(Fill(x, y, w, h, style.color))
    label = f"{style.label}  {style.label_zh}".strip()
    size, fitted = fit_text(m, label, True, w - 8, pt, pt * 0.5, 1)
    items.append(TextLine(x + 4, y, w - 8, h, fitted[0], size, True, "C", WHITE))


def _join(*parts: str) -> str:
    return "  ·  ".join(p for p in parts if p)


def names_in_order(a: Attendee) -> list[str]:
    """Both names; the Chinese one first when the English one is its pinyin (张伟 / Zhang Wei)."""
    names = [n for n in (a.name.strip(), a.name_zh.strip()) if n]
    if len(names) == 2 and _is_pinyin_of(names[0], names[1]):
        names.reverse()
    return names


def _is_pinyin_of(latin: str, hanzi: str) -> bool:
    chars = "".join(c for c in hanzi if is_cjk(c))
    if not chars:
        return False
    spelled = "".join(lazy_pinyin(chars, style=Style.NORMAL, errors="ignore"))
    letters = "".join(c for c in latin.lower() if c.isalpha())
    return sorted(spelled) == sorted(letters)


# -- fitting text -------------------------------------------------------------------------
def fit_text(
    m: TextMeasure, text: str, bold: bool, width: float, max_pt: float, min_pt: float, lines: int
) -> tuple[float, list[str]]:
    """The largest size (max_pt down to min_pt) at which `text` fits in `lines` lines of
    `width`; at min_pt what does not fit is cut with an ellipsis."""
    size = max_pt
    while size >= min_pt:
        wrapped = wrap(m, text, bold, size, width, lines)
        if wrapped is not None:
            return size, wrapped
        size = round(size - max(0.5, size * 0.06), 2)
    return min_pt, _truncated(m, text, bold, min_pt, width, lines)


def _units(text: str) -> list[str]:
    """Breakable units: Latin words (with their trailing space or hyphen) and single CJK
    characters."""
    units: list[str] = []
    word = ""
    for ch in text:
        if is_cjk(ch):
            if word:
                units.append(word)
                word = ""
            units.append(ch)
        elif ch == " ":
            units.append(word + " ")
            word = ""
        elif ch == "-" and word:  # a break after a hyphen: Featherstonehaugh-|Montgomery
            units.append(word + ch)
            word = ""
        else:
            word += ch
    if word:
        units.append(word)
    return [u for u in units if u.strip()]


def wrap(
    m: TextMeasure, text: str, bold: bool, size: float, width: float, max_lines: int
) -> list[str] | None:
    """Greedy line breaking; None if it needs more than `max_lines` lines."""
    if m.width(text, bold, size) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for unit in _units(text):
        trial = current + unit
        if current and m.width(trial.rstrip(), bold, size) > width:
            lines.append(current.rstrip())
            current = unit
        else:
            current = trial
        if m.width(current.rstrip(), bold, size) > width or len(lines) >= max_lines:
            return None
    if current.strip():
        lines.append(current.rstrip())
    return lines if len(lines) <= max_lines else None


def _truncated(
    m: TextMeasure, text: str, bold: bool, size: float, width: float, max_lines: int
) -> list[str]:
    """Greedy lines at `size`, a unit wider than a line cut where it overflows; what does
    not fit in `max_lines` is dropped and the last line ends with an ellipsis."""
    lines: list[str] = []
    current = ""
    for unit in _units(text):
        while unit:
            trial = current + unit
            if m.width(trial.rstrip(), bold, size) <= width:
                current, unit = trial, ""
            elif current:
                lines.append(current.rstrip())
                current = ""
            else:  # a single unit wider than the line
                cut = len(unit)
                while cut > 1 and m.width(unit[:cut], bold, size) > width:
                    cut -= 1
                lines.append(unit[:cut])
                unit = unit[cut:]
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and m.width(last + "…", bold, size) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return kept
