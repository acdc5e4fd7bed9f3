"""Issue 20, item 7: Ctrl+Shift+P prints the schedule slip of the person selected or the
last one checked in (after the result has cleared too), or says why not; closing the desk
(Alt+F4, the title bar) asks first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from kiosk.models.clock import ManualClock
from tests.helpers.clocks import at
from tests.ui.desk import press, ready, scan
from tests.ui.test_ui_meetings import HALL, ZHOU, codes

SHIFT_CTRL = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def ui_clock() -> ManualClock:
    return at("13:55")


def test_the_slip_of_the_last_person_after_the_result_cleared(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    zhou, hall = codes(demo_db, ZHOU, HALL)
    shell = make_shell(demo_db, session_id="matchmaking", station="desk-1")
    win = ready(qtbot, shell)
    notice = win.staff.panel.notice
    press(Qt.Key.Key_P, SHIFT_CTRL)  # nobody yet: says why
    qtbot.waitUntil(lambda: "No schedule slip to print" in notice.text(), timeout=3000)
    scan(qtbot, win, zhou)
    win.staff.panel.clear()  # the result went ("Ready to scan")
    assert not win.staff.panel.meeting.slip_btn.isVisible()
    with qtbot.waitSignal(win.ctx.printing.printed, timeout=20000) as printed:
        press(Qt.Key.Key_P, SHIFT_CTRL)
    assert printed.args[0] == ZHOU
    ui_clock.advance(30)
    scan(qtbot, win, hall)  # no meetings booked: the print desk says so
    messages: list[str] = []
    win.status.messageChanged.connect(messages.append)
    press(Qt.Key.Key_P, SHIFT_CTRL)
    qtbot.waitUntil(lambda: any("No meetings on the schedule" in m for m in messages),
                    timeout=10000)  # fmt: skip


def test_closing_the_desk_asks_first(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    assert win.close() is False and win.isVisible()  # Alt+F4 / the × go through close
    box = win.close_dialog
    qtbot.waitUntil(lambda: box is not None and box.isVisible(), timeout=3000)
    assert "takes no scans" in box.text()
    QTest.keyClick(box, Qt.Key.Key_Escape)  # Cancel: the desk stays
    qtbot.waitUntil(lambda: win.close_dialog is None, timeout=3000)
    assert win.isVisible()
    assert win.close() is False
    box = win.close_dialog
    qtbot.waitUntil(lambda: box is not None and box.isVisible(), timeout=3000)
    QTest.mouseClick(box.button(QMessageBox.StandardButton.Close), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=3000)
    QApplication.processEvents()
