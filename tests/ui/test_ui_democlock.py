"""`make run`'s demo admits badges at any hour: its clock moves into the program if needed."""

from __future__ import annotations

from datetime import date, timedelta

from kiosk.models.event import load_event
from tests.helpers.clocks import at
from ui.app.democlock import DemoClock

EVENT = load_event().moved_to(date(2024, 11, 4))


def test_open_session_keeps_the_real_time() -> None:
    clock = DemoClock(at("10:50"))
    assert not clock.fit(EVENT)
    assert clock.now() == at("10:50").now() and clock.shifted_to is None


def test_evening_moves_to_the_first_session() -> None:
    clock = DemoClock(at("21:30"))
    assert clock.fit(EVENT)
    opening = EVENT.session("opening")
    assert clock.shifted_to is not None and opening.start < clock.now() < opening.end
    assert EVENT.current_session(clock.now()).id == "opening"


def test_a_second_launch_continues_from_the_last_entry() -> None:
    # Issue 11, item 7: the clock restarted at 09:05 on each launch, so times ran backwards.
    first = DemoClock(at("21:30"))
    assert first.fit(EVENT)
    last = at("09:07").now() + timedelta(seconds=16)  # the newest entry of the first run
    second = DemoClock(at("21:31"))
    assert second.fit(EVENT, last)
    assert second.now() > last
    assert (second.now() - last).total_seconds() < 5
    # An older last entry (before the first session) does not pull the clock back.
    third = DemoClock(at("21:32"))
    assert third.fit(EVENT, at("07:00").now())
    assert third.now() >= EVENT.session("opening").start + timedelta(minutes=5)
