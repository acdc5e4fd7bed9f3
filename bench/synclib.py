"""Shared set-up of the sync benchmarks: a throwaway PostgreSQL cluster (the tests' own,
tests/helpers/pgcluster.py), a published desk database, stations made from the hub, and
synthetic but valid log entries written through the store."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

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

__all__ = ["Cluster", "add_scans", "desk", "hub_and_desk", "make_hub", "make_station"]


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
