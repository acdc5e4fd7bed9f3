"""Issue 11, items 5, 9 and 19: `--mode dashboard` opens the dashboard; shortcuts work from
the first frame; the window fits a 1366×768 screen and is placed on it after the kiosk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from tests.ui.desk import CTRL, press

SMALL = (1366, 768 - 68)  # a 1366×768 laptop less a panel and the title bar


def test_mode_dashboard_opens_the_dashboard(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    shell = make_shell(demo_db, mode="dashboard")
    win = shell.window
    qtbot.waitUntil(lambda: win.dashboard is not None, timeout=15000)
    assert win.mode == "dashboard" and win.stack.currentWidget() is win.dash_holder
    assert win.dashboard.isVisible() and not win.staff.isVisible()


def test_shortcuts_work_from_the_first_frame(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    shell = make_shell(demo_db)
    win = shell.window
    qtbot.waitUntil(lambda: shell.db.state.writable, timeout=15000)
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    # Nothing clicked: whatever Qt gave the focus to, Ctrl+N opens the walk-in form.
    press(Qt.Key.Key_N, CTRL)
    dlg = win.staff.actions.walk_in_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.isVisible(), timeout=3000)
    dlg.reject()
    qtbot.waitUntil(lambda: win.staff.actions.walk_in_dialog is None, timeout=3000)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=3000)
    win.lang_btn.setFocus()  # the header's button (outside the desk) has the focus
    press(Qt.Key.Key_F, CTRL)
    qtbot.waitUntil(win.staff.search.hasFocus, timeout=3000)


def _outside(win: QWidget) -> list[str]:
    """Buttons and fields of the shown page not fully inside the window."""
    frame = QRect(QPoint(0, 0), win.size())
    bad = []
    for w in win.findChildren(QWidget):
        if not w.isVisible() or not isinstance(w, QAbstractButton | QWidget):
            continue
        if not isinstance(w, QAbstractButton) and w.objectName() not in ("SearchField",):
            continue
        r = QRect(w.mapTo(win, QPoint(0, 0)), w.size())
        if not frame.contains(r):
            bad.append(f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r} at {r}")
    return bad


def test_the_desk_fits_a_1366_by_768_screen(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    shell = make_shell(demo_db)
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=15000)
    hint = win.minimumSizeHint()
    assert hint.width() <= SMALL[0] and hint.height() <= SMALL[1], hint
    win.resize(*SMALL)
    qtbot.waitUntil(lambda: (win.width(), win.height()) == SMALL, timeout=3000)
    QApplication.processEvents()
    assert _outside(win) == []
    for mode in ("dashboard", "staff"):
        win.set_mode(mode)
        QApplication.processEvents()
        assert _outside(win) == [], mode


def test_after_the_kiosk_the_window_is_placed_on_the_screen(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    from ui.app.settings import DEFAULT_PIN

    shell = make_shell(demo_db, fullscreen_kiosk=True)
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=15000)
    win.move(5000, 4000)  # somewhere off screen before the kiosk
    win.set_mode("kiosk")
    win.set_mode("staff")
    dlg = win.pin_dialog
    assert dlg is not None
    for k in DEFAULT_PIN:
        dlg._key(k)
    dlg._key("OK")
    assert win.mode == "staff"
    avail = win.screen().availableGeometry()
    geo = win.frameGeometry()
    assert avail.contains(geo.topLeft()), (avail, geo)
    hint = win.minimumSizeHint()
    assert hint.height() <= win.height() <= avail.height()
    assert hint.width() <= win.width() <= max(hint.width(), avail.width())


def test_every_screen_of_the_registry_is_a_button_a_key_and_a_mode(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    from PySide6.QtTest import QTest

    from ui.app.appcli import app_group
    from ui.app.screens import SCREENS, named

    mode = next(p for p in app_group().params if p.name == "mode")
    assert list(mode.type.choices) == [s.name for s in SCREENS]  # type: ignore[attr-defined]
    shell = make_shell(demo_db, fullscreen_kiosk=False)
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=15000)
    for s in reversed(SCREENS):  # the shown one (the first) last
        if s.locks:
            continue  # the kiosk: tested with its PIN in test_ui_kiosk
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow, timeout=3000)
        QTest.keyClick(win, getattr(Qt.Key, f"Key_{s.key}"))
        assert win.mode == s.name and win.stack.currentWidget() is win.pages[s.name]
        assert (
            win.mode_buttons[s.name].isChecked() and win.mode_buttons[s.name].text() == s.label[0]
        )
    shell.translations.switch("zh")
    qtbot.waitUntil(
        lambda: win.mode_buttons["staff"].text() == named("staff").label[1], timeout=3000
    )
    shell.translations.switch("en")
    with pytest.raises(ValueError):
        win.set_mode("no-such-screen")
