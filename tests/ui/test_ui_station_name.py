"""An enrolled station keeps its certificate's name (receivers refuse entries signed under
another): staff who type a new name into the desk's station field are told so, in the
window's language, and the field goes back; the scans keep the enrolled name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.storage.store import Store
from kiosk.trust.roles import Role
from tests.helpers.trusted import Site, site  # noqa: F401  (the fixture)


def test_an_enrolled_door_keeps_its_name_and_says_so_in_chinese(
    qtbot: Any,
    make_shell: Any,
    site: Site,  # noqa: F811
) -> None:
    door = site.station("Door A", Role.DOOR)
    path = Path(door.path)
    door.close()
    shell = make_shell(path, lang="zh")
    win = shell.window
    qtbot.waitUntil(lambda: win.ctx.event is not None, timeout=10000)
    field = win.staff.station
    qtbot.waitUntil(lambda: field.text() == "Door A", timeout=10000)
    field.setFocus()
    field.selectAll()
    for ch in "Door B":  # a person typing, 60 ms a key
        QTest.keyClicks(field, ch, Qt.KeyboardModifier.NoModifier, 60)
    QTest.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "重新登记" in field.toolTip(), timeout=15000)
    assert field.text() == "Door A" and "Door A" in field.toolTip()
    assert win.ctx.station == "Door A"
    s = Store.open(path, readonly=True)
    try:
        assert s.station.name == "Door A"
    finally:
        s.close()
