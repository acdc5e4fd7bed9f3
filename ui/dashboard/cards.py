"""A session card of the dashboard: title EN/ZH, room, admitted of registered, capacity."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.models.event import Session
from kiosk.models.records import SessionStats
from ui.dashboard.style import capacity_colour


class SessionCard(QFrame):
    """Click to select the session (chart and not-yet-arrived list follow it)."""

    clicked = Signal(str)

    def __init__(self, session: Session, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SessionCard")
        self.session_id = session.id
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumWidth(220)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 10)
        lay.setSpacing(1)

        # One line for when and where: "09:00–10:30 · Grand Ballroom, 2F · 二层大宴会厅".
        top = QHBoxLayout()
        top.setSpacing(6)
        when = f"{session.start.astimezone(tz):%H:%M}–{session.end.astimezone(tz):%H:%M}"
        self.time_label = _label(when, "CardTime")
        top.addWidget(self.time_label)
        room = " · ".join(x for x in (session.room, session.room_zh) if x)
        self.room_label = _elided(room, "CardRoom")
        top.addWidget(self.room_label, 1)
        lay.addLayout(top)

        # Titles wrap (two lines kept for each, so that the cards' numbers line up):
        # "Energy Transition Sub-forum" is never cut to "Energy Transition Sub-for…".
        self.title_label = WrapLabel(session.title, "CardTitle")
        self.title_zh_label = WrapLabel(session.title_zh, "CardTitleZh", lines=1)
        for w in (self.title_label, self.title_zh_label):
            lay.addWidget(w)
        lay.addSpacing(4)

        nums = QGridLayout()
        nums.setHorizontalSpacing(6)
        nums.setVerticalSpacing(0)
        big = QHBoxLayout()
        big.setSpacing(6)
        self.admitted_label = _label("0", "CardBig")
        self.registered_label = _label("/ 0", "CardOf")
        big.addWidget(self.admitted_label, 0, Qt.AlignmentFlag.AlignBaseline)
        big.addWidget(self.registered_label, 0, Qt.AlignmentFlag.AlignBaseline)
        big.addStretch(1)
        nums.addLayout(big, 0, 0)
        self.caption_label = _label("Admitted · Registered\n已签到 · 已报名", "CardCaption")
        nums.addWidget(self.caption_label, 1, 0)
        self.inside_label = _label("", "CardInside")
        self.inside_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        self.inside_caption = _label("Inside\n场内", "CardCaption")
        self.inside_caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        nums.addWidget(
            self.inside_label, 0, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
        )
        nums.addWidget(
            self.inside_caption, 1, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        )
        nums.setColumnStretch(0, 1)
        lay.addLayout(nums)
        lay.addSpacing(6)

        self.bar = QProgressBar()
        self.bar.setObjectName("CapacityBar")
        self.bar.setTextVisible(False)
        self.bar.setRange(0, 1000)
        lay.addWidget(self.bar)
        cap_row = QHBoxLayout()
        self.capacity_label = _label("", "CardCaption")
        cap_row.addWidget(self.capacity_label, 1)
        self.percent_label = _label("", "CardPercent")
        cap_row.addWidget(self.percent_label)
        lay.addLayout(cap_row)
        self.capacity = session.capacity
        self.set_selected(False)

    def update_stats(self, stats: SessionStats) -> None:
        self.admitted_label.setText(f"{stats.admitted:,}")
        self.registered_label.setText(f"/ {stats.registered:,}")
        self.inside_label.setText(f"{stats.inside:,}")
        self.inside_label.setVisible(stats.exits_scanned)
        self.inside_caption.setVisible(stats.exits_scanned)
        cap = stats.capacity
        used = stats.inside if stats.exits_scanned else stats.admitted
        if cap:
            fraction = used / cap
            self.bar.setValue(min(1000, round(fraction * 1000)))
            colour = capacity_colour(fraction)
            self.bar.setStyleSheet(
                f"QProgressBar::chunk {{ background: {colour}; border-radius: 4px; }}"
            )
            self.percent_label.setText(f"{fraction:.0%}")
            self.capacity_label.setText(f"Capacity / 容量  {used:,} / {cap:,}")
            self.bar.show()
        else:
            self.bar.hide()
            self.percent_label.setText("")
            self.capacity_label.setText("No capacity limit / 不限人数")

    def set_selected(self, selected: bool) -> None:
        self.setProperty("selected", "true" if selected else "false")
        self.style().unpolish(self)
        self.style().polish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.session_id)
        super().mousePressEvent(event)


class WrapLabel(QLabel):
    """A word-wrapped label that keeps room for `lines` lines and grows past them."""

    def __init__(self, text: str, name: str, lines: int = 2) -> None:
        super().__init__(text)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setToolTip(text)
        self.lines = lines
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)

    def fits(self) -> bool:
        """The whole text is shown at the label's width and height."""
        return QLabel.heightForWidth(self, self.width()) <= self.height()

    def _reserved(self) -> int:
        return self.fontMetrics().lineSpacing() * self.lines

    def heightForWidth(self, width: int) -> int:
        return max(super().heightForWidth(width), self._reserved())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(hint.width(), max(hint.height(), self._reserved()))


class ElidedLabel(QLabel):
    """A one-line label that shows '…' rather than clipping or stretching its card."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._full = text
        self.setToolTip(text)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.width())
        super().setText(shown)


def _label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


def _elided(text: str, name: str) -> ElidedLabel:
    label = ElidedLabel(text)
    label.setObjectName(name)
    return label
