"""Handheld (keyboard-wedge) scanners: an application-wide key filter.

A scanner types a whole code in a fast burst, usually ending with Enter. The filter sees
every key press before the focused widget does, so a scan reaches the desk whatever has
focus. A person typing fast into a form is not a scanner, so:

- In a text field (search, the walk-in form, a reason, the PIN) keys belong to the field,
  unless they are a scanner's burst: at least `min_length` keys, each within `max_gap`
  (30 ms) of the one before, ending in Enter (Tab there moves to the next field), and
  in a dialog's field (the walk-in form, a reason, the PIN) starting after a pause
  (`LEAD_PAUSE`, 100 ms: a scanner is used after typing stops, while a loaded X server may
  stamp the tail of a person's typing close together; in the desk's search box a scan
  straight after typing a name is still a scan). Its shape does not matter (our `FC1:` codes,
  pretix secrets, Eventbrite barcodes, a code nobody knows: the check-in answers each).
  While keys come at a scanner's pace they are held back; the moment they cannot be a
  burst (a pause, no Enter, a key typed 40 ms or more after the last) the held keys are
  given back to the field that had focus, in order, as they were typed. No key is ever
  lost, and a scan never leaves its text in the field.
- Elsewhere (a list, a button, nothing focused, the kiosk) any fast burst of at least
  eight keys ending in Enter, Tab or a pause is a scan (a URL on a poster is reported as
  an unknown code); the burst is recognised at its second key and swallowed from there.

Gaps are measured on the keys' own timestamps (the window system's), so a stall of the GUI
thread in the middle of a burst does not split it.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from kiosk.models.clock import Clock
from kiosk.scan.handheld import TERMINATORS, KeyBurstDecoder

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
LEAD_PAUSE = 0.1  # s without a key in a text field before a scanner burst there
_TEXT_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)
_MODIFIERS = (
    Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
    Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock,
)  # fmt: skip


def is_text_input(w: QWidget | None) -> bool:
    if w is None:
        return False
    if isinstance(w, QComboBox):
        return w.isEditable()
    return isinstance(w, _TEXT_INPUTS)


def key_text(event: QKeyEvent) -> str:
    if event.key() in _ENTER:
        return "\r"
    if event.key() == Qt.Key.Key_Tab:
        return "\t"
    return event.text()


def _printable(text: str) -> bool:
    return len(text) == 1 and text.isprintable()


def key_time(event: QKeyEvent) -> float | None:
    """The key's timestamp in seconds, None for synthetic keys without one."""
    ms = event.timestamp()
    return ms / 1000.0 if ms else None


class HandheldFilter(QObject):
    scanned = Signal(str)

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.decoder = KeyBurstDecoder(clock)
        self.clock = clock
        self.enabled = True
        self._replaying = False
        # Keys held back in a text field while they may be a code.
        self._held: list[QKeyEvent] = []
        self._held_text = ""
        self._held_target: QWidget | None = None
        self._held_t: float | None = None
        self._held_clock = 0.0
        self._lead: float | None = None  # the pause before the first held key (None: none)
        self._prev_t: float | None = None  # the last key in a text field: its timestamp,
        self._prev_clock: float | None = None  # and the injected clock then
        self._give_back_timer = QTimer(self)
        self._give_back_timer.setSingleShot(True)
        self._give_back_timer.setInterval(int(self.decoder.max_terminator_gap * 1000) + 15)
        self._give_back_timer.timeout.connect(self._give_back_if_paused)
        # Elsewhere: a burst without terminator completes after a pause.
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(int(self.decoder.idle * 1000) + 20)
        self._idle.timeout.connect(self._flush)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self._held and event.type() == QEvent.Type.MouseButtonPress and not self._replaying:
            self.give_back()  # a click on OK right after typing: the field has every key first
            return False
        if not self.enabled or self._replaying or event.type() != QEvent.Type.KeyPress:
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
            self.give_back()
            return False
        text = key_text(event)
        if self._held or is_text_input(focus):
            assert focus is not None or self._held_target is not None
            return self._in_text_field(focus or self._held_target, event, text)  # type: ignore[arg-type]
        return self._elsewhere(event, text)

    # -- text fields: hold what may be a code, give back what is not ------------------------
    def _gap(self, t: float | None) -> float:
        if t is not None and self._held_t is not None:
            return t - self._held_t
        return self.clock.monotonic() - self._held_clock

    def _since_prev(self, t: float | None) -> float | None:
        """The pause since the last key typed in a text field (None: no key before)."""
        if t is not None and self._prev_t is not None:
            return t - self._prev_t
        if self._prev_clock is None:
            return None
        return self.clock.monotonic() - self._prev_clock

    def _in_text_field(self, focus: QWidget, event: QKeyEvent, text: str) -> bool:
        t = key_time(event)
        if not text and event.key() in _MODIFIERS:
            return False  # Shift for ":" or "$" of a code: neither a key of it nor a break
        since = self._since_prev(t)
        self._prev_t, self._prev_clock = t, self.clock.monotonic()
        return self._text_key(focus, event, text, t, since)

    def _text_key(
        self, focus: QWidget, event: QKeyEvent, text: str, t: float | None, since: float | None
    ) -> bool:
        if self._held:
            gap = self._gap(t)
            # A key without a timestamp while the injected clock stood still (keys a
            # program sent at once, as a test's QTest.keyClicks does) has no pace to tell:
            # a person's. The window system stamps every real key.
            paced = t is not None or gap > 0
            if text in TERMINATORS:
                # In a field only Enter ends a scan: Tab is how a person moves on to the
                # next field, and a loaded X server can stamp a person's keys close together.
                if (
                    text != "\t"
                    and paced
                    and gap <= self.decoder.max_terminator_gap
                    and self._is_burst(self._held_text)
                    and self._after_pause(focus)
                ):
                    code = self._held_text
                    self._drop_held()
                    self.scanned.emit(code)
                    return True
                self.give_back()
                return False
            if _printable(text) and paced and gap <= self.decoder.max_gap:
                self._hold(focus, event, text, t)
                return True
            self.give_back()
        if _printable(text):
            self._lead = since
            self._hold(focus, event, text, t)
            return True
        return False

    def _after_pause(self, focus: QWidget) -> bool:
        """The burst started after a pause, or needs not (a field outside a dialog)."""
        in_dialog = isinstance(focus.window(), QDialog)
        return not in_dialog or self._lead is None or self._lead >= LEAD_PAUSE

    def _is_burst(self, text: str) -> bool:
        """A scanner's code: long enough, and not one key held down (auto-repeat)."""
        return len(text) >= self.decoder.min_length and len(set(text)) > 1

    def _hold(self, target: QWidget, event: QKeyEvent, text: str, t: float | None) -> None:
        if not self._held:
            self._held_target = target
        copy = event.clone()
        assert isinstance(copy, QKeyEvent)
        self._held.append(copy)
        self._held_text += text
        self._held_t = t
        self._held_clock = self.clock.monotonic()
        self._give_back_timer.start()

    def _give_back_if_paused(self) -> None:
        """No key for the timer's interval (real time): the held keys were no burst."""
        if self._held:
            self.give_back()

    def give_back(self) -> None:
        """Deliver the held keys to the field that had focus, in the order they came."""
        held, target = self._held, self._held_target
        self._drop_held()
        if not held or target is None or not shiboken6.isValid(target):
            return
        self._replaying = True
        try:
            for ev in held:
                QApplication.sendEvent(target, ev)
        finally:
            self._replaying = False

    def _drop_held(self) -> None:
        self._give_back_timer.stop()
        self._held = []
        self._held_text = ""
        self._held_target = None
        self._held_t = None

    # -- elsewhere: any fast burst ----------------------------------------------------------
    def _elsewhere(self, event: QKeyEvent, text: str) -> bool:
        code = self.decoder.feed_key(text, key_time(event))
        if code is not None:
            self.scanned.emit(code)
            return text in TERMINATORS  # swallow the scanner's terminator
        if self.decoder.in_burst:
            self._idle.start()
            return True  # a scanner's key (its first one reached the widget: harmless here)
        if self.decoder.pending:
            self._idle.start()
        return False

    def _flush(self) -> None:
        code = self.decoder.flush()
        if code:
            self.scanned.emit(code)
        elif self.decoder.pending:
            self._idle.start()
