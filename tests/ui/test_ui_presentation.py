"""Every outcome has its colour, both-language reason and sound; greetings put Chinese first
for Chinese names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.models.outcomes import CheckinResult, Outcome
from ui.app.paths import SOUNDS
from ui.app.tones import TONES
from ui.present.looks import LOOKS, Tone, greeting, is_chinese_name, look, needs_alert


def result(outcome: Outcome = Outcome.ADMITTED, **kw: object) -> CheckinResult:
    return CheckinResult(
        outcome, "opening", datetime(2024, 11, 4, 1, 5, tzinfo=UTC), "desk-1", "u1", **kw
    )  # type: ignore[arg-type]


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_is_mapped(outcome: Outcome) -> None:
    lk = look(outcome)
    assert lk.title_en and lk.reason_en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lk.title_zh + lk.reason_zh)
    assert lk.sound in TONES and (SOUNDS / f"{lk.sound}.wav").stat().st_size > 1000
    assert lk.colour.startswith("#")


def test_tones_follow_the_outcome_kind() -> None:
    assert set(LOOKS) == set(Outcome)
    for outcome, lk in LOOKS.items():
        if outcome.admitted:
            assert lk.tone is Tone.OK
        elif outcome.refused and outcome is not Outcome.NOT_INSIDE:
            assert lk.tone is Tone.REFUSE
    assert look(Outcome.ALREADY_CHECKED_IN).tone is Tone.WARN
    colours = {
        look(o).colour for o in (Outcome.ADMITTED, Outcome.ALREADY_CHECKED_IN, Outcome.FORGED_CODE)
    }
    assert len(colours) == 3
    sounds = {
        look(o).sound for o in (Outcome.ADMITTED, Outcome.ALREADY_CHECKED_IN, Outcome.FORGED_CODE)
    }
    assert len(sounds) == 3


def test_chinese_names_are_greeted_chinese_first() -> None:
    zh = result(name="Wang Wei", name_zh="王伟")
    assert is_chinese_name(zh)
    assert greeting(zh)[0].startswith("王伟")
    only_zh = result(name="", name_zh="欧阳建华")
    assert greeting(only_zh)[0].startswith("欧阳建华")
    us = result(name="John Smith", name_zh="约翰·史密斯")
    assert not is_chinese_name(us)
    first, second = greeting(us)
    assert first == "Welcome, John Smith!" and second.startswith("约翰·史密斯")
    assert greeting(result(name="Mary Jones"))[1].startswith("Mary Jones")


def test_vip_and_attention_raise_the_alert() -> None:
    assert needs_alert(result(category="vip"))
    assert needs_alert(result(category="delegate", attention=True))
    assert not needs_alert(result(category="delegate"))
