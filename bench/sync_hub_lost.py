"""Losing the hub, measured: refilling a new hub from one station, a standby taking over
(pg_auto_failover), and a station catching up after it was killed applying an import.
Prints one table, side by side, with the goals.

1. Refill: one station holds 100,000 attendees (an import) and 200,000 scans, synced with
   a hub; the hub is dropped and a new one made at the same address (`hub init`); the
   station's `hub publish` uploads everything the new hub lacks. Goal >= 5,000 entries/s.
2. Failover: a monitor, a primary and a synchronous standby on loopback; two stations
   sync every 0.8 s through the multi-host string while scans are recorded; the primary
   node is killed (keeper and postgres), several times (the old primary rejoins as the
   standby in between). Measured per station and kill: from the kill to its first
   successful sync round. Goal: p95 < 30 s.
3. Catch-up: a station's `sync` is killed (SIGKILL) just after the commit entry of a
   100,000-row import arrived and before its chunks were applied; then the station is
   reopened and its next round applies them (`SyncEngine.catch_up`, before the hub is
   asked). Goal < 5 s. (The store may also catch up when it is opened: its time is shown
   beside.)

    .venv/bin/python bench/sync_hub_lost.py [--attendees 100000] [--scans 200000] [--kills 5]
        [--only refill,failover,catch-up]

The throwaway clusters run with fsync off (tests/helpers/pgcluster.py): the refill figure
is the code's, not a disk's; the formation's nodes keep PostgreSQL's defaults.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from synclib import Cluster, desk, make_hub, make_station

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import SystemClock
from kiosk.storage import syncstate
from kiosk.storage.store import Store
from kiosk.storage.tx import Tx
from kiosk.sync.bootstrap import publish, until_caught_up
from kiosk.sync.engine import SyncEngine
from kiosk.sync.host import make_loop
from kiosk.sync.hub import Hub
from kiosk.sync.loop import SyncStatus
from kiosk.sync.server import ServerConfig
from tests.helpers.bigevent import import_people, scan_stream
from tests.helpers.clocks import at
from tests.helpers.pgha import NODES, Formation
from tests.helpers.syncing import codes

REPO = Path(__file__).resolve().parent.parent


def sync_all(path: Path, server: ServerConfig) -> int:
    store = Store.open(path)
    try:
        with Hub(server) as h:
            return until_caught_up(SyncEngine(store, h, SystemClock())).pushed
    finally:
        store.close()


def refill(attendees: int, scans: int) -> tuple[str, str]:
    cluster = Cluster()
    cluster.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            server = make_hub(cluster, "hub")
            path = desk(Path(tmp), server, attendees=20)
            t0 = time.perf_counter()
            import_people(path, attendees)
            scan_stream(path, scans)
            built = time.perf_counter() - t0
            sync_all(path, server)
            cluster.drop_database("hub")
            server = make_hub(cluster, "hub")  # a new hub at the same address
            store = Store.open(path)
            try:
                with Hub(server) as h:
                    h.connect()
                    t0 = time.perf_counter()
                    t = publish(store, h, SystemClock())
                    secs = time.perf_counter() - t0
            finally:
                store.close()
    finally:
        cluster.close()
    assert t.refilled and t.waiting == 0
    print(f"  (refill: station built in {built:.0f}s; {t.pushed:,} entries in {secs:.1f}s)",
          file=sys.stderr)  # fmt: skip
    return f"{t.pushed / secs:,.0f} entries/s ({t.pushed:,} in {secs:.1f} s)", ">= 5,000 entries/s"


class Door:
    """A station syncing in a thread (every 0.8 s, as the app does), its statuses timed."""

    def __init__(self, path: Path, server: ServerConfig) -> None:
        self.statuses: list[tuple[float, bool]] = []
        self.stop = threading.Event()
        self.loop = make_loop(path, server, on_status=self._seen)
        self.thread = threading.Thread(target=self.loop.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def _seen(self, s: SyncStatus) -> None:
        self.statuses.append((time.time(), s.online))

    def back_after(self, killed: float) -> float | None:
        lost = False
        for t, online in list(self.statuses):
            if t < killed:
                continue
            if not online:
                lost = True
            elif lost:
                return t - killed
        return None

    def close(self) -> None:
        self.stop.set()
        self.thread.join(30)


def scanner(paths: list[Path], all_codes: list[str], stop: threading.Event) -> None:
    services = [CheckinService(Store.open(p), SystemClock(), rng=random.Random(i))
                for i, p in enumerate(paths)]  # fmt: skip
    start = at("09:05").now()
    k = 0
    try:
        while not stop.wait(0.05):
            s = services[k % len(services)]
            s.check_in(all_codes[k % len(all_codes)], "opening", at=start + timedelta(seconds=k))
            k += 1
    finally:
        for s in services:
            s.store.close()


def failover(kills: int) -> tuple[str, str]:
    outages: list[float] = []
    with Formation() as f, tempfile.TemporaryDirectory() as tmp:
        server = ServerConfig(f.dsn, "bench")
        with Hub(server) as h:
            h.init_schema()
        d = desk(Path(tmp), server, attendees=200)
        paths = [make_station(Path(tmp), f"door-{i}", server) for i in range(2)]
        doors = [Door(p, server) for p in paths]
        stop = threading.Event()
        writer = threading.Thread(target=scanner, args=(paths, list(codes(d).values()), stop))
        writer.start()
        try:
            for _ in range(kills):
                time.sleep(3)
                old = f.primary()
                killed = time.time()
                f.crash(old)
                f.wait_primary(next(n for n in NODES if n != old))
                wait_for(lambda: all(x.back_after(killed) for x in doors), 120)  # noqa: B023
                outages += [x.back_after(killed) or 0.0 for x in doors]
                f.start(old)
                f.wait_ready(120)
        finally:
            stop.set()
            writer.join(30)
            for x in doors:
                x.close()
    q = statistics.quantiles(outages, n=20, method="inclusive") if len(outages) > 1 else outages
    p95 = q[-1] if len(outages) > 1 else outages[0]
    print(f"  (failover: {', '.join(f'{o:.1f}' for o in outages)} s)", file=sys.stderr)
    return (f"p50 {statistics.median(outages):.1f} s, p95 {p95:.1f} s, max {max(outages):.1f} s"
            f" ({len(outages)} = {kills} kills x 2 stations)", "p95 < 30 s")  # fmt: skip


def wait_for(ok: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ok():
        if time.monotonic() > deadline:
            raise TimeoutError("not back online")
        time.sleep(0.1)


def killed_sync(db: Path, server: ServerConfig, n: int) -> int:
    r = subprocess.run(
        [sys.executable, "-m", "tests.helpers.killsync", str(n), "after", "--", "sync", "--db",
         str(db), "--once"],
        cwd=REPO, env={**os.environ, "FORUM_CHECKIN_HUB": server.dsn},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return r.returncode


def catch_up(rows: int) -> tuple[str, str]:
    cluster = Cluster()
    cluster.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            server = make_hub(cluster, "hub")
            d = desk(folder, server, attendees=20)
            k = make_station(folder, "door-k", server)
            store = Store.open(k)
            store.checkpoint()
            store.close()
            template = folder / "template.sqlite"
            shutil.copyfile(k, template)
            import_people(d, rows)
            sync_all(d, server)
            for n in range(1, 400):  # the first kill point that leaves chunks unapplied
                shutil.copyfile(template, k)
                for f in folder.glob("door-k.sqlite-*"):
                    f.unlink()
                if killed_sync(k, server, n) != -signal.SIGKILL:
                    raise RuntimeError("the sync ended before its import was applied")
                probe = Store.open(k, readonly=True)
                pending = syncstate.pending_committed(probe.conn)
                probe.close()
                if pending:
                    break
            t0 = time.perf_counter()
            store = Store.open(k)  # the store may catch up here (at open)
            opened = time.perf_counter() - t0
            try:
                with Hub(server) as h:
                    engine = SyncEngine(store, h, SystemClock())
                    t0 = time.perf_counter()
                    applied = engine.catch_up()
                    secs = time.perf_counter() - t0
                    t0 = time.perf_counter()
                    until_caught_up(engine)
                    rest = time.perf_counter() - t0
                people = Tx(store.conn, store.event).people.count()
            finally:
                store.close()
    finally:
        cluster.close()
    assert people == rows + 20
    return (f"{secs:.2f} s for {applied} chunks ({pending} left, kill at commit {n}); "
            f"open {opened:.2f} s, rest of the round {rest:.2f} s", "< 5 s")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--attendees", type=int, default=100_000)
    ap.add_argument("--scans", type=int, default=200_000)
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--only", default="refill,failover,catch-up",
                    help="which measures, comma-separated (default: all three)")  # fmt: skip
    args = ap.parse_args()
    only = set(args.only.split(","))
    rows = []
    if "refill" in only:
        rows.append((f"refill a new hub ({args.attendees:,} attendees, {args.scans:,} scans)",
                     *refill(args.attendees, args.scans)))  # fmt: skip
    if "failover" in only:
        rows.append(("failover: kill to sync back online", *failover(args.kills)))
    if "catch-up" in only:
        rows.append((f"catch-up after a kill ({args.attendees:,}-row import)",
                     *catch_up(args.attendees)))  # fmt: skip
    print(f"{'measure':<52}{'goal':<20}result")
    for name, result, goal in rows:
        print(f"{name:<52}{goal:<20}{result}")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
