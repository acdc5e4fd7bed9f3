"""Rebuilding every projection from the log alone: how long, and how much memory.

The log of a large event is built once per size: attendees imported (import entries),
badges issued, then scans written straight into the log as four stations would have
written them (admissions, repeats, refusals, exits, a few undos). Then
`Store.rebuild_projections()` empties attendees, badges, presence, counts, prints and the
search index, and folds the whole log again. Each size runs in a child process of its
own, so that its peak memory is its own.

    .venv/bin/python bench/rebuild.py [--sizes 100000,300000,1000000] [--people 50000]

Goal: 1,000,000 entries rebuilt in < 20 s.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.demo import demo_attendees
from kiosk.formats.importer import paused_gc
from kiosk.models.clock import ManualClock, parse_instant
from kiosk.models.event import load_event
from kiosk.storage.base import new_uuid

SESSIONS = ("opening", "energy-transition", "green-finance", "showcase", "matchmaking")


def build(path: Path, entries: int, people: int) -> tuple[int, int]:
    """A database whose log holds about `entries` entries; returns (entries, admissions)."""
    store = init_database(path, load_event())
    start = parse_instant("2024-11-04T08:30", "Asia/Shanghai")
    svc = CheckinService(store, ManualClock(start), rng=random.Random(1))
    with paused_gc():
        ids = svc.import_attendees(demo_attendees(people, seed=5)).ids
        svc.issue_all_badges()
    badges = dict(store.conn.execute("SELECT attendee_id, badge_id FROM badges"))
    stations = [(new_uuid(), f"door-{n}") for n in range(1, 5)]
    seqs = dict.fromkeys((s for s, _ in stations), 0)
    rng = random.Random(7)
    inside: set[tuple[str, str]] = set()
    admitted: list[str] = []
    rows: list[tuple[Any, ...]] = []
    base = int(store.conn.execute("SELECT COUNT(*) FROM log").fetchone()[0])
    for n in range(max(0, entries - base)):
        sid, name = stations[n % 4]
        seqs[sid] += 1
        at = (start + timedelta(microseconds=n * 30_000)).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        aid = ids[rng.randrange(len(ids))]
        session = SESSIONS[rng.randrange(5)]
        u = new_uuid()
        roll = rng.random()
        if roll < 0.01 and admitted:  # an undo of an earlier admission
            rows.append((u, sid, seqs[sid], name, at, "annul", "", None, None, "amy", None,
                         rng.choice(admitted), '{"reason":"wrong person"}'))  # fmt: skip
            continue
        if roll < 0.04:  # a refused scan: a forged or unknown code
            rows.append((u, sid, seqs[sid], name, at, "entry", session, None, None, "amy",
                         "unknown_code", None, '{"method":"camera"}'))  # fmt: skip
            continue
        key = (session, aid)
        if key in inside and roll < 0.25:
            kind, outcome = "exit", "exited"
            inside.discard(key)
        elif key in inside:
            kind, outcome = "entry", "already_checked_in"
        else:
            kind, outcome = "entry", "admitted"
            inside.add(key)
            admitted.append(u)
        rows.append((u, sid, seqs[sid], name, at, kind, session, aid, badges[aid], "amy",
                     outcome, None, '{"method":"camera"}'))  # fmt: skip
    with store.write() as tx:
        tx.conn.executemany(
            "INSERT INTO log (uuid, station_id, station_seq, station, at, kind, session_id,"
            " attendee_id, badge_id, operator, outcome, ref, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    total = int(store.conn.execute("SELECT COUNT(*) FROM log").fetchone()[0])
    store.close()
    return total, len(admitted)


def measure(path: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from kiosk.storage.store import Store

    store = Store.open(Path(path))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    with paused_gc():
        read = store.rebuild_projections()
    took = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    presence = int(store.conn.execute("SELECT COUNT(*) FROM presence").fetchone()[0])
    people = int(store.conn.execute("SELECT COUNT(*) FROM attendees").fetchone()[0])
    store.close()
    out.put(json.dumps({"read": read, "s": took, "peak_mb": peak / 1024,
                        "rise_mb": (peak - before) / 1024, "presence": presence,
                        "people": people}))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="100000,300000,1000000")
    ap.add_argument("--people", type=int, default=50_000)
    args = ap.parse_args()
    ctx = multiprocessing.get_context("spawn")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(x) for x in args.sizes.split(",")):
            path = Path(tmp) / f"r{size}.sqlite"
            t = time.perf_counter()
            entries, _ = build(path, size, args.people)
            made = time.perf_counter() - t
            q = ctx.Queue()
            p = ctx.Process(target=measure, args=(str(path), q))
            p.start()
            r = json.loads(q.get())
            p.join()
            results.append((entries, made, path.stat().st_size / 2**20, r))
    print(f"\nRebuild of every projection from the log ({args.people:,} attendees; "
          f"load {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores, "
          f"SQLite {sqlite3.sqlite_version})\n")  # fmt: skip
    hdr = (f"{'log entries':>11} | {'rebuild s':>9} | {'entries/s':>9} | {'peak RSS MB':>11} | "
           f"{'RSS rise MB':>11} | {'presence rows':>13} | {'db MB':>6} | {'built in s':>10}")  # fmt: skip
    print(hdr)
    print("-" * len(hdr))
    for entries, made, mb, r in results:
        assert r["read"] == entries and r["people"] == args.people
        print(f"{entries:>11,} | {r['s']:>9.2f} | {entries / r['s']:>9,.0f} | "
              f"{r['peak_mb']:>11.0f} | {r['rise_mb']:>11.0f} | {r['presence']:>13,} | "
              f"{mb:>6.0f} | {made:>10.1f}")  # fmt: skip
    print("\nGoal: 1,000,000 entries in < 20 s.")


if __name__ == "__main__":
    main()
