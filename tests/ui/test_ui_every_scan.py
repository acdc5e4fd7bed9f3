"""Issue 20: any scanner burst is a scan, wherever the focus is and whatever the code's
shape; every input but the camera is answered every time; a result goes to the screen
that asked for it by its request's id.

Keys go to whatever has the keyboard focus, the injected clock advanced between them:
5 ms a key is a handheld scanner, 40 ms and more a person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Method, Outcome
from kiosk.models.records import LogKind
from tests.helpers.pretix import import_pretix
from tests.ui.conftest import badge_codes
from tests.ui.desk import CTRL, attendee, focus, log_of, press, ready


def burst(clock: ManualClock, text: str, gap: float, enter: bool = True) -> None:
    """`text` typed into the focused widget, `gap` seconds a key, then Enter."""
    for ch in text:
        clock.advance(gap)
        QTest.keyClicks(focus(), ch)
    if enter:
        clock.advance(gap)
        QTest.keyClick(focus(), Qt.Key.Key_Return)


def scanned(qtbot: Any, win: Any, clock: ManualClock, code: str) -> Any:
    """A handheld scan at 5 ms a key; the result as the screen that asked showed it."""
    with qtbot.waitSignal(win.result_shown, timeout=15000) as got:
        burst(clock, code, 0.005)
    return got.args[0]


def entries(db: Path) -> list[Any]:
    return [e for e in log_of(db) if e.kind in (LogKind.ENTRY,)]


def test_a_pretix_secret_scanned_twice_into_the_search_box(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock, tmp_path: Path
) -> None:
    (_, secret), *_ = import_pretix(demo_db, tmp_path)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    press(Qt.Key.Key_F, CTRL)
    qtbot.waitUntil(win.staff.search.hasFocus, timeout=2000)
    first = scanned(qtbot, win, ui_clock, secret)
    assert (first.outcome, first.method, first.name) == (
        Outcome.ADMITTED, Method.FOREIGN_TICKET, "Robert Miller",
    )  # fmt: skip
    assert win.staff.search.text() == ""  # nothing searched, nothing left in the box
    assert win.staff.panel.result is not None and win.staff.panel.result.outcome is Outcome.ADMITTED
    ui_clock.advance(3.0)  # past the first result's minimum time on screen
    second = scanned(qtbot, win, ui_clock, secret)
    assert second.outcome is Outcome.ALREADY_CHECKED_IN
    qtbot.waitUntil(
        lambda: (
            win.staff.panel.result is not None
            and win.staff.panel.result.outcome is Outcome.ALREADY_CHECKED_IN
        ),
        timeout=5000,
    )
    assert win.staff.search.text() == ""  # not appended to the first one either
    logged = [(e.outcome, e.method) for e in entries(demo_db)][-2:]
    assert logged == [
        (Outcome.ADMITTED, Method.FOREIGN_TICKET),
        (Outcome.ALREADY_CHECKED_IN, Method.FOREIGN_TICKET),
    ]


@pytest.mark.parametrize("where", ["search", "walk-in", "list"])
def test_an_unknown_code_gets_the_red_panel_and_is_logged(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock, where: str
) -> None:
    [(_aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    before = len(log_of(demo_db))
    if where == "walk-in":
        press(Qt.Key.Key_N, CTRL)
        dlg = win.staff.actions.walk_in_dialog
        qtbot.waitUntil(lambda: dlg is not None and dlg.name.hasFocus(), timeout=3000)
    elif where == "list":
        win.staff.results.setFocus()
        qtbot.waitUntil(win.staff.results.hasFocus, timeout=2000)
    outcomes = []
    eventbrite_like = "1234567890123456789001"  # an Eventbrite barcode nobody imported
    for text in ("CTF24-99999", code[:50], "https://example.com/ticket/42", eventbrite_like):
        ui_clock.advance(3.0)
        outcomes.append(scanned(qtbot, win, ui_clock, text).outcome)
        assert win.staff.panel.result is not None
        assert win.staff.panel.result.outcome is Outcome.UNKNOWN_CODE
        assert "Unknown code" in win.staff.panel.title.text()
        assert "无法识别" in win.staff.panel.title_zh.text()
    assert outcomes == [Outcome.UNKNOWN_CODE] * 4
    assert win.staff.search.text() == ""
    if where == "walk-in":
        assert dlg.name.text() == "" and dlg.isVisible()  # type: ignore[union-attr]
    new = log_of(demo_db)[before:]
    assert [e.outcome for e in new if e.kind is LogKind.ENTRY] == [Outcome.UNKNOWN_CODE] * 4


@pytest.mark.parametrize("gap", [0.04, 0.06, 0.12])
def test_a_secret_typed_by_a_person_is_a_search(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock, gap: float
) -> None:
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    press(Qt.Key.Key_F, CTRL)
    before = len(log_of(demo_db))
    text = "gk4mw2h7xjpd9qrs3tvz8bnc5y6afe2k"
    burst(ui_clock, text, gap, enter=False)
    ui_clock.advance(0.3)
    qtbot.waitUntil(lambda: win.staff.search.text() == text, timeout=3000)
    assert len(log_of(demo_db)) == before  # nothing taken for a scan


def test_a_repeat_badge_is_shown_every_time(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    """Clark, Taylor, then Clark again: the panel says "Already checked in" for Clark,
    with when and where, however soon after."""
    (a, code_a), (b, code_b) = badge_codes(demo_db, 2)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    shown: list[Any] = []
    win.staff.panel.show_result = _spy(win.staff.panel.show_result, shown)
    for code in (code_a, code_b, code_a, code_a):
        ui_clock.advance(0.5)
        scanned(qtbot, win, ui_clock, code)

    def all_shown() -> bool:  # time passes: each queued result's turn comes
        ui_clock.advance(0.5)
        return len(shown) == 4

    qtbot.waitUntil(all_shown, timeout=20000)
    assert [(r.attendee_id, r.outcome) for r in shown] == [
        (a, Outcome.ADMITTED), (b, Outcome.ADMITTED),
        (a, Outcome.ALREADY_CHECKED_IN), (a, Outcome.ALREADY_CHECKED_IN),
    ]  # fmt: skip
    assert "First checked in at 09:05" in win.staff.panel.prior.text()


def _spy(fn: Any, into: list[Any]) -> Any:
    def wrapper(result: Any, *a: Any, **kw: Any) -> Any:
        into.append(result)
        return fn(result, *a, **kw)

    return wrapper


def test_a_search_check_in_of_someone_already_in_is_answered(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    [(aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    assert scanned(qtbot, win, ui_clock, code).outcome is Outcome.ADMITTED
    ui_clock.advance(3.0)
    press(Qt.Key.Key_F, CTRL)
    burst(ui_clock, attendee(demo_db, aid).email, 0.08, enter=False)
    qtbot.waitUntil(lambda: win.staff.results.count() >= 1, timeout=5000)
    with qtbot.waitSignal(win.result_shown, timeout=15000) as got:
        ui_clock.advance(0.5)
        QTest.keyClick(win.staff.search, Qt.Key.Key_Return)
    assert got.args[0].outcome in (Outcome.ALREADY_CHECKED_IN,)
    qtbot.waitUntil(
        lambda: (
            win.staff.panel.result is not None
            and win.staff.panel.result.outcome is Outcome.ALREADY_CHECKED_IN
        ),
        timeout=5000,
    )


def test_a_result_goes_to_the_screen_whose_request_it_answers(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    """A kiosk scan answered after the desk is shown again still lands on the kiosk (and
    a reply nobody asked for lands nowhere)."""
    (a, code_a), (_b, code_b) = badge_codes(demo_db, 2)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    win.set_mode("kiosk")
    with qtbot.waitSignal(win.result_shown, timeout=15000) as got:
        win.kiosk.submit_code(code_a, Method.HANDHELD)
        win.set_mode("staff")  # the reply comes after the switch
    assert got.args[0].attendee_id == a
    assert win.kiosk.result is not None and win.kiosk.result.attendee_id == a
    assert win.staff.panel.result is None
    from kiosk.station.protocol import CheckIn
    from kiosk.station.wire import Origin, Source

    stray = shell.db.check_in(code_b, "opening", Method.HANDHELD, "", Origin(Source.HANDHELD))
    qtbot.waitUntil(stray.done, timeout=10000)
    qtbot.wait(200)
    assert isinstance(stray.request, CheckIn)
    assert win.staff.panel.result is None and win.kiosk.result.attendee_id == a


def test_keys_stamped_close_together_then_tab_stay_in_the_field(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    """A loaded X server stamped a person's keys 1 ms apart (what xdotool at 40 ms showed
    under Xvfb on a busy machine); Tab moves to the next field, never ends a scan there."""
    from PySide6.QtWidgets import QApplication

    from tests.ui.test_ui_handheld_typing import key

    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    press(Qt.Key.Key_N, CTRL)
    dlg = win.staff.actions.walk_in_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.name.hasFocus(), timeout=3000)
    before = len(log_of(demo_db))
    t = 700_000
    for ch in "Founder and CEO":
        t += 1
        ui_clock.advance(0.001)
        QApplication.sendEvent(dlg.name, key(ch, t))
    ui_clock.advance(0.001)
    tab = key("\r", t + 1)
    tab = type(tab)(tab.type(), Qt.Key.Key_Tab, tab.modifiers(), "\t")
    tab.setTimestamp(t + 1)
    QApplication.sendEvent(dlg.name, tab)
    qtbot.waitUntil(lambda: dlg.name.text() == "Founder and CEO", timeout=2000)
    assert len(log_of(demo_db)) == before  # no scan
