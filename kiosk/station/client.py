"""The one client of the station host: typed requests in, futures of their replies out.

    client = StationClient(StationProcess(db_path))
    call = client.submit(CheckIn(...), Origin(Source.CAMERA, captured))   # a Call[CheckinResult]
    result = call.result()        # the CheckinResult, or raises a StationError

Each lane (desk, reader, jobs, sync) has one worker thread that sends its requests in
the order they were submitted, one at a time, each in an envelope with a fresh id and
its origin; the reply echoes both, so a result is matched to its request by id. A dead
host (`StationDown`) and a `Failed` reply become typed exceptions on the call
(kiosk.station.errors). Nothing here knows Qt: the GUI's bridge (ui.bridge) delivers
finished calls to its own thread.

`schedule(lane, job)` runs a procedure on a lane's worker, in order with its requests
(the desk session's open, recover and replay: kiosk.station.desk); such a procedure
talks to the host with `send(call)`, on that worker only.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from kiosk.station.errors import StationDown, StationError, StationFailed
from kiosk.station.process import StationProcess
from kiosk.station.wire import LANES, SYSTEM, Done, Envelope, Origin, Problem, Request

log = logging.getLogger(__name__)
R = TypeVar("R")
ProgressFn = Callable[[int, int], None]
CLOSE_S = 20.0  # how long closing waits for a lane to finish what it was given


class Call(Future[R]):
    """One request sent to the station host: its id, its origin and, once done, its value
    (`result()`) or the StationError that says why not (`exception()`)."""

    def __init__(self, ident: int, request: Request[R], origin: Origin = SYSTEM) -> None:
        super().__init__()
        self.id = ident
        self.request = request
        self.origin = origin

    @property
    def error(self) -> StationError | None:
        """Why it was not done (None: it was); waits for the reply."""
        exc = self.exception()
        if exc is None or isinstance(exc, StationError):
            return exc
        return StationError(Problem.FAILED, f"{type(exc).__name__}: {exc}")

    @property
    def value(self) -> R:
        return self.result()

    def __repr__(self) -> str:
        return f"<Call {self.id} {type(self.request).__name__} from {self.origin.source}>"


class _Worker:
    """One lane's thread: runs its jobs in the order they came."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name=f"station-{name}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            try:
                job()
            except Exception:  # a job's own failure never ends the lane
                log.exception("lane %s: a job failed", self.name)


class StationClient:
    def __init__(self, host: StationProcess, lanes: tuple[str, ...] = LANES) -> None:
        self.host = host
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._workers = {name: _Worker(name) for name in lanes if name in host.lanes}
        self._closed = False

    # -- requests --------------------------------------------------------------------------
    def call(self, request: Request[R], origin: Origin = SYSTEM) -> Call[R]:
        """A call with a fresh id, not sent yet (see `submit`, `send`)."""
        with self._lock:
            ident = next(self._ids)
        return Call(ident, request, origin)

    def submit(
        self, request: Request[R], origin: Origin = SYSTEM, progress: ProgressFn | None = None
    ) -> Call[R]:
        """Send `request` on its lane after the ones submitted before it; its call."""
        return self.start(self.call(request, origin), progress)

    def start(self, call: Call[R], progress: ProgressFn | None = None) -> Call[R]:
        """Send a call made with `call()` on its lane (`progress` hears from its worker)."""
        self.schedule(call.request.lane, lambda: self.perform(call, progress), call)
        return call

    def ask(self, request: Request[R], origin: Origin = SYSTEM) -> R:
        """Submit and wait: the value, or the StationError raised (tools and tests)."""
        return self.submit(request, origin).result()

    def schedule(self, lane: str, job: Callable[[], None], call: Call[Any] | None = None) -> None:
        """Run `job` on `lane`'s worker, after what was given to it before. Once the client
        is closed, `call` (if given) fails with StationDown and the job does not run."""
        worker = self._workers.get(lane)
        if worker is None:
            if call is not None:
                call.set_exception(StationDown(f"the station host has no {lane} lane"))
            return
        with self._lock:
            if not self._closed:
                worker.jobs.put(job)
                return
        if call is not None:
            call.set_exception(StationDown("the station client is closed"))

    def perform(self, call: Call[R], progress: ProgressFn | None = None) -> None:
        """On `call`'s lane worker: send it and settle it with its value or error."""
        if call.done():
            return
        try:
            value = self.send(call, progress)
        except StationError as exc:
            call.set_exception(exc)
        except Exception as exc:  # a bug of ours: said on the call, logged here
            log.exception("%r failed", call)
            call.set_exception(StationError(Problem.FAILED, f"{type(exc).__name__}: {exc}"))
        else:
            call.set_result(value)

    def send(self, call: Call[R], progress: ProgressFn | None = None) -> R:
        """On `call`'s lane worker: the reply's value, or StationDown / StationFailed.
        The call itself is left for the caller to settle."""
        request = call.request
        lane = request.lane
        assert threading.current_thread() is self._workers[lane].thread, "send on its lane"
        envelope: Envelope[Any] = Envelope(call.id, request, call.origin)
        reply = self.host.exchange(lane, envelope, request.timeout, progress)
        if isinstance(reply, Done):
            value: R = reply.value  # the type its request declares (Request[R])
            return value
        raise StationFailed(reply.problem, reply.message)

    # -- life ------------------------------------------------------------------------------
    def close(self, timeout: float = CLOSE_S) -> None:
        """Finish what every lane was given, then stop the station host."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for worker in self._workers.values():
                worker.jobs.put(None)
        for worker in self._workers.values():
            worker.thread.join(timeout)
            if worker.thread.is_alive():
                log.error("lane %s did not finish within %.0f s", worker.name, timeout)
        self.host.stop()
