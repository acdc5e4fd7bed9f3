"""The object graph of the running application, built in one place (no globals).

`Shell` wires the link to the station host (its client's lane threads), printing (the
host's print lane, the status bar's printer), the camera threads, sounds, the handheld filter, the watchdog, translations and
the window; tests and `screenshots` build it too.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from kiosk.models.clock import Clock
from kiosk.models.outcomes import CheckinResult
from kiosk.station.process import StationProcess
from ui.app.context import Context
from ui.app.fonts import apply_app_font
from ui.app.gcguard import GuiThreadGc
from ui.app.i18n import Translations, system_lang
from ui.app.mainwindow import MainWindow
from ui.app.paths import data_dir, log_path
from ui.app.refguard import pin_singletons
from ui.app.screens import DEFAULT
from ui.app.settings import Settings
from ui.app.sounds import SoundPlayer
from ui.app.theme import STYLESHEET
from ui.app.watchdog import Watchdog
from ui.bridge.desk import DeskLink
from ui.capture.camera import CameraConfig, CameraWorker
from ui.capture.handheld import HandheldFilter
from ui.desk.print_desk import PrintDesk
from ui.present.looks import result_look

log = logging.getLogger(__name__)


@dataclass
class ShellOptions:
    db_path: Path
    clock: Clock
    build_demo: bool = False
    mode: str = DEFAULT  # a screen's name (ui.app.screens)
    camera: str | None = None
    camera_fallback: str | None = None
    loop_video: bool = True
    camera_retry_s: float = 2.0
    camera_realtime: bool = True  # False: a video plays as fast as it decodes (benchmarks)
    handheld: bool = True  # a handheld scanner (keyboard wedge) is taken, whatever has focus
    session_id: str = ""
    station: str = ""  # empty: the name the database has for this station
    operator: str = ""
    lang: str | None = None
    decoder: str = "zxing"
    sound: bool = True
    print_on_checkin: bool = False
    printer: str | None = None  # --printer (None: the station's choice, else the default)
    label: str | None = None  # --label (None: the station's choice, else 4x3in)
    print_timeout_s: float | None = None  # a print not done by then is given up
    fullscreen_kiosk: bool = True
    echo: bool = False
    watchdog: bool = True
    settings_path: Path | None = None
    server: Any = None  # kiosk.sync.server.ServerConfig: --server / $FORUM_CHECKIN_HUB
    sync_interval: float = 0.8


class Shell:
    def __init__(self, app: QApplication, opts: ShellOptions) -> None:
        pin_singletons()  # PySide6 6.12 releases references to None/True/False it never took
        self.app = app
        self.opts = opts
        apply_app_font(app)
        app.setStyleSheet(STYLESHEET)
        self.translations = Translations(app)
        self.translations.switch(opts.lang or system_lang())
        self.settings = Settings(opts.settings_path or data_dir() / "settings.json")
        # The station host's lanes and the camera allocate all the time: Python's cyclic
        # collector must not run there and destroy a Qt object off the GUI thread.
        self.gc_guard = GuiThreadGc()
        # Every SQLite connection lives in this child process (kiosk.station): a pulled
        # drive kills the child, not the window.
        self.host = StationProcess(opts.db_path, log_file=log_path())
        self.db = DeskLink(
            self.host,
            opts.clock,
            build_demo=opts.build_demo,
            journal_dir=data_dir(),
            station_name=opts.station,
            gc_guard=self.gc_guard,
        )
        self.printing = PrintDesk(self.db, opts.clock, data_dir() / "badges", self.settings,
                                  opts.printer, opts.label, opts.print_timeout_s)  # fmt: skip
        self.camera: CameraWorker | None = None
        if opts.camera is not None:
            self.camera = CameraWorker(
                CameraConfig(
                    spec=opts.camera,
                    fallback=opts.camera_fallback,
                    decoder=opts.decoder,
                    loop=opts.loop_video,
                    retry_s=opts.camera_retry_s,
                    realtime=opts.camera_realtime,
                ),
                opts.clock,
            )
        self.sounds = SoundPlayer(enabled=opts.sound)
        self.ctx = Context(
            db=self.db,
            clock=opts.clock,
            settings=self.settings,
            sounds=self.sounds,
            printing=self.printing,
            camera=self.camera,
            station=opts.station,
            operator=opts.operator,
            session_id=opts.session_id,
            print_on_first_checkin=opts.print_on_checkin
            or bool(self.settings.get("print_on_first_checkin", False)),
            print_slip_with_badge=bool(self.settings.get("print_slip_with_badge", True)),
            echo=self._echo if opts.echo else None,
        )
        self.window = MainWindow(self.ctx, self.translations)
        self.window.kiosk_fullscreen = opts.fullscreen_kiosk
        from ui.desk.printer_panel import PrinterPanel

        self.printer_panel = PrinterPanel(self.printing, self.window)
        self.handheld = HandheldFilter(opts.clock, self.window)
        self.handheld.scanned.connect(self._handheld)
        self.handheld.enabled = opts.handheld
        self.window.kiosk.set_handheld_ok(opts.handheld)
        self.watchdog = Watchdog(parent=self.window) if opts.watchdog else None
        from ui.sync.bar import SyncBar

        self.sync = SyncBar(self.db, self.window, self.settings, opts.server, opts.sync_interval)
        self.sync.follower.updated.connect(lambda u: self.window.arrived(u.arrivals))
        self._down = False
        if self.settings.problem:
            self.window.status.showMessage(
                QCoreApplication.translate("MainWindow", "Settings: %1").replace(
                    "%1", self.settings.problem
                ),
                15000,
            )

    def start(self) -> None:
        self.gc_guard.acquire()  # for the camera's threads (the link holds it for its own)
        self.app.installEventFilter(self.handheld)
        self.db.start()
        self.printing.start()  # after the station host: it asks the printers' state at once
        if self.camera is not None:
            self.camera.start()
        if self.watchdog is not None:
            self.watchdog.start()

    def show(self) -> None:
        """Show the window on screen, in the mode asked for (`--mode`)."""
        self.window.place_on_screen()
        self.window.show()
        if self.opts.mode != self.window.mode:
            self.window.set_mode(self.opts.mode)

    def _handheld(self, code: str) -> None:
        from kiosk.models.outcomes import Method

        self.window.submit_code(code, Method.HANDHELD)

    def _echo(self, result: CheckinResult) -> None:
        """One line per check-in on stdout: readable on a terminal, JSON when piped."""
        if sys.stdout is None:  # a windowed start without a console
            return
        if sys.stdout.isatty():
            lk = result_look(result)
            at = result.at.astimezone(self.ctx.event.tz) if self.ctx.event else result.at
            who = "  ".join(x for x in (result.name, result.name_zh) if x) or "—"
            org = f" — {result.organization}" if result.organization else ""
            line = (
                f"{at:%H:%M:%S}  {lk.title_en} · {lk.title_zh}  {who}{org}  [{result.session_id}]"
            )
        else:
            line = json.dumps(
                result.to_json(self.ctx.event.tz if self.ctx.event else None), ensure_ascii=False
            )
        # stdout closed: not worth stopping the desk for
        with contextlib.suppress(OSError, ValueError):
            print(line, flush=True)

    def quit(self) -> None:
        self.window.locked = False
        self.window.close_now()
        self.app.quit()

    def shutdown(self) -> None:
        """Stop every thread cleanly: the camera first, then the printer (a badge being
        printed is finished and recorded), then the station host after every request."""
        if self._down:
            return
        self._down = True
        self.window.may_close = True  # stopped: the window closes without asking
        self.app.removeEventFilter(self.handheld)
        if self.watchdog is not None:
            self.watchdog.stop()
        if self.camera is not None:
            self.camera.stop()
        self.window.dash_holder.shutdown()
        self.sync.stop()
        self.printing.stop()
        self.db.stop()
        self.gc_guard.release()
        self.translations.uninstall()
