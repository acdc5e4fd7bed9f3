"""Issue 11, items 8, 10, 17 and 18 at the desk: Enter in the search box checks in; the hits
say who is checked in already; results stay up; "not open" says when and what is open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Method, Outcome
from tests.ui.conftest import badge_codes
from tests.ui.desk import CTRL, attendee, press, ready, scan
from tools.screenshots.run import forge


def test_enter_in_the_search_box_checks_in_once(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    shell = make_shell(demo_db, station="desk-1")
    win = ready(qtbot, shell)
    aid = badge_codes(demo_db, 1)[0][0]
    person = attendee(demo_db, aid)
    results: list[Any] = []
    win.result_shown.connect(results.append)
    press(Qt.Key.Key_F, CTRL)
    QTest.keyClicks(win.staff.search, person.email)
    # Enter at once, before the hits arrived: it waits for the hits of what was typed.
    QTest.keyClick(win.staff.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    qtbot.wait(300)
    assert [(r.attendee_id, r.outcome) for r in results] == [(aid, Outcome.ADMITTED)]
    # The hit now says so, with the time and the station.
    qtbot.waitUntil(lambda: "✓" in win.staff.results.item(0).text(), timeout=5000)
    assert "09:05" in win.staff.results.item(0).text()
    assert "desk-1" in win.staff.results.item(0).text()


def test_a_second_enter_is_not_needed_and_stale_hits_are_not_used(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    people = [attendee(demo_db, a) for a, _ in badge_codes(demo_db, 30)]
    target = next(p for p in people if p.email and p.name)
    press(Qt.Key.Key_F, CTRL)
    QTest.keyClicks(win.staff.search, target.email[:2])
    qtbot.waitUntil(lambda: win.staff.results.count() > 1, timeout=5000)
    results: list[Any] = []
    win.result_shown.connect(results.append)
    QTest.keyClicks(win.staff.search, target.email[2:])
    QTest.keyClick(win.staff.search, Qt.Key.Key_Return)  # the list still shows the 2-letter hits
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    assert results[0].attendee_id == target.attendee_id


def test_ranking_puts_surnames_first_in_the_list(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    press(Qt.Key.Key_F, CTRL)
    QTest.keyClicks(win.staff.search, "li")
    qtbot.waitUntil(lambda: win.staff.results.count() > 3, timeout=5000)
    hits = win.staff.results.hits
    first = hits[0].attendee
    assert (
        first.name_zh.startswith("李")
        or first.name.split()[-1] == "Li"
        or first.name.startswith("Li ")
    )
    translit = [i for i, h in enumerate(hits) if "·" in h.attendee.name_zh]
    surnamed = [i for i, h in enumerate(hits) if h.attendee.name_zh.startswith("李")]
    if translit and surnamed:
        assert max(surnamed) < min(translit)


def test_camera_repeat_does_not_replace_a_newer_result(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    (_a_id, a_code), (_b, b_code) = badge_codes(demo_db, 2)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    panel = win.staff.panel
    scan(qtbot, win, a_code, Method.CAMERA)
    ui_clock.advance(3)
    forged = scan(qtbot, win, forge(b_code), Method.HANDHELD)
    assert forged.outcome is Outcome.FORGED_CODE and panel.state == "refuse"
    ui_clock.advance(0.6)
    repeat = scan(qtbot, win, a_code, Method.CAMERA)  # the camera sees A's badge again
    assert repeat.outcome is Outcome.ALREADY_CHECKED_IN
    qtbot.wait(300)
    assert panel.state == "refuse" and panel.result is not None
    assert panel.result.log_uuid == forged.log_uuid


def test_a_result_stays_up_its_minimum_time(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: ManualClock
) -> None:
    (a_id, a_code), (b_id, b_code) = badge_codes(demo_db, 2)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    panel = win.staff.panel
    scan(qtbot, win, a_code)
    ui_clock.advance(0.5)
    scan(qtbot, win, b_code)  # half a second later: A's welcome is not swept away
    assert panel.result is not None and panel.result.attendee_id == a_id
    ui_clock.advance(2)
    qtbot.waitUntil(
        lambda: panel.result is not None and panel.result.attendee_id == b_id, timeout=5000
    )


def test_not_open_says_when_it_opens_and_what_is_open(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    [(_aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db, session_id="showcase")
    win = ready(qtbot, shell)
    res = scan(qtbot, win, code)
    assert res.outcome is Outcome.OUTSIDE_TIME_WINDOW
    text = win.staff.panel.reason.text()
    assert "opens at 12:30" in text and "12:30" in text and "开始签到" in text
    assert "Open now: Opening Plenary" in text and "开幕全体大会" in text
