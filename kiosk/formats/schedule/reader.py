"""Reading a meeting schedule file (CSV or XLSX, through the attendee import's readers) into
ScheduleRows: times, slots, tables, parties and companies as written; the checks against
the event and the attendees are kiosk.meetings.schedule's.

    parsed = parse_schedule(path, event, overrides={"Tisch": "table"})
    parsed, result = import_schedule_file(meeting_service, path)   # read, check, write
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from kiosk.formats.importer import paused_gc
from kiosk.formats.importing.fields import SESSION_SPLIT, cell_text, clean_code, is_chinese
from kiosk.formats.importing.readers import open_table
from kiosk.formats.importing.workbook import Cell
from kiosk.formats.schedule.fields import ColumnPlan, looks_like_schedule
from kiosk.meetings.schedule import PartyRef, Problem, ScheduleRow
from kiosk.meetings.service import MeetingService, ScheduleImport
from kiosk.models.event import Event

_T = TypeVar("_T")


@dataclass(slots=True)
class ParsedSchedule:
    path: str
    kind: str
    encoding: str
    columns: dict[str, str]  # header -> field
    ignored: list[str]
    rows: list[ScheduleRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total: int = 0


def parse_schedule(
    path: str | Path, event: Event, overrides: Mapping[str, str] | None = None
) -> ParsedSchedule:
    """Read a schedule file without writing anything. Raises ImportFileError for a file that
    cannot be read at all, or that has no meeting id, table, time or party columns."""
    table = open_table(path, accept=looks_like_schedule)
    plan = ColumnPlan(table.header, overrides or {}, table.path)
    out = ParsedSchedule(table.path, table.kind, table.encoding, plan.used, plan.ignored)
    reader = _RowReader(plan, event)
    for row, cells in table.rows():
        out.total += 1
        result = reader.read(row, cells)
        if isinstance(result, list):
            out.problems.extend(result)
        else:
            out.rows.append(result)
    return out


def import_schedule_file(
    meetings: MeetingService, path: str | Path, overrides: Mapping[str, str] | None = None
) -> tuple[ParsedSchedule, ScheduleImport]:
    """Read, check and (when every row is good) write a schedule file: what the command
    line and the GUI call. No garbage collection meanwhile (as for attendee imports)."""
    with paused_gc():
        parsed = parse_schedule(path, meetings.event, overrides)
        result = meetings.import_schedule(parsed.rows, Path(path).name, parsed.problems)
    return parsed, result


class _RowReader:
    def __init__(self, plan: ColumnPlan, event: Event) -> None:
        self.plan = plan
        self.day = event.day
        self.tz = event.tz
        p = plan
        self.columns = {t: p.name(i, t) for t, i in p.single.items()}
        if "time" in p.single:  # a "Time" column gives the start (and the end of a range)
            for t in ("start", "end", "slot"):
                self.columns.setdefault(t, self.columns["time"])
        if "date" in p.single:
            self.columns.setdefault("start", self.columns["date"])
        if "parties" not in self.columns and p.party:
            first = next(iter(p.party.values()))[0]
            self.columns["parties"] = p.name(first, "parties")

        self.width = len(plan.header)
        self.index = dict(plan.single)
        self.party_columns = [(i, p.name(i, "party"), p.company.get(slot))
                              for slot, (i,) in p.party.items()]  # fmt: skip

    def read(self, row: int, cells: list[Cell]) -> ScheduleRow | list[Problem]:
        n = len(cells)
        if n < self.width:
            cells = [*cells, *([None] * (self.width - n))]
        vals = [c.strip() if type(c) is str else cell_text(c) for c in cells]
        idx = self.index

        def text(target: str) -> str:
            i = idx.get(target)
            return "" if i is None else vals[i]

        problems: list[Problem] = []
        col = self.columns
        mid = clean_code(text("meeting_id"))
        if not mid:
            problems.append(Problem(row, col["meeting_id"], "no meeting id"))
        table = clean_code(text("table"))
        if not table:
            problems.append(Problem(row, col["table"], "no table or booth"))
        start, end, slot = self._when(row, cells, text, problems)
        if problems:
            return problems
        return ScheduleRow(
            row=row, meeting_id=mid, table=table, parties=self.parties(vals, text), start=start,
            end=end, slot=slot, interpreter=text("interpreter"),
            languages=language_pair(text("languages")), columns=col,
        )  # fmt: skip

    def _when(
        self, row: int, cells: list[Cell], text: Callable[[str], str], problems: list[Problem]
    ) -> tuple[datetime | None, datetime | None, int | None]:
        """Start, end and slot, from whichever of the date, start, end, time and slot
        columns the file has; each cell that cannot be read is a problem."""

        def parsed(target: str, parse: Callable[..., _T], *args: object) -> _T | None:
            try:
                return parse(cells[self.index[target]], *args)
            except ValueError as exc:
                problems.append(Problem(row, self.columns[target], str(exc)))
                return None

        day = (parsed("date", parse_date) if text("date") else None) or self.day
        start = parsed("start", parse_when, day, self.tz) if text("start") else None
        end = parsed("end", parse_when, day, self.tz) if text("end") else None
        slot: int | None = None
        if text("time"):
            slot, t_start, t_end = parsed("time", parse_time_cell, day, self.tz) or (None,) * 3
            start, end = start or t_start, end or t_end
        if text("slot"):
            slot = parsed("slot", lambda cell: parse_slot(text("slot")))
        return start, end, slot

    def parties(self, vals: list[str], text: Callable[[str], str]) -> tuple[PartyRef, ...]:
        out: list[PartyRef] = []
        for i, column, ci in self.party_columns:
            en, zh = split_company(vals[ci] if ci is not None else "")
            out.extend(PartyRef(r, column, en, zh) for r in split_list(vals[i]))
        if "parties" in self.index:
            refs = split_list(text("parties"))
            companies = split_list(text("companies"))
            column = self.columns["parties"]
            for k, r in enumerate(refs):
                en, zh = split_company(companies[k] if k < len(companies) else "")
                out.append(PartyRef(r, column, en, zh))
        return tuple(out)


def split_list(text: str) -> list[str]:
    if not text:
        return []
    return [x.strip() for x in SESSION_SPLIT.split(text) if x.strip()]


def split_company(text: str) -> tuple[str, str]:
    """ "Mingyang Smart Energy / 明阳智慧能源" -> both; "明阳智慧能源" -> ("", it)."""
    text = " ".join(text.split())
    parts = [p.strip() for p in re.split(r"\s*[/｜|]\s*", text) if p.strip()]
    if len(parts) == 2 and is_chinese(parts[0]) != is_chinese(parts[1]):
        return (parts[1], parts[0]) if is_chinese(parts[0]) else (parts[0], parts[1])
    if is_chinese(text):
        return "", text
    return text, ""


_CLOCK = re.compile(
    r"^(上午|下午|晚上)?\s*(\d{1,2})\s*[:：.时点]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?\s*分?\s*"
    r"(am|pm|a\.m\.|p\.m\.)?$",
    re.IGNORECASE,
)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_HHMM = r"\d{1,2}\s*[:：.]\s*\d{2}(?:\s*(?:am|pm))?"
_RANGE = re.compile(rf"^(.*?{_HHMM})\s*(?:-|–|—|~|～|至|到|to)\s*(.*{_HHMM})$", re.IGNORECASE)
_TIME_HELP = "HH:MM, or a date and time such as 2024-11-04 14:20"


def parse_clock(text: str) -> time:
    m = _CLOCK.match(text.strip())
    if not m:
        raise ValueError(f"not a time: {text!r} ({_TIME_HELP})")
    half, hh, mm, ss, ampm = m.groups()
    h = int(hh)
    pm = (ampm or "").lower().startswith("p") or half in ("下午", "晚上")
    am = (ampm or "").lower().startswith("a") or half == "上午"
    if (pm or am) and not 1 <= h <= 12:
        raise ValueError(f"not a time: {text!r} ({_TIME_HELP})")
    if pm and h < 12:
        h += 12
    elif am and h == 12:
        h = 0
    try:
        return time(h, int(mm), int(ss or 0))
    except ValueError:
        raise ValueError(f"not a time: {text!r} ({_TIME_HELP})") from None


def parse_date(value: Cell) -> date:
    if isinstance(value, datetime):
        return value.date()
    text = cell_text(value)
    m = _DATE.match(text)
    if not m or m.end() != len(text):
        raise ValueError(f"not a date: {text!r} (YYYY-MM-DD)")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(f"not a date: {text!r} (YYYY-MM-DD)") from None


def parse_when(value: Cell, day: date, tz: ZoneInfo) -> datetime:
    """A cell as an aware instant: a time of day on `day`, or a date and time, in `tz`
    (an explicit offset is kept). Excel time cells (dates of 1899/1900) are times of day."""
    if isinstance(value, datetime):
        if value.year < 1901:
            return datetime.combine(day, value.time(), tz)
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, float) and not isinstance(value, bool):
        if 0 <= value < 1:
            return datetime.combine(day, time(), tz) + timedelta(seconds=round(value * 86400))
        raise ValueError(f"not a time: {value!r} ({_TIME_HELP})")
    text = cell_text(value)
    m = _DATE.match(text)
    if m:
        rest = text[m.end() :].strip().lstrip("T").strip()
        if re.search(r"([+-]\d{2}:?\d{2}|Z)$", rest):
            try:
                iso = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}T{rest}"
                return datetime.fromisoformat(iso.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"not a time: {text!r} ({_TIME_HELP})") from None
        if not rest:
            raise ValueError(f"no time of day in {text!r} ({_TIME_HELP})")
        return datetime.combine(parse_date(text[: m.end()]), parse_clock(rest), tz)
    return datetime.combine(day, parse_clock(text), tz)


_SLOT = re.compile(r"(?:slot|round|s|第)?\s*(\d+)\s*(?:轮|场|号)?(?:\.0+)?", re.IGNORECASE)


def parse_slot(text: str) -> int:
    m = _SLOT.fullmatch(text.strip())
    if not m or int(m.group(1)) < 1:
        raise ValueError(f"not a slot number: {text!r} (1, 2, 3 …)")
    return int(m.group(1))


def parse_time_cell(
    value: Cell, day: date, tz: ZoneInfo
) -> tuple[int | None, datetime | None, datetime | None]:
    """A "Time" column: a slot number, a start time, or a range "14:00–14:20"."""
    text = cell_text(value)
    if _SLOT.fullmatch(text):
        return parse_slot(text), None, None
    m = _RANGE.match(text) if isinstance(value, str) else None
    if m:
        start = parse_when(m.group(1), day, tz)
        end = parse_when(m.group(2), start.astimezone(tz).date(), tz)
        return None, start, end
    return None, parse_when(value, day, tz), None


_LANGS = {
    "en": "en", "eng": "en", "english": "en", "英": "en", "英文": "en", "英语": "en",
    "zh": "zh", "cn": "zh", "chi": "zh", "chs": "zh", "chinese": "zh", "mandarin": "zh",
    "中": "zh", "中文": "zh", "汉语": "zh", "普通话": "zh",
}  # fmt: skip


def language_pair(text: str) -> str:
    """ "English–Chinese", "EN/ZH", "英-中", "中英" -> "en-zh"; other languages as written."""
    t = text.strip().casefold()
    if not t:
        return ""
    if re.fullmatch(r"[中英]{2}", t):
        parts = list(t)
    else:
        parts = [
            p
            for p in re.split(r"\s*(?:/|-|–|—|,|&|\+|\||、|→|>|<>|↔|\bto\b|\band\b|\s)\s*", t)
            if p
        ]
    return "-".join(_LANGS.get(p, p) for p in parts)
