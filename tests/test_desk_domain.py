"""The small domain additions of issue 11: ranked search hits with presence, one definition
of refused, the check-in window in the result, scans recorded later, PIN attempts."""

from __future__ import annotations

from datetime import timedelta

from kiosk.checkin.service import CheckinService
from kiosk.formats.report.data import gather
from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Method, Outcome
from kiosk.models.records import AttendeeInput, LogKind
from kiosk.people.search import rank, search_people
from kiosk.station.snapshot import collect
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads

PEOPLE = [
    AttendeeInput(name="Elizabeth Jones", name_zh="伊丽莎白·琼斯", email="ej@form.com"),
    AttendeeInput(name="Li Wei", name_zh="李伟", email="li.wei@sgcc.com.cn"),
    AttendeeInput(name="Wang Li", name_zh="王丽", email="wang.li@catl.com"),
    AttendeeInput(name="Sarah Li", email="sarah@nrel.gov"),
    AttendeeInput(name="Lisa Chen", email="lisa@byd.com"),
    AttendeeInput(name_zh="李娜", email="lina@cdb.cn"),
    AttendeeInput(name="Oliver Stone", organization="Lithium Storage", email="o@ls.com"),
]


def add_all(service: CheckinService) -> dict[str, str]:
    report = service.store.upsert_attendees(PEOPLE, service.new_attendee_id, service.clock.now())
    return {(p.name or p.name_zh): aid for p, aid in zip(PEOPLE, report.ids, strict=True)}


def names(hits: list[object]) -> list[str]:
    return [h.attendee.name or h.attendee.name_zh for h in hits]  # type: ignore[attr-defined]


def test_surnames_rank_above_pinyin_of_a_transliteration(
    service: CheckinService, store: Store
) -> None:
    add_all(service)
    order = names(search_people(store, "Li", "opening"))
    surnamed = {"Li Wei", "Sarah Li", "李娜"}
    assert set(order[:3]) == surnamed, order
    assert order.index("Wang Li") < order.index("Lisa Chen") < order.index("Elizabeth Jones")
    assert order[-1] in ("Elizabeth Jones", "Oliver Stone")
    assert names(search_people(store, "李", "opening"))[:2] in (
        ["Li Wei", "李娜"],
        ["李娜", "Li Wei"],
    )
    assert names(search_people(store, "li wei", "opening"))[0] == "Li Wei"


def test_rank_tiers() -> None:
    from kiosk.models.records import Attendee

    li = Attendee("A1", name="Li Wei", name_zh="李伟")
    liz = Attendee("A2", name="Elizabeth Jones", name_zh="伊丽莎白·琼斯")
    wang = Attendee("A3", name="Wang Li", name_zh="王丽")
    assert rank("li wei", li) == 0 and rank("wei li", li) == 0
    assert rank("li", li) == 1 and rank("li", wang) == 2 and rank("li", liz) == 4
    assert rank("eliz", liz) == 3 and rank("jones", liz) == 1


def test_hits_carry_presence_in_the_session(service: CheckinService, store: Store) -> None:
    ids = add_all(service)
    store.set_station_name("desk-2")
    r = service.manual_check_in(ids["Li Wei"], "opening", "amy")
    hits = {h.attendee.attendee_id: h for h in search_people(store, "li", "opening")}
    assert hits[ids["Li Wei"]].checked_in_at == r.at and hits[ids["Li Wei"]].station == "desk-2"
    assert hits[ids["Sarah Li"]].checked_in_at is None
    other = {h.attendee.attendee_id: h for h in search_people(store, "li", "showcase")}
    assert other[ids["Li Wei"]].checked_in_at is None


def test_one_definition_of_refused(service: CheckinService, store: Store) -> None:
    ids = add_all(service)
    code = service.badge_code(ids["Li Wei"])
    service.check_in(code, "opening")
    service.check_in(code, "opening")  # a repeat: not a refusal
    for junk in ("https://example.com", "FC1:NOPE", "garbage"):
        service.check_in(junk, "opening")
    stats = {s.session_id: s for s in service.stats()}
    assert stats["opening"].refused_total == 3 and stats["opening"].repeats == 1
    report = gather(store, service.clock.now())
    assert sum(report.refused.values()) == 3 and report.repeats == 1
    snap = collect(store, store.event(), "opening", service.clock.now())
    assert snap.refused == 3


def test_a_scan_recorded_later_keeps_its_time(service: CheckinService, clock: ManualClock) -> None:
    ids = add_all(service)
    scanned = clock.now()
    clock.advance(600)
    r = service.check_in(service.badge_code(ids["Sarah Li"]), "opening", at=scanned)
    assert r.at == scanned and r.outcome is Outcome.ADMITTED
    entry = reads(service.store).log.entry(r.log_uuid)
    assert entry is not None and entry.at == scanned


def test_not_open_says_when_and_what_is_open(store: Store) -> None:
    service = CheckinService(store, at("09:05"))
    ids = add_all(service)
    r = service.manual_check_in(ids["Li Wei"], "green-finance", "desk-1")
    assert r.outcome is Outcome.OUTSIDE_TIME_WINDOW
    session = store.event().session("green-finance")
    assert r.opens_at == session.start - timedelta(minutes=store.event().checkin_opens_minutes)
    assert r.closes_at == session.end
    assert r.open_sessions == ("opening",)


def test_every_pin_attempt_is_logged(service: CheckinService, store: Store) -> None:
    store.set_station_name("kiosk-1")
    service.record_pin_attempt(False, "amy")
    service.record_pin_attempt(True, "amy")
    attempts = [e for e in reads(store).log.entries() if e.kind is LogKind.PIN_ATTEMPT]
    assert [(e.reason, e.station, e.operator) for e in attempts] == [
        ("wrong PIN", "kiosk-1", "amy"),
        ("accepted", "kiosk-1", "amy"),
    ]
    assert all(e.method is None or e.method is Method.MANUAL for e in attempts)
