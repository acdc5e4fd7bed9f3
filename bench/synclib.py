"""Shared set-up of the sync benchmarks: a throwaway PostgreSQL cluster (the tests' own,
tests/helpers/pgcluster.py), a published desk database, stations made from the hub, and
synthetic but valid log entries written through the store."""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Protocol

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogKind
from kiosk.storage.store import Store
from kiosk.sync.hub import Hub
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import at
from tests.helpers.pgcluster import Cluster
from tests.helpers.syncing import desk
from tests.helpers.syncing import station as make_station

__all__ = [
    "Cluster", "add_scans", "delays", "desk", "hub_and_desk", "make_hub", "make_station",
    "print_delays", "row",
]  # fmt: skip


def make_hub(cluster: Cluster, name: str) -> ServerConfig:
    server = ServerConfig(cluster.create_database(name), "bench")
    with Hub(server) as h:
        h.init_schema()
    return server


@contextmanager
def hub_and_desk(name: str, attendees: int) -> Iterator[tuple[Cluster, Path, ServerConfig, Path]]:
    """A running cluster, a hub with its schema on it, a scratch folder and a published
    desk database in it; all removed at the end."""
    cluster = Cluster()
    cluster.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            server = make_hub(cluster, name)
            yield cluster, folder, server, desk(folder, server, attendees)
    finally:
        cluster.close()


def add_scans(path: Path, n: int, clock: ManualClock | None = None) -> None:
    """`n` entry scans through the store (admissions first, then repeat scans), in
    transactions of 1,000."""
    store = Store.open(path)
    clock = clock or at("09:05")
    try:
        ids = [r[0] for r in store.conn.execute("SELECT attendee_id FROM attendees")]
        sessions = [s.id for s in store.event().sessions]
        for start in range(0, n, 1000):
            with store.write() as c:
                for k in range(start, min(n, start + 1000)):
                    aid = ids[k % len(ids)]
                    session = sessions[(k // len(ids)) % len(sessions)]
                    first = k < len(ids) * len(sessions)
                    store.append(c, LogKind.ENTRY, clock.now() + timedelta(milliseconds=k),
                                 session_id=session, attendee_id=aid,
                                 outcome=Outcome.ADMITTED if first else Outcome.ALREADY_CHECKED_IN,
                                 data={"method": "camera"})  # fmt: skip
    finally:
        store.close()


class _Event(Protocol):
    def set(self) -> None: ...


class _Process(Protocol):
    def start(self) -> None: ...

    def join(self, timeout: float | None = None) -> None: ...


def delays(procs: Sequence[_Process], stops: Sequence[_Event],
           watch: Callable[[threading.Event], None], act: Callable[[], None],
           made: dict[Hashable, float], seen: dict[Hashable, float]) -> list[float]:  # fmt: skip
    """Seconds from each thing `act` made (`made`: key -> monotonic time) until `watch`
    (a thread, until its event is set) saw it (`seen`), with the sync loops `procs`
    running (started here, connected 3 s before `act`; stopped by setting `stops`). What
    is not seen within 20 s after `act` counts as infinite."""
    for p in procs:
        p.start()
    time.sleep(3)  # the loops connected
    done = threading.Event()
    watcher = threading.Thread(target=watch, args=(done,))
    watcher.start()
    try:
        act()
        deadline = time.monotonic() + 20
        while len(seen) < len(made) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        done.set()
        watcher.join()
        for stop in stops:
            stop.set()
        for p in procs:
            p.join(30)
    return sorted(seen.get(key, float("inf")) - t for key, t in made.items())


def row(label: str, found: list[float]) -> tuple[str, int, float, float, float]:
    """(label, samples, p50, p95, max) of sorted delays."""
    return (label, len(found), statistics.median(found), found[int(len(found) * 0.95)],
            found[-1])  # fmt: skip


def print_delays(title: str, rows: list[tuple[str, int, float, float, float]],
                 goal: str = "goal: p95 < 2 s") -> None:  # fmt: skip
    width = max(30, len(title) + 4, *(len(r[0]) + 2 for r in rows))
    print(f"{title:<{width}}{'samples':>8}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    for label, n, p50, p95, worst in rows:
        print(f"{label:<{width}}{n:>8}{p50:>8.2f}{p95:>8.2f}{worst:>8.2f}")
    print(goal)
