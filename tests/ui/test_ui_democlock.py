"""`make run`'s demo admits badges at any hour: its clock moves into the program if needed."""

from __future__ import annotations

from datetime import date

from kiosk.models.event import load_event
from tests.helpers.clocks import at
from ui.democlock import DemoClock

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
