"""The dashboard's pure parts: the chart's value scale and the arrival buckets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kiosk.station.snapshot import fill_buckets
from ui.dashboard.chart import y_scale

T0 = datetime(2024, 11, 4, 0, 0, tzinfo=UTC)  # 08:00 in Beijing


@given(st.integers(0, 100_000), st.integers(0, 12), st.floats(1.0, 2.0))
def test_the_value_axis_fits_the_tallest_bar_on_round_steps(
    top_value: int, max_ticks: int, headroom: float
) -> None:
    top, ticks = y_scale(top_value, max_ticks, headroom)
    assert 2 <= ticks <= max(2, min(6, max_ticks))
    assert top >= top_value * headroom and top >= 4
    step = top // (ticks - 1)
    assert step * (ticks - 1) == top  # every tick on a whole number
    if top_value <= 5000:
        assert str(step)[0] in "125" and set(str(step)[1:]) <= {"0", "5"}


def test_buckets_cover_the_window_with_zeros_between_arrivals() -> None:
    got = [(T0 + timedelta(minutes=20), 3), (T0 + timedelta(minutes=40), 1)]
    a = fill_buckets("opening", got, opens=T0, ends=T0 + timedelta(minutes=90))
    assert [n for _, n in a.buckets] == [0, 0, 3, 0, 1, 0, 0, 0, 0]
    assert a.buckets[0][0] == T0 and a.total == 4
    steps = {y[0] - x[0] for x, y in zip(a.buckets, a.buckets[1:], strict=False)}
    assert steps == {timedelta(minutes=10)}


def test_a_late_manual_arrival_extends_the_axis() -> None:
    late = T0 + timedelta(minutes=127)
    a = fill_buckets("opening", [(late, 1)], opens=T0, ends=T0 + timedelta(minutes=60))
    assert a.buckets[-1] == (T0 + timedelta(minutes=120), 1)
    assert len(a.buckets) == 13 and a.total == 1


def test_no_arrivals_is_an_empty_window_not_an_empty_axis() -> None:
    a = fill_buckets("matchmaking", [], opens=T0, ends=T0 + timedelta(minutes=30))
    assert [n for _, n in a.buckets] == [0, 0, 0]
