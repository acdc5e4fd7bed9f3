"""Driving the running desk as a person would: keys to whatever has focus, scans, waits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.models.outcomes import CheckinResult, Method
from kiosk.storage.store import Store

CTRL = Qt.KeyboardModifier.ControlModifier


def ready(qtbot: Any, shell: Any) -> Any:
    """The window shown, active, its database open and writable; returns the window."""
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=15000)
    qtbot.waitUntil(lambda: shell.db.state.writable, timeout=15000)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    return win


def back_to(qtbot: Any, win: QWidget) -> None:
    """After a dialog closed: the window active again (the offscreen platform does not
    reactivate it by itself, a window manager does)."""
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=3000)


def focus() -> QWidget:
    w = QApplication.focusWidget() or QApplication.activeWindow()
    assert w is not None
    return w


def press(key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key press on whatever has the keyboard focus (shortcuts included)."""
    QTest.keyClick(focus(), key, mods)


def scan(qtbot: Any, win: Any, code: str, method: Method = Method.HANDHELD) -> CheckinResult:
    with qtbot.waitSignal(win.result_shown, timeout=15000) as got:
        win.submit_code(code, method)
    result = got.args[0]
    assert isinstance(result, CheckinResult)
    return result


T = TypeVar("T")


def read(db: Path, fn: Callable[[Store], T]) -> T:
    """What the database holds, read on a connection of the test's own (not the app's)."""
    store = Store.open(db)
    try:
        return fn(store)
    finally:
        store.close()


def attendee(db: Path, attendee_id: str) -> Any:
    return read(db, lambda s: s.attendee(attendee_id))


def log_of(db: Path) -> list[Any]:
    return read(db, lambda s: list(s.log()))
