"""Label stocks: the badge labels a desk prints on, each in portrait or landscape.

A stock is the label as the printer feeds it: `media` is (across the print head, along the
feed) in millimetres. A badge in the stock's own orientation fills the label as it comes
out; the other orientation is drawn turned a quarter, on the same label, so that a label
printer (whose head width is fixed) never needs a different page:

    name           label (as fed)           for
    4x3in          101.6 x 76.2 mm          Zebra ZD/GK 4-inch, Epson ColorWorks
    4x6in          101.6 x 152.4 mm         4-inch shipping-size labels, badge cards
    2.25x4in       57.15 x 101.6 mm         DYMO LabelWriter badge labels (30856 / 30857)
    62x100mm       62 x 100 mm              Brother QL, DK-22205 62 mm tape cut at 100 mm
    a6             105 x 148 mm             office printers, A6 card

A choice is named `STOCK` (its own orientation: the name says width x height as worn,
a6 is portrait) or `STOCK-portrait` / `STOCK-landscape`. Any other label is named by its
size, `WxHmm` or `WxHin` (e.g. `54x101mm`): the design then says whether a badge fits.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from kiosk.models.errors import ValidationError

INCH = 25.4
#: Labels smaller or larger than this are typing mistakes, not stock.
MIN_SIDE_MM = 10.0
MAX_SIDE_MM = 400.0


class Orientation(enum.StrEnum):
    PORTRAIT = "portrait"
    LANDSCAPE = "landscape"


@dataclass(frozen=True, slots=True)
class LabelStock:
    name: str
    media: tuple[float, float]  # (across the head, along the feed) mm
    label: str  # what it is, English
    label_zh: str

    @property
    def orientation(self) -> Orientation:
        """The orientation of a badge that fills the label as it is fed."""
        w, h = self.media
        return Orientation.PORTRAIT if h >= w else Orientation.LANDSCAPE


STOCKS: dict[str, LabelStock] = {
    s.name: s
    for s in (
        LabelStock("4x3in", (4 * INCH, 3 * INCH), "4 x 3 in label (Zebra, Epson ColorWorks)",
                   "4×3英寸标签（斑马、爱普生ColorWorks）"),
        LabelStock("4x6in", (4 * INCH, 6 * INCH), "4 x 6 in label", "4×6英寸标签"),
        LabelStock("2.25x4in", (2.25 * INCH, 4 * INCH),
                   "2¼ x 4 in badge label (DYMO 30856)", "2¼×4英寸胸卡标签（DYMO 30856）"),
        LabelStock("62x100mm", (62.0, 100.0),
                   "62 x 100 mm (Brother QL, DK-22205 cut to length)",
                   "62×100毫米（兄弟QL，DK-22205定长裁切）"),
        LabelStock("a6", (105.0, 148.0), "A6 card", "A6卡片"),
    )
}  # fmt: skip

DEFAULT_LABEL = "4x3in"

_CUSTOM = re.compile(r"^(\d{1,3}(?:\.\d{1,2})?)x(\d{1,3}(?:\.\d{1,2})?)(mm|in)$")


@dataclass(frozen=True, slots=True)
class LabelChoice:
    """A stock and the badge's orientation on it."""

    stock: LabelStock
    orientation: Orientation

    @property
    def name(self) -> str:
        """`4x3in`, `4x3in-portrait`: the stock's name alone for its own orientation."""
        if self.orientation is self.stock.orientation:
            return self.stock.name
        return f"{self.stock.name}-{self.orientation.value}"

    @property
    def media(self) -> tuple[float, float]:
        """The page sent to the printer (the label as fed), mm."""
        return self.stock.media

    @property
    def rotated(self) -> bool:
        """True when the badge is drawn turned a quarter on the label."""
        return self.orientation is not self.stock.orientation

    @property
    def badge(self) -> tuple[float, float]:
        """The badge as worn (width, height) mm."""
        w, h = self.stock.media
        return (h, w) if self.rotated else (w, h)

    def describe(self) -> tuple[str, str]:
        """(English, Chinese) for pickers and messages."""
        w, h = self.badge
        zh = "竖版" if self.orientation is Orientation.PORTRAIT else "横版"
        return (
            f"{self.stock.label}, {self.orientation.value} ({w:g} x {h:g} mm)",
            f"{self.stock.label_zh}，{zh}（{w:g}×{h:g}毫米）",
        )


def label_choices() -> list[LabelChoice]:
    """Every stock in both orientations, its own orientation first."""
    out: list[LabelChoice] = []
    for stock in STOCKS.values():
        other = (
            Orientation.LANDSCAPE
            if stock.orientation is Orientation.PORTRAIT
            else Orientation.PORTRAIT
        )
        out += [LabelChoice(stock, stock.orientation), LabelChoice(stock, other)]
    return out


LABEL_NAMES: tuple[str, ...] = tuple(c.name for c in label_choices())


def parse_label(name: str) -> LabelChoice:
    """`4x3in`, `4x3in-portrait`, `a6-landscape`, or a size `54x101mm[-landscape]`."""
    text = name.strip().lower()
    base, _, turn = text.partition("-")
    orientation: Orientation | None = None
    if turn:
        try:
            orientation = Orientation(turn)
        except ValueError:
            raise _unknown(name) from None
    stock = STOCKS.get(base) or _custom(base)
    if stock is None:
        raise _unknown(name)
    return LabelChoice(stock, orientation or stock.orientation)


def _custom(text: str) -> LabelStock | None:
    m = _CUSTOM.match(text)
    if m is None:
        return None
    k = INCH if m.group(3) == "in" else 1.0
    w, h = float(m.group(1)) * k, float(m.group(2)) * k
    for side in (w, h):
        if not MIN_SIDE_MM <= side <= MAX_SIDE_MM:
            raise ValidationError(
                f"label {text!r}: each side must be {MIN_SIDE_MM:g} to {MAX_SIDE_MM:g} mm"
            )
    return LabelStock(text, (w, h), f"{w:g} x {h:g} mm label", f"{w:g}×{h:g}毫米标签")


def _unknown(name: str) -> ValidationError:
    known = ", ".join(LABEL_NAMES)
    return ValidationError(
        f"unknown label {name!r}: choose one of {known}, or a size such as 54x101mm"
    )
