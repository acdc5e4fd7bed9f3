"""Before a walk-in is registered: the people already registered who may be them."""

from __future__ import annotations

from kiosk.models.records import AttendeeInput
from kiosk.models.sameperson import matches
from kiosk.people.hits import DuplicateHit
from kiosk.people.search import _Searchable, search_people

SHOWN = 8


def likely_duplicates(
    store: _Searchable, person: AttendeeInput, session_id: str
) -> list[DuplicateHit]:
    """Registered people whose name (English, Chinese or pinyin) matches `person`'s, with
    their presence in `session_id`: the same organisation first, then one not given, then
    another organisation (two people of one name are told apart by it)."""
    seen: set[str] = set()
    found = []
    for text in (person.name.strip(), person.name_zh.strip()):
        if not text:
            continue
        for h in search_people(store, text, session_id, limit=50):
            if h.attendee.attendee_id not in seen:
                seen.add(h.attendee.attendee_id)
                found.append(h)
    return [
        DuplicateHit(found[m.index], m.same_org)
        for m in matches(person, [h.attendee for h in found])
    ][:SHOWN]
