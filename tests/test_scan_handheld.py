"""Handheld scanners: key bursts vs. a person typing, with synthetic key timings."""

from __future__ import annotations

from kiosk.models.clock import ManualClock
from kiosk.scan.handheld import KeyBurstDecoder

CODE = "FC1:6R9-/IMJ9P*5772100BK5QOU2H7V/62V1F8814E6DT0Y3WAMQCKIRC"


def type_keys(dec: KeyBurstDecoder, clock: ManualClock, keys: str, gap: float) -> list[str]:
    """Feed `keys` `gap` seconds apart; return the codes completed on the way."""
    out = []
    for k in keys:
        clock.advance(gap)
        code = dec.feed_key(k)
        if code is not None:
            out.append(code)
    return out


def test_burst_with_enter_gives_the_code() -> None:
    clock = ManualClock()
    dec = KeyBurstDecoder(clock)
    assert type_keys(dec, clock, CODE + "\r", 0.004) == [CODE]
    assert dec.pending == ""


def test_tab_and_newline_terminators() -> None:
    clock = ManualClock()
    dec = KeyBurstDecoder(clock)
    assert type_keys(dec, clock, CODE + "\t", 0.01) == [CODE]
    assert type_keys(dec, clock, CODE + "\n", 0.01) == [CODE]


def test_burst_without_terminator_completes_on_idle_flush() -> None:
    clock = ManualClock()
    dec = KeyBurstDecoder(clock, idle=0.1)
    assert type_keys(dec, clock, CODE, 0.008) == []
    clock.advance(0.05)
    assert dec.flush() is None  # not idle long enough yet
    clock.advance(0.06)
    assert dec.flush() == CODE
    assert dec.flush() is None


def test_next_burst_completes_a_previous_unterminated_one() -> None:
    clock = ManualClock()
    dec = KeyBurstDecoder(clock)
    type_keys(dec, clock, CODE, 0.005)
    clock.advance(0.5)
    assert dec.feed_key("X") == CODE


def test_person_typing_never_yields_a_code() -> None:
    clock = ManualClock()
    dec = KeyBurstDecoder(clock)
    for gap in (0.045, 0.08, 0.15, 0.3):
        assert type_keys(dec, clock, "Zhang Wei from LONGi Green Energy\r", gap) == []
        clock.advance(1)
        assert dec.flush() is None
    assert not dec.in_burst


def test_fast_typist_with_an_occasional_quick_pair_is_not_a_scanner() -> None:
    clock = ManualClock()
    dec = KeyBurstDecoder(clock)
    gaps = [0.09, 0.02, 0.11, 0.025, 0.07, 0.12, 0.018, 0.1] * 4
    text = "searching for attendee name"
    for k, g in zip(text, gaps, strict=False):
        clock.advance(g)
        assert dec.feed_key(k) is None
    clock.advance(1)
    assert dec.flush() is None


def test_autorepeat_of_one_key_is_not_a_code() -> None:
    clock = ManualClock()
    dec = KeyBurstDecoder(clock)
    assert type_keys(dec, clock, "a" * 40 + "\r", 0.025) == []


def test_short_burst_is_not_a_code() -> None:
    clock = ManualClock()
    dec = KeyBurstDecoder(clock, min_length=8)
    assert type_keys(dec, clock, "AB12\r", 0.005) == []


def test_enter_long_after_the_burst_is_a_person_pressing_enter() -> None:
    clock = ManualClock()
    dec = KeyBurstDecoder(clock)
    type_keys(dec, clock, CODE, 0.005)
    clock.advance(0.5)
    assert dec.feed_key("\r") is None


def test_in_burst_tells_the_gui_to_swallow_keys() -> None:
    clock = ManualClock()
    dec = KeyBurstDecoder(clock)
    clock.advance(1)
    dec.feed_key("F")
    assert not dec.in_burst and dec.leaked == 1  # the first key cannot be known yet
    clock.advance(0.005)
    dec.feed_key("C")
    assert dec.in_burst
    clock.advance(0.005)
    dec.feed_key("1")
    assert dec.in_burst
    clock.advance(0.5)
    assert not dec.in_burst  # idle: it is over


def test_keys_without_text_are_ignored_and_control_keys_reset() -> None:
    clock = ManualClock()
    dec = KeyBurstDecoder(clock)
    keys = [*CODE[:10], "", *CODE[10:], "\r"]
    out = []
    for k in keys:
        clock.advance(0.004)
        if (code := dec.feed_key(k)) is not None:
            out.append(code)
    assert out == [CODE]
    type_keys(dec, clock, CODE[:20], 0.004)
    clock.advance(0.004)
    dec.feed_key("\x1b")  # Escape: whatever was pending is dropped
    assert dec.pending == ""
