"""Issue 20: the desk's default session is the one in progress; only sessions under way
carry "● now" (desk and dashboard); two under way, the desk asks; a session that has
closed says so (never 未到签到时间)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QPushButton

from kiosk.models.outcomes import Outcome
from tests.helpers.clocks import at
from tests.ui.conftest import badge_codes
from tests.ui.desk import ready, scan


def marked(win: Any) -> list[str]:
    combo = win.staff.session
    return [str(combo.itemData(i)) for i in range(combo.count()) if "● now" in combo.itemText(i)]


def test_at_ten_the_plenary_is_the_default_and_alone_now(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    shell = make_shell(demo_db, clock=at("10:00"))
    win = ready(qtbot, shell)
    assert win.ctx.session_id == "opening"
    assert win.staff.session.currentData() == "opening"
    assert marked(win) == ["opening"]
    assert win.staff.session_question is None  # one session under way: nothing to ask
    win.set_mode("dashboard")
    dash = win.dashboard
    qtbot.waitUntil(lambda: dash is not None and dash.snapshot is not None, timeout=15000)
    assert dash.snapshot.session_id == "opening"  # the dashboard highlights the plenary


def test_two_sessions_under_way_the_desk_asks(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    shell = make_shell(demo_db, clock=at("11:00"))
    win = ready(qtbot, shell)
    qtbot.waitUntil(lambda: win.staff.session_question is not None, timeout=5000)
    box = win.staff.session_question
    assert box.isVisible() and "多个场次正在进行" in box.text()
    assert sorted(marked(win)) == ["energy-transition", "green-finance"]
    [green] = [b for b in box.findChildren(QPushButton) if "Green" in b.text()]
    green.click()
    assert win.ctx.session_id == "green-finance"


def test_a_closed_session_says_closed(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    [(_aid, code)] = badge_codes(demo_db, 1)
    shell = make_shell(demo_db, clock=at("11:00"), session_id="opening")
    win = ready(qtbot, shell)
    assert win.staff.session_question is None  # the session was given: nothing to ask
    result = scan(qtbot, win, code)
    assert result.outcome is Outcome.OUTSIDE_TIME_WINDOW
    panel = win.staff.panel
    titles = panel.title.text() + " " + panel.title_zh.text()  # one line on a short screen
    assert "Check-in closed" in titles and "签到已结束" in titles
    assert "未到签到时间" not in panel.title_zh.text() + panel.reason.text()
    assert "closed at 10:30" in panel.reason.text()
