"""Who must be met: a VIP, a speaker or an attendee flagged for attention admitted at a
self check-in kiosk of another station, seen in the entries a sync round pulls.

Every desk and dashboard on the hub hears of it (`SyncStatus.arrivals`, then the GUI's
sync follower) within a round or two of the kiosk's own: nobody stands at a kiosk to
fetch the host.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.models.outcomes import Method, Outcome
from kiosk.models.records import Category, LogEntry, LogKind
from kiosk.storage.tx import Tx

ALERTED = frozenset({Category.VIP, Category.SPEAKER})


@dataclass(frozen=True, slots=True)
class Arrival:
    attendee_id: str
    name: str
    name_zh: str
    organization: str
    category: str
    attention: bool
    session_id: str
    station: str  # the kiosk's name
    at: datetime  # the kiosk's clock when it admitted them


def arrival_of(tx: Tx, entry: LogEntry) -> Arrival | None:
    """The arrival an entry pulled from the hub announces, if it is one: an admission at a
    self check-in kiosk of someone the desk alerts the host for."""
    if (
        entry.kind is not LogKind.ENTRY
        or entry.outcome is not Outcome.ADMITTED
        or entry.method is not Method.SELF
        or not entry.attendee_id
    ):
        return None
    person = tx.people.attendee(entry.attendee_id)
    if person is None or not (person.attention or person.category in ALERTED):
        return None
    return Arrival(
        person.attendee_id, person.name, person.name_zh, person.organization,
        str(person.category), person.attention, entry.session_id, entry.station, entry.at,
    )  # fmt: skip
