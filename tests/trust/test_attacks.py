"""The attacks of issue 18, made through an enrolled station's own files (its database, its
key file): every one is kept aside at the desk (and at every other station), never applied,
listed with the claimed station and the reason; genuine badges keep being admitted."""

from __future__ import annotations

import dataclasses
import os
from datetime import timedelta
from typing import Any

from kiosk.checkin.codes import BadgeRef, BadgeSigner, new_private_key
from kiosk.models.outcomes import Method, Outcome
from kiosk.models.records import LogEntry, LogKind
from kiosk.storage import log, syncstate
from kiosk.storage import trust as tstore
from kiosk.storage.base import new_uuid
from kiosk.storage.store import Store
from kiosk.sync import enroll as enr
from kiosk.trust.keys import Signer, sign_entry
from kiosk.trust.roles import Refusal, Role
from tests.helpers.reads import reads
from tests.helpers.trusted import Site, no_hub_login, transfer


def forge(s: Store, kind: str, *, station_id: str | None = None, station: str | None = None,
          sign: bool = True, **kw: Any) -> LogEntry:  # fmt: skip
    """An entry written straight into the attacker's own log, signed with its own key."""
    sid = station_id or s.station.id
    with s.write() as tx:
        c = tx.conn
        e = LogEntry(uuid=new_uuid(), kind=kind, at=_now(s), station_id=sid,
                     station_seq=log.next_seq(c, sid), station=station or s.station.name, **kw)  # fmt: skip
        if sign:
            key = tstore.read_key(s.path)
            assert key is not None
            e = sign_entry(e, Signer(key[1]))
        log.insert(c, e)
    return e


def _now(s: Store) -> Any:
    return reads(s).log.entry(
        next(iter(reads(s).log.entries(limit=1, newest_first=True))).uuid
    ).at + timedelta(seconds=1)  # type: ignore[union-attr]


def held_reasons(s: Store) -> dict[str, Refusal]:
    return {e.uuid: r for e, r in tstore.held(s.conn)}


def test_genuine_door_scans_are_signed_verified_and_applied(site: Site) -> None:
    door = site.station("Door A", Role.DOOR)
    r = site.service(door).check_in(site.ann_code, site.session)
    assert r.outcome is Outcome.ADMITTED
    mine = reads(door).log.entry(r.log_uuid)
    assert mine is not None
    signed = [e for e in log.entries(door.conn) if e.station_id == door.station.id]
    assert signed  # the handover and the scan
    transfer(door, site.desk)
    assert held_reasons(site.desk) == {}
    assert reads(site.desk).presence.of(site.session, site.ann_id) is not None
    assert tstore.read_key(door.path) is not None
    assert oct(os.stat(door.path + ".key").st_mode & 0o777) == "0o600"
    door.close()


def test_a_kiosk_cannot_swap_the_badge_key_forge_people_or_undo_others(site: Site) -> None:
    door = site.station("Door A", Role.DOOR)
    admitted = site.service(door).check_in(site.ann_code, site.session)
    transfer(door, site.desk)
    kiosk = site.station("Kiosk 1", Role.KIOSK)
    transfer(site.desk, kiosk)
    mallory_key = new_private_key(b"mallory")
    event = site.desk.event()
    forged_pub = BadgeSigner(event.id, mallory_key).public_key.hex()
    attacks = {
        forge(kiosk, LogKind.EVENT, data={"event": event.to_dict(), "public_key": forged_pub}).uuid:
            Refusal.ROLE,
        forge(kiosk, LogKind.WALK_IN, attendee_id="MALLORY", badge_id=999,
              data={"fields": {"name": "Mallory Forged"}}).uuid: Refusal.ROLE,
        forge(kiosk, LogKind.BADGE_ISSUE, attendee_id="MALLORY", badge_id=999,
              data={"badges": [[999, "MALLORY", 1]]}).uuid: Refusal.ROLE,
        forge(kiosk, LogKind.EDIT, attendee_id=site.ann_id,
              data={"fields": {"name": "HACKED BY KIOSK", "email": "evil@x"}}).uuid: Refusal.ROLE,
        forge(kiosk, LogKind.ANNUL, ref=admitted.log_uuid, session_id=site.session,
              attendee_id=site.ann_id, data={"reason": "x"}).uuid: Refusal.ROLE,
        forge(kiosk, LogKind.ENTRY, station_id=door.station.id, station="Door A",
              session_id=site.session, attendee_id=site.ann_id, outcome=Outcome.ADMITTED,
              data={"method": "camera"}).uuid: Refusal.BAD_SIGNATURE,
        forge(kiosk, LogKind.ENTRY, sign=False, session_id=site.session,
              attendee_id=site.ann_id, outcome=Outcome.ADMITTED).uuid: Refusal.UNSIGNED,
    }  # fmt: skip
    transfer(kiosk, site.desk)
    assert held_reasons(site.desk) == attacks
    # nothing of it applied: the badge key, Ann's record, no Mallory, the admission stands
    assert reads(site.desk).setting("public_key") != forged_pub
    ann = reads(site.desk).people.attendee(site.ann_id)
    assert ann is not None and ann.name == "Ann Genuine" and ann.email == "ann@example.org"
    assert reads(site.desk).people.attendee("MALLORY") is None
    undone = reads(site.desk).log.entry(admitted.log_uuid)
    assert undone is not None and not undone.annulled
    # genuine badges keep being admitted, the forged one is not
    r = site.desk_service.check_in(site.ann_code, site.session, Method.CAMERA)
    assert r.outcome in (Outcome.ADMITTED, Outcome.ALREADY_CHECKED_IN)
    mallory = BadgeSigner(event.id, mallory_key).sign(BadgeRef(999, 1))
    assert site.desk_service.check_in(mallory, site.session).outcome is not Outcome.ADMITTED
    # a door relaying the kiosk's entries (via the hub) keeps them aside as well
    transfer(kiosk, door)
    assert set(held_reasons(door)) == set(attacks)
    door.close()
    kiosk.close()


def test_a_door_undoes_only_its_own_scans(site: Site) -> None:
    a = site.station("Door A", Role.DOOR)
    b = site.station("Door B", Role.DOOR)
    admitted = site.service(a).check_in(site.ann_code, site.session)
    transfer(a, b)
    undo = site.service(b).undo(admitted.log_uuid, "mallory", "forged")  # b's own files
    transfer(b, site.desk)
    transfer(a, site.desk)
    assert held_reasons(site.desk) == {undo.uuid: Refusal.NOT_OWN}
    e = reads(site.desk).log.entry(admitted.log_uuid)
    assert e is not None and not e.annulled
    own = site.service(a).undo(admitted.log_uuid, "alice", "wrong person")
    transfer(a, site.desk)
    e = reads(site.desk).log.entry(admitted.log_uuid)
    assert e is not None and e.annulled and reads(site.desk).log.entry(own.uuid) is not None
    a.close()
    b.close()


def test_enrollment_file_used_again_on_another_machine_cannot_write(site: Site) -> None:
    file = site.tmp / "door.enroll"
    enr.enroll(site.desk, "postgresql://owner@hub.invalid/e", Role.DOOR, "Door A", file,
               site.clock.now(), login=no_hub_login)  # fmt: skip
    stolen = file.read_bytes()
    door = site.build("Door A", file)
    transfer(door, site.desk)
    # the thief's copy of the file, on another machine with its own key
    (site.tmp / "stolen.enroll").write_bytes(stolen)
    thief = site.build("Thief", site.tmp / "stolen.enroll")
    assert thief.station.id == door.station.id
    transfer(thief, site.desk)
    reasons = held_reasons(site.desk)
    assert reasons and set(reasons.values()) <= {Refusal.ENROLLMENT, Refusal.BAD_SIGNATURE}
    r = site.service(thief).check_in(site.ann_code, site.session)
    transfer(thief, site.desk)
    assert held_reasons(site.desk)[r.log_uuid] is Refusal.BAD_SIGNATURE
    door.close()
    thief.close()


def test_used_enrollment_file_is_refused(site: Site) -> None:
    import pytest

    file = site.tmp / "k.enroll"
    enr.enroll(
        site.desk,
        "postgresql://o@h.invalid/e",
        Role.KIOSK,
        "K",
        file,
        site.clock.now(),
        login=no_hub_login,
    )
    assert oct(file.stat().st_mode & 0o777) == "0o600"
    site.build("K", file).close()
    with pytest.raises(enr.EnrollmentError, match="used already"):
        enr.read_enrollment(file)


def test_a_database_copied_to_another_machine_writes_unsigned_and_is_refused(
    site: Site, monkeypatch: Any
) -> None:
    door = site.station("Door A", Role.DOOR)
    path = door.path
    door.close()
    monkeypatch.setenv("FORUM_CHECKIN_MACHINE_ID", "another-machine")
    copy = Store.open(path)
    assert copy.station.id != tstore.read_key(path)[0]  # type: ignore[index]
    r = site.service(copy).check_in(site.ann_code, site.session)
    transfer(copy, site.desk)
    assert held_reasons(site.desk)[r.log_uuid] is Refusal.UNSIGNED
    copy.close()


def test_revocation_refuses_what_the_door_writes_afterwards_only(site: Site) -> None:
    door = site.station("Door A", Role.DOOR)
    before = site.service(door).check_in(site.ann_code, site.session)
    transfer(door, site.desk)
    sid, cut = enr.revoke(site.desk, "Door A", site.clock.now())
    assert sid == door.station.id and cut >= 2
    site.clock.advance(60)
    after = site.service(door).check_in(site.ann_code, site.session)
    transfer(door, site.desk)
    assert reads(site.desk).log.entry(before.log_uuid) is not None
    assert held_reasons(site.desk) == {after.log_uuid: Refusal.REVOKED}
    # another station hears of the revocation from the desk, and refuses the same
    other = site.station("Door B", Role.DOOR)
    transfer(door, other)
    assert held_reasons(other) == {after.log_uuid: Refusal.REVOKED}
    door.close()
    other.close()


def test_entries_of_a_station_not_yet_known_wait_and_are_applied_when_its_cert_arrives(
    site: Site,
) -> None:
    a = site.station("Door A", Role.DOOR)
    b_file = site.tmp / "b.enroll"
    # Door B was built before Door A was enrolled? No: B learns A only from the desk's log.
    enr.enroll(site.desk, "postgresql://o@h.invalid/e", Role.DOOR, "Door B", b_file,
               site.clock.now(), login=no_hub_login)  # fmt: skip
    b = site.build("Door B", b_file)
    r = site.service(a).check_in(site.ann_code, site.session)
    # B gets A's entries first (through the hub, A's stream before the desk's)
    only_a = Store.open(a.path)
    n = 0
    for e in list(log.entries(only_a.conn)):
        if e.station_id == a.station.id:
            full = syncstate.outbox(a.conn, a.station.id, e.station_seq - 1, 1, 10**9)[0]
            with b.write() as tx:
                c = tx.conn
                n += b.receive(c, full)
    only_a.close()
    assert r.log_uuid in held_reasons(b) or reads(b).log.entry(r.log_uuid) is not None
    transfer(site.desk, b)
    assert held_reasons(b) == {}
    assert reads(b).log.entry(r.log_uuid) is not None
    a.close()
    b.close()


def test_entries_kept_aside_by_another_connection_are_released_here(site: Site) -> None:
    """A receiver skips the look-up in `held` while nothing is held there; entries kept
    aside meanwhile by another connection to the same file (another process) still wait
    for their certificate and are applied when it arrives through this connection."""
    b = site.station("Door B", Role.DOOR)  # made before Door A was enrolled
    assert b.gate is not None and held_reasons(b) == {}  # this connection: nothing held
    a = site.station("Door A", Role.DOOR)
    r = site.service(a).check_in(site.ann_code, site.session)
    other = Store.open(b.path)  # a second connection to Door B's file
    mine = [e for e in log.entries(a.conn) if e.station_id == a.station.id]
    for e in mine:
        full = syncstate.outbox(a.conn, a.station.id, e.station_seq - 1, 1, 10**9)[0]
        with other.write() as tx:
            assert not other.receive(tx, full)  # Door A is not known at Door B yet
    other.close()
    assert r.log_uuid in held_reasons(b)
    transfer(site.desk, b)  # A's certificate, through the first connection
    assert held_reasons(b) == {}
    assert reads(b).log.entry(r.log_uuid) is not None
    a.close()
    b.close()


def test_signing_never_changes_what_the_entry_says(site: Site) -> None:
    door = site.station("Door A", Role.DOOR)
    r = site.service(door).check_in(site.ann_code, site.session)
    e = reads(door).log.entry(r.log_uuid)
    assert e is not None
    assert dataclasses.replace(e, seq=0).outcome is Outcome.ADMITTED
    door.close()


def test_a_rebuild_verifies_the_log_again(site: Site) -> None:
    """An entry slipped into the desk's file behind its back (not through receive) is found
    by the next rebuild: kept aside, not in the projections."""
    kiosk = site.station("Kiosk 1", Role.KIOSK)
    transfer(kiosk, site.desk)
    key = tstore.read_key(kiosk.path)
    assert key is not None
    with site.desk.write() as tx:
        c = tx.conn
        e = LogEntry(uuid=new_uuid(), kind=LogKind.EDIT, at=site.clock.now(),
                     station_id=kiosk.station.id, station_seq=99, station="Kiosk 1",
                     attendee_id=site.ann_id, data={"fields": {"name": "HACKED"}})  # fmt: skip
        log.insert(c, sign_entry(e, Signer(key[1])))
    site.desk.rebuild_projections()
    assert held_reasons(site.desk) == {e.uuid: Refusal.ROLE}
    ann = reads(site.desk).people.attendee(site.ann_id)
    assert ann is not None and ann.name == "Ann Genuine"
    with site.desk.write() as tx:  # the log stays append-only for everything else
        c = tx.conn
        import sqlite3

        import pytest

        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            c.execute("DELETE FROM log WHERE kind = 'walk_in'")
    kiosk.close()
