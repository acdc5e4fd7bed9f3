"""Before a walk-in is registered: the people already registered who may be them."""

from __future__ import annotations

from kiosk.models.records import AttendeeInput
from kiosk.models.sameperson import matches
from kiosk.people.hits import DuplicateHit
from kiosk.people.search import search_people
from kiosk.storage.store import Store

SHOWN = 8


def likely_duplicates(store: Store, person: AttendeeInput, session_id: str) -> list[DuplicateHit]:
    """Registered people with `person`'s email, then those whose name (English, Chinese or
    pinyin) matches `person`'s, with
    their presence in `session_id`: the same organisation first, then one not given, then
    another organisation (two people of one name are told apart by it)."""
    seen: set[str] = set()
    found = []
    for text in (person.name.strip(), person.name_zh.strip(), person.email.strip()):
        if not text:
            continue
        for h in search_people(store, text, session_id, limit=50):
            if h.attendee.attendee_id not in seen:
                seen.add(h.attendee.attendee_id)
                found.append(h)
    email = person.email.strip().casefold()
    same_email = [
        DuplicateHit(h, True) for h in found if email and h.attendee.email.casefold() == email
    ]  # the same email: the same person, whatever the name (registering would be refused)
    named = [
        DuplicateHit(found[m.index], m.same_org)
        for m in matches(person, [h.attendee for h in found])
        if not (email and found[m.index].attendee.email.casefold() == email)
    ]
    return [*same_email, *named][:SHOWN]
