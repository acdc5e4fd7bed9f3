"""The staff desk over a real database and a real badge video (camera = a video file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Method, Outcome
from kiosk.station.protocol import CheckIn, Reprint, Undo
from kiosk.storage.store import Store
from tests.helpers.reads import reads
from tests.ui.conftest import badge_codes
from tests.ui.desk import replied
from tools.screenshots.run import forge


def admitted_ids(db: Path, session: str = "opening") -> set[str]:
    store = Store.open(db)
    try:
        return {row.attendee.attendee_id for row in reads(store).presence.attendance(session)}
    finally:
        store.close()


def attendee(db: Path, attendee_id: str) -> Any:
    store = Store.open(db)
    try:
        return reads(store).people.attendee(attendee_id)
    finally:
        store.close()


def test_camera_scan_admits_then_amber(
    qtbot: Any, make_shell: Any, make_video: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    [(aid, code)] = badge_codes(demo_db, 1)
    video = make_video([code])
    shell = make_shell(demo_db, camera=str(video))
    win = shell.window
    with qtbot.waitSignal(win.result_shown, timeout=15000) as first:
        pass
    res = first.args[0]
    assert res.outcome is Outcome.ADMITTED and res.attendee_id == aid
    person = attendee(demo_db, aid)
    panel = win.staff.panel
    assert panel.state == "ok"
    assert panel.name.text() == person.name and panel.name_zh.text() == person.name_zh
    assert "Checked in" in panel.reason.text() and "签到成功" in panel.reason.text()
    assert aid in admitted_ids(demo_db)
    assert win.staff.preview.frames > 0  # the preview got frames
    # The looping video shows the badge again; after the debounce interval it is a new scan,
    # recorded, but it does not replace the person's welcome (the camera's echo).
    ui_clock.advance(5)
    with qtbot.waitSignal(win.result_shown, timeout=15000) as second:
        pass
    assert second.args[0].outcome is Outcome.ALREADY_CHECKED_IN
    assert panel.state == "ok" and panel.result is not None
    assert panel.result.log_uuid == res.log_uuid
    # Long after, the same badge again is news: amber.
    ui_clock.advance(90)
    with qtbot.waitSignal(win.result_shown, timeout=15000) as third:
        pass
    assert third.args[0].outcome is Outcome.ALREADY_CHECKED_IN
    assert panel.state == "warn"
    assert "已签到" in panel.title_zh.text()


def test_forged_code_is_red_and_admits_nobody(
    qtbot: Any, make_shell: Any, make_video: Any, demo_db: Path
) -> None:
    [(aid, code)] = badge_codes(demo_db, 1)
    before = admitted_ids(demo_db)
    shell = make_shell(demo_db, camera=str(make_video([forge(code)])))
    with qtbot.waitSignal(shell.window.result_shown, timeout=15000) as got:
        pass
    assert got.args[0].outcome is Outcome.FORGED_CODE
    assert shell.window.staff.panel.state == "refuse"
    assert "胸卡无效" in shell.window.staff.panel.title_zh.text()
    assert shell.window.staff.panel.name.text() == ""  # nobody's data on a forgery
    assert admitted_ids(demo_db) == before and aid not in before


def test_handheld_burst_reaches_the_service_while_search_has_focus(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    [(aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db)
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=10000)
    win.activateWindow()
    win.staff.focus_search()
    search = win.staff.search
    qtbot.waitUntil(lambda: QApplication.focusWidget() is search, timeout=3000)
    for ch in "wan":  # a person typing: keys 200 ms apart
        QTest.keyClicks(search, ch)
        ui_clock.advance(0.2)
    with qtbot.waitSignal(win.result_shown, timeout=10000) as got:
        for ch in code:  # the scanner's burst, 5 ms a key, into the focused field
            QTest.keyClicks(search, ch)
            ui_clock.advance(0.005)
        QTest.keyClick(search, Qt.Key.Key_Return)
    assert got.args[0].outcome is Outcome.ADMITTED and got.args[0].attendee_id == aid
    assert search.text() == "wan"  # the scan did not pollute the search
    assert aid in admitted_ids(demo_db)


def test_search_then_manual_check_in_by_keyboard(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    shell = make_shell(demo_db)
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=10000)
    people = [attendee(demo_db, aid) for aid, _ in badge_codes(demo_db, 12)]
    target = next(p for p in people if p.name and p.name_zh)

    def listed() -> list[str]:
        res = win.staff.results
        return [res.item(i).data(Qt.ItemDataRole.UserRole) for i in range(res.count())]

    win.staff.search.setText(target.name_zh)  # Chinese arrives by input method, not keys
    qtbot.waitUntil(lambda: target.attendee_id in listed(), timeout=5000)
    win.staff.search.clear()
    win.staff.focus_search()
    QTest.keyClicks(win.staff.search, target.name)
    qtbot.waitUntil(lambda: target.attendee_id in listed(), timeout=5000)
    ids = listed()
    win.staff.results.setCurrentRow(ids.index(target.attendee_id))
    with qtbot.waitSignal(win.result_shown, timeout=10000) as got:
        QTest.keyClick(win.staff.results, Qt.Key.Key_Return)
    assert got.args[0].attendee_id == target.attendee_id
    assert got.args[0].outcome is Outcome.ADMITTED
    assert target.attendee_id in admitted_ids(demo_db)


def test_undo_last_check_in_with_a_reason(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    [(aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db)
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=10000)
    with qtbot.waitSignal(win.result_shown, timeout=10000):
        win.submit_code(code, Method.HANDHELD)
    qtbot.waitUntil(lambda: bool(win.staff.recent.rows), timeout=5000)
    win.staff.actions.undo_selected()
    dlg = win.staff.actions.undo_dialog
    dlg.reason.setText("wrong person")
    with replied(qtbot, shell, Undo) as undone:
        dlg._ok()
    assert undone.args[0].value.reason == "wrong person"
    assert aid not in admitted_ids(demo_db)
    store = Store.open(demo_db)
    try:
        entries = list(reads(store).log.entries("opening"))
    finally:
        store.close()
    assert any(e.annulled and e.attendee_id == aid for e in entries)


def test_walk_in_registration_creates_attendee_and_checks_in(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    shell = make_shell(demo_db)
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=10000)
    win.staff.actions.open_walk_in()
    dlg = win.staff.actions.walk_in_dialog
    dlg._submit()  # no name: refused with a message, nothing sent
    assert "required" in dlg.error.text() and dlg.isVisible()
    dlg.name.setText("Grace Hopper")
    dlg.name_zh.setText("格蕾丝·霍珀")
    dlg.org.setText("Walk-in Energy LLC")
    dlg.email.setText("grace.walkin@example.com")
    with qtbot.waitSignal(win.result_shown, timeout=10000) as got:
        dlg._submit()
    res = got.args[0]
    assert res.outcome is Outcome.ADMITTED and res.name == "Grace Hopper"
    qtbot.waitUntil(lambda: win.staff.actions.last_print is not None, timeout=15000)
    assert win.staff.actions.last_print[0] == res.attendee_id
    store = Store.open(demo_db)
    try:
        a = reads(store).people.find("grace.walkin@example.com")
        assert a is not None and a.walk_in
        # No printer here: the badge PDF is saved and no print is logged, so the desk
        # can still print it once a printer is connected.
        assert "PDF" in win.staff.actions.last_print[1]
        assert reads(store).people.prints(a.attendee_id) == []
    finally:
        store.close()


def test_reprint_revokes_the_old_badge(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    from kiosk.models.outcomes import Method

    [(aid, old_code)] = badge_codes(demo_db, 1)
    person = attendee(demo_db, aid)
    shell = make_shell(demo_db)
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=10000)
    win.staff.search.setText(person.email)
    qtbot.waitUntil(lambda: win.staff.results.count() == 1, timeout=5000)
    win.staff.actions.reprint_selected()
    dlg = win.staff.actions.reprint_dialog
    with replied(qtbot, shell, Reprint) as got:
        dlg._ok()
    new_code = got.args[0].value
    assert new_code != old_code
    # The new badge is prepared for printing first, on the same lane: on a loaded machine
    # its drawing and schedule slip take seconds before the scan's turn comes.
    with qtbot.waitSignal(win.result_shown, timeout=30000) as old:
        win.submit_code(old_code, Method.HANDHELD)
    assert old.args[0].outcome is Outcome.REVOKED_BADGE
    with qtbot.waitSignal(win.result_shown, timeout=10000) as new:
        win.submit_code(new_code, Method.HANDHELD)
    assert new.args[0].outcome is Outcome.ADMITTED


def test_language_switches_at_run_time(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    shell = make_shell(demo_db)
    win = shell.window
    assert win.staff.checkin_btn.text().startswith("Check in")
    win.toggle_language()
    qtbot.waitUntil(lambda: "签到" in win.staff.checkin_btn.text(), timeout=3000)
    assert win.mode_buttons["staff"].text() != "Staff desk"
    win.toggle_language()
    qtbot.waitUntil(lambda: win.staff.checkin_btn.text().startswith("Check in"), timeout=3000)


def test_database_write_failure_shows_red_not_recorded(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    [(_aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db)
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=10000)
    with replied(qtbot, shell, CheckIn, ok=False) as failed:
        # An unknown session makes the service refuse the write: the desk must say so.
        win.ctx.session_id = "no-such-session"
        win.submit_code(code, Method.HANDHELD)
    call = failed.args[0]
    assert call.request.operation == "check-in" and "no-such-session" in call.error.message
    assert win.staff.panel.state == "error"
    assert "未能记录" in win.staff.panel.title_zh.text()


def test_print_on_first_check_in_only_once(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_home: Path
) -> None:
    [(aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db, print_on_checkin=True)
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=10000)
    with qtbot.waitSignal(shell.printing.printed, timeout=30000) as printed:  # a loaded machine
        win.submit_code(code, Method.HANDHELD)
    assert printed.args[0] == aid and "PDF" in printed.args[1]  # no printer here: saved
    assert list((ui_home / "badges").glob(f"badge-{aid}-*.pdf"))
    with qtbot.waitSignal(win.result_shown, timeout=10000):
        win.submit_code(code, Method.HANDHELD)  # already checked in: no second print
    qtbot.wait(300)
    store = Store.open(demo_db)
    try:
        assert (
            reads(store).people.prints(aid) == []
        )  # only prints that reached a printer are logged
    finally:
        store.close()
