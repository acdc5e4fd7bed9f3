"""Red team (issue 18) on the trust layer, with a stolen station's own files only: its
database and its own key file (tests/helpers/trusted.py carries entries the way sync does).
Each test is an attack and asserts what must hold (kiosk.trust.verify: expiry and dates
judged by the hub's receipt; names; salted private parts)."""

from __future__ import annotations

import hashlib
import itertools
from datetime import timedelta
from typing import Any

import pytest

from kiosk.models.records import LogEntry, LogKind
from kiosk.storage import log
from kiosk.storage import trust as tstore
from kiosk.storage.base import new_uuid
from kiosk.storage.store import Store
from kiosk.trust import split as trust_split
from kiosk.trust.keys import Signer, sign_entry
from kiosk.trust.roles import Refusal, Role
from tests.helpers.reads import reads
from tests.helpers.trusted import Site, forge, held, transfer


def test_attack_an_expired_door_backdates_its_entries_past_the_expiry(site: Site) -> None:
    """A door enrolled for 1 day is stolen; two days later (its certificate expired) the
    thief signs a scan dated one minute before the expiry. The receiver, two days after
    the expiry, must not apply it."""
    door = site.station("Door A", Role.DOOR)
    transfer(door, site.desk)
    cert = tstore.certs(site.desk.conn)[door.station.id]
    assert cert.expires  # 14 days by default
    site.clock.advance(16 * 24 * 3600)  # expired two days ago: past any late-sync grace
    from kiosk.storage.base import from_ts

    backdated = from_ts(cert.expires) - timedelta(minutes=1)
    e = forge(door, LogKind.ENTRY, backdated, session_id=site.session,
              attendee_id=site.ann_id)  # fmt: skip
    transfer(door, site.desk, seen=site.clock.now())
    assert reads(site.desk).log.entry(e.uuid) is None, "an expired door's entry was applied"
    door.close()


def test_attack_a_kiosk_confirms_a_guessed_email_from_the_private_hash(site: Site) -> None:
    """A walk-in at the desk (name, e-mail). A names-only kiosk never receives the e-mail,
    but it reads every entry's public part and `private_hash` (hub_entries, granted to
    kiosk logins). E-mails follow a few patterns of the name: it tries them."""
    from kiosk.models.records import AttendeeInput

    kiosk = site.station("Kiosk 1", Role.KIOSK)
    done = site.desk_service.walk_in(  # registered once the desk signs (its private part salted)
        AttendeeInput(name="Wang Lei", email="wang.lei@example.org", phone="123"))  # fmt: skip
    w = next(e for e in log.entries(site.desk.conn, kinds=("walk_in",))
             if e.attendee_id == done.attendee.attendee_id)  # fmt: skip
    public, _private = trust_split.split(str(w.kind), w.data)
    assert "email" not in str(public)  # the kiosk's view: no e-mail ...
    target = w.private_hash  # ... but this, from hub_entries
    first, last = public["fields"]["name"].lower().split()
    domains = ("example.org", "example.com", "gmail.com", "qq.com", "163.com")
    locals_ = {first, last, *(f"{a}{s}{b}" for a, b in ((first, last), (last, first),
                                                       (first[0], last)) for s in ("", ".", "_"))}  # fmt: skip
    guesses = {f"{p}@{d}" for p in locals_ for d in domains}
    phones = ["", *map(str, range(1000))]  # short here; 10^8 is minutes on a GPU
    found = None
    for email, phone in itertools.product(sorted(guesses), phones):
        fields = {"email": email, **({"phone": phone} if phone else {})}
        cand = hashlib.sha256(trust_split.canonical({"fields": fields})).digest()
        if cand == target:
            found = fields
            break
    assert found is None, f"the kiosk recovered {found} from the private hash"
    kiosk.close()


POISON: dict[str, dict[str, Any]] = {
    "a list as code": {"data": {"code": ["x"] * 3, "method": "qr"}},
    "an unknown attendee": {"attendee_id": "NOBODY-" + "x" * 50},
    "an unknown session": {"session_id": "no-such-session"},
    "a badge id out of range": {"badge_id": 2**62},
    "a method that is not one": {"data": {"method": {"x": 1}}},
    "nested data": {"data": {"a": {"b": {"c": [[[[[[]]]]]]}}}},
}


@pytest.mark.parametrize("what", list(POISON))
def test_attack_a_kiosk_signs_a_check_in_no_kiosk_writes_and_no_receiver_fails(
    site: Site, what: str
) -> None:
    """The kiosk's own key signs an `entry` (its role's kind) whose fields are nothing a
    kiosk writes. The receiver must not fail on it (a failing receive would stop that
    station's sync at this entry for ever); a genuine scan after it is still applied."""
    kiosk = site.station("Kiosk 1", Role.KIOSK)
    fields: dict[str, Any] = {"session_id": site.session, "attendee_id": site.ann_id,
                              **POISON[what]}  # fmt: skip
    forge(kiosk, LogKind.ENTRY, site.clock.now(), **fields)
    transfer(kiosk, site.desk)  # must not raise
    door = site.station("Door B", Role.DOOR)
    site.clock.advance(5)
    r = site.service(door).check_in(site.ann_code, site.session)
    transfer(door, site.desk)
    assert reads(site.desk).log.entry(r.log_uuid) is not None
    kiosk.close()
    door.close()


def _all_kinds() -> list[str]:
    from kiosk.trust.roles import STATION_KEY, TrustKind

    return sorted({str(k) for k in LogKind} | {str(k) for k in TrustKind} | {STATION_KEY})


@pytest.mark.parametrize("role", [Role.DOOR, Role.KIOSK])
def test_attack_every_kind_a_role_may_not_write_is_kept_aside(site: Site, role: Role) -> None:
    """Every kind of entry there is (event, walk_in, badge_issue, edit, merge,
    ticket_revoke, meeting_*, import, import_commit, key_rotation, station_cert …), signed
    with the stolen station's own key: all but its role's are kept aside, none applied."""
    from kiosk.trust.roles import STATION_KEY, Policy, may_write

    s = site.station("Thief", role)
    forged: dict[str, str] = {}
    for kind in _all_kinds():
        probe = LogEntry(uuid="u", kind=kind, at=site.clock.now(), station_id=s.station.id)
        if kind == STATION_KEY or may_write(role, kind, probe, Policy(), s.station.id) is None:
            continue  # its own kinds (and the handover, checked apart)
        site.clock.advance(1)
        e = forge(s, kind, site.clock.now(), session_id=site.session, attendee_id=site.ann_id,
                  data={"fields": {"name": "HACKED"}, "public_key": "00" * 32})  # fmt: skip
        forged[e.uuid] = kind
    assert len(forged) >= 15
    transfer(s, site.desk)
    kept = held(site.desk)
    assert set(forged) <= set(kept), {forged[u] for u in set(forged) - set(kept)}
    assert all(reads(site.desk).log.entry(u) is None for u in forged)
    ann = reads(site.desk).people.attendee(site.ann_id)
    assert ann is not None and ann.name == "Ann Genuine"
    s.close()


def test_attack_a_kiosk_dates_an_admission_days_ahead_and_pins_the_attendee_inside(
    site: Site,
) -> None:
    """A stolen kiosk signs an admission of Ann dated two days ahead (its certificate runs
    14 days). Every receiver then holds Ann 'inside' whatever happens today: her exit does
    not count and her re-entry is refused `already_checked_in`. Entries dated ahead of the
    receiver's clock (beyond the skew tolerance) must wait aside until their time."""
    from kiosk.models.outcomes import Outcome

    kiosk = site.station("Kiosk 1", Role.KIOSK)
    e = forge(kiosk, LogKind.ENTRY, site.clock.now() + timedelta(days=2),
              session_id=site.session, attendee_id=site.ann_id, outcome=Outcome.ADMITTED)  # fmt: skip
    transfer(kiosk, site.desk, seen=site.clock.now())
    site.clock.advance(60)
    again = site.desk_service.check_in(site.ann_code, site.session)
    assert reads(site.desk).log.entry(e.uuid) is None, "a future-dated admission was applied"
    assert again.outcome is Outcome.ADMITTED
    site.clock.advance(60)
    assert site.desk_service.check_out(site.ann_code, site.session).outcome is Outcome.EXITED
    kiosk.close()


def test_attack_a_door_revoked_while_its_last_scans_travel_leaves_every_station_alike(
    site: Site,
) -> None:
    """The thief's door scans Ann; station B pulls that scan before the desk does. The desk,
    not having it, revokes the door (cut-off below the scan). B then receives the
    revocation. The desk and B must agree on the scan (both apply it or neither)."""
    door = site.station("Door A", Role.DOOR)
    other = site.station("Door B", Role.DOOR)
    transfer(site.desk, other)
    site.clock.advance(5)
    r = site.service(door).check_in(site.ann_code, site.session)
    transfer(door, other)  # B has the scan ...
    assert reads(other).log.entry(r.log_uuid) is not None
    site.clock.advance(5)
    _, cut = tstore_revoke(site)  # ... the desk revokes without it
    transfer(door, site.desk)
    transfer(site.desk, other)
    at_desk = reads(site.desk).log.entry(r.log_uuid) is not None
    at_b = reads(other).log.entry(r.log_uuid) is not None
    assert at_desk == at_b, f"desk applied={at_desk}, door B applied={at_b} (cut-off {cut})"
    door.close()
    other.close()


def tstore_revoke(site: Site) -> tuple[str, int]:
    from kiosk.sync import enroll as enr

    return enr.revoke(site.desk, "Door A", site.clock.now())


def test_attack_a_kiosk_signs_its_scans_in_a_doors_name(site: Site) -> None:
    """Under its own id and key, the kiosk writes `station = "Door A"`: the desk's presence,
    latest scans and conflicts would say Door A admitted Ann. The name an entry carries must
    be its certificate's (or the entry kept aside)."""
    from kiosk.models.outcomes import Outcome

    kiosk = site.station("Kiosk 1", Role.KIOSK)
    with kiosk.write() as tx:
        c = tx.conn
        key = tstore.read_key(kiosk.path)
        assert key is not None
        e = LogEntry(uuid=new_uuid(), kind=LogKind.ENTRY, at=site.clock.now(),
                     station_id=kiosk.station.id, station_seq=log.next_seq(c, kiosk.station.id),
                     station="Door A", session_id=site.session, attendee_id=site.ann_id,
                     outcome=Outcome.ADMITTED)  # fmt: skip
        log.insert(c, sign_entry(e, Signer(key[1])))
    transfer(kiosk, site.desk)
    p = reads(site.desk).presence.of(site.session, site.ann_id)
    assert p is None or p.station != "Door A", p
    kiosk.close()


@pytest.mark.parametrize("data", [
    {"cols": ["name", "email"], "new": [["A1", "Ann"]]},  # a short row
    {"cols": [["email"]], "new": [["A1", "ann@example.org"]]},  # a column that is a list
    {"cols": ["email"], "new": 5},
    {"changed": [["A1", 5]]},
    {"fields": "x"},
])  # fmt: skip
def test_attack_a_names_only_station_redacts_any_import_payload_without_failing(
    data: dict[str, Any],
) -> None:
    """privacy.redact runs on what the hub sent before it is verified: it never raises,
    and what it keeps holds no e-mail."""
    from kiosk.sync.privacy import Receive, redact

    kind = LogKind.WALK_IN if "fields" in data else LogKind.IMPORT
    e = LogEntry(uuid=new_uuid(), kind=kind, at=from_now(), station_id="s", data=data)
    kept = redact(e, Receive.NAMES, can_sign=False)
    assert "ann@example.org" not in str(kept.data)


def from_now() -> Any:
    from datetime import UTC, datetime

    return datetime(2024, 11, 4, 9, 0, tzinfo=UTC)


def test_attack_a_kiosk_reorders_or_rewrites_its_own_signed_entries_in_its_file(
    site: Site,
) -> None:
    """The thief drops its file's append-only triggers and swaps the numbers of two of its
    signed scans, and moves a third to another attendee: every changed entry is kept aside
    (the signature covers number, time and subject), none applied as changed."""
    import sqlite3

    kiosk = site.station("Kiosk 1", Role.KIOSK)
    svc = site.service(kiosk)
    from kiosk.models.records import AttendeeInput

    bob = site.desk_service.walk_in(AttendeeInput(name="Bob Other", email="b@x.org"))
    transfer(site.desk, kiosk)
    uuids = [svc.check_in(site.ann_code, site.session).log_uuid]
    site.clock.advance(5)
    uuids.append(svc.check_out(site.ann_code, site.session).log_uuid)
    site.clock.advance(5)
    uuids.append(svc.check_in(site.ann_code, site.session).log_uuid)
    path = kiosk.path
    kiosk.close()
    con = sqlite3.connect(path)
    with con:
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                   "AND tbl_name = 'log'").fetchall():  # fmt: skip
            con.execute(f'DROP TRIGGER "{name}"')
        a, b = (con.execute("SELECT station_seq FROM log WHERE uuid = ?", (u,)).fetchone()[0]
                for u in uuids[:2])  # fmt: skip
        con.execute("UPDATE log SET station_seq = -1 WHERE uuid = ?", (uuids[0],))
        con.execute("UPDATE log SET station_seq = ? WHERE uuid = ?", (a, uuids[1]))
        con.execute("UPDATE log SET station_seq = ? WHERE uuid = ?", (b, uuids[0]))
        con.execute("UPDATE log SET attendee_id = ? WHERE uuid = ?",
                    (bob.attendee.attendee_id, uuids[2]))  # fmt: skip
    con.close()
    kiosk = Store.open(path)
    transfer(kiosk, site.desk)
    kept = held(site.desk)
    assert set(uuids) <= set(kept) and {kept[u] for u in uuids} == {Refusal.BAD_SIGNATURE}
    assert reads(site.desk).presence.of(site.session, bob.attendee.attendee_id) is None
    kiosk.close()
