"""The dashboard's screen: the dashboard itself once the event is known, a reason until then.

The dashboard (`DashboardView` fed by a `DashboardSource`) is made the first time the
screen is shown with the database open, or when the database opens while it is shown;
until then the page says why there is nothing to show (opening, or the database's
problem, named).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.station.desk import DbState, DbStatus
from kiosk.station.protocol import Opened
from ui.app.context import Context
from ui.dashboard.source import DashboardSource
from ui.dashboard.view import DashboardView
from ui.desk.texts import database_problem


def _t(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class DashboardPage(QWidget):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dashboard: DashboardView | None = None
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.reason = QLabel()
        self.reason.setObjectName("DashReason")
        self.reason.setWordWrap(True)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason.setStyleSheet("font-size: 16pt; color: #52606D; padding: 40px;")
        self.layout_.addWidget(self.reason)
        self._state = ctx.db.state
        ctx.db.state_changed.connect(self._state_changed)
        ctx.db.opened.connect(self._opened)
        self._say()

    def shown(self) -> None:
        self._ensure()

    def _opened(self, _opened: Opened) -> None:
        if self.isVisible():
            self._ensure()

    def _ensure(self) -> None:
        if self.dashboard is not None or self.ctx.event is None:
            return
        source = DashboardSource(self.ctx.db, self.ctx.clock)
        self.dashboard = DashboardView(source, self.ctx.clock)
        self.reason.hide()
        self.layout_.addWidget(self.dashboard)
        self.dashboard.show()

    def _state_changed(self, state: DbState) -> None:
        self._state = state
        self._say()

    def _say(self) -> None:
        state = self._state
        if state.status in (DbStatus.OK, DbStatus.OPENING):
            self.reason.setText(_t("Opening the event database…"))
        else:
            self.reason.setText(
                _t("The dashboard cannot show the event: %1").replace("%1", database_problem(state))
            )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._say()
        super().changeEvent(event)

    def shutdown(self) -> None:
        if self.dashboard is not None:
            self.dashboard.shutdown()
