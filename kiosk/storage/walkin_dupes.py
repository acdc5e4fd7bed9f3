"""Walk-ins that look like someone registered before them: possible duplicates.

A desk registers "Andrew Clark, PNNL" two minutes after Andrew Clark (Pacific Northwest
National Laboratory) checked in: no shared email, yet one person. For every live walk-in
record, the people registered before it whose name matches (the full-text index finds
the candidates; `kiosk.models.sameperson` decides) and whose organisation agrees or is
not given are reported as `possible_duplicate`, the walk-in against the earlier record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from kiosk.models.sameperson import matches
from kiosk.storage.people import People

_WALK_INS = """
SELECT a.attendee_id, a.created_at, COALESCE(w.at, a.created_at), COALESCE(w.station, ''),
       COALESCE(w.uuid, ''), r.received_at
FROM attendees a
LEFT JOIN log w ON w.kind = 'walk_in' AND w.attendee_id = a.attendee_id
LEFT JOIN hub_receipts r ON r.uuid = w.uuid
WHERE a.walk_in = 1 AND a.merged_into IS NULL
ORDER BY a.created_at, a.attendee_id
"""

_FIRST = """
SELECT a.created_at, COALESCE((SELECT w.station FROM log w WHERE w.kind = 'walk_in'
                                AND w.attendee_id = a.attendee_id LIMIT 1), '')
FROM attendees a WHERE a.attendee_id = ?
"""


def walk_in_duplicates(c: sqlite3.Connection) -> Iterator[tuple[str, ...]]:
    """Rows in `conflicts`' column order: (at, session, attendee_id, name, station, uuid,
    received_at, other_at, other_station, other); `received_at` may be None."""
    people = People(c)
    seen: set[tuple[str, str]] = set()
    for aid, created, at, station, uuid, received in c.execute(_WALK_INS).fetchall():
        person = people.attendee(aid)
        if person is None:
            continue
        candidates = []
        for text in {person.name, person.name_zh} - {""}:
            candidates += people.search(text, limit=50)
        others = [c for c in {c.attendee_id: c for c in candidates}.values()
                  if c.attendee_id != aid]  # fmt: skip
        for m in matches(person, others):
            other = others[m.index]
            row = c.execute(_FIRST, (other.attendee_id,)).fetchone()
            if not m.likely or row is None or (row[0], other.attendee_id) >= (created, aid):
                continue  # another organisation, or registered after this walk-in
            key = tuple(sorted((aid, other.attendee_id)))
            if key in seen:
                continue
            seen.add((key[0], key[1]))
            yield (at, "", aid, person.display_name, station, uuid, received, row[0], row[1],
                   other.attendee_id)  # fmt: skip
