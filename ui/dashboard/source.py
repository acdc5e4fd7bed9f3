"""The dashboard's data: a worker thread with its own read connection that polls the store.

`DashboardSource` lives in the GUI thread; its `_Poller` lives in a QThread created here and
opens `Store.open(path)` inside that thread (one owner per connection). Every `interval_ms`
the poller reads SQLite's `PRAGMA data_version` (it changes when any other connection
commits: a station's check-in, an import) and only when it changed (or the selected session did, or on demand) runs the heavy queries and emits a
`DashboardSnapshot`. Only the GUI thread touches widgets: snapshots travel by signal.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from kiosk.models.clock import Clock
from kiosk.models.errors import KioskError
from kiosk.models.event import Event
from kiosk.storage.store import Store
from ui.dashboard.snapshot import DashboardSnapshot, collect, data_version
from ui.gcguard import GuiThreadGc

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_MS = 2000


class _Poller(QObject):
    snapshot = Signal(object)  # DashboardSnapshot
    failed = Signal(str)
    idle = Signal(object)  # datetime of a poll that found nothing new

    def __init__(self, db_path: Path, clock: Clock, interval_ms: int, session: str) -> None:
        super().__init__()
        self._path = db_path
        self._clock = clock
        self._interval = interval_ms
        self._store: Store | None = None
        self._event: Event | None = None
        self._timer: QTimer | None = None
        self._session = session
        self._last: tuple[int, str] | None = None
        self._error = ""

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

    @Slot()
    def force(self) -> None:
        self._last = None
        self.poll()

    @Slot()
    def poll(self) -> None:
        try:
            store = self._open()
            assert self._event is not None
            version = data_version(store)
            session = self._session or self._event.current_session(self._clock.now()).id
            if self._last == (version, session):
                self.idle.emit(self._clock.now())
                return
            snap = collect(store, self._event, session, self._clock.now())
            self._last = (version, session)
            self._error = ""
            self.snapshot.emit(snap)
        except (KioskError, sqlite3.Error, OSError, ValueError) as exc:
            self._report(exc)
        except Exception as exc:  # a bug must not stop the wall display: say so, keep polling
            log.exception("dashboard poll of %s failed", self._path)
            self._report(RuntimeError(f"unexpected error ({type(exc).__name__}: {exc})"))

    @Slot()
    def shutdown(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._close()
        thread = self.thread()
        if thread is not None:
            thread.quit()

    def _open(self) -> Store:
        if self._store is None:
            if not self._path.is_file():
                raise KioskError(f"{self._path}: no such database")
            self._store = Store.open(self._path)
            self._event = self._store.event()
        return self._store

    def _close(self) -> None:
        if self._store is not None:
            try:
                self._store.close()
            finally:
                self._store = None
                self._event = None

    def _report(self, exc: Exception) -> None:
        where = str(self._path)
        text = str(exc) if where in str(exc) else f"{where}: {exc}"
        # A broken connection is reopened on the next poll (file replaced, disk back).
        self._close()
        self._last = None
        if text != self._error:
            self._error = text
            log.warning("dashboard cannot read %s: %s", where, exc)
        self.failed.emit(text)


class DashboardSource(QObject):
    """Polls the event database in a worker thread and emits `DashboardSnapshot`s."""

    snapshot_ready = Signal(object)  # DashboardSnapshot
    failed = Signal(str)  # one clear message naming the database
    polled = Signal(object)  # datetime of a poll that found nothing new

    _select = Signal(str)
    _force = Signal()
    _pause = Signal(bool)
    _shutdown = Signal()

    def __init__(
        self,
        db_path: str | Path,
        clock: Clock,
        interval_ms: int = DEFAULT_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.clock = clock
        self.latest: DashboardSnapshot | None = None
        self._thread: QThread | None = None
        self._poller: _Poller | None = None
        self._interval = interval_ms
        self._session = ""
        self.gc_guard = GuiThreadGc(self)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is not None:
            return
        thread = QThread()
        thread.setObjectName("dashboard-poller")
        poller = _Poller(self.db_path, self.clock, self._interval, self._session)
        poller.moveToThread(thread)
        thread.started.connect(poller.start)
        thread.finished.connect(poller.deleteLater)
        poller.snapshot.connect(self._on_snapshot)
        poller.failed.connect(self.failed)
        poller.idle.connect(self.polled)
        self._select.connect(poller.select)
        self._force.connect(poller.force)
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
