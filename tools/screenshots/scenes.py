"""The scenes `python main.py screenshots` renders, in order, through the running app.

Every result is a real check-in through the station host; dialogs are opened as the
desk's shortcuts open them; the database going away is the station host killed.
File names get a `-zh` suffix in Chinese (`--lang zh`).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.models.clock import FixedClock, parse_instant
from kiosk.models.outcomes import Method
from kiosk.station.desk import NotRecorded


class Scenes:
    def __init__(
        self, app: QApplication, db: Path, tmp: Path, out: Path, lang: str, screen: bool
    ) -> None:
        from tools.screenshots.run import WHEN
        from ui.app.shell import Shell, ShellOptions

        self.app, self.db, self.tmp, self.out, self.lang, self.screen = (
            app, db, tmp, out, lang, screen,
        )  # fmt: skip
        self.saved: list[Path] = []
        self.shell = Shell(
            app,
            ShellOptions(
                db_path=db, clock=FixedClock(parse_instant(WHEN)), lang=lang, sound=False,
                fullscreen_kiosk=False, watchdog=False, settings_path=tmp / "settings.json",
            ),
        )  # fmt: skip
        self.win = self.shell.window

    # -- helpers --------------------------------------------------------------------------
    def pump(self, ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def until(self, check: Any, ms: int = 10000) -> None:
        waited = 0
        while not check() and waited < ms:
            self.pump(50)
            waited += 50

    def shot(self, name: str, widget: QWidget | None = None) -> None:
        self.app.processEvents()
        if widget is not None:  # a dialog at the size it asks for (offscreen does not)
            widget.resize(widget.sizeHint().expandedTo(widget.size()))
            self.app.processEvents()
        suffix = "-zh" if self.lang == "zh" else ""
        path = self.out / f"{name}{suffix}.png"
        (widget or self.win).grab().save(str(path))
        self.saved.append(path)
        if self.screen and widget is None and self.app.primaryScreen() is not None:
            spath = self.out / f"{name}{suffix}-screen.png"
            self.app.primaryScreen().grabWindow(0).save(str(spath))
            self.saved.append(spath)

    def scan(self, code: str, method: Method = Method.CAMERA) -> Any:
        """A check-in shown at once (the minimum time of the last one set aside)."""
        got: list[Any] = []
        self.win.staff.panel.clear()
        self.win.kiosk.policy.cleared()
        self.win.result_shown.connect(got.append)
        self.win.submit_code(code, method)
        self.until(lambda: bool(got))
        self.win.result_shown.disconnect(got.append)
        self.pump(200)
        return got[0] if got else None

    # -- the scenes -------------------------------------------------------------------------
    def run(self, picks: dict[str, Any]) -> list[Path]:
        from tools.screenshots.run import _fake_camera, forge

        win, shell = self.win, self.shell
        win.resize(1440, 900)
        shell.start()
        win.show()
        self.until(lambda: shell.db.state.writable)
        self.pump(800)  # counters fill; the window was fitted to the (offscreen) screen
        win.resize(1440, 900)
        _fake_camera(win)
        self.shot("staff-idle")
        self.scan(picks["plain"][0])
        self.shot("staff-admitted")
        self.scan(picks["earlier"])
        self.shot("staff-already-checked-in")
        self.scan(forge(picks["plain"][1]), Method.HANDHELD)
        self.shot("staff-refused-forged")
        self.scan(picks["vip"])
        self.shot("staff-vip")
        self._not_open(picks["plain"][2])
        self._short_screen(picks, forge)
        self._search()
        self._dialogs(picks)
        self._database_down(picks["plain"][3])
        self._kiosk(picks, forge)
        self._dashboard()
        win.set_mode("staff")
        shell.shutdown()
        win.close()
        self._missing_database()
        from tools.screenshots.meetings import matchmaking_scenes

        matchmaking_scenes(self)  # the afternoon: the matchmaking session
        from tools.screenshots.every_scan import every_scan_scenes

        every_scan_scenes(self)  # 10:00: any scan, the default session, no camera
        return self.saved

    def _not_open(self, code: str) -> None:
        staff = self.win.staff
        staff.session.setCurrentIndex(staff.session.findData("showcase"))
        self.scan(code, Method.HANDHELD)
        self.shot("staff-not-open")
        staff.session.setCurrentIndex(staff.session.findData("opening"))

    def _short_screen(self, picks: dict[str, Any], forge: Any) -> None:
        """Every result state on a 1366×768 laptop (the window less the window manager's
        frame and panel), with four people in the search list; and a walk-in who is
        already registered, offered before anyone is registered twice."""
        from kiosk.models.sameperson import _initials, _org_words

        win, staff = self.win, self.win.staff
        win.resize(1366, 736)
        staff.focus_search()
        QTest.keyClicks(staff.search, "wang")
        self.until(lambda: staff.results.count() > 1)
        shots = [
            ("admitted", picks["plain"][3], Method.CAMERA),
            ("vip", picks["vip2"], Method.CAMERA),
            ("speaker", picks["speaker"], Method.CAMERA),
            ("already-checked-in", picks["earlier2"], Method.CAMERA),
            ("refused-forged", forge(picks["plain"][2]), Method.HANDHELD),
            ("refused-unknown", "CTF24-99999", Method.HANDHELD),
        ]
        for name, code, method in shots:
            self.scan(code, method)
            self.shot(f"staff-1366x768-{name}")
        if picks["not_registered"]:
            staff.session.setCurrentIndex(staff.session.findData("matchmaking"))
            self.scan(picks["not_registered"], Method.HANDHELD)
            self.shot("staff-1366x768-refused-not-open")
            staff.session.setCurrentIndex(staff.session.findData("opening"))
        staff.search.clear()
        person = picks["duplicate_of"]
        staff.actions.open_walk_in()
        dlg = staff.actions.walk_in_dialog
        if dlg is not None:
            QTest.keyClicks(dlg.name, person.name)
            QTest.keyClicks(dlg.org, _initials(_org_words(person.organization)).upper())
            dlg.ok.click()
            self.until(dlg.dups.isVisible)
            self.pump(300)
            self.shot("staff-walk-in-duplicate", dlg)
            dlg.reject()
        win.resize(1440, 900)
        self.pump(300)

    def _search(self) -> None:
        staff = self.win.staff
        staff.panel.clear()
        staff.focus_search()
        QTest.keyClicks(staff.search, "li")
        self.until(lambda: staff.results.count() > 3)
        self.pump(300)
        self.shot("staff-search")
        staff.search.clear()

    def _dialogs(self, picks: dict[str, Any]) -> None:
        actions = self.win.staff.actions
        self.win.staff.tabs.setCurrentWidget(self.win.staff.recent_page)
        self.until(lambda: self.win.staff.recent.count() > 0)
        self.win.staff.recent.setCurrentRow(self.win.staff.recent.count() - 1)
        actions.undo_selected()
        dlg = actions.undo_dialog
        if dlg is not None:
            self.pump(300)
            self.shot("staff-undo-confirm", dlg)
            dlg.reject()
        actions.open_walk_in()
        wdlg = actions.walk_in_dialog
        if wdlg is not None:
            for field, text in (("name", "Grace Lin"), ("org", "Sunrise Solar & Storage"),
                                ("title_edit", "Founder"), ("email", "grace.lin@sunrise-solar.com"),
                                ("phone", "+1 415 555 0100")):  # fmt: skip
                QTest.keyClicks(getattr(wdlg, field), text)
            self.pump(300)
            self.shot("staff-walk-in", wdlg)
            wdlg.reject()
        self.win.staff.tabs.setCurrentWidget(self.win.staff.search_page)

    def _database_down(self, code: str) -> None:
        """The database goes away (the station host killed, as by a pulled drive's SIGBUS):
        the scan is kept, the banner says why, the actions that need the database are off."""
        pid = self.shell.host.pid
        if pid is None:
            return
        os.kill(pid, signal.SIGKILL)
        got: list[Any] = []

        def heard(call: Any) -> None:
            if isinstance(call.error, NotRecorded):
                got.append(call)

        self.shell.db.replied.connect(heard)
        self.win.staff.panel.clear()
        self.win.submit_code(code, Method.HANDHELD)
        self.until(lambda: bool(got))
        self.shell.db.replied.disconnect(heard)
        self.pump(150)
        self.shot("staff-not-recorded")
        self.until(lambda: self.shell.db.state.writable, 30000)  # back: the scan recorded
        self.pump(500)

    def _kiosk(self, picks: dict[str, Any], forge: Any) -> None:
        from tools.screenshots.run import _fake_camera

        win = self.win
        win.set_mode("kiosk")
        win.showNormal()
        win.resize(1440, 900)
        _fake_camera(win)
        self.shot("kiosk-attract")
        self.scan(picks["chinese"])
        self.shot("kiosk-welcome")
        self.scan(picks["american"])
        self.shot("kiosk-welcome-english-first")
        self.scan(forge(picks["plain"][3]))
        self.shot("kiosk-refused")
        win.ask_pin()
        pin = win.pin_dialog
        if pin is not None:
            QTest.keyClicks(pin.pin, "1111")
            pin.try_pin()
            self.pump(200)
            self.shot("kiosk-pin-wrong", pin)
            for _ in range(4):
                QTest.keyClicks(pin.pin, "1111")
                pin.try_pin()
            self.pump(300)
            self.shot("kiosk-pin-locked", pin)
            pin.reject()
        win.kiosk.set_camera_status("failed", "0: no camera")
        win.kiosk.set_handheld_ok(False)  # no input works: out of order
        self.shot("kiosk-out-of-order")
        win.kiosk.set_handheld_ok(True)
        win.kiosk.set_camera_status("running", "")
        win.pin_guard.failures = 0
        win.pin_guard._locked_until = 0.0
        win.locked = False

    def _dashboard(self) -> None:
        from tools.screenshots.run import fps_text

        win = self.win
        fps_text(win)
        win.set_mode("dashboard")
        win.resize(1440, 900)
        self.pump(2500)
        self.shot("dashboard")
        win.resize(1366, 736)
        self.pump(1200)
        self.shot("dashboard-1366x768")
        win.set_mode("staff")
        win.resize(1366, 736)
        self.pump(600)
        self.shot("staff-1366x768")
        win.resize(1440, 900)

    def _missing_database(self) -> None:
        from ui.app.shell import Shell, ShellOptions

        path = self.tmp / "typo" / "event.sqlite"
        shell = Shell(
            self.app,
            ShellOptions(
                db_path=path, clock=FixedClock(parse_instant("2024-11-04T09:20:00+08:00")),
                lang=self.lang, sound=False, watchdog=False,
                settings_path=self.tmp / "settings.json",
            ),
        )  # fmt: skip
        shell.start()
        shell.window.show()
        self.until(lambda: shell.window.stack.currentWidget() is shell.window.missing)
        self.pump(600)
        shell.window.resize(1440, 900)
        self.pump(200)
        win, self.win = self.win, shell.window
        self.shot("missing-database")
        self.win = win
        shell.shutdown()
        shell.window.close()
