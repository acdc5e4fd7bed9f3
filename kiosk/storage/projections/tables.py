"""The projections' tables other than attendees and presence (the program, badges, foreign
tickets, prints, meetings), and the two ways of writing every state: `save` writes back what
one entry touched (the incremental driver), `write_all` writes everything in bulk (the
rebuild). `loaded` gives states that read the touched keys from the tables."""

from __future__ import annotations

import sqlite3
from typing import Any

from kiosk.models.event import event_from_dict
from kiosk.storage import meetings
from kiosk.storage.base import to_json, ts
from kiosk.storage.meeting_fold import MeetingFold
from kiosk.storage.projections import people, presence, stations
from kiosk.storage.projections.history import history
from kiosk.storage.projections.people import chunks, marks
from kiosk.storage.projections.state import (
    BadgeState,
    EventState,
    Folds,
    Keyed,
    People,
    Presence,
    StationFigures,
    TicketState,
)


def loaded(c: sqlite3.Connection) -> Folds:
    """Empty states that read a key from the tables when a step first asks for it."""
    return Folds(
        people=People(lambda ids: people.load(c, ids)),
        badges=Keyed(BadgeState, lambda ids: _load_badges(c, ids)),
        tickets=Keyed(TicketState, lambda keys: _load_tickets(c, keys)),
        meetings=Keyed(
            lambda mid: MeetingFold(mid, fields_changed=True), lambda ids: meetings.load(c, ids)
        ),
    )


def scan_folds() -> Folds:
    """The only states a scan's or an undo's step folds into (`steps.scan`, `steps.annul`:
    presence and the station figures): the others are not made at all (a check-in makes one
    per scan, a door receives mostly scans). Any other state read from it fails loudly (an
    unset slot)."""
    f = object.__new__(Folds)
    f.presence, f.stations = Presence(), StationFigures()
    return f


def save_scan(c: sqlite3.Connection, f: Folds, fresh: bool) -> None:
    """Write back a scan or an undo (`fresh`: this station's scan, just written: nothing in
    the log refers to it)."""
    presence.save(c, f.presence, fresh)
    stations.save(c, f.stations, fresh)


def save(c: sqlite3.Connection, f: Folds, fresh: bool) -> None:
    """Write back the keys one entry touched (in the entry's transaction)."""
    if f.event.data is not None:
        _save_event(c, f.event)
    if f.people.states:
        people.save(c, f.people)
    if f.merges:
        people.refresh_merges(c)
    if f.badges.states:
        _save_badges(c, f)
    if f.tickets.states:
        c.executemany("INSERT OR REPLACE INTO foreign_tickets VALUES (?, ?, ?, ?, ?, ?, ?)",
                      [t.row() for t in f.tickets.states.values()])  # fmt: skip
    if f.prints:
        c.executemany("INSERT OR IGNORE INTO prints VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      list(f.prints.values()))  # fmt: skip
    presence.save(c, f.presence, fresh)
    stations.save(c, f.stations, fresh)
    if f.meetings.states:
        meetings.save(c, list(f.meetings.states.values()))


def write_all(c: sqlite3.Connection, f: Folds) -> None:
    """Write every state into the emptied tables, in bulk (the rebuild)."""
    if f.event.data is not None:
        apply_event(c, f.event.data, f.event.ver)
    into = people.write_all(c, f.people, f.merges)
    c.executemany("INSERT INTO badges VALUES (?, ?, ?, ?, ?, ?, ?)",
                  [b.row() for b in f.badges.states.values() if b.attendee_id is not None])  # fmt: skip
    c.executemany("INSERT INTO prints VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(f.prints.values()))
    c.executemany("INSERT INTO foreign_tickets VALUES (?, ?, ?, ?, ?, ?, ?)",
                  [t.row() for t in f.tickets.states.values()])  # fmt: skip
    presence.write_all(c, f.presence, into)
    meetings.write_all(c, list(f.meetings.states.values()))
    if _exists(c, "station_admissions"):  # not yet during the release-0.1 conversion (m002)
        stations.write_all(c, f.stations)


def reentry(e: EventState) -> dict[str, bool]:
    """Each session's re-entry rule in the program `e` (as `apply_event` writes it to the
    sessions table; a session not in the program: allowed)."""
    if e.data is None:
        return {}
    return {s.id: bool(s.reentry) for s in event_from_dict(e.data["event"], "log:event").sessions}


def _exists(c: sqlite3.Connection, table: str) -> bool:
    row = c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    return row.fetchone() is not None


# -- the program ------------------------------------------------------------------------------
def _save_event(c: sqlite3.Connection, e: EventState) -> None:
    row = c.execute("SELECT value FROM settings WHERE key = 'event_ver'").fetchone()
    if e.data is None or (row is not None and row[0] >= e.ver):
        return
    before = {r[0]: bool(r[1]) for r in c.execute("SELECT session_id, reentry FROM sessions")}
    apply_event(c, e.data, e.ver)
    # Presence folded before this program arrived (or under another one) assumed re-entry
    # where it may now be forbidden: fold those sessions again.
    for sid, reentry in c.execute("SELECT session_id, reentry FROM sessions").fetchall():
        if before.get(sid, True) != bool(reentry):
            for (aid,) in c.execute(
                "SELECT DISTINCT attendee_id FROM log WHERE session_id = ? AND kind = 'entry' "
                "AND attendee_id IS NOT NULL",
                (sid,),
            ).fetchall():
                presence.recompute(c, sid, aid)


def apply_event(c: sqlite3.Connection, data: dict[str, Any], ver: str) -> None:
    event = event_from_dict(data["event"], "log:event")
    rows = [("event", to_json(data["event"])), ("public_key", str(data["public_key"])),
            ("event_ver", ver)]  # fmt: skip
    c.executemany("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", rows)
    c.execute("DELETE FROM sessions")
    for i, s in enumerate(event.sessions):
        c.execute(
            "INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (s.id, i, s.title, s.title_zh, s.room, s.room_zh, ts(s.start), ts(s.end),
             s.capacity, int(s.restricted), int(s.reentry)),
        )  # fmt: skip
        c.execute("INSERT OR IGNORE INTO session_counts(session_id) VALUES (?)", (s.id,))


# -- badges and tickets ---------------------------------------------------------------------
def _load_badges(c: sqlite3.Connection, ids: list[int]) -> dict[int, BadgeState]:
    out: dict[int, BadgeState] = {}
    for part in chunks(ids):
        for r in c.execute(f"SELECT * FROM badges WHERE badge_id IN ({marks(part)})", part):
            b = out[r[0]] = BadgeState(*tuple(r)[:7])
            b.stored = True
    return out


def _save_badges(c: sqlite3.Connection, f: Folds) -> None:
    """A badge seen for the first time is folded again from the log: a revocation may
    have arrived before it. A revocation of a badge not here yet waits in the log."""
    for b in f.badges.states.values():
        if b.attendee_id is None:
            continue
        if not b.stored:
            history(c, "l.attendee_id = ? AND l.badge_id = ? AND l.kind = 'badge_revoke'",
                    (b.attendee_id, b.badge_id), into=f)  # fmt: skip
        c.execute("INSERT OR REPLACE INTO badges VALUES (?, ?, ?, ?, ?, ?, ?)", b.row())


def _load_tickets(c: sqlite3.Connection, keys: list[str]) -> dict[str, TicketState]:
    out: dict[str, TicketState] = {}
    for part in chunks(keys):
        for r in c.execute(f"SELECT * FROM foreign_tickets WHERE code IN ({marks(part)})", part):
            out[r[0]] = TicketState(*tuple(r))
    return out
