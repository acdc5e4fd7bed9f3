"""The debouncer: one scan per showing of a badge, with an injected clock."""

from __future__ import annotations

import pytest

from kiosk.models.clock import ManualClock
from kiosk.scan.debounce import Debouncer


def frames(deb: Debouncer, clock: ManualClock, text: str, n: int, dt: float = 1 / 30) -> int:
    """Show `text` on `n` consecutive frames; return how many scans that made."""
    scans = 0
    for _ in range(n):
        scans += deb.offer(text)
        clock.advance(dt)
    return scans


def test_a_code_held_in_view_is_one_scan() -> None:
    clock = ManualClock()
    deb = Debouncer(clock)
    assert frames(deb, clock, "A", 300) == 1  # ten seconds in view


def test_the_same_code_after_a_pause_is_a_new_scan() -> None:
    clock = ManualClock()
    deb = Debouncer(clock, repeat_after=3.0)
    assert frames(deb, clock, "A", 10) == 1
    clock.advance(2.9)  # out of view for less than 3 s: the same showing
    assert frames(deb, clock, "A", 10) == 0
    clock.advance(3.0)
    assert frames(deb, clock, "A", 10) == 1


def test_the_pause_is_configurable() -> None:
    clock = ManualClock()
    deb = Debouncer(clock, repeat_after=0.5)
    assert deb.offer("A")
    clock.advance(0.6)
    assert deb.offer("A")


def test_codes_are_independent() -> None:
    clock = ManualClock()
    deb = Debouncer(clock)
    assert deb.offer_all(["A", "B", "A"]) == ["A", "B"]
    clock.advance(0.1)
    assert deb.offer_all(["B", "C"]) == ["C"]


def test_reset_forgets() -> None:
    clock = ManualClock()
    deb = Debouncer(clock)
    assert deb.offer("A")
    deb.reset()
    assert deb.offer("A")


def test_many_codes_do_not_grow_memory_without_bound() -> None:
    clock = ManualClock()
    deb = Debouncer(clock, repeat_after=1.0)
    for i in range(1000):
        assert deb.offer(f"code-{i}")
        clock.advance(0.1)
    assert len(deb._last_seen) < 100
    assert not deb.offer("code-999")  # the recent ones are remembered


def test_negative_pause_is_refused() -> None:
    with pytest.raises(ValueError, match="repeat_after"):
        Debouncer(ManualClock(), repeat_after=-1)
