"""The desk's Stations… dialog and the dashboard's security alert, on real widgets with
real keystrokes, in Chinese, against a real database (and a real hub for the logins)."""

from __future__ import annotations

import json
import stat
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from kiosk.models.records import LogEntry, LogKind
from kiosk.storage import log
from kiosk.storage import trust as tstore
from kiosk.storage.base import new_uuid
from kiosk.sync.server import ServerConfig
from kiosk.trust.keys import Signer, sign_entry
from kiosk.trust.roles import Role
from tests.helpers.trusted import Site, site, transfer
from tests.sync.conftest import hub_dsn, pg_cluster, server


def _type(widget: Any, text: str) -> None:
    for ch in text:  # a person typing, 40 ms a key
        QTest.keyClicks(widget, ch, Qt.KeyboardModifier.NoModifier, 40)


def _forged_edit(site: Site) -> None:
    """An enrolled kiosk edits someone through its own files; the desk receives it."""
    kiosk = site.station("Kiosk 1", Role.KIOSK)
    key = tstore.read_key(kiosk.path)
    assert key is not None
    with kiosk.write() as tx:
        c = tx.conn
        e = LogEntry(uuid=new_uuid(), kind=LogKind.EDIT, at=site.clock.now(),
                     station_id=kiosk.station.id, station_seq=log.next_seq(c, kiosk.station.id),
                     station="Kiosk 1", attendee_id=site.ann_id,
                     data={"fields": {"name": "HACKED BY KIOSK"}})  # fmt: skip
        log.insert(c, sign_entry(e, Signer(key[1])))
    transfer(kiosk, site.desk)
    kiosk.close()


def test_security_alert_and_stations_dialog_in_chinese(
    qtbot: Any, make_shell: Any, site: Site, server: ServerConfig
) -> None:
    _forged_edit(site)
    shell = make_shell(Path(site.desk.path), lang="zh")
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=10000)
    win.set_mode("dashboard")
    alert = win.dashboard.sync.alert
    qtbot.waitUntil(lambda: alert.isVisible(), timeout=15000)
    assert "安全警报" in alert.text() and "Kiosk 1" in alert.text()
    assert "该站点角色无权写入" in alert.text()
    # Stations…: list, enroll a door with a file (and its QR code), revoke the kiosk
    bar = shell.sync
    assert bar.stations_button.text() == "站点…"
    qtbot.waitUntil(lambda: not bar.stations_button.isHidden(), timeout=10000)  # the desk
    bar.show_stations()
    dialog = bar.stations
    assert dialog is not None and dialog.windowTitle() == "站点"
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10000)  # desk, kiosk
    names = {dialog.table.item(i, 0).text() for i in range(2)}
    assert "Kiosk 1" in names
    # expiries in the event's time (Asia/Shanghai), not UTC
    kiosk_row = next(i for i in range(2) if dialog.table.item(i, 0).text() == "Kiosk 1")
    expires = next(s for s in dialog.view.stations if s.name == "Kiosk 1").expires
    local = datetime.fromisoformat(expires).astimezone(ZoneInfo("Asia/Shanghai"))
    assert dialog.table.item(kiosk_row, 2).text() == f"{local:%Y-%m-%d %H:%M} UTC+8"
    dialog.hub.clear()
    _type(dialog.hub, server.dsn)
    qtbot.waitUntil(lambda: dialog.hub.text() == server.dsn, timeout=3000)
    dialog.name.setFocus()
    _type(dialog.name, "Door C")  # keys held a moment by the scanner filter reach the field
    qtbot.waitUntil(lambda: dialog.file.text().endswith("door-c.enroll"), timeout=3000)
    QTest.mouseClick(dialog.enroll, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已登记 Door C" in dialog.note.text(), timeout=30000)
    out = Path(site.desk.path).parent / "door-c.enroll"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text())["role"] == "door" and dialog.qr.isVisible()
    assert "仅可使用一次" in dialog.qr.toolTip()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3, timeout=10000)
    assert dialog.qr.isVisible()  # Door C has not used it yet
    # Door C is made from the file and hands its key over: the code is spent, and goes
    door_c = site.build("Door C", out)
    transfer(door_c, site.desk)
    door_c.close()
    dialog.refresh()
    qtbot.waitUntil(lambda: not dialog.qr.isVisible(), timeout=10000)
    row = next(i for i in range(3) if dialog.table.item(i, 0).text() == "Kiosk 1")
    dialog.table.selectRow(row)
    assert dialog.revoke.isEnabled() and dialog.revoke.text() == "吊销"
    dialog.revoke_now("Kiosk 1")
    qtbot.waitUntil(lambda: dialog.note.text() == "已吊销 Kiosk 1。", timeout=30000)
    qtbot.waitUntil(
        lambda: any("已吊销" in (dialog.table.item(i, 3).text() or "")
                    for i in range(dialog.table.rowCount())), timeout=10000)  # fmt: skip


def test_the_event_key_is_rotated_from_the_stations_dialog(
    qtbot: Any, make_shell: Any, site: Site
) -> None:
    door = site.station("Door A", Role.DOOR)
    door.close()
    site.desk.close()  # the shell's station host opens the desk's database
    shell = make_shell(Path(site.desk.path), lang="en")
    qtbot.waitUntil(lambda: shell.window.ctx.event is not None, timeout=10000)
    bar = shell.sync
    qtbot.waitUntil(lambda: not bar.stations_button.isHidden(), timeout=10000)  # the desk
    bar.show_stations()
    dialog = bar.stations
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10000)
    assert dialog.rotate.isEnabled() and dialog.rotate.text() == "Rotate event key…"

    def answer() -> None:  # the question is modal: a person clicks "Compromised"
        box = dialog.question
        if box is None:
            QTimer.singleShot(50, dialog, answer)
            return
        assert "badges keep being admitted" in box.text()
        lost = next(b for b in box.buttons() if b.text() == "Compromised")
        QTest.mouseClick(lost, Qt.MouseButton.LeftButton)

    QTimer.singleShot(50, dialog, answer)
    QTest.mouseClick(dialog.rotate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Event key rotated" in dialog.note.text(), timeout=30000)
    state = {dialog.table.item(i, 0).text(): dialog.table.item(i, 3).text()
             for i in range(dialog.table.rowCount())}  # fmt: skip
    qtbot.waitUntil(lambda: "enroll again" in dialog.table.item(
        next(i for i in range(dialog.table.rowCount())
             if dialog.table.item(i, 0).text() == "Door A"), 3).text(), timeout=10000)  # fmt: skip
    assert len(state) == 2
    row = next(i for i in range(2) if dialog.table.item(i, 0).text() == "Door A")
    assert "compromised" in dialog.table.item(row, 3).toolTip()
    from kiosk.storage.store import Store

    desk = Store.open(site.desk.path, readonly=True)
    try:
        kinds = [str(e.kind) for e in log.entries(desk.conn)]
        assert kinds.count("key_rotation") == 1
    finally:
        desk.close()


def test_stations_is_offered_only_at_the_desk(qtbot: Any, make_shell: Any, site: Site) -> None:
    """An enrolled door cannot enroll anyone: no Stations… there, and asked anyway (a
    shortcut), it says why, in the window's language."""
    door = site.station("Door A", Role.DOOR)
    path = Path(door.path)
    door.close()
    shell = make_shell(path, lang="zh")
    qtbot.waitUntil(lambda: shell.window.ctx.event is not None, timeout=10000)
    bar = shell.sync
    qtbot.waitUntil(lambda: bar.enrolls == "station", timeout=10000)
    assert bar.stations_button.isHidden()
    bar.show_stations()
    box = bar.refused_box
    assert box is not None and box.isVisible() and bar.stations is None
    assert box.windowTitle() == "站点" and "服务台" in box.text() and "请联系服务台" in box.text()
    box.close()


__all__ = ["hub_dsn", "pg_cluster", "server", "site"]  # fixtures used here
