"""fpdf2 documents with the shipped CJK font, and writing a PDF without partial files.

Shared by the badge sheets and the attendance report. Registering the two Noto Sans SC
fonts costs ~0.4 s per document (fontTools parses 13 MB each); fpdf2 embeds only the
glyphs used (a subset), so a badge sheet stays small.

A badge printed at the desk cannot wait for that (and for the ~1 s fontTools takes to cut
a subset out of the whole font): badges whose text is all in the badge font (GB 2312, that
is every common Chinese character, Latin, punctuation; `scripts/make_badge_font.py` makes
it from the shipped fonts, same glyphs, same widths) are drawn with it in ~0.1 s. Any other
text (a rare character in a name) takes the whole font: slower, never a missing glyph.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path

from fpdf import FPDF

from kiosk.models.errors import KioskError
from kiosk.models.event import RESOURCES

FONT_DIR = RESOURCES / "fonts"
FONT_FILES = {"": FONT_DIR / "NotoSansSC-Regular.otf", "B": FONT_DIR / "NotoSansSC-Bold.otf"}
#: The same fonts cut to GB 2312 + Latin (and without subroutines): quick to subset.
BADGE_FONT_FILES = {
    "": FONT_DIR / "badge" / "NotoSansSC-Badge-Regular.otf",
    "B": FONT_DIR / "badge" / "NotoSansSC-Badge-Bold.otf",
}
FAMILY = "NotoSansSC"

#: (done, total): called while a long document is drawn.
Progress = Callable[[int, int], None]


class FontMissingError(KioskError):
    """A shipped font file is missing or unreadable."""


def new_pdf(
    page_mm: tuple[float, float],
    title: str,
    auto_break: bool = False,
    factory: type[FPDF] = FPDF,
    fonts: Mapping[str, Path] = FONT_FILES,
) -> FPDF:
    """A millimetre document of `page_mm` (width, height) pages, fonts registered
    (`fonts`: FONT_FILES, or BADGE_FONT_FILES for text that `badge_font_covers`)."""
    width, height = page_mm
    pdf = factory(unit="mm", format=(width, height))
    pdf.set_auto_page_break(auto_break, margin=12)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(title)
    pdf.set_creator("Forum Check-in")
    pdf.set_lang("en")
    for style, path in fonts.items():
        try:
            pdf.add_font(FAMILY, style, str(path))
        except (OSError, RuntimeError, ValueError) as exc:
            raise FontMissingError(
                f"{path}: cannot load the shipped CJK font ({exc}); reinstall Forum Check-in"
            ) from None
    pdf.set_font(FAMILY, "", 10)
    # fontTools reads the font files lazily and never closes them: close them with the
    # document (or after its output), not at some garbage collection later.
    weakref.finalize(pdf, _close_fonts, [getattr(f, "ttfont", None) for f in pdf.fonts.values()])
    return pdf


def fonts_for(texts: Iterable[str]) -> Mapping[str, Path]:
    """The badge font when it has every character of `texts`, else the whole font."""
    return BADGE_FONT_FILES if badge_font_covers(texts) else FONT_FILES


def badge_font_covers(texts: Iterable[str]) -> bool:
    chars = _badge_font_chars()
    return all(ord(c) in chars for text in texts for c in text if not c.isspace())


@functools.cache
def _badge_font_chars() -> frozenset[int]:
    """The characters both badge fonts have (empty when they are missing: whole font)."""
    from fontTools.ttLib import TTFont

    have: frozenset[int] | None = None
    for path in BADGE_FONT_FILES.values():
        try:
            with TTFont(str(path), lazy=True) as font:
                cmap = frozenset(font.getBestCmap())
        except (OSError, KeyError, ValueError):
            return frozenset()
        have = cmap if have is None else have & cmap
    return have or frozenset()


def _close_fonts(fonts: list[object]) -> None:
    for font in fonts:
        close = getattr(font, "close", None)
        if close is not None:
            close()


def pdf_bytes(pdf: FPDF) -> bytes:
    data = bytes(pdf.output())
    _close_fonts([getattr(f, "ttfont", None) for f in pdf.fonts.values()])
    return data


def long_date(day: date) -> tuple[str, str]:
    """('4 November 2024', '2024年11月4日')."""
    month = _MONTHS[day.month - 1]
    return f"{day.day} {month} {day.year}", f"{day.year}年{day.month}月{day.day}日"


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
