"""A walk-in who is already registered: offered at the desk before registering, and
reported in `conflicts` as a possible duplicate when registered anyway. Walk-ins are
registered only for the sessions the event file opens to walk-ins; a full one warns."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from kiosk.checkin.codes import BadgeSigner, new_private_key
from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.models.errors import ValidationError
from kiosk.models.event import event_from_dict, load_event
from kiosk.models.records import AttendeeInput
from kiosk.models.sameperson import matches, same_name, same_organisation
from kiosk.people.duplicates import likely_duplicates
from kiosk.storage.conflicts import ConflictKind, conflicts
from kiosk.storage.store import Store

CLARK = AttendeeInput(name="Andrew Clark", organization="Pacific Northwest National Laboratory",
                      email="andrew.clark@pnnl.example")  # fmt: skip


def p(name: str = "", zh: str = "", org: str = "", org_zh: str = "") -> AttendeeInput:
    return AttendeeInput(name=name, name_zh=zh, organization=org, organization_zh=org_zh)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (p("Andrew Clark"), p("andrew  CLARK")),
        (p("Clark Andrew"), p("Andrew Clark")),
        (p("Zhang Wei"), p(zh="张伟")),
        (p("Wei Zhang"), p(zh="张 伟")),
        (p(zh="张伟"), p("Zhang Wei", "张伟")),
        (p("Liu Lianyu"), p(zh="刘连玉")),
        (p("José García"), p("Jose Garcia")),
        (p("张伟"), p(zh="张伟")),  # a Chinese name typed in the English field
    ],
)
def test_the_same_name_in_any_form_matches(a: AttendeeInput, b: AttendeeInput) -> None:
    assert same_name(a, b) and same_name(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [(p("Andrew Clark"), p("Andrew Clarke")), (p("Zhang Wei"), p(zh="张伟伟")),
     (p("Andrew"), p("Andrew Clark")), (p(zh="张伟"), p(zh="章伟"))],
)  # fmt: skip
def test_other_names_do_not_match(a: AttendeeInput, b: AttendeeInput) -> None:
    assert not same_name(a, b)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("PNNL", "Pacific Northwest National Laboratory", True),
        ("pnnl", "Pacific Northwest National Laboratory (PNNL)", True),
        ("MIT", "Massachusetts Institute of Technology", True),
        ("NREL", "National Renewable Energy Laboratory", True),
        ("Mingyang Smart Energy Co., Ltd.", "Mingyang Smart Energy", True),
        ("PNNL", "Argonne National Laboratory", False),
        ("Tsinghua University", "Peking University", False),
        ("", "Peking University", None),
    ],
)
def test_organisations_abbreviated_or_spelled_out(a: str, b: str, same: bool | None) -> None:
    assert same_organisation(p(org=a), p(org=b)) is same
    assert same_organisation(p(org=b), p(org=a)) is same


def test_chinese_organisations_compare_too() -> None:
    assert same_organisation(p(org_zh="清华大学"), p(org_zh="清华大学")) is True
    assert same_organisation(p(org_zh="清华大学"), p(org_zh="北京大学")) is False


def test_same_organisation_first_then_unknown_then_other() -> None:
    people = [p("Wang Fang", org="Peking University"), p(zh="王芳"),
              p("Wang Fang", org="Tsinghua University"), p("Wang Li", org="Tsinghua University")]  # fmt: skip
    found = matches(p("Fang Wang", org="Tsinghua"), people)
    assert [(m.index, m.same_org) for m in found] == [(2, True), (1, None), (0, False)]
    assert [m.likely for m in found] == [True, True, False]


def test_the_desk_is_offered_the_registered_andrew_clark(service: CheckinService) -> None:
    real = service.walk_in(CLARK)
    service.walk_in(p("Andrew Clarkson", org="PNNL"))
    walk = p("Andrew Clark", org="PNNL")
    (dup,) = likely_duplicates(service.store, walk, "opening")
    assert dup.hit.attendee.attendee_id == real.attendee.attendee_id and dup.same_org is True
    service.check_in(real.code, "opening")
    (dup,) = likely_duplicates(service.store, walk, "opening")
    assert dup.hit.checked_in_at is not None  # "checked in 09:05" beside the name
    assert likely_duplicates(service.store, p("Zhang Wei"), "opening") == []
    by_mail = replace(p("A. Clark"), email="ANDREW.CLARK@pnnl.example")  # another spelling
    (dup,) = likely_duplicates(service.store, by_mail, "opening")
    assert dup.hit.attendee.attendee_id == real.attendee.attendee_id


def test_a_walk_in_matching_someone_registered_is_a_possible_duplicate(
    service: CheckinService,
) -> None:
    real = service.walk_in(CLARK)
    assert list(conflicts(service.store.conn)) == []
    service.clock.advance(120)  # type: ignore[attr-defined]
    again = service.walk_in(p("Andrew Clark", org="PNNL"), "desk-2", admit_to="opening")
    service.walk_in(p("Andrew Clark", org="Argonne National Laboratory"))  # another man
    (c,) = conflicts(service.store.conn)
    assert c.kind is ConflictKind.POSSIBLE_DUPLICATE
    assert (c.attendee_id, c.other) == (again.attendee.attendee_id, real.attendee.attendee_id)
    assert c.name == "Andrew Clark" and c.entry_uuid
    service.merge_attendees(again.attendee.attendee_id, real.attendee.attendee_id, "amy")
    assert list(conflicts(service.store.conn)) == []


def test_same_email_and_same_name_is_one_conflict(service: CheckinService) -> None:
    service.walk_in(replace(CLARK, email="a@x.example"))
    with pytest.raises(ValidationError):  # the same email is refused at once
        service.walk_in(replace(CLARK, email="a@x.example"))
    service.walk_in(p(zh="克拉克", org="PNNL"))  # no name form in common: not a match
    assert list(conflicts(service.store.conn)) == []


def test_walk_ins_are_registered_only_for_sessions_open_to_walk_ins(
    service: CheckinService,
) -> None:
    done = service.walk_in(p("Ana Ruiz"))
    assert "matchmaking" not in done.attendee.sessions
    assert done.attendee.sessions == ("opening", "energy-transition", "green-finance", "showcase")
    with pytest.raises(ValidationError, match="matchmaking"):
        service.walk_in(replace(p("Bo Li"), sessions=("opening", "matchmaking")))
    only = service.walk_in(replace(p("Cy Ng"), sessions=("showcase",)))
    assert only.attendee.sessions == ("showcase",) and only.full == ()


def test_a_full_session_warns(clock: ManualClock) -> None:
    ev = load_event()
    raw = ev.to_dict()
    assert all("walk_in" in s for s in raw["sessions"])  # type: ignore[union-attr]
    assert event_from_dict(raw) == ev  # the field round-trips
    small = replace(ev, sessions=tuple(
        replace(s, capacity=3) if s.id == "energy-transition" else s for s in ev.sessions))  # fmt: skip
    store = Store.memory()
    key = new_private_key(b"tests")
    store.set_event(small, key, BadgeSigner(ev.id, key).public_key, clock.now())
    service = CheckinService(store, clock, rng=random.Random(1))
    for i in range(2):
        done = service.walk_in(replace(p(f"Guest Number{i}"), sessions=("energy-transition",)))
        assert done.full == ()
    done = service.walk_in(p("One More"))  # the third of three
    assert done.full == ("energy-transition",)
    store.close()


def test_an_event_without_walk_in_sessions_refuses_walk_ins() -> None:
    raw = load_event().to_dict()
    for s in raw["sessions"]:  # type: ignore[union-attr]
        s["walk_in"] = False
    assert event_from_dict(raw).walk_in_sessions() == []
    raw["sessions"][0]["walk_in"] = "yes"  # type: ignore[index]
    with pytest.raises(ValueError, match="walk_in"):
        event_from_dict(raw)
