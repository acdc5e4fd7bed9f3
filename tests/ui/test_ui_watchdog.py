"""A main-thread stall over 100 ms is logged (to Python logging, i.e. the log file)."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from ui.app.watchdog import Watchdog


def test_stall_is_logged(qtbot: Any, caplog: pytest.LogCaptureFixture) -> None:
    dog = Watchdog(threshold_ms=100)
    dog.start()
    try:
        qtbot.wait(100)  # heartbeats flow: no stall
        assert dog.stalls == []
        caplog.set_level(logging.WARNING, logger="forum_checkin.watchdog")
        QTimer.singleShot(0, dog, lambda: time.sleep(0.25))  # block the GUI thread
        qtbot.waitUntil(lambda: bool(dog.stalls), timeout=3000)
    finally:
        dog.stop()
    assert 200 <= dog.stalls[0] < 1000
    assert any("main thread stalled" in r.getMessage() for r in caplog.records)


def test_short_pauses_are_not_stalls(qtbot: Any) -> None:
    dog = Watchdog(threshold_ms=100)
    dog.start()
    try:
        QTimer.singleShot(0, dog, lambda: time.sleep(0.03))
        qtbot.wait(200)
    finally:
        dog.stop()
    assert dog.stalls == []


def test_a_stall_names_where_the_gui_thread_was(
    qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Read by faulthandler while it lasts (no frame object of the GUI thread is held)."""
    dog = Watchdog(threshold_ms=100)
    caplog.set_level(logging.WARNING, logger="forum_checkin.watchdog")

    def stalled_here() -> None:
        time.sleep(0.3)

    dog.start()
    try:
        QTimer.singleShot(0, dog, stalled_here)
        qtbot.waitUntil(lambda: bool(dog.stalls), timeout=3000)
    finally:
        dog.stop()
    messages = [r.getMessage() for r in caplog.records]
    assert any("in stalled_here" in m and "test_ui_watchdog.py" in m for m in messages), messages
