"""The one bridge from the station client's threads to the GUI thread.

A call to the station host (kiosk.station.client.Call) finishes on its lane's worker
thread; the bridge delivers it to the GUI thread: first to the callbacks given with it
(`then` with its typed value, or `otherwise` with the StationError that says why not),
then to everyone through `replied(call)`, where a view finds its own requests by id.
Progress (an export's rows) arrives the same way. No view keeps a thread of its own, and
none catches the host's errors itself: they come as values.

While the client's workers run, Python's cyclic collector runs on the GUI thread only
(ui.app.gcguard): the bridge holds the guard from its making to `close()`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from kiosk.station.client import Call, StationClient
from kiosk.station.errors import StationError
from kiosk.station.wire import SYSTEM, Origin, Request
from ui.app.gcguard import GuiThreadGc

log = logging.getLogger(__name__)
R = TypeVar("R")


@dataclass(slots=True)
class _Handlers:
    then: Callable[[Any], None] | None
    otherwise: Callable[[StationError], None] | None
    progress: Callable[[int, int], None] | None
    owner: QObject | None


class Bridge(QObject):
    replied = Signal(object)  # kiosk.station.client.Call, finished: every call given here
    _finished = Signal(object)  # from a lane's worker
    _progressed = Signal(int, int, int)  # call id, done, total (from a lane's worker)

    def __init__(
        self,
        client: StationClient,
        gc_guard: GuiThreadGc | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = client
        self._handlers: dict[int, _Handlers] = {}
        self._lock = threading.Lock()
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        # One guard per process (the shell's): two would re-enable the collector while
        # the other's threads still run. A bridge made on its own makes its own.
        self.gc_guard = gc_guard if gc_guard is not None else GuiThreadGc(self)
        self.gc_guard.acquire()
        self._guarding = True

    def submit(
        self,
        request: Request[R],
        origin: Origin = SYSTEM,
        *,
        then: Callable[[R], None] | None = None,
        otherwise: Callable[[StationError], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
        owner: QObject | None = None,
    ) -> Call[R]:
        """Send `request` (on its lane, after those before it); deliver its reply here."""
        call = self.client.call(request, origin)
        self.track(call, then=then, otherwise=otherwise, progress=progress, owner=owner)
        ident = call.id
        heard = None if progress is None else (lambda d, t: self._progressed.emit(ident, d, t))
        return self.client.start(call, heard)

    def track(
        self,
        call: Call[R],
        *,
        then: Callable[[R], None] | None = None,
        otherwise: Callable[[StationError], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
        owner: QObject | None = None,
    ) -> Call[R]:
        """Deliver `call` (made by the desk session, say) here once it is finished. `owner`:
        the callbacks are skipped once this object is gone. Any thread may call this."""
        if then or otherwise or progress:
            with self._lock:
                self._handlers[call.id] = _Handlers(then, otherwise, progress, owner)
        call.add_done_callback(self._finished.emit)
        return call

    @Slot(object)
    def _deliver(self, call: Call[Any]) -> None:
        with self._lock:
            handlers = self._handlers.pop(call.id, None)
        if handlers is not None and _alive(handlers.owner):
            error = call.error
            try:
                if error is None and handlers.then is not None:
                    handlers.then(call.result())
                elif error is not None and handlers.otherwise is not None:
                    handlers.otherwise(error)
            except Exception:  # a view's slot failed: logged, never into the event loop
                log.exception("handling the reply to %r failed", call)
        self.replied.emit(call)

    @Slot(int, int, int)
    def _progress(self, ident: int, done: int, total: int) -> None:
        with self._lock:
            handlers = self._handlers.get(ident)
        if handlers is not None and handlers.progress is not None and _alive(handlers.owner):
            handlers.progress(done, total)

    def close(self) -> None:
        """The client is closed: hand the collector back to its own thresholds."""
        if self._guarding:
            self._guarding = False
            self.gc_guard.release()


def _alive(owner: QObject | None) -> bool:
    return owner is None or shiboken6.isValid(owner)
