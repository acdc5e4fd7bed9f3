"""The application window: a header, the screens (ui.app.screens), a status bar; kiosk
lock-down. Every check-in's reply comes back here and goes to the screen that asked for
it (by the request's origin), whichever is shown now."""

from __future__ import annotations

import logging
from datetime import tzinfo

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from kiosk.models.outcomes import CheckinResult, Method
from kiosk.station.client import Call
from kiosk.station.desk import DbState, DbStatus, NotRecorded
from kiosk.station.protocol import CheckIn, ManualCheckIn, Opened, PinAttempt, WalkIn
from kiosk.station.wire import Origin, Source
from kiosk.sync.arrivals import Arrival
from ui.app.context import Context
from ui.app.i18n import Translations
from ui.app.missing_db import MissingDatabasePage
from ui.app.screens import DEFAULT, SCREENS, named
from ui.dashboard.page import DashboardPage
from ui.desk.view import StaffView
from ui.kiosk.guard import KioskGuard
from ui.kiosk.pin import PinDialog, PinGuard
from ui.kiosk.view import KioskView

log = logging.getLogger(__name__)


def arrival_line(a: Arrival, tz: tzinfo | None) -> str:
    """One bilingual line: who arrived at which kiosk, when; meet them."""
    at = a.at.astimezone(tz) if tz is not None else a.at
    who = "  ".join(x for x in (a.name, a.name_zh) if x) or a.attendee_id
    org = f" ({a.organization})" if a.organization else ""
    en, zh = ARRIVAL_KINDS.get(a.category, ("Attention", "请注意"))
    if a.attention and a.category not in ARRIVAL_KINDS:
        en, zh = "Attention", "请注意"
    return (
        f"★ {en} at {a.station} {at:%H:%M}: {who}{org}, please meet them · "
        f"{zh}已于 {at:%H:%M} 在 {a.station} 签到，请前往接待"
    )


ARRIVAL_KINDS = {"vip": ("VIP", "贵宾"), "speaker": ("Speaker", "演讲嘉宾")}
PREFERRED = (1440, 900)
FRAME_GUESS = (2, 32)  # a title bar and borders, before the window manager reports them


class MainWindow(QWidget):
    """A plain top-level QWidget (QMainWindow warns on the offscreen platform)."""

    mode_changed = Signal(str)
    result_shown = Signal(object)  # CheckinResult, after the screen that asked showed it

    def __init__(
        self,
        ctx: Context,
        translations: Translations | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.translations = translations
        self.mode = DEFAULT
        self.locked = False  # kiosk lock-down: closing needs the PIN
        self.may_close = False  # False: closing the window asks first (Alt+F4 at the desk)
        self.close_dialog: QMessageBox | None = None
        self.pin_dialog: PinDialog | None = None
        self.pin_guard = PinGuard(ctx.settings.check_pin, ctx.clock)
        self._early: list[tuple[str, Method, float | None]] = []
        self.db_status = DbState()
        self.last_arrivals: list[str] = []  # the latest alerts of arrivals at kiosks
        self.setWindowTitle("Forum Check-in · 论坛签到")
        db = ctx.db
        db.opened.connect(self._opened)  # first: the screens hear of it with the event known
        db.state_changed.connect(self._db_changed)
        db.replied.connect(self._replied)

        self.header = self._build_header()
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {s.name: s.factory(ctx) for s in SCREENS}
        staff, kiosk, dash = self.pages["staff"], self.pages["kiosk"], self.pages["dashboard"]
        assert isinstance(staff, StaffView) and isinstance(kiosk, KioskView)
        assert isinstance(dash, DashboardPage)
        self.staff, self.kiosk, self.dash_holder = staff, kiosk, dash
        self.missing = MissingDatabasePage()
        for w in (*self.pages.values(), self.missing):
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
        self.staff.session.currentIndexChanged.connect(
            lambda _i: self.kiosk.set_session(self.ctx.session_id)
        )
        self.guard = KioskGuard(self)

        db.notice.connect(lambda text: self.status.showMessage(text, 20000))
        if ctx.printing is not None:
            ctx.printing.notice.connect(lambda text: self.status.showMessage(text, 20000))
        self.missing.create.connect(db.create_database)
        self.missing.open_other.connect(db.open_other)
        self.missing.quit.connect(self.close_now)
        if ctx.camera is not None:
            cam = ctx.camera
            cam.frame_ready.connect(self._frame)
            cam.code_read.connect(lambda code, t: self.submit_code(code, Method.CAMERA, t))
            cam.status_changed.connect(lambda _s, _m: self._show_fps())
            cam.notice.connect(
                lambda m: self.status.showMessage(self.tr("Camera: %1").replace("%1", m), 10000)
            )
        self.unlock_shortcut = QShortcut(QKeySequence("Ctrl+Shift+Q"), self)
        self.unlock_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.unlock_shortcut.activated.connect(self.ask_pin)
        for s in SCREENS:
            sc = QShortcut(QKeySequence(s.key), self)
            sc.activated.connect(lambda name=s.name: self.set_mode(name))
        self._fps_timer = QTimer(self)
        self._fps_timer.setInterval(1000)
        self._fps_timer.timeout.connect(self._show_fps)
        self._fps_timer.start()
        self.kiosk_fullscreen = True
        self._first_show = True
        self.mode_buttons[self.mode].setChecked(True)
        self.retranslate()

    @property
    def dashboard(self) -> QWidget | None:
        """The dashboard, once it was shown with the database open."""
        return self.dash_holder.dashboard

    @property
    def dash_reason(self) -> QLabel:
        return self.dash_holder.reason

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
        for i, s in enumerate(SCREENS):
            b = QPushButton()
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self.mode_group.addButton(b, i)
            self.mode_buttons[s.name] = b
            b.clicked.connect(lambda _=False, name=s.name: self.set_mode(name))
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
        ask: list[str] = []
        if not self.ctx.session_id or self.ctx.session_id not in event.session_ids():
            if self.ctx.session_id:
                self.status.showMessage(
                    self.tr("Unknown session %s; using the current one.") % self.ctx.session_id,
                    10000,
                )
            choice = event.default_session(self.ctx.clock.now())
            self.ctx.session_id = choice.session.id
            ask = [s.id for s in choice.in_progress] if choice.ask else []
        self.event_name.setText(event.name)
        self.event_name_zh.setText(event.name_zh)
        self.staff.set_event(event, self.ctx.session_id)
        self.kiosk.set_event(event, self.ctx.session_id)
        if ask and self.mode == "staff":
            self.staff.ask_session(ask)
        if self.stack.currentWidget() is self.missing:
            self.set_mode(self.mode)
        early, self._early = self._early, []
        for code, method, captured in early:
            self.submit_code(code, method, captured)

    def _db_changed(self, state: DbState) -> None:
        self.db_status = state
        if state.status is DbStatus.MISSING:
            self.missing.set_path(self.ctx.db.db_path, state.reason)
            if not self.locked:
                self.stack.setCurrentWidget(self.missing)
        elif (
            state.status in (DbStatus.DOWN, DbStatus.READ_ONLY)
            and self.stack.currentWidget() is self.missing
        ):
            self.missing.show_error(self.staff.db_problem_text(state))
        self._show_db_state()

    def _show_db_state(self) -> None:
        state = self.db_status
        name = self.ctx.db.db_path.name
        texts = {
            DbStatus.OPENING: self.tr("Opening %1…"),
            DbStatus.OK: "%1",
            DbStatus.READ_ONLY: self.tr("%1: cannot be written"),
            DbStatus.DOWN: self.tr("%1: unavailable"),
            DbStatus.MISSING: self.tr("%1: no such database"),
        }
        self.db_state.setText("  " + texts.get(state.status, "%1").replace("%1", name) + "  ")
        self.db_state.setToolTip(
            ""
            if state.status in (DbStatus.OK, DbStatus.OPENING)
            else self.staff.db_problem_text(state)
        )

    def submit_code(self, code: str, method: Method, captured: float | None = None) -> None:
        """A code read by the camera or a scanner: to the shown screen, if it takes codes."""
        if self.ctx.event is None and self.db_status.status is DbStatus.OPENING:
            self._early.append((code, method, captured))  # kept for when it is open
            del self._early[:-20]
            return
        if named(self.mode).takes_codes:
            self.pages[self.mode].submit_code(code, method, captured)  # type: ignore[attr-defined]

    def _replied(self, call: Call[object]) -> None:
        """A check-in's reply goes to the screen that asked for it: the one holding the
        request's id (the reply echoes it, with the input and capture time of the scan);
        a walk-in's, from the desk's dialog, to the desk."""
        request = call.request
        if not isinstance(request, (CheckIn, ManualCheckIn, WalkIn)):
            return
        kiosk = self.kiosk.asked(call.id)
        if not kiosk and not self.staff.asked(call.id) and not isinstance(request, WalkIn):
            log.info("a check-in reply nobody waits for (id %s): recorded, not shown", call.id)
            return
        error = call.error
        if error is None:
            value = call.value
            result = value.result if isinstance(request, WalkIn) else value  # type: ignore[attr-defined]
            if isinstance(result, CheckinResult):
                self._result(result, call.origin, kiosk)
        elif isinstance(error, NotRecorded):
            if kiosk:
                self.kiosk.show_not_recorded()
            else:
                self.staff.not_recorded(error)

    def _result(self, result: CheckinResult, origin: Origin, kiosk: bool) -> None:
        if kiosk:
            self.kiosk.show_result(result, origin)
        else:
            self.staff.show_result(result, origin)
        if self.ctx.echo is not None:
            self.ctx.echo(result)
        self.result_shown.emit(result)

    def arrived(self, arrivals: tuple[Arrival, ...]) -> None:
        """VIPs, speakers or attendees flagged for attention admitted at a kiosk of another
        station (through the hub): the status bar, the desk's panel and the alert sound."""
        if not arrivals:
            return
        tz = self.ctx.event.tz if self.ctx.event else None
        lines = [arrival_line(a, tz) for a in arrivals]
        for line in lines:
            log.info("arrival to meet: %s", line)
        text = "\n".join(lines[-3:])
        self.status.showMessage(text.replace("\n", "   "), 60000)
        self.staff.panel.show_notice(text, 60000)
        self.last_arrivals = lines
        self.ctx.sounds.play("attention")

    # -- camera ---------------------------------------------------------------------------
    def _camera_page(self) -> QWidget:
        """Where the camera's frames go: the shown screen if it takes codes, else the desk."""
        return self.pages[self.mode] if named(self.mode).takes_codes else self.staff

    def _frame(self, image: object) -> None:
        self._camera_page().preview.set_frame(image)  # type: ignore[attr-defined]
        if self.ctx.camera is not None:
            self.ctx.camera.frame_shown()

    def _show_fps(self) -> None:
        cam = self.ctx.camera
        if cam is None:
            self.cam_state.setText("  " + self.tr("no camera") + "  ")
            return
        preview = self._camera_page().preview  # type: ignore[attr-defined]
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

    # -- screens --------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        """Show the screen named `mode` (ValueError for no such screen)."""
        shown = named(mode)
        if self.locked and not shown.locks:
            self.mode_buttons[self.mode].setChecked(True)
            self.ask_pin()
            return
        self.mode = mode
        self.mode_buttons[mode].setChecked(True)
        page = self.pages[mode]
        if shown.locks:
            self.stack.setCurrentWidget(page)
            page.shown()  # type: ignore[attr-defined]
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
                w.setVisible(shown.shows_event)
            if self.db_status.status is DbStatus.MISSING:
                self.stack.setCurrentWidget(self.missing)
            else:
                self.stack.setCurrentWidget(page)
                page.shown()  # type: ignore[attr-defined]
        self.mode_changed.emit(mode)

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
        request = PinAttempt(ok, self.ctx.operator, self.ctx.clock.now())
        self.ctx.db.submit(request, Origin(Source.KIOSK))

    def _unlocked(self) -> None:
        self.locked = False
        self.guard.set_active(False)
        self.set_mode(DEFAULT)

    # -- lock-down ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._first_show:
            self._first_show = False
            # Shortcuts are window-wide, and the search field has the keyboard at once.
            QTimer.singleShot(0, self, self._first_focus)
            QTimer.singleShot(400, self, self._fit_frame)

    def _first_focus(self) -> None:
        if self.pages[self.mode] is self.staff:
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
        if not self.may_close:  # Alt+F4, the title bar's ×: the desk asks first
            event.ignore()
            self.ask_close()
            return
        event.accept()

    def ask_close(self) -> None:
        """ "Close the check-in desk?": a closed desk takes no scans. Window-modal, the event
        loop runs on (scans still recorded while it is asked)."""
        if self.close_dialog is not None and self.close_dialog.isVisible():
            self.close_dialog.raise_()
            return
        box = QMessageBox(self)
        box.setObjectName("CloseQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Close the desk?"))
        box.setText(self.tr("Close Forum Check-in? While it is closed, this desk takes no scans."))
        box.setStandardButtons(QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._close_answered)
        self.close_dialog = box
        box.open()

    def _close_answered(self, answer: int) -> None:
        self.close_dialog = None
        if answer == QMessageBox.StandardButton.Close.value:
            self.close_now()

    def close_now(self) -> None:
        """Close without asking (the staff said so, or the app quits)."""
        self.may_close = True
        self.close()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- language -------------------------------------------------------------------------
    def toggle_language(self) -> None:
        if self.translations is not None:
            self.translations.switch("en" if self.translations.lang == "zh" else "zh")

    def retranslate(self) -> None:
        lang = self.translations.lang if self.translations else "en"
        for s in SCREENS:
            self.mode_buttons[s.name].setText(s.text(lang))
        self.lang_btn.setText("English" if lang == "zh" else "中文")
        self.status.clearMessage()  # a passing message in the old language goes
        self._show_fps()
        self._show_db_state()
