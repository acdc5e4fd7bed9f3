"""Hosting the sync loop: in a thread of the process that owns the database work, or in a
child process of its own. Both run `SyncLoop.run` with a stop event and hand every
`SyncStatus` to a callback (a thread) or a queue (a process).

In a thread:

    stop = threading.Event()
    loop = make_loop(db_path, server, on_status=callback)   # built in any thread
    threading.Thread(target=loop.run, args=(stop,), daemon=True).start()
    ...
    stop.set()                                              # returns within a second

In a child process (the status queue holds plain data: `SyncStatus` pickles):

    ctx = multiprocessing.get_context("spawn")
    stop, statuses = ctx.Event(), ctx.Queue(maxsize=64)
    ctx.Process(target=serve, args=(str(db_path), server, stop, statuses)).start()
    ...                                                      # statuses.get_nowait()
    stop.set(); process.join(5)

The loop opens its own Store connection on its first step, in the thread that runs it.
"""

from __future__ import annotations

import contextlib
import queue
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.models.clock import Clock, SystemClock
from kiosk.storage.store import Store
from kiosk.sync.hub import Hub
from kiosk.sync.loop import INTERVAL_S, Stop, SyncLoop, SyncStatus
from kiosk.sync.server import ServerConfig


def make_loop(
    db_path: str | Path,
    server: ServerConfig,
    *,
    clock: Clock | None = None,
    interval: float = INTERVAL_S,
    on_status: Callable[[SyncStatus], None] | None = None,
) -> SyncLoop:
    return SyncLoop(lambda: Store.open(db_path), Hub(server), clock or SystemClock(),
                    interval=interval, on_status=on_status)  # fmt: skip


def serve(db_path: str, server: ServerConfig, stop: Stop, statuses: Any | None = None,
          interval: float = INTERVAL_S, wake: Any | None = None) -> None:  # fmt: skip
    """A child process's target: sync `db_path` until `stop` is set. Each status is put
    on `statuses` (a multiprocessing queue) without waiting; when the queue is full
    the oldest is dropped, so a reader that falls behind still sees the latest."""

    def publish(status: SyncStatus) -> None:
        if statuses is None:
            return
        for _ in range(2):
            try:
                statuses.put_nowait(status)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    statuses.get_nowait()

    make_loop(db_path, server, interval=interval, on_status=publish).run(stop, wake)
