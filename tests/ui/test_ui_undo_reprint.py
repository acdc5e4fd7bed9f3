"""Issue 11, items 1 and 20: undo annuls the entry the staff member chose, and says whom;
Ctrl+Z and Ctrl+P with nothing to act on say so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.station.protocol import Undo
from tests.ui.conftest import badge_codes
from tests.ui.desk import CTRL, attendee, log_of, press, ready, replied, scan


def test_selection_stays_on_the_entry_while_scans_arrive(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: Any
) -> None:
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    people = [p for p in badge_codes(demo_db, 12) if attendee(demo_db, p[0]).name_zh][:3]
    (a_id, a_code), (_b_id, b_code), (_c_id, c_code) = people
    scan(qtbot, win, a_code)
    ui_clock.advance(3)
    scan(qtbot, win, b_code)
    recent = win.staff.recent
    qtbot.waitUntil(lambda: recent.count() == 2, timeout=5000)
    press(Qt.Key.Key_R, CTRL)  # the recent scans tab
    qtbot.waitUntil(recent.isVisible, timeout=3000)
    # Select Zhang Lei's (the first scan's) row with the mouse, as at the desk.
    row = next(
        i
        for i in range(recent.count())
        if recent.item(i).data(Qt.ItemDataRole.UserRole) == recent.rows[1][0].uuid
    )
    rect = recent.visualItemRect(recent.item(row))
    QTest.mouseClick(recent.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    chosen = recent.selected()
    assert chosen is not None and chosen[0].attendee_id == a_id
    ui_clock.advance(3)
    scan(qtbot, win, c_code)  # a third scan is inserted above the selection
    qtbot.waitUntil(lambda: recent.count() == 3, timeout=5000)
    chosen = recent.selected()
    assert chosen is not None and chosen[0].attendee_id == a_id
    press(Qt.Key.Key_Z, CTRL)
    dlg = win.staff.actions.undo_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.isVisible(), timeout=3000)
    a = attendee(demo_db, a_id)
    question = dlg.question.text()
    assert a.name in question and a.name_zh in question
    assert "Opening Plenary" in question and "开幕" in question and "09:05" in question
    with replied(qtbot, shell, Undo):
        QTest.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    assert {e.attendee_id for e in log_of(demo_db) if e.annulled} == {a_id}


def test_ctrl_z_and_ctrl_p_with_nothing_to_act_on_say_so(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    shell = make_shell(demo_db, station="fresh-desk")
    win = ready(qtbot, shell)
    qtbot.waitUntil(lambda: win.staff.search.hasFocus(), timeout=3000)
    press(Qt.Key.Key_Z, CTRL)  # the search field has focus: its own undo must not take it
    notice = win.staff.panel.notice
    qtbot.waitUntil(notice.isVisible, timeout=3000)
    assert "Nothing to undo" in notice.text()
    assert win.staff.actions.undo_dialog is None
    press(Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: "Nothing to reprint" in notice.text(), timeout=3000)
    assert win.staff.actions.reprint_dialog is None


def test_reprint_confirmation_names_the_person(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    aid = next(a for a, _ in badge_codes(demo_db, 12) if attendee(demo_db, a).organization)
    p = attendee(demo_db, aid)
    QTest.keyClicks(win.staff.search, p.email)
    qtbot.waitUntil(lambda: win.staff.results.count() == 1, timeout=5000)
    press(Qt.Key.Key_P, CTRL)
    dlg = win.staff.actions.reprint_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.isVisible(), timeout=3000)
    assert p.name in dlg.question.text() and p.organization in dlg.question.text()
    assert "补打胸卡" in dlg.question.text()
    dlg.reject()
