"""The meetings projection (tables `meetings` and `meeting_parties`): folding meeting entries
into it (kiosk.storage.meeting_fold holds the rules) and the read queries on it.

Times are stored as fixed-width UTC text; a party's company is stored as the schedule gave
it and completed from the attendee record when read (an organization edited later shows).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from kiosk.models.meetings import (
    ROLE_INTERPRETER,
    Counterpart,
    Meeting,
    MeetingMark,
    Party,
    UpcomingMeeting,
)
from kiosk.storage.base import from_ts, ts
from kiosk.storage.meeting_fold import PARTY_SEP, MeetingFold

_ROW_MARKS = ", ".join("?" * 20)
_STATE_COLS = ("life_ver", "cancelled", "cancel_reason", "mark", "mark_at", "mark_by", "mark_ver",
               "rematched_to", "rematched_ver")  # fmt: skip
_UPDATE = f"UPDATE meetings SET {', '.join(c + ' = ?' for c in _STATE_COLS)} WHERE meeting_id = ?"


# -- folding (kiosk.storage.projections runs the steps; these read and write the rows) ----------
def save(c: sqlite3.Connection, states: list[MeetingFold]) -> None:
    """Write back the meetings one entry touched: what changed, in bulk."""
    new = [s for s in states if s.fields_changed]
    c.executemany(f"INSERT OR REPLACE INTO meetings VALUES ({_ROW_MARKS})", [s.row() for s in new])
    for part in _chunks([s.meeting_id for s in new if s.stored]):
        c.execute(f"DELETE FROM meeting_parties WHERE meeting_id IN ({_marks(part)})", part)
    c.executemany("INSERT INTO meeting_parties VALUES (?, ?, ?, ?, ?, ?)",
                  [p for s in new for p in s.party_rows()])  # fmt: skip
    c.executemany(_UPDATE, [(*s.state_row(), s.meeting_id) for s in states
                            if not s.fields_changed])  # fmt: skip
    _bump(c)


def write_all(c: sqlite3.Connection, states: list[MeetingFold]) -> None:
    """Every meeting, into the emptied tables (the rebuild)."""
    c.executemany(f"INSERT INTO meetings VALUES ({_ROW_MARKS})", [s.row() for s in states])
    c.executemany("INSERT INTO meeting_parties VALUES (?, ?, ?, ?, ?, ?)",
                  [p for s in states for p in s.party_rows()])  # fmt: skip
    _bump(c)


# The meetings projection's generation (in settings): bumped by every change to it, in the
# same transaction, so that a reader can keep what it read while the number stays the same.
_GEN_KEY = "meetings_gen"


def _bump(c: sqlite3.Connection) -> None:
    c.execute(
        "INSERT INTO settings VALUES (?, '1') ON CONFLICT (key) DO UPDATE SET "
        "value = CAST(value AS INTEGER) + 1",
        (_GEN_KEY,),
    )


def generation(c: sqlite3.Connection) -> str | None:
    """The meetings projection's generation (None: no meeting ever changed in it)."""
    row = c.execute("SELECT value FROM settings WHERE key = ?", (_GEN_KEY,)).fetchone()
    return None if row is None else str(row[0])


def _marks(part: list[str]) -> str:
    return ", ".join("?" * len(part))


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def load(c: sqlite3.Connection, ids: list[str]) -> dict[str, MeetingFold]:
    """The stored meetings among `ids`, their versions only (not their fields)."""
    out: dict[str, MeetingFold] = {}
    for part in _chunks(ids):
        for r in c.execute(
            f"SELECT meeting_id, ver, rematch_of, {', '.join(_STATE_COLS)} FROM meetings "
            f"WHERE meeting_id IN ({_marks(part)})",
            part,
        ):
            out[r[0]] = MeetingFold(r[0], None, r[1], r[2], r[3], bool(r[4]), r[5], r[6], r[7],
                                    r[8], r[9], r[10], r[11], stored=True)  # fmt: skip
    return out


# -- reading -------------------------------------------------------------------------------------
_MEETING_COLS = (
    "meeting_id, start_at, end_at, table_name, slot, interpreter_name, languages, source, "
    "rematch_of, cancelled, cancel_reason, mark, mark_at, mark_by, rematched_to"
)
_PARTY_SQL = (
    "SELECT p.meeting_id, p.attendee_id, p.role, p.company, p.company_zh, "
    "COALESCE(a.name, ''), COALESCE(a.name_zh, ''), COALESCE(a.organization, ''), "
    "COALESCE(a.organization_zh, ''), COALESCE(a.delegation, '') FROM meeting_parties p "
    "LEFT JOIN attendees a ON a.attendee_id = p.attendee_id"
)


def company(given: str, given_zh: str, org: str, org_zh: str) -> tuple[str, str]:
    """The company a party represents, in both languages: as the schedule gave it,
    completed from the attendee's organization when it names the same one."""
    if not given and not given_zh:
        return org, org_zh
    same = {x.casefold() for x in (org, org_zh) if x}
    if (given and given.casefold() in same) or (given_zh and given_zh.casefold() in same):
        return given or org, given_zh or org_zh
    return given, given_zh


def _party(row: tuple[Any, ...]) -> Party:
    org, org_zh = company(row[3], row[4], row[7], row[8])
    return Party(row[1], row[5], row[6], org, org_zh, row[9])


def _meeting(r: tuple[Any, ...], parties: list[tuple[Any, ...]]) -> Meeting:
    people = tuple(_party(p) for p in parties if p[2] != ROLE_INTERPRETER)
    interp = next((_party(p) for p in parties if p[2] == ROLE_INTERPRETER), None)
    return Meeting(
        meeting_id=r[0], start=from_ts(r[1]), end=from_ts(r[2]), table=r[3], parties=people,
        interpreter=interp, interpreter_name=r[5], languages=r[6], slot=r[4], source=r[7],
        rematch_of=r[8], cancelled=bool(r[9]), cancel_reason=r[10],
        mark=MeetingMark(r[11]) if r[11] else None, marked_at=from_ts(r[12]) if r[12] else None,
        marked_by=r[13], rematched_to=r[14],
    )  # fmt: skip


def _cursor(c: sqlite3.Connection) -> sqlite3.Cursor:
    cur = c.cursor()
    cur.row_factory = None
    return cur


def all_meetings(c: sqlite3.Connection) -> list[Meeting]:
    """Every meeting (cancelled ones too), by start time, table and id."""
    parties: dict[str, list[tuple[Any, ...]]] = {}
    for p in _cursor(c).execute(_PARTY_SQL + " ORDER BY p.meeting_id, p.position"):
        parties.setdefault(p[0], []).append(p)
    rows = _cursor(c).execute(
        f"SELECT {_MEETING_COLS} FROM meetings WHERE ver != '' "
        "ORDER BY start_at, table_name, meeting_id"
    )
    return [_meeting(r, parties.get(r[0], [])) for r in rows]


def meetings_by_id(c: sqlite3.Connection, ids: Iterable[str]) -> dict[str, Meeting]:
    """The meetings among `ids` that exist (one query per 500 ids)."""
    out: dict[str, Meeting] = {}
    for part in _chunks(list(dict.fromkeys(ids))):
        marks = _marks(part)
        parties: dict[str, list[tuple[Any, ...]]] = {}
        for p in _cursor(c).execute(
            _PARTY_SQL + f" WHERE p.meeting_id IN ({marks}) ORDER BY p.meeting_id, p.position",
            part,
        ):
            parties.setdefault(p[0], []).append(p)
        for r in _cursor(c).execute(
            f"SELECT {_MEETING_COLS} FROM meetings WHERE meeting_id IN ({marks}) AND ver != ''",
            part,
        ):
            out[r[0]] = _meeting(r, parties.get(r[0], []))
    return out


def rematch_ids(c: sqlite3.Connection) -> list[str]:
    """Meetings made by a re-match at the desk that are still on the schedule."""
    return [r[0] for r in _cursor(c).execute(
        "SELECT meeting_id FROM meetings WHERE rematch_of IS NOT NULL AND ver != '' "
        "AND cancelled = 0 AND rematched_to IS NULL"
    )]  # fmt: skip


def meetings_of(c: sqlite3.Connection, attendee_id: str) -> list[Meeting]:
    """The meetings an attendee is in (as a party or the interpreter), by start time."""
    ids = [r[0] for r in _cursor(c).execute(
        "SELECT p.meeting_id FROM meeting_parties p JOIN meetings m USING (meeting_id) "
        "WHERE p.attendee_id = ? AND m.ver != '' ORDER BY m.start_at, m.meeting_id",
        (attendee_id,),
    )]  # fmt: skip
    found = meetings_by_id(c, ids)
    return [found[i] for i in ids if i in found]


def scheduled_fields(c: sqlite3.Connection) -> dict[str, tuple[dict[str, Any], bool, str | None]]:
    """meeting id -> (its FIELDS as an entry carries them, cancelled, rematch_of): what a
    re-import compares the file with."""
    parties: dict[str, list[list[str]]] = {}
    interp: dict[str, str] = {}
    for mid, aid, role, comp, comp_zh in _cursor(c).execute(
        "SELECT meeting_id, attendee_id, role, company, company_zh FROM meeting_parties "
        "ORDER BY meeting_id, position"
    ):
        if role == ROLE_INTERPRETER:
            interp[mid] = aid
        else:
            parties.setdefault(mid, []).append([aid, comp, comp_zh])
    out: dict[str, tuple[dict[str, Any], bool, str | None]] = {}
    for r in _cursor(c).execute(
        "SELECT meeting_id, start_at, end_at, table_name, slot, interpreter_name, languages, "
        "source, cancelled, rematch_of FROM meetings WHERE ver != ''"
    ):
        fields = {"id": r[0], "start": r[1], "end": r[2], "table": r[3], "slot": r[4],
                  "parties": parties.get(r[0], []), "interpreter": [interp.get(r[0], ""), r[5]],
                  "languages": r[6], "source": r[7]}  # fmt: skip
        out[r[0]] = (fields, bool(r[8]), r[9])
    return out


def stored_meetings(c: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Every meeting as (id, start, end, table, cancelled, mark, rematched_to, party ids),
    times as stored: kiosk.meetings.status.status_rows reads them without parsing."""
    return (
        _cursor(c)
        .execute(
            "SELECT meeting_id, start_at, end_at, table_name, cancelled, mark, rematched_to, "
            "party_ids FROM meetings WHERE ver != '' ORDER BY start_at, table_name, meeting_id"
        )
        .fetchall()
    )


#: A meeting as `MeetingRows` keeps it: (id, start, end, table, cancelled, mark,
#: rematched_to, party ids as a list), times as stored.
MeetingRow = tuple[str, str, str, str, int, str | None, str | None, list[str]]


_UNREAD = object()


class MeetingRows:
    """Every meeting as stored (`stored_meetings`, party ids split), kept by one
    connection's reader while the projection's generation is unchanged: 10,000 meetings
    take ~12 ms to read, their generation 0.02 ms; a check-in changes no meeting."""

    def __init__(self) -> None:
        self._gen: object = _UNREAD
        self._rows: list[MeetingRow] = []

    def read(self, c: sqlite3.Connection) -> list[MeetingRow]:
        """The rows (call inside the read transaction that also reads the arrivals)."""
        gen = generation(c)
        if gen != self._gen:
            sep = PARTY_SEP
            self._rows = [(a, b, d, e, f, g, h, i.split(sep) if i else [])
                          for a, b, d, e, f, g, h, i in stored_meetings(c)]  # fmt: skip
            self._gen = gen
        return self._rows


def arrival_times(c: sqlite3.Connection, session_id: str) -> dict[str, str]:
    """attendee id -> first admission to the session, as stored (UTC text)."""
    return dict(_cursor(c).execute(
        "SELECT attendee_id, first_at FROM presence WHERE session_id = ?", (session_id,)
    ).fetchall())  # fmt: skip


def arrivals(c: sqlite3.Connection, session_id: str) -> dict[str, datetime]:
    """attendee id -> first admission to the session (undone check-ins excluded)."""
    return {
        aid: from_ts(at)
        for aid, at in _cursor(c).execute(
            "SELECT attendee_id, first_at FROM presence WHERE session_id = ?", (session_id,)
        )
    }


_UPCOMING = (
    "SELECT m.meeting_id, m.start_at, m.end_at, m.table_name, m.interpreter_name, m.languages, "
    "me.role, p.attendee_id, p.role, p.company, p.company_zh, a.name, a.name_zh, "
    "a.organization, a.organization_zh, pr.first_at FROM meeting_parties me "
    "JOIN meetings m ON m.meeting_id = me.meeting_id "
    "LEFT JOIN meeting_parties p ON p.meeting_id = me.meeting_id AND p.position != me.position "
    "LEFT JOIN attendees a ON a.attendee_id = p.attendee_id "
    "LEFT JOIN presence pr ON pr.session_id = ? AND pr.attendee_id = p.attendee_id "
    "WHERE me.attendee_id = ? AND m.ver != '' AND m.cancelled = 0 AND m.rematched_to IS NULL "
    "AND m.end_at > ? ORDER BY m.start_at, m.meeting_id, p.position"
)


def upcoming(
    c: sqlite3.Connection, attendee_id: str, session_id: str, now: datetime
) -> tuple[UpcomingMeeting, ...]:
    """The attendee's meetings that have not ended at `now`, the next first, each with the
    counterparts (for the interpreter: every party) and whether they have arrived."""
    out: list[UpcomingMeeting] = []
    current: list[Any] = []  # [row, counterparts, interpreter label]

    def flush() -> None:
        if current:
            r, others, interp = current
            out.append(UpcomingMeeting(r[0], from_ts(r[1]), from_ts(r[2]), r[3], tuple(others),
                                       r[4] or interp, r[5], r[6]))  # fmt: skip

    for r in _cursor(c).execute(_UPCOMING, (session_id, attendee_id, ts(now))):
        if not current or current[0][0] != r[0]:
            flush()
            current = [r, [], ""]
        if r[7] is None:
            continue
        name, name_zh = r[11] or "", r[12] or ""
        if r[8] == ROLE_INTERPRETER:
            current[2] = name or name_zh
            continue
        org, org_zh = company(r[9], r[10], r[13] or "", r[14] or "")
        arrived = from_ts(r[15]) if r[15] else None
        current[1].append(Counterpart(r[7], name, name_zh, org, org_zh, arrived))
    flush()
    return tuple(out)


def people_index(c: sqlite3.Connection) -> list[tuple[str, str, str, str, str, str, str | None]]:
    """Every attendee record as (id, external id, email, name, name_zh, sessions JSON,
    merged_into): what a schedule's party references are resolved against."""
    return list(_cursor(c).execute(
        "SELECT attendee_id, external_id, email, name, name_zh, sessions, merged_into "
        "FROM attendees"
    ))  # fmt: skip


class Meetings:
    """The meetings projection (`tx.meetings`), read through one connection."""

    def __init__(self, c: sqlite3.Connection) -> None:
        self.c = c

    def all(self) -> list[Meeting]:
        return all_meetings(self.c)

    def by_id(self, ids: Iterable[str]) -> dict[str, Meeting]:
        return meetings_by_id(self.c, ids)

    def of(self, attendee_id: str) -> list[Meeting]:
        return meetings_of(self.c, attendee_id)

    def rematch_ids(self) -> list[str]:
        return rematch_ids(self.c)

    def scheduled_fields(self) -> dict[str, tuple[dict[str, Any], bool, str | None]]:
        return scheduled_fields(self.c)

    def upcoming(
        self, attendee_id: str, session_id: str, now: datetime
    ) -> tuple[UpcomingMeeting, ...]:
        return upcoming(self.c, attendee_id, session_id, now)

    def arrivals(self, session_id: str) -> dict[str, datetime]:
        return arrivals(self.c, session_id)

    def arrival_times(self, session_id: str) -> dict[str, str]:
        return arrival_times(self.c, session_id)

    def people_index(self) -> list[tuple[str, str, str, str, str, str, str | None]]:
        return people_index(self.c)
