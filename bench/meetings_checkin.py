"""Check-in to matchmaking with the meetings loaded, against a plain check-in.

A check-in to the matchmaking session also reads the attendee's meetings for the rest of
the day (with counterparts and their arrivals) inside its write transaction. Prints one
table: the same attendees checked in to the showcase (plain) and to matchmaking, the scans
interleaved, on a database of 5,000 attendees and 10,000 meetings, synchronous=FULL.
Goal: matchmaking p99 less than 1 ms above the plain check-in's.

    .venv/bin/python bench/meetings_checkin.py [--people 5000] [--meetings 10000] [--scans 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from meetings_data import build, clock_at, schedule_rows, write_schedule

from kiosk.checkin.service import CheckinService
from kiosk.formats.schedule.reader import parse_schedule
from kiosk.meetings.service import MeetingService
from kiosk.models.outcomes import Method, Outcome
from kiosk.storage.store import Store


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--people", type=int, default=5000)
    ap.add_argument("--meetings", type=int, default=10_000)
    ap.add_argument("--scans", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mm.sqlite"
        store, service, ext = build(path, args.people)
        sched = write_schedule(Path(tmp) / "s.csv", schedule_rows(ext, args.meetings))
        parsed = parse_schedule(sched, service.event)
        result = MeetingService(store, service.clock).import_schedule(parsed.rows, "s.csv")
        assert result.written, result.problems[:3]
        codes = [service.badge_code(x) for x in ext[: args.scans]]
        store.close()

        store = Store.open(path)
        clock = clock_at("14:05")
        service = CheckinService(store, clock)
        times: dict[str, list[float]] = {"showcase": [], "matchmaking": []}
        carried = 0
        for code in codes:
            for session in ("showcase", "matchmaking"):
                t0 = time.perf_counter()
                r = service.check_in(code, session, Method.HANDHELD)
                times[session].append((time.perf_counter() - t0) * 1e3)
                assert r.outcome is Outcome.ADMITTED, r.outcome
                carried += len(r.meetings)
                clock.advance(0.2)
        store.close()
    plain, mm = times["showcase"], times["matchmaking"]
    load = os.getloadavg()[0]
    print(f"\nCheck-in latency (ms), {args.people:,} attendees, {args.meetings:,} meetings, "
          f"synchronous=FULL, {len(codes):,} scans each, interleaved (load {load:.1f})\n")  # fmt: skip
    hdr = f"{'check-in':<34} | {'p50':>6} {'p90':>6} {'p99':>6} {'max':>7} | meetings carried"
    print(hdr)
    print("-" * len(hdr))
    for name, xs, n in (
        ("plain (showcase)", plain, 0),
        ("matchmaking, meetings in result", mm, carried),
    ):
        print(f"{name:<34} | {statistics.median(xs):>6.3f} {pct(xs, 0.9):>6.3f} "
              f"{pct(xs, 0.99):>6.3f} {max(xs):>7.2f} | {n / len(xs):.1f} per scan")  # fmt: skip
    extra = pct(mm, 0.99) - pct(plain, 0.99)
    verdict = "PASS" if extra < 1.0 else "FAIL"
    print(f"\nmatchmaking p99 - plain p99 = {extra:+.3f} ms (goal < 1 ms): {verdict}")


if __name__ == "__main__":
    main()
