"""The dashboard's data: a `Snapshot` asked of the station host's reader lane on a timer.

`DashboardSource` asks every `interval_ms` (one request at a time, through the desk's
link: the client's reader lane does the waiting, never the GUI thread). The host answers
`Unchanged` unless SQLite's data version (it changes when any other connection commits:
a station's check-in, an import) or the session moved, so the heavy queries run only
when something changed. Snapshots come back on the GUI thread.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.models.clock import Clock
from kiosk.station.client import Call
from kiosk.station.errors import StationError
from kiosk.station.protocol import Snapshot, Unchanged
from kiosk.station.snapshot import DashboardSnapshot
from kiosk.station.wire import Origin, Source
from ui.bridge.desk import DeskLink

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_MS = 2000
#: Read everything again at least this often: the matchmaking board moves with the clock
#: (a meeting becomes due, or a no-show) with no new entry in the database.
CLOCK_REFRESH_S = 30
ASKED = Origin(Source.DASHBOARD)


class DashboardSource(QObject):
    """Polls the station host and emits `DashboardSnapshot`s."""

    snapshot_ready = Signal(object)  # DashboardSnapshot
    failed = Signal(str)  # one clear message naming the database
    polled = Signal(object)  # datetime of a poll that found nothing new

    def __init__(
        self,
        db: DeskLink,
        clock: Clock,
        interval_ms: int = DEFAULT_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.clock = clock
        self.latest: DashboardSnapshot | None = None
        self.scope = "event"
        self._session = ""
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._running = False
        self._asking: Call[object] | None = None  # the poll waiting for its reply
        self._again = False  # poll once more when it comes (the question changed)
        self._last: tuple[int, str] | None = None
        self._taken: datetime | None = None
        self._error = ""

    @property
    def db_path(self) -> Path:
        return self.db.db_path

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        if self._running:
            return
        self._running = True
        self._timer.start()
        self.poll()

    def select_session(self, session_id: str) -> None:
        """Show `session_id`'s not-yet-arrived list (asked for at once)."""
        if session_id != self._session:
            self._session = session_id
            self.poll()

    def pause(self, paused: bool = True) -> None:
        """Stop polling while nobody looks (the dashboard is hidden); resume at once."""
        if not self._running:
            return
        if paused:
            self._timer.stop()
        elif not self._timer.isActive():
            self._timer.start()
            self.poll()

    def set_scope(self, scope: str) -> None:
        """ "event": the whole event the database holds; "station": this station's entries."""
        if scope != self.scope:
            self.scope = scope
            self.refresh()

    def refresh(self) -> None:
        """Re-read everything now, changed or not."""
        self._last = None
        self.poll()

    def stop(self) -> None:
        self._running = False
        self._timer.stop()

    def poll(self) -> None:
        if not self._running:
            return
        if self._asking is not None:
            self._again = True  # one request at a time: ask again with this one's answer
            return
        now = self.clock.now()
        known = self._last
        if self._taken is None or abs((now - self._taken).total_seconds()) >= CLOCK_REFRESH_S:
            known = None
        request = Snapshot(self._session, now, known, self.scope)
        self._asking = self.db.submit(
            request,
            ASKED,
            then=lambda reply: self._got(reply, now),
            otherwise=self._report,
            owner=self,
        )

    def _got(self, reply: DashboardSnapshot | Unchanged, now: datetime) -> None:
        if self._answered() and isinstance(reply, DashboardSnapshot):
            self._last = (reply.version, reply.session_id)
            self._taken = now
            self._error = ""
            self.latest = reply
            self.snapshot_ready.emit(reply)
        elif self._running:
            self.polled.emit(now)

    def _report(self, error: StationError) -> None:
        if not self._answered():
            return
        where = str(self.db.db_path)
        text = error.message if where in error.message else f"{where}: {error.message}"
        self._last = None  # read everything again once the database is back
        if text != self._error:
            self._error = text
            log.warning("dashboard cannot read %s: %s", where, text)
        self.failed.emit(text)

    def _answered(self) -> bool:
        """The poll has its answer: ask again if the question changed meanwhile. False
        once the source was stopped (the answer is not shown)."""
        self._asking = None
        if self._again:
            self._again = False
            QTimer.singleShot(0, self, self.poll)
        return self._running
