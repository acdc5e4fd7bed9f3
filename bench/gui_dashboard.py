"""What one dashboard poll costs: the quiet check against a full snapshot, by event size.

The dashboard polls every 2 s. A quiet poll reads only `PRAGMA data_version`; a changed
database costs a full `collect()` (stats, arrivals of every session, the newest 30 scans,
the not-yet-arrived list). Prints one table; run: .venv/bin/python bench/gui_dashboard.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.checkin.service import CheckinService
from kiosk.demo import build_demo
from kiosk.models.clock import ManualClock
from kiosk.station.snapshot import DashboardSnapshot, collect
from kiosk.storage.store import Store
from kiosk.storage.tx import Tx

SIZES = (300, 2000, 6000)
ROUNDS = 30


def prepare(path: Path, attendees: int) -> None:
    build_demo(path, attendees=attendees, seed=7)
    store = Store.open(path)
    try:
        event = store.event()
        clock = ManualClock(datetime.combine(event.day, dtime(8, 5), event.tz))
        svc = CheckinService(store, clock)
        people = list(Tx(store.conn, store.event).people.everyone())
        random.Random(1).shuffle(people)
        with_codes = [(a.attendee_id, svc.badge_code(a.attendee_id)) for a in people]
        for _, code in with_codes[: int(attendees * 0.7)]:
            clock.advance(3)
            svc.check_in(code, "opening")
    finally:
        store.close()


def timed(fn: object, rounds: int = ROUNDS) -> list[float]:
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append((time.perf_counter() - t0) * 1000)
    return out


def apply_cost(path: Path, snaps: list[DashboardSnapshot]) -> list[float]:
    """GUI-thread time to show a snapshot (cards, chart, both tables, painted offscreen)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from kiosk.station.process import StationProcess
    from ui.bridge.desk import DeskLink
    from ui.dashboard import DashboardSource, DashboardView

    app = QApplication.instance() or QApplication([])
    clock = ManualClock()
    link = DeskLink(StationProcess(path), clock)
    link.start()
    source = DashboardSource(link, clock, interval_ms=3_600_000)  # one poll, then quiet
    view = DashboardView(source, clock)
    view.resize(1600, 1000)
    view.show()
    i = iter(range(10**9))

    def show() -> None:
        view._on_snapshot(snaps[next(i) % 2])
        view.repaint()  # layout and paint now, not at some later event-loop turn
        app.processEvents()

    try:
        timed(show, 5)  # warm up: glyph caches, first layout
        return timed(show)
    finally:
        view.shutdown()
        view.deleteLater()
        link.stop()


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            path = Path(tmp) / f"bench-{n}.sqlite"
            t0 = time.perf_counter()
            prepare(path, n)
            setup_s = time.perf_counter() - t0
            store = Store.open(path)
            try:
                event = store.event()
                now = datetime.combine(event.day, dtime(9, 0), event.tz)
                quiet = timed(lambda s=store: Tx(s.conn, s.event).log.data_version(), ROUNDS * 10)
                full = timed(lambda s=store, e=event, t=now: collect(s, e, "opening", t))
                absent = timed(lambda s=store: Tx(s.conn, s.event).presence.no_shows("opening"))
                # Two different snapshots, shown alternately, so that every round redraws.
                snaps = [collect(store, event, sid, now) for sid in ("opening", "showcase")]
            finally:
                store.close()
            gui = apply_cost(path, snaps)
            variants = (
                ("quiet poll", quiet),
                ("full snapshot", full),
                ("  of which no_shows", absent),
                ("show it (GUI thread)", gui),
            )
            for name, ms in variants:
                rows.append((name, n, statistics.median(ms), _p95(ms), setup_s))
    print(f"{'variant':<22}{'attendees':>10}{'median ms':>12}{'p95 ms':>10}{'setup s':>10}")
    for name, n, med, p95, setup_s in rows:
        print(f"{name:<22}{n:>10}{med:>12.3f}{p95:>10.3f}{setup_s:>10.1f}")


def _p95(values: list[float]) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * 0.95))]


if __name__ == "__main__":
    main()
