"""Kiosk alerts: how long after a VIP checks in at a self check-in kiosk (station K) the
desk's station (D) has the arrival in its sync status, both running their sync loops
(child processes, as the app hosts them) against one hub. The GUI's follower long-polls
the status and shows it at once. One table: the loop's interval side by side (0.8 s is
the default, while connected and idle alike), and the kiosk's loop woken by its own
admission (what the station host does: `StationEpoch.nudge`). Goal: p95 under 2 s.

    .venv/bin/python bench/kiosk_alerts.py [--samples 40]
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue
import random
import threading
import time
from collections.abc import Hashable
from datetime import timedelta
from pathlib import Path

from synclib import delays, hub_and_desk, make_station, print_delays, row

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Method, Outcome
from kiosk.models.records import Category
from kiosk.storage.store import Store
from kiosk.sync.host import serve
from tests.helpers.clocks import at
from tests.helpers.reads import reads
from tests.helpers.syncing import codes


def run(k: Path, d: Path, server: object, interval: float, todo: list[tuple[str, str]],
        samples: int, nudge: bool) -> list[float]:  # fmt: skip
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    wake = ctx.Event() if nudge else None  # the station host sets it after an admission
    statuses = ctx.Queue(maxsize=1000)
    procs = [
        ctx.Process(target=serve, args=(str(k), server, stop, None, interval, wake)),
        ctx.Process(target=serve, args=(str(d), server, stop, statuses, interval)),
    ]
    made: dict[Hashable, float] = {}
    seen: dict[Hashable, float] = {}

    def watch(done: threading.Event) -> None:
        while not done.is_set():
            try:
                status = statuses.get(timeout=0.05)
            except queue.Empty:
                continue
            now = time.monotonic()
            for a in status.arrivals:
                seen.setdefault((a.attendee_id, a.session_id), now)

    def act() -> None:
        store = Store.open(k)
        service = CheckinService(store, ManualClock(at("09:05").now()), rng=random.Random(2))
        event = store.event()
        rng = random.Random(interval)
        try:
            for session_id, code_and_id in todo[:samples]:
                aid, code = code_and_id.split("\t")
                when = event.session(session_id).start + timedelta(minutes=5)
                r = service.check_in(code, session_id, Method.SELF, at=when)
                if r.outcome is Outcome.ADMITTED:
                    made[(aid, session_id)] = time.monotonic()
                    if wake is not None:
                        wake.set()
                time.sleep(rng.uniform(0.5, 2.0))  # idle between VIPs: the loops are idle too
        finally:
            store.close()

    stops = [stop] + ([wake] if wake is not None else [])
    found: list[float] = delays(procs, stops, watch, act, made, seen)
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=40)
    args = ap.parse_args()
    rows = []
    with hub_and_desk("alerts", attendees=400) as (_, folder, server, d):
        k, desk_b = make_station(folder, "kiosk-1", server), make_station(folder, "desk-b", server)
        badges = codes(d)
        store = Store.open(d)
        try:
            vips = [
                a.attendee_id for a in reads(store).people.everyone() if a.category == Category.VIP
            ]
            sessions = [s.id for s in store.event().sessions if not s.restricted]
        finally:
            store.close()
        todo = [(s, f"{a}\t{badges[a]}") for s in sessions for a in vips]
        random.Random(1).shuffle(todo)
        for interval, nudge in ((0.8, False), (0.8, True), (0.5, True)):
            mine, todo = todo[: args.samples], todo[args.samples :]
            found = run(k, desk_b, server, interval, mine, args.samples, nudge)
            label = f"loop every {interval:g} s" + (", kiosk nudged" if nudge else "")
            rows.append(row(label, found))
    print_delays("VIP at kiosk K, alert at D", rows)


if __name__ == "__main__":
    main()
