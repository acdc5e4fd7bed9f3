"""Putting an event on the hub (`hub publish`) and making a station from it
(`init --from-hub`).

The hub holds the event's log: the program and the badge *verify* key (the `event`
entry), attendees, badges, scans. It never holds the signing key. A new station made
from the hub can verify badges and check people in; it cannot issue badges. A second
registration desk gets the signing key from the first desk's database file, copied by
hand (`--signing-key-from DESK.sqlite`), never through the hub.

Publishing to a hub that this database has not synced with (a new hub after the old one
was lost, or one restored from an older backup) uploads everything the hub lacks: every
entry of every station this database holds, so that the event survives with any one
database. A station meeting such a hub does the same at its next round.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.checkin.codes import BadgeSigner
from kiosk.models.clock import Clock
from kiosk.models.errors import DatabaseUnavailable, KioskError, NoEventError
from kiosk.storage import syncstate
from kiosk.storage.store import Store
from kiosk.sync import hubroles, hubschema
from kiosk.sync.engine import RoundResult, SyncEngine
from kiosk.sync.hub import Hub, HubRefused
from kiosk.sync.privacy import Receive


@dataclass(frozen=True, slots=True)
class Totals:
    pulled: int
    pushed: int
    waiting: int
    behind: int
    renumbered: int
    skew_s: float
    refilled: bool = False  # the hub lacked entries it had held or never had (new, restored)
    caught_up: int = 0
    logins: int = 0  # station logins `publish` recreated on a hub that lacked them


def until_caught_up(engine: SyncEngine, *, pull: bool = True, push: bool = True) -> Totals:
    """Rounds until nothing is left to do (each round is bounded; a backlog takes several)."""
    pulled = pushed = renumbered = caught_up = 0
    refilled = False
    while True:
        r: RoundResult = engine.round(pull=pull, push=push)
        pulled, pushed, renumbered = pulled + r.pulled, pushed + r.pushed, renumbered + r.renumbered
        caught_up += r.caught_up
        refilled = refilled or r.refill is not None or r.refilled
        if not r.more and not (pull and r.behind and r.pulled) and not (push and r.pushed
                                                                       and r.waiting):  # fmt: skip
            return Totals(pulled, pushed, r.waiting, r.behind, renumbered, r.skew_s,
                          refilled, caught_up)  # fmt: skip


def publish(store: Store, hub: Hub, clock: Clock) -> Totals:
    """Make the hub serve this database's event and upload its whole log."""
    if syncstate.setting(store.conn, "event") is None:
        raise NoEventError(f"{store.path}: no event loaded (run `init` first)")
    hub.connect()
    if 0 < hub.schema_version() < hubschema.LATEST:  # a hub of an earlier release: the
        hub.init_schema()  # desk (the hub's owner) converts it, losing nothing
    hub.check_schema()
    event_id = store.event().id
    public = syncstate.setting(store.conn, "public_key") or ""
    served = hub.claim_event(event_id, public)
    if served != (event_id, public):
        SyncEngine(store, hub, clock).check_event()  # names the difference
    logins = hubroles.keep_logins(store, hub)
    totals = until_caught_up(SyncEngine(store, hub, clock), pull=False)
    return dataclasses.replace(totals, logins=logins)


def signing_key_of(path: Path, event_id: str, public_hex: str) -> bytes:
    """The badge signing key held by another event database of the same event."""
    src = Store.open(path, readonly=True)
    try:
        with src.snapshot() as tx:
            private, public = tx.keys()
        held_event = src.event().id
    finally:
        src.close()
    if private is None:
        raise KioskError(f"{path}: holds no signing key (only a registration desk's does)")
    if held_event != event_id or public.hex() != public_hex:
        raise KioskError(f"{path}: holds the key of another event than the hub's ({held_event!r})")
    if BadgeSigner(event_id, private).public_key != public:
        raise KioskError(f"{path}: its signing key does not match its verify key")
    return private


def init_from_hub(
    path: Path, hub: Hub, clock: Clock, *, receive: Receive = Receive.ALL,
    signing_key_from: Path | None = None, station_name: str | None = None,
    prepare: Callable[[sqlite3.Connection], None] | None = None,
) -> Totals:  # fmt: skip
    """A new station's database at `path`, filled from the hub (the program, attendees,
    badges, every scan so far). Built under a temporary name and renamed at the end: an
    interrupted run leaves no half-made database."""
    if path.exists():
        raise DatabaseUnavailable(f"{path}: already exists; `sync` updates an existing database")
    hub.connect()
    hub.check_schema()
    served = hub.event()
    if served is None:
        raise HubRefused(f"hub {hub.server.shown}: serves no event yet (run `hub publish` first)")
    key = signing_key_of(signing_key_from, *served) if signing_key_from else None
    tmp = path.with_name(path.name + ".partial")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    store = Store.open(tmp, create=True)
    try:
        with store.write() as c:
            syncstate.set_setting(c.conn, syncstate.RECEIVE_KEY, receive.value)
            syncstate.set_setting(c.conn, syncstate.HUB_KEY, hub.server.shown)
            if key is not None:
                syncstate.install_signing_key(c.conn, key)
            if prepare is not None:  # an enrolled station: trust on before the first pull
                prepare(c.conn)
        store.reload_station()
        # no heartbeat: this temporary file's identity is not the station's (the final
        # path's is), and it must not show in `hub status` as a station of its own
        totals = until_caught_up(SyncEngine(store, hub, clock, beats=False), push=False)
        if syncstate.setting(store.conn, "event") is None:
            raise HubRefused(f"hub {hub.server.shown}: holds no event entry (publish again)")
        store.checkpoint()
    except BaseException:
        store.close()
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    store.close()
    os.replace(tmp, path)
    final = Store.open(path)  # the station's identity belongs to the final path
    try:
        if station_name:
            final.set_station_name(station_name)
    finally:
        final.close()
    return totals
