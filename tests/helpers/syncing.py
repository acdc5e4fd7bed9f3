"""Stations for the sync tests: a registration desk's database published to a hub, and
stations made from the hub, each its own database file."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.checkin.service import CheckinService
from kiosk.demo import build_demo
from kiosk.models.clock import Clock, ManualClock
from kiosk.storage.store import Store
from kiosk.sync.bootstrap import Totals, init_from_hub, publish, until_caught_up
from kiosk.sync.engine import SyncEngine
from kiosk.sync.hub import Hub
from kiosk.sync.privacy import Receive
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import EVENT_DAY, at
from tests.helpers.reads import reads


def desk(folder: Path, server: ServerConfig, attendees: int = 40, seed: int = 7) -> Path:
    """The registration desk: a demo event on the forum's day, published to the hub."""
    path = folder / "desk.sqlite"
    build_demo(path, attendees=attendees, day=EVENT_DAY, seed=seed)
    store = Store.open(path)
    try:
        with Hub(server) as h:
            publish(store, h, at("08:00"))
    finally:
        store.close()
    return path


def station(
    folder: Path, name: str, server: ServerConfig, *, key_from: Path | None = None,
    receive: Receive = Receive.ALL,
) -> Path:  # fmt: skip
    path = folder / f"{name}.sqlite"
    with Hub(server) as h:
        init_from_hub(path, h, at("08:00"), receive=receive, signing_key_from=key_from,
                      station_name=name)  # fmt: skip
    return path


def sync(path: Path, server: ServerConfig, clock: Clock | None = None) -> Totals:
    store = Store.open(path)
    try:
        with Hub(server) as h:
            return until_caught_up(SyncEngine(store, h, clock or at("09:00")))
    finally:
        store.close()


@contextmanager
def service(
    path: Path, clock: ManualClock | None = None, seed: int = 1
) -> Iterator[CheckinService]:
    store = Store.open(path)
    try:
        yield CheckinService(store, clock or at("09:05"), rng=random.Random(seed))
    finally:
        store.close()


def codes(desk_path: Path) -> dict[str, str]:
    """attendee id -> badge code, signed at the desk."""
    with service(desk_path) as s:
        return {
            a.attendee_id: s.badge_code(a.attendee_id) for a in reads(s.store).people.everyone()
        }


def tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """A station's projections as comparable data (tests/helpers/tables.py)."""
    from tests.helpers.tables import projection_tables

    store = Store.open(path, readonly=True)
    try:
        return projection_tables(store)
    finally:
        store.close()
