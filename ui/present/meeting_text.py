"""The bilingual text of an attendee's meetings, built from typed data (no Qt here).

After a check-in to the matchmaking session the desk and the kiosk show the next meeting
large, in both languages, whatever the UI language:

    line = next_meeting_line(result, event.tz, now=clock.now())
    line.en       "Your next meeting: 15:20, table 12, with Mingyang Smart Energy (Liu Lianyu)"
    line.zh       "您的下一场洽谈：15:20，12号桌，明阳智慧能源（刘连玉）"
    line.arrived_en / line.arrived_zh   "already at the table" / "对方已到" (or "")

`schedule_lines` gives the rest of the day, one short line per meeting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from kiosk.models.meetings import ROLE_INTERPRETER, Counterpart, UpcomingMeeting
from kiosk.models.outcomes import CheckinResult

ARRIVED_EN = "already at the table"
ARRIVED_ZH = "对方已到"
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True, slots=True)
class MeetingLine:
    en: str
    zh: str
    arrived_en: str = ""  # set when every counterpart has checked in
    arrived_zh: str = ""

    @property
    def full_en(self) -> str:
        return f"{self.en} — {self.arrived_en}" if self.arrived_en else self.en

    @property
    def full_zh(self) -> str:
        return f"{self.zh}（{self.arrived_zh}）" if self.arrived_zh else self.zh


def table_en(table: str) -> str:
    """'12' -> 'table 12'; a name such as 'Booth 7' stays as it is."""
    return f"table {table}" if re.fullmatch(r"[A-Za-z]{0,3}\d+[A-Za-z]?", table) else table


def table_zh(table: str) -> str:
    """'12' -> '12号桌'; a Chinese name such as 'A区3号桌' stays as it is."""
    return table if _CJK.search(table) else f"{table}号桌"


def _groups(people: Sequence[Counterpart], zh: bool) -> list[tuple[str, list[str]]]:
    """(company, names) in order, each company once, in one language (the other as a
    fallback when a name or company is only known in it)."""
    out: dict[str, list[str]] = {}
    for c in people:
        company = (
            (c.organization_zh or c.organization) if zh else (c.organization or c.organization_zh)
        )
        name = (c.name_zh or c.name) if zh else (c.name or c.name_zh)
        out.setdefault(company, []).append(name or c.attendee_id)
    return list(out.items())


def counterparts_en(people: Sequence[Counterpart]) -> str:
    """'Mingyang Smart Energy (Liu Lianyu)'; several: 'A (X, Y) and B (Z)'."""
    parts = [f"{co} ({', '.join(names)})" if co else ", ".join(names)
             for co, names in _groups(people, zh=False)]  # fmt: skip
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def counterparts_zh(people: Sequence[Counterpart]) -> str:
    """'明阳智慧能源（刘连玉）'; several: '甲（某、某）和乙（某）'."""
    parts = [f"{co}（{'、'.join(names)}）" if co else "、".join(names)
             for co, names in _groups(people, zh=True)]  # fmt: skip
    return parts[0] if len(parts) == 1 else "、".join(parts[:-1]) + "和" + parts[-1]


def meeting_line(m: UpcomingMeeting, tz: tzinfo, now: datetime | None = None) -> MeetingLine:
    """The line for one meeting; "Your meeting now" once it has started (at `now`)."""
    started = now is not None and m.start <= now
    head_en = "Your meeting now" if started else "Your next meeting"
    head_zh = "您当前的洽谈" if started else "您的下一场洽谈"
    at = f"{m.start.astimezone(tz):%H:%M}"
    if not m.counterparts:
        who_en = who_zh = ""
    elif m.role == ROLE_INTERPRETER:
        who_en = f", interpreting for {counterparts_en(m.counterparts)}"
        who_zh = f"，为{counterparts_zh(m.counterparts)}担任翻译"
    else:
        who_en = f", with {counterparts_en(m.counterparts)}"
        who_zh = f"，{counterparts_zh(m.counterparts)}"
    arrived = m.counterpart_arrived
    return MeetingLine(
        f"{head_en}: {at}, {table_en(m.table)}{who_en}",
        f"{head_zh}：{at}，{table_zh(m.table)}{who_zh}",
        ARRIVED_EN if arrived else "",
        ARRIVED_ZH if arrived else "",
    )


def next_meeting_line(
    result: CheckinResult, tz: tzinfo, now: datetime | None = None
) -> MeetingLine | None:
    """The next-meeting line of a check-in result (None: no meeting left today)."""
    m = result.next_meeting
    return None if m is None else meeting_line(m, tz, now if now is not None else result.at)


def schedule_lines(meetings: Sequence[UpcomingMeeting], tz: tzinfo) -> list[MeetingLine]:
    """One line per meeting: '15:20–15:40 · table 12 · Mingyang Smart Energy (Liu Lianyu)'."""
    out = []
    for m in meetings:
        when = f"{m.start.astimezone(tz):%H:%M}–{m.end.astimezone(tz):%H:%M}"
        en = f"{when} · {table_en(m.table)}"
        zh = f"{when} · {table_zh(m.table)}"
        if m.counterparts:
            en += f" · {counterparts_en(m.counterparts)}"
            zh += f" · {counterparts_zh(m.counterparts)}"
        arrived = m.counterpart_arrived
        out.append(
            MeetingLine(en, zh, ARRIVED_EN if arrived else "", ARRIVED_ZH if arrived else "")
        )
    return out
