"""Read queries on the attendee, badge and print projections."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kiosk.models.names import fts_query
from kiosk.models.records import ATTENDEE_FIELDS, Attendee, AttendeeInput, Badge
from kiosk.storage.base import from_json, from_ts

if TYPE_CHECKING:
    from kiosk.storage.store import Store

LIVE = "merged_into IS NULL"


def attendee_of(store: Store, row: sqlite3.Row) -> Attendee:
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
        sessions=_ordered(store, from_json(row["sessions"]) or []),
        walk_in=bool(row["walk_in"]),
    )


def _ordered(store: Store, sessions: list[str]) -> tuple[str, ...]:
    try:
        order = {s.id: i for i, s in enumerate(store.event().sessions)}
    except Exception:  # no event yet: as stored
        return tuple(sessions)
    return tuple(sorted(sessions, key=lambda x: order.get(x, 99)))


def attendee(store: Store, attendee_id: str) -> Attendee | None:
    """By id; a record merged into another resolves to the one kept."""
    row = store.one("SELECT * FROM attendees WHERE attendee_id = ?", (attendee_id,))
    hops = 0
    while row is not None and row["merged_into"] and hops < 8:
        row = store.one("SELECT * FROM attendees WHERE attendee_id = ?", (row["merged_into"],))
        hops += 1
    return None if row is None else attendee_of(store, row)


def find(store: Store, ref: str) -> Attendee | None:
    """By attendee id, external id, or email (case-insensitive)."""
    ref = ref.strip()
    if not ref:
        return None
    found = attendee(store, ref)
    if found is None:
        row = store.one(
            f"SELECT attendee_id FROM attendees WHERE external_id = ? AND external_id != '' "
            f"AND {LIVE} UNION ALL SELECT attendee_id FROM attendees WHERE email = ? "
            f"COLLATE NOCASE AND email != '' AND {LIVE} LIMIT 1",
            (ref, ref),
        )
        found = attendee(store, row[0]) if row else None
    return found


def everyone(store: Store, category: str | None = None) -> Iterator[Attendee]:
    sql = f"SELECT * FROM attendees WHERE {LIVE}"
    params: tuple[str, ...] = ()
    if category:
        sql, params = sql + " AND category = ?", (category,)
    for row in store.conn.execute(sql + " ORDER BY name = '', name, name_zh, attendee_id", params):
        yield attendee_of(store, row)


def count(store: Store) -> int:
    row = store.one(f"SELECT COUNT(*) FROM attendees WHERE {LIVE}")
    return int(row[0]) if row else 0


def search(store: Store, text: str, limit: int = 50) -> list[Attendee]:
    q = fts_query(text)
    if not q:
        return []
    # The first matches in index order, then sorted by name: a one-letter query on
    # 100,000 attendees stays fast (the list shows 50 anyway).
    rows = store.conn.execute(
        f"SELECT * FROM attendees WHERE {LIVE} AND rowid IN "
        "(SELECT rowid FROM attendee_fts WHERE attendee_fts MATCH ? LIMIT 400) "
        "ORDER BY name = '', name, name_zh LIMIT ?",
        (q, limit),
    ).fetchall()
    exact = find(store, text)
    out = [attendee_of(store, r) for r in rows]
    if exact and all(a.attendee_id != exact.attendee_id for a in out):
        out.insert(0, exact)
    return out[:limit]


def _badge(row: sqlite3.Row) -> Badge:
    return Badge(
        badge_id=row["badge_id"],
        attendee_id=row["attendee_id"],
        version=row["version"],
        issued_at=from_ts(row["issued_at"]),
        revoked_at=from_ts(row["revoked_at"]) if row["revoked_at"] else None,
    )


def badge(store: Store, badge_id: int) -> Badge | None:
    row = store.one("SELECT * FROM badges WHERE badge_id = ?", (badge_id,))
    return None if row is None else _badge(row)


def current_badge(store: Store, attendee_id: str) -> Badge | None:
    row = store.one(
        "SELECT * FROM badges WHERE attendee_id = ? AND revoked_at IS NULL "
        "ORDER BY version DESC, badge_id DESC LIMIT 1",
        (attendee_id,),
    )
    return None if row is None else _badge(row)


def next_badge_version(store: Store, attendee_id: str) -> int:
    row = store.one("SELECT MAX(version) FROM badges WHERE attendee_id = ?", (attendee_id,))
    return int(row[0] or 0) + 1 if row else 1


def live_badges(store: Store, attendee_id: str) -> list[int]:
    """The attendee's badges that are not revoked (a reprint revokes them all)."""
    return [
        int(r[0])
        for r in store.conn.execute(
            "SELECT badge_id FROM badges WHERE attendee_id = ? AND revoked_at IS NULL",
            (attendee_id,),
        )
    ]


def id_taken(store: Store, attendee_id: str) -> bool:
    """Whether an attendee id is in use (merged records too: ids are never reused)."""
    row = store.one("SELECT 1 FROM attendees WHERE attendee_id = ?", (attendee_id,))
    return row is not None


def unkeyed_inputs(store: Store) -> set[AttendeeInput]:
    """Attendees without external id and email, as imported (to skip exact re-imports)."""
    found: set[AttendeeInput] = set()
    for r in store.conn.execute(
        f"SELECT * FROM attendees WHERE external_id = '' AND email = '' AND {LIVE}"
    ):
        a = attendee_of(store, r)
        found.add(AttendeeInput(**{k: getattr(a, k) for k in ATTENDEE_FIELDS},
                                sessions=a.sessions))  # fmt: skip
    return found


def unbadged(store: Store) -> list[str]:
    """Attendees without any badge, in the order they were added."""
    return [
        r[0]
        for r in store.conn.execute(
            f"SELECT attendee_id FROM attendees WHERE {LIVE} AND attendee_id NOT IN "
            "(SELECT attendee_id FROM badges) ORDER BY created_at, rowid"
        )
    ]


def prints(store: Store, attendee_id: str) -> list[dict[str, Any]]:
    rows = store.conn.execute(
        "SELECT * FROM prints WHERE attendee_id = ? ORDER BY at, uuid", (attendee_id,)
    )
    return [dict(r) for r in rows]
