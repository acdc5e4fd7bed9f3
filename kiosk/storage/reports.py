"""Attendance figures read from the store: per-session stats, arrivals, no-shows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendanceRow, Attendee, SessionStats
from kiosk.storage.base import StoreBase, from_ts


class Reports(StoreBase):
    def may_attend(self, session_id: str, alias: str = "a") -> str:
        """SQL condition on attendee row `alias`: registered for the session if it is
        restricted, everyone otherwise (the one place that rule is written)."""
        if self.event().session(session_id).restricted:
            return f"EXISTS (SELECT 1 FROM json_each({alias}.sessions) j WHERE j.value = :s)"
        return "1"

    # -- reports ---------------------------------------------------------------------------
    def stats(self) -> list[SessionStats]:
        event = self.event()
        total = self.count_attendees()
        refused: dict[str, dict[str, int]] = {}
        repeats: dict[str, int] = {}
        for sid, outcome, n in self.conn.execute(
            "SELECT l.session_id, l.outcome, COUNT(*) FROM log l WHERE l.kind = 'entry' "
            "AND l.outcome NOT IN ('admitted') "
            "AND NOT EXISTS (SELECT 1 FROM log u WHERE u.annuls = l.uuid) "
            "GROUP BY l.session_id, l.outcome"
        ):
            # One definition of "refused" everywhere (Outcome.refused): a repeat scan of
            # someone already checked in is counted apart, as the PDF report does.
            if Outcome(outcome).refused:
                refused.setdefault(sid, {})[outcome] = n
            else:
                repeats[sid] = repeats.get(sid, 0) + n
        out = []
        for s in event.sessions:
            counts = self.one("SELECT * FROM session_counts WHERE session_id = ?", (s.id,))
            registered = total
            if s.restricted:
                reg = self.one(
                    f"SELECT COUNT(*) FROM attendees a WHERE {self.may_attend(s.id)}", {"s": s.id}
                )
                registered = int(reg[0]) if reg else 0
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
                    repeats=repeats.get(s.id, 0),
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
        for r in self.conn.execute(sql + " ORDER BY s.position, p.first_at", params):
            yield AttendanceRow(
                attendee=self.attendee_from_row(r),
                session_id=r["p_session"],
                first_at=from_ts(r["first_at"]),
                station=r["p_station"],
                inside=bool(r["inside"]),
            )

    def no_shows(self, session_id: str) -> list[Attendee]:
        """Registered for the session (everyone, for open sessions) and not admitted."""
        rows = self.conn.execute(
            f"SELECT a.* FROM attendees a WHERE {self.may_attend(session_id)} AND NOT EXISTS "
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
