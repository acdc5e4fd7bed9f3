"""Small shared widgets: cards, status dot, per-session counters."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from kiosk.models.records import SessionStats


class Card(QFrame):
    """A white rounded panel with a small title."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(14, 10, 14, 12)
        self.outer.setSpacing(8)
        self.title = QLabel(title)
        self.title.setObjectName("CardTitle")
        self.head = QHBoxLayout()
        self.head.addWidget(self.title)
        self.head.addStretch(1)
        self.outer.addLayout(self.head)
        self.title.setVisible(bool(title))

    def set_title(self, text: str) -> None:
        self.title.setText(text)
        self.title.setVisible(bool(text))

    def body(self) -> QVBoxLayout:
        return self.outer


class StatusDot(QWidget):
    """A coloured dot and a line of text: camera/decoder/database state."""

    COLOURS: ClassVar[dict[str, str]] = {
        "ok": "#1E8E3E",
        "warn": "#E37400",
        "bad": "#C5221F",
        "idle": "#9AA5B1",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.dot = QLabel("●")
        self.text = QLabel()
        self.text.setObjectName("Muted")
        lay.addWidget(self.dot)
        lay.addWidget(self.text, 1)
        self.level = "idle"
        self.set("idle", "")

    def set(self, level: str, text: str) -> None:
        self.level = level
        self.dot.setStyleSheet(f"color: {self.COLOURS.get(level, '#9AA5B1')}; font-size: 14pt;")
        self.text.setText(text)


class CounterGrid(QWidget):
    """Admitted / capacity per session, the selected session in bold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(0, 1)
        self.rows: dict[str, tuple[QLabel, QLabel, QProgressBar]] = {}
        self.values: dict[str, int] = {}
        self.current = ""

    def set_stats(self, stats: list[SessionStats]) -> None:
        for i, s in enumerate(stats):
            if s.session_id not in self.rows:
                name = QLabel()
                name.setWordWrap(True)
                count = QLabel()
                count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                bar = QProgressBar()
                bar.setTextVisible(False)
                bar.setFixedHeight(8)
                self.grid.addWidget(name, 2 * i, 0)
                self.grid.addWidget(count, 2 * i, 1)
                self.grid.addWidget(bar, 2 * i + 1, 0, 1, 2)
                self.rows[s.session_id] = (name, count, bar)
            name, count, bar = self.rows[s.session_id]
            name.setText(f"{s.title}  {s.title_zh}")
            cap = s.capacity or max(s.registered, 1)
            count.setText(f"<b>{s.admitted}</b> / {s.capacity or s.registered}")
            bar.setMaximum(max(cap, 1))
            bar.setValue(min(s.admitted, cap))
            self.values[s.session_id] = s.admitted
        self.highlight(self.current)

    def highlight(self, session_id: str) -> None:
        self.current = session_id
        for sid, (name, _count, _bar) in self.rows.items():
            f = name.font()
            f.setBold(sid == session_id)
            name.setFont(f)
