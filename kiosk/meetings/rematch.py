"""Finding a free table and time for a re-match (pure: the meetings are given).

A waiting party whose counterpart did not come is placed into a new meeting, with a new
counterpart or the same one later. The new meeting needs a table that is free for its
whole length, parties who are free then, and must end within the matchmaking session.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from kiosk.meetings.board import natural
from kiosk.models.event import Event, Session
from kiosk.models.meetings import Meeting

STEP_MINUTES = 5


def busy(meetings: Sequence[Meeting], start: datetime, end: datetime, ignore: str = "",
         ) -> tuple[set[str], set[str]]:  # fmt: skip
    """(tables, attendee ids) taken by active meetings overlapping [start, end)."""
    tables: set[str] = set()
    people: set[str] = set()
    for m in meetings:
        if m.active and m.meeting_id != ignore and m.overlaps(start, end):
            tables.add(m.table)
            people.update(p.attendee_id for p in m.parties)
            if m.interpreter is not None:
                people.add(m.interpreter.attendee_id)
    return tables, people


def tables_of(event: Event, meetings: Sequence[Meeting]) -> list[str]:
    """The event's tables, or (none listed) every table the schedule uses."""
    if event.matchmaking.tables:
        return list(event.matchmaking.tables)
    return sorted({m.table for m in meetings if m.table}, key=natural)


def free_places(
    event: Event, session: Session, meetings: Sequence[Meeting], parties: Sequence[str],
    length: timedelta, after: datetime, ignore: str = "",
) -> Iterator[tuple[str, datetime]]:  # fmt: skip
    """(table, start) where a meeting of `length` for `parties` fits, earliest first: from
    `after` (the session's start at the earliest), in steps of 5 minutes."""
    step = timedelta(minutes=STEP_MINUTES)
    start = max(after, session.start)
    tables = tables_of(event, meetings)
    while start + length <= session.end:
        taken, people = busy(meetings, start, start + length, ignore)
        if not people.intersection(parties):
            for t in tables:
                if t not in taken:
                    yield t, start
        start += step


def on_grid(session: Session, t: datetime) -> datetime:
    """`t` rounded up to the 5-minute grid of the session (its start at the earliest)."""
    step = timedelta(minutes=STEP_MINUTES)
    if t <= session.start:
        return session.start
    offset = (t - session.start) % step
    return t + (step - offset) if offset else t


def place_problem(
    event: Event, session: Session, meetings: Sequence[Meeting], parties: Sequence[str],
    table: str, start: datetime, end: datetime, ignore: str = "",
) -> str | None:  # fmt: skip
    """Why (table, start–end) cannot take the meeting, or None."""
    tz = event.tz
    when = f"{start.astimezone(tz):%H:%M}–{end.astimezone(tz):%H:%M}"
    if start < session.start or end > session.end:
        return (f"{when} is outside the matchmaking session's hours "
                f"({session.start.astimezone(tz):%H:%M}–{session.end.astimezone(tz):%H:%M})")  # fmt: skip
    for m in meetings:
        if not (m.active and m.meeting_id != ignore and m.overlaps(start, end)):
            continue
        if m.table == table:
            return f"table {table} is taken by meeting {m.meeting_id} at {when}"
        people = [*m.parties, *([m.interpreter] if m.interpreter is not None else [])]
        who = next((p.display_name for p in people if p.attendee_id in parties), None)
        if who is not None:
            return f"{who} is in meeting {m.meeting_id} at an overlapping time"
    return None
