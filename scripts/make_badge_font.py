"""Build the badge fonts (resources/fonts/badge/) from the shipped Noto Sans SC (OFL-1.1).

A badge printed at the desk is a PDF of its own, and fpdf2 cuts a subset out of the font
for every document: out of the whole 13 MB font that takes about a second, out of these
small fonts about 0.05 s. They keep the glyphs (and advance widths) of the shipped fonts
for Latin, punctuation, CJK symbols, full-width forms and every character of GB 2312
(6,763 hanzi: the common set of Simplified Chinese), without subroutines (subsetting a
desubroutinized CFF font does not walk the whole font's subroutines). Text with any other
character is printed with the whole font (kiosk.badges.pdfdoc.fonts_for).

Run by a maintainer after the shipped fonts change: `.venv/bin/python scripts/make_badge_font.py`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "resources" / "fonts"
RANGES = [
    (0x0020, 0x024F),  # Latin, Latin-1, Latin Extended A/B
    (0x02B0, 0x036F),  # spacing modifiers, combining marks (pinyin tones)
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20CF),  # currency
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # full-width forms
]


def characters() -> list[int]:
    chars = {c for a, b in RANGES for c in range(a, b + 1)}
    for row in range(0xA1, 0xF8):  # every GB 2312 row: symbols, then hanzi levels 1 and 2
        for col in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes([row, col]).decode("gb2312")))
    return sorted(chars)


def build(src: Path, out: Path) -> None:
    font = TTFont(str(src))
    opts = subset.Options()
    opts.desubroutinize = True
    opts.notdef_outline = True
    opts.recommended_glyphs = True
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.drop_tables += ["DSIG", "GSUB", "GPOS", "GDEF", "VORG", "vhea", "vmtx"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=characters())
    sub.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    print(out, out.stat().st_size // 1024, "KiB")


if __name__ == "__main__":
    for weight in ("Regular", "Bold"):
        build(
            FONTS / f"NotoSansSC-{weight}.otf", FONTS / "badge" / f"NotoSansSC-Badge-{weight}.otf"
        )
