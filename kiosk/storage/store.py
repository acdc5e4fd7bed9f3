"""The store: the one owner of an event database's SQLite connection.

WAL with synchronous=FULL, so that a check-in is on disk when the call returns.
Writes go through `write()` (BEGIN IMMEDIATE … COMMIT); the log is append-only.
A Store is used by one thread at a time (the thread that owns it).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kiosk.models.errors import NoEventError, StorageError
from kiosk.models.event import Event, event_from_dict
from kiosk.models.names import fts_query, search_keys
from kiosk.models.records import (
    ATTENDEE_FIELDS,
    Attendee,
    AttendeeInput,
    Badge,
    UpsertReport,
)
from kiosk.storage.base import from_ts, new_uuid, ts
from kiosk.storage.ledger import Ledger
from kiosk.storage.readviews import ReadViews
from kiosk.storage.reports import Reports
from kiosk.storage.schema import migrations

_ATTENDEE_COLS = list(ATTENDEE_FIELDS)


class Store(Ledger, Reports, ReadViews):
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
            # Checkpoint every ~16 MB of WAL instead of 4 MB: a checkpoint (an fsync of the
            # database file) lands on one check-in in ~1,000, not one in ~250.
            conn.execute("PRAGMA wal_autocheckpoint=4000")
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
    def attendee_from_row(self, row: sqlite3.Row) -> Attendee:
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
        return None if row is None else self.attendee_from_row(row)

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
            yield self.attendee_from_row(row)

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
            if progress and i % 5000 == 0:
                progress(i, len(rows))
            existing = by_ext.get(r.external_id) if r.external_id else None
            if existing is None and r.email and not r.external_id:
                existing = by_email.get(r.email.lower())
            if existing is None and r.email and r.external_id:
                cand = by_email.get(r.email.lower())
                existing = cand if cand is not None and not cand["external_id"] else None
            values = [getattr(r, k) for k in _ATTENDEE_COLS]
            values[_ATTENDEE_COLS.index("attention")] = int(r.attention)
            # Session ids are [a-z0-9-] (checked when the event loads): a JSON array as is.
            values.append(
                '["' + '","'.join(dict.fromkeys(r.sessions)) + '"]' if r.sessions else "[]"
            )
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
        out = [self.attendee_from_row(r) for r in rows]
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
