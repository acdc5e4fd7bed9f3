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
from typing import Any, Generic, TypeVar, overload

from kiosk.models.errors import NoEventError
from kiosk.models.event import Event
from kiosk.storage.meetings import Meetings
from kiosk.storage.people import People
from kiosk.storage.readviews import LogReads
from kiosk.storage.reports import Attendance
from kiosk.storage.tickets import Tickets

G = TypeVar("G")


class _group(Generic[G]):
    """A read group made on first use and kept on the `Tx`: functools.cached_property
    without its lock (a Tx lives in one thread), which cost a check-in 2 µs per group."""

    def __init__(self, make: Callable[[Any], G]) -> None:
        self.make = make
        self.name = make.__name__

    @overload
    def __get__(self, tx: None, owner: type) -> _group[G]: ...
    @overload
    def __get__(self, tx: Tx, owner: type) -> G: ...
    def __get__(self, tx: Tx | None, owner: type) -> G | _group[G]:
        if tx is None:
            return self
        value = tx.__dict__[self.name] = self.make(tx)
        return value


def _session_order(event: Callable[[], Event]) -> Callable[[], tuple[str, ...]]:
    """The program's session ids in order, read when asked. A function of the event alone,
    not a method of the Tx: a group holding its Tx would make a reference cycle, left to
    the garbage collector, whose pauses then land on check-ins (one in about 80)."""

    def order() -> tuple[str, ...]:
        try:
            return tuple(event().session_ids())
        except Exception:  # no event yet: sessions as stored
            return ()

    return order


class Tx:
    """One transaction's connection and its read groups (made on first use)."""

    def __init__(self, conn: sqlite3.Connection, event: Callable[[], Event]) -> None:
        self.conn = conn
        self.event = event

    @_group
    def people(self) -> People:
        return People(self.conn, _session_order(self.event))

    @_group
    def presence(self) -> Attendance:
        return Attendance(self.conn, self.event, self.people)

    @_group
    def tickets(self) -> Tickets:
        return Tickets(self.conn)

    @_group
    def meetings(self) -> Meetings:
        return Meetings(self.conn)

    @_group
    def log(self) -> LogReads:
        return LogReads(self.conn)

    def setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def keys(self) -> tuple[bytes | None, bytes]:
        """The event's (signing key or None on a verify-only station, verify key)."""
        pub = self.setting("public_key")
        if pub is None:
            raise NoEventError("no event loaded (run `init` or `demo` first)")
        priv = self.setting("private_key")
        return (bytes.fromhex(priv) if priv else None), bytes.fromhex(pub)
