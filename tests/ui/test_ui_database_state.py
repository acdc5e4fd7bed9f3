"""Issue 11, items 3 and 4: the database stops being writable mid-session (the files made
immutable while open: SQLite's SIGBUS, as with a pulled USB drive), is closed, is
corrupt, or does not exist. The window never dies; it says so; nothing is lost."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.models.outcomes import Method, Outcome
from kiosk.station.protocol import WalkIn
from tests.helpers.reads import reads
from tests.ui.conftest import badge_codes
from tests.ui.desk import CTRL, log_of, not_recorded, press, read, ready, replied, scan


def files(db: Path) -> list[str]:
    return [str(db) + x for x in ("", "-wal", "-shm")]


@pytest.fixture
def immutable(demo_db: Path) -> Iterator[Any]:
    """Call it to make the database's files immutable; undone after the test."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    done: list[bool] = []

    def make(on: bool = True) -> None:
        flag = "+i" if on else "-i"
        r = subprocess.run(["chattr", flag, *files(demo_db)], capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip(f"chattr {flag} is not permitted here: {r.stderr.strip()}")
        done.append(on)

    yield make
    if done and done[-1]:
        subprocess.run(["chattr", "-i", *files(demo_db)], check=False)


def test_scan_while_the_files_become_immutable(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: Any, immutable: Any
) -> None:
    (_a_id, a_code), (b_id, b_code) = badge_codes(demo_db, 2)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    assert scan(qtbot, win, a_code).outcome is Outcome.ADMITTED
    Path(str(demo_db) + "-shm").touch()
    immutable(True)
    ui_clock.advance(7)
    scanned_at = ui_clock.now()
    with not_recorded(qtbot, shell) as lost:
        win.submit_code(b_code, Method.HANDHELD)
    assert lost.args[0].error.kept and lost.args[0].error.at == scanned_at
    panel, staff = win.staff.panel, win.staff
    assert panel.title.text() == "Not recorded, use the paper list"
    assert panel.title_zh.text() == "未记录，请使用纸质名单"
    qtbot.waitUntil(staff.banner.isVisible, timeout=5000)
    assert str(demo_db) in staff.banner.text() or "station host" in staff.banner.text()
    # The actions that need the database are off, with the reason.
    for b in (staff.walkin_btn, staff.checkin_btn, staff.reprint_btn, staff.undo_btn):
        assert not b.isEnabled() and b.toolTip()
    press(Qt.Key.Key_N, CTRL)
    assert staff.actions.walk_in_dialog is None and staff.panel.notice.isVisible()
    assert win.isVisible() and shell.host.starts >= 1
    # The drive comes back: the kept scan is recorded, at the time it was scanned.
    immutable(False)
    with qtbot.waitSignal(shell.db.recorded_later, timeout=30000) as later:
        pass
    [result] = later.args[0]
    assert result.attendee_id == b_id and result.outcome is Outcome.ADMITTED
    assert result.at == scanned_at
    qtbot.waitUntil(lambda: not staff.banner.isVisible(), timeout=5000)
    assert staff.walkin_btn.isEnabled()
    assert next(e for e in log_of(demo_db) if e.attendee_id == b_id).at == scanned_at


def test_walk_in_dialog_stays_open_when_the_database_refuses(
    qtbot: Any, make_shell: Any, demo_db: Path, immutable: Any
) -> None:
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    press(Qt.Key.Key_N, CTRL)
    dlg = win.staff.actions.walk_in_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.name.hasFocus(), timeout=3000)
    QTest.keyClicks(dlg.name, "Grace Lin")
    Path(str(demo_db) + "-shm").touch()
    immutable(True)
    QTest.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    # Not accepted as if it succeeded: it stays open, says why, keeps what was typed, and
    # Register stays off while the database cannot be written.
    qtbot.waitUntil(lambda: not dlg.ok.isEnabled() and bool(dlg.error.text()), timeout=20000)
    assert dlg.isVisible() and dlg.name.text() == "Grace Lin"
    assert "database" in dlg.error.text()
    store_names = {a.name for a in _attendees_after_unlock(demo_db, immutable)}
    assert "Grace Lin" not in store_names
    qtbot.waitUntil(dlg.ok.isEnabled, timeout=30000)  # back: it may be sent again
    with replied(qtbot, shell, WalkIn):
        QTest.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.staff.actions.walk_in_dialog is None, timeout=5000)


def _attendees_after_unlock(db: Path, immutable: Any) -> list[Any]:
    immutable(False)
    return read(db, lambda s: list(reads(s).people.everyone()))


def test_a_corrupt_database_shows_the_reason_on_the_dashboard(
    qtbot: Any, make_shell: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database " * 200)
    shell = make_shell(bad)
    win = shell.window
    qtbot.waitUntil(lambda: shell.db.state.status == "down", timeout=15000)
    win.set_mode("dashboard")
    assert win.dashboard is None and win.dash_reason.isVisible()
    assert str(bad) in win.dash_reason.text()
    assert win.staff.banner.text() and not win.staff.walkin_btn.isEnabled()
    assert bad.read_bytes() == b"not a database " * 200


def test_missing_database_offers_to_create_it(qtbot: Any, make_shell: Any, tmp_path: Path) -> None:
    path = tmp_path / "new-event.sqlite"
    shell = make_shell(path)
    win = shell.window
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.missing, timeout=15000)
    assert str(path) in win.missing.detail.text() and not path.exists()
    QTest.mouseClick(win.missing.create_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=15000)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.staff, timeout=5000)
    assert path.is_file() and shell.db.state.writable


def test_missing_database_opens_another(
    qtbot: Any, make_shell: Any, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    path = tmp_path / "typo.sqlite"
    shell = make_shell(path)
    win = shell.window
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.missing, timeout=15000)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (str(demo_db), "Event databases")
    )
    QTest.mouseClick(win.missing.open_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=15000)
    assert shell.db.db_path == demo_db and not path.exists()
    [(aid, code)] = badge_codes(demo_db, 1)
    ready(qtbot, shell)
    assert scan(qtbot, win, code).attendee_id == aid
    assert os.getpid() != shell.host.pid
