"""A matchmaking schedule checked as a whole, before anything is written.

The file readers (kiosk.formats.schedule) turn each row into a ScheduleRow; here every row
is resolved against the event and the attendees, and the rows are checked together. A row
is bad when a party is unknown (or not registered for the matchmaking session), a party is
booked into two meetings that overlap, two meetings share a table at overlapping times, or
a meeting falls outside the matchmaking session's hours. Every problem names the row and
the column, so that one pass over the file finds them all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kiosk.models.event import Event, Session
from kiosk.storage.base import ts


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    why: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.why}"


@dataclass(frozen=True, slots=True)
class PartyRef:
    """A party as the file names it: attendee id, external id or email, and the company."""

    ref: str
    column: str
    company: str = ""
    company_zh: str = ""


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One row of a schedule file, read but not yet checked against the event."""

    row: int
    meeting_id: str
    table: str
    parties: tuple[PartyRef, ...]
    start: datetime | None = None  # aware
    end: datetime | None = None
    slot: int | None = None
    interpreter: str = ""
    languages: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)  # field -> its column's header

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


@dataclass(slots=True)
class ScheduleCheck:
    """The outcome of checking a schedule: each good row as the FIELDS of a meeting entry
    (kiosk.storage.meeting_fold), and every problem of the bad rows."""

    meetings: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # meeting id -> row
    problems: list[Problem] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})


class Directory:
    """The attendees a schedule can name: by attendee id, external id or email."""

    def __init__(self, people: Iterable[tuple[str, str, str, str, str, str, str | None]],
                 session_id: str, restricted: bool) -> None:  # fmt: skip
        self.by_ref: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.registered: set[str] = set()
        merged: dict[str, str] = {}
        for aid, ext, email, name, name_zh, sessions, merged_into in people:
            if merged_into:
                merged[aid] = merged_into
                continue
            self.by_ref[aid] = aid
            if ext:
                self.by_ref.setdefault(ext, aid)
            if email:
                self.by_ref.setdefault(email.casefold(), aid)
            self.names[aid] = name or name_zh or aid
            if not restricted or session_id in (json.loads(sessions) if sessions else ()):
                self.registered.add(aid)
        for gone, kept in merged.items():
            hops = 0
            while kept in merged and hops < 8:
                kept, hops = merged[kept], hops + 1
            if kept in self.names:
                self.by_ref.setdefault(gone, kept)

    def find(self, ref: str) -> str | None:
        ref = ref.strip()
        return self.by_ref.get(ref) or self.by_ref.get(ref.casefold())

    def name(self, aid: str) -> str:
        return self.names.get(aid, aid)


def span(start: datetime, end: datetime, event: Event) -> str:
    return f"{start.astimezone(event.tz):%H:%M}–{end.astimezone(event.tz):%H:%M}"


_TABLE_WORDS = re.compile(r"^(?:table|tbl\.?|桌号?|#)\s*|\s*(?:号桌|号|桌)$", re.IGNORECASE)


def table_name(text: str, tables: Sequence[str]) -> str | None:
    """The event's name for a table ("Table 12", "12号桌", "#12" -> "12"); with no tables in
    the event file, the text as written. None: not one of the event's tables."""
    clean = " ".join(text.split())
    if not tables:
        return clean
    known = {t.casefold(): t for t in tables}
    return known.get(clean.casefold()) or known.get(_TABLE_WORDS.sub("", clean).casefold())


def describe_tables(tables: Sequence[str]) -> str:
    if tables == tuple(str(i) for i in range(1, len(tables) + 1)):
        return f"1–{len(tables)}"
    shown = ", ".join(tables[:12])
    return shown + (" …" if len(tables) > 12 else "")


@dataclass(slots=True)
class _Booked:
    """A meeting placed in time, for the overlap checks (row 0: already in the database)."""

    meeting_id: str
    row: int
    start: datetime
    end: datetime
    table: str
    people: list[tuple[str, str]]  # (attendee id, the column that names them)
    table_column: str = ""


def check_schedule(
    rows: Sequence[ScheduleRow],
    event: Event,
    directory: Directory,
    kept: Iterable[tuple[str, datetime, datetime, str, list[str]]] = (),
    source: str = "",
) -> ScheduleCheck:
    """Resolve and check every row. `kept`: meetings that stay whatever the file says
    (re-matches made at the desk) as (id, start, end, table, attendee ids)."""
    out = ScheduleCheck()
    session = event.matchmaking_session()
    if session is None:
        out.problems.append(Problem(0, "-", f"the event has no matchmaking session "
                                    f"{event.matchmaking.session!r} (see [matchmaking])"))  # fmt: skip
        return out
    booked: list[_Booked] = []
    seen: dict[str, int] = {}
    for r in rows:
        _check_row(r, event, session, directory, source, seen, booked, out)
    for mid, start, end, table, people_ids in kept:
        if mid not in seen:
            booked.append(_Booked(mid, 0, start, end, table, [(p, "") for p in people_ids]))
    clashes = _overlaps(booked, event, directory)
    if clashes:
        bad = {p.row for p in clashes}
        out.problems.extend(clashes)
        out.meetings = [m for m in out.meetings if out.rows[m["id"]] not in bad]
    out.problems.sort(key=lambda p: (p.row, p.column))
    return out


def _check_row(
    r: ScheduleRow, event: Event, session: Session, directory: Directory, source: str,
    seen: dict[str, int], booked: list[_Booked], out: ScheduleCheck,
) -> None:  # fmt: skip
    """Resolve and check one row: its meeting goes to `out.meetings` and `booked`, or its
    problems to `out.problems`."""
    problems: list[Problem] = []
    if r.meeting_id in seen:
        problems.append(Problem(r.row, r.column("meeting_id"),
                                f"meeting id {r.meeting_id!r} is also on row {seen[r.meeting_id]}"))  # fmt: skip
    else:
        seen[r.meeting_id] = r.row
    times = _times(r, event, session, problems)
    table = table_name(r.table, event.matchmaking.tables)
    if table is None:
        problems.append(Problem(r.row, r.column("table"), f"unknown table {r.table!r} "
                                f"(tables: {describe_tables(event.matchmaking.tables)})"))  # fmt: skip
    people, parties = _parties(r, directory, problems)
    interp_id = directory.find(r.interpreter) if r.interpreter else None
    if interp_id is not None and interp_id in {p for p, _ in people}:
        problems.append(Problem(r.row, r.column("interpreter"),
                                f"{directory.name(interp_id)} is a party of this meeting"))  # fmt: skip
    if problems or times is None or table is None:
        out.problems.extend(problems)
        return
    start, end = times
    with_interp = people + ([(interp_id, r.column("interpreter"))] if interp_id else [])
    booked.append(_Booked(r.meeting_id, r.row, start, end, table, with_interp,
                          r.column("table")))  # fmt: skip
    out.rows[r.meeting_id] = r.row
    out.meetings.append({
        "id": r.meeting_id, "start": ts(start), "end": ts(end), "table": table,
        "slot": r.slot, "parties": parties,
        "interpreter": [interp_id or "", "" if interp_id else r.interpreter],
        "languages": r.languages, "source": source,
    })  # fmt: skip


def _times(r: ScheduleRow, event: Event, session: Session,
           problems: list[Problem]) -> tuple[datetime, datetime] | None:  # fmt: skip
    slot_len = timedelta(minutes=event.matchmaking.slot_minutes)
    start, end, where = r.start, r.end, r.column("start")
    if start is None:
        if r.slot is None:
            problems.append(Problem(r.row, r.column("start"), "no start time and no slot number"))
            return None
        start = session.start + (r.slot - 1) * slot_len
        where = r.column("slot")
    if end is None:
        end = start + slot_len
    if end <= start:
        problems.append(Problem(r.row, r.column("end"),
                                f"ends ({end.astimezone(event.tz):%H:%M}) before it starts "
                                f"({start.astimezone(event.tz):%H:%M})"))  # fmt: skip
        return None
    if start < session.start or end > session.end:
        what = f"slot {r.slot} ({span(start, end, event)})" if r.start is None else span(
            start, end, event)  # fmt: skip
        problems.append(Problem(r.row, where,
                                f"{what} is outside the matchmaking session's hours "
                                f"({span(session.start, session.end, event)}"
                                f"{'' if start.date() == session.start.date() else ', ' + str(event.day)})"))  # fmt: skip
        return None
    return start, end


def _parties(r: ScheduleRow, directory: Directory,
             problems: list[Problem]) -> tuple[list[tuple[str, str]], list[list[str]]]:  # fmt: skip
    people: list[tuple[str, str]] = []
    parties: list[list[str]] = []
    for p in r.parties:
        aid = directory.find(p.ref)
        if aid is None:
            problems.append(Problem(r.row, p.column, f"unknown party {p.ref!r} "
                                    "(no attendee with this id, external id or email)"))  # fmt: skip
        elif aid in {a for a, _ in people}:
            problems.append(Problem(r.row, p.column,
                                    f"{directory.name(aid)} is listed twice in this meeting"))  # fmt: skip
        elif aid not in directory.registered:
            problems.append(Problem(r.row, p.column, f"{directory.name(aid)} ({p.ref}) is not "
                                    "registered for the matchmaking session"))  # fmt: skip
        else:
            people.append((aid, p.column))
            parties.append([aid, p.company, p.company_zh])
    if len(r.parties) < 2:
        column = r.parties[0].column if r.parties else r.column("parties")
        problems.append(Problem(r.row, column, "a meeting needs two or more parties"))
    return people, parties


def _overlaps(booked: list[_Booked], event: Event, directory: Directory) -> list[Problem]:
    """Every pair of overlapping meetings that share a party or a table, on both rows."""
    out: list[Problem] = []

    def where(b: _Booked) -> str:
        row = f"row {b.row}" if b.row else "re-matched at the desk"
        return f"meeting {b.meeting_id} ({row}, {span(b.start, b.end, event)})"

    def clash(items: list[tuple[_Booked, str]], what: str) -> None:
        items.sort(key=lambda x: (x[0].start, x[0].end, x[0].row))
        latest: tuple[_Booked, str] | None = None  # the meeting that ends last so far
        for b, column in items:
            if latest is not None and b.start < latest[0].end:
                a, a_col = latest
                if b.row:
                    out.append(Problem(b.row, column, what.format(other=where(a))))
                if a.row:
                    out.append(Problem(a.row, a_col, what.format(other=where(b))))
            if latest is None or b.end > latest[0].end:
                latest = (b, column)

    by_person: dict[str, list[tuple[_Booked, str]]] = {}
    by_table: dict[str, list[tuple[_Booked, str]]] = {}
    for b in booked:
        for aid, column in b.people:
            by_person.setdefault(aid, []).append((b, column))
        by_table.setdefault(b.table, []).append((b, b.table_column))
    for aid, items in by_person.items():
        if len(items) > 1:
            name = directory.name(aid).replace("{", "{{").replace("}", "}}")
            clash(items, f"{name} is also booked into {{other}}, at an overlapping time")
    for table, items in by_table.items():
        if len(items) > 1:
            t = table.replace("{", "{{").replace("}", "}}")
            clash(items, f"table {t} is also used by {{other}}, at an overlapping time")
    return out
