"""The meetings projection's rules as pure functions: its state (`MeetingFold`) and the steps
of the four meeting kinds, registered with every other step in
kiosk.storage.projections.steps and run by both drivers.

Every attribute of a meeting is the latest by version (entry time, then uuid), each kept
with its own version: the fields come from the latest schedule (or re-match) entry; the
latest of the schedule and cancel entries decides whether it is cancelled (a re-import
brings a dropped meeting back); the latest mark counts; the latest re-match of a meeting
names its successor. Taking a maximum is commutative, so the entries may arrive in any
order: two stations holding the same entries hold the same meetings.

An entry's payload (`data`):
- meeting_schedule: {"meetings": [FIELDS, ...]}
- meeting_cancel: {"meetings": [meeting id, ...], "reason": text}
- meeting_mark: {"meeting": meeting id, "mark": "held" | "not_held" | null}
- meeting_rematch: {"meeting": FIELDS (the new meeting), "from": the old meeting's id}

FIELDS = {"id", "start", "end" (stored UTC text), "table", "slot" (int or null),
"parties": [[attendee id, company, company_zh], ...], "interpreter": [attendee id or "",
name], "languages", "source"}.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.models.meetings import ROLE_INTERPRETER, ROLE_PARTY, MeetingMark

MARKS = frozenset(m.value for m in MeetingMark)
#: `meetings.party_ids`: the parties' attendee ids in one text, for reading every
#: meeting's status without the parties table.
PARTY_SEP = "\x1f"
Row = tuple[Any, ...]


def clean_fields(raw: object) -> dict[str, Any] | None:
    """A meeting's FIELDS in their canonical shape, or None when malformed (an entry
    written by a faulty station is kept in the log and ignored here). Plain type tests, no
    generators: a 10,000-meeting import runs this 10,000 times."""
    if type(raw) is not dict:
        return None
    mid, start, end = raw.get("id"), raw.get("start"), raw.get("end")
    if type(mid) is not str or not mid or type(start) is not str or type(end) is not str:
        return None
    parties = _parties(raw.get("parties"))
    interp = _interpreter(raw.get("interpreter") or ["", ""])
    if parties is None or interp is None:
        return None
    slot = raw.get("slot")
    return {
        "id": mid, "start": start, "end": end, "table": str(raw.get("table", "")),
        "slot": slot if type(slot) is int else None, "parties": parties,
        "interpreter": interp, "languages": str(raw.get("languages", "")),
        "source": str(raw.get("source", "")),
    }  # fmt: skip


def _parties(parties: object) -> list[list[str]] | None:
    if type(parties) is not list:
        return None
    clean: list[list[str]] = []
    for p in parties:
        if type(p) is not list or len(p) != 3:
            return None
        a, b, c = p
        if type(a) is not str or type(b) is not str or type(c) is not str:
            return None
        clean.append([a, b, c])
    return clean


def _interpreter(interp: object) -> list[str] | None:
    if type(interp) is not list or len(interp) != 2:
        return None
    i_id, i_name = interp
    if type(i_id) is not str or type(i_name) is not str:
        return None
    return [i_id, i_name]


@dataclass(slots=True)
class MeetingFold:
    """One meeting being folded. `fields` is None when they were not loaded (the
    entry-by-entry path reads only the versions) or when no schedule has arrived yet."""

    meeting_id: str
    fields: dict[str, Any] | None = None
    ver: str = ""
    rematch_of: str | None = None
    life_ver: str = ""
    cancelled: bool = False
    cancel_reason: str = ""
    mark: str | None = None
    mark_at: str | None = None
    mark_by: str = ""
    mark_ver: str = ""
    rematched_to: str | None = None
    rematched_ver: str = ""
    fields_changed: bool = False  # the fields (and parties) must be written again
    stored: bool = False  # read from the table (a new one has no parties to replace)

    def schedule(self, fields: dict[str, Any], ver: str, rematch_of: str | None = None) -> None:
        if ver > self.ver:
            self.fields, self.ver, self.rematch_of = fields, ver, rematch_of
            self.fields_changed = True
        if ver > self.life_ver:
            self.life_ver, self.cancelled, self.cancel_reason = ver, False, ""

    def cancel(self, ver: str, reason: str) -> None:
        if ver > self.life_ver:
            self.life_ver, self.cancelled, self.cancel_reason = ver, True, reason

    def set_mark(self, mark: str | None, at: str, by: str, ver: str) -> None:
        if ver > self.mark_ver:
            self.mark_ver = ver
            self.mark, self.mark_at, self.mark_by = (mark, at, by) if mark else (None, None, "")

    def rematched(self, to: str, ver: str) -> None:
        if ver > self.rematched_ver:
            self.rematched_to, self.rematched_ver = to, ver

    def row(self) -> Row:
        """The `meetings` row (column order of the table)."""
        f = self.fields or {}
        party_ids = PARTY_SEP.join(p[0] for p in f.get("parties", ()))
        return (
            self.meeting_id, f.get("start", ""), f.get("end", ""), f.get("table", ""),
            party_ids, f.get("slot"), (f.get("interpreter") or ["", ""])[1], f.get("languages", ""),
            f.get("source", ""), self.rematch_of, self.ver, self.life_ver, int(self.cancelled),
            self.cancel_reason, self.mark, self.mark_at, self.mark_by, self.mark_ver,
            self.rematched_to, self.rematched_ver,
        )  # fmt: skip

    def state_row(self) -> Row:
        """The attributes other than the fields, for an UPDATE (fields unchanged)."""
        return (self.life_ver, int(self.cancelled), self.cancel_reason, self.mark, self.mark_at,
                self.mark_by, self.mark_ver, self.rematched_to, self.rematched_ver)  # fmt: skip

    def party_rows(self) -> list[Row]:
        """The `meeting_parties` rows: the parties in order, then an attendee interpreter."""
        f = self.fields or {}
        rows: list[Row] = [
            (self.meeting_id, i, aid, ROLE_PARTY, company, company_zh)
            for i, (aid, company, company_zh) in enumerate(f.get("parties", ()))
        ]
        interp = (f.get("interpreter") or ["", ""])[0]
        if interp:
            rows.append((self.meeting_id, len(rows), interp, ROLE_INTERPRETER, "", ""))
        return rows


Get = Callable[[str], MeetingFold]


def touched(data: Mapping[str, Any]) -> list[str]:
    """The meeting ids an entry's payload names (malformed parts are left to the steps)."""
    out: list[Any] = []
    for m in data.get("meetings", ()) or ():
        out.append(m.get("id") if isinstance(m, dict) else m)
    meeting = data.get("meeting")
    out.append(meeting.get("id") if isinstance(meeting, dict) else meeting)
    out.append(data.get("from"))
    return list(dict.fromkeys(x for x in out if isinstance(x, str) and x))


# The steps of the four meeting kinds, on the states `get(meeting id)` returns.
def schedule(get: Get, data: Mapping[str, Any], ver: str) -> None:
    for raw in data.get("meetings", ()) or ():
        fields = clean_fields(raw)
        if fields is not None:
            get(fields["id"]).schedule(fields, ver)


def cancel(get: Get, data: Mapping[str, Any], ver: str) -> None:
    reason = str(data.get("reason", ""))
    for mid in data.get("meetings", ()) or ():
        if isinstance(mid, str) and mid:
            get(mid).cancel(ver, reason)


def mark(get: Get, data: Mapping[str, Any], ver: str, at: str, operator: str) -> None:
    mid, value = data.get("meeting"), data.get("mark")
    if isinstance(mid, str) and mid and (value is None or value in MARKS):
        get(mid).set_mark(value, at, operator, ver)


def rematch(get: Get, data: Mapping[str, Any], ver: str) -> None:
    fields, old = clean_fields(data.get("meeting")), data.get("from")
    if fields is not None and isinstance(old, str) and old and old != fields["id"]:
        get(fields["id"]).schedule(fields, ver, rematch_of=old)
        get(old).rematched(fields["id"], ver)
