"""The sync's place in the window: the status bar's sync label and its "Hub…" button.

`SyncBar` is built by the shell. Once the database is open it starts the station host's
sync worker with the hub (from `--server` / `$FORUM_CHECKIN_HUB`, else the settings),
shows every status in the status bar, and refreshes the desk's counts when entries
arrive from other stations (the dashboard notices by itself: SQLite's data version).
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from kiosk.models.clock import SystemClock
from kiosk.station.syncproto import SyncUpdate
from kiosk.station.trustproto import ListStations, StationsView
from kiosk.sync.loop import INTERVAL_S
from kiosk.sync.server import ServerConfig
from ui.app.settings import Settings
from ui.bridge.desk import DeskLink
from ui.desk.stations import ORIGIN, StationsDialog, window_is_chinese
from ui.present.trust_text import not_here, say
from ui.sync.hub_dialog import HubDialog, store_server, stored_server
from ui.sync.status import SyncFollower, SyncLabel

REFRESH_EVERY_S = 2.0


class SyncBar(QObject):
    def __init__(
        self,
        db: DeskLink,
        window: QWidget,
        settings: Settings,
        server: ServerConfig | None = None,
        interval: float = INTERVAL_S,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.override = server  # --server or $FORUM_CHECKIN_HUB: this run only
        self.follower = SyncFollower(db, interval, self)
        self.label = SyncLabel()
        self.button = QPushButton()
        self.button.setObjectName("HubButton")
        self.button.setFlat(True)
        self.button.clicked.connect(self.edit_hub)
        self.dialog: HubDialog | None = None
        self.stations_button = QPushButton()
        self.stations_button.setObjectName("StationsButton")
        self.stations_button.setFlat(True)
        self.stations_button.clicked.connect(self.show_stations)
        self.stations_button.setVisible(False)  # until the database says it is the desk
        self.stations: StationsDialog | None = None
        self.enrolls = ""  # kiosk.storage.trust.Enrolls of the open database ("" unknown)
        self.refused_box: QMessageBox | None = None
        self.db = db
        self.db_path = ""
        self._opened = False
        self._refreshed = 0.0
        status = window.status  # type: ignore[attr-defined]
        status.addPermanentWidget(self.label)
        status.addPermanentWidget(self.button)
        status.addPermanentWidget(self.stations_button)
        db.opened.connect(self._db_opened)
        self.follower.updated.connect(self._updated)
        self.follower.updated.connect(self.follower._on_update)
        self.label.set_configured(self.server is not None)
        self.retranslate()
        self.label.language_changed.connect(self.retranslate)

    @property
    def server(self) -> ServerConfig | None:
        return self.override or stored_server(self.settings)

    def retranslate(self) -> None:
        self.button.setText(self.tr("Hub…"))
        self.button.setToolTip(self.tr("Set or clear the hub this station syncs with"))
        zh = window_is_chinese()
        self.stations_button.setText(say("button", zh))
        self.stations_button.setToolTip(say("button_tip", zh))

    def _db_opened(self, opened: object) -> None:
        event = getattr(opened, "event", None)
        if event is not None:
            self.label.set_time_zone(event.tz)
        self.db_path = str(getattr(opened, "path", "") or "")
        own = Path(self.db_path + ".hub")  # an enrolled station's own login (init --enrollment)
        if self.server is None and self.db_path and own.is_file():
            self.override = ServerConfig(own.read_text(encoding="utf-8").strip(), f"file {own}")
            self.label.set_configured(True)
        if not self._opened:
            self._opened = True
            if self.server is not None:
                self.follower.start(self.server)
        self.db.submit(ListStations(), ORIGIN, then=self._may_enroll,
                       otherwise=lambda _e: self._may_enroll(None), owner=self)  # fmt: skip

    def _may_enroll(self, view: StationsView | None) -> None:
        """Stations… is offered only where it can work: the event's desk (or a database
        that becomes it at its first enrollment)."""
        self.enrolls = "" if view is None else str(view.enrolls)
        self.stations_button.setVisible(view is not None and view.can_enroll)

    def _updated(self, update: SyncUpdate) -> None:
        self.label.show_update(update)
        status = update.status
        if (
            status is not None
            and status.pulled
            and time.monotonic() - self._refreshed > REFRESH_EVERY_S
        ):
            self._refreshed = time.monotonic()
            staff = getattr(self.window, "staff", None)
            if staff is not None:
                staff.refresh()

    def edit_hub(self) -> None:
        self.dialog = HubDialog(self.server, self.window)
        if not self.dialog.exec():  # rejected (0)
            return
        self.apply(self.dialog.result_server)

    def apply(self, dsn: str | None) -> None:
        """Keep `dsn` in the settings (None: clear) and sync with it from now on."""
        store_server(self.settings, dsn)
        self.override = None
        server = self.server
        self.label.set_configured(server is not None)
        if self._opened or server is None:
            self.follower.set_server(server)

    def show_stations(self) -> None:
        """The desk's Stations… dialog (enroll, list, revoke); elsewhere, why not."""
        if self.stations_button.isHidden():
            zh = window_is_chinese()
            box = QMessageBox(QMessageBox.Icon.Information, say("title", zh),
                              not_here(self.enrolls or "station", zh),
                              QMessageBox.StandardButton.Close, self.window)  # fmt: skip
            box.setObjectName("StationsNotHere")
            self.refused_box = box
            box.open()
            return
        if self.stations is None:
            folder = Path(self.db_path).parent if self.db_path else Path.home()
            owner = self.server.dsn if self.server is not None else ""
            clock = getattr(getattr(self.window, "ctx", None), "clock", None) or SystemClock()
            self.stations = StationsDialog(self.db, clock, folder, owner, self.window)
        self.stations.refresh()
        self.stations.show()
        self.stations.raise_()

    def stop(self) -> None:
        self.follower.stop()
