"""Build the shipped CJK font subset from Debian's fonts-noto-cjk (OFL-1.1).

Run once by a maintainer (`apt-get install fonts-noto-cjk`, then this script); the
result lives in resources/fonts/ so that a fresh machine needs no CJK font.
Keeps Latin, punctuation, CJK symbols, full-width forms and the whole CJK Unified
Ideographs block (every character of GB18030's common set, rare surnames included).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

RANGES = [
    (0x0020, 0x024F),  # Latin, Latin-1, Latin Extended A/B (pinyin tones, European names)
    (0x02B0, 0x02FF),
    (0x0300, 0x036F),
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20CF),
    (0x2100, 0x218F),
    (0x2190, 0x21FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x25FF),
    (0x2600, 0x26FF),
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3100, 0x312F),  # bopomofo
    (0x3400, 0x4DBF),  # CJK extension A (rare name characters)
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),  # full-width forms
]


def build(ttc: Path, out: Path) -> None:
    coll = TTCollection(str(ttc))
    font = next(f for f in coll.fonts if "SC" in f["name"].getDebugName(1))
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.drop_tables += ["DSIG"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[c for a, b in RANGES for c in range(a, b + 1)])
    sub.subset(font)
    font.save(str(out))
    print(out, out.stat().st_size // 1024, "KiB")


if __name__ == "__main__":
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto")
    dst = Path(__file__).resolve().parent.parent / "resources" / "fonts"
    build(src / "NotoSansCJK-Regular.ttc", dst / "NotoSansSC-Regular.otf")
    build(src / "NotoSansCJK-Bold.ttc", dst / "NotoSansSC-Bold.otf")
