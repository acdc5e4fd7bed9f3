"""The event key's rotation (issue 18 §2): only the desk, only signed by the key pinned at
that point. Every station takes a genuine rotation in through sync (a station enrolled before
it and one enrolled after), badges keep being admitted, a rebuild gives the same tables; a
forged rotation (signed by another key, or written by a door) is kept aside and changes
nothing; a rotation of a compromised key stops trusting the stations it enrolled."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from typing import Any

from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendeeInput, LogEntry
from kiosk.storage import log
from kiosk.storage import trust as tstore
from kiosk.storage.base import new_uuid, ts
from kiosk.storage.store import Store
from kiosk.sync import enroll as enr
from kiosk.trust.certs import rotate
from kiosk.trust.keys import Signer, new_private, public_of, sign_entry
from kiosk.trust.roles import Refusal, Role, TrustKind
from kiosk.trust.verify import Verifier
from tests.helpers.reads import reads
from tests.helpers.tables import projection_tables
from tests.helpers.trusted import Site, transfer


def event_key(s: Store) -> bytes:
    gate = s.gate
    assert gate is not None
    return gate.verifier.event_key


def held_reasons(s: Store) -> dict[str, Refusal]:
    return {e.uuid: r for e, r in tstore.held(s.conn)}


def test_a_rotation_is_taken_in_through_sync_and_badges_keep_being_admitted(site: Site) -> None:
    door = site.station("Door A", Role.DOOR)  # enrolled under the first key
    first = event_key(site.desk)
    rotation = enr.rotate_key(site.desk, site.clock.now())
    assert rotation.previous == first.hex() and event_key(site.desk).hex() == rotation.key
    transfer(site.desk, door)
    assert held_reasons(door) == {} and event_key(door).hex() == rotation.key
    r = site.service(door).check_in(site.ann_code, site.session)  # a badge minted before
    assert r.outcome is Outcome.ADMITTED
    transfer(door, site.desk)  # the door's certificate (first key) stays valid
    assert held_reasons(site.desk) == {}
    assert reads(site.desk).presence.of(site.session, site.ann_id) is not None
    kiosk = site.station("Kiosk 1", Role.KIOSK)  # enrolled under the new key
    transfer(site.desk, kiosk)
    transfer(door, kiosk)
    assert held_reasons(kiosk) == {} and event_key(kiosk).hex() == rotation.key
    bob = site.desk_service.walk_in(dataclasses.replace(_someone(), name="Bob After"))
    transfer(site.desk, kiosk)
    assert site.service(kiosk).check_in(bob.code, site.session).outcome is Outcome.ADMITTED
    transfer(kiosk, site.desk)
    transfer(kiosk, door)
    assert held_reasons(site.desk) == {} and held_reasons(door) == {}
    # a rebuild follows the rotation the same way: the same tables, nothing held
    for s in (site.desk, door, kiosk):
        before = projection_tables(s)
        s.rebuild_projections()
        assert projection_tables(s) == before and held_reasons(s) == {}
    listing = {i.name: i.trusted for i in tstore.stations(site.desk.conn, _verifier(site.desk))}
    assert listing == {site.desk.station.name: True, "Door A": True, "Kiosk 1": True}
    door.close()
    kiosk.close()


def _someone() -> AttendeeInput:
    return AttendeeInput(name="Someone")


def _verifier(s: Store) -> Verifier:
    gate = s.gate
    assert gate is not None
    return gate.verifier


def _forged(s: Store, station_id: str, station: str, seq: int, key: bytes,
            data: dict[str, Any]) -> LogEntry:  # fmt: skip
    at = site_now(s)
    e = LogEntry(uuid=new_uuid(), kind=TrustKind.KEY_ROTATION, at=at, station_id=station_id,
                 station_seq=seq, station=station, data=data)  # fmt: skip
    return sign_entry(e, Signer(key))


def site_now(s: Store) -> datetime:
    last = next(iter(reads(s).log.entries(limit=1, newest_first=True)))
    return last.at + timedelta(seconds=1)


def test_forged_rotations_are_kept_aside_and_change_nothing(site: Site) -> None:
    door = site.station("Door A", Role.DOOR)
    kiosk = site.station("Kiosk 1", Role.KIOSK)
    transfer(site.desk, door)
    transfer(site.desk, kiosk)
    transfer(door, kiosk)  # the kiosk knows the door's key
    first = event_key(kiosk)
    mallory = Signer(new_private())
    now = ts(site_now(site.desk))
    # signed by another key than the event's, put in the desk's stream with the desk's own
    # station key (a stolen desk station key without the event key; or a hub altering it)
    desk_key = tstore.read_key(site.desk.path)
    assert desk_key is not None
    bad = rotate(mallory, public_of(new_private()), False, now)
    bad = dataclasses.replace(bad, previous=first.hex())
    seq = log.next_seq(site.desk.conn, site.desk.station.id)
    by_desk = _forged(site.desk, site.desk.station.id, site.desk.station.name, seq,
                      desk_key[1], bad.to_data())  # fmt: skip
    # written by a door with its own key, naming its own key as the event's
    door_key = tstore.read_key(door.path)
    assert door_key is not None
    own = rotate(Signer(door_key[1]), public_of(new_private()), False, now)
    by_door = _forged(door, door.station.id, "Door A", log.next_seq(door.conn, door.station.id),
                      door_key[1], own.to_data())  # fmt: skip
    with kiosk.write() as tx:
        assert not kiosk.receive(tx, by_desk)
        assert not kiosk.receive(tx, by_door)
    assert held_reasons(kiosk) == {by_desk.uuid: Refusal.BAD_ROTATION, by_door.uuid: Refusal.ROLE}
    assert event_key(kiosk) == first  # still pinned to the event's own key
    kiosk.close()
    out = CliRunner().invoke(load_commands(), ["conflicts", "--db", kiosk.path, "--json"])
    alerts = [json.loads(line) for line in out.output.splitlines() if line.startswith("{")]
    held = [a for a in alerts if a["kind"] == "held_entry"]
    assert {a["station"] for a in held} == {site.desk.station.name, "Door A"}  # alerts
    again = Store.open(kiosk.path)  # and so after opening again, and after a rebuild
    try:
        assert event_key(again) == first
        again.rebuild_projections()
        assert event_key(again) == first and len(held_reasons(again)) == 2
        r = site.service(again).check_in(site.ann_code, site.session)
        assert r.outcome is Outcome.ADMITTED  # genuine badges keep being admitted
    finally:
        again.close()
    door.close()


def test_a_rotation_of_a_compromised_key_stops_trusting_its_stations(site: Site) -> None:
    door = site.station("Door A", Role.DOOR)
    early = site.service(door).check_in(site.ann_code, site.session)
    transfer(door, site.desk)
    enr.rotate_key(site.desk, site.clock.now(), compromised=True)
    site.clock.advance(60)
    late = site.service(door).undo(early.log_uuid, "alice", "after the rotation")
    transfer(door, site.desk)
    assert held_reasons(site.desk) == {late.uuid: Refusal.REVOKED}
    assert reads(site.desk).log.entry(early.log_uuid) is not None  # what it wrote before stays
    state = {i.name: i.trusted for i in tstore.stations(site.desk.conn, _verifier(site.desk))}
    assert state == {site.desk.station.name: True, "Door A": False}
    door_b = site.station("Door B", Role.DOOR)  # enrolled again under the new key
    # it learns the log in its order: what the first key's stations wrote before stays
    assert held_reasons(door_b) == {} and reads(door_b).log.entry(early.log_uuid) is not None
    assert projection_tables(door_b) == projection_tables(site.desk)
    assert site.service(door_b).check_in(site.ann_code, site.session).outcome in (
        Outcome.ALREADY_CHECKED_IN, Outcome.ADMITTED)  # fmt: skip
    transfer(door_b, site.desk)
    assert set(held_reasons(site.desk)) == {late.uuid}
    door.close()
    door_b.close()
