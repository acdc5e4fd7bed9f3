"""Issue 20, item 6: a walk-in who is already registered ("Andrew Clark, PNNL" while
Andrew Clark of the Pacific Northwest National Laboratory is registered) is offered at the
desk before anyone is registered twice; registered anyway, they are a possible duplicate.

Real keystrokes at a typist's pace (60 ms a key, the injected clock advanced)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendeeInput, LogKind
from kiosk.station.protocol import LikelyDuplicates, ManualCheckIn, WalkIn
from kiosk.storage.conflicts import ConflictKind, conflicts
from tests.helpers.clocks import at
from tests.ui.desk import CTRL, log_of, press, read, ready, replied
from tests.ui.test_ui_handheld_typing import enter, type_text

CLARK = AttendeeInput(
    name="Andrew Clark", name_zh="安德鲁·克拉克",
    organization="Pacific Northwest National Laboratory", organization_zh="西北太平洋国家实验室",
    email="andrew.clark@pnnl.example", category="speaker",
)  # fmt: skip


def registered_clark(db: Path) -> str:
    from kiosk.checkin.service import CheckinService

    def add(store: Any) -> str:
        return str(CheckinService(store, at("08:00")).walk_in(CLARK).attendee.attendee_id)

    aid = read(db, add)
    read(db, lambda s: s.conn.execute("UPDATE attendees SET walk_in = 0 WHERE attendee_id = ?",
                                      (aid,)))  # fmt: skip
    return aid


def open_walk_in(qtbot: Any, win: Any, clock: ManualClock, name: str, org: str) -> Any:
    press(Qt.Key.Key_N, CTRL)
    dlg = win.staff.actions.walk_in_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.name.hasFocus(), timeout=3000)
    type_text(clock, name, 0.06)
    dlg.org.setFocus()
    qtbot.waitUntil(dlg.org.hasFocus, timeout=2000)
    type_text(clock, org, 0.06)
    return dlg


def test_the_registered_person_is_offered_and_checked_in_instead(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    aid = registered_clark(demo_db)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    dlg = open_walk_in(qtbot, win, ui_clock, "andrew clark", "PNNL")
    assert [sid for sid, _ in dlg.session_boxes] == [
        "opening", "energy-transition", "green-finance", "showcase"]  # fmt: skip
    before = len(log_of(demo_db))
    with replied(qtbot, shell, LikelyDuplicates):
        enter(ui_clock, 0.06)
    qtbot.waitUntil(dlg.dups.isVisible, timeout=3000)
    assert dlg.dups.count() == 1 and dlg.take.isVisible()
    row = dlg.dups.item(0).text()
    assert "Andrew Clark" in row and "Pacific Northwest National Laboratory" in row
    assert "(same organization)" in row
    assert dlg.ok.text() == "Register as a new person anyway"
    assert dlg.dups.hasFocus()  # Enter now takes the person offered
    with replied(qtbot, shell, ManualCheckIn) as got:
        enter(ui_clock, 0.06)
    result = got.args[0].value
    assert result.outcome is Outcome.ADMITTED and result.attendee_id == aid
    qtbot.waitUntil(lambda: win.staff.actions.walk_in_dialog is None, timeout=3000)
    assert not [e for e in log_of(demo_db)[before:] if e.kind is LogKind.WALK_IN]


def test_registered_anyway_is_a_possible_duplicate(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    aid = registered_clark(demo_db)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    dlg = open_walk_in(qtbot, win, ui_clock, "Andrew Clark", "PNNL")
    with replied(qtbot, shell, LikelyDuplicates):
        QTest.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dlg.dups.isVisible, timeout=3000)
    with replied(qtbot, shell, WalkIn) as done:  # the second, deliberate press
        QTest.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    new = done.args[0].value.attendee.attendee_id
    found = read(demo_db, lambda s: [c for c in conflicts(s.conn)
                                     if c.kind is ConflictKind.POSSIBLE_DUPLICATE])  # fmt: skip
    assert [(c.attendee_id, c.other) for c in found] == [(new, aid)]


def test_a_changed_name_is_looked_up_again(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    registered_clark(demo_db)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    dlg = open_walk_in(qtbot, win, ui_clock, "Andrew Clark", "")
    with replied(qtbot, shell, LikelyDuplicates):
        QTest.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dlg.dups.isVisible, timeout=3000)
    dlg.name.setFocus()
    qtbot.waitUntil(dlg.name.hasFocus, timeout=2000)
    type_text(ui_clock, "son", 0.06)  # Andrew Clarkson: nobody registered by that name
    with replied(qtbot, shell, WalkIn) as done:
        with replied(qtbot, shell, LikelyDuplicates) as asked:
            QTest.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
        assert asked.args[0].value == []
    assert done.args[0].value.attendee.name == "Andrew Clarkson"


def test_a_full_session_is_named_in_the_walk_in_dialog(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    from dataclasses import replace

    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    qtbot.waitUntil(lambda: bool(win.staff.stats), timeout=5000)
    # The counts as the desk last read them, the sub-forum at its capacity.
    win.staff.stats = [
        replace(st, capacity=st.registered) if st.session_id == "energy-transition" else st
        for st in win.staff.stats
    ]
    press(Qt.Key.Key_N, CTRL)
    dlg = win.staff.actions.walk_in_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.isVisible(), timeout=3000)
    assert dlg.full_note.isVisible()
    assert dlg.full_note.text().startswith("Energy Transition Sub-forum · 能源转型分论坛 is full")
    dlg.reject()
