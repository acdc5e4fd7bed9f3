"""What the store's parts share: instants as text, uuids, and the connection they use."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from kiosk.models.event import Event
from kiosk.models.records import Attendee


def ts(dt: datetime) -> str:
    """Instants are stored as fixed-width UTC ISO text, so that text order is time order."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def from_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def new_uuid() -> str:
    return str(uuid.uuid4())


class StoreBase:
    """The connection and the few lookups that the store's mixins build on."""

    conn: sqlite3.Connection
    path: str

    def one(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def rows_in(self, sql: str, values: Sequence[Any], size: int = 900) -> Iterator[sqlite3.Row]:
        """`sql` with `{marks}` standing for an IN list, run over `values` in chunks."""
        for i in range(0, len(values), size):
            part = values[i : i + size]
            yield from self.conn.execute(sql.format(marks=",".join("?" * len(part))), part)

    def revoke_all(
        self, c: sqlite3.Connection, table: str, attendee_id: str, at: datetime, why: str
    ) -> None:
        """Revoke the attendee's unrevoked rows of `table` (badges, foreign_tickets)."""
        c.execute(
            f"UPDATE {table} SET revoked_at = ?, revoked_reason = ? "
            "WHERE attendee_id = ? AND revoked_at IS NULL",
            (ts(at), why, attendee_id),
        )

    def event(self) -> Event:
        raise NotImplementedError

    def attendee_from_row(self, row: sqlite3.Row) -> Attendee:
        raise NotImplementedError

    def attendee(self, attendee_id: str) -> Attendee | None:
        raise NotImplementedError

    def count_attendees(self) -> int:
        raise NotImplementedError
