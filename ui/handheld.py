"""Handheld (keyboard-wedge) scanners: an application-wide key filter.

A scanner types a whole code in a fast burst, usually ending with Enter. The filter sees
every key press before the focused widget does, so a scan reaches the desk whatever has
focus (the search field included). Once the keys are recognised as a burst (its second
key) they are swallowed; the one key that leaked into a focused text field is taken back,
so a scan never pollutes what the person was typing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from kiosk.models.clock import Clock
from kiosk.scan.handheld import KeyBurstDecoder

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class HandheldFilter(QObject):
    scanned = Signal(str)

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.decoder = KeyBurstDecoder(clock)
        self.enabled = True
        self._leak_target: QWidget | None = None
        self._leak_char = ""
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(int(self.decoder.idle * 1000) + 20)
        self._idle.timeout.connect(self._flush)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not self.enabled or event.type() != QEvent.Type.KeyPress:
            return False
        focus = QApplication.focusWidget()
        # The filter sees a key once per object it propagates through: take it once.
        if not isinstance(obj, QWidget) or (
            obj is not focus and not (focus is None and obj.isWindow())
        ):
            return False
        assert isinstance(event, QKeyEvent)
        if event.isAutoRepeat() or event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return False
        text = (
            "\r"
            if event.key() in _ENTER
            else ("\t" if event.key() == Qt.Key.Key_Tab else event.text())
        )
        was_burst = self.decoder.in_burst
        code = self.decoder.feed_key(text)
        if code is not None:
            self._emit(code)
            return text in ("\r", "\n", "\t")  # swallow the scanner's terminator
        if self.decoder.in_burst:
            if not was_burst:
                self._take_back_leak()
            self._idle.start()
            return True  # a scanner's key: not for the focused widget
        if self.decoder.pending:
            self._leak_target = focus
            self._leak_char = self.decoder.pending[-1]
            self._idle.start()
        return False

    def _take_back_leak(self) -> None:
        """The burst's first key reached the focused widget before it was recognised."""
        target, ch = self._leak_target, self._leak_char
        self._leak_target, self._leak_char = None, ""
        if isinstance(target, QLineEdit) and target.text().endswith(ch):
            target.backspace()
        elif isinstance(target, (QTextEdit, QPlainTextEdit)):
            target.textCursor().deletePreviousChar()

    def _flush(self) -> None:
        code = self.decoder.flush()
        if code:
            self._emit(code)
        elif self.decoder.pending:
            self._idle.start()

    def _emit(self, code: str) -> None:
        self.scanned.emit(code)
