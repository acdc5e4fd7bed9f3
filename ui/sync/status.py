"""The hub sync as the desk sees it: the follower of the station host's sync lane, and the
status bar's sync label.

`SyncFollower` starts the sync worker in the station host (`StartSync`, on the host's
"sync" lane: the loop runs next to the database, in a thread of the child) and then
long-polls its statuses (`SyncPoll`), emitting each as a `SyncUpdate`. If the host
restarts (the database went away and came back), it starts the worker again. Every
request goes through the desk's link; the client's sync lane does the waiting, so
nothing here waits on the hub: a dead, slow or refusing hub only changes what the label
says (the reason is in its tooltip), never a scan and never a dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import tzinfo
from typing import TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.station.errors import StationError
from kiosk.station.syncproto import StartSync, StopSync, SyncPoll, SyncUpdate
from kiosk.station.wire import Origin, Request, Source
from kiosk.sync.loop import EXPIRED_WHAT, INTERVAL_S, REVOKED_WHAT, Link
from kiosk.sync.loop import text as sync_text
from kiosk.sync.server import ServerConfig
from ui.bridge.desk import DeskLink

log = logging.getLogger(__name__)
R = TypeVar("R")
RETRY_MS = 1000
POLL_S = 1.0  # a long poll's wait in the host
ASKED = Origin(Source.SYNC)


class SyncFollower(QObject):
    """Starts, reconfigures and stops the station host's sync worker; emits its statuses.

    One request at a time on the sync lane: each reply asks the next question."""

    updated = Signal(object)  # SyncUpdate

    def __init__(
        self, db: DeskLink, interval: float = INTERVAL_S, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.interval = interval
        self.server: ServerConfig | None = None
        self.latest: SyncUpdate | None = None
        self._running = False
        self._asking = False  # a request waits for its reply
        self._generation = 0  # bumped by every change of hub: older replies are stale
        self._applied = -1  # the generation the host was told of
        self._started_on = -1  # the host's start (its count) the worker was started on
        self._seq = 0  # the sequence number of the last status heard
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._next)

    def start(self, server: ServerConfig | None) -> None:
        self.server = server
        self._generation += 1
        self._running = True
        self._retry.stop()
        self._next()

    def set_server(self, server: ServerConfig | None) -> None:
        """Sync with another hub from now on (None: stop syncing)."""
        self.start(server)

    def stop(self) -> None:
        self._running = False
        self._retry.stop()

    def _next(self) -> None:
        """Ask the host the next question, unless one waits for its answer."""
        if not self._running or self._asking or self._retry.isActive():
            return
        if self._applied != self._generation:
            self._applied, self._started_on, self._seq = self._generation, -1, 0
            if self.server is None:
                self.updated.emit(SyncUpdate(0, None, False))
                self._ask(StopSync(), lambda _ok: None)
                return
        if self.server is None:
            return
        starts = self.db.host.starts
        if self._started_on != starts:
            self._ask(StartSync(self.server, self.interval), lambda _ok: self._started(starts))
        else:
            self._ask(SyncPoll(self._seq, POLL_S), self._heard)

    def _ask(self, request: Request[R], then: Callable[[R], None]) -> None:
        generation = self._generation
        self._asking = True

        def answered(value: R) -> None:
            self._asking = False
            if self._running and generation == self._generation:
                then(value)
            self._next()

        def refused(error: StationError) -> None:
            self._asking = False
            log.info("sync lane: %s", error.message)
            self._started_on = -1  # start it again once the host answers
            if generation == self._generation:
                self._retry.start(RETRY_MS)
            else:
                self._next()

        self.db.submit(request, ASKED, then=answered, otherwise=refused, owner=self)

    def _started(self, starts: int) -> None:
        self._started_on, self._seq = starts, 0

    def _heard(self, update: SyncUpdate) -> None:
        if update.seq != self._seq:
            self._seq = update.seq
            self.updated.emit(update)
        if not update.running and update.status is None:
            self._started_on = -1

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
        if not (status.revoked or status.expired):  # (those say what becomes of the scans)
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
    # The sync's own notices, from the domain's bilingual table (kiosk.sync.loop.TEXT).
    lang = "zh" if QLocale().language() == QLocale.Language.Chinese else "en"
    if status.refill is not None:
        done, total = status.refill
        parts.insert(1, sync_text("refilling", lang, done=done, total=total))
        level = "warn" if level == "ok" else level
    for sid, name, what in status.refusals:  # the hub refused a station's entries
        if status.copy_of and sid == status.station_id:
            continue  # said below, with what to do
        name, what = _as_text(name), _as_text(what)
        parts.insert(1, "⚠ " + sync_text("refused_short", lang, station=name))
        tips.insert(0, sync_text("refused", lang, station=name, what=what))
        # a station the desk revoked: the hub doing as told is a warning, not a fault
        gone = what in (REVOKED_WHAT, EXPIRED_WHAT)  # its login revoked, or expired
        level = "warn" if gone and level != "bad" else "bad"
    # This station's own state leads the line (the label is elided: it must be seen)
    if status.revoked:  # this station's own login was revoked at the desk
        parts.insert(0, "⚠ " + sync_text("revoked_short", lang))
        tips.insert(0, sync_text("revoked", lang))
        level = "bad"
    if status.expired:  # this station's own enrollment expired
        parts.insert(0, "⚠ " + sync_text("expired_short", lang))
        tips.insert(0, sync_text("expired", lang))
        level = "bad"
    if status.copy_of:  # a copied enrolled station: what it writes is kept aside everywhere
        parts.insert(0, "⚠ " + sync_text("copy_short", lang))
        tips.insert(0, sync_text("copy", lang, station=status.copy_of))
        level = "bad"
    if status.behind:
        tips.append(sync_text("behind", lang, n=status.behind))
    if status.caught_up:
        tips.append(sync_text("caught_up", lang, n=status.caught_up))
    return " · ".join(parts), "\n".join(tips), level


def _as_text(said: str) -> str:
    """Another station's own words (its name, why the hub refused it) as plain text: Qt
    shows a tooltip that looks like HTML as HTML, so angle brackets become look-alikes and
    control characters go (a stolen kiosk's forged "all is well" stays words)."""
    return "".join("\ufffd" if ch < " " or "\x7f" <= ch <= "\x9f" else ch
                   for ch in said.replace("<", "‹").replace(">", "›"))  # fmt: skip


LINE_PX = 300  # the longest the sync line gets in the status bar (it shares 1366 px)
COLORS = {"ok": "#1E7B3A", "warn": "#9A6700", "bad": "#B42318", "off": "#52606D"}


class SyncLabel(QLabel):
    """The status bar's sync part; re-translates itself on a language switch."""

    language_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SyncState")
        self.setTextFormat(Qt.TextFormat.PlainText)  # it shows other stations' words
        self.configured = False
        self.update_: SyncUpdate | None = None
        self.tz: tzinfo = ZoneInfo("UTC")
        self.level = "off"
        self.full = ""  # the whole line (the label shows it elided to LINE_PX)
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
        self.full = text
        # elided, so that the window never outgrows a small screen (several refusals, a
        # copied station's word): the whole line leads the tooltip then
        shown = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, LINE_PX)
        self.setText(f"  {shown}  ")
        self.setToolTip(tip if shown == text else f"{text}\n{tip}")
        self.setStyleSheet(f"color: {COLORS[level]}; font-weight: 600;")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.show_update(self.update_)
            self.language_changed.emit()
        super().changeEvent(event)
