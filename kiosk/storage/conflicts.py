"""Conflicts between stations, read from the log and its projections: facts to report,
never errors. Three kinds:

- `duplicate_entry`: an admission of someone already admitted to the session (two
  stations apart admitted the same badge). Kept in the log, counted once
  (the `duplicates` projection); the first admission is named.
- `revoked_scan`: a badge accepted by a scan made after the badge was revoked elsewhere
  (the scanning station had not heard of the revocation yet).
- `possible_duplicate`: two attendee records with the same email (walk-ins registered at
  two desks): an organizer merges them (a `merge` entry) or leaves them.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass


class ConflictKind(enum.StrEnum):
    DUPLICATE_ENTRY = "duplicate_entry"
    REVOKED_SCAN = "revoked_scan"
    POSSIBLE_DUPLICATE = "possible_duplicate"


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: ConflictKind
    at: str  # the station's clock (stored UTC text) of the entry in question
    session_id: str
    attendee_id: str
    name: str
    station: str  # where it happened (station name)
    entry_uuid: str  # the duplicate admission, the scan, or the second record's walk-in
    received_at: str | None  # the hub's clock when it stored that entry (None: not synced)
    other_at: str  # the first admission / the revocation / the first record
    other_station: str
    other: str  # the first admission's uuid / the revoked badge id / the first record's id

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value, "at": self.at, "session": self.session_id,
            "attendee_id": self.attendee_id, "name": self.name, "station": self.station,
            "entry_uuid": self.entry_uuid, "received_at": self.received_at,
            "other_at": self.other_at, "other_station": self.other_station, "other": self.other,
        }  # fmt: skip


_NAME = "COALESCE(NULLIF(a.name, ''), a.name_zh, '')"

_DUPLICATES = f"""
SELECT d.at, d.session_id, d.attendee_id, {_NAME}, d.station, d.uuid, r.received_at,
       f.at, f.station, d.first_uuid
FROM duplicates d
LEFT JOIN attendees a ON a.attendee_id = d.attendee_id
LEFT JOIN log f ON f.uuid = d.first_uuid
LEFT JOIN hub_receipts r ON r.uuid = d.uuid
"""

_REVOKED = f"""
SELECT l.at, l.session_id, COALESCE(l.attendee_id, ''), {_NAME}, l.station, l.uuid,
       r.received_at, b.revoked_at,
       COALESCE((SELECT v.station FROM log v WHERE v.kind = 'badge_revoke'
                 AND v.badge_id = b.badge_id ORDER BY v.at, v.uuid LIMIT 1), ''),
       CAST(b.badge_id AS TEXT)
FROM log l
JOIN badges b ON b.badge_id = l.badge_id
LEFT JOIN attendees a ON a.attendee_id = l.attendee_id
LEFT JOIN hub_receipts r ON r.uuid = l.uuid
WHERE l.kind IN ('entry', 'exit') AND b.revoked_at IS NOT NULL AND l.at >= b.revoked_at
  AND l.outcome IN ('admitted', 'already_checked_in', 'exited')
"""

# Two live records with one email: the later one (by creation) is listed against the first.
_SAME_EMAIL = f"""
SELECT a.created_at, '', a.attendee_id, {_NAME}, COALESCE(w.station, ''),
       COALESCE(w.uuid, ''), r.received_at, f.created_at, COALESCE(fw.station, ''),
       f.attendee_id
FROM attendees a
JOIN attendees f ON f.email = a.email COLLATE NOCASE AND f.merged_into IS NULL
     AND (f.created_at < a.created_at
          OR (f.created_at = a.created_at AND f.attendee_id < a.attendee_id))
LEFT JOIN log w ON w.kind = 'walk_in' AND w.attendee_id = a.attendee_id
LEFT JOIN log fw ON fw.kind = 'walk_in' AND fw.attendee_id = f.attendee_id
LEFT JOIN hub_receipts r ON r.uuid = w.uuid
WHERE a.email != '' AND a.merged_into IS NULL
  AND NOT EXISTS (SELECT 1 FROM attendees e WHERE e.email = a.email COLLATE NOCASE
                  AND e.merged_into IS NULL AND e.attendee_id != f.attendee_id
                  AND (e.created_at < f.created_at
                       OR (e.created_at = f.created_at AND e.attendee_id < f.attendee_id)))
"""


def conflicts(c: sqlite3.Connection) -> Iterator[Conflict]:
    """Every conflict, by kind, then in time order."""
    for kind, sql in (
        (ConflictKind.DUPLICATE_ENTRY, _DUPLICATES),
        (ConflictKind.REVOKED_SCAN, _REVOKED),
        (ConflictKind.POSSIBLE_DUPLICATE, _SAME_EMAIL),
    ):
        cur = c.cursor()
        cur.row_factory = None
        for row in cur.execute(sql + " ORDER BY 1, 6"):
            t = ["" if v is None else str(v) for v in row]
            yield Conflict(kind, t[0], t[1], t[2], t[3], t[4], t[5],
                           None if row[6] is None else t[6], t[7], t[8], t[9])  # fmt: skip


def count(c: sqlite3.Connection) -> dict[ConflictKind, int]:
    out = {k: 0 for k in ConflictKind}
    for found in conflicts(c):
        out[found.kind] += 1
    return out
