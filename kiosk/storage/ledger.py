"""The append-only log of check-in events, and presence derived from it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime

from kiosk.models.outcomes import Method, Outcome
from kiosk.models.records import LogEntry, LogKind
from kiosk.storage.base import StoreBase, from_ts, new_uuid, ts


class Ledger(StoreBase):
    # -- the log ---------------------------------------------------------------------------
    def append_log(
        self,
        c: sqlite3.Connection,
        kind: LogKind,
        at: datetime,
        *,
        session_id: str = "",
        station: str = "",
        operator: str = "",
        method: Method | None = None,
        outcome: Outcome | None = None,
        attendee_id: str | None = None,
        badge_id: int | None = None,
        code: str = "",
        annuls: str | None = None,
        reason: str = "",
    ) -> str:
        u = new_uuid()
        c.execute(
            "INSERT INTO log (uuid, kind, at, session_id, station, operator, method, outcome, "
            "attendee_id, badge_id, code, annuls, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (u, kind.value, ts(at), session_id, station, operator,
             method.value if method else None, outcome.value if outcome else None,
             attendee_id, badge_id, code[:512], annuls, reason),
        )  # fmt: skip
        return u

    def _entry(self, row: sqlite3.Row) -> LogEntry:
        return LogEntry(
            uuid=row["uuid"],
            seq=row["seq"],
            kind=LogKind(row["kind"]),
            at=from_ts(row["at"]),
            session_id=row["session_id"],
            station=row["station"],
            operator=row["operator"],
            method=Method(row["method"]) if row["method"] else None,
            outcome=Outcome(row["outcome"]) if row["outcome"] else None,
            attendee_id=row["attendee_id"],
            badge_id=row["badge_id"],
            code=row["code"],
            annuls=row["annuls"],
            reason=row["reason"],
            annulled=bool(row["annulled"]),
        )

    _LOG_SELECT = (
        "SELECT l.*, EXISTS(SELECT 1 FROM log u WHERE u.annuls = l.uuid) AS annulled FROM log l"
    )

    def log_entry(self, log_uuid: str) -> LogEntry | None:
        row = self.one(self._LOG_SELECT + " WHERE l.uuid = ?", (log_uuid,))
        return None if row is None else self._entry(row)

    def log(
        self,
        session_id: str | None = None,
        since_seq: int = 0,
        newest_first: bool = False,
        limit: int | None = None,
        station: str | None = None,
    ) -> Iterator[LogEntry]:
        where, params = ["l.seq > ?"], [since_seq]
        if session_id:
            where.append("l.session_id = ?")
            params.append(session_id)  # type: ignore[arg-type]
        if station:
            where.append("l.station = ?")
            params.append(station)  # type: ignore[arg-type]
        sql = f"{self._LOG_SELECT} WHERE {' AND '.join(where)} ORDER BY l.seq"
        sql += " DESC" if newest_first else ""
        sql += f" LIMIT {int(limit)}" if limit else ""
        for row in self.conn.execute(sql, params):
            yield self._entry(row)

    def last_seq(self) -> int:
        row = self.one("SELECT MAX(seq) FROM log")
        return int(row[0] or 0) if row else 0

    # -- presence (derived from the log) ---------------------------------------------------
    def presence(self, session_id: str, attendee_id: str) -> sqlite3.Row | None:
        return self.one(
            "SELECT * FROM presence WHERE session_id = ? AND attendee_id = ?",
            (session_id, attendee_id),
        )

    def admitted_count(self, session_id: str) -> int:
        row = self.one("SELECT admitted FROM session_counts WHERE session_id = ?", (session_id,))
        return int(row[0]) if row else 0

    def rebuild_presence(self, c: sqlite3.Connection, session_id: str, attendee_id: str) -> None:
        """Replay the log for one attendee and session (after an undo)."""
        rows = c.execute(
            "SELECT l.uuid, l.kind, l.at, l.station, l.outcome FROM log l "
            "WHERE l.session_id = ? AND l.attendee_id = ? AND l.kind IN ('entry', 'exit') "
            "AND l.outcome IN ('admitted', 'exited') "
            "AND NOT EXISTS (SELECT 1 FROM log u WHERE u.annuls = l.uuid) ORDER BY l.seq",
            (session_id, attendee_id),
        ).fetchall()
        old = c.execute(
            "SELECT inside FROM presence WHERE session_id = ? AND attendee_id = ?",
            (session_id, attendee_id),
        ).fetchone()
        c.execute(
            "DELETE FROM presence WHERE session_id = ? AND attendee_id = ?",
            (session_id, attendee_id),
        )
        first = None
        inside = 0
        for r in rows:
            if r["kind"] == "entry":
                first = first or r
                inside = 1
            else:
                inside = 0
        if first is not None:
            c.execute(
                "INSERT INTO presence VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, attendee_id, first["uuid"], first["at"], first["station"], inside),
            )
        d_admitted = (1 if first else 0) - (1 if old else 0)
        d_inside = inside - (old["inside"] if old else 0)
        c.execute(
            "UPDATE session_counts SET admitted = admitted + ?, inside = inside + ? "
            "WHERE session_id = ?",
            (d_admitted, d_inside, session_id),
        )

    def admit(
        self, c: sqlite3.Connection, session_id: str, attendee_id: str, entry_uuid: str,
        at: datetime, station: str,
    ) -> None:  # fmt: skip
        cur = c.execute(
            "UPDATE presence SET inside = 1 WHERE session_id = ? AND attendee_id = ? AND inside = 0",
            (session_id, attendee_id),
        )
        if cur.rowcount:
            c.execute(
                "UPDATE session_counts SET inside = inside + 1 WHERE session_id = ?", (session_id,)
            )
            return
        c.execute(
            "INSERT INTO presence VALUES (?, ?, ?, ?, ?, 1)",
            (session_id, attendee_id, entry_uuid, ts(at), station),
        )
        c.execute(
            "UPDATE session_counts SET admitted = admitted + 1, inside = inside + 1 "
            "WHERE session_id = ?",
            (session_id,),
        )

    def leave(self, c: sqlite3.Connection, session_id: str, attendee_id: str) -> None:
        c.execute(
            "UPDATE presence SET inside = 0 WHERE session_id = ? AND attendee_id = ?",
            (session_id, attendee_id),
        )
        c.execute(
            "UPDATE session_counts SET inside = inside - 1, exits = exits + 1 WHERE session_id = ?",
            (session_id,),
        )
