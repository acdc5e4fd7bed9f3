"""The application window: a header, the three modes, a status bar; kiosk lock-down."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from kiosk.models.event import Event
from kiosk.models.outcomes import CheckinResult, Method
from ui.context import Context
from ui.dialogs import PinDialog
from ui.i18n import Translations
from ui.kiosk_view import KioskView
from ui.staff import StaffView

log = logging.getLogger(__name__)
MODES = ("staff", "kiosk", "dashboard")


class MainWindow(QWidget):
    """A plain top-level QWidget (QMainWindow warns on the offscreen platform)."""

    mode_changed = Signal(str)
    result_shown = Signal(object)  # CheckinResult, after the active view showed it

    def __init__(
        self,
        ctx: Context,
        translations: Translations | None = None,
        dashboard_factory: object = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.translations = translations
        self._dashboard_factory = dashboard_factory
        self.mode = "staff"
        self.locked = False  # kiosk lock-down: closing needs the PIN
        self.pin_dialog: PinDialog | None = None
        self._early: list[tuple[str, Method, float | None]] = []
        self.setWindowTitle("Forum Check-in · 论坛签到")
        self.resize(1440, 900)

        self.header = self._build_header()
        self.stack = QStackedWidget()
        self.staff = StaffView(ctx)
        self.kiosk = KioskView(ctx)
        self.dashboard: QWidget | None = None
        self.dash_holder = QWidget()
        self.dash_layout = QVBoxLayout(self.dash_holder)
        self.dash_layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.staff, self.kiosk, self.dash_holder):
            self.stack.addWidget(w)
        self.setObjectName("Backdrop")
        self.status = QStatusBar()
        self.status.setSizeGripEnabled(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.header)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.status)
        self.db_state = QLabel()
        self.cam_state = QLabel()
        self.status.addPermanentWidget(self.cam_state)
        self.status.addPermanentWidget(self.db_state)
        self.staff.message.connect(lambda text, ms: self.status.showMessage(text, ms))

        db = ctx.db
        db.opened.connect(self._opened)
        db.open_failed.connect(self._open_failed)
        db.checked_in.connect(self._result)
        db.failed.connect(self._failed)
        db.notice.connect(lambda text: self.status.showMessage(text, 20000))
        if ctx.camera is not None:
            cam = ctx.camera
            cam.frame_ready.connect(self._frame)
            cam.detected.connect(self.staff.preview.set_detections)
            cam.code_read.connect(lambda code, t: self.submit_code(code, Method.CAMERA, t))
            cam.status_changed.connect(self._camera_status)
            cam.notice.connect(lambda m: self.status.showMessage(m, 10000))
        else:
            self._camera_status("stopped", "")
        self.unlock_shortcut = QShortcut(QKeySequence("Ctrl+Shift+Q"), self)
        self.unlock_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.unlock_shortcut.activated.connect(self.ask_pin)
        for key, mode in (("F1", "staff"), ("F2", "kiosk"), ("F3", "dashboard")):
            sc = QShortcut(QKeySequence(key), self)
            sc.activated.connect(lambda m=mode: self.set_mode(m))
        self._fps_timer = QTimer(self)
        self._fps_timer.setInterval(1000)
        self._fps_timer.timeout.connect(self._show_fps)
        self._fps_timer.start()
        self.kiosk_fullscreen = True
        self.mode_buttons["staff"].setChecked(True)
        self.retranslate()

    # -- header ---------------------------------------------------------------------------
    def _build_header(self) -> QFrame:
        h = QFrame()
        h.setObjectName("Header")
        lay = QHBoxLayout(h)
        lay.setContentsMargins(20, 10, 20, 10)
        lay.setSpacing(10)
        names = QVBoxLayout()
        names.setSpacing(0)
        self.event_name = QLabel("Forum Check-in")
        self.event_name.setObjectName("EventName")
        self.event_name_zh = QLabel("论坛签到")
        self.event_name_zh.setObjectName("EventNameZh")
        names.addWidget(self.event_name)
        names.addWidget(self.event_name_zh)
        lay.addLayout(names, 1)
        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QPushButton] = {}
        for i, m in enumerate(MODES):
            b = QPushButton()
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self.mode_group.addButton(b, i)
            self.mode_buttons[m] = b
            b.clicked.connect(lambda _=False, mode=m: self.set_mode(mode))
            lay.addWidget(b)
        lay.addSpacing(16)
        self.lang_btn = QPushButton()
        self.lang_btn.clicked.connect(self.toggle_language)
        lay.addWidget(self.lang_btn)
        return h

    # -- database & results ---------------------------------------------------------------
    def _opened(self, event: Event) -> None:
        self.ctx.event = event
        if not self.ctx.session_id or self.ctx.session_id not in event.session_ids():
            if self.ctx.session_id:
                self.status.showMessage(
                    self.tr("Unknown session %s; using the current one.") % self.ctx.session_id,
                    10000,
                )
            self.ctx.session_id = event.current_session(self.ctx.clock.now()).id
        self.event_name.setText(event.name)
        self.event_name_zh.setText(event.name_zh)
        self.staff.set_event(event, self.ctx.session_id)
        self.kiosk.set_event(event, self.ctx.session_id)
        self.staff.session.currentIndexChanged.connect(
            lambda _i: self.kiosk.set_session(self.ctx.session_id)
        )
        self.db_state.setText(f"  {self.ctx.db.db_path.name}  ")
        if self.mode == "dashboard":
            self._ensure_dashboard()
        early, self._early = self._early, []
        for code, method, captured in early:
            self.submit_code(code, method, captured)

    def _open_failed(self, message: str) -> None:
        self.db_state.setText(self.tr("Database unavailable"))
        self.staff.panel.title.setText(self.tr("Database unavailable"))
        self.staff.panel.title_zh.setText("数据库无法打开")
        self.staff.panel.reason.setText(message)
        self.status.showMessage(message)

    def _failed(self, what: str, message: str) -> None:
        self.status.showMessage(f"{what}: {message}", 10000)

    def submit_code(self, code: str, method: Method, captured: float | None = None) -> None:
        if self.ctx.event is None:  # the database is still opening: keep the scan for then
            self._early.append((code, method, captured))
            del self._early[:-20]
            return
        if self.mode == "kiosk":
            self.kiosk.submit_code(code, method, captured)
        elif self.mode == "staff":
            self.staff.submit_code(code, method, captured)

    def _result(self, result: CheckinResult) -> None:
        if self.mode == "kiosk" and result.station == self.ctx.station:
            self.kiosk.show_result(result)
        else:
            self.staff.show_result(result)
        if self.ctx.echo is not None:
            self.ctx.echo(result)
        self.result_shown.emit(result)

    # -- camera ---------------------------------------------------------------------------
    def _frame(self, image: object) -> None:
        target = self.kiosk.preview if self.mode == "kiosk" else self.staff.preview
        target.set_frame(image)  # type: ignore[arg-type]
        if self.ctx.camera is not None:
            self.ctx.camera.frame_shown()

    def _camera_status(self, state: str, message: str) -> None:
        self.staff.set_camera_status(state, message)
        self.kiosk.set_camera_status(state, message)
        self._show_fps()

    def _show_fps(self) -> None:
        cam = self.ctx.camera
        if cam is None:
            self.cam_state.setText(self.tr("  no camera  "))
            return
        preview = self.kiosk.preview if self.mode == "kiosk" else self.staff.preview
        self.cam_state.setText(
            self.tr("  camera: %1 · %2 fps  ")
            .replace("%1", cam.state)
            .replace("%2", f"{preview.fps():.0f}")
        )

    # -- modes ----------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        if self.locked and mode != "kiosk":
            self.mode_buttons["kiosk"].setChecked(True)
            self.ask_pin()
            return
        self.mode = mode
        self.mode_buttons[mode].setChecked(True)
        if mode == "kiosk":
            self.stack.setCurrentWidget(self.kiosk)
            self.kiosk.show_attract()
            self.header.hide()
            self.status.hide()
            self.locked = True
            if self.kiosk_fullscreen:
                self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
                self.showFullScreen()
        else:
            if self.windowFlags() & Qt.WindowType.WindowStaysOnTopHint:
                self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, False)
                self.showNormal()
            self.header.show()
            self.status.show()
            for w in (self.event_name, self.event_name_zh):
                w.setVisible(mode != "dashboard")  # the dashboard shows the event itself
            if mode == "staff":
                self.stack.setCurrentWidget(self.staff)
            else:
                self._ensure_dashboard()
                self.stack.setCurrentWidget(self.dash_holder)
        self.mode_changed.emit(mode)

    def _ensure_dashboard(self) -> None:
        if self.dashboard is not None or self.ctx.event is None or self._dashboard_factory is None:
            return
        factory = self._dashboard_factory
        assert callable(factory)
        self.dashboard = factory()
        self.dash_layout.addWidget(self.dashboard)

    def ask_pin(self) -> None:
        if not self.locked:
            return
        if self.pin_dialog is not None and self.pin_dialog.isVisible():
            self.pin_dialog.raise_()
            return
        dlg = PinDialog(self.ctx.settings.check_pin, self)
        dlg.unlocked.connect(self._unlocked)
        self.pin_dialog = dlg
        dlg.open()

    def _unlocked(self) -> None:
        self.locked = False
        self.set_mode("staff")

    # -- lock-down ------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.locked and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F4, Qt.Key.Key_F11):
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.locked:
            event.ignore()
            log.info("close refused: the kiosk is locked (staff PIN needed)")
            return
        event.accept()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- language -------------------------------------------------------------------------
    def toggle_language(self) -> None:
        if self.translations is not None:
            self.translations.switch("en" if self.translations.lang == "zh" else "zh")

    def retranslate(self) -> None:
        labels = {
            "staff": self.tr("Staff desk"),
            "kiosk": self.tr("Self check-in"),
            "dashboard": self.tr("Dashboard"),
        }
        for m, b in self.mode_buttons.items():
            b.setText(labels[m])
        lang = self.translations.lang if self.translations else "en"
        self.lang_btn.setText("English" if lang == "zh" else "中文")
        self._show_fps()
