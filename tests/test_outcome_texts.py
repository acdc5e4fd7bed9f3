"""Issue 20: one table of outcome texts, in the domain, read by the desk, the kiosk, the
dashboard, the report and the exports: a refusal has one name everywhere."""

from __future__ import annotations

import re

from kiosk.formats.report.render import OUTCOME_LABELS
from kiosk.models.outcome_text import OUTCOME_TEXTS
from kiosk.models.outcomes import Outcome
from tests.helpers.clocks import at
from ui.dashboard.style import OUTCOMES
from ui.present.looks import LOOKS

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_outcome_has_both_languages_in_every_form() -> None:
    assert set(OUTCOME_TEXTS) == set(Outcome)
    for o, t in OUTCOME_TEXTS.items():
        for en in (t.title_en, t.reason_en, t.label_en):
            assert en and not CJK.search(en), o
        for zh in (t.title_zh, t.reason_zh, t.label_zh):
            assert CJK.search(zh), o


def test_the_desk_the_dashboard_and_the_report_say_the_same() -> None:
    for o, t in OUTCOME_TEXTS.items():
        assert (LOOKS[o].title_en, LOOKS[o].title_zh) == (t.title_en, t.title_zh)
        assert (LOOKS[o].reason_en, LOOKS[o].reason_zh) == (t.reason_en, t.reason_zh)
        assert OUTCOMES[o][:2] == (t.label_en, t.label_zh) == OUTCOME_LABELS[o]
    assert LOOKS[Outcome.SESSION_FULL].title_zh == OUTCOMES[Outcome.SESSION_FULL][1] == "场次已满"
    # Admitted and "already checked in" are told apart in every list.
    labels = [t.label_zh for t in OUTCOME_TEXTS.values()]
    assert len(labels) == len(set(labels))


def test_a_closed_session_is_not_called_not_yet_open() -> None:
    t = OUTCOME_TEXTS[Outcome.OUTSIDE_TIME_WINDOW]
    assert "未到" not in t.title_zh + t.reason_zh + t.label_zh
    assert at("09:05").now()  # the panel's second line says opens at / closed at
