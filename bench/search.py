"""Attendee search at 100,000 attendees: English, Chinese, pinyin, organization, email.

Prints one table: per query kind, median and p95 ms, results; goal: under 20 ms.

    .venv/bin/python bench/search.py [--attendees 100000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.demo import demo_attendees
from kiosk.models.clock import SystemClock
from kiosk.models.event import load_event

QUERIES = {
    "English name prefix": ["jen", "smith", "michael j", "o'brien", "garc"],
    "Chinese characters": ["张伟", "王", "欧阳", "海燕", "李明"],
    "pinyin, spaced": ["zhang wei", "wang fang", "liu yang", "chen jie", "ouyang na"],
    "pinyin, joined": ["zhangwei", "wangfang", "liuyang", "chenjie", "ouyangna"],
    "organization": ["tsinghua", "国家电网", "nrel", "breakthrough energy", "工商银行"],
    "email": ["wei.zhang@", "jennifer.smith@nrel.gov", "catl.com", "sgcc", "li.na"],
    "one letter": ["a", "z", "w", "j", "m"],
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--attendees", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = init_database(Path(tmp) / "s.sqlite", load_event())
        service = CheckinService(store, SystemClock(), rng=random.Random(2))
        people = demo_attendees(args.attendees, seed=3)
        store.upsert_attendees(people, service.new_attendee_id, service.clock.now())
        print(
            f"\nSearch at {args.attendees:,} attendees (ms per query, 50 results max); goal < 20 ms\n"
        )
        hdr = f"{'query kind':<22} {'median':>8} {'p95':>8} {'max':>8} {'avg hits':>9}  goal"
        print(hdr)
        print("-" * len(hdr))
        for kind, queries in QUERIES.items():
            times: list[float] = []
            hits = 0
            for _ in range(args.repeat):
                for q in queries:
                    t = time.perf_counter()
                    hits += len(service.search(q))
                    times.append((time.perf_counter() - t) * 1e3)
            times.sort()
            p95 = times[int(0.95 * len(times))]
            print(
                f"{kind:<22} {statistics.median(times):>8.2f} {p95:>8.2f} {times[-1]:>8.2f} "
                f"{hits / len(times):>9.1f}  {'PASS' if p95 < 20 else 'FAIL'}"
            )
        store.close()


if __name__ == "__main__":
    main()
