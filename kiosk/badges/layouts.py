"""Badge layouts: page size, badge size and where each badge sits, in millimetres.

One badge a page on a label stock (`kiosk.badges.stocks`: `4x3in`, `62x100mm-landscape`, a
size such as `54x101mm` …), or sheets of several with crop marks (`a4-4up`, `letter-6up`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.badges.stocks import LABEL_NAMES, LabelChoice, parse_label
from kiosk.models.errors import ValidationError

INCH = 25.4
A6 = (105.0, 148.0)
CARD_4X3 = (4 * INCH, 3 * INCH)  # landscape: 101.6 x 76.2 mm
A4 = (210.0, 297.0)
LETTER = (8.5 * INCH, 11 * INCH)

#: Crop marks: a gap from the trim line, then a tick this long (outside the badges).
CROP_GAP = 1.5
CROP_LEN = 4.0


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    page: tuple[float, float]  # width, height
    badge: tuple[float, float]  # width, height of a badge's place on the page
    columns: int = 1
    rows: int = 1
    crop_marks: bool = False
    rotate: bool = False  # one badge turned a quarter on its page (a label fed the other way)

    @property
    def worn(self) -> tuple[float, float]:
        """The badge as worn (width, height): its place on the page, turned if `rotate`."""
        w, h = self.badge
        return (h, w) if self.rotate else (w, h)

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def origin(self) -> tuple[float, float]:
        """Top-left corner of the grid: centred on the page, badges abutting (shared cuts)."""
        (pw, ph), (bw, bh) = self.page, self.badge
        return (pw - self.columns * bw) / 2, (ph - self.rows * bh) / 2

    def slot(self, index: int) -> tuple[float, float]:
        """Top-left corner of the badge at `index` (0-based, row by row) on its page."""
        i = index % self.per_page
        ox, oy = self.origin
        bw, bh = self.badge
        return ox + (i % self.columns) * bw, oy + (i // self.columns) * bh

    def cut_lines(self) -> tuple[list[float], list[float]]:
        """x positions of vertical cuts and y positions of horizontal cuts."""
        ox, oy = self.origin
        bw, bh = self.badge
        xs = [ox + c * bw for c in range(self.columns + 1)]
        ys = [oy + r * bh for r in range(self.rows + 1)]
        return xs, ys

    def crop_ticks(self) -> list[tuple[float, float, float, float]]:
        """Crop-mark line segments (x1, y1, x2, y2) along every cut line.

        A tick sits in the page margin, CROP_GAP off the grid. Where the margin is too
        narrow for that (four A6 fill an A4 sheet but for 0.5 mm), the tick runs from the
        page edge inward exactly on the cut line, over the badges' empty outer margin:
        the blade cuts it away.
        """
        if not self.crop_marks:
            return []
        xs, ys = self.cut_lines()
        pw, ph = self.page
        ticks: list[tuple[float, float, float, float]] = []
        for x in xs:
            a, b = _tick_span(ys[0], ys[-1], ph)
            ticks += [(x, a[0], x, a[1]), (x, b[0], x, b[1])]
        for y in ys:
            a, b = _tick_span(xs[0], xs[-1], pw)
            ticks += [(a[0], y, a[1], y), (b[0], y, b[1], y)]
        return ticks


def _tick_span(
    low: float, high: float, page: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The two tick spans (before `low`, after `high`) along one axis of the page."""
    need = CROP_GAP + CROP_LEN
    before = (low - need, low - CROP_GAP) if low >= need else (0.0, CROP_LEN)
    margin_after = page - high
    after = (high + CROP_GAP, high + need) if margin_after >= need else (page - CROP_LEN, page)
    return before, after


def label_layout(choice: LabelChoice) -> Layout:
    """One badge a page on a label: the page is the label as fed."""
    return Layout(choice.name, choice.media, choice.media, rotate=choice.rotated)


SHEETS: dict[str, Layout] = {
    "a4-4up": Layout("a4-4up", A4, A6, columns=2, rows=2, crop_marks=True),
    "letter-6up": Layout("letter-6up", LETTER, CARD_4X3, columns=2, rows=3, crop_marks=True),
}
LAYOUTS: dict[str, Layout] = {
    **{name: label_layout(parse_label(name)) for name in LABEL_NAMES},
    **SHEETS,
}


def get_layout(name: str) -> Layout:
    """A layout by name: a sheet, a label stock (either orientation) or a label size."""
    if name in LAYOUTS:
        return LAYOUTS[name]
    try:
        return label_layout(parse_label(name))
    except ValidationError:
        known = ", ".join(LAYOUTS)
        raise ValidationError(
            f"unknown badge layout {name!r} (choose one of {known}, or a label size "
            "such as 54x101mm)"
        ) from None
