"""The dashboard's data: a worker thread that polls the station host's reader lane.

`DashboardSource` lives in the GUI thread; its `_Poller` lives in a QThread created here and
asks the station host (the child process that owns every SQLite connection) for a
`Snapshot` every `interval_ms`. The host answers `Unchanged` unless SQLite's data version
(it changes when any other connection commits: a station's check-in, an import) or the
session moved, so the heavy queries run only when something changed. Only the GUI thread
touches widgets: snapshots travel by signal.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from kiosk.models.clock import Clock
from kiosk.station.process import StationDown, StationFailed, StationProcess
from kiosk.station.protocol import Snapshot, Unchanged
from kiosk.station.snapshot import DashboardSnapshot
from ui.app.gcguard import GuiThreadGc

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_MS = 2000
#: Read everything again at least this often: the matchmaking board moves with the clock
#: (a meeting becomes due, or a no-show) with no new entry in the database.
CLOCK_REFRESH_S = 30


class _Poller(QObject):
    snapshot = Signal(object)  # DashboardSnapshot
    failed = Signal(str)
    idle = Signal(object)  # datetime of a poll that found nothing new

    def __init__(self, host: StationProcess, clock: Clock, interval_ms: int, session: str) -> None:
        super().__init__()
        self._host = host
        self._clock = clock
        self._interval = interval_ms
        self._timer: QTimer | None = None
        self._session = session
        self._last: tuple[int, str] | None = None
        self._taken: datetime | None = None
        self._error = ""
        self._scope = "event"

    @Slot()
    def start(self) -> None:
        self._timer = QTimer(self)
        self._timer.setInterval(self._interval)
        self._timer.timeout.connect(self.poll)
        self._timer.start()
        self.poll()

    @Slot(bool)
    def set_paused(self, paused: bool) -> None:
        if self._timer is None:
            return
        if paused:
            self._timer.stop()
        elif not self._timer.isActive():
            self._timer.start()
            self.poll()

    @Slot(str)
    def select(self, session_id: str) -> None:
        if session_id != self._session:
            self._session = session_id
            self.poll()

    @Slot(str)
    def set_scope(self, scope: str) -> None:
        if scope != self._scope:
            self._scope = scope
            self.force()

    @Slot()
    def force(self) -> None:
        self._last = None
        self.poll()

    @Slot()
    def poll(self) -> None:
        now = self._clock.now()
        known = self._last
        if self._taken is None or abs((now - self._taken).total_seconds()) >= CLOCK_REFRESH_S:
            known = None
        try:
            reply = self._host.call(
                "reader", Snapshot(self._session, now, known, self._scope), timeout=120
            )
        except (StationDown, StationFailed) as exc:
            self._report(str(exc))
            return
        if isinstance(reply, Unchanged):
            self.idle.emit(now)
            return
        assert isinstance(reply, DashboardSnapshot)
        self._last = (reply.version, reply.session_id)
        self._taken = now
        self._error = ""
        self.snapshot.emit(reply)

    @Slot()
    def shutdown(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        thread = self.thread()
        if thread is not None:
            thread.quit()

    def _report(self, text: str) -> None:
        where = str(self._host.db_path)
        text = text if where in text else f"{where}: {text}"
        self._last = None  # read everything again once the database is back
        if text != self._error:
            self._error = text
            log.warning("dashboard cannot read %s: %s", where, text)
        self.failed.emit(text)


class DashboardSource(QObject):
    """Polls the station host in a worker thread and emits `DashboardSnapshot`s."""

    snapshot_ready = Signal(object)  # DashboardSnapshot
    failed = Signal(str)  # one clear message naming the database
    polled = Signal(object)  # datetime of a poll that found nothing new

    _select = Signal(str)
    _force = Signal()
    _scope = Signal(str)
    _pause = Signal(bool)
    _shutdown = Signal()

    def __init__(
        self,
        host: StationProcess,
        clock: Clock,
        interval_ms: int = DEFAULT_INTERVAL_MS,
        parent: QObject | None = None,
        gc_guard: GuiThreadGc | None = None,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.clock = clock
        self.latest: DashboardSnapshot | None = None
        self._thread: QThread | None = None
        self._poller: _Poller | None = None
        self._interval = interval_ms
        self._session = ""
        self.scope = "event"
        # One guard per process (the shell's): two would re-enable the collector while the
        # other's worker still runs. A source used on its own makes its own.
        self.gc_guard = gc_guard if gc_guard is not None else GuiThreadGc(self)

    @property
    def db_path(self) -> Path:
        return self.host.db_path

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is not None:
            return
        thread = QThread()
        thread.setObjectName("dashboard-poller")
        poller = _Poller(self.host, self.clock, self._interval, self._session)
        poller._scope = self.scope
        poller.moveToThread(thread)
        thread.started.connect(poller.start)
        thread.finished.connect(poller.deleteLater)
        poller.snapshot.connect(self._on_snapshot)
        poller.failed.connect(self.failed)
        poller.idle.connect(self.polled)
        self._select.connect(poller.select)
        self._force.connect(poller.force)
        self._scope.connect(poller.set_scope)
        self._pause.connect(poller.set_paused)
        self._shutdown.connect(poller.shutdown)
        self._thread, self._poller = thread, poller
        self.gc_guard.acquire()
        thread.start()

    def select_session(self, session_id: str) -> None:
        """Show `session_id`'s not-yet-arrived list (queried at once, off the GUI thread)."""
        self._session = session_id
        self._select.emit(session_id)

    def pause(self, paused: bool = True) -> None:
        """Stop polling while nobody looks (the dashboard is hidden); resume at once."""
        self._pause.emit(paused)

    def set_scope(self, scope: str) -> None:
        """ "event": the whole event the database holds; "station": this station's entries."""
        self.scope = scope
        self._scope.emit(scope)

    def refresh(self) -> None:
        """Re-read everything now, changed or not."""
        self._force.emit()

    def stop(self) -> None:
        """Close the worker's connection in its thread, then end the thread and wait."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._shutdown.emit()
        if not thread.wait(10_000):
            log.error("dashboard poller did not stop within 10 s")
            thread.quit()
            thread.wait()
        self._poller = None
        self.gc_guard.release()

    @Slot(object)
    def _on_snapshot(self, snap: DashboardSnapshot) -> None:
        self.latest = snap
        self.snapshot_ready.emit(snap)
