"""An import written as log entries: where the time goes, and how long the desk waits.

An import is a batch of chunk entries (each one short write transaction), a commit entry,
then the chunks applied to the projections (attendees, search index), again one short
transaction each. A check-in arriving meanwhile waits at most one transaction: the
longest write-lock hold is the figure to keep near 100 ms.

    .venv/bin/python bench/import_log.py [--rows 100000] [--chunks 500,1000,2000]

Goal: 100,000 rows imported (validated rows to projections) well inside the 3 s budget
of a whole import, the longest hold ~100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.demo import demo_attendees
from kiosk.formats.importer import paused_gc
from kiosk.models.clock import ManualClock, parse_instant
from kiosk.models.event import load_event
from kiosk.storage import imports
from kiosk.storage.store import Store

DEFAULT_CHUNK = imports.CHUNK


class Holds:
    """Wall time of every write transaction of a store (the desk's wait, at worst)."""

    def __init__(self, store: Store) -> None:
        self.times: list[float] = []
        real = store.write

        @contextmanager
        def timed(durable: bool = True):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            with real(durable) as c:
                yield c
            self.times.append(time.perf_counter() - t)

        store.write = timed  # type: ignore[method-assign]


def run(d: Path, n: int, chunk: int, people: list) -> dict[str, float]:  # type: ignore[type-arg]
    path = d / f"i{chunk}.sqlite"
    store = init_database(path, load_event())
    clock = ManualClock(parse_instant("2024-11-04T07:30", "Asia/Shanghai"))
    svc = CheckinService(store, clock, rng=random.Random(1))
    holds = Holds(store)
    imports.CHUNK = chunk
    t0 = time.perf_counter()
    with paused_gc():
        report = svc.import_attendees(people)
    total = time.perf_counter() - t0
    assert report.inserted == n
    again = time.perf_counter()
    with paused_gc():
        svc.import_attendees(people)  # a re-import of the same file: nothing to write
    unchanged = time.perf_counter() - again
    size = path.stat().st_size + Path(f"{path}-wal").stat().st_size
    store.close()
    return {"total": total, "unchanged": unchanged, "max_hold": max(holds.times),
            "txns": len(holds.times), "mb": size / 2**20}  # fmt: skip


def one(rows: int, chunk: int) -> None:
    """One variant in this (fresh) process, as an `import` command runs: its result as JSON."""
    people = demo_attendees(rows, seed=11)
    with tempfile.TemporaryDirectory() as tmp:
        os.sync()  # the previous variant's writes are on disk, not competing with this one
        print(json.dumps(run(Path(tmp), rows, chunk, people)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--chunks", default="1000,2000,4000")
    ap.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        return one(args.rows, args.one)
    rows = []
    for chunk in (int(x) for x in args.chunks.split(",")):
        # Each variant in a process of its own: cold caches (pinyin, the page cache of
        # SQLite), as a real import command starts, whatever ran before it.
        out = subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--one",
                              str(chunk)], check=True, capture_output=True, text=True)  # fmt: skip
        rows.append((chunk, json.loads(out.stdout.strip().splitlines()[-1])))
    print(f"\nImport of {args.rows:,} validated rows as log entries "
          f"(load {os.getloadavg()[0]:.1f}, SQLite {sqlite3.sqlite_version})\n")  # fmt: skip
    hdr = (f"{'rows per chunk':>14} | {'import s':>8} | {'re-import s':>11} | "
           f"{'transactions':>12} | {'longest hold ms':>15} | {'db MB':>6}")  # fmt: skip
    print(hdr)
    print("-" * len(hdr))
    for chunk, r in rows:
        mark = " (default)" if chunk == DEFAULT_CHUNK else ""
        print(f"{chunk:>14} | {r['total']:>8.2f} | {r['unchanged']:>11.2f} | {r['txns']:>12} | "
              f"{r['max_hold'] * 1e3:>15.1f} | {r['mb']:>6.1f}{mark}")  # fmt: skip


if __name__ == "__main__":
    main()
