"""Driving the running desk as a person would: keys to whatever has focus, scans, waits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.models.outcomes import CheckinResult, Method
from kiosk.station.client import Call
from kiosk.station.desk import NotRecorded
from kiosk.storage.store import Store
from tests.helpers.reads import reads

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


def replied(qtbot: Any, shell: Any, kind: type, ok: bool = True, timeout: int = 15000) -> Any:
    """Waits for the reply to a request of `kind` (`ok`: done; else refused): the
    blocker's args[0] is its call (`.value`, `.error`)."""

    def check(call: Call[Any]) -> bool:
        return isinstance(call.request, kind) and (call.error is None) == ok

    return qtbot.waitSignal(shell.db.replied, timeout=timeout, check_params_cb=check)


def not_recorded(qtbot: Any, shell: Any, timeout: int = 20000) -> Any:
    """Waits for a scan the database could not take: args[0].error is its NotRecorded."""
    return qtbot.waitSignal(
        shell.db.replied,
        timeout=timeout,
        check_params_cb=lambda call: isinstance(call.error, NotRecorded),
    )


T = TypeVar("T")


def read(db: Path, fn: Callable[[Store], T]) -> T:
    """What the database holds, read on a connection of the test's own (not the app's)."""
    store = Store.open(db)
    try:
        return fn(store)
    finally:
        store.close()


def attendee(db: Path, attendee_id: str) -> Any:
    return read(db, lambda s: reads(s).people.attendee(attendee_id))


def log_of(db: Path) -> list[Any]:
    return read(db, lambda s: list(reads(s).log.entries()))
