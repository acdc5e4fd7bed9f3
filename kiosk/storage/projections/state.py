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

from kiosk.storage.fold import PersonState, PresenceState, Step, fold_step
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
    that moved nobody, counted per (session, kind, outcome).

    The rebuild knows every undo before the fold (`known`), and, when nobody is merged, the
    program before the scans: it then folds each move as it comes (`fold_now`), by the same
    rule (`fold.fold_step`), each key's moves arriving in version order, and keeps no moves."""

    moves: dict[tuple[str, str], list[Step]] = field(default_factory=dict)
    annulled: set[str] = field(default_factory=set)
    undone: set[tuple[str, str]] = field(default_factory=set)  # keys an undo touched
    scans: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    known: frozenset[str] | None = None  # every undo, when known before the fold (rebuild)
    #: folding as the moves come: each session's re-entry rule (None: the moves are kept)
    reentry: Mapping[str, bool] | None = None
    #: the states folded so far, per session and attendee; their duplicate admissions as
    #: duplicates rows (uuid, session, attendee, at, station id, station, first uuid)
    folded: dict[str, dict[str, PresenceState]] = field(default_factory=dict)
    dups: list[tuple[str, ...]] = field(default_factory=list)

    def fold_now(self, reentry: Mapping[str, bool]) -> None:
        """From now on, fold each move as it comes (the rebuild: every undo known, nobody
        merged, the moves in version order)."""
        self.reentry = reentry

    def move(self, session_id: str, attendee_id: str, step: Step) -> None:
        if self.known is not None and step.uuid in self.known:
            return
        if self.reentry is None:
            self.moves.setdefault((session_id, attendee_id), []).append(step)
            return
        states = self.folded.get(session_id)
        if states is None:
            states = self.folded[session_id] = {}
        state, dup = fold_step(states.get(attendee_id), step, self.reentry.get(session_id, True))
        if state is not None:
            states[attendee_id] = state
            if dup:
                self.dups.append((step.uuid, session_id, attendee_id, step.at, step.station_id,
                                  step.station, state.entry_uuid))  # fmt: skip

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
    outcome is counted under its key at once, and an admission not undone is kept as the
    key's first admission (the earliest) at once (`first`)."""

    admissions: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    outcomes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    undone: set[str] = field(default_factory=set)
    known: frozenset[str] | None = None
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    #: (station, session) -> attendee -> the first admission's time, when `known`
    first: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def admit(self, uuid: str, station_id: str, session_id: str, aid: str, at: str) -> None:
        if self.known is None:
            self.admissions[uuid] = (station_id, session_id, aid, at)
        elif uuid not in self.known:
            firsts = self.first.get((station_id, session_id))
            if firsts is None:
                firsts = self.first[(station_id, session_id)] = {}
            was = firsts.get(aid)
            if was is None or at < was:
                firsts[aid] = at

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
        out = {
            (*lead, aid): at for lead, firsts in self.first.items() for aid, at in firsts.items()
        }
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
