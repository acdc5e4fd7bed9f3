"""Does a window's layout fit? Visible widgets that overlap, labels whose text does not
fit their rectangle, widgets cut by an ancestor: what a person would see as clipped."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabBar,
    QWidget,
)

LEAVES = (QLabel, QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QTabBar)


def shown(root: QWidget) -> list[QWidget]:
    """The visible widgets people read or press (labels with text, buttons, fields, lists),
    not those inside a scroll area's viewport (they scroll) or a list's own parts."""
    out = []
    for w in root.findChildren(QWidget):
        if not isinstance(w, LEAVES) or not w.isVisible() or w.width() <= 0 or w.height() <= 0:
            continue
        if isinstance(w, QLabel) and not w.text() and w.pixmap().isNull():
            continue
        if any(isinstance(a, QAbstractScrollArea) for a in ancestors(w, root)):
            continue
        out.append(w)
    return out


def ancestors(w: QWidget, root: QWidget) -> Iterable[QWidget]:
    p = w.parentWidget()
    while p is not None and p is not root:
        yield p
        p = p.parentWidget()


def rect_in(w: QWidget, root: QWidget) -> QRect:
    return QRect(w.mapTo(root, QPoint(0, 0)), w.size())


def visible_rect(w: QWidget, root: QWidget) -> QRect:
    r = rect_in(w, root)
    for a in ancestors(w, root):
        r = r.intersected(rect_in(a, root))
    return r.intersected(root.rect())


def overlaps(root: QWidget) -> list[str]:
    ws = shown(root)
    out = []
    for i, a in enumerate(ws):
        ra = rect_in(a, root)
        for b in ws[i + 1 :]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            both = ra.intersected(rect_in(b, root))
            if both.width() > 1 and both.height() > 1:
                out.append(f"{name(a)} {ra.getRect()} overlaps {name(b)} "
                           f"{rect_in(b, root).getRect()}")  # fmt: skip
    return out


def clipped(root: QWidget) -> list[str]:
    """Widgets cut by an ancestor or the window, and labels whose text is larger than them."""
    out = []
    for w in shown(root):
        full, seen = rect_in(w, root), visible_rect(w, root)
        if seen.width() < full.width() - 1 or seen.height() < full.height() - 1:
            out.append(f"{name(w)} {full.getRect()} cut to {seen.getRect()}")
        elif isinstance(w, QLabel) and not fits(w):
            out.append(f"{name(w)} {full.getRect()}: text does not fit: {w.text()[:60]!r}")
    return out


def fits(label: QLabel) -> bool:
    if label.textFormat() == Qt.TextFormat.RichText or "<" in label.text():
        return True  # rich text lays itself out (links, bold runs): not measured here
    if getattr(label, "full_text", None) is not None:
        return True  # an elided label shows "…" on purpose
    r = label.contentsRect()
    m = label.margin() * 2
    width, height = r.width() - m, r.height() - m
    fm = QFontMetrics(label.font())
    if label.wordWrap():
        need = fm.boundingRect(QRect(0, 0, max(1, width), 100000),
                               int(Qt.TextFlag.TextWordWrap), label.text())  # fmt: skip
        return need.width() <= width + 1 and need.height() <= height + 1
    lines = label.text().split("\n")
    wide = max(fm.horizontalAdvance(x) for x in lines)
    return wide <= width + 1 and fm.height() * len(lines) <= height + 1


def name(w: QWidget) -> str:
    text = w.text()[:30] if isinstance(w, QLabel | QAbstractButton) else ""  # type: ignore[union-attr]
    return f"{type(w).__name__}#{w.objectName()}({text!r})"


def problems(root: QWidget) -> list[str]:
    return overlaps(root) + clipped(root)
