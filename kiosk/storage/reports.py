"""Reads of the presence projection and the figures from it (`tx.presence`): who is in a
session, per-session stats, arrivals, no-shows, refused scans."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from kiosk.models.event import Event
from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendanceRow, Attendee, Presence, SessionStats
from kiosk.storage.base import from_ts
from kiosk.storage.people import LIVE, People


class Attendance:
    """Presence and the figures counted from it, read through one connection. `event` is
    the program (cached by the store); `people` reads the attendee rows joined in."""

    def __init__(self, c: sqlite3.Connection, event: Callable[[], Event], people: People):
        self.c = c
        self.event = event
        self.people = people

    def _one(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.c.execute(sql, params).fetchone()
        return row

    # -- presence --------------------------------------------------------------------------
    def of(self, session_id: str, attendee_id: str) -> Presence | None:
        """The attendee's admission to the session (None: not admitted)."""
        r = self._one(
            "SELECT inside, first_at, station, station_id FROM presence "
            "WHERE session_id = ? AND attendee_id = ?",
            (session_id, attendee_id),
        )
        if r is None:
            return None
        return Presence(bool(r[0]), from_ts(r[1]), r[2], r[3])

    def of_many(self, session_id: str, attendee_ids: Iterable[str]) -> dict[str, Presence]:
        """Who of `attendee_ids` is admitted to `session_id`, when first and where."""
        ids = list(dict.fromkeys(attendee_ids))
        out: dict[str, Presence] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.c.execute(
                "SELECT attendee_id, inside, first_at, station, station_id FROM presence "
                f"WHERE session_id = ? AND attendee_id IN ({marks})",
                (session_id, *chunk),
            ):
                out[r[0]] = Presence(bool(r[1]), from_ts(r[2]), r[3], r[4])
        return out

    def admitted(self, session_id: str) -> int:
        row = self._one("SELECT admitted FROM session_counts WHERE session_id = ?", (session_id,))
        return int(row[0]) if row else 0

    # -- who may attend, who registered ----------------------------------------------------
    def may_attend(self, session_id: str, alias: str = "a") -> str:
        """SQL condition on attendee row `alias`: registered for the session if it is
        restricted, everyone otherwise (the one place that rule is written)."""
        live = f"{alias}.{LIVE}"
        if self.event().session(session_id).restricted:
            return (
                f"{live} AND EXISTS (SELECT 1 FROM json_each({alias}.sessions) j "
                "WHERE j.value = :s)"
            )
        return live

    def registered_for(self, session_id: str, alias: str = "a") -> str:
        """SQL condition on attendee row `alias`: who registered for the session. Where an
        attendee's registrations are known (a sessions column, a mapped ticket type), that
        is who chose it; an attendee with none recorded counts for every open session (the
        rule of `may_attend`). For restricted sessions both rules are the same."""
        live = f"{alias}.{LIVE}"
        chose = f"EXISTS (SELECT 1 FROM json_each({alias}.sessions) j WHERE j.value = :s)"
        if self.event().session(session_id).restricted:
            return f"{live} AND {chose}"
        return f"{live} AND ({alias}.sessions = '[]' OR {chose})"

    def _count_where(self, condition: str, session_id: str) -> int:
        row = self._one(f"SELECT COUNT(*) FROM attendees a WHERE {condition}", {"s": session_id})
        return int(row[0]) if row else 0

    # -- figures ---------------------------------------------------------------------------
    def refused_counts(self) -> dict[str, dict[Outcome, int]]:
        """Entry scans that admitted nobody, per session and outcome."""
        out: dict[str, dict[Outcome, int]] = {}
        for sid, outcome, n in self.c.execute(
            "SELECT session_id, outcome, n FROM scan_counts WHERE kind = 'entry'"
        ):
            try:
                out.setdefault(sid, {})[Outcome(outcome)] = int(n)
            except ValueError:  # an outcome of a newer release
                continue
        return out

    def stats(self) -> list[SessionStats]:
        event = self.event()
        total = self.people.count()
        refused = self.refused_counts()
        out = []
        for s in event.sessions:
            counts = self._one("SELECT * FROM session_counts WHERE session_id = ?", (s.id,))
            registered = self._count_where(self.registered_for(s.id), s.id)
            mine = refused.get(s.id, {})
            out.append(
                SessionStats(
                    session_id=s.id,
                    title=s.title,
                    title_zh=s.title_zh,
                    capacity=s.capacity,
                    registered=registered,
                    may_attend=registered if s.restricted else total,
                    admitted=int(counts["admitted"]) if counts else 0,
                    inside=int(counts["inside"]) if counts else 0,
                    exits_scanned=bool(counts and counts["exits"]),
                    # One definition of "refused" everywhere (Outcome.refused): a repeat
                    # scan of someone already checked in is counted apart.
                    refused={k: v for k, v in mine.items() if k.refused},
                    repeats=mine.get(Outcome.ALREADY_CHECKED_IN, 0),
                )
            )
        return out

    def attendance(self, session_id: str | None = None) -> Iterator[AttendanceRow]:
        sql = (
            "SELECT a.*, p.session_id AS p_session, p.first_at, p.station AS p_station, "
            "p.inside FROM presence p JOIN sessions s USING (session_id) "
            "JOIN attendees a ON a.attendee_id = p.attendee_id"
        )
        params: tuple[str, ...] = ()
        if session_id:
            sql, params = sql + " WHERE p.session_id = ?", (session_id,)
        for r in self.c.execute(sql + " ORDER BY s.position, p.first_at", params):
            yield AttendanceRow(
                attendee=self.people.of(r),
                session_id=r["p_session"],
                first_at=from_ts(r["first_at"]),
                station=r["p_station"],
                inside=bool(r["inside"]),
            )

    def no_shows(self, session_id: str) -> list[Attendee]:
        """Registered for the session (see `registered_for`) and not admitted."""
        rows = self.c.execute(
            f"SELECT a.* FROM attendees a WHERE {self.registered_for(session_id)} AND NOT "
            "EXISTS (SELECT 1 FROM presence p WHERE p.session_id = :s AND "
            "p.attendee_id = a.attendee_id) ORDER BY a.name = '', a.name, a.name_zh, a.attendee_id",
            {"s": session_id},
        )
        return [self.people.of(r) for r in rows]

    def arrivals(self, session_id: str, bucket_minutes: int = 10) -> list[tuple[datetime, int]]:
        """Admitted first arrivals per time bucket (bucket start, count), gaps filled with 0."""
        width = bucket_minutes * 60
        rows = self.c.execute(
            "SELECT (CAST(strftime('%s', first_at) AS INTEGER) / ?) * ? AS b, COUNT(*) "
            "FROM presence WHERE session_id = ? GROUP BY b ORDER BY b",
            (width, width, session_id),
        ).fetchall()
        if not rows:
            return []
        counts = {int(b): int(n) for b, n in rows}
        start, end = min(counts), max(counts)
        return [
            (datetime.fromtimestamp(b, UTC), counts.get(b, 0)) for b in range(start, end + 1, width)
        ]
