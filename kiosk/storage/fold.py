"""The attendee and presence rules as pure functions, shared by the two drivers of
kiosk.storage.projections (entry by entry, and the rebuild from the log), so that both
give the same tables. Every rule folds entries in (time, uuid) order, or is commutative:
two databases holding the same entries build the same projections, whatever the order
in which the entries arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kiosk.models.records import ATTENDEE_FIELDS

#: The attendee fields an entry can set (last writer wins per field, by version).
PERSON_FIELDS: tuple[str, ...] = (*ATTENDEE_FIELDS, "sessions", "ticket")
DEFAULTS: dict[str, Any] = {f: "" for f in PERSON_FIELDS} | {
    "category": "delegate",
    "attention": 0,
    "sessions": "[]",
}


def stored(fieldname: str, value: Any) -> Any:
    """A field's value as the attendees table holds it (flags 0/1, sessions as JSON)."""
    if fieldname == "attention":
        return int(bool(value))
    if fieldname == "sessions":
        if isinstance(value, str):  # stored JSON; "" (an edit that cleared them): none
            return value or "[]"
        # Session ids are [a-z0-9-] (checked when the event loads): a JSON array as is.
        ids = list(dict.fromkeys(value))
        return '["' + '","'.join(ids) + '"]' if ids else "[]"
    return "" if value is None else str(value)


def import_rows(data: Mapping[str, Any]) -> Iterable[tuple[str, bool, dict[str, Any]]]:
    """The records of an `import` entry: (attendee id, full record?, fields).

    The payload is columnar for speed: {"cols": [field, …], "new": [[id, value, …], …]}
    for created records (every field), {"changed": [[id, {field: value}], …]} for changes.
    """
    cols = data.get("cols", ())
    for row in data.get("new", ()):
        yield row[0], True, dict(zip(cols, row[1:], strict=True))
    for aid, fields in data.get("changed", ()):
        yield aid, False, fields


def resolve_merges(
    edges: Iterable[tuple[str, str, str]], exists: Callable[[str], bool]
) -> dict[str, tuple[str, str]]:
    """Which record is merged into which: (version, merged record, kept record) edges give
    record -> (version, kept). Each record's latest merge counts; merges of records not
    (yet) here are left out; where merges made apart form a cycle (A into B here, B into A
    there), the cycle's oldest merge gives way until none is left, so that one record of
    the person always remains. A function of the set of edges: any arrival order."""
    latest: dict[str, tuple[str, str]] = {}
    for ver, gone, kept in sorted(edges):
        if gone and kept and gone != kept and exists(gone):
            latest[gone] = (ver, kept)
    while True:
        cycle = _cycle(latest)
        if not cycle:
            return latest
        del latest[min(cycle, key=lambda g: latest[g][0])]


def chain_end(aid: str, into: Callable[[str], str | None]) -> str:
    """The record a (possibly merged) attendee id stands for: the end of its merge chain,
    `into(id)` giving the record an id is merged into (None: not merged)."""
    seen = {aid}
    while True:
        nxt = into(aid)
        if not nxt or nxt in seen:
            return aid
        aid = nxt
        seen.add(aid)


def _cycle(into: dict[str, tuple[str, str]]) -> list[str]:
    done: set[str] = set()
    for start in sorted(into):
        path: list[str] = []
        seen: set[str] = set()
        node = start
        while node in into and node not in done:
            if node in seen:
                return path[path.index(node) :]
            seen.add(node)
            path.append(node)
            node = into[node][1]
        done.update(path)
    return []


def _new_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A full record's values as stored: `stored` of each field, defaults for those left
    out (a text kept as it is without a call per field: an import folds 100,000s)."""
    values = {**DEFAULTS, **fields}
    if len(values) != len(DEFAULTS):  # names that are not fields: left out
        values = {n: values[n] for n in PERSON_FIELDS}
    for n, v in values.items():
        if type(v) is not str or n in _CONVERTED:
            values[n] = stored(n, v)
    return values


_CONVERTED = frozenset({"attention", "sessions"})  # stored differently even from a text


@dataclass(slots=True)
class PersonState:
    """An attendee record being folded: values, and the version each value came from.

    `ver` is the version of the latest full record (an import's new row or a walk-in);
    `fver` names the fields whose value came from a later entry, with its version.
    """

    values: dict[str, Any]
    ver: str = ""
    fver: dict[str, str] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""
    walk_in: bool = False
    merged_into: str | None = None
    rowid: int = 0  # its row in the attendees table (0: not stored yet)
    merge_ver: str | None = None  # the merge that hides it (its row's fver "merged_into")

    @classmethod
    def empty(cls) -> PersonState:
        return cls(dict(DEFAULTS))

    def apply(self, fields: Mapping[str, Any], ver: str, at: str, full: bool) -> bool:
        """Fold one entry's fields in; True when a value changed."""
        if full and not self.ver and not self.fver:  # a new record (most of an import)
            self.values = _new_values(fields)
            self.ver = ver
            self._times(at)
            return True
        changed = self._fields(fields, ver)
        if full and ver > self.ver:
            changed = self._full(fields, ver) or changed
        self.fver = {k: v for k, v in self.fver.items() if v > self.ver}
        self._times(at)
        return changed

    def _fields(self, fields: Mapping[str, Any], ver: str) -> bool:
        changed = False
        for name, value in fields.items():
            if name not in DEFAULTS or ver <= self.fver.get(name, self.ver):
                continue
            new = stored(name, value)
            if self.values.get(name) != new:
                self.values[name] = new
                changed = True
            self.fver[name] = ver
        return changed

    def _full(self, fields: Mapping[str, Any], ver: str) -> bool:
        """A full record sets every field it leaves out too (to its default)."""
        changed = False
        for name in PERSON_FIELDS:
            stale = name not in fields and ver > self.fver.get(name, self.ver)
            if stale and self.values.get(name) != DEFAULTS[name]:
                self.values[name] = DEFAULTS[name]
                changed = True
        self.ver = ver
        return changed

    def _times(self, at: str) -> None:
        if not self.created_at or at < self.created_at:
            self.created_at = at
        if at > self.updated_at:
            self.updated_at = at


@dataclass(slots=True)
class PresenceState:
    """One attendee in one session, folded from their admissions and exits."""

    entry_uuid: str
    first_at: str
    station_id: str
    station: str
    inside: bool = True
    exits: int = 0
    last_ver: str = ""


class Step(NamedTuple):
    """An admission or exit to fold: (version, kind, uuid, at, station id, station name).
    A named tuple: a rebuild makes one per scan, and a tuple is made four times faster
    than a frozen dataclass."""

    ver: str
    kind: str  # "entry" (admitted) or "exit" (exited)
    uuid: str
    at: str
    station_id: str
    station: str


def fold_step(
    state: PresenceState | None, step: Step, reentry: bool
) -> tuple[PresenceState | None, bool]:
    """(the new state, whether `step` is a duplicate admission). Steps come in version order."""
    if step.kind == "entry":
        if state is None:
            return PresenceState(step.uuid, step.at, step.station_id, step.station,
                                 last_ver=step.ver), False  # fmt: skip
        state.last_ver = step.ver
        if state.inside or not reentry:
            return state, True  # admitted while already in: kept, counted once
        state.inside = True
        return state, False
    if state is not None:
        state.last_ver = step.ver
        if state.inside:
            state.inside = False
            state.exits += 1
    return state, False  # an exit of someone not inside (stations apart) changes nothing


def fold_presence(steps: Iterable[Step], reentry: bool) -> tuple[PresenceState | None, list[Step]]:
    """Fold a key's steps (any order: sorted here); returns the state and the duplicates."""
    state: PresenceState | None = None
    dups: list[Step] = []
    for step in sorted(steps, key=lambda s: s.ver):
        state, dup = fold_step(state, step, reentry)
        if dup:
            dups.append(step)
    return state, dups
