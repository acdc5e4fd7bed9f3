"""A transaction's face: the reads of the store, grouped per aggregate.

`with store.write() as tx:` (or `store.snapshot()` for a read transaction) gives a `Tx`:
`tx.people` (attendees, badges, prints), `tx.presence` (presence and the figures counted
from it), `tx.tickets` (other systems' tickets), `tx.meetings` (the matchmaking
projection), `tx.log` (entries, scans, conflicts). Each group takes the transaction's
connection and returns domain types (dataclasses), never rows. Decisions read through
the `Tx` of the transaction that writes them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cached_property

from kiosk.models.event import Event
from kiosk.storage.meetings import Meetings
from kiosk.storage.people import People
from kiosk.storage.readviews import LogReads
from kiosk.storage.reports import Attendance
from kiosk.storage.tickets import Tickets


class Tx:
    """One transaction's connection and its read groups (made on first use)."""

    def __init__(self, conn: sqlite3.Connection, event: Callable[[], Event]) -> None:
        self.conn = conn
        self.event = event

    def _order(self) -> tuple[str, ...]:
        try:
            return tuple(self.event().session_ids())
        except Exception:  # no event yet: sessions as stored
            return ()

    @cached_property
    def people(self) -> People:
        return People(self.conn, self._order)

    @cached_property
    def presence(self) -> Attendance:
        return Attendance(self.conn, self.event, self.people)

    @cached_property
    def tickets(self) -> Tickets:
        return Tickets(self.conn)

    @cached_property
    def meetings(self) -> Meetings:
        return Meetings(self.conn)

    @cached_property
    def log(self) -> LogReads:
        return LogReads(self.conn)

    def setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])
