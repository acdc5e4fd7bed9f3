"""Issue 20, item 2: switched to Chinese at run time, with remarks, dialogs and lists up
in English, every string a person can see is Chinese (names and codes aside): "Check-in
undone.", "New badge issued …", the walk-in's refusal, the PIN and lockout messages,
"✓ Checked in at …" in the search list, the status bar, the walk-in duplicates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.station.protocol import LikelyDuplicates, ManualCheckIn, Reprint, Undo, WalkIn
from tests.ui.conftest import badge_codes
from tests.ui.desk import CTRL, attendee, back_to, press, ready, replied, scan
from tests.ui.test_ui_zh_walk import Walk, data_words


def test_everything_in_chinese_after_switching_at_run_time(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: Any
) -> None:
    walk = Walk([*data_words(demo_db), "Zed Quill"])
    codes = badge_codes(demo_db, 3)
    shell = make_shell(demo_db, lang="en", station="desk-1")
    win = ready(qtbot, shell)

    def switch(lang: str) -> None:
        win.toggle_language()
        qtbot.waitUntil(lambda: shell.translations.lang == lang, timeout=3000)
        QApplication.processEvents()

    def to_chinese_and_look(where: str, root: QWidget | None = None) -> None:
        switch("zh")
        walk.widgets(root or win, where)
        walk.check(f"{where}: status bar", win.status.currentMessage())
        switch("en")

    # A check-in, then the person in the search list ("✓ Checked in at 09:05 (desk-1)").
    person = attendee(demo_db, codes[0][0])
    scan(qtbot, win, codes[0][1])
    press(Qt.Key.Key_F, CTRL)
    QTest.keyClicks(win.staff.search, person.email)
    qtbot.waitUntil(lambda: "✓" in (win.staff.results.item(0) or _none()).text(), timeout=5000)
    to_chinese_and_look("search list")
    assert "签到" in _in_chinese(win, shell, qtbot, lambda: win.staff.results.item(0).text())
    # Reprint: "New badge issued; the old one is revoked." on the panel and status bar.
    press(Qt.Key.Key_P, CTRL)
    dlg = win.staff.actions.reprint_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.isVisible(), timeout=3000)
    with replied(qtbot, shell, Reprint):
        QTest.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    back_to(qtbot, win)
    qtbot.waitUntil(lambda: "New badge" in win.staff.panel.notice.text(), timeout=5000)
    to_chinese_and_look("reprinted")
    assert (
        _in_chinese(win, shell, qtbot, win.staff.panel.notice.text)
        == "已签发新胸卡，旧胸卡已作废。"
    )
    # Undo: "Check-in undone."
    press(Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: win.staff.recent.count() > 0, timeout=5000)
    press(Qt.Key.Key_Z, CTRL)
    udlg = win.staff.actions.undo_dialog
    qtbot.waitUntil(lambda: udlg is not None and udlg.isVisible(), timeout=3000)
    with replied(qtbot, shell, Undo):
        QTest.mouseClick(udlg.ok, Qt.MouseButton.LeftButton)
    back_to(qtbot, win)
    qtbot.waitUntil(lambda: "undone" in win.staff.panel.notice.text(), timeout=5000)
    to_chinese_and_look("undone")
    assert _in_chinese(win, shell, qtbot, win.staff.panel.notice.text) == "已撤销签到。"
    # The walk-in refused (a malformed email), the dialog left open.
    press(Qt.Key.Key_N, CTRL)
    wdlg = win.staff.actions.walk_in_dialog
    qtbot.waitUntil(lambda: wdlg is not None and wdlg.name.hasFocus(), timeout=3000)
    QTest.keyClicks(wdlg.name, "Zed Quill")
    QTest.keyClicks(wdlg.email, "zed@quill")
    with replied(qtbot, shell, WalkIn, ok=False):
        QTest.mouseClick(wdlg.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "is not valid" in wdlg.error.text(), timeout=3000)
    to_chinese_and_look("walk-in refused", wdlg)
    assert "格式不正确" in _in_chinese(win, shell, qtbot, lambda: wdlg.error.text())
    wdlg.reject()
    back_to(qtbot, win)
    # The walk-in duplicates offered.
    other = attendee(demo_db, codes[1][0])
    press(Qt.Key.Key_N, CTRL)
    wdlg = win.staff.actions.walk_in_dialog
    qtbot.waitUntil(lambda: wdlg is not None and wdlg.name.hasFocus(), timeout=3000)
    QTest.keyClicks(wdlg.name, other.name or other.name_zh)
    with replied(qtbot, shell, LikelyDuplicates):
        QTest.mouseClick(wdlg.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(wdlg.dups.isVisible, timeout=3000)
    to_chinese_and_look("walk-in duplicates", wdlg)
    with replied(qtbot, shell, ManualCheckIn):
        QTest.mouseClick(wdlg.take, Qt.MouseButton.LeftButton)
    back_to(qtbot, win)
    # The kiosk's PIN: a wrong one, then the lockout.
    win.set_mode("kiosk")
    win.ask_pin()
    pin = win.pin_dialog
    QTest.keyClicks(pin.pin, "9999")
    QTest.keyClick(pin.pin, Qt.Key.Key_Return)
    assert "Wrong PIN" in pin.error.text()
    to_chinese_and_look("wrong PIN", pin)
    assert "密码错误" in _in_chinese(win, shell, qtbot, pin.error.text)
    for _ in range(4):
        QTest.keyClicks(pin.pin, "9999")
        QTest.keyClick(pin.pin, Qt.Key.Key_Return)
    assert "Too many" in pin.error.text()
    to_chinese_and_look("PIN locked", pin)
    assert walk.seen > 150
    assert walk.bad == {}, "\n".join(f"{w}: {t!r}" for t, w in walk.bad.items())


def _none() -> Any:
    class _Empty:
        def text(self) -> str:
            return ""

    return _Empty()


def _in_chinese(win: Any, shell: Any, qtbot: Any, read: Any) -> str:
    win.toggle_language()
    qtbot.waitUntil(lambda: shell.translations.lang == "zh", timeout=3000)
    QApplication.processEvents()
    text = str(read())
    win.toggle_language()
    qtbot.waitUntil(lambda: shell.translations.lang == "en", timeout=3000)
    return text
