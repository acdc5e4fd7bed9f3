"""Reads of the attendee, badge and print projections (`tx.people`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

from kiosk.models.names import fts_query
from kiosk.models.records import ATTENDEE_FIELDS, Attendee, AttendeeInput, Badge, Category
from kiosk.storage.base import from_json, from_ts

LIVE = "merged_into IS NULL"

#: The event's session ids in program order ((): no event yet, sessions as stored).
SessionOrder = Callable[[], tuple[str, ...]]


def no_order() -> tuple[str, ...]:
    return ()


def attendee_of(row: sqlite3.Row, order: SessionOrder = no_order) -> Attendee:
    return Attendee(
        attendee_id=row["attendee_id"],
        name=row["name"],
        name_zh=row["name_zh"],
        organization=row["organization"],
        organization_zh=row["organization_zh"],
        title=row["title"],
        email=row["email"],
        phone=row["phone"],
        category=Category.of(row["category"]),
        delegation=row["delegation"],
        notes=row["notes"],
        attention=bool(row["attention"]),
        external_id=row["external_id"],
        sessions=_ordered(order(), from_json(row["sessions"]) or []),
        walk_in=bool(row["walk_in"]),
    )


def _ordered(order: tuple[str, ...], sessions: list[str]) -> tuple[str, ...]:
    if not order:
        return tuple(sessions)
    rank = {s: i for i, s in enumerate(order)}
    return tuple(sorted(sessions, key=lambda x: rank.get(x, 99)))


def _badge(row: sqlite3.Row) -> Badge:
    return Badge(
        badge_id=row["badge_id"],
        attendee_id=row["attendee_id"],
        version=row["version"],
        issued_at=from_ts(row["issued_at"]),
        revoked_at=from_ts(row["revoked_at"]) if row["revoked_at"] else None,
    )


class People:
    """Attendees, their badges and prints, read through one connection."""

    def __init__(self, c: sqlite3.Connection, order: SessionOrder = no_order) -> None:
        self.c = c
        self.order = order

    def _one(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.c.execute(sql, params).fetchone()
        return row

    def of(self, row: sqlite3.Row) -> Attendee:
        return attendee_of(row, self.order)

    def attendee(self, attendee_id: str) -> Attendee | None:
        """By id; a record merged into another resolves to the one kept."""
        row = self._one("SELECT * FROM attendees WHERE attendee_id = ?", (attendee_id,))
        hops = 0
        while row is not None and row["merged_into"] and hops < 8:
            row = self._one("SELECT * FROM attendees WHERE attendee_id = ?", (row["merged_into"],))
            hops += 1
        return None if row is None else self.of(row)

    def find(self, ref: str) -> Attendee | None:
        """By attendee id, external id, or email (case-insensitive)."""
        ref = ref.strip()
        if not ref:
            return None
        found = self.attendee(ref)
        if found is None:
            row = self._one(
                f"SELECT attendee_id FROM attendees WHERE external_id = ? AND external_id != '' "
                f"AND {LIVE} UNION ALL SELECT attendee_id FROM attendees WHERE email = ? "
                f"COLLATE NOCASE AND email != '' AND {LIVE} LIMIT 1",
                (ref, ref),
            )
            found = self.attendee(row[0]) if row else None
        return found

    def everyone(self, category: Category | str | None = None) -> Iterator[Attendee]:
        """Every live attendee by name; with `category`, those of it (an unknown one: none)."""
        sql = f"SELECT * FROM attendees WHERE {LIVE}"
        params: tuple[str, ...] = ()
        if category:
            sql, params = sql + " AND category = ?", (str(category),)
        for row in self.c.execute(sql + " ORDER BY name = '', name, name_zh, attendee_id", params):
            yield self.of(row)

    def count(self) -> int:
        row = self._one(f"SELECT COUNT(*) FROM attendees WHERE {LIVE}")
        return int(row[0]) if row else 0

    def search(self, text: str, limit: int = 50) -> list[Attendee]:
        q = fts_query(text)
        if not q:
            return []
        # The first matches in index order, then sorted by name: a one-letter query on
        # 100,000 attendees stays fast (the list shows 50 anyway).
        rows = self.c.execute(
            f"SELECT * FROM attendees WHERE {LIVE} AND rowid IN "
            "(SELECT rowid FROM attendee_fts WHERE attendee_fts MATCH ? LIMIT 400) "
            "ORDER BY name = '', name, name_zh LIMIT ?",
            (q, limit),
        ).fetchall()
        exact = self.find(text)
        out = [self.of(r) for r in rows]
        if exact and all(a.attendee_id != exact.attendee_id for a in out):
            out.insert(0, exact)
        return out[:limit]

    def badge(self, badge_id: int) -> Badge | None:
        row = self._one("SELECT * FROM badges WHERE badge_id = ?", (badge_id,))
        return None if row is None else _badge(row)

    def current_badge(self, attendee_id: str) -> Badge | None:
        row = self._one(
            "SELECT * FROM badges WHERE attendee_id = ? AND revoked_at IS NULL "
            "ORDER BY version DESC, badge_id DESC LIMIT 1",
            (attendee_id,),
        )
        return None if row is None else _badge(row)

    def next_badge_version(self, attendee_id: str) -> int:
        row = self._one("SELECT MAX(version) FROM badges WHERE attendee_id = ?", (attendee_id,))
        return int(row[0] or 0) + 1 if row else 1

    def live_badges(self, attendee_id: str) -> list[int]:
        """The attendee's badges that are not revoked (a reprint revokes them all)."""
        return [
            int(r[0])
            for r in self.c.execute(
                "SELECT badge_id FROM badges WHERE attendee_id = ? AND revoked_at IS NULL",
                (attendee_id,),
            )
        ]

    def id_taken(self, attendee_id: str) -> bool:
        """Whether an attendee id is in use (merged records too: ids are never reused)."""
        return (
            self._one("SELECT 1 FROM attendees WHERE attendee_id = ?", (attendee_id,)) is not None
        )

    def unkeyed_inputs(self) -> set[AttendeeInput]:
        """Attendees without external id and email, as imported (to skip exact re-imports)."""
        found: set[AttendeeInput] = set()
        for r in self.c.execute(
            f"SELECT * FROM attendees WHERE external_id = '' AND email = '' AND {LIVE}"
        ):
            a = self.of(r)
            found.add(AttendeeInput(**{k: getattr(a, k) for k in ATTENDEE_FIELDS},
                                    sessions=a.sessions))  # fmt: skip
        return found

    def unbadged(self) -> list[str]:
        """Attendees without any badge, in the order they were added."""
        return [
            r[0]
            for r in self.c.execute(
                f"SELECT attendee_id FROM attendees WHERE {LIVE} AND attendee_id NOT IN "
                "(SELECT attendee_id FROM badges) ORDER BY created_at, rowid"
            )
        ]

    def prints(self, attendee_id: str) -> list[dict[str, Any]]:
        rows = self.c.execute(
            "SELECT * FROM prints WHERE attendee_id = ? ORDER BY at, uuid", (attendee_id,)
        )
        return [dict(r) for r in rows]
