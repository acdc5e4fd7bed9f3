"""Check-in latency: verify the signature, look the badge and attendee up, durably insert.

Prints one table: per attendee count, the cost of each step and of the whole call (one
BEGIN IMMEDIATE transaction that reads the badge, the attendee, presence and counts,
appends the log entry and updates the projections), with synchronous=FULL (the store's
setting) and NORMAL side by side.
Also prints the raw fdatasync p50/p99 of the same disk, measured in the same run (what
synchronous=FULL pays at least once per check-in). Goal: the whole check-in's p99 under 1 ms.

    .venv/bin/python bench/checkin.py [--sizes 100000,1000000] [--scans 3000]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.codes import BadgeRef
from kiosk.checkin.service import CheckinService
from kiosk.demo import demo_attendees
from kiosk.models.clock import ManualClock, parse_instant
from kiosk.models.event import load_event
from kiosk.storage.store import Store
from kiosk.storage.tx import Tx


def build(path: Path, n: int, sample: int) -> list[str]:
    """n attendees (one import batch, as log entries), every one with a badge; returns the
    codes of `sample` of them."""
    event = load_event()
    # No capacity limit: every sampled badge is admitted (a full hall would refuse them).
    event = replace(event, sessions=tuple(replace(s, capacity=None) for s in event.sessions))
    store = init_database(path, event)
    clock = ManualClock(parse_instant("2024-11-04T08:30", "Asia/Shanghai"))
    service = CheckinService(store, clock, rng=random.Random(5))
    ids = service.import_attendees(demo_attendees(n, seed=11)).ids
    service.issue_all_badges()
    rng = random.Random(9)
    codes = [service.badge_code(ids[i]) for i in rng.sample(range(n), sample)]
    store.checkpoint()
    store.close()
    return codes


def fdatasync_ms(folder: Path, n: int = 1000) -> list[float]:
    """The raw cost of the disk's flush: n writes of one 4 KiB page, each followed by
    fdatasync, in a file beside the database (ms each)."""
    path = folder / "fdatasync.probe"
    out = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        page = b"\0" * 4096
        for i in range(n):
            os.pwrite(fd, page, (i % 16) * 4096)
            t0 = time.perf_counter()
            os.fdatasync(fd)
            out.append((time.perf_counter() - t0) * 1e3)
    finally:
        os.close(fd)
        path.unlink()
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def measure(path: Path, codes: list[str], synchronous: str) -> dict[str, list[float]]:
    store = Store.open(path)
    store.conn.execute(f"PRAGMA synchronous={synchronous}")
    clock = ManualClock(parse_instant("2024-11-04T09:05", "Asia/Shanghai"))
    service = CheckinService(store, clock)
    out: dict[str, list[float]] = {"verify": [], "lookup": [], "check_in": []}
    for code in codes:
        t0 = time.perf_counter()
        ref = service.verifier.verify(code)
        t1 = time.perf_counter()
        assert isinstance(ref, BadgeRef)
        tx = Tx(store.conn, store.event)
        badge = tx.people.badge(ref.badge_id)
        assert badge is not None
        tx.people.attendee(badge.attendee_id)
        tx.presence.of("opening", badge.attendee_id)
        t2 = time.perf_counter()
        out["verify"].append((t1 - t0) * 1e3)
        out["lookup"].append((t2 - t1) * 1e3)
    for code in codes:
        t0 = time.perf_counter()
        result = service.check_in(code, "opening")
        out["check_in"].append((time.perf_counter() - t0) * 1e3)
        assert result.outcome.value == "admitted", result.outcome
        clock.advance(0.5)
    store.close()
    return out


def statements(path: Path, codes: list[str]) -> dict[str, float]:
    """SQL statements per check-in (sqlite3's trace callback over `codes`), by statement
    text with its literals masked: robust under load, unlike a latency. Whether the database
    signs its entries: `Store.open(path).gate is not None`."""
    store = Store.open(path)
    clock = ManualClock(parse_instant("2024-11-04T09:05", "Asia/Shanghai"))
    service = CheckinService(store, clock)
    seen: Counter[str] = Counter()

    def trace(sql: str) -> None:
        seen[re.sub(r"\d+", "N", re.sub(r"'[^']*'", "?", sql))[:160]] += 1

    store.conn.set_trace_callback(trace)
    for code in codes:
        service.check_in(code, "opening")
        clock.advance(0.5)
    store.conn.set_trace_callback(None)
    store.close()
    return {sql: n / len(codes) for sql, n in seen.most_common()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--scans", type=int, default=3000)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            t = time.perf_counter()
            codes = build(Path(tmp) / f"b{n}.sqlite", n, args.scans)
            built = time.perf_counter() - t
            half = len(codes) // 2
            for sync, part in (("FULL", codes[:half]), ("NORMAL", codes[half:])):
                m = measure(Path(tmp) / f"b{n}.sqlite", part, sync)
                rows.append((n, sync, m, built))
        sync_ms = fdatasync_ms(Path(tmp))
    print("\nCheck-in latency (ms), one process, one core; goal: check-in p99 < 1 ms\n")
    hdr = f"{'attendees':>10} {'sync':>7} | {'verify p50':>10} {'p99':>6} | {'lookup p50':>10} {'p99':>6} | {'check-in p50':>12} {'p99':>6} {'max':>6} | goal"
    print(hdr)
    print("-" * len(hdr))
    for n, sync, m, _ in rows:
        ci = m["check_in"]
        ok = "PASS" if pct(ci, 0.99) < 1.0 else "FAIL"
        print(
            f"{n:>10,} {sync:>7} | {statistics.median(m['verify']):>10.3f} {pct(m['verify'], 0.99):>6.3f} | "
            f"{statistics.median(m['lookup']):>10.3f} {pct(m['lookup'], 0.99):>6.3f} | "
            f"{statistics.median(ci):>12.3f} {pct(ci, 0.99):>6.3f} {max(ci):>6.2f} | {ok if sync == 'FULL' else ''}"
        )
    print(f"\nraw fdatasync of the same disk, same run: p50 {statistics.median(sync_ms):.3f} ms, "
          f"p99 {pct(sync_ms, 0.99):.3f} ms")  # fmt: skip
    print(
        "\n(database build: "
        + ", ".join(f"{n:,} attendees {b:.1f} s" for n, s, _, b in rows if s == "FULL")
        + ")"
    )


if __name__ == "__main__":
    main()
