"""Issue 11, items 2 and 11: a person typing fast into a form is not a scanner, and a
scanner's burst interrupted by a stall of the GUI thread is still one code.

Keys go to whatever has the keyboard focus, one at a time, the injected clock advanced
between them (20, 40, 60 and 120 ms: fast typists; 5 ms: a handheld scanner)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogKind
from kiosk.station.protocol import WalkIn
from tests.ui.conftest import badge_codes
from tests.ui.desk import CTRL, focus, log_of, press, ready, replied

FORM = {
    "name": "Grace Lin",
    "name_zh": "",
    "org": "Sunrise Solar & Storage",
    "org_zh": "",
    "title_edit": "Founder, FC1 Fund",
    "email": "grace.lin@sunrise-solar.com",
    "phone": "+1 415 555 0100",
    "notes": "Fluent in Mandarin; F:C1 not a code",
}


def type_text(clock: ManualClock, text: str, gap: float) -> None:
    """Type into the focused widget, `gap` seconds a key, as a person or a scanner."""
    for ch in text:
        clock.advance(gap)
        QTest.keyClicks(focus(), ch)


def enter(clock: ManualClock, gap: float) -> None:
    clock.advance(gap)
    QTest.keyClick(focus(), Qt.Key.Key_Return)


@pytest.mark.parametrize("gap", [0.02, 0.04, 0.06, 0.12])
def test_every_walk_in_field_keeps_every_key(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock, gap: float
) -> None:
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    press(Qt.Key.Key_N, CTRL)
    dlg = win.staff.actions.walk_in_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.name.hasFocus(), timeout=3000)
    for field, text in FORM.items():
        widget = getattr(dlg, field)
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus, timeout=2000)
        type_text(ui_clock, text, gap)
        ui_clock.advance(0.2)  # a pause: anything held back is given back by now
        qtbot.waitUntil(lambda w=widget, t=text: w.text() == t, timeout=2000)
    before = len(log_of(demo_db))
    with replied(qtbot, shell, WalkIn) as done:
        dlg.notes.setFocus()
        enter(ui_clock, gap)
    saved = done.args[0].value.attendee
    assert (saved.name, saved.organization, saved.title, saved.email, saved.phone, saved.notes) == (
        FORM["name"], FORM["org"], FORM["title_edit"], FORM["email"], FORM["phone"], FORM["notes"],
    )  # fmt: skip
    new = log_of(demo_db)[before:]
    assert not [e for e in new if e.outcome is Outcome.UNKNOWN_CODE]  # no bogus scans
    assert [e.kind for e in new if e.kind is LogKind.WALK_IN] == [LogKind.WALK_IN]


@pytest.mark.parametrize("gap", [0.02, 0.04, 0.06, 0.12])
def test_search_field_and_reason_field_keep_every_key(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock, gap: float
) -> None:
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    press(Qt.Key.Key_F, CTRL)
    text = "Fluence FC1:ABC"
    type_text(ui_clock, text, gap)
    ui_clock.advance(0.2)
    qtbot.waitUntil(lambda: win.staff.search.text() == text, timeout=2000)


def test_a_real_code_at_5_ms_into_a_dialog_field_is_a_scan(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    [(aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    press(Qt.Key.Key_N, CTRL)
    dlg = win.staff.actions.walk_in_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.name.hasFocus(), timeout=3000)
    type_text(ui_clock, "Gr", 0.15)
    ui_clock.advance(0.15)  # a person's last key reaches the field after a pause
    qtbot.waitUntil(lambda: dlg.name.text() == "Gr", timeout=2000)
    with qtbot.waitSignal(win.result_shown, timeout=10000) as got:
        type_text(ui_clock, code, 0.005)
        enter(ui_clock, 0.005)
    assert got.args[0].outcome is Outcome.ADMITTED and got.args[0].attendee_id == aid
    assert dlg.name.text() == "Gr" and dlg.isVisible()  # the code never reached the field
    type_text(ui_clock, "ace", 0.15)
    ui_clock.advance(0.15)
    qtbot.waitUntil(lambda: dlg.name.text() == "Grace", timeout=2000)


def test_a_code_without_enter_is_given_back_to_the_field(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    [(_aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    press(Qt.Key.Key_F, CTRL)
    type_text(ui_clock, code[:40], 0.005)
    assert win.staff.search.text() == ""  # held back: it may still be a code
    ui_clock.advance(0.3)
    qtbot.waitUntil(lambda: win.staff.search.text() == code[:40], timeout=2000)


def key(text: str, ms: int) -> QKeyEvent:
    k = Qt.Key.Key_Return if text == "\r" else Qt.Key(ord(text.upper()))
    ev = QKeyEvent(QEvent.Type.KeyPress, k, Qt.KeyboardModifier.NoModifier, 0, 0, 0,
                   "" if text == "\r" else text, False, 1)  # fmt: skip
    ev.setTimestamp(ms)
    return ev


def shift(ms: int) -> QKeyEvent:
    ev = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier,
                   0, 0, 0, "", False, 1)  # fmt: skip
    ev.setTimestamp(ms)
    return ev


@pytest.mark.parametrize("where", ["search", "list"])
def test_a_burst_interrupted_by_a_stall_is_one_code(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock, where: str
) -> None:
    """The keys' own timestamps are 5 ms apart; the GUI thread handles them with a 105 ms
    stall in the middle (the clock jumps): still one code, nothing in the search field."""
    [(aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    target = win.staff.search if where == "search" else win.staff.results
    target.setFocus()
    qtbot.waitUntil(target.hasFocus, timeout=2000)
    results: list[Any] = []
    win.result_shown.connect(results.append)
    t = 500_000
    for i, ch in enumerate([*code, "\r"]):
        t += 5
        ui_clock.advance(0.105 if i == 60 else 0.002)
        if ch.isupper() or ch in ":$%*+":  # as a scanner (and xdotool) types them: Shift first
            QApplication.sendEvent(QApplication.focusWidget(), shift(t - 1))
        QApplication.sendEvent(QApplication.focusWidget(), key(ch, t))
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    qtbot.wait(300)
    assert [(r.outcome, r.attendee_id) for r in results] == [(Outcome.ADMITTED, aid)]
    assert win.staff.search.text() == ""
    assert isinstance(win.staff.search, QLineEdit)


@pytest.mark.parametrize("ms", [20, 40, 60, 120])
def test_typing_delivered_in_a_bunch_keeps_every_key(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock, ms: int
) -> None:
    """What xdotool showed: keys typed `ms` apart reach the GUI thread bunched together
    (it was busy). Their own timestamps say a person typed them."""
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    press(Qt.Key.Key_N, CTRL)
    dlg = win.staff.actions.walk_in_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.org.isVisible(), timeout=3000)
    dlg.org.setFocus()
    qtbot.waitUntil(dlg.org.hasFocus, timeout=2000)
    t = 900_000
    for ch in FORM["org"]:
        t += ms
        ui_clock.advance(0.001)  # handled 1 ms apart: a bunch
        QApplication.sendEvent(dlg.org, key(ch, t))
    ui_clock.advance(0.3)
    qtbot.waitUntil(lambda: dlg.org.text() == FORM["org"], timeout=2000)
    assert not [e for e in log_of(demo_db) if e.outcome is Outcome.UNKNOWN_CODE]


def test_a_code_typed_slowly_into_the_search_box_is_a_scan(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    """Keys of a code that came too slowly for a burst (a loaded machine, a scanner set to
    a slow key rate) reach the search box; Enter then checks the code in, never searches it."""
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    aid, code = badge_codes(demo_db, 1)[0]
    results: list[Any] = []
    win.result_shown.connect(results.append)
    press(Qt.Key.Key_F, CTRL)
    qtbot.waitUntil(win.staff.search.hasFocus, timeout=2000)
    type_text(ui_clock, code, 0.06)
    ui_clock.advance(0.06)
    qtbot.waitUntil(lambda: win.staff.search.text() == code, timeout=2000)  # every key kept
    enter(ui_clock, 0.06)
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    assert [(r.attendee_id, r.outcome) for r in results] == [(aid, Outcome.ADMITTED)]
    assert win.staff.search.text() == ""


def test_a_persons_typing_stamped_close_together_at_its_end_stays_in_the_field(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    """A loaded X server may stamp the tail of a person's typing (and the Enter) a few ms
    apart: a burst that did not start after a pause is the person's, not a scanner's."""
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    press(Qt.Key.Key_N, CTRL)
    dlg = win.staff.actions.walk_in_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.name.hasFocus(), timeout=3000)
    dlg.phone.setFocus()
    qtbot.waitUntil(dlg.phone.hasFocus, timeout=2000)
    before = len(log_of(demo_db))
    type_text(ui_clock, "+1 415 ", 0.04)
    type_text(ui_clock, "555 0100", 0.004)  # bunched: 8 keys within 30 ms of each other
    enter(ui_clock, 0.004)
    ui_clock.advance(0.2)
    qtbot.waitUntil(lambda: dlg.phone.text() == "+1 415 555 0100", timeout=2000)
    assert not [e for e in log_of(demo_db)[before:] if e.kind is LogKind.ENTRY]  # no scan
