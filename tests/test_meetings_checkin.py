"""A check-in to the matchmaking session carries the attendee's meetings for the rest of the
day (every way in: camera, handheld, search, kiosk), and `checkin` prints them; the desk's
and kiosk's next-meeting line, at several times of day on the injected clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.checkin.service import CheckinService
from kiosk.cli import load_commands
from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Method, Outcome
from tests.helpers.meetings import Matchmaking, matchmaking, schedule_file, t
from ui.present.meeting_text import next_meeting_line, schedule_lines


@pytest.fixture
def mm(service: CheckinService, clock: ManualClock, tmp_path: Path) -> Matchmaking:
    m = matchmaking(service, clock)
    assert m.load(schedule_file(tmp_path / "schedule.csv")).written
    return m


def test_the_result_carries_the_rest_of_the_day(mm: Matchmaking) -> None:
    r = mm.arrive("US-1", "13:50")
    assert r.outcome is Outcome.ADMITTED
    meetings = r.meetings
    assert [m.meeting_id for m in meetings] == ["M4", "M1", "M3"]
    m1 = meetings[1]
    assert (m1.start, m1.end, m1.table, m1.interpreter, m1.languages) == (
        t("15:20"), t("15:40"), "12", "Li Na", "en-zh",
    )  # fmt: skip
    (liu,) = m1.counterparts
    assert (liu.name, liu.name_zh, liu.organization, liu.organization_zh) == (
        "Liu Lianyu", "刘连玉", "Mingyang Smart Energy", "明阳智慧能源",
    )  # fmt: skip
    assert not liu.arrived and not m1.counterpart_arrived
    # Later in the day the meetings that have ended are gone; the counterpart is here.
    mm.arrive("CN-1", "15:10")
    mm.clock.set(t("15:25"))
    again = mm.service.check_in(mm.code("US-1"), "matchmaking", Method.SELF)
    assert again.outcome is Outcome.ALREADY_CHECKED_IN
    assert [m.meeting_id for m in again.meetings] == ["M1", "M3"]
    assert again.meetings[0].counterpart_arrived
    assert again.meetings[0].counterparts[0].arrived_at == t("15:10")


def test_every_way_in_carries_them_and_other_sessions_do_not(mm: Matchmaking) -> None:
    mm.clock.set(t("13:45"))
    aid = mm.ids["CN-2"]
    for method in (Method.CAMERA, Method.HANDHELD, Method.SELF):
        r = mm.service.check_in(mm.code("CN-2"), "matchmaking", method)
        assert [m.meeting_id for m in r.meetings] == ["M2", "M3"], method
    r = mm.service.manual_check_in(aid, "matchmaking", "desk", Method.SEARCH)
    assert [m.meeting_id for m in r.meetings] == ["M2", "M3"]
    assert mm.service.check_in(mm.code("CN-2"), "showcase").meetings == ()
    # The interpreter's check-in shows the meeting they interpret, with both parties.
    (m,) = mm.arrive("INT-1", "15:00").meetings
    assert m.role == "interpreter" and [c.name for c in m.counterparts] == [
        "Emily Carter", "Liu Lianyu",
    ]  # fmt: skip


def test_next_meeting_line_at_several_times_of_day(mm: Matchmaking) -> None:
    tz = mm.service.event.tz
    r = mm.arrive("US-1", "13:50")
    line = next_meeting_line(r, tz)
    assert line is not None
    assert line.en == "Your next meeting: 14:00, table 4, with Mingyang Smart Energy (Liu Lianyu)"
    assert line.zh == "您的下一场洽谈：14:00，4号桌，明阳智慧能源（刘连玉）"
    assert (line.arrived_en, line.arrived_zh) == ("", "")
    mm.arrive("CN-1", "15:05")
    mm.clock.set(t("15:10"))
    r = mm.service.check_in(mm.code("US-1"), "matchmaking")
    line = next_meeting_line(r, tz)
    assert line is not None
    assert line.en == "Your next meeting: 15:20, table 12, with Mingyang Smart Energy (Liu Lianyu)"
    assert line.zh == "您的下一场洽谈：15:20，12号桌，明阳智慧能源（刘连玉）"
    assert (line.arrived_en, line.arrived_zh) == ("already at the table", "对方已到")
    assert line.full_zh.endswith("（对方已到）")
    mm.clock.set(t("15:30"))  # late for M1: it is on now
    line = next_meeting_line(mm.service.check_in(mm.code("US-1"), "matchmaking"), tz)
    assert line is not None and line.en.startswith("Your meeting now: 15:20, table 12")
    assert line.zh.startswith("您当前的洽谈：15:20，12号桌")
    mm.clock.set(t("16:30"))  # the day's meetings are over
    assert next_meeting_line(mm.service.check_in(mm.code("US-1"), "matchmaking"), tz) is None
    # Chinese counterpart's view: names and companies in each language.
    mm.clock.set(t("15:00"))
    r = mm.service.check_in(mm.code("CN-2"), "matchmaking")
    line = next_meeting_line(r, tz)
    assert line is not None
    assert line.en == "Your next meeting: 16:00, table 12, with Form Energy (Emily Carter)"
    assert line.zh == "您的下一场洽谈：16:00，12号桌，Form能源公司（Emily Carter）"
    assert [x.en for x in schedule_lines(r.meetings, tz)] == [
        "16:00–16:20 · table 12 · Form Energy (Emily Carter)",
    ]


def test_checkin_json_line_includes_meetings(mm: Matchmaking, tmp_path: Path) -> None:
    code = mm.code("CN-1")  # issues the badge: before the copy
    db = tmp_path / "event.sqlite"  # the same database on disk, for the command line
    mm.service.store.conn.execute("VACUUM INTO ?", (str(db),))
    result = CliRunner().invoke(load_commands(), [
        "checkin", "--db", str(db), "--session", "matchmaking", "--code", code,
        "--now", "2024-11-04T13:55",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    line = json.loads(result.output.strip().splitlines()[-1])
    assert [m["meeting_id"] for m in line["meetings"]] == ["M4", "M1"]
    first = line["meetings"][0]
    assert first["start"] == "2024-11-04T14:00:00+08:00" and first["table"] == "4"
    assert first["with"][0]["name"] == "Emily Carter"
    assert first["with"][0]["organization_zh"] == "Form能源公司"
    result = CliRunner().invoke(load_commands(), [
        "checkin", "--db", str(db), "--session", "opening", "--code", code,
        "--now", "2024-11-04T08:55",
    ])  # fmt: skip
    assert json.loads(result.output.strip().splitlines()[-1])["meetings"] == []
