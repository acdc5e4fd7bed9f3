"""What the station host (kiosk.station: SQLite in a child process) costs.

Prints one table, the in-process store (the GUI's former design, where a pulled drive's
SIGBUS killed the window), the station host's pipe alone and the station client (the
GUI's way: a lane's worker thread, an envelope, a future) side by side:
- start-up: a fresh interpreter until the database is open and answers (the child's
  import of the domain, pypinyin included, and the open);
- a check-in (a badge scan, admitted; synchronous=FULL): median, p95, p99;
- a search ("li", ranked, with presence) and the child's memory.

    .venv/bin/python bench/station.py [--scans 1000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.checkin.service import CheckinService
from kiosk.demo import build_demo
from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Method
from kiosk.station import protocol as p
from kiosk.station.client import StationClient
from kiosk.station.process import StationProcess
from kiosk.storage.store import Store
from kiosk.storage.tx import Tx

ROOT = Path(__file__).resolve().parents[1]
OPEN_IN_PROCESS = """
import time, sys
t = time.perf_counter()
from kiosk.checkin.service import CheckinService
from kiosk.models.clock import SystemClock
from kiosk.storage.store import Store
svc = CheckinService(Store.open(sys.argv[1]), SystemClock())
svc.stats()
print(time.perf_counter() - t)
"""


def codes(db: Path, n: int) -> tuple[list[str], object]:
    store = Store.open(db)
    try:
        ev = store.event()
        clock = ManualClock(ev.session("opening").start)
        svc = CheckinService(store, clock, rng=random.Random(3))
        people = list(Tx(store.conn, store.event).people.everyone())
        random.Random(1).shuffle(people)
        return [svc.badge_code(a.attendee_id) for a in people[:n]], clock.now()
    finally:
        store.close()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scans", type=int, default=1000)
    ap.add_argument("--starts", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.sqlite"
        build_demo(base, attendees=3 * args.scans + 100)
        rows: dict[str, dict[str, str]] = {
            "in-process store": {}, "station host": {}, "station client": {},
        }  # fmt: skip

        # -- start-up: a fresh interpreter to an open, answering database
        inproc = [
            float(subprocess.run([sys.executable, "-c", OPEN_IN_PROCESS, str(base)], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout)
            for _ in range(args.starts)
        ]  # fmt: skip
        child = []
        for _ in range(args.starts):
            host = StationProcess(base)
            t = time.perf_counter()
            host.start()
            StationClient(host).ask(p.OpenDatabase())
            child.append(time.perf_counter() - t)
            host.stop()
        rows["in-process store"]["start s"] = f"{statistics.median(inproc):.2f}"
        rows["station client"]["start s"] = f"{statistics.median(child):.2f}"

        scans, now = codes(base, 3 * args.scans)
        # -- check-ins, in process
        store = Store.open(base)
        clock = ManualClock(now)  # type: ignore[arg-type]
        svc = CheckinService(store, clock)
        times = []
        for code in scans[: args.scans]:
            clock.advance(1)
            t = time.perf_counter()
            svc.check_in(code, "opening", method=Method.HANDHELD)
            times.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        for _ in range(20):
            svc.search("li")
        search_in = (time.perf_counter() - t) / 20 * 1000
        store.close()
        rows["in-process store"].update(_lat(times), search_ms=f"{search_in:.2f}", rss="")

        # -- check-ins through the station host: its pipe alone, then the client
        host = StationProcess(base)
        host.start()
        client = StationClient(host)
        client.ask(p.OpenDatabase())
        ids = iter(range(1, 10**9))
        at = now
        for name, part in (("station host", 1), ("station client", 2)):
            times = []
            for code in scans[part * args.scans : (part + 1) * args.scans]:
                at += timedelta(seconds=1)  # type: ignore[operator]
                req = p.CheckIn(code, "opening", Method.HANDHELD, "", at)  # type: ignore[arg-type]
                t = time.perf_counter()
                if part == 1:
                    host.exchange("desk", p.Envelope(next(ids), req))
                else:
                    client.ask(req)
                times.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            for _ in range(20):
                if part == 1:
                    host.exchange("desk", p.Envelope(next(ids), p.Search("li", "opening")))
                else:
                    client.ask(p.Search("li", "opening"))
            search_host = (time.perf_counter() - t) / 20 * 1000
            rss = _rss_mb(host.pid)
            rows[name].update(_lat(times), search_ms=f"{search_host:.2f}", rss=f"{rss:.0f}")
        client.close()

    cols = ["start s", "p50 ms", "p95 ms", "p99 ms", "search_ms", "rss"]
    heads = ["start s", "check-in p50 ms", "p95 ms", "p99 ms", "search ms", "child RSS MB"]
    print(f"{'variant':<18}" + "".join(f"{h:>17}" for h in heads))
    for name, r in rows.items():
        print(f"{name:<18}" + "".join(f"{r.get(c, ''):>17}" for c in cols))
    return 0


def _lat(ms: list[float]) -> dict[str, str]:
    return {
        "p50 ms": f"{statistics.median(ms):.2f}",
        "p95 ms": f"{pct(ms, 0.95):.2f}",
        "p99 ms": f"{pct(ms, 0.99):.2f}",
    }


def _rss_mb(pid: int | None) -> float:
    if pid is None:
        return 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    sys.exit(main())
