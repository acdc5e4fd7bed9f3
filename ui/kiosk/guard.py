"""Keeps the locked kiosk full screen and in front (the window manager's keys included).

openbox's Alt+Space → Iconify, Ctrl+Alt+→ (another desktop), `wmctrl -b remove,fullscreen`:
each takes the kiosk away from the attendees. While the kiosk is locked the guard puts
the window back to full screen, raised and active, at once on a window-state change and
at the latest within `interval_ms` (a check on a timer, for what sends no event).
A dialog of the window (the staff PIN) may be in front: that is not a loss.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)


class KioskGuard(QObject):
    def __init__(self, window: QWidget, interval_ms: int = 400) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.restores = 0  # how often the kiosk was taken back (tests, the log)
        self._last_why = ""
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        window.installEventFilter(self)

    def set_active(self, on: bool) -> None:
        self.active = on
        if on:
            self._timer.start()
        else:
            self._timer.stop()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self.active and obj is self.window and event.type() in (
            QEvent.Type.WindowStateChange, QEvent.Type.Hide, QEvent.Type.WindowDeactivate,
        ):  # fmt: skip
            QTimer.singleShot(50, self, self.check)
        return False

    def lost(self) -> str:
        """What is wrong now ('' = the kiosk is full screen, visible and in front)."""
        w = self.window
        state = w.windowState()
        handle = w.windowHandle()
        if (
            not w.isVisible()
            or state & Qt.WindowState.WindowMinimized
            or (handle is not None and not handle.isExposed())  # on another desktop
        ):
            return "hidden"
        if not state & Qt.WindowState.WindowFullScreen:
            return "not full screen"
        active = QApplication.activeWindow()
        if active is not w and not (active is not None and active.parent() is w):
            return "not in front"
        return ""

    def check(self) -> None:
        if not self.active:
            return
        why = self.lost()
        if why != self._last_why:
            self._last_why = why
            if why:
                log.warning("kiosk %s: taking it back", why)
        if not why:
            return
        self.restores += 1
        w = self.window
        if why == "not in front":  # only raise: re-showing would flicker
            w.raise_()
            w.activateWindow()
            return
        if why == "hidden":
            # Mapped again, the window manager puts it on the desktop shown now (after
            # Ctrl+Alt+→ the kiosk's own desktop is not on the screen any more).
            w.hide()
        w.setWindowState(
            (w.windowState() & ~Qt.WindowState.WindowMinimized)
            | Qt.WindowState.WindowFullScreen
            | Qt.WindowState.WindowActive
        )
        w.showFullScreen()
        w.raise_()
        w.activateWindow()
