from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.models.event import EventFileError, load_event

GOOD = """
[event]
id = "x-forum"
name = "X Forum"
date = "2024-11-04"
timezone = "Asia/Shanghai"
[[sessions]]
id = "opening"
title = "Opening"
start = "09:00"
end = "10:30"
capacity = 10
"""


def test_default_event_is_the_cleantech_forum() -> None:
    e = load_event()
    assert e.id == "cleantech-forum-2024"
    assert e.day == date(2024, 11, 4)
    assert e.session_ids() == [
        "opening", "energy-transition", "green-finance", "showcase", "matchmaking",
    ]  # fmt: skip
    opening = e.session("opening")
    assert opening.start.astimezone(e.tz).strftime("%H:%M") == "09:00"
    assert opening.title_zh and opening.room_zh
    assert [s.id for s in e.sessions if s.restricted] == ["matchmaking"]
    assert e.ticket_types["Plenary Only"] == ("opening",)


def test_moved_to_keeps_local_times() -> None:
    e = load_event().moved_to(date(2026, 3, 1))
    s = e.session("showcase")
    assert s.start.astimezone(e.tz).strftime("%Y-%m-%d %H:%M") == "2026-03-01 13:30"


def test_current_session_follows_the_schedule() -> None:
    from tests.helpers.clocks import at

    e = load_event()
    assert e.current_session(at("08:30").now()).id == "opening"
    assert e.current_session(at("11:00").now()).id in ("energy-transition", "green-finance")
    assert e.current_session(at("13:45").now()).id == "showcase"


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (('date = "2024-11-04"', 'date = "4 Nov"'), "event.date", "not a date"),
        (('timezone = "Asia/Shanghai"', 'timezone = "Mars/Base"'), "event.timezone", "unknown"),
        (('end = "10:30"', 'end = "08:00"'), "sessions[0].end", "after start"),
        (("capacity = 10", 'capacity = "ten"'), "sessions[0].capacity", "whole number"),
        (('id = "opening"', 'id = "Opening Room"'), "sessions[0].id", "lower-case"),
        (('title = "Opening"', "title = 3"), "sessions[0].title", "must be text"),
        (('start = "09:00"', 'start = "nine"'), "sessions[0].start", "not a time"),
        (('name = "X Forum"', ""), "event.name", "required"),
    ],
)
def test_malformed_event_names_file_key_and_problem(
    tmp_path: Path, change: tuple[str, str], key: str, problem: str
) -> None:
    p = tmp_path / "bad.toml"
    p.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(EventFileError) as err:
        load_event(p)
    assert err.value.key == key
    assert problem in err.value.problem
    assert str(p) in str(err.value)


def test_broken_toml_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "broken.toml"
    p.write_text("[event\nid=", encoding="utf-8")
    with pytest.raises(EventFileError, match="not valid TOML"):
        load_event(p)
    with pytest.raises(EventFileError, match="file not found"):
        load_event(tmp_path / "none.toml")


def test_ticket_type_with_unknown_session(tmp_path: Path) -> None:
    p = tmp_path / "t.toml"
    p.write_text(GOOD + '\n[ticket_types]\n"Gold" = ["opening", "gala"]\n', encoding="utf-8")
    with pytest.raises(EventFileError, match="unknown session id 'gala'"):
        load_event(p)


def test_the_default_session_is_the_one_in_progress() -> None:
    """Issue 20: at 10:00 on the forum's day the opening plenary (09:00-10:30) is under way:
    it is the default, not the 10:45 sub-forum whose check-in opened at 09:45; only the
    sessions under way are "now"; two under way: the desk asks."""
    from tests.helpers.clocks import at

    e = load_event()
    ten = e.default_session(at("10:00").now())
    assert (ten.session.id, [s.id for s in ten.in_progress], ten.ask) == (
        "opening", ["opening"], False,
    )  # fmt: skip
    assert not ten.is_now("energy-transition") and ten.is_now("opening")
    gap = e.default_session(at("10:35").now())  # between sessions: the next one, none "now"
    assert (gap.session.id, gap.in_progress, gap.ask) == ("energy-transition", (), False)
    early = e.default_session(at("07:00").now())
    assert (early.session.id, early.in_progress) == ("opening", ())
    two = e.default_session(at("11:00").now())
    assert two.ask and {s.id for s in two.in_progress} == {"energy-transition", "green-finance"}
    assert two.session.id == "energy-transition"  # program order until the desk chooses
    afternoon = e.default_session(at("14:30").now())  # the showcase, and the matchmaking
    assert afternoon.ask and afternoon.session.id == "showcase"
    late = e.default_session(at("18:00").now())
    assert (late.session.id, late.in_progress) == ("matchmaking", ())
    assert e.default_session(at("10:30").now()).session.id == "energy-transition"  # ended


def test_the_place_names_the_city_once() -> None:
    from dataclasses import replace

    ev = load_event()
    assert ev.place() == ("Beijing International Hotel", "北京国际饭店")
    other = replace(ev, venue="Grand Hyatt", venue_zh="君悦酒店", city="Shanghai", city_zh="上海")
    assert other.place() == ("Grand Hyatt, Shanghai", "上海君悦酒店")
    assert replace(ev, venue="", venue_zh="", city_zh="").place() == ("Beijing", "")
