"""The Hub… dialog and the conflicts view, on real widgets with real keystrokes, the
conflicts read from a real database by the station host."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.models.records import AttendeeInput
from kiosk.station import protocol as p
from kiosk.storage.conflicts import ConflictKind
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import at
from tests.helpers.syncing import desk, service, station, sync
from tests.sync.conftest import hub_dsn, pg_cluster, server
from ui.dashboard.conflicts import ConflictsDialog, sessions_of
from ui.sync.hub_dialog import HubDialog, stored_server

NOW = at("09:30").now()


def _type(widget: Any, text: str) -> None:
    for ch in text:  # a person typing, 40 ms a key
        QTest.keyClicks(widget, ch, Qt.KeyboardModifier.NoModifier, 40)


def test_the_hub_dialog_sets_and_clears_the_hub(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    shell = make_shell(demo_db)
    bar = shell.sync
    assert bar.label.text().strip() == "Not syncing" and bar.server is None
    dialog = HubDialog(None, shell.window)
    qtbot.addWidget(dialog)
    dialog.show()
    _type(dialog.edit, "not a hub")
    QTest.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.problem.isVisible()  # refused, with why
    dialog.edit.clear()
    _type(dialog.edit, "postgresql://kiosk:s3cret@127.0.0.1:1/none")
    QTest.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.result_server.endswith("/none")
    bar.apply(dialog.result_server)
    server = stored_server(shell.settings)
    assert server is not None and bar.server == server
    assert stat.S_IMODE(shell.settings.path.stat().st_mode) == 0o600  # it holds a password
    # A hub that refuses connections: the label says so, no dialog, the desk goes on.
    qtbot.waitUntil(lambda: "offline" in bar.label.text(), timeout=15000)
    assert "s3cret" not in bar.label.toolTip()
    again = HubDialog(server, shell.window)
    qtbot.addWidget(again)
    assert "s3cret" not in again.current.text() and "127.0.0.1" in again.current.text()
    bar.apply(None)  # Stop syncing
    qtbot.waitUntil(lambda: bar.label.text().strip() == "Not syncing", timeout=15000)
    assert stored_server(shell.settings) is None


def test_the_conflicts_view_lists_and_merges_in_chinese(
    qtbot: Any, make_shell: Any, tmp_path: Path, server: ServerConfig
) -> None:
    front = desk(tmp_path, server, attendees=8)
    a = station(tmp_path, "door-a", server, key_from=front)
    b = station(tmp_path, "door-b", server, key_from=front)
    for path, seed in ((a, 5), (b, 6)):  # one person registered at two desks apart
        with service(path, at("09:10"), seed=seed) as s:
            s.walk_in(AttendeeInput(name="Wu Fang", email="wu.fang@example.cn"))
    for path in (a, b, a):
        sync(path, server)
    shell = make_shell(a, lang="zh")
    client = shell.db.client
    qtbot.waitUntil(lambda: shell.window.ctx.event is not None, timeout=10000)
    snap = client.ask(p.Snapshot("opening", NOW))
    (conflict,) = snap.conflicts  # type: ignore[attr-defined]
    assert conflict.kind is ConflictKind.POSSIBLE_DUPLICATE
    dialog = ConflictsDialog(shell.db, shell.window.ctx.clock, "org", shell.window)
    qtbot.addWidget(dialog)
    dialog.set_conflicts(snap.conflicts, sessions_of(snap), snap.event.tz)  # type: ignore[attr-defined]
    dialog.show()
    assert dialog.windowTitle() == "站点间冲突"
    assert dialog.table.item(0, 0).text() == "疑似重复人员"
    assert not dialog.merge.isEnabled()
    dialog.table.selectRow(0)
    assert dialog.merge.isEnabled() and dialog.merge.text() == "合并…"
    with qtbot.waitSignal(dialog.merged, timeout=10000):
        dialog.merge_now(conflict.attendee_id, conflict.other)
    qtbot.waitUntil(lambda: dialog.note.text() == "已合并。", timeout=5000)
    after = client.ask(p.Snapshot("opening", NOW))
    assert after.conflicts == ()  # type: ignore[attr-defined]
    dialog.set_conflicts((), sessions_of(after), after.event.tz)  # type: ignore[attr-defined]
    assert dialog.empty.isVisible() and dialog.empty.text() == "没有冲突：各站点一致。"


__all__ = ["hub_dsn", "pg_cluster", "server"]  # the real hub's fixtures, used here
