"""The projections of a store as plain, comparable data (rowids left out: they are local)."""

from __future__ import annotations

from typing import Any

from kiosk.storage.store import Store
from kiosk.storage.tables import PROJECTIONS
from tests.helpers.reads import reads


def projection_tables(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    c = store.conn
    for table in PROJECTIONS:
        if table == "attendee_fts":
            rows = c.execute(
                "SELECT a.attendee_id, f.keys FROM attendee_fts f "
                "JOIN attendees a ON a.rowid = f.rowid"
            ).fetchall()
        else:
            rows = c.execute(f"SELECT * FROM {table}").fetchall()
        out[table] = sorted(tuple(r) for r in rows)
    for key in ("event", "public_key", "event_ver"):
        out["settings:" + key] = [(reads(store).setting(key),)]
    return out
