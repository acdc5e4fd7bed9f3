"""Read queries for the organizers' exports (kiosk.formats.export writes the files).

One joined query per table; rows are plain tuples in the order of the `*_FIELDS` tuples
below (times as stored UTC text, flags as 0/1), which the writers convert per format.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from kiosk.storage.reports import Attendance

PERSON_FIELDS = (
    "name", "name_zh", "organization", "organization_zh", "title", "category", "delegation",
    "email", "phone",
)  # fmt: skip
ID_FIELDS = ("external_id", "attendee_id")
ATTENDANCE_FIELDS = ("session", *PERSON_FIELDS, "first_arrival", "station", "inside", *ID_FIELDS)
NO_SHOW_FIELDS = ("session", *PERSON_FIELDS, *ID_FIELDS)
ATTENDEE_FIELDS = (*PERSON_FIELDS, "sessions", "notes", "attention", "walk_in", *ID_FIELDS)
SCAN_FIELDS = (
    "seq", "time", "kind", "session", "outcome", "station", "operator", "method", "name",
    "name_zh", "organization", "attendee_id", "badge_id", "annulled", "annuls", "reason", "uuid",
)  # fmt: skip

_PERSON_SQL = ", ".join(f"a.{f}" for f in PERSON_FIELDS)
_BY_NAME = "ORDER BY CASE a.name WHEN '' THEN a.name_zh ELSE a.name END, a.attendee_id"


class ExportQueries:
    """The rows of each export, read through one connection (`presence` says who
    registered for and who may attend a session)."""

    def __init__(self, c: sqlite3.Connection, presence: Attendance) -> None:
        self.conn = c
        self.presence = presence

    def _query(self, sql: str, params: Any = ()) -> Iterator[tuple[Any, ...]]:
        cur = self.conn.cursor()
        cur.row_factory = None  # plain tuples: a third faster than sqlite3.Row
        yield from cur.execute(sql, params)

    def _count(self, sql: str, params: Any = ()) -> int:
        row = self.conn.execute(sql, params).fetchone()
        return int(row[0]) if row else 0

    def attendance(self, sid: str) -> Iterator[tuple[Any, ...]]:
        return self._query(
            f"SELECT p.session_id, {_PERSON_SQL}, p.first_at, p.station, p.inside, "
            "a.external_id, a.attendee_id FROM presence p "
            "JOIN attendees a ON a.attendee_id = p.attendee_id "
            "WHERE p.session_id = ? ORDER BY p.first_at, a.attendee_id",
            (sid,),
        )

    def _no_show_where(self, sid: str) -> str:
        return (
            f"WHERE {self.presence.registered_for(sid)} AND a.attendee_id NOT IN "
            "(SELECT attendee_id FROM presence WHERE session_id = :s)"
        )

    def no_shows(self, sid: str) -> Iterator[tuple[Any, ...]]:
        """Registered for the session and not admitted."""
        return self._query(
            f"SELECT :s, {_PERSON_SQL}, a.external_id, a.attendee_id FROM attendees a "
            f"{self._no_show_where(sid)} {_BY_NAME}",
            {"s": sid},
        )

    def no_show_count(self, sid: str) -> int:
        return self._count(
            f"SELECT COUNT(*) FROM attendees a {self._no_show_where(sid)}", {"s": sid}
        )

    def _attendee_where(self, sid: str | None) -> str:
        return f"WHERE {self.presence.may_attend(sid)} " if sid else ""

    def attendees(self, sid: str | None) -> Iterator[tuple[Any, ...]]:
        """Everyone; with a session, those who may attend it (registered, if restricted)."""
        return self._query(
            f"SELECT {_PERSON_SQL}, (SELECT group_concat(session_id, '; ') FROM "
            "(SELECT r.session_id FROM attendee_sessions r JOIN sessions s USING (session_id) "
            "WHERE r.attendee_id = a.attendee_id ORDER BY s.position)), "
            "a.notes, a.attention, a.walk_in, a.external_id, a.attendee_id FROM attendees a "
            f"{self._attendee_where(sid)}{_BY_NAME}",
            {"s": sid},
        )

    def attendee_count(self, sid: str | None) -> int:
        return self._count(
            f"SELECT COUNT(*) FROM attendees a {self._attendee_where(sid)}", {"s": sid}
        )

    _SCAN_KINDS = "l.kind IN ('entry', 'exit', 'annul')"

    def scans(self, sid: str | None) -> Iterator[tuple[Any, ...]]:
        """The scan log: every entry and exit scan (refused ones too) and every undo, in
        the entries' own order; `seq` is the writing station's own number."""
        where, params = (" AND l.session_id = ?", (sid,)) if sid else ("", ())
        return self._query(
            "SELECT l.station_seq, l.at, l.kind, l.session_id, COALESCE(l.outcome, ''), "
            "l.station, l.operator, COALESCE(json_extract(l.data, '$.method'), ''), "
            "COALESCE(a.name, ''), COALESCE(a.name_zh, ''), COALESCE(a.organization, ''), "
            "COALESCE(l.attendee_id, ''), l.badge_id, "
            "EXISTS(SELECT 1 FROM log u WHERE u.ref = l.uuid AND u.kind = 'annul'), "
            "CASE l.kind WHEN 'annul' THEN COALESCE(l.ref, '') ELSE '' END, "
            "COALESCE(json_extract(l.data, '$.reason'), ''), l.uuid FROM log l "
            "LEFT JOIN attendees a ON a.attendee_id = l.attendee_id "
            f"WHERE {self._SCAN_KINDS}{where} ORDER BY l.at, l.uuid",
            params,
        )

    def scan_count(self, sid: str | None) -> int:
        sql = f"SELECT COUNT(*) FROM log l WHERE {self._SCAN_KINDS}"
        if sid:
            return self._count(sql + " AND l.session_id = ?", (sid,))
        return self._count(sql)
