"""A small matchmaking: a few U.S. and Chinese attendees, and schedule files about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.checkin.service import CheckinService
from kiosk.formats.schedule.reader import parse_schedule
from kiosk.meetings.service import MeetingService, ScheduleImport
from kiosk.models.clock import ManualClock, parse_instant
from kiosk.models.outcomes import CheckinResult
from kiosk.models.records import AttendeeInput
from tests.helpers.clocks import EVENT_DAY
from tests.helpers.data_files import Row, write_csv

MM = ("opening", "matchmaking")
PEOPLE = (
    AttendeeInput(name="Emily Carter", organization="Form Energy", organization_zh="Form能源公司",
                  email="emily.carter@formenergy.com", external_id="US-1",
                  delegation="United States", sessions=MM),
    AttendeeInput(name="David Brown", name_zh="大卫·布朗", organization="Fluence Energy",
                  organization_zh="Fluence能源公司", email="david.brown@fluenceenergy.com",
                  external_id="US-2", delegation="United States", sessions=MM),
    AttendeeInput(name="Liu Lianyu", name_zh="刘连玉", organization="Mingyang Smart Energy",
                  organization_zh="明阳智慧能源", email="liu.lianyu@myse.com.cn",
                  external_id="CN-1", delegation="China", sessions=MM),
    AttendeeInput(name="Wang Fang", name_zh="王芳", organization="LONGi Green Energy",
                  organization_zh="隆基绿能", email="wang.fang@longi.com", external_id="CN-2",
                  delegation="China", sessions=MM),
    AttendeeInput(name_zh="张伟", organization_zh="明阳智慧能源", email="zhang.wei@myse.com.cn",
                  external_id="CN-3", delegation="China", sessions=MM),
    AttendeeInput(name="Li Na", name_zh="李娜", organization="Forum interpreters",
                  email="li.na@interpreters.cn", external_id="INT-1", delegation="China",
                  sessions=MM, category="staff"),
    AttendeeInput(name="Nora Plenary", organization="Plenary Only Inc.",
                  email="nora@plenary.example", external_id="X-1", delegation="United States",
                  sessions=("opening",)),
)  # fmt: skip

HEADER = ["Meeting ID", "Start", "End", "Table", "Party A", "Company A", "Party B", "Company B",
          "Interpreter", "Language pair"]  # fmt: skip
GOOD = [
    ["M1", "15:20", "15:40", "Table 12", "US-1", "", "CN-1", "明阳智慧能源", "INT-1", "EN-ZH"],
    ["M2", "14:00", "14:20", "3", "david.brown@fluenceenergy.com", "", "CN-2", "", "", ""],
    ["M3", "16:00", "16:20", "12", "US-1", "Form Energy", "CN-2", "", "王小明", "英-中"],
    ["M4", "14:00", "14:20", "4", "US-1", "", "CN-1", "", "", ""],
]  # fmt: skip


def t(hhmm: str) -> datetime:
    """An instant on the forum's day, Beijing time."""
    return parse_instant(f"{EVENT_DAY.isoformat()}T{hhmm}", "Asia/Shanghai")


@dataclass
class Matchmaking:
    service: CheckinService
    meetings: MeetingService
    clock: ManualClock
    ids: dict[str, str]  # external id -> attendee id

    def code(self, ext: str) -> str:
        return self.service.badge_code(self.ids[ext])

    def arrive(self, ext: str, hhmm: str) -> CheckinResult:
        self.clock.set(t(hhmm))
        return self.service.check_in(self.code(ext), "matchmaking")

    def load(self, path: Path) -> ScheduleImport:
        parsed = parse_schedule(path, self.service.event)
        return self.meetings.import_schedule(parsed.rows, path.name, parsed.problems)

    def status(self, meeting_id: str, hhmm: str) -> str:
        return self.meetings.state(meeting_id, t(hhmm)).status.value


def matchmaking(service: CheckinService, clock: ManualClock) -> Matchmaking:
    report = service.import_attendees(list(PEOPLE))
    ids = {p.external_id: aid for p, aid in zip(PEOPLE, report.ids, strict=True)}
    return Matchmaking(service, MeetingService(service.store, clock), clock, ids)


def schedule_file(path: Path, rows: list[list[object]] | None = None,
                  header: Row = HEADER, encoding: str = "utf-8") -> Path:  # fmt: skip
    return write_csv(path, header, GOOD if rows is None else rows, encoding=encoding)
