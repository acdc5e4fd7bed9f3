"""Issue 11, items 12 and 13: in Chinese, every widget, dialog and status message is Chinese
(Latin letters only in names, codes and units), and "&" in user text is never a mnemonic.

The walk drives the desk through its states and dialogs in zh_CN and reads every text a
person could see: labels, buttons, placeholders, tabs, list and table rows, menus, window
titles, tooltips, and every status-bar message shown on the way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QTabWidget,
    QWidget,
)

from kiosk.models.outcomes import Method
from kiosk.station.protocol import Undo, WalkIn
from kiosk.storage.store import Store
from tests.helpers.reads import reads
from tests.ui.conftest import badge_codes
from tests.ui.desk import CTRL, back_to, press, ready, replied, scan
from tools.screenshots.run import forge
from ui.app.text import PAIRED

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
# Units, keys, file types, product names, codes: Latin by nature, in any language.
ALWAYS = (
    "Ctrl+Shift+Q", "Ctrl+F", "Ctrl+Z", "Ctrl+N", "Ctrl+P", "Ctrl+L", "Ctrl+R", "Enter",
    "F1", "F2", "F3", "fps", "PDF", "CSV", "Excel", "XLSX", "VIP", "English", "sqlite", "db",
    "QR", "FC1", "OK",
)  # fmt: skip


def data_words(db: Path) -> list[str]:
    """Names, organizations, titles, emails, notes, sessions, rooms, stations: data."""
    store = Store.open(db)
    try:
        ev = store.event()
        words = [ev.name, ev.venue, ev.city, ev.id, str(db), db.name, "desk-1", "kiosk-1"]
        for s in ev.sessions:
            words += [s.title, s.room, s.id]
        for a in reads(store).people.everyone():
            words += [a.name, a.organization, a.title, a.email, a.notes, a.phone, a.attendee_id]
        return sorted({w for w in words if w}, key=len, reverse=True)
    finally:
        store.close()


def texts_of(w: QWidget) -> Iterable[str]:
    if isinstance(w, QLabel):
        full = getattr(w, "full_text", None)  # an elided label: its whole text
        yield full() if callable(full) else w.text()
    if isinstance(w, QAbstractButton):
        yield w.text()
    if isinstance(w, QLineEdit):
        yield w.placeholderText()
    if isinstance(w, QComboBox):
        yield from (w.itemText(i) for i in range(w.count()))
    if isinstance(w, QTabWidget):
        yield from (w.tabText(i) for i in range(w.count()))
    if isinstance(w, QAbstractItemView) and w.model() is not None:
        yield from model_texts(w.model(), 1 if isinstance(w, QListView) else None)
    if isinstance(w, QMenu):
        yield w.title()
        yield from (a.text() for a in w.actions())
    if w.isWindow():
        yield w.windowTitle()
    yield w.toolTip()


def model_texts(m: QAbstractItemModel, columns: int | None) -> Iterable[str]:
    cols = columns or m.columnCount(QModelIndex())
    if columns is None:
        for c in range(cols):
            yield str(m.headerData(c, Qt.Orientation.Horizontal) or "")
    for r in range(min(m.rowCount(QModelIndex()), 40)):
        for c in range(cols):
            yield str(m.index(r, c).data() or "")


class Walk:
    def __init__(self, allowed: list[str]) -> None:
        self.allowed = [*allowed, *ALWAYS]
        self.bad: dict[str, str] = {}
        self.seen = 0

    def english(self, text: str) -> bool:
        """Latin letters that are not a name, code or unit, in a text without Chinese."""
        if not text or CJK.search(text):
            return False
        rest = re.sub(r"</?[a-z]+>", " ", text)  # rich text tags
        rest = re.sub(r"(?:/[\w.+-]+)+/?", " ", rest)  # paths
        for word in self.allowed:
            rest = rest.replace(word, " ")
        rest = re.sub(r"[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}", " ", rest)  # uuids
        rest = re.sub(r"\b[0-9A-Z]{8}\b", " ", rest)  # attendee ids
        return bool(LATIN.search(rest))

    def check(self, where: str, text: str) -> None:
        self.seen += 1
        if self.english(text):
            self.bad.setdefault(text, where)

    def widgets(self, root: QWidget, where: str) -> None:
        ours = not isinstance(root, QFileDialog | QMenu)  # Qt's own use mnemonics on purpose
        for w in [root, *root.findChildren(QWidget)]:
            if (not w.isVisible() and not isinstance(w, QMenu)) or w.property(PAIRED):
                continue
            for t in texts_of(w):
                self.check(f"{where}: {type(w).__name__} {w.objectName()}", t)
            mnemonic = ours and (
                isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.buddy())
            )
            if mnemonic and "&" in w.text():  # type: ignore[attr-defined]
                # A single "&" before a character is a mnemonic: it would vanish.
                assert not re.search(r"(?<!&)&(?!&)", w.text().replace("&&", "")), w.text()


def test_everything_in_chinese(
    qtbot: Any, make_shell: Any, demo_db: Path, ui_clock: Any, monkeypatch: Any
) -> None:
    walk = Walk([*data_words(demo_db), "Grace Lin", "root"])
    codes = badge_codes(demo_db, 6)
    shell = make_shell(demo_db, lang="zh", station="desk-1")
    win = ready(qtbot, shell)
    status: list[str] = []
    win.status.messageChanged.connect(status.append)

    def look(where: str, root: QWidget | None = None) -> None:
        QApplication.processEvents()
        walk.widgets(root or win, where)

    look("staff idle")
    scan(qtbot, win, codes[0][1])
    look("admitted")
    ui_clock.advance(3)
    scan(qtbot, win, forge(codes[1][1]))
    ui_clock.advance(3)
    look("forged")
    press(Qt.Key.Key_F, CTRL)
    QTest.keyClicks(win.staff.search, "li")
    qtbot.waitUntil(lambda: win.staff.results.count() > 0, timeout=5000)
    look("search")
    QTest.keyClicks(win.staff.search, "zzzz")
    QTest.keyClick(win.staff.search, Qt.Key.Key_Return)
    qtbot.wait(400)
    win.staff.search.clear()
    press(Qt.Key.Key_P, CTRL)  # nothing selected: a notice
    press(Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: win.staff.recent.count() > 0, timeout=5000)
    look("recent")
    press(Qt.Key.Key_Z, CTRL)
    dlg = win.staff.actions.undo_dialog
    qtbot.waitUntil(lambda: dlg is not None and dlg.isVisible(), timeout=3000)
    look("undo dialog", dlg)
    with replied(qtbot, shell, Undo):
        QTest.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    # A line edit's own context menu: Qt's base translations are loaded.
    menu = win.staff.search.createStandardContextMenu()
    look("context menu", menu)
    assert any(CJK.search(a.text()) for a in menu.actions() if a.text())
    back_to(qtbot, win)
    # The walk-in dialog: empty submit (an error), then a person with "&" in the session.
    press(Qt.Key.Key_N, CTRL)
    wdlg = win.staff.actions.walk_in_dialog
    qtbot.waitUntil(lambda: wdlg is not None and wdlg.isVisible(), timeout=3000)
    QTest.mouseClick(wdlg.ok, Qt.MouseButton.LeftButton)
    look("walk-in dialog", wdlg)
    green = next(b for sid, b in wdlg.session_boxes if sid == "green-finance")
    assert QKeySequence.mnemonic(green.text()).isEmpty() and "&&" in green.text()
    QTest.keyClicks(wdlg.name, "Grace Lin")
    with replied(qtbot, shell, WalkIn):
        QTest.mouseClick(wdlg.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: shell.ctx.db is not None and win.staff.actions.last_print is not None, timeout=15000
    )
    # The stock file dialog (open another database) speaks Chinese too.
    fd = QFileDialog(win, "打开")
    fd.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    fd.show()
    qtbot.waitExposed(fd)
    look("file dialog", fd)
    fd.close()
    # The kiosk: attract, a welcome, a refusal, the PIN dialog (wrong, locked).
    win.set_mode("kiosk")
    look("kiosk attract")
    ui_clock.advance(10)
    scan(qtbot, win, codes[2][1], Method.CAMERA)
    look("kiosk welcome")
    win.ask_pin()
    pin = win.pin_dialog
    for _ in range(5):
        QTest.keyClicks(pin.pin, "9999")
        QTest.keyClick(pin.pin, Qt.Key.Key_Return)
        look("pin", pin)
    ui_clock.advance(31)
    qtbot.waitUntil(pin.pin.isEnabled, timeout=3000)
    QTest.keyClicks(pin.pin, "2024")
    QTest.keyClick(pin.pin, Qt.Key.Key_Return)
    assert win.mode == "staff"
    # The dashboard, its export menu included.
    win.set_mode("dashboard")
    qtbot.waitUntil(
        lambda: win.dashboard is not None and win.dashboard.snapshot is not None, timeout=15000
    )
    look("dashboard")
    look("export menu", win.dashboard.export_button.menu())
    # The database goes away: banner, disabled actions, status line.
    assert shell.host.pid is not None
    shell.host.kill()
    win.set_mode("staff")
    qtbot.waitUntil(win.staff.banner.isVisible, timeout=10000)
    look("database down")
    qtbot.waitUntil(lambda: shell.db.state.writable, timeout=20000)
    for i, text in enumerate(status):
        walk.check(f"status message {i}", text)
    assert walk.seen > 300
    assert walk.bad == {}, "\n".join(f"{w}: {t!r}" for t, w in walk.bad.items())


def test_camera_off_after_switching_language_at_run_time(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    shell = make_shell(demo_db, lang="en")
    win = shell.window
    assert win.staff.cam_status.text.text() == "Camera off"
    win.toggle_language()
    qtbot.waitUntil(lambda: win.staff.cam_status.text.text() == "摄像头已关闭", timeout=3000)
    assert "无摄像头" in win.cam_state.text()
    win.toggle_language()
    qtbot.waitUntil(lambda: win.staff.cam_status.text.text() == "Camera off", timeout=3000)
