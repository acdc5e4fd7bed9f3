"""Issue 10 in the GUI: a matchmaking check-in shows the next meeting at the desk and the
kiosk (both languages, "already at the table" once the counterpart is here); the dashboard's
matchmaking panel lists the due meetings with a party missing first, and marking one held
(confirmed, run in the station child) updates its counts."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Method, Outcome
from kiosk.station.errors import StationFailed
from kiosk.station.process import StationProcess
from kiosk.station.protocol import RematchMeeting, Snapshot
from kiosk.station.snapshot import DashboardSnapshot
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.test_badges import pdf_text
from tests.ui.desk import ready, scan
from tests.ui.test_ui_zh_walk import Walk, data_words
from ui.app.i18n import Translations
from ui.bridge.desk import DeskLink
from ui.dashboard import DashboardSource, DashboardView
from ui.desk.printing import available_printers

# The demo's first meeting (kiosk.demo.schedule, seed 7): 14:00 at table 1.
HARRIS, ZHOU = "X07DJ13N", "1JKA792G"  # James Harris (Form Energy) and 周秀英 (LONGi)
HALL = "T898PBSK"  # Thomas Hall: may attend matchmaking, no meeting booked
ZHOU_EN = "Your next meeting: 14:00, table 1, with Form Energy (James Harris)"
ZHOU_ZH = "您的下一场洽谈：14:00，1号桌，Form能源公司（詹姆斯·哈里斯）"
HARRIS_EN = "Your next meeting: 14:00, table 1, with LONGi Green Energy (Zhou Xiuying)"
HARRIS_ZH = "您的下一场洽谈：14:00，1号桌，隆基绿能科技股份有限公司（周秀英）"


def codes(db: Path, *ids: str) -> list[str]:
    store = Store.open(db)
    try:
        svc = CheckinService(store, at("07:30"), rng=random.Random(3))
        return [svc.badge_code(i) for i in ids]
    finally:
        store.close()


@pytest.fixture
def mm_clock() -> ManualClock:
    return at("13:55")


def test_desk_and_kiosk_show_the_next_meeting(
    qtbot: QtBot, make_shell: Any, demo_db: Path, mm_clock: ManualClock
) -> None:
    zhou, harris, hall = codes(demo_db, ZHOU, HARRIS, HALL)
    # In Chinese: the meeting lines are bilingual by design, the rest of the day Chinese.
    shell = make_shell(
        demo_db, clock=mm_clock, session_id="matchmaking", station="desk-1", lang="zh"
    )
    win = ready(qtbot, shell)
    assert win.ctx.session_id == "matchmaking"
    r = scan(qtbot, win, zhou)
    assert r.outcome is Outcome.ADMITTED
    box = win.staff.panel.meeting
    assert box.isVisible()
    assert (box.next_en.text(), box.next_zh.text()) == (ZHOU_EN, ZHOU_ZH)
    assert not box.arrived.isVisible()  # James Harris is not here yet
    # The rest of the day, unless the screen is short (then the slip has it).
    assert box.later.isVisible() == box.rest_of_day
    assert not box.rest_of_day or "Later today" in box.later.text()
    # Staff print her schedule slip (no printer here: the PDF is saved, and said so).
    assert win.staff.print_slip.isVisible()  # "with the schedule slip", for badges
    assert box.slip_btn.isVisible() and box.slip_btn.text() == (
        "Print schedule slip · 打印洽谈日程 (Ctrl+Shift+P)"
    )
    with qtbot.waitSignal(win.ctx.printing.printed, timeout=20000) as printed:
        QTest.keyClick(win, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    aid, message = printed.args
    assert aid == ZHOU, message
    if not available_printers():
        assert "No printer: Schedule slip of" in message and "洽谈日程已另存为PDF" in message
        saved = Path(message.split(" saved as PDF to ")[1].split(" · ")[0])
        assert saved.name == f"slip-{ZHOU}.pdf" and "周秀英" in pdf_text(saved)
    # The other party checks in: his line says that she is already at the table.
    mm_clock.advance(60)
    r = scan(qtbot, win, harris, Method.CAMERA)
    assert (box.next_en.text(), box.next_zh.text()) == (HARRIS_EN, HARRIS_ZH)
    assert box.arrived.isVisible()
    assert box.arrived.text() == "✓ already at the table · 对方已到"
    later = box.later.text().splitlines()  # in the UI language (Chinese here)
    if not box.rest_of_day:
        assert not box.later.isVisible()
    elif box.compact:  # a short panel: times and tables on one line
        assert later[0].startswith("今日其余洽谈 · Later today: ") and "号桌" in later[0]
    else:
        assert later[0] == "Later today · 今日其余洽谈" and all("号桌" in x for x in later[1:])
    walk = Walk([*data_words(demo_db), "Later today", "already at the table"])
    walk.widgets(win, "matchmaking check-in")
    assert walk.bad == {}
    # Nobody to meet: a small line says so, nothing else.
    mm_clock.advance(30)
    assert scan(qtbot, win, hall).meetings == ()
    assert box.isVisible() and box.none.text() == "No meetings booked · 未安排洽谈"
    assert not box.next_en.isVisible() and not box.later.isVisible()
    win.staff.panel.clear()  # the panel clears by itself: the box goes with it
    assert not box.isVisible()

    # The kiosk: the attendee's language first (Chinese for 周秀英), counterpart here.
    win.set_mode("kiosk")
    mm_clock.advance(30)
    with qtbot.waitSignal(win.result_shown, timeout=15000):
        win.submit_code(zhou, Method.SELF)
    kiosk = win.kiosk
    qtbot.waitUntil(lambda: kiosk.screen_name == "result", timeout=5000)
    assert kiosk.meeting1.isVisible() and kiosk.meeting2.isVisible()
    assert kiosk.meeting1.text() == f"{ZHOU_ZH}（对方已到）"
    assert kiosk.meeting2.text() == f"{ZHOU_EN} — already at the table"


@pytest.fixture
def dash(qtbot: QtBot, demo_db: Path, mm_clock: ManualClock) -> Iterator[DashboardView]:
    link = DeskLink(StationProcess(demo_db), mm_clock)  # the desk session writes the marks
    link.start()
    source = DashboardSource(link, mm_clock, interval_ms=50)
    view = DashboardView(source, mm_clock)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    yield view
    view.shutdown()
    link.stop()


def test_dashboard_panel_lists_due_meetings_first_and_marking_updates_counts(
    qtbot: QtBot, dash: DashboardView, demo_db: Path, mm_clock: ManualClock
) -> None:
    # Zhou (MM-01, table 1) and Liu Yong (MM-03, table 3) are here; their counterparts not.
    store = Store.open(demo_db)
    svc = CheckinService(store, mm_clock)
    for aid in (ZHOU, "7M8Y42WF"):
        mm_clock.advance(20)
        assert svc.check_in(svc.badge_code(aid), "matchmaking").outcome is Outcome.ADMITTED
    store.close()
    mm_clock.advance(20)
    panel = dash.matchmaking
    dash.source.refresh()
    qtbot.waitUntil(
        lambda: dash.snapshot is not None and dash.snapshot.board is not None, timeout=10_000
    )
    qtbot.waitUntil(lambda: panel.due_table.rowCount() > 0, timeout=10_000)
    assert panel.isVisible()
    due = [s.meeting_id for s in panel.due()]
    # Every 14:00 meeting has a party missing: soonest first, then by table (2 before 10).
    assert due[:5] == ["MM-01", "MM-02", "MM-03", "MM-04", "MM-05"]
    t = panel.due_table
    assert [t.item(r, 1).text() for r in range(5)] == [f"table {i}" for i in range(1, 6)]
    assert t.item(0, 0).text() == "14:00"
    assert t.item(0, 2).text() == "James Harris (Form Energy)"  # who is missing
    assert t.item(0, 3).text() == "Zhou Xiuying (LONGi Green Energy)"  # who is waiting
    assert t.item(0, 4).text().startswith("waiting since 13:55")
    assert panel.count_labels["waiting"].text() == "Waiting  2"
    assert panel.count_labels["held"].text() == "Held  0"
    assert not panel.held_button.isEnabled()  # nothing selected

    # Select MM-01 with a click, mark it held, confirm.
    rect = t.visualItemRect(t.item(0, 2))
    QTest.mouseClick(t.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.selected() is not None and panel.selected().meeting_id == "MM-01"
    QTest.mouseClick(panel.held_button, Qt.MouseButton.LeftButton)
    box = panel.confirm_box
    assert box is not None and box.isVisible()
    assert "Mark meeting MM-01 (14:00, table 1) as held?" in box.text()
    assert "将洽谈 MM-01（14:00，1号桌）标记为已举行？" in box.text()
    QTest.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.count_labels["held"].text() == "Held  1", timeout=10_000)
    assert panel.count_labels["waiting"].text() == "Waiting  1"
    assert "MM-01" not in [s.meeting_id for s in panel.due()]
    assert "marked held" in panel.message.text()
    # What the station child recorded (asked through it: no connection in this process).
    client = dash.source.db.client
    marks = client.ask(Snapshot("", mm_clock.now()))
    assert isinstance(marks, DashboardSnapshot) and marks.board is not None
    assert marks.board.counts.held == 1

    # Re-match Liu Yong, waiting at table 3, into the first free table and slot.
    row = next(r for r, s in enumerate(panel.due()) if s.meeting_id == "MM-03")
    QTest.mouseClick(
        t.viewport(), Qt.MouseButton.LeftButton, pos=t.visualItemRect(t.item(row, 0)).center()
    )
    assert panel.rematch_button.isEnabled()
    QTest.mouseClick(panel.rematch_button, Qt.MouseButton.LeftButton)
    box = panel.confirm_box
    assert box is not None and "Re-match the waiting party of meeting MM-03" in box.text()
    QTest.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Re-matched MM-03" in panel.message.text(), timeout=10_000)
    with pytest.raises(StationFailed, match="already re-matched \\(to MM-03-R1\\)"):
        client.ask(RematchMeeting("MM-03", "dashboard", mm_clock.now()))
    qtbot.waitUntil(lambda: "MM-03" not in [s.meeting_id for s in panel.due()], timeout=10_000)

    # In Chinese the panel follows the switch.
    tr = Translations(QApplication.instance())
    try:
        tr.switch("zh")
        qtbot.waitUntil(lambda: panel.count_labels["held"].text() == "已洽谈  1", timeout=5000)
        assert panel.held_button.text() == "标记已举行"
        assert panel.due_table.item(0, 1).text().endswith("号桌")
        walk = Walk([*data_words(demo_db), "MM"])
        walk.widgets(panel, "matchmaking panel")
        assert walk.bad == {}
    finally:
        tr.switch("en")
