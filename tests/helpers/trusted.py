"""Trusted stations without a hub: entries travel between real SQLite databases the way sync
carries them (outbox of one, redact, `Store.receive` of the other)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.models.event import load_event
from kiosk.models.records import AttendeeInput, LogEntry
from kiosk.storage import log, syncstate
from kiosk.storage import trust as tstore
from kiosk.storage.base import new_uuid
from kiosk.storage.store import Store
from kiosk.sync import enroll as enr
from kiosk.sync.privacy import Receive, redact
from kiosk.trust.keys import Signer, sign_entry
from kiosk.trust.roles import Refusal, Role
from tests.helpers.clocks import at
from tests.helpers.reads import reads

OWNER_DSN = "postgresql://owner@hub.invalid/event"


def no_hub_login(dsn: str, station_id: str, role: Role, desk: Store, expires: str) -> str:
    return f"{dsn}?station={station_id}"


def transfer(
    src: Store, dst: Store, receive: Receive = Receive.ALL, seen: datetime | None = None
) -> int:
    """Every entry of `src` into `dst`, stream by stream in number order (as sync pulls).
    `seen`: the hub's clock when it first stored them (as sync tells the receiver)."""
    n = 0
    sids = [str(r[0]) for r in src.conn.execute("SELECT DISTINCT station_id FROM log")]
    can_sign = reads(dst).setting("private_key") is not None
    for sid in sids:
        batch = syncstate.outbox(src.conn, sid, 0, 10**9, 10**12)
        with dst.write() as tx:
            c = tx.conn
            for e in batch:
                n += dst.receive(c, redact(e, receive, can_sign), seen)
    dst.catch_up()
    return n


@dataclass
class Site:
    tmp: Path
    clock: ManualClock
    desk: Store
    desk_service: CheckinService
    ann_code: str
    ann_id: str
    session: str

    def station(self, name: str, role: Role, *, machine: str | None = None) -> Store:
        """A station enrolled at the desk and built from the desk's entries."""
        file = self.tmp / f"{name}.enroll"
        enr.enroll(self.desk, OWNER_DSN, role, name, file, self.clock.now(), login=no_hub_login)
        return self.build(name, file)

    def build(self, name: str, file: Path) -> Store:
        data = enr.read_enrollment(file)
        path = self.tmp / f"{name}.sqlite"
        s = Store.open(path, create=True)
        with s.write() as tx:
            c = tx.conn
            enr.prepare(c, data)
        s.reload_station()
        transfer(self.desk, s, Receive(data["receive"]))
        s.close()
        return enr.adopt(path, data, file, self.clock)

    def service(self, s: Store) -> CheckinService:
        return CheckinService(s, self.clock, rng=random.Random(2))


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    clock = at("09:05")
    desk = init_database(tmp_path / "desk.sqlite", load_event(), at=at("07:00").now())
    svc = CheckinService(desk, clock, rng=random.Random(1))
    ann = svc.walk_in(AttendeeInput(name="Ann Genuine", email="ann@example.org", phone="123"))
    session = svc.event.current_session(clock.now()).id
    enr.become_desk(desk, clock.now())
    yield Site(tmp_path, clock, desk, svc, ann.code, ann.attendee.attendee_id, session)
    desk.close()


def forge(s: Store, kind: str, at: datetime, **kw: Any) -> LogEntry:
    """An entry at the station's next number, signed with its own key file, written past
    its program (as a thief holding the station's files would)."""
    key = tstore.read_key(s.path)
    assert key is not None
    with s.write() as tx:
        c = tx.conn
        e = LogEntry(uuid=new_uuid(), kind=kind, at=at, station_id=s.station.id,
                     station_seq=log.next_seq(c, s.station.id),
                     station=kw.pop("station", s.station.name), **kw)  # fmt: skip
        e = sign_entry(e, Signer(key[1]))
        log.insert(c, e)
    return e


def held(s: Store) -> dict[str, Refusal]:
    """What `s` keeps aside: uuid -> why."""
    return {e.uuid: r for e, r in tstore.held(s.conn)}
