"""The cost of a sync round when nothing changed: what a connected station pays every
second. One table: per log size and number of stations on the hub, the round's time.
Goal: under 5 ms.

    .venv/bin/python bench/sync_idle.py [--rounds 300]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from synclib import Cluster, add_scans, desk, make_hub, make_station

from kiosk.models.clock import SystemClock
from kiosk.storage.store import Store
from kiosk.sync import engine as engine_mod
from kiosk.sync.bootstrap import until_caught_up
from kiosk.sync.engine import SyncEngine
from kiosk.sync.hub import Hub


def measure(path: Path, server: object, rounds: int, beat_every_round: bool) -> list[float]:
    store = Store.open(path)
    hub = Hub(server)  # type: ignore[arg-type]
    try:
        engine = SyncEngine(store, hub, SystemClock())
        until_caught_up(engine)
        engine_mod.HEARTBEAT_S = 0.0 if beat_every_round else 5.0
        out = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            r = engine.round()
            out.append((time.perf_counter() - t0) * 1000)
            assert r.pulled == r.pushed == 0
        return out
    finally:
        engine_mod.HEARTBEAT_S = 5.0
        hub.close()
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=300)
    args = ap.parse_args()
    cluster = Cluster()
    cluster.start()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for entries, stations in ((1_000, 2), (100_000, 2), (100_000, 10)):
                folder = Path(tmp) / f"{entries}-{stations}"
                folder.mkdir()
                server = make_hub(cluster, f"idle_{entries}_{stations}")
                desk(folder, server, attendees=1000)
                paths = [make_station(folder, f"s{i}", server) for i in range(stations)]
                per = entries // stations
                for p in paths:
                    add_scans(p, per)
                    store = Store.open(p)
                    with Hub(server) as h:  # upload only: the one measured pulls all
                        until_caught_up(SyncEngine(store, h, SystemClock()), pull=False)
                    store.close()
                for beat in (False, True):
                    ms = measure(paths[0], server, args.rounds, beat)
                    label = f"{entries:,} entries, {stations} stations" + (
                        ", heartbeat every round" if beat else "")  # fmt: skip
                    rows.append((label, statistics.median(ms), sorted(ms)[int(len(ms) * 0.95)],
                                 statistics.mean(ms)))  # fmt: skip
    finally:
        cluster.close()
    print(f"{'idle round':<50}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}")
    for label, p50, p95, mean in rows:
        print(f"{label:<50}{p50:>9.2f}{p95:>9.2f}{mean:>9.2f}")
    print("goal: < 5 ms (heartbeats go every 5 s, or with every round that moved entries)")


if __name__ == "__main__":
    main()
