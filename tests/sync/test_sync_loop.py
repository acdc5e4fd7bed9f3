"""The sync loop as the app will host it: in a thread, or in a child process of its own."""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from pathlib import Path

from kiosk.models.clock import SystemClock
from kiosk.models.outcomes import Outcome
from kiosk.storage.store import Store
from kiosk.sync.host import make_loop, serve
from kiosk.sync.hub import Hub
from kiosk.sync.loop import Link, SyncLoop, SyncStatus
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import at
from tests.helpers.pgcluster import wait_until
from tests.helpers.reads import reads
from tests.helpers.syncing import codes, desk, service, station


def test_two_loops_in_threads_carry_a_check_in_across(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server)
    code = next(iter(codes(d).values()))
    a, b = station(tmp_path, "door-a", server), station(tmp_path, "door-b", server)
    seen: list[SyncStatus] = []
    loops = [make_loop(a, server, interval=0.2), make_loop(b, server, interval=0.2,
                                                           on_status=seen.append)]  # fmt: skip
    stop = threading.Event()
    threads = [threading.Thread(target=lp.run, args=(stop,)) for lp in loops]
    for t in threads:
        t.start()
    try:
        with service(a, at("09:05")) as s:
            t0 = time.monotonic()
            assert s.check_in(code, "opening").outcome is Outcome.ADMITTED
        store = Store.open(b, readonly=True)
        try:
            assert wait_until(lambda: reads(store).presence.admitted("opening") == 1, timeout=10)
        finally:
            store.close()
        assert time.monotonic() - t0 < 5
    finally:
        stop.set()
        t_stop = time.monotonic()
        for t in threads:
            t.join(10)
    assert not any(t.is_alive() for t in threads) and time.monotonic() - t_stop < 3
    assert seen and all(s.link is Link.ONLINE for s in seen)
    assert any(s.pulled for s in seen) and seen[-1].waiting == 0 and seen[-1].last_sync


def test_the_loop_in_a_child_process(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server)
    a = station(tmp_path, "door-a", server)
    code = next(iter(codes(d).values()))
    with service(a, at("09:05")) as s:
        s.check_in(code, "opening")
    ctx = multiprocessing.get_context("spawn")
    stop, statuses = ctx.Event(), ctx.Queue(maxsize=4)
    proc = ctx.Process(target=serve, args=(str(a), server, stop, statuses, 0.2))
    proc.start()
    try:
        got: list[SyncStatus] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(s.pushed for s in got):
            try:
                got.append(statuses.get(timeout=1))
            except queue.Empty:
                continue
        assert any(s.pushed == 1 and s.online for s in got)
    finally:
        stop.set()
        proc.join(10)
    assert proc.exitcode == 0
    with Hub(server) as h:
        assert sum(h.heads()[1].values()) > 0
    statuses.close()


def test_a_loop_says_what_is_wrong_and_goes_on(tmp_path: Path, hub_dsn: str) -> None:
    """A hub without schema is refused (one line); a database that cannot be opened is a
    failure of its own; neither raises."""
    config = ServerConfig(hub_dsn, "test")
    d = tmp_path / "d.sqlite"
    from kiosk.demo import build_demo

    build_demo(d, attendees=2)
    loop = SyncLoop(lambda: Store.open(d), Hub(config), SystemClock())
    status = loop.step()
    assert status.link is Link.REFUSED and "hub init" in status.message
    assert status.waiting is not None and status.waiting > 0
    loop.close()
    missing = SyncLoop(lambda: Store.open(tmp_path / "gone.sqlite"), Hub(config), SystemClock())
    status = missing.step()
    assert status.link is Link.FAILED and "no such database" in status.message
    missing.close()
