"""Issue 20: only the camera's repeated frames are debounced; every other input is
answered every time, in the order the results came."""

from __future__ import annotations

from dataclasses import replace

from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import CheckinResult, Outcome
from tests.helpers.clocks import at
from ui.present.result_policy import ResultPolicy


def result(who: str, outcome: Outcome = Outcome.ADMITTED) -> CheckinResult:
    clock = at("09:05")
    return CheckinResult(outcome, "opening", clock.now(), "desk-1", f"uuid-{who}-{outcome}",
                         attendee_id=who)  # fmt: skip


def test_a_camera_echo_is_dropped_and_a_handheld_repeat_is_shown() -> None:
    clock = ManualClock()
    policy = ResultPolicy(clock, hold_s=2.0)
    assert policy.offer(result("clark"), camera=True) == "show"
    clock.advance(10)
    again = result("clark", Outcome.ALREADY_CHECKED_IN)
    assert policy.offer(again, camera=True) == "drop"  # the camera saw the badge again
    assert policy.offer(again, camera=False) == "show"  # a scanner, the search: answered
    clock.advance(10)
    assert policy.offer(replace(again, log_uuid="x"), camera=False) == "show"


def test_a_result_never_goes_ahead_of_a_queued_one() -> None:
    clock = ManualClock()
    policy = ResultPolicy(clock, hold_s=2.0)
    assert policy.offer(result("clark")) == "show"
    clock.advance(1.0)
    assert policy.offer(result("taylor")) == "queue"
    clock.advance(1.5)  # the first one's time is up, Taylor still waits
    assert policy.offer(result("clark", Outcome.ALREADY_CHECKED_IN)) == "queue"
    shown = [policy.take()]
    clock.advance(2.0)
    shown.append(policy.take())
    assert [(r.attendee_id, r.outcome) for r in shown if r] == [
        ("taylor", Outcome.ADMITTED), ("clark", Outcome.ALREADY_CHECKED_IN),
    ]  # fmt: skip
