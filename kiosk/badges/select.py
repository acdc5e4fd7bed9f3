"""Which badges to print, each with the attendee's current badge code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kiosk.badges.design import BadgeData
from kiosk.models.errors import NotFoundError
from kiosk.models.records import Attendee

if TYPE_CHECKING:
    from kiosk.checkin.service import CheckinService
    from kiosk.storage.store import Store


def select_badges(
    service: CheckinService, refs: Sequence[str] = (), category: str | None = None
) -> list[BadgeData]:
    """Badges for `refs` (ids, external ids or emails, in that order; a value may hold
    several, comma-separated) or for everyone, optionally of one category only.

    An attendee without a badge is issued one: that needs the event's signing key, and a
    verify-only station raises SigningKeyMissing, which names the database.
    """
    people = _attendees(service.store, refs, category)
    if not people:
        where = f" in category {category!r}" if category else ""
        raise NotFoundError(f"{service.store.path}: no attendee{where} to print a badge for")
    return [BadgeData(a, service.badge_code(a.attendee_id)) for a in people]


def _attendees(store: Store, refs: Sequence[str], category: str | None) -> list[Attendee]:
    cat = category.strip().lower() if category else None
    wanted = [r.strip() for ref in refs for r in ref.split(",") if r.strip()]
    with store.snapshot() as tx:
        if not wanted:
            return list(tx.people.everyone(cat))
        found = [(ref, tx.people.find(ref)) for ref in wanted]
    people: list[Attendee] = []
    missing: list[str] = []
    seen: set[str] = set()
    for ref, a in found:
        if a is None:
            missing.append(ref)
        elif a.attendee_id not in seen:
            seen.add(a.attendee_id)
            people.append(a)
    if missing:
        names = ", ".join(repr(m) for m in missing)
        raise NotFoundError(f"{store.path}: no attendee {names} (id, external id or email)")
    return [a for a in people if cat is None or a.category == cat]
