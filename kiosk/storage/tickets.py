"""Tickets issued by another system (a pretix secret, an Eventbrite barcode), accepted at
the door as they are: found by exact match through the `foreign_tickets` primary key.

Only a keyed hash of a ticket is kept, in the log and in the projection: the door needs
to recognise a ticket, not to know it, so a copy of a station's database (a stolen kiosk)
cannot reproduce anyone's ticket. A ticket is valid while it is its attendee's current
one (an import that brings a new ticket replaces the old) and no `ticket_revoke` entry
names it (a reprint revokes it, and a re-import does not bring it back).
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass

MAX_CODE = 512  # longer texts are never looked up (a scanned poster, noise)


def ticket_key(code: str) -> str:
    """What the store keeps of a ticket: 128 bits of a hash, hex."""
    if not code:
        return ""
    return hashlib.sha256(b"forum-checkin/ticket\0" + code.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class ForeignTicket:
    attendee_id: str
    valid: bool  # the attendee's current ticket, and not revoked


class Tickets:
    """Other systems' tickets (`tx.tickets`), read through one connection."""

    def __init__(self, c: sqlite3.Connection) -> None:
        self.c = c

    def foreign(self, code: str) -> ForeignTicket | None:
        if not code or len(code) > MAX_CODE:
            return None
        key = ticket_key(code)
        row = self.c.execute(
            "SELECT t.attendee_id, t.revoked_at, a.ticket FROM foreign_tickets t "
            "LEFT JOIN attendees a ON a.attendee_id = t.attendee_id WHERE t.code = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        return ForeignTicket(str(row[0]), row[1] is None and row[2] == key)

    def holder(self, code: str) -> tuple[str, str, str] | None:
        """(attendee id, external id, email) of the attendee a ticket belongs to, or None."""
        row = self.c.execute(
            "SELECT a.attendee_id, a.external_id, a.email FROM foreign_tickets t "
            "JOIN attendees a USING (attendee_id) WHERE t.code = ?",
            (ticket_key(code),),
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), str(row[2]))

    def current(self, attendee_id: str) -> str:
        """The attendee's current ticket key ('' when none, or revoked)."""
        row = self.c.execute(
            "SELECT a.ticket FROM attendees a JOIN foreign_tickets t ON t.code = a.ticket "
            "WHERE a.attendee_id = ? AND t.revoked_at IS NULL",
            (attendee_id,),
        ).fetchone()
        return str(row[0]) if row else ""
