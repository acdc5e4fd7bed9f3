"""The dashboard's top band: the event in English and Chinese, exports, the clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from kiosk.models.event import Event
from ui.dashboard.exports import EXPORTS, ExportSpec

WEEKDAYS_ZH = "一二三四五六日"


class DashHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DashHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(24, 14, 24, 14)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title_label = _label("EventTitle")
        self.title_zh_label = _label("EventTitleZh")
        self.where_label = _label("EventWhere")
        for w in (self.title_label, self.title_zh_label, self.where_label):
            titles.addWidget(w)
        lay.addLayout(titles, 1)

        self.export_button = QToolButton()
        self.export_button.setObjectName("ExportButton")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self.export_button)
        self.export_actions: dict[str, tuple[ExportSpec, QAction]] = {}
        for spec in EXPORTS:
            self.export_actions[f"{spec.key}{spec.suffix}"] = (spec, menu.addAction(spec.title))
        self.export_button.setMenu(menu)
        lay.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignVCenter)
        lay.addSpacing(24)

        clock_box = QVBoxLayout()
        clock_box.setSpacing(0)
        self.clock_label = _label("Clock", "--:--:--")
        self.date_label = _label("ClockDate")
        self.live_label = _label("LiveBadge")
        for w in (self.clock_label, self.date_label, self.live_label):
            w.setAlignment(Qt.AlignmentFlag.AlignRight)
            clock_box.addWidget(w)
        lay.addLayout(clock_box)

    def set_event(self, event: Event) -> None:
        self.title_label.setText(event.name)
        self.title_zh_label.setText(event.name_zh)
        self.where_label.setText(" · ".join(x for x in event.place() if x))

    def retranslate(self, has_event: bool) -> None:
        # The context is the view's, where the titles were marked (QT_TRANSLATE_NOOP).
        if not has_event:
            title = QCoreApplication.translate("DashboardView", "Organizer dashboard")
            self.title_label.setText(title)
        self.export_button.setText(QCoreApplication.translate("DashboardView", "Export"))
        for spec, action in self.export_actions.values():
            action.setText(translated(spec.title))

    def show_time(self, now: datetime, tz: ZoneInfo) -> None:
        local = now.astimezone(tz)
        self.clock_label.setText(f"{local:%H:%M:%S}")
        zh = f"{local.year}年{local.month}月{local.day}日 星期{WEEKDAYS_ZH[local.weekday()]}"
        self.date_label.setText(f"{local:%a %d %b %Y} · {zh}")

    def set_live(self, text: str, stale: bool) -> None:
        self.live_label.setText(text)
        self.live_label.setProperty("stale", "true" if stale else "false")
        self.live_label.style().unpolish(self.live_label)
        self.live_label.style().polish(self.live_label)


def translated(marked: str) -> str:
    """A text marked with QT_TRANSLATE_NOOP("DashboardView", ...), in the current language."""
    return QCoreApplication.translate("DashboardView", marked)


def _label(name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label
