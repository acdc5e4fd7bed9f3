"""Every outcome of the check-in rules, in their fixed order, on a real SQLite store."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from kiosk.checkin.codes import BadgeRef, BadgeSigner, new_private_key
from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.models.errors import NotFoundError, SigningKeyMissing, ValidationError
from kiosk.models.outcomes import Method, Outcome
from kiosk.models.records import AttendeeInput, LogKind
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads

ALICE = AttendeeInput(
    name="Alice Walker", organization="NREL", email="alice@nrel.gov",
    sessions=("opening", "energy-transition"), category="speaker", notes="Speaker gift",
)  # fmt: skip
ZHANG = AttendeeInput(
    name_zh="张伟", organization_zh="国家电网", email="zhang.wei@sgcc.com.cn",
    sessions=("opening", "matchmaking"), category="vip",
)  # fmt: skip


def add(service: CheckinService, person: AttendeeInput) -> str:
    return service.import_attendees([person]).ids[0]


SCANS = ("entry", "exit", "annul")


def entries(store: Store) -> list[tuple[str, str | None]]:
    return [
        (str(e.kind), e.outcome.value if e.outcome else None)
        for e in reads(store).log.entries(kinds=SCANS)
    ]


def test_admitted_then_already_checked_in(service: CheckinService, clock: ManualClock) -> None:
    aid = add(service, ALICE)
    code = service.badge_code(aid)
    store = service.store
    store.set_station_name("Door A")
    r = service.check_in(code, "opening")
    assert r.outcome is Outcome.ADMITTED
    assert (r.name, r.attendee_id, r.notes, r.room) == (
        "Alice Walker", aid, "Speaker gift", "Grand Ballroom, 2F",
    )  # fmt: skip
    clock.advance(300)
    store.set_station_name("Door B")
    again = service.check_in(code, "opening")
    assert again.outcome is Outcome.ALREADY_CHECKED_IN
    assert again.prior is not None and again.prior.station == "Door A"
    assert again.prior.station_id == store.station.id == r.station_id and again.station == "Door B"
    assert again.prior.at == r.at
    stats = {s.session_id: s for s in service.stats()}
    assert stats["opening"].admitted == 1
    # A repeat scan is not a refusal: one definition of "refused" everywhere.
    assert stats["opening"].refused == {} and stats["opening"].repeats == 1


def test_each_refusal_is_logged(service: CheckinService, store: Store) -> None:
    aid = add(service, ALICE)
    code = service.badge_code(aid)
    service.check_in("https://example.com/poster", "opening")
    service.check_in(code[:-3] + ("AAA" if code[-3:] != "AAA" else "BBB"), "opening")
    assert entries(store) == [("entry", "unknown_code"), ("entry", "forged_code")]
    assert (
        next(e.code for e in reads(store).log.entries(kinds=SCANS)) == "https://example.com/poster"
    )
    assert reads(store).presence.stats()[0].admitted == 0


def test_wrong_event(service: CheckinService) -> None:
    other = BadgeSigner("another-forum", new_private_key(b"other")).sign(BadgeRef(5, 1))
    assert service.check_in(other, "opening").outcome is Outcome.WRONG_EVENT


def test_unknown_code_signed_for_this_event(service: CheckinService) -> None:
    assert service.signer is not None
    code = service.signer.sign(BadgeRef(424242, 1))  # valid signature, no such badge
    assert service.check_in(code, "opening").outcome is Outcome.UNKNOWN_CODE


def test_reprint_revokes_the_old_badge(service: CheckinService, store: Store) -> None:
    aid = add(service, ALICE)
    old = service.badge_code(aid)
    new = service.reprint_badge(aid, operator="amy", reason="lost badge")
    assert new != old
    assert service.check_in(old, "opening").outcome is Outcome.REVOKED_BADGE
    assert service.check_in(new, "opening").outcome is Outcome.ADMITTED
    assert service.badge_code(aid) == new
    revoked = [e for e in reads(store).log.entries(kinds=("badge_revoke",))]
    assert [(e.reason, e.operator, e.station_id) for e in revoked] == [
        ("lost badge", "amy", store.station.id)
    ]
    issued = [b for e in reads(store).log.entries(kinds=("badge_issue",)) for b in e.data["badges"]]
    assert [b[2] for b in issued] == [1, 2]  # versions


def test_outside_time_window(service: CheckinService, clock: ManualClock) -> None:
    code = service.badge_code(add(service, ALICE))
    clock.set(at("07:59").now())  # opening starts 09:00, check-in opens 60 min before
    assert service.check_in(code, "opening").outcome is Outcome.OUTSIDE_TIME_WINDOW
    clock.set(at("08:00").now())
    assert service.check_in(code, "opening").outcome is Outcome.ADMITTED
    clock.set(at("10:31").now())
    assert service.check_in(code, "energy-transition").outcome is Outcome.ADMITTED
    clock.set(at("12:16").now())
    assert service.check_in(code, "green-finance").outcome is Outcome.OUTSIDE_TIME_WINDOW


def test_not_registered_for_restricted_session(service: CheckinService, clock: ManualClock) -> None:
    alice = service.badge_code(add(service, ALICE))
    zhang = service.badge_code(add(service, ZHANG))
    clock.set(at("14:10").now())
    assert service.check_in(alice, "matchmaking").outcome is Outcome.NOT_REGISTERED
    r = service.check_in(zhang, "matchmaking")
    assert r.outcome is Outcome.ADMITTED
    assert r.attention and r.name_zh == "张伟"  # VIP flag travels with the result
    # Open sessions admit everyone, registered or not.
    assert service.check_in(alice, "showcase").outcome is Outcome.ADMITTED


def test_time_window_is_checked_before_entitlement(
    service: CheckinService, clock: ManualClock
) -> None:
    alice = service.badge_code(add(service, ALICE))
    assert service.check_in(alice, "matchmaking").outcome is Outcome.OUTSIDE_TIME_WINDOW


def test_session_full(store: Store, clock: ManualClock) -> None:
    event = store.event()
    small = replace(event, sessions=tuple(
        replace(s, capacity=2) if s.id == "opening" else s for s in event.sessions
    ))  # fmt: skip
    private, public = store.keys()
    store.set_event(small, private, public, clock.now())
    service = CheckinService(store, clock, rng=random.Random(3))
    codes = [
        service.badge_code(add(service, AttendeeInput(name=f"Guest {i}", email=f"g{i}@x.org")))
        for i in range(3)
    ]
    assert service.check_in(codes[0], "opening").outcome is Outcome.ADMITTED
    assert service.check_in(codes[1], "opening").outcome is Outcome.ADMITTED
    assert service.check_in(codes[2], "opening").outcome is Outcome.SESSION_FULL
    # Someone already inside is told so, not that the session is full.
    assert service.check_in(codes[0], "opening").outcome is Outcome.ALREADY_CHECKED_IN


def test_exit_and_reentry(service: CheckinService, clock: ManualClock, store: Store) -> None:
    code = service.badge_code(add(service, ALICE))
    assert service.check_out(code, "opening").outcome is Outcome.NOT_INSIDE
    assert service.check_in(code, "opening").outcome is Outcome.ADMITTED
    clock.advance(600)
    assert service.check_out(code, "opening").outcome is Outcome.EXITED
    s = reads(store).presence.stats()[0]
    assert (s.admitted, s.inside, s.exits_scanned) == (1, 0, True)
    clock.advance(600)
    assert service.check_in(code, "opening").outcome is Outcome.ADMITTED  # re-entry allowed
    s = reads(store).presence.stats()[0]
    assert (s.admitted, s.inside) == (1, 1)
    first = next(reads(store).presence.attendance("opening"))
    assert first.first_at == at("09:05").now()


def test_undo_is_an_annulment(service: CheckinService, store: Store) -> None:
    code = service.badge_code(add(service, ALICE))
    r = service.check_in(code, "opening")
    with pytest.raises(ValidationError, match="reason"):
        service.undo(r.log_uuid, "amy", " ")
    annul = service.undo(r.log_uuid, "amy", "wrong person")
    assert annul.kind == LogKind.ANNUL and annul.annuls == r.log_uuid
    assert reads(store).presence.stats()[0].admitted == 0
    assert reads(store).log.entry(r.log_uuid).annulled  # type: ignore[union-attr]
    assert len(list(reads(store).log.entries(kinds=SCANS))) == 2  # nothing deleted
    assert (annul.station_id, annul.operator) == (store.station.id, "amy")
    with pytest.raises(ValidationError, match="already undone"):
        service.undo(r.log_uuid, "amy", "again")
    # The attendee can be admitted again after the undo.
    assert service.check_in(code, "opening").outcome is Outcome.ADMITTED
    refused = service.check_in("garbage", "opening")
    with pytest.raises(ValidationError, match="no admission"):
        service.undo(refused.log_uuid, "amy", "x")


def test_log_is_append_only(service: CheckinService, store: Store) -> None:
    import sqlite3

    service.check_in("garbage", "opening")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM log")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE log SET outcome = 'admitted'")
    store.conn.rollback()


def test_manual_check_in_and_walk_in(service: CheckinService, store: Store) -> None:
    aid = add(service, ALICE)
    r = service.manual_check_in("alice@nrel.gov", "opening", operator="amy")
    assert r.outcome is Outcome.ADMITTED and r.attendee_id == aid
    assert next(reads(store).log.entries(kinds=SCANS)).method is Method.SEARCH
    with pytest.raises(NotFoundError):
        service.manual_check_in("nobody@x.org", "opening")
    person = AttendeeInput(name="Walk In", name_zh="散客", email="walk@in.org")
    done = service.walk_in(person, "amy")
    attendee, code = done.attendee, done.code
    assert attendee.walk_in and done.result is None
    assert service.check_in(code, "opening").outcome is Outcome.ADMITTED
    with pytest.raises(ValidationError, match="already registered"):
        service.walk_in(person)
    with pytest.raises(ValidationError, match="name"):
        service.walk_in(AttendeeInput(email="x@y.org"))
    with pytest.raises(ValidationError, match="malformed email"):
        service.walk_in(AttendeeInput(name="X", email="not-an-email"))
    # Registered, badged and admitted in one step.
    both = service.walk_in(AttendeeInput(name="Grace Lin", email="grace@sunrise.example"),
                           "amy", admit_to="opening")  # fmt: skip
    assert both.result is not None and both.result.outcome is Outcome.ADMITTED
    assert both.result.attendee_id == both.attendee.attendee_id
    walk = next(reads(store).log.entries(kinds=("walk_in",)))
    assert walk.data["fields"]["name"] == "Walk In" and walk.data["fields"]["name_zh"] == "散客"
    with pytest.raises(ValidationError, match="unknown session"):
        service.check_in(code, "gala")


def test_station_without_signing_key_verifies_but_cannot_issue(
    service: CheckinService, store: Store, clock: ManualClock
) -> None:
    aid = add(service, ALICE)
    code = service.badge_code(aid)
    store.forget_private_key()
    kiosk = CheckinService(store, clock)
    assert kiosk.check_in(code, "opening").outcome is Outcome.ADMITTED
    with pytest.raises(SigningKeyMissing):  # it holds no codes to give away
        kiosk.badge_code(aid)
    with pytest.raises(SigningKeyMissing):
        kiosk.reprint_badge(aid)
    before = len(list(reads(store).log.entries()))
    with pytest.raises(SigningKeyMissing):  # nothing is left behind: a retry works later
        kiosk.walk_in(AttendeeInput(name="Late Guest", email="late@x.org"))
    assert (
        len(list(reads(store).log.entries())) == before
        and reads(store).people.find("late@x.org") is None
    )
