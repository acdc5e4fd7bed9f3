"""The dashboard hosted in the app shows the database's numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.models.outcomes import Method
from kiosk.storage.store import Store
from tests.helpers.reads import reads
from tests.ui.conftest import badge_codes


def test_dashboard_numbers_match_the_database(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    shell = make_shell(demo_db)
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=10000)
    for _aid, code in badge_codes(demo_db, 4):
        with qtbot.waitSignal(win.result_shown, timeout=10000):
            win.submit_code(code, Method.HANDHELD)
    win.set_mode("dashboard")
    assert win.dashboard is not None and win.dashboard.isVisible()
    store = Store.open(demo_db)
    try:
        stats = {s.session_id: s for s in reads(store).presence.stats()}
    finally:
        store.close()
    assert stats["opening"].admitted == 4
    cards = win.dashboard.cards
    qtbot.waitUntil(
        lambda: cards.get("opening") is not None and cards["opening"].admitted_label.text() == "4",
        timeout=10000,
    )
    for sid, s in stats.items():
        assert cards[sid].admitted_label.text() == f"{s.admitted:,}"
        assert cards[sid].registered_label.text() == f"/ {s.registered:,}"
    win.set_mode("staff")


def test_one_collector_guard_for_the_whole_app(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    """The dashboard's polls and the desk's requests run on the station client's lanes,
    under the shell's guard: a second guard would turn the collector back on while the
    other's workers still run. The dashboard has no thread of its own to guard."""
    import gc

    shell = make_shell(demo_db)
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=10000)
    win.set_mode("dashboard")
    assert win.dashboard is not None
    source = win.dashboard.source
    assert source.db.bridge.gc_guard is shell.gc_guard
    qtbot.waitUntil(lambda: source.running, timeout=10000)
    users = shell.gc_guard._users
    assert users >= 1 and not gc.isenabled()
    win.set_mode("staff")
    win.dashboard.shutdown()  # the polls stop; the lanes (and the guard) go on
    assert shell.gc_guard._users == users
    assert not gc.isenabled()
