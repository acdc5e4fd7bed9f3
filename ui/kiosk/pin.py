"""The staff PIN that unlocks the kiosk: a keypad dialog, and a lockout after wrong tries.

`PinGuard` (Qt-free, on the injected clock) counts wrong PINs: after `max_tries` wrong
ones in a row it refuses every PIN, right ones too, for `lockout_s` seconds. It lives as
long as the window, so closing and reopening the dialog does not reset it. Every attempt
is reported (`PinDialog.attempted`) so that the window can put it in the log.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.models.clock import Clock


class PinGuard:
    def __init__(
        self,
        check: Callable[[str], bool],
        clock: Clock,
        max_tries: int = 5,
        lockout_s: float = 30.0,
    ) -> None:
        self._check = check
        self.clock = clock
        self.max_tries = max_tries
        self.lockout_s = lockout_s
        self.failures = 0
        self._locked_until = 0.0

    def locked_for(self) -> float:
        """Seconds the lockout still lasts (0: not locked)."""
        return max(0.0, self._locked_until - self.clock.monotonic())

    def attempt(self, pin: str) -> str:
        """'ok', 'wrong' or 'locked' (a PIN tried during the lockout is not even checked)."""
        if self.locked_for() > 0:
            return "locked"
        if self._check(pin):
            self.failures = 0
            return "ok"
        self.failures += 1
        if self.failures >= self.max_tries:
            self.failures = 0
            self._locked_until = self.clock.monotonic() + self.lockout_s
        return "wrong"

    @property
    def tries_left(self) -> int:
        return self.max_tries - self.failures


class PinDialog(QDialog):
    """The staff PIN, with a keypad for touch screens. `unlocked` on a right PIN."""

    unlocked = Signal()
    attempted = Signal(bool)  # every try: right (True) or wrong (False)

    def __init__(self, guard: PinGuard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.guard = guard
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        lay = QVBoxLayout(self)
        self.prompt = QLabel()
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin.setValidator(QRegularExpressionValidator(r"\d{0,12}"))
        f = self.pin.font()
        f.setPointSize(20)
        self.pin.setFont(f)
        self.pin.returnPressed.connect(self.try_pin)
        self.error = QLabel()
        self.error.setObjectName("PinError")
        self.error.setStyleSheet("color: #C5221F; font-weight: bold;")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setWordWrap(True)
        pad = QGridLayout()
        self.keys: list[QPushButton] = []
        for i, key in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]):
            b = QPushButton(key)
            b.setMinimumSize(64, 48)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setAutoDefault(False)  # Enter in the field must not press a key (or Cancel)
            b.clicked.connect(lambda _=False, k=key: self._key(k))
            pad.addWidget(b, i // 3, i % 3)
            self.keys.append(b)
        self.ok_key = self.keys[-1]
        self.cancel = QPushButton()
        self.cancel.setAutoDefault(False)
        self.cancel.clicked.connect(self.reject)
        lay.addWidget(self.prompt)
        lay.addWidget(self.pin)
        lay.addWidget(self.error)
        lay.addLayout(pad)
        lay.addWidget(self.cancel)
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._show_lockout)
        self.wrong_shown = False  # "Wrong PIN …" is up (made again in a new language)
        self.retranslate()
        self._show_lockout()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Staff PIN"))
        self.prompt.setText(self.tr("Enter the staff PIN to leave the self check-in kiosk"))
        self.ok_key.setText(self.tr("OK"))
        self.cancel.setText(self.tr("Cancel"))
        if self.guard.locked_for() > 0:
            self._show_lockout()
        elif self.wrong_shown:
            self._show_wrong()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()  # the prompt, the keys and a shown warning
        super().changeEvent(event)

    def _show_wrong(self) -> None:
        self.wrong_shown = True
        self.error.setText(
            self.tr("Wrong PIN. %n more tries before a 30-second lockout.", "",
                    self.guard.tries_left)
        )  # fmt: skip

    def _key(self, key: str) -> None:
        if key == "OK":
            self.try_pin()
        elif key == "⌫":
            self.pin.backspace()
        else:
            self.pin.insert(key)

    def try_pin(self) -> None:
        result = self.guard.attempt(self.pin.text())
        self.pin.clear()
        if result == "locked":
            self._show_lockout()
            return
        self.attempted.emit(result == "ok")
        if result == "ok":
            self.wrong_shown = False
            self.error.clear()
            self.unlocked.emit()
            self.accept()
            return
        if self.guard.locked_for() > 0:
            self._show_lockout()
        else:
            self._show_wrong()
        self.adjustSize()  # the message may take two lines
        self.pin.setFocus()

    def _show_lockout(self) -> None:
        left = self.guard.locked_for()
        locked = left > 0
        for w in (self.pin, *self.keys):
            w.setEnabled(not locked)
        if locked:
            self.wrong_shown = False
            secs = math.ceil(left)
            self.error.setText(
                self.tr("Too many wrong PINs. Try again in %n s.", "", secs)
            )  # fmt: skip
            if not self._tick.isActive():
                self._tick.start()
        elif self._tick.isActive():
            self._tick.stop()
            self.error.clear()
            self.pin.setFocus()
