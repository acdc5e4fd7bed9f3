"""The hub sync as the desk sees it: a worker thread that follows the station host's sync
lane, and the status bar's sync label.

`SyncFollower` lives in a QThread of its own. It starts the sync worker in the station
host (`StartSync`, on the host's "sync" lane: the loop runs next to the database, in a
thread of the child) and then long-polls its statuses (`SyncPoll`), emitting each as a
`SyncUpdate`. If the host restarts (the database went away and came back), it starts the
worker again. Nothing here waits on the hub: a dead, slow or refusing hub only changes
what the label says (the reason is in its tooltip), never a scan and never a dialog.
"""

from __future__ import annotations

import logging
import threading
from datetime import tzinfo
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.station.process import StationDown, StationFailed, StationProcess
from kiosk.station.syncproto import StartSync, StopSync, SyncPoll, SyncUpdate
from kiosk.sync.loop import INTERVAL_S, Link
from kiosk.sync.server import ServerConfig
from ui.app.gcguard import GuiThreadGc

log = logging.getLogger(__name__)
RETRY_MS = 1000


class SyncFollower(QObject):
    """Starts, reconfigures and stops the station host's sync worker; emits its statuses.

    Its loop runs in a plain thread that only talks to the host's sync lane (no Qt
    objects there); each new status reaches the GUI thread as a queued signal."""

    updated = Signal(object)  # SyncUpdate

    def __init__(
        self, host: StationProcess, interval: float = INTERVAL_S, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.interval = interval
        self.server: ServerConfig | None = None
        self.latest: SyncUpdate | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._changed = threading.Event()
        self.gc_guard = GuiThreadGc(self)

    def start(self, server: ServerConfig | None) -> None:
        self.server = server
        self._changed.set()
        if self._thread is None:
            self._stop.clear()
            self.gc_guard.acquire()
            self._thread = threading.Thread(target=self._run, name="sync-follower", daemon=True)
            self._thread.start()

    def set_server(self, server: ServerConfig | None) -> None:
        """Sync with another hub from now on (None: stop syncing)."""
        self.start(server)

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        self._changed.set()
        thread.join(20)
        if thread.is_alive():
            log.error("sync follower did not stop within 20 s")
        self.gc_guard.release()

    def _run(self) -> None:
        started_on, seq, server = -1, 0, None
        while not self._stop.is_set():
            if self._changed.is_set():
                self._changed.clear()
                server, started_on, seq = self.server, -1, 0
                if server is None:
                    self._call(StopSync())
                    self.updated.emit(SyncUpdate(0, None, False))
            if server is None:
                self._changed.wait(1.0)
                continue
            if started_on != self.host.starts:
                if self._call(StartSync(server, self.interval)) is None:
                    self._stop.wait(RETRY_MS / 1000)
                    continue
                started_on, seq = self.host.starts, 0
            reply = self._call(SyncPoll(seq, 1.0))
            if not isinstance(reply, SyncUpdate):
                started_on = -1  # start it again once the host answers
                self._stop.wait(RETRY_MS / 1000)
                continue
            if reply.seq != seq:
                seq = reply.seq
                if not self._changed.is_set():
                    self.updated.emit(reply)
            if not reply.running and reply.status is None:
                started_on = -1

    def _call(self, request: object) -> object:
        try:
            return self.host.call("sync", request, timeout=15)
        except (StationDown, StationFailed) as exc:
            log.info("sync lane: %s", exc)
            return None

    @Slot(object)
    def _on_update(self, update: SyncUpdate) -> None:
        self.latest = update


def _t(text: str) -> str:
    return QCoreApplication.translate("SyncStatus", text)


def describe(update: SyncUpdate | None, configured: bool, tz: tzinfo) -> tuple[str, str, str]:
    """(label text, tooltip, level) in the UI language; level: ok | warn | bad | off."""
    if not configured:
        return _t("Not syncing"), _t("No hub is set: this station works on its own."), "off"
    status = update.status if update is not None else None
    if status is None:
        return _t("Hub: connecting…"), _t("Starting the sync with the hub."), "warn"
    parts: list[str] = []
    tips: list[str] = []
    level = "ok"
    if status.link is Link.ONLINE:
        parts.append(_t("Hub: online"))
    elif status.link is Link.STARTING:
        parts.append(_t("Hub: connecting…"))
        level = "warn"
    else:
        names = {
            Link.OFFLINE: _t("Hub: offline"),
            Link.REFUSED: _t("Hub: refused"),
            Link.FAILED: _t("Hub: sync stopped"),
        }
        parts.append(names.get(status.link, _t("Hub: offline")))
        level = "bad"
        tips.append(_t("Why: %1").replace("%1", status.message or "—"))
        tips.append(
            _t("Scans are still decided and recorded here; they upload when the hub is back.")
        )
        if status.next_in > 0:
            tips.append(_t("Next try in %1 s").replace("%1", f"{status.next_in:.0f}"))
    if status.waiting is not None:
        parts.append(_t("%1 waiting to upload").replace("%1", str(status.waiting)))
    if status.last_sync is not None:
        parts.append(
            _t("last sync %1").replace("%1", f"{status.last_sync.astimezone(tz):%H:%M:%S}")
        )
    else:
        parts.append(_t("never synced"))
    if status.skew_warning and status.skew_s is not None:
        ahead = _t("behind") if status.skew_s > 0 else _t("ahead of")
        parts.append(
            _t("⚠ clock %1 s %2 the hub")
            .replace("%1", f"{abs(status.skew_s):.0f}")
            .replace("%2", ahead)
        )
        tips.append(_t("This computer's clock is more than a minute off the hub's: set its time."))
        level = "bad" if level == "bad" else "warn"
    if update is not None and update.server:
        tips.insert(0, _t("Hub: %1").replace("%1", update.server))
    if status.behind:
        tips.append(_t("%1 entries still to download").replace("%1", str(status.behind)))
    return " · ".join(parts), "\n".join(tips), level


COLORS = {"ok": "#1E7B3A", "warn": "#9A6700", "bad": "#B42318", "off": "#52606D"}


class SyncLabel(QLabel):
    """The status bar's sync part; re-translates itself on a language switch."""

    language_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SyncState")
        self.configured = False
        self.update_: SyncUpdate | None = None
        self.tz: tzinfo = ZoneInfo("UTC")
        self.level = "off"
        self.show_update(None)

    def set_configured(self, configured: bool) -> None:
        self.configured = configured
        if not configured:
            self.update_ = None
        self.show_update(self.update_)

    def set_time_zone(self, tz: tzinfo) -> None:
        self.tz = tz
        self.show_update(self.update_)

    @Slot(object)
    def show_update(self, update: SyncUpdate | None) -> None:
        self.update_ = update
        text, tip, level = describe(update, self.configured, self.tz)
        self.level = level
        self.setText(f"  {text}  ")
        self.setToolTip(tip)
        self.setStyleSheet(f"color: {COLORS[level]}; font-weight: 600;")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.show_update(self.update_)
            self.language_changed.emit()
        super().changeEvent(event)
