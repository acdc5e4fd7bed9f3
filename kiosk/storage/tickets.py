"""Tickets issued by another system, accepted at the door as they are: an imported pretix
secret or Eventbrite barcode belongs to one attendee, is found by exact match (the table's
primary key), and is revoked when that attendee's badge is reprinted."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from kiosk.storage.base import StoreBase, from_ts, ts

MAX_CODE = 512  # longer texts are never looked up (a scanned poster, noise)


@dataclass(frozen=True, slots=True)
class ForeignTicket:
    code: str
    attendee_id: str
    imported_at: datetime
    revoked_at: datetime | None = None


class Tickets(StoreBase):
    def foreign_ticket(self, code: str) -> ForeignTicket | None:
        if not code or len(code) > MAX_CODE:
            return None
        row = self.one(
            "SELECT code, attendee_id, imported_at, revoked_at FROM foreign_tickets WHERE code = ?",
            (code,),
        )
        if row is None:
            return None
        revoked = from_ts(row[3]) if row[3] else None
        return ForeignTicket(row[0], row[1], from_ts(row[2]), revoked)

    def foreign_ticket_holder(self, code: str) -> tuple[str, str, str] | None:
        """(attendee id, external id, email) of the attendee `code` belongs to, or None."""
        row = self.one(
            "SELECT a.attendee_id, a.external_id, a.email FROM foreign_tickets t "
            "JOIN attendees a USING (attendee_id) WHERE t.code = ?",
            (code,),
        )
        return None if row is None else (row[0], row[1], row[2])

    def foreign_codes_of(self, attendee_ids: Sequence[str]) -> dict[str, set[str]]:
        """Every code (revoked ones too) recorded for these attendees."""
        out: dict[str, set[str]] = {}
        sql = "SELECT attendee_id, code FROM foreign_tickets WHERE attendee_id IN ({marks})"
        for aid, code in self.rows_in(sql, attendee_ids):
            out.setdefault(aid, set()).add(code)
        return out

    def record_foreign_tickets(
        self, c: sqlite3.Connection, pairs: Iterable[tuple[str, str]], at: datetime
    ) -> None:
        """(attendee id, code): the code becomes the attendee's ticket; their earlier
        imported codes are revoked (the other system issued a new ticket). A code already
        recorded (revoked on a reprint, say) stays as it is."""
        stamp = ts(at)
        for aid, code in pairs:
            c.execute(
                "UPDATE foreign_tickets SET revoked_at = ?, revoked_reason = 'replaced by import' "
                "WHERE attendee_id = ? AND code != ? AND revoked_at IS NULL",
                (stamp, aid, code),
            )
            c.execute(
                "INSERT OR IGNORE INTO foreign_tickets (code, attendee_id, imported_at) "
                "VALUES (?, ?, ?)",
                (code, aid, stamp),
            )

    def revoke_foreign_tickets(
        self, c: sqlite3.Connection, attendee_id: str, at: datetime, why: str
    ) -> None:
        self.revoke_all(c, "foreign_tickets", attendee_id, at, why)
