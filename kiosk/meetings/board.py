"""What the organizers see of the matchmaking (plain data, no Qt): the dashboard panel's
board, and the held / partly held / no-show totals per company and per delegation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kiosk.meetings.status import DUE_MINUTES, MeetingState, company_key
from kiosk.models.meetings import MeetingOutcome, MeetingStatus, Party
from kiosk.storage.base import ts


@dataclass(frozen=True, slots=True)
class MeetingCounts:
    total: int = 0  # meetings not cancelled
    scheduled: int = 0
    waiting: int = 0
    both_arrived: int = 0
    no_show: int = 0  # outcome: a company did not come (a "held" mark overrides)
    held: int = 0  # outcome: held (everyone came, or marked held)
    partly_held: int = 0
    not_held: int = 0
    cancelled: int = 0

    def to_json(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class MatchmakingBoard:
    """The dashboard's matchmaking panel.

    `due_soon`: meetings that start within DUE_MINUTES (or have started, and are not yet
    no-shows) with a party missing, soonest first, with names: staff go and find the
    missing party. `tables_in_use`: tables of meetings on now with someone there.
    `counts`: held / partly held / waiting / no-show / … over every meeting.
    """

    taken_at: datetime
    session_id: str
    due_soon: tuple[MeetingState, ...]
    tables_in_use: tuple[str, ...]
    counts: MeetingCounts


class StatusLike(Protocol):
    """What the board reads of a meeting: a MeetingState or a MeetingStatusRow."""

    @property
    def meeting_id(self) -> str: ...
    @property
    def table(self) -> str: ...
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def start_at(self) -> str: ...  # as stored: fixed-width UTC text, compared as text
    @property
    def end_at(self) -> str: ...
    @property
    def status(self) -> MeetingStatus: ...
    @property
    def outcome(self) -> MeetingOutcome: ...
    @property
    def active(self) -> bool: ...
    @property
    def marked(self) -> bool: ...
    @property
    def parties(self) -> int: ...
    @property
    def here(self) -> int: ...


def natural(text: str) -> tuple[object, ...]:
    """Sort key: "table 2" before "table 10"."""
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", text))


def _due_soon(s: StatusLike, due_at: str) -> bool:
    return (
        s.active
        and not s.marked
        and s.here < s.parties
        and s.status in (MeetingStatus.SCHEDULED, MeetingStatus.WAITING)
        and s.start_at <= due_at
    )


def build_board(
    rows: Sequence[StatusLike], now: datetime, session_id: str,
    details: Callable[[list[str]], Sequence[MeetingState]], due_minutes: int = DUE_MINUTES,
) -> MatchmakingBoard:  # fmt: skip
    """The board from every meeting's status; `details(ids)` gives the due-soon meetings
    with their names. Times are compared as stored text (10,000 rows, no parsing)."""
    now_at, due_at = ts(now), ts(now + timedelta(minutes=due_minutes))
    due_ids = [s.meeting_id for s in rows if _due_soon(s, due_at)]
    due = sorted(details(due_ids), key=lambda s: (s.start, natural(s.table), s.meeting_id))
    in_use = {
        s.table
        for s in rows
        if s.active and s.here and s.outcome is not MeetingOutcome.NOT_HELD
        and s.start_at <= now_at < s.end_at
    }  # fmt: skip
    return MatchmakingBoard(now, session_id, tuple(due), tuple(sorted(in_use, key=natural)),
                            count(rows))  # fmt: skip


def count(rows: Iterable[StatusLike]) -> MeetingCounts:
    n: dict[str, int] = dict.fromkeys(MeetingCounts.__dataclass_fields__, 0)
    for s in rows:
        if s.status is MeetingStatus.CANCELLED:
            n["cancelled"] += 1
            continue
        n["total"] += 1
        if s.status is MeetingStatus.WAITING and s.active and not s.marked:
            n["waiting"] += 1
        elif s.status is MeetingStatus.SCHEDULED:
            n["scheduled"] += 1
        elif s.status is MeetingStatus.BOTH_ARRIVED:
            n["both_arrived"] += 1
        key = _COUNTS_OUTCOME.get(s.outcome)
        if key is not None:
            n[key] += 1
    return MeetingCounts(**n)


#: The outcomes MeetingCounts counts, by their field (an enum's .value is slow in a loop).
_COUNTS_OUTCOME = {
    o: o.value for o in MeetingOutcome if o.value in MeetingCounts.__dataclass_fields__
}


# -- totals per company and per delegation ----------------------------------------------------
@dataclass(frozen=True, slots=True)
class GroupTotals:
    key: str  # the company (or delegation) as shown
    meetings: int = 0  # meetings it was in, cancelled ones excluded
    held: int = 0
    partly_held: int = 0
    no_show: int = 0
    absent: int = 0  # of the no-shows: those where this side did not come
    not_held: int = 0
    pending: int = 0
    cancelled: int = 0

    def to_json(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


_COUNTED = tuple(f for f in GroupTotals.__dataclass_fields__ if f != "key")


def _name(known: list[str], p: Party, by: str) -> None:
    """Complete a group's [English, Chinese] name from one of its parties."""
    en, zh = (p.organization, p.organization_zh) if by == "company" else (p.delegation, "")
    known[0], known[1] = known[0] or en, known[1] or zh
    if not (known[0] or known[1]) and by == "company":
        known[0] = p.display_name


def _count(n: dict[str, int], s: MeetingState, came: bool) -> None:
    """Count one meeting for one group (`came`: one of the group's parties arrived)."""
    if s.outcome is MeetingOutcome.CANCELLED:
        n["cancelled"] += 1
        return
    n["meetings"] += 1
    n[s.outcome.value] += 1
    if s.outcome is MeetingOutcome.NO_SHOW and not came:
        n["absent"] += 1


def totals(states: Sequence[MeetingState], by: str = "company") -> list[GroupTotals]:
    """Each meeting counted once for each company (`by="company"`) or delegation
    (`by="delegation"`) in it, by its outcome; `absent` counts the no-shows where none of
    that side's parties came. A company is shown in both languages where known."""
    if by == "company":
        key = company_key(p for s in states for p in s.meeting.parties)
    else:

        def key(p: Party) -> str:
            return p.delegation.casefold()

    rows: dict[str, dict[str, int]] = {}
    names: dict[str, list[str]] = {}  # key -> [English, Chinese] (delegation: [as written, ""])
    for s in states:
        here = {key(p) for p, _ in s.arrived}
        groups: dict[str, None] = {}
        for p in s.meeting.parties:
            k = key(p)
            groups.setdefault(k)
            _name(names.setdefault(k, ["", ""]), p, by)
        for k in groups:
            _count(rows.setdefault(k, dict.fromkeys(_COUNTED, 0)), s, k in here)
    out = [GroupTotals(" / ".join(x for x in names[k] if x), **n) for k, n in rows.items()]
    return sorted(out, key=lambda g: (-g.meetings, g.key.casefold()))
