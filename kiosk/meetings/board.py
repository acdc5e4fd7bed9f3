"""What the organizers see of the matchmaking (plain data, no Qt): the dashboard panel's
board, and the held / partly held / no-show totals per company and per delegation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.meetings.status import DUE_MINUTES, MeetingState, company_key
from kiosk.models.meetings import MeetingOutcome, MeetingStatus, Party


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
    no-shows) with a party missing, soonest first: staff go and find the missing party.
    `rows`: every meeting, the due-soon ones first, then by start time and table.
    """

    taken_at: datetime
    session_id: str
    due_soon: tuple[MeetingState, ...]
    tables_in_use: tuple[str, ...]
    counts: MeetingCounts
    rows: tuple[MeetingState, ...]


def natural(text: str) -> tuple[object, ...]:
    """Sort key: "table 2" before "table 10"."""
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", text))


def is_due_soon(s: MeetingState, now: datetime, due_minutes: int = DUE_MINUTES) -> bool:
    m = s.meeting
    return (
        m.active
        and m.mark is None
        and bool(s.missing)
        and s.status in (MeetingStatus.SCHEDULED, MeetingStatus.WAITING)
        and m.start <= now + timedelta(minutes=due_minutes)
    )


def build_board(
    states: Sequence[MeetingState], now: datetime, session_id: str, due_minutes: int = DUE_MINUTES
) -> MatchmakingBoard:
    due = [s for s in states if is_due_soon(s, now, due_minutes)]
    due.sort(key=lambda s: (s.meeting.start, natural(s.meeting.table), s.meeting_id))
    due_ids = {s.meeting_id for s in due}
    rest = sorted((s for s in states if s.meeting_id not in due_ids),
                  key=lambda s: (s.meeting.start, natural(s.meeting.table), s.meeting_id))  # fmt: skip
    in_use = {
        s.meeting.table
        for s in states
        if s.meeting.active and s.arrived and s.meeting.start <= now < s.meeting.end
        and s.outcome is not MeetingOutcome.NOT_HELD
    }  # fmt: skip
    return MatchmakingBoard(now, session_id, tuple(due), tuple(sorted(in_use, key=natural)),
                            count(states), tuple(due + rest))  # fmt: skip


def count(states: Iterable[MeetingState]) -> MeetingCounts:
    n: dict[str, int] = dict.fromkeys(MeetingCounts.__dataclass_fields__, 0)
    for s in states:
        if s.status is MeetingStatus.CANCELLED:
            n["cancelled"] += 1
            continue
        n["total"] += 1
        if s.status is MeetingStatus.WAITING and s.meeting.active and s.meeting.mark is None:
            n["waiting"] += 1
        elif s.status is MeetingStatus.SCHEDULED:
            n["scheduled"] += 1
        elif s.status is MeetingStatus.BOTH_ARRIVED:
            n["both_arrived"] += 1
        key = s.outcome.value
        if key in n:
            n[key] += 1
    return MeetingCounts(**n)


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
            en, zh = (p.organization, p.organization_zh) if by == "company" else (p.delegation, "")
            known = names.setdefault(k, ["", ""])
            known[0], known[1] = known[0] or en, known[1] or zh
            if not (known[0] or known[1]) and by == "company":
                known[0] = p.display_name
        for k in groups:
            n = rows.setdefault(k, dict.fromkeys(_COUNTED, 0))
            if s.outcome is MeetingOutcome.CANCELLED:
                n["cancelled"] += 1
                continue
            n["meetings"] += 1
            n[s.outcome.value] += 1
            if s.outcome is MeetingOutcome.NO_SHOW and k not in here:
                n["absent"] += 1
    out = [GroupTotals(" / ".join(x for x in names[k] if x), **n) for k, n in rows.items()]
    return sorted(out, key=lambda g: (-g.meetings, g.key.casefold()))
