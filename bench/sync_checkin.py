"""Check-in latency at a station whose sync loop runs beside it, with the hub up, down,
refusing or stalled, side by side in one run (and with no sync at all, for reference).
The loop runs in a child process, as the app will host it; "same, loop in a thread"
shows the cost of hosting it in the checking process instead. In every variant but
"hub up, idle", another station (a process) adds ~200 entries/s: while the hub is up,
this station's loop keeps applying them. Variants are interleaved, three rounds each.
Goal: no difference beyond noise.

    .venv/bin/python bench/sync_checkin.py [--scans 180] [--rounds 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import threading
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from synclib import Cluster, hub_and_desk, make_station

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.models.records import LogKind
from kiosk.storage.store import Store
from kiosk.sync.host import make_loop, serve
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import at
from tests.helpers.syncing import codes


def traffic(path: str, server: ServerConfig, stop: Any) -> None:
    """Another station: ~200 entries a second, synced by its own loop."""
    loop_stop = threading.Event()
    loop = make_loop(path, server, interval=1.0)
    worker = threading.Thread(target=loop.run, args=(loop_stop,))
    worker.start()
    store = Store.open(path)
    clock = at("09:05")
    try:
        while not stop.is_set():
            with store.write() as c:
                for _ in range(20):
                    clock.advance(0.001)
                    store.append(c, LogKind.PIN_ATTEMPT, clock.now(), data={"ok": True})
            stop.wait(0.1)
    finally:
        loop_stop.set()
        worker.join(30)
        store.close()


def scans(service: CheckinService, todo: list[tuple[str, str]], pace: float) -> list[float]:
    out = []
    starts = {s.id: s.start + timedelta(minutes=5) for s in service.event.sessions}
    for code, session in todo:
        t0 = time.perf_counter()
        service.check_in(code, session, at=starts[session])
        out.append((time.perf_counter() - t0) * 1000)
        time.sleep(pace)
    return out


def run_variant(
    ctx: Any, cluster: Cluster, service: CheckinService, a: Path, b: Path, server: ServerConfig,
    target: ServerConfig | None, mode: str, todo: list[tuple[str, str]], pace: float,
) -> list[float]:  # fmt: skip
    stop = ctx.Event()
    helpers: list[Any] = []
    if mode in ("up", "thread", "stalled", "down"):
        other = ctx.Process(target=traffic, args=(str(b), server, stop))
        other.start()
        helpers.append(other)
    blocker = None
    if mode == "stalled":
        blocker = psycopg.connect(server.dsn)
        blocker.execute("LOCK TABLE hub_streams IN ACCESS EXCLUSIVE MODE")
    if mode == "down":
        cluster.stop()
    thread_stop = threading.Event()
    if mode == "thread":
        loop = make_loop(a, server)
        threading.Thread(target=loop.run, args=(thread_stop,), daemon=True).start()
    elif target is not None:
        p = ctx.Process(target=serve, args=(str(a), target, stop))
        p.start()
        helpers.append(p)
    time.sleep(2)  # the loops are running (or backing off)
    try:
        return scans(service, todo, pace)
    finally:
        stop.set()
        thread_stop.set()
        if blocker is not None:
            blocker.close()
        for h in helpers:
            h.join(30)
        if mode == "down":
            cluster.start()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scans", type=int, default=180, help="per variant and round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pace", type=float, default=0.01, help="seconds between scans")
    args = ap.parse_args()
    ctx = multiprocessing.get_context("spawn")
    rows = []
    with hub_and_desk("checkin", attendees=1000) as (cluster, folder, server, d):
        a, b = make_station(folder, "door-a", server), make_station(folder, "door-b", server)
        todo = [(c, s) for s in ("opening", "energy-transition", "showcase", "green-finance")
                for c in codes(d).values()]  # fmt: skip
        random.Random(3).shuffle(todo)
        store = Store.open(a)
        event = store.event()
        sessions = tuple(replace(s, capacity=None) for s in event.sessions)
        service = CheckinService(store, ManualClock(at("09:05").now()), rng=random.Random(1))
        service.event = replace(event, sessions=sessions)

        def batch() -> list[tuple[str, str]]:
            return [todo.pop() for _ in range(min(args.scans, len(todo)))]

        dead = ServerConfig(server.dsn.replace("dbname=checkin", "dbname=nowhere"), "x")
        variants: list[tuple[str, ServerConfig | None, str]] = [
            ("no sync", None, "up"),
            ("hub up, idle", server, "idle"),
            ("hub up, +200 entries/s to apply", server, "up"),
            ("same, loop in a thread", server, "thread"),
            ("hub stalled (waits on a lock)", server, "stalled"),
            ("hub refusing (no such database)", dead, "up"),
            ("hub down (server stopped)", server, "down"),
        ]
        results: dict[str, list[float]] = {v[0]: [] for v in variants}
        for _ in range(args.rounds):  # interleaved: drifts of the machine hit all alike
            for label, target, mode in variants:
                results[label] += run_variant(ctx, cluster, service, a, b, server, target,
                                              mode, batch(), args.pace)  # fmt: skip
        for label, ms in results.items():
            ms.sort()
            rows.append((label, len(ms), statistics.median(ms), ms[int(len(ms) * 0.95)],
                         ms[int(len(ms) * 0.99)], ms[-1]))  # fmt: skip
        store.close()
    print(f"{'check-in at a station':<38}{'scans':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'max ms':>9}")  # fmt: skip
    for label, n, p50, p95, p99, worst in rows:
        print(f"{label:<38}{n:>7}{p50:>9.2f}{p95:>9.2f}{p99:>9.2f}{worst:>9.2f}")
    print("goal: no difference beyond noise between the hub up and down")


if __name__ == "__main__":
    main()
