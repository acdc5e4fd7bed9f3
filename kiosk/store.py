"""The store: the one owner of an event database's SQLite connection.

WAL with synchronous=FULL, so that a check-in is on disk when the call returns.
Writes go through `write()` (BEGIN IMMEDIATE … COMMIT); the log is append-only.
A Store is used by one thread at a time (the thread that owns it).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kiosk.errors import NoEventError, StorageError
from kiosk.event import Event, event_from_dict
from kiosk.models import (
    AttendanceRow,
    Attendee,
    AttendeeInput,
    Badge,
    LogEntry,
    LogKind,
    SessionStats,
    UpsertReport,
)
from kiosk.outcomes import Method, Outcome
from kiosk.schema import migrations
from kiosk.search import fts_query, search_keys

_ATTENDEE_COLS = [
    "name",
    "name_zh",
    "organization",
    "organization_zh",
    "title",
    "email",
    "phone",
    "category",
    "delegation",
    "notes",
    "attention",
    "external_id",
]


def ts(dt: datetime) -> str:
    """Instants are stored as fixed-width UTC ISO text, so that text order is time order."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def from_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def new_uuid() -> str:
    return str(uuid.uuid4())


class Store:
    def __init__(self, conn: sqlite3.Connection, path: str = ":memory:") -> None:
        self.path = path
        self.conn = conn
        self.conn.row_factory = sqlite3.Row
        self.db = Database(conn, execute_plugins=False)
        self._event: Event | None = None
        self._order: dict[str, int] | None = None
        try:
            migrations.apply(self.db)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StorageError(f"{path}: not a Forum Check-in database ({exc})") from None

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path) -> Store:
        p = Path(path)
        if p.exists() and p.is_dir():
            raise StorageError(f"{p}: is a folder, not a database file")
        if not p.parent.exists():
            raise StorageError(f"{p.parent}: no such folder")
        try:
            conn = sqlite3.connect(str(p), timeout=10.0, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA cache_size=-65536")
        except sqlite3.Error as exc:
            raise StorageError(f"{p}: cannot open the database ({exc})") from None
        return cls(conn, str(p))

    @classmethod
    def memory(cls) -> Store:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.execute("PRAGMA foreign_keys=ON")
        return cls(conn)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One explicit write transaction. Storage failures become StorageError (nothing kept)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StorageError(f"{self.path}: cannot write ({exc})") from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise StorageError(f"{self.path}: cannot write ({exc}); nothing was recorded") from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    # -- settings and the event ------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        row = self.one("SELECT value FROM settings WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def set_setting(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def has_event(self) -> bool:
        return self.setting("event") is not None

    def event(self) -> Event:
        if self._event is None:
            raw = self.setting("event")
            if raw is None:
                raise NoEventError(f"{self.path}: no event loaded (run `init` or `demo` first)")
            self._event = event_from_dict(json.loads(raw), f"{self.path}:event")
        return self._event

    def set_event(self, event: Event, private_key: bytes | None, public_key: bytes) -> None:
        if self.has_event() and self.event().id != event.id:
            raise StorageError(
                f"{self.path}: already holds event {self.event().id!r}; use a new database"
            )
        with self.write() as c:
            self.set_setting(c, "event", json.dumps(event.to_dict(), ensure_ascii=False))
            self.set_setting(c, "public_key", public_key.hex())
            if private_key is not None:
                self.set_setting(c, "private_key", private_key.hex())
            self._order = None
            c.execute("DELETE FROM sessions")
            for i, s in enumerate(event.sessions):
                c.execute(
                    "INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (s.id, i, s.title, s.title_zh, s.room, s.room_zh, ts(s.start), ts(s.end),
                     s.capacity, int(s.restricted), int(s.reentry)),
                )  # fmt: skip
                c.execute("INSERT OR IGNORE INTO session_counts(session_id) VALUES (?)", (s.id,))
        self._event = event

    def keys(self) -> tuple[bytes | None, bytes]:
        pub = self.setting("public_key")
        if pub is None:
            raise NoEventError(f"{self.path}: no event loaded (run `init` or `demo` first)")
        priv = self.setting("private_key")
        return (bytes.fromhex(priv) if priv else None), bytes.fromhex(pub)

    def forget_private_key(self) -> None:
        with self.write() as c:
            c.execute("DELETE FROM settings WHERE key = 'private_key'")

    # -- attendees -------------------------------------------------------------------------
    def _attendee(self, row: sqlite3.Row) -> Attendee:
        return Attendee(
            attendee_id=row["attendee_id"],
            name=row["name"],
            name_zh=row["name_zh"],
            organization=row["organization"],
            organization_zh=row["organization_zh"],
            title=row["title"],
            email=row["email"],
            phone=row["phone"],
            category=row["category"],
            delegation=row["delegation"],
            notes=row["notes"],
            attention=bool(row["attention"]),
            external_id=row["external_id"],
            sessions=self._ordered(json.loads(row["sessions"])),
            walk_in=bool(row["walk_in"]),
        )

    def _ordered(self, sessions: list[str]) -> tuple[str, ...]:
        order = self._session_order()
        return tuple(sorted(sessions, key=lambda x: order.get(x, 99)))

    def _session_order(self) -> dict[str, int]:
        if self._order is None:
            self._order = {
                r[0]: r[1] for r in self.conn.execute("SELECT session_id, position FROM sessions")
            }
        return self._order

    def attendee(self, attendee_id: str) -> Attendee | None:
        row = self.one("SELECT * FROM attendees WHERE attendee_id = ?", (attendee_id,))
        return None if row is None else self._attendee(row)

    def sessions_of(self, attendee_id: str) -> tuple[str, ...]:
        a = self.attendee(attendee_id)
        return a.sessions if a else ()

    def find_attendee(self, ref: str) -> Attendee | None:
        """By attendee id, external id, or email (case-insensitive)."""
        ref = ref.strip()
        found = self.attendee(ref)
        if found is None and ref:
            row = self.one(
                "SELECT attendee_id FROM attendees WHERE external_id = ? AND external_id != '' "
                "UNION ALL SELECT attendee_id FROM attendees WHERE email = ? COLLATE NOCASE "
                "AND email != '' LIMIT 1",
                (ref, ref),
            )
            found = self.attendee(row[0]) if row else None
        return found

    def attendees(self, category: str | None = None) -> Iterator[Attendee]:
        sql = "SELECT * FROM attendees"
        params: tuple[str, ...] = ()
        if category:
            sql, params = sql + " WHERE category = ?", (category,)
        for row in self.conn.execute(
            sql + " ORDER BY name = '', name, name_zh, attendee_id", params
        ):
            yield self._attendee(row)

    def count_attendees(self) -> int:
        row = self.one("SELECT COUNT(*) FROM attendees")
        return int(row[0]) if row else 0

    def upsert_attendees(
        self,
        rows: Sequence[AttendeeInput],
        new_id: Callable[[], str],
        now: datetime,
        walk_in: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> UpsertReport:
        """Insert or update attendees in one transaction, keyed by external id, else email.

        `new_id` returns a candidate attendee id (retried until unused). Unchanged rows are
        untouched. Existing keys are read once, so a 100,000-row import is one pass.
        """
        stamp = ts(now)
        by_ext: dict[str, sqlite3.Row] = {}
        by_email: dict[str, sqlite3.Row] = {}
        known: set[str] = set()
        next_rowid = 1
        for row in self.conn.execute("SELECT rowid, * FROM attendees"):
            known.add(row["attendee_id"])
            next_rowid = max(next_rowid, row["rowid"] + 1)
            if row["external_id"]:
                by_ext[row["external_id"]] = row
            elif row["email"]:
                by_email[row["email"].lower()] = row
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        fts: list[tuple[int, str]] = []
        touched: list[tuple[str, int]] = []
        ids: list[str] = []
        unchanged = 0
        for i, r in enumerate(rows):
            existing = by_ext.get(r.external_id) if r.external_id else None
            if existing is None and r.email and not r.external_id:
                existing = by_email.get(r.email.lower())
            if existing is None and r.email and r.external_id:
                cand = by_email.get(r.email.lower())
                existing = cand if cand is not None and not cand["external_id"] else None
            values = [getattr(r, k) for k in _ATTENDEE_COLS]
            values[_ATTENDEE_COLS.index("attention")] = int(r.attention)
            values.append(json.dumps(list(dict.fromkeys(r.sessions))))
            if existing is None:
                aid = new_id()
                while aid in known:
                    aid = new_id()
                known.add(aid)
                rowid, next_rowid = next_rowid, next_rowid + 1
                inserts.append((rowid, aid, *values, int(walk_in), stamp, stamp))
            else:
                aid, rowid = existing["attendee_id"], existing["rowid"]
                old = [existing[k] for k in _ATTENDEE_COLS]
                if old == values[:-1] and set(json.loads(existing["sessions"])) == set(r.sessions):
                    unchanged += 1
                    ids.append(aid)
                    continue
                updates.append((*values, stamp, aid))
                touched.append((aid, rowid))
            fts.append(
                (rowid, search_keys(r.name, r.name_zh, r.organization, r.organization_zh, r.email))
            )
            ids.append(aid)
            if progress and i % 5000 == 0:
                progress(i, len(rows))
        cols = ", ".join([*_ATTENDEE_COLS, "sessions"])
        marks = ", ".join("?" * (len(_ATTENDEE_COLS) + 1))
        sets = ", ".join(f"{k} = ?" for k in [*_ATTENDEE_COLS, "sessions"])
        with self.write() as c:
            c.executemany(
                f"INSERT INTO attendees (rowid, attendee_id, {cols}, walk_in, created_at, "
                f"updated_at) VALUES (?, ?, {marks}, ?, ?, ?)",
                inserts,
            )
            c.executemany(
                f"UPDATE attendees SET {sets}, updated_at = ? WHERE attendee_id = ?", updates
            )
            c.executemany("DELETE FROM attendee_fts WHERE rowid = ?", [(r,) for _, r in touched])
            c.executemany("INSERT INTO attendee_fts(rowid, keys) VALUES (?, ?)", fts)
        if progress:
            progress(len(rows), len(rows))
        return UpsertReport(len(inserts), len(updates), unchanged, tuple(ids))

    def search(self, text: str, limit: int = 50) -> list[Attendee]:
        q = fts_query(text)
        if not q:
            return []
        # The first matches in index order, then sorted by name: a one-letter query on
        # 100,000 attendees stays fast (the list shows 50 anyway).
        rows = self.conn.execute(
            "SELECT * FROM attendees WHERE rowid IN "
            "(SELECT rowid FROM attendee_fts WHERE attendee_fts MATCH ? LIMIT 400) "
            "ORDER BY name = '', name, name_zh LIMIT ?",
            (q, limit),
        ).fetchall()
        exact = self.find_attendee(text)
        out = [self._attendee(r) for r in rows]
        if exact and all(a.attendee_id != exact.attendee_id for a in out):
            out.insert(0, exact)
        return out[:limit]

    # -- badges ----------------------------------------------------------------------------
    def _badge(self, row: sqlite3.Row) -> Badge:
        return Badge(
            badge_id=row["badge_id"],
            attendee_id=row["attendee_id"],
            version=row["version"],
            issued_at=from_ts(row["issued_at"]),
            revoked_at=from_ts(row["revoked_at"]) if row["revoked_at"] else None,
        )

    def badge(self, badge_id: int) -> Badge | None:
        row = self.one("SELECT * FROM badges WHERE badge_id = ?", (badge_id,))
        return None if row is None else self._badge(row)

    def current_badge(self, attendee_id: str) -> Badge | None:
        row = self.one(
            "SELECT * FROM badges WHERE attendee_id = ? AND revoked_at IS NULL "
            "ORDER BY version DESC LIMIT 1",
            (attendee_id,),
        )
        return None if row is None else self._badge(row)

    def badge_code_text(self, badge_id: int) -> str | None:
        row = self.one("SELECT code FROM badges WHERE badge_id = ?", (badge_id,))
        return None if row is None else str(row[0])

    def next_badge_version(self, attendee_id: str) -> int:
        row = self.one("SELECT MAX(version) FROM badges WHERE attendee_id = ?", (attendee_id,))
        return int(row[0] or 0) + 1 if row else 1

    def insert_badge(
        self, c: sqlite3.Connection, badge_id: int, attendee_id: str, version: int, code: str,
        at: datetime,
    ) -> None:  # fmt: skip
        c.execute(
            "INSERT INTO badges (badge_id, attendee_id, version, code, issued_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (badge_id, attendee_id, version, code, ts(at)),
        )

    def revoke_badges(
        self, c: sqlite3.Connection, attendee_id: str, at: datetime, why: str
    ) -> None:
        c.execute(
            "UPDATE badges SET revoked_at = ?, revoked_reason = ? "
            "WHERE attendee_id = ? AND revoked_at IS NULL",
            (ts(at), why, attendee_id),
        )

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
        return [self._attendee(r) for r in rows]

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

    # -- print log -------------------------------------------------------------------------
    def record_print(
        self, attendee_id: str, badge_id: int, station: str, operator: str, at: datetime,
        reason: str = "",
    ) -> str:  # fmt: skip
        u = new_uuid()
        with self.write() as c:
            c.execute(
                "INSERT INTO prints VALUES (?, ?, ?, ?, ?, ?, ?)",
                (u, attendee_id, badge_id, ts(at), station, operator, reason),
            )
        return u

    def prints(self, attendee_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT * FROM prints WHERE attendee_id = ? ORDER BY at", (attendee_id,)
        )
        return [dict(r) for r in rows]

    def checkpoint(self) -> None:
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
