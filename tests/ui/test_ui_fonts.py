"""Chinese must render with real glyphs on a machine without any system CJK font."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontInfo, QImage, QPainter
from PySide6.QtWidgets import QLabel

from ui.app.fonts import apply_app_font, covers, load_cjk_fonts


def render(text: str, font: QFont) -> np.ndarray:
    img = QImage(480, 80, QImage.Format.Format_Grayscale8)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setFont(font)
    p.setPen(QColor("black"))
    p.drawText(img.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
    p.end()
    ptr = img.constBits()
    return (
        np.frombuffer(ptr, np.uint8)
        .reshape(img.height(), img.bytesPerLine())[:, : img.width()]
        .copy()
    )


def test_shipped_font_covers_the_interface_text(qapp: Any) -> None:
    families = load_cjk_fonts()
    assert any("CJK SC" in f or "Noto Sans SC" in f for f in families)
    font = QFont(families[0], 24)
    assert covers(font, "请出示您的胸卡二维码 签到成功 欧阳建华 二层大宴会厅")
    assert "" not in QFontDatabase.families()


def test_chinese_renders_as_glyphs_not_boxes(qapp: Any) -> None:
    app_font = apply_app_font(qapp)
    font = QFont(app_font)
    font.setPointSize(28)
    a = render("签到成功", font)
    b = render("欢迎参会", font)
    box = render("\ue000\ue001\ue002\ue003", font)  # private-use code points: no glyph
    ink_a = (a < 128).sum()
    assert ink_a > 400, "nothing was drawn"
    # Missing glyphs draw identical boxes: two different strings would look the same.
    assert (a != b).sum() > 800
    assert (a != box).sum() > 800


def test_widgets_fall_back_to_the_cjk_font(qtbot: Any, qapp: Any) -> None:
    apply_app_font(qapp)
    label = QLabel("论坛签到")
    qtbot.addWidget(label)
    info = QFontInfo(label.font())
    families = load_cjk_fonts()
    # The application font lists the shipped CJK family as its fallback.
    assert any(f in label.font().families() for f in families) or info.family() in families
    img1 = label.grab().toImage()
    label.setText("胸卡无效")
    img2 = label.grab().toImage()
    assert img1 != img2
