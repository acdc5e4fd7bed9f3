"""Freshness: how long after a check-in at station A it is visible at station B, both
running their sync loops (child processes, as the app hosts them) against one hub.
One table: the loop's interval side by side (0.8 s is the default).
Goal: p95 under 2 s.

    .venv/bin/python bench/sync_visibility.py [--samples 60]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sqlite3
import threading
import time
from collections.abc import Hashable
from datetime import timedelta
from pathlib import Path

from synclib import delays, hub_and_desk, make_station, print_delays, row

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.storage.store import Store
from kiosk.sync.host import serve
from tests.helpers.clocks import at
from tests.helpers.syncing import codes


def run(a: Path, b: Path, server: object, interval: float, todo: list[str],
        samples: int) -> list[float]:  # fmt: skip
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    procs = [ctx.Process(target=serve, args=(str(p), server, stop, None, interval)) for p in (a, b)]
    made: dict[Hashable, float] = {}
    seen: dict[Hashable, float] = {}

    def watch(done: threading.Event) -> None:
        con = sqlite3.connect(f"file:{b}?mode=ro", uri=True)
        while not done.is_set():
            waiting = [u for u in made if u not in seen]
            if waiting:
                marks = ",".join("?" * len(waiting))
                now = time.monotonic()
                for (u,) in con.execute(f"SELECT uuid FROM log WHERE uuid IN ({marks})", waiting):
                    seen[u] = now
            time.sleep(0.01)
        con.close()

    def act() -> None:
        store = Store.open(a)
        service = CheckinService(store, ManualClock(at("09:05").now()), rng=random.Random(2))
        rng = random.Random(interval)
        start = store.event().session("opening").start + timedelta(minutes=5)
        try:
            for code in todo[:samples]:
                r = service.check_in(code, "opening", at=start)
                made[r.log_uuid] = time.monotonic()
                time.sleep(rng.uniform(0.1, 0.4))
        finally:
            store.close()

    found: list[float] = delays(procs, [stop], watch, act, made, seen)
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=60)
    args = ap.parse_args()
    rows = []
    with hub_and_desk("visibility", attendees=400) as (_, folder, server, d):
        a, b = make_station(folder, "door-a", server), make_station(folder, "door-b", server)
        todo = list(codes(d).values())
        for interval in (1.0, 0.8, 0.5):
            mine, todo = todo[: args.samples], todo[args.samples :]
            found = run(a, b, server, interval, mine, args.samples)
            rows.append(row(f"loop every {interval:g} s", found))
    print_delays("check-in at A visible at B", rows)


if __name__ == "__main__":
    main()
