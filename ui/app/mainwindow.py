"""The application window: a header, the three modes, a status bar; kiosk lock-down."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
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

from kiosk.models.outcomes import CheckinResult, Method
from kiosk.station.protocol import Opened
from ui.app.context import Context
from ui.app.i18n import Translations
from ui.app.missing_db import MissingDatabasePage
from ui.bridge.dbworker import DbState, NotRecorded
from ui.desk.view import StaffView
from ui.kiosk.guard import KioskGuard
from ui.kiosk.pin import PinDialog, PinGuard
from ui.kiosk.view import KioskView

log = logging.getLogger(__name__)
MODES = ("staff", "kiosk", "dashboard")
PREFERRED = (1440, 900)
FRAME_GUESS = (2, 32)  # a title bar and borders, before the window manager reports them


class MainWindow(QWidget):
    """A plain top-level QWidget (QMainWindow warns on the offscreen platform)."""

    mode_changed = Signal(str)
    result_shown = Signal(object)  # CheckinResult, after the active view showed it

    def __init__(
        self,
        ctx: Context,
        translations: Translations | None = None,
        dashboard_factory: Callable[[], QWidget] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.translations = translations
        self._dashboard_factory = dashboard_factory
        self.mode = "staff"
        self.locked = False  # kiosk lock-down: closing needs the PIN
        self.pin_dialog: PinDialog | None = None
        self.pin_guard = PinGuard(ctx.settings.check_pin, ctx.clock)
        self._early: list[tuple[str, Method, float | None]] = []
        self.db_status = DbState("opening")
        self.setWindowTitle("Forum Check-in · 论坛签到")

        self.header = self._build_header()
        self.stack = QStackedWidget()
        self.staff = StaffView(ctx)
        self.kiosk = KioskView(ctx)
        self.missing = MissingDatabasePage()
        self.dashboard: QWidget | None = None
        self.dash_holder = QWidget()
        self.dash_layout = QVBoxLayout(self.dash_holder)
        self.dash_layout.setContentsMargins(0, 0, 0, 0)
        self.dash_reason = QLabel()
        self.dash_reason.setObjectName("DashReason")
        self.dash_reason.setWordWrap(True)
        self.dash_reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dash_reason.setStyleSheet("font-size: 16pt; color: #52606D; padding: 40px;")
        self.dash_layout.addWidget(self.dash_reason)
        for w in (self.staff, self.kiosk, self.dash_holder, self.missing):
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
        self.guard = KioskGuard(self)

        db = ctx.db
        db.opened.connect(self._opened)
        db.state_changed.connect(self._db_changed)
        db.checked_in.connect(self._result)
        db.walked_in.connect(lambda done: done.result is not None and self._result(done.result))
        db.not_recorded.connect(self._not_recorded)
        db.notice.connect(lambda text: self.status.showMessage(text, 20000))
        self.missing.create.connect(db.create_database)
        self.missing.open_other.connect(db.open_other)
        self.missing.quit.connect(self.close)
        if ctx.camera is not None:
            cam = ctx.camera
            cam.frame_ready.connect(self._frame)
            cam.detected.connect(self.staff.preview.set_detections)
            cam.code_read.connect(lambda code, t: self.submit_code(code, Method.CAMERA, t))
            cam.status_changed.connect(self._camera_status)
            cam.notice.connect(
                lambda m: self.status.showMessage(self.tr("Camera: %1").replace("%1", m), 10000)
            )
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
        self._first_show = True
        self.mode_buttons["staff"].setChecked(True)
        self.retranslate()

    # -- header ---------------------------------------------------------------------------
    def _build_header(self) -> QFrame:
        h = QFrame()
        h.setObjectName("Header")
        lay = QHBoxLayout(h)
        lay.setContentsMargins(18, 8, 18, 8)
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
        self.lang_btn.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.lang_btn.clicked.connect(self.toggle_language)
        lay.addWidget(self.lang_btn)
        return h

    # -- database & results ---------------------------------------------------------------
    def _opened(self, opened: Opened) -> None:
        event = opened.event
        self.ctx.event = event
        if opened.station:
            self.ctx.station = opened.station
            self.staff.show_station(opened.station)
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
        if self.stack.currentWidget() is self.missing:
            self.set_mode(self.mode if self.mode != "kiosk" else "staff")
        if self.mode == "dashboard":
            self._ensure_dashboard()
        early, self._early = self._early, []
        for code, method, captured in early:
            self.submit_code(code, method, captured)

    def _db_changed(self, state: DbState) -> None:
        self.db_status = state
        self.kiosk.set_database_ok(state.writable or state.status == "opening")
        if state.status == "missing":
            self.missing.set_path(self.ctx.db.db_path, state.reason)
            if not self.locked:
                self.stack.setCurrentWidget(self.missing)
        elif state.status in ("down", "read_only") and self.stack.currentWidget() is self.missing:
            self.missing.show_error(self.staff.db_problem_text(state))
        self._show_db_state()

    def _show_db_state(self) -> None:
        state = self.db_status
        name = self.ctx.db.db_path.name
        texts = {
            "opening": self.tr("Opening %1…"),
            "ok": "%1",
            "read_only": self.tr("%1: cannot be written"),
            "down": self.tr("%1: unavailable"),
            "missing": self.tr("%1: no such database"),
        }
        self.db_state.setText("  " + texts.get(state.status, "%1").replace("%1", name) + "  ")
        self.db_state.setToolTip(
            "" if state.status in ("ok", "opening") else self.staff.db_problem_text(state)
        )
        if self.dashboard is None:
            self.dash_reason.setText(
                self.tr("The dashboard cannot show the event: %1").replace(
                    "%1", self.staff.db_problem_text(state)
                )
                if state.status not in ("ok", "opening")
                else self.tr("Opening the event database…")
            )

    def submit_code(self, code: str, method: Method, captured: float | None = None) -> None:
        if self.ctx.event is None and self.db_status.status == "opening":
            self._early.append((code, method, captured))  # kept for when it is open
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

    def _not_recorded(self, info: NotRecorded) -> None:
        if self.mode == "kiosk":
            self.kiosk.show_not_recorded()
        else:
            self.staff.not_recorded(info)

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
            self.cam_state.setText("  " + self.tr("no camera") + "  ")
            return
        preview = self.kiosk.preview if self.mode == "kiosk" else self.staff.preview
        states = {
            "starting": self.tr("starting"), "running": self.tr("running"),
            "failed": self.tr("unavailable"), "ended": self.tr("ended"),
            "stopped": self.tr("off"),
        }  # fmt: skip
        self.cam_state.setText(
            "  "
            + self.tr("camera: %1 · %2 fps")
            .replace("%1", states.get(cam.state, cam.state))
            .replace("%2", f"{preview.fps():.0f}")
            + "  "
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
                self.guard.set_active(True)
        else:
            self.guard.set_active(False)
            if self.windowFlags() & Qt.WindowType.WindowStaysOnTopHint:
                self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, False)
                self.showNormal()
                self.place_on_screen()
                QTimer.singleShot(400, self, self._fit_frame)
            self.header.show()
            self.status.show()
            for w in (self.event_name, self.event_name_zh):
                w.setVisible(mode != "dashboard")  # the dashboard shows the event itself
            if self.db_status.status == "missing":
                self.stack.setCurrentWidget(self.missing)
            elif mode == "staff":
                self.stack.setCurrentWidget(self.staff)
                self.staff.focus_search()
            else:
                self._ensure_dashboard()
                self.stack.setCurrentWidget(self.dash_holder)
        self.mode_changed.emit(mode)

    def _ensure_dashboard(self) -> None:
        if self.dashboard is not None or self.ctx.event is None or self._dashboard_factory is None:
            return
        self.dashboard = self._dashboard_factory()
        self.dash_reason.hide()
        self.dash_layout.addWidget(self.dashboard)
        self.dashboard.show()

    def place_on_screen(self) -> None:
        """The window, its frame included, inside the screen's available area (a 1366×768
        laptop too): at the start and after the kiosk's full screen."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        frame, inner = self.frameGeometry(), self.geometry()
        if self.isVisible() and frame != inner:
            extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
        else:
            extra_w, extra_h = FRAME_GUESS  # not framed by the window manager yet
        hint = self.minimumSizeHint()
        w = max(hint.width(), min(PREFERRED[0], avail.width() - extra_w))
        h = max(hint.height(), min(PREFERRED[1], avail.height() - extra_h))
        self.resize(w, h)
        x = avail.x() + max(0, (avail.width() - w - extra_w) // 2)
        y = avail.y() + max(0, (avail.height() - h - extra_h) // 2)
        self.move(x, y)

    def _fit_frame(self) -> None:
        """Once the window manager framed the window: still inside the screen?"""
        screen = self.screen()
        if screen is None or self.isFullScreen() or self.isMaximized():
            return
        if not screen.availableGeometry().contains(self.frameGeometry()):
            self.place_on_screen()

    def ask_pin(self) -> None:
        if not self.locked:
            return
        if self.pin_dialog is not None and self.pin_dialog.isVisible():
            self.pin_dialog.raise_()
            return
        dlg = PinDialog(self.pin_guard, self)
        dlg.unlocked.connect(self._unlocked)
        dlg.attempted.connect(self._pin_attempted)
        self.pin_dialog = dlg
        dlg.open()

    def _pin_attempted(self, ok: bool) -> None:
        log.info(
            "staff PIN %s at %s", "accepted" if ok else "refused (wrong PIN)", self.ctx.station
        )
        self.ctx.db.pin_attempt(ok, self.ctx.station, self.ctx.operator)

    def _unlocked(self) -> None:
        self.locked = False
        self.guard.set_active(False)
        self.set_mode("staff")

    # -- lock-down ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._first_show:
            self._first_show = False
            # Shortcuts are window-wide, and the search field has the keyboard at once.
            QTimer.singleShot(0, self, self._first_focus)
            QTimer.singleShot(400, self, self._fit_frame)

    def _first_focus(self) -> None:
        if self.mode == "staff":
            self.activateWindow()
            self.staff.focus_search()

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
        self._show_db_state()
