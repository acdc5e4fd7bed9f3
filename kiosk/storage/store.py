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
from kiosk.storage.reports import Reports
from kiosk.storage.schema import migrations
from kiosk.storage.tickets import Tickets

_ATTENDEE_COLS = list(ATTENDEE_FIELDS)


class Store(Ledger, Reports, Tickets):
    def __init__(self, conn: sqlite3.Connection, path: str = ":memory:") -> None:
        self.path = path
        self.conn = conn
        self.conn.row_factory = sqlite3.Row
        self.db = Database(conn, execute_plugins=False)
        self._event: Event | None = None
        self._order: dict[str, int] | None = None
        self._batch = False
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
        """One explicit write transaction. Storage failures become StorageError (nothing kept).
        Inside `batch()`, writes join the batch's transaction."""
        if self._batch:
            yield self.conn
            return
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

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several writes that take effect together, or not at all (an import in chunks)."""
        if self._batch:
            yield
            return
        with self.write():
            self._batch = True
            try:
                yield
            finally:
                self._batch = False

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

    def _existing(self, rows: Sequence[AttendeeInput]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The stored attendees these rows name: by external id, and (without one) by email."""
        by_ext: dict[str, Any] = {}
        by_email: dict[str, Any] = {}
        ext = list({r.external_id for r in rows if r.external_id})
        emails = list({r.email.lower() for r in rows if r.email})
        # The "!= ''" conditions let the partial indexes serve: without them, a full scan.
        for row in self.rows_in(
            "SELECT rowid, * FROM attendees WHERE external_id != '' AND external_id "
            "IN ({marks})", ext
        ):  # fmt: skip
            by_ext[row["external_id"]] = row
        for row in self.rows_in(
            "SELECT rowid, * FROM attendees WHERE email != '' AND email COLLATE NOCASE "
            "IN ({marks}) AND external_id = ''", emails
        ):  # fmt: skip
            by_email[row["email"].lower()] = row
        return by_ext, by_email

    def _fresh_ids(self, new_id: Callable[[], str], batch: int) -> Iterator[str]:
        """Unused attendee ids from `new_id`, checked against the table `batch` at a time."""
        while True:
            ids = list(dict.fromkeys(new_id() for _ in range(batch)))
            sql = "SELECT attendee_id FROM attendees WHERE attendee_id IN ({marks})"
            taken = {r[0] for r in self.rows_in(sql, ids)}
            yield from (a for a in ids if a not in taken)

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
        untouched. Only the attendees these rows name are read (indexed look-ups), so an
        import in chunks costs the same per chunk however many attendees there are.
        A row's `ticket_code` becomes an accepted foreign ticket of that attendee.
        """
        stamp = ts(now)
        by_ext, by_email = self._existing(rows)
        codes = self.foreign_codes_of(
            [r["attendee_id"] for r in (*by_ext.values(), *by_email.values())]
        )
        row = self.one("SELECT MAX(rowid) FROM attendees")
        next_rowid = int(row[0] or 0) + 1 if row else 1
        known: set[str] = set()
        fresh = self._fresh_ids(new_id, max(1, min(1000, len(rows))))
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        fts: list[tuple[int, str]] = []
        touched: list[tuple[str, int]] = []
        tickets: list[tuple[str, str]] = []
        ids: list[str] = []
        unchanged = 0
        for i, r in enumerate(rows):
            if progress and i % 5000 == 0:
                progress(i, len(rows))
            existing = by_ext.get(r.external_id) if r.external_id else None
            if existing is None and r.email:
                existing = by_email.get(r.email.lower())
            values = [getattr(r, k) for k in _ATTENDEE_COLS]
            values[_ATTENDEE_COLS.index("attention")] = int(r.attention)
            # Session ids are [a-z0-9-] (checked when the event loads): a JSON array as is.
            values.append(
                '["' + '","'.join(dict.fromkeys(r.sessions)) + '"]' if r.sessions else "[]"
            )
            if existing is None:
                aid = next(fresh)
                while aid in known:
                    aid = next(fresh)
                known.add(aid)
                rowid, next_rowid = next_rowid, next_rowid + 1
                inserts.append((rowid, aid, *values, int(walk_in), stamp, stamp))
                if r.ticket_code:
                    tickets.append((aid, r.ticket_code))
            else:
                aid, rowid = existing["attendee_id"], existing["rowid"]
                new_code = bool(r.ticket_code) and r.ticket_code not in codes.get(aid, ())
                if new_code:
                    tickets.append((aid, r.ticket_code))
                old = [existing[k] for k in _ATTENDEE_COLS]
                if old == values[:-1] and set(json.loads(existing["sessions"])) == set(r.sessions):
                    if not new_code:
                        unchanged += 1
                    else:
                        updates.append((*values, stamp, aid))
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
            self.record_foreign_tickets(c, tickets, now)
        if progress:
            progress(len(rows), len(rows))
        return UpsertReport(len(inserts), len(updates), unchanged, tuple(ids))

    def unkeyed_inputs(self) -> set[AttendeeInput]:
        """Attendees without external id and email, as imported (to skip exact re-imports)."""
        found: set[AttendeeInput] = set()
        for r in self.conn.execute(
            f"SELECT {', '.join(_ATTENDEE_COLS)}, sessions FROM attendees "
            "WHERE external_id = '' AND email = ''"
        ):
            values = {k: r[k] for k in _ATTENDEE_COLS}
            values["attention"] = bool(values["attention"])
            found.add(AttendeeInput(**values, sessions=self._ordered(json.loads(r["sessions"]))))
        return found

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
        self.revoke_all(c, "badges", attendee_id, at, why)

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
