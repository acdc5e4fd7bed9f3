"""The shipped CJK font: a fresh machine has none, so Chinese would render as boxes."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from ui.app.paths import FONTS

log = logging.getLogger(__name__)
FONT_FILES = ("NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf")
_loaded: list[str] = []


def load_cjk_fonts() -> list[str]:
    """Register the shipped Noto Sans SC faces (once per process); return their families."""
    if _loaded:
        return list(_loaded)
    for name in FONT_FILES:
        path = FONTS / name
        fid = QFontDatabase.addApplicationFont(str(path))
        if fid < 0:
            log.error("cannot load font %s: Chinese text may show as boxes", path)
            continue
        for fam in QFontDatabase.applicationFontFamilies(fid):
            if fam not in _loaded:
                _loaded.append(fam)
    return list(_loaded)


def apply_app_font(app: QApplication, point_size: int = 11) -> QFont:
    """Make the CJK family the fallback of the application font so both scripts render."""
    families = load_cjk_fonts()
    font = QFont(app.font())
    base = font.family()
    font.setFamilies([base, *families] if base not in families else families)
    font.setPointSize(point_size)
    app.setFont(font)
    return font


def covers(font: QFont, text: str) -> bool:
    """True when every character of `text` has a glyph in `font` or its fallbacks."""
    fm = QFontMetrics(font)
    return all(fm.inFontUcs4(ord(ch)) for ch in text if not ch.isspace())
