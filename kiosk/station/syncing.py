"""The sync worker inside the station host, next to the database (issue 9, "Inside the app").

`SyncLane` answers the sync lane's requests (kiosk.station.syncproto): it runs one
`kiosk.sync.loop.SyncLoop` in a thread of the host child (its own SQLite connection, made
in that thread) and keeps the latest `SyncStatus` for the GUI's long polls. The loop
never blocks a check-in (it holds no write lock while it talks to the hub) and never
raises for a hub that is down, slow or refusing: the status says so.

When the loop gives this station a fresh id (fork repair: a database restored from an
older backup), `StationEpoch` tells the other lanes, whose Stores then read their
station again before their next request.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
from collections import deque
from typing import Any

from kiosk.station.syncproto import StartSync, StopSync, SyncPoll, SyncUpdate
from kiosk.station.wire import Done, Failed, Problem
from kiosk.storage.store import Store
from kiosk.sync.arrivals import Arrival
from kiosk.sync.loop import Link, SyncLoop, SyncStatus
from kiosk.sync.server import ServerConfig

log = logging.getLogger(__name__)
JOIN_S = 5.0


class StationEpoch:
    """What the lanes share: a counter the sync lane bumps when this station's id changed
    (lanes compare), and the sync loop's wake-up, which an admission sets so that the hub
    hears of it at once (a VIP at a kiosk alerts the other desks within about a second)."""

    def __init__(self) -> None:
        self.value = 0
        self.wake = threading.Event()

    def nudge(self) -> None:
        self.wake.set()

    def bump(self) -> None:
        self.value += 1

    def refresh(self, lane: Any, seen: int) -> int:
        """Make `lane` read its station again if the epoch moved since `seen`; the epoch."""
        now = self.value
        if now != seen:
            store = getattr(lane, "store", None)
            if store is not None:
                store.reload_station()
        return now


class SyncLane:
    """The sync lane's state: at most one worker thread, the latest status, its number."""

    def __init__(self, path: Any, epoch: StationEpoch | None = None) -> None:
        self.path = path
        self.epoch = epoch or StationEpoch()
        self._cond = threading.Condition()
        self._seq = 0
        self._status: SyncStatus | None = None
        self._arrivals: deque[tuple[int, Arrival]] = deque(maxlen=200)  # (seq, arrival)
        self._station_id = ""
        self._thread: threading.Thread | None = None
        self._stop: threading.Event | None = None
        self._server: ServerConfig | None = None
        self._store: Store | None = None  # the lane's own, to count what waits while offline

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run(self, request: object, progress: Any = None) -> Done[object] | Failed:
        try:
            if isinstance(request, StartSync):
                self.start(request.server, request.interval)
                return Done(True)
            if isinstance(request, StopSync):
                self.stop()
                return Done(True)
            if isinstance(request, SyncPoll):
                return Done(self.poll(request.after, request.wait))
        except Exception as exc:  # the lane never dies: say it
            log.exception("sync lane: %s failed", type(request).__name__)
            text = self._server.scrub(str(exc)) if self._server else str(exc)
            return Failed(Problem.FAILED, f"sync: {type(exc).__name__}: {text}")
        return Failed(Problem.INVALID, f"the sync lane does not take {type(request).__name__}")

    def start(self, server: ServerConfig, interval: float) -> None:
        if self.running and self._server is not None and self._server.dsn == server.dsn:
            return
        self.stop()
        from kiosk.sync.host import make_loop

        stop = threading.Event()
        loop = make_loop(self.path, server, interval=interval, on_status=self._publish)
        thread = threading.Thread(
            target=loop.run, args=(stop, self.epoch.wake), name="sync", daemon=True
        )
        self._thread, self._stop, self._server = thread, stop, server
        log.info("sync with hub %s started", server.shown)
        thread.start()

    def stop(self) -> None:
        thread, stop = self._thread, self._stop
        self._thread = self._stop = None
        if thread is None or stop is None:
            return
        stop.set()
        self.epoch.wake.set()  # out of its wait at once
        thread.join(JOIN_S)  # a hub that hangs: the thread is a daemon, the host goes on
        with self._cond:
            self._seq += 1
            self._status = None
            self._cond.notify_all()
        log.info("sync stopped")

    def _publish(self, status: SyncStatus) -> None:
        if status.station_id and status.station_id != self._station_id:
            if self._station_id:
                log.info("this station has a new id after sync: the other lanes reload it")
                self.epoch.bump()
            self._station_id = status.station_id
        with self._cond:
            self._seq += 1
            self._status = status
            self._arrivals.extend((self._seq, a) for a in status.arrivals)
            self._cond.notify_all()

    def poll(self, after: int, wait: float) -> SyncUpdate:
        with self._cond:
            self._cond.wait_for(lambda: self._seq > after, timeout=max(0.0, min(wait, 10.0)))
            seq, status = self._seq, self._status
            arrivals = tuple(a for n, a in self._arrivals if n > after)
        if status is not None and status.link is not Link.ONLINE and self.running:
            # Between two tries of a hub that is away (up to 30 s apart) the count of
            # entries waiting to upload still follows the desk's scans.
            waiting = self._count_waiting()
            if waiting is not None and waiting != status.waiting:
                with self._cond:
                    if self._seq == seq:
                        self._seq += 1
                        self._status = dataclasses.replace(status, waiting=waiting)
                    seq, status = self._seq, self._status
        server = self._server.shown if self._server and self.running else ""
        return SyncUpdate(seq, status, self.running, server, arrivals)

    def _count_waiting(self) -> int | None:
        try:
            if self._store is None:
                self._store = Store.open(self.path)
            return SyncLoop._waiting(self._store)
        except Exception as exc:  # the database is the desk's to report
            log.info("sync lane: cannot count the entries waiting: %s", exc)
            self._close_store()
            return None

    def _close_store(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            with contextlib.suppress(Exception):
                store.close()

    def close(self) -> None:
        self.stop()
        self._close_store()
