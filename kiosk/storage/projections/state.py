"""The projections' states, as plain data: what the step functions (`steps.py`) fold entries
into. Both drivers hold the same states (`drivers.py`): the rebuild creates every key in
memory; the incremental driver loads the keys an entry touches from the tables first (a
`Loader`) and writes back only those.

Every rule here is a fold in version order, or commutative (a minimum, a maximum, a sum):
two databases holding the same entries build the same states, in any arrival order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from kiosk.storage.fold import PersonState, Step
from kiosk.storage.meeting_fold import MeetingFold

K = TypeVar("K")
S = TypeVar("S")
Loader = Callable[[list[K]], dict[K, S]]


class Keyed(Generic[K, S]):
    """States by key. A key not held yet is read by `load` (the incremental driver), or
    starts empty (`new`: the rebuild, or a key the tables do not hold yet)."""

    def __init__(self, new: Callable[[K], S], load: Loader[K, S] | None = None) -> None:
        self.states: dict[K, S] = {}
        self._new = new
        self._load = load

    def want(self, keys: Iterable[K]) -> None:
        """Read these keys in one go (a hint for the incremental driver: an import chunk
        touches 2,000 records)."""
        missing = [k for k in dict.fromkeys(keys) if k not in self.states]
        if not missing:
            return
        found = self._load(missing) if self._load is not None else {}
        for k in missing:
            got = found.get(k)
            self.states[k] = self._new(k) if got is None else got

    def get(self, key: K) -> S:
        state = self.states.get(key)
        if state is None:
            if self._load is None:  # (the rebuild: 50,000 badges, one `want` each otherwise)
                state = self.states[key] = self._new(key)
            else:
                self.want([key])
                state = self.states[key]
        return state

    def __contains__(self, key: object) -> bool:
        return key in self.states


class People(Keyed[str, PersonState]):
    """Attendee records (last writer per field); which changed, and whose search keys."""

    def __init__(self, load: Loader[str, PersonState] | None = None) -> None:
        super().__init__(lambda _aid: PersonState.empty(), load)
        self.reindex: set[str] = set()

    def apply(
        self, aid: str, fields: Mapping[str, Any], ver: str, at: str, full: bool,
        walk_in: bool = False,
    ) -> None:  # fmt: skip
        state = self.get(aid)
        if state.apply(fields, ver, at, full):
            self.reindex.add(aid)
        state.walk_in = state.walk_in or walk_in


@dataclass(slots=True)
class BadgeState:
    """A badge: issued once; its first revocation (by version) counts."""

    badge_id: int
    attendee_id: str | None = None
    version: int = 0
    issued_at: str = ""
    revoked_at: str | None = None
    revoked_reason: str = ""
    revoked_ver: str | None = None
    stored: bool = False  # read from the table

    def issue(self, attendee_id: str, version: int, at: str) -> None:
        if self.attendee_id is None:
            self.attendee_id, self.version, self.issued_at = attendee_id, version, at

    def revoke(self, at: str, ver: str, reason: str) -> None:
        if self.revoked_ver is None or ver < self.revoked_ver:
            self.revoked_at, self.revoked_reason, self.revoked_ver = at, reason, ver

    def row(self) -> tuple[Any, ...]:
        return (self.badge_id, self.attendee_id, self.version, self.issued_at, self.revoked_at,
                self.revoked_reason, self.revoked_ver)  # fmt: skip


#: The first version of a ticket known only from a revocation: after every real version.
NO_GIVER = "~"


@dataclass(slots=True)
class TicketState:
    """A foreign ticket: the first version that gave it counts, and its first revocation.
    Known only from a revocation, it keeps a place for the attendee that revocation names."""

    code: str
    attendee_id: str = ""
    first_ver: str = NO_GIVER
    first_at: str = ""
    revoked_at: str | None = None
    revoked_reason: str = ""
    revoked_ver: str | None = None

    def give(self, attendee_id: str, ver: str, at: str) -> None:
        if ver < self.first_ver:
            self.attendee_id, self.first_ver, self.first_at = attendee_id, ver, at

    def revoke(self, attendee_id: str, at: str, ver: str, reason: str) -> None:
        if self.revoked_ver is None or ver < self.revoked_ver:
            self.revoked_at, self.revoked_reason, self.revoked_ver = at, reason, ver
            if self.first_ver == NO_GIVER:
                self.attendee_id = attendee_id

    def row(self) -> tuple[Any, ...]:
        return (self.code, self.attendee_id, self.first_ver, self.first_at, self.revoked_at,
                self.revoked_reason, self.revoked_ver)  # fmt: skip


@dataclass(slots=True)
class EventState:
    """The program: the latest event entry (by version) counts."""

    ver: str = ""
    data: dict[str, Any] | None = None

    def offer(self, ver: str, data: dict[str, Any]) -> None:
        if ver > self.ver:
            self.ver, self.data = ver, data


@dataclass(slots=True)
class Presence:
    """Admissions and exits per (session, attendee), folded in version order by
    `fold.fold_presence` once the merges and the program are known; undone entries; scans
    that moved nobody, counted per (session, kind, outcome)."""

    moves: dict[tuple[str, str], list[Step]] = field(default_factory=dict)
    annulled: set[str] = field(default_factory=set)
    undone: set[tuple[str, str]] = field(default_factory=set)  # keys an undo touched
    scans: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    known: frozenset[str] | None = None  # every undo, when known before the fold (rebuild)

    def move(self, session_id: str, attendee_id: str, step: Step) -> None:
        if self.known is None or step.uuid not in self.known:
            self.moves.setdefault((session_id, attendee_id), []).append(step)

    def annul(self, session_id: str, attendee_id: str | None, ref: str | None) -> None:
        if ref:
            self.annulled.add(ref)
        if session_id and attendee_id:
            self.undone.add((session_id, attendee_id))

    def scan(self, session_id: str, kind: str, outcome: str) -> None:
        self.scans[(session_id, kind, outcome)] += 1


@dataclass(slots=True)
class StationFigures:
    """What each station itself recorded, undone entries left out (the dashboard's "this
    station only"): each attendee's first admission per session, and the other outcomes
    of its entry scans per session. Entries are kept by uuid until the undos are known;
    when every undo is known before the fold (`known`: the rebuild reads them first), an
    outcome is counted under its key at once, and an admission is not kept here at all:
    the presence state keeps the very same admissions (every one not undone, under its
    key), and the first per station is read from there when written
    (kiosk.storage.projections.stations.write_all)."""

    admissions: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    outcomes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    undone: set[str] = field(default_factory=set)
    known: frozenset[str] | None = None
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def admit(self, uuid: str, station_id: str, session_id: str, aid: str, at: str) -> None:
        if self.known is None:
            self.admissions[uuid] = (station_id, session_id, aid, at)

    def outcome(self, uuid: str, station_id: str, session_id: str, outcome: str) -> None:
        if self.known is None:
            self.outcomes[uuid] = (station_id, session_id, outcome)
        elif uuid not in self.known:
            self.counts[(station_id, session_id, outcome)] += 1

    def undo(self, ref: str | None) -> None:
        if ref:
            self.undone.add(ref)

    def first_admissions(self) -> dict[tuple[str, str, str], str]:
        """(station, session, attendee) -> the first admission's time."""
        out: dict[tuple[str, str, str], str] = {}
        for uuid, (station_id, session_id, aid, at) in self.admissions.items():
            if uuid not in self.undone:
                _first(out, (station_id, session_id, aid), at)
        return out

    def outcome_counts(self) -> Counter[tuple[str, str, str]]:
        out = Counter(self.counts)
        out.update(k for u, k in self.outcomes.items() if u not in self.undone)
        return out


def _first(first: dict[tuple[str, str, str], str], key: tuple[str, str, str], at: str) -> None:
    was = first.get(key)
    if was is None or at < was:
        first[key] = at


@dataclass(slots=True)
class Folds:
    """Every projection's state: what a step function folds an entry into."""

    event: EventState = field(default_factory=EventState)
    people: People = field(default_factory=People)
    merges: list[tuple[str, str, str]] = field(default_factory=list)  # (ver, merged, kept)
    badges: Keyed[int, BadgeState] = field(default_factory=lambda: Keyed(BadgeState))
    tickets: Keyed[str, TicketState] = field(default_factory=lambda: Keyed(TicketState))
    prints: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    presence: Presence = field(default_factory=Presence)
    stations: StationFigures = field(default_factory=StationFigures)
    meetings: Keyed[str, MeetingFold] = field(
        default_factory=lambda: Keyed(lambda mid: MeetingFold(mid, fields_changed=True))
    )
