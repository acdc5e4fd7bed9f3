"""The self check-in kiosk: privacy, lock-down with the staff PIN, camera failure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit, QListView, QMessageBox, QTableView

from kiosk.models.outcomes import Method, Outcome
from tests.ui.conftest import badge_codes
from tests.ui.desk import focus, ready
from tools.screenshots.run import forge
from ui.app.settings import DEFAULT_PIN


def test_kiosk_never_shows_search_or_lists(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: Any
) -> None:
    shell = make_shell(demo_db, mode="kiosk")
    win = shell.window
    win.set_mode("kiosk")
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=10000)
    kiosk = win.kiosk
    for kind in (QLineEdit, QListView, QTableView, QComboBox):
        assert kiosk.findChildren(kind) == []
    assert not win.staff.isVisible() and not win.header.isVisible()
    # A scan greets only that attendee, by name, both languages, and says where to go.
    [(_aid, code)] = badge_codes(demo_db, 1)
    with qtbot.waitSignal(win.result_shown, timeout=10000) as got:
        win.submit_code(code, Method.CAMERA)
    res = got.args[0]
    assert res.outcome is Outcome.ADMITTED
    assert kiosk.screen_name == "result"
    shown = " ".join(w.text() for w in (kiosk.line1, kiosk.line2, kiosk.where1, kiosk.where2))
    assert (
        (res.name_zh or res.name) in shown and "Grand Ballroom" in shown and "二层大宴会厅" in shown
    )
    assert res.organization not in shown  # privacy: nothing beyond the greeting
    # A refused badge sends the person to the front desk (after the welcome's minimum time
    # and a moment of the attract screen: the next person sees their own result appear).
    with qtbot.waitSignal(win.result_shown, timeout=10000):
        win.submit_code(forge(code), Method.CAMERA)
    assert kiosk.result is not None and kiosk.result.outcome is Outcome.ADMITTED
    ui_clock.advance(3)
    qtbot.waitUntil(lambda: kiosk.screen_name != "result", timeout=5000)  # between people
    qtbot.waitUntil(
        lambda: kiosk.result is not None and kiosk.result.outcome is Outcome.FORGED_CODE,
        timeout=5000,
    )
    # Nobody's name: the kiosk's language (English) first, then Chinese.
    assert "front desk" in kiosk.where1.text() and "请前往服务台" in kiosk.where2.text()


def test_kiosk_refuses_to_quit_without_the_pin(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    shell = make_shell(demo_db)
    win = shell.window
    win.set_mode("kiosk")
    assert win.locked
    assert win.close() is False and win.isVisible()
    QTest.keyClick(win, Qt.Key.Key_Escape)
    QTest.keyClick(win, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert win.isVisible() and win.mode == "kiosk"
    win.set_mode("staff")  # the header is hidden; even a direct switch asks for the PIN
    assert win.mode == "kiosk" and win.pin_dialog is not None
    dlg = win.pin_dialog
    QTest.keyClicks(dlg.pin, "0000")
    dlg.try_pin()
    assert win.locked and "Wrong PIN" in dlg.error.text()
    QTest.keyClicks(dlg.pin, DEFAULT_PIN)
    with qtbot.waitSignal(win.mode_changed, timeout=3000):
        dlg.try_pin()
    assert not win.locked and win.mode == "staff"
    assert win.close() is False and win.close_dialog is not None  # the desk asks first
    win.close_dialog.done(QMessageBox.StandardButton.Close.value)
    assert not win.isVisible()


def test_staff_gesture_opens_the_pin_dialog(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    shell = make_shell(demo_db)
    win = shell.window
    win.set_mode("kiosk")
    win.activateWindow()
    qtbot.waitExposed(win)
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)  # an application shortcut needs it
    QTest.keyClick(
        win, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: win.pin_dialog is not None and win.pin_dialog.isVisible(), timeout=3000)
    for key in DEFAULT_PIN:
        win.pin_dialog._key(key)
    win.pin_dialog._key("OK")
    assert win.mode == "staff"


def test_camera_failure_shows_out_of_order_and_recovers(
    qtbot: Any, make_shell: Any, make_video: Any, demo_db: Path, tmp_path: Path
) -> None:
    """Without a handheld scanner, a kiosk whose camera fails takes no badge: out of order."""
    later = tmp_path / "camera-later.avi"
    shell = make_shell(demo_db, camera=str(later), camera_retry_s=0.2, handheld=False)
    win = shell.window
    win.set_mode("kiosk")
    qtbot.waitUntil(lambda: win.kiosk.screen_name == "out_of_order", timeout=10000)
    assert "front desk" in " ".join(
        lab.text() for lab in win.kiosk.broken.findChildren(type(win.kiosk.line1))
    )
    assert win.staff.cam_status.level == "bad"
    [(_aid, code)] = badge_codes(demo_db, 1)
    make_video([code], name=later.name)  # the camera comes back
    qtbot.waitUntil(lambda: win.kiosk.screen_name != "out_of_order", timeout=10000)
    assert shell.camera is not None and shell.camera.state == "running"


def test_a_kiosk_with_a_handheld_and_no_camera_takes_scans(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: Any
) -> None:
    """Issue 20: no camera, a handheld scanner: "Scan your badge", and a scan is greeted;
    out of order only when the database goes away too."""
    [(aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db, camera=None)
    win = ready(qtbot, shell)
    win.set_mode("kiosk")
    assert win.kiosk.screen_name == "attract"
    assert (win.kiosk.invite_en.text(), win.kiosk.invite_zh.text()) == (
        "Scan your badge", "请扫描您的胸卡",
    )  # fmt: skip
    assert not win.kiosk.preview.isVisible()
    with qtbot.waitSignal(win.result_shown, timeout=15000) as got:
        for ch in code:
            ui_clock.advance(0.005)
            QTest.keyClicks(focus(), ch)
        ui_clock.advance(0.005)
        QTest.keyClick(focus(), Qt.Key.Key_Return)
    assert got.args[0].attendee_id == aid
    assert win.kiosk.screen_name == "result" and win.kiosk.result is not None
    win.kiosk.set_database_ok(False)
    assert win.kiosk.screen_name == "out_of_order"
    win.kiosk.set_database_ok(True)
    win.kiosk.show_attract()
    assert win.kiosk.screen_name == "attract"
    win.kiosk.set_handheld_ok(False)
    assert win.kiosk.screen_name == "out_of_order"


def test_a_repeat_at_the_kiosk_is_answered_every_time_but_a_camera_echo(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: Any
) -> None:
    """Issue 20: a handheld scan at the kiosk of someone already in: "Already checked in at
    09:05 at …" each time; the camera seeing the same badge again is not news."""
    [(_aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db, camera=None)
    win = ready(qtbot, shell)
    win.set_mode("kiosk")
    shown: list[Any] = []
    present = win.kiosk._present
    win.kiosk._present = lambda r: (shown.append(r), present(r))
    for _ in range(3):
        ui_clock.advance(3.0)  # past the shown one's minimum time
        with qtbot.waitSignal(win.result_shown, timeout=15000):
            win.kiosk.submit_code(code, Method.HANDHELD)
        qtbot.wait(50)
    assert [r.outcome for r in shown] == [
        Outcome.ADMITTED, Outcome.ALREADY_CHECKED_IN, Outcome.ALREADY_CHECKED_IN,
    ]  # fmt: skip
    assert "Already checked in at 09:05 at" in win.kiosk.line2.text()
    assert "已于 09:05 在" in win.kiosk.line2.text()
    ui_clock.advance(3.0)
    with qtbot.waitSignal(win.result_shown, timeout=15000):
        win.kiosk.submit_code(code, Method.CAMERA)
    qtbot.wait(50)
    assert len(shown) == 3  # the camera's echo: recorded, not shown again
