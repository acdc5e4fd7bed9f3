from __future__ import annotations

import pytest

from kiosk.checkin.service import CheckinService
from kiosk.models.names import fts_query, pinyin_keys
from kiosk.models.records import AttendeeInput

PEOPLE = [
    AttendeeInput(name_zh="张伟", organization_zh="国家电网", email="zw@sgcc.com.cn"),
    AttendeeInput(name="Wei Zhang", name_zh="张伟", organization="CATL", email="wei@catl.com"),
    AttendeeInput(name_zh="欧阳娜娜", organization="Tsinghua University", email="oy@th.edu"),
    AttendeeInput(name="Jennifer O'Brien", organization="Form Energy", email="jen@form.com"),
    AttendeeInput(name="José García", organization="Generate Capital", email="jg@gen.com"),
    AttendeeInput(name="Zhang Hua", name_zh="张华", organization="ICBC", email="zh@icbc.com"),
]


@pytest.fixture
def svc(service: CheckinService) -> CheckinService:
    service.store.upsert_attendees(PEOPLE, service.new_attendee_id, service.clock.now())
    return service


def names(svc: CheckinService, q: str) -> set[str]:
    return {a.name or a.name_zh for a in svc.search(q)}


@pytest.mark.parametrize("q", ["zhang wei", "zhangwei", "ZHANG WEI", "张伟", "伟", "zw"])
def test_chinese_names_by_pinyin_and_characters(svc: CheckinService, q: str) -> None:
    assert {"张伟", "Wei Zhang"} <= names(svc, q)
    assert "Zhang Hua" not in names(svc, q) or q == "zw"


def test_pinyin_without_english_name(svc: CheckinService) -> None:
    assert names(svc, "ouyang") == {"欧阳娜娜"}
    assert names(svc, "ouyangnana") == {"欧阳娜娜"}


def test_partial_english_organization_and_email(svc: CheckinService) -> None:
    assert names(svc, "jenn") == {"Jennifer O'Brien"}
    assert names(svc, "o'brien") == {"Jennifer O'Brien"}
    assert names(svc, "garcia") == {"José García"}  # accents folded
    assert names(svc, "tsinghua") == {"欧阳娜娜"}
    assert names(svc, "电网") == {"张伟"}
    assert names(svc, "jen@form.com") == {"Jennifer O'Brien"}
    assert names(svc, "nobody here") == set()
    assert svc.search("   ") == []


def test_query_building_is_safe() -> None:
    assert fts_query('a" OR *') == '"a"* AND "or"*'  # operators become plain words
    assert fts_query("张伟 wang") == '"张 伟" AND "wang"*'
    assert pinyin_keys("张伟").split()[:2] == ["zhang", "wei"]


def test_search_by_attendee_id(svc: CheckinService) -> None:
    a = svc.search("jenn")[0]
    assert next(x.attendee_id for x in svc.search(a.attendee_id)) == a.attendee_id
