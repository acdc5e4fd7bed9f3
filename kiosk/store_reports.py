"""Attendance figures read from the store: per-session stats, arrivals, no-shows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from kiosk.models import AttendanceRow, Attendee, SessionStats
from kiosk.storebase import StoreBase, from_ts


class Reports(StoreBase):
    # -- reports ---------------------------------------------------------------------------
    def stats(self) -> list[SessionStats]:
        event = self.event()
        total = self.count_attendees()
        refused: dict[str, dict[str, int]] = {}
        for sid, outcome, n in self.conn.execute(
            "SELECT l.session_id, l.outcome, COUNT(*) FROM log l WHERE l.kind = 'entry' "
            "AND l.outcome NOT IN ('admitted') "
            "AND NOT EXISTS (SELECT 1 FROM log u WHERE u.annuls = l.uuid) "
            "GROUP BY l.session_id, l.outcome"
        ):
            refused.setdefault(sid, {})[outcome] = n
        out = []
        for s in event.sessions:
            counts = self.one("SELECT * FROM session_counts WHERE session_id = ?", (s.id,))
            if s.restricted:
                reg = self.one(
                    "SELECT COUNT(*) FROM attendees a, json_each(a.sessions) j WHERE j.value = ?",
                    (s.id,),
                )
                registered = int(reg[0]) if reg else 0
            else:
                registered = total
            out.append(
                SessionStats(
                    session_id=s.id,
                    title=s.title,
                    title_zh=s.title_zh,
                    capacity=s.capacity,
                    registered=registered,
                    admitted=int(counts["admitted"]) if counts else 0,
                    inside=int(counts["inside"]) if counts else 0,
                    exits_scanned=bool(counts and counts["exits"]),
                    refused=refused.get(s.id, {}),
                )
            )
        return out

    def attendance(self, session_id: str | None = None) -> Iterator[AttendanceRow]:
        sql = (
            "SELECT p.session_id, p.first_at, p.station, p.inside, p.attendee_id "
            "FROM presence p JOIN sessions s USING (session_id)"
        )
        params: tuple[str, ...] = ()
        if session_id:
            sql, params = sql + " WHERE p.session_id = ?", (session_id,)
        rows = self.conn.execute(sql + " ORDER BY s.position, p.first_at", params).fetchall()
        cache: dict[str, Attendee] = {}
        for r in rows:
            aid = r["attendee_id"]
            if aid not in cache:
                a = self.attendee(aid)
                if a is None:
                    continue
                cache[aid] = a
            yield AttendanceRow(
                attendee=cache[aid],
                session_id=r["session_id"],
                first_at=from_ts(r["first_at"]),
                station=r["station"],
                inside=bool(r["inside"]),
            )

    def no_shows(self, session_id: str) -> list[Attendee]:
        """Registered for the session (everyone, for open sessions) and not admitted."""
        s = self.event().session(session_id)
        registered = (
            "EXISTS (SELECT 1 FROM json_each(a.sessions) j WHERE j.value = :s)"
            if s.restricted
            else "1"
        )
        rows = self.conn.execute(
            f"SELECT a.* FROM attendees a WHERE {registered} AND NOT EXISTS "
            "(SELECT 1 FROM presence p WHERE p.session_id = :s AND p.attendee_id = a.attendee_id) "
            "ORDER BY a.name = '', a.name, a.name_zh, a.attendee_id",
            {"s": session_id},
        )
        return [self.attendee_from_row(r) for r in rows]

    def arrivals(self, session_id: str, bucket_minutes: int = 10) -> list[tuple[datetime, int]]:
        """Admitted first arrivals per time bucket (bucket start, count), gaps filled with 0."""
        width = bucket_minutes * 60
        rows = self.conn.execute(
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
