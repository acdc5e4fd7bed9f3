"""The event file's [matchmaking] table: defaults, tables as a count or names, clear errors."""

from __future__ import annotations

import tomllib

import pytest

from kiosk.models.event import Event, EventFileError, event_from_dict, load_event

BASE = """
[event]
id = "x-forum"
name = "X Forum"
date = "2024-11-04"
timezone = "Asia/Shanghai"
[[sessions]]
id = "b2b"
title = "B2B"
start = "14:00"
end = "17:00"
"""


def parse(extra: str) -> Event:
    return event_from_dict(tomllib.loads(BASE + extra), "x.toml")


def test_the_embedded_event_has_twenty_tables_and_ten_minutes_grace() -> None:
    mm = load_event().matchmaking
    assert (mm.session, mm.slot_minutes, mm.no_show_minutes) == ("matchmaking", 20, 10)
    assert mm.tables == tuple(str(i) for i in range(1, 21))
    event = load_event()
    assert event_from_dict(event.to_dict()) == event  # kept in the log's event entry


def test_defaults_and_table_names() -> None:
    e = parse("")
    assert e.matchmaking_session() is None  # no session called "matchmaking"
    e = parse('[matchmaking]\nsession = "b2b"\ntables = ["A1", "A2", 7]\nno_show_minutes = 5\n')
    assert e.matchmaking_session() is not None and e.matchmaking.tables == ("A1", "A2", "7")
    assert (e.matchmaking.slot_minutes, e.matchmaking.no_show_minutes) == (20, 5)


@pytest.mark.parametrize(
    ("table", "key", "problem"),
    [
        ({"session": "nope"}, "matchmaking.session", "unknown session id"),
        ({"slot_minutes": 0}, "matchmaking.slot_minutes", "at least 1"),
        ({"tables": "many"}, "matchmaking.tables", "a number of tables"),
        ({"tables": [True]}, "matchmaking.tables", "a list of table names"),
        ("yes", "matchmaking", "must be a table"),
    ],
)
def test_bad_matchmaking_settings_name_the_key(table: object, key: str, problem: str) -> None:
    raw = tomllib.loads(BASE)
    raw["matchmaking"] = table
    with pytest.raises(EventFileError) as err:
        event_from_dict(raw, "x.toml")
    assert err.value.key == key and problem in err.value.problem
