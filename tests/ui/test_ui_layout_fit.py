"""Issue 20, item 5: the desk's layouts fit. Every result state, at 1366×768 and
1920×1080, in English and Chinese: no two visible widgets overlap, no widget is cut by
its frame or the window, every label's text fits its rectangle, and the search list keeps
at least four people in view with a result up (two people named Wang told apart)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.models.meetings import Counterpart, UpcomingMeeting
from kiosk.models.outcomes import CheckinResult, Outcome, PriorCheckin
from tests.helpers.clocks import at
from tests.helpers.layout import problems
from tests.ui.desk import ready

NOW = at("09:05").now()
LONG_ORG = ("Pacific Northwest National Laboratory, Energy and Environment Directorate, "
            "Electricity Infrastructure and Buildings Division")  # fmt: skip
LONG_ORG_ZH = "美国能源部西北太平洋国家实验室能源与环境部电力基础设施与建筑处"
SIZES = ((1366, 768), (1920, 1080))


def person(outcome: Outcome, **kw: Any) -> CheckinResult:
    base = dict(
        outcome=outcome, session_id="opening", at=NOW, station="desk-1", log_uuid="x",
        attendee_id="A1B2C3D4", name="Andrew Clark", name_zh="安德鲁·克拉克",
        organization="Pacific Northwest National Laboratory", organization_zh="西北太平洋国家实验室",
        title="Senior Research Scientist", category="delegate",
        room="Grand Ballroom, 2F", room_zh="二层大宴会厅",
    )  # fmt: skip
    base.update(kw)
    return CheckinResult(**base)  # type: ignore[arg-type]


def nobody(outcome: Outcome, **kw: Any) -> CheckinResult:
    return CheckinResult(outcome, "opening", NOW, "desk-1", "x", **kw)


PRIOR = PriorCheckin(NOW - timedelta(minutes=12), "desk-1")
NOTE = "Meet at the VIP entrance; escort to the front row, seat A3. Interpreter: Ms. Li."
MEETING = UpcomingMeeting(
    "m-1", at("14:00").now(), at("14:20").now(), "12",
    (Counterpart("B", "Liu Lianyu", "刘连玉", "Mingyang Smart Energy", "明阳智慧能源",
                 at("13:50").now()),),
)  # fmt: skip
LATER = tuple(
    replace(MEETING, meeting_id=f"m-{i}", start=MEETING.start + timedelta(minutes=20 * i),
            end=MEETING.end + timedelta(minutes=20 * i), table=str(12 + i))
    for i in range(1, 4)
)  # fmt: skip

STATES: dict[str, CheckinResult] = {
    "admitted": person(Outcome.ADMITTED),
    "vip-note": person(Outcome.ADMITTED, category="vip", attention=True, notes=NOTE),
    "vip-already": person(
        Outcome.ALREADY_CHECKED_IN, category="vip", attention=True, notes=NOTE, prior=PRIOR
    ),
    "speaker": person(Outcome.ADMITTED, category="speaker", notes="Keynote at 09:30."),
    "meetings": person(
        Outcome.ADMITTED, session_id="matchmaking", meetings=(MEETING, *LATER), notes=NOTE
    ),
    "already": person(Outcome.ALREADY_CHECKED_IN, prior=PRIOR),
    "long-org": person(
        Outcome.ADMITTED,
        organization=LONG_ORG,
        organization_zh=LONG_ORG_ZH,
        title="Chief Scientist and Director of International Partnerships",
    ),
    "wrong-event": nobody(Outcome.WRONG_EVENT),
    "forged": nobody(Outcome.FORGED_CODE),
    "unknown": nobody(Outcome.UNKNOWN_CODE),
    "revoked": person(Outcome.REVOKED_BADGE),
    "outside": person(
        Outcome.OUTSIDE_TIME_WINDOW,
        session_id="showcase",
        opens_at=at("12:30").now(),
        closes_at=at("16:30").now(),
        open_sessions=("opening",),
    ),
    "not-registered": person(Outcome.NOT_REGISTERED, session_id="matchmaking"),
    "full": person(Outcome.SESSION_FULL),
    "not-inside": person(Outcome.NOT_INSIDE),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_result_state_fits(qtbot: Any, make_shell: Any, demo_db: Path, lang: str) -> None:
    shell = make_shell(demo_db, lang=lang, station="desk-1")
    win = ready(qtbot, shell)
    staff = win.staff
    staff.search.setText("an")  # many people: who is who must be told apart
    qtbot.waitUntil(lambda: staff.results.count() >= 4, timeout=5000)
    found: dict[str, list[str]] = {}
    for w, h in SIZES:
        win.resize(w, h)
        for state, result in [("ready", None), *STATES.items()]:
            if result is None:
                staff.panel.clear()
            else:
                staff.panel.show_result(result)
            for _ in range(3):  # wrapped labels settle over a few layout passes
                QApplication.processEvents()
                qtbot.wait(10)
            where = f"{w}x{h} {lang} {state}"
            bad = problems(win)
            if bad:
                found[where] = bad
            rows = visible_rows(staff.results)
            if rows < 4:
                found.setdefault(where, []).append(f"search list shows {rows} rows")
    assert not found, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in found.items())


def visible_rows(lst: Any) -> int:
    """How many people's rows the list has room for."""
    row = lst.visualItemRect(lst.item(0)).height()
    return int(lst.viewport().height() // row) if row > 0 else 0
