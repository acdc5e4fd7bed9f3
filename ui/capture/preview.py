"""The live camera preview: paints the latest frame and outlines detected codes."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

OUTLINE_MS = 400  # how long an outline stays after its frame


class PreviewWidget(QWidget):
    frame_shown = Signal()

    def __init__(self, mirror: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Preview")
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.mirror = mirror
        self.image: QImage | None = None
        self.quads: list[list[tuple[float, float]]] = []
        self._quads_at = 0.0
        self.message = ""
        self.hold_outline = False  # keep the outline (screenshots)
        self.frames = 0
        self._times: deque[float] = deque(maxlen=60)

    def fps(self) -> float:
        if len(self._times) < 2:
            return 0.0
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else 0.0

    def set_frame(self, image: QImage) -> None:
        self.image = image
        self.frames += 1
        self._times.append(time.monotonic())
        self.update()
        self.frame_shown.emit()

    def set_detections(self, quads: list[list[tuple[float, float]]]) -> None:
        self.quads = quads
        self._quads_at = time.monotonic()
        self.update()

    def set_message(self, text: str) -> None:
        self.message = text
        if text:
            self.image = None
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#101418"))
        img = self.image
        if img is None or img.isNull():
            p.setPen(QColor("#C9D1D9"))
            f = p.font()
            f.setPointSize(13)
            p.setFont(f)
            p.drawText(
                self.rect().adjusted(20, 20, -20, -20),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.message or "Starting camera… · 正在启动摄像头…",
            )
            p.end()
            return
        w, h = img.width(), img.height()
        scale = min(self.width() / w, self.height() / h)
        dw, dh = w * scale, h * scale
        x0, y0 = (self.width() - dw) / 2, (self.height() - dh) / 2
        target = QRectF(x0, y0, dw, dh)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        if self.mirror:
            p.save()
            p.translate(self.width(), 0)
            p.scale(-1, 1)
            p.drawImage(QRectF(self.width() - x0 - dw, y0, dw, dh), img)
            p.restore()
        else:
            p.drawImage(target, img)
        fresh = (time.monotonic() - self._quads_at) * 1000 < OUTLINE_MS
        if self.quads and (fresh or self.hold_outline):
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            pen = QPen(QColor("#34D399"), 4)
            p.setPen(pen)
            for quad in self.quads:
                pts = []
                for qx, qy in quad:
                    px = x0 + qx * scale
                    if self.mirror:
                        px = self.width() - px
                    pts.append(QPointF(px, y0 + qy * scale))
                p.drawPolygon(QPolygonF(pts))
        p.end()
