"""The demo's matchmaking schedule: about 40 one-on-one meetings over three hours on 20
tables, each between a U.S. showcase company and a Chinese firm (their people registered
for the matchmaking session), some with an interpreter. Deterministic: the same attendees
give the same schedule. The first demo attendees (those in the recorded demo video) meet
in the first slot, so that checking their badges in to matchmaking shows the feature.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from kiosk.meetings.schedule import PartyRef, ScheduleRow
from kiosk.models.event import Event
from kiosk.models.records import Attendee

#: Registration numbers of demo-video attendees who meet first (U.S. side, Chinese side).
VIDEO_PAIRS = (("CTF24-00007", "CTF24-00003"), ("CTF24-00006", "CTF24-00001"))
US_FIRMS = ("Form Energy", "Fluence Energy", "Generate Capital", "Breakthrough Energy Ventures")
CN_FIRMS = (
    "LONGi Green Energy", "CATL", "Envision Energy", "BYD Company", "China Huaneng Group",
    "China Three Gorges Corporation", "State Grid Corporation of China",
    "China Development Bank", "Industrial and Commercial Bank of China",
)  # fmt: skip
PER_SLOT = (5, 5, 5, 4, 4, 4, 5, 4, 4)  # 40 meetings in the nine 20-minute slots 14:00–17:00
INTERPRETERS = ("李娜 Li Na", "Emily Chen 陈艾米", "王芳 Wang Fang", "David Zhou 周大卫")


def _ranked(
    people: Sequence[Attendee], firms: Sequence[str], first: Sequence[str]
) -> list[Attendee]:
    """Firms' people first (the video's attendees before all), then everyone else."""
    order = {ext: i for i, ext in enumerate(first)}
    return sorted(people, key=lambda a: (a.external_id not in order, order.get(a.external_id, 0),
                                         a.organization not in firms, a.external_id))  # fmt: skip


def demo_schedule(event: Event, attendees: Sequence[Attendee]) -> list[ScheduleRow]:
    session = event.matchmaking_session()
    if session is None:
        return []
    us, cn = _sides([a for a in attendees if session.id in a.sessions and a.category != "staff"])
    tables = event.matchmaking.tables or tuple(str(i) for i in range(1, 21))
    slot_len = timedelta(minutes=event.matchmaking.slot_minutes)
    book = _Booking(us, cn, tables, slot_len)
    for k, n in enumerate(PER_SLOT):
        start = session.start + k * slot_len
        if start + slot_len > session.end:
            break
        book.slot(k, n, start)
    return book.rows


def _sides(mm: list[Attendee]) -> tuple[list[Attendee], list[Attendee]]:
    """The U.S. and the Chinese matchmaking attendees, ranked."""
    us = _ranked([a for a in mm if a.delegation == "United States"], US_FIRMS,
                 [u for u, _ in VIDEO_PAIRS])  # fmt: skip
    cn = _ranked([a for a in mm if a.delegation == "China"], CN_FIRMS, [c for _, c in VIDEO_PAIRS])
    return us, cn


class _Booking:
    """Meetings slot by slot: each pairs the free people with the fewest meetings so far."""

    def __init__(
        self, us: list[Attendee], cn: list[Attendee], tables: Sequence[str], slot_len: timedelta
    ) -> None:
        self.us, self.cn, self.tables, self.slot_len = us, cn, tables, slot_len
        self.booked: dict[str, int] = {}
        self.met: set[tuple[str, str]] = set()
        self.rows: list[ScheduleRow] = []

    def slot(self, k: int, n: int, start: datetime) -> None:
        """Up to `n` meetings in slot `k` (from 0), starting at `start`."""
        busy: set[str] = set()
        for j in range(n):
            pair = _pick(self.us, self.cn, busy, self.booked, self.met)
            if pair is None:
                break
            a, b = pair
            busy.update((a.attendee_id, b.attendee_id))
            self.met.add((a.attendee_id, b.attendee_id))
            for x in pair:
                self.booked[x.attendee_id] = self.booked.get(x.attendee_id, 0) + 1
            self.rows.append(
                self._meeting(pair, start, self.tables[(j + 4 * k) % len(self.tables)], k + 1)
            )

    def _meeting(
        self, pair: tuple[Attendee, Attendee], start: datetime, table: str, slot: int
    ) -> ScheduleRow:
        number = len(self.rows) + 1
        interp = INTERPRETERS[number % len(INTERPRETERS)] if number % 3 == 1 else ""
        return ScheduleRow(
            row=number + 1, meeting_id=f"MM-{number:02d}", table=table, start=start,
            end=start + self.slot_len, slot=slot,
            parties=tuple(PartyRef(x.external_id, f"Party {i + 1}", x.organization,
                                   x.organization_zh) for i, x in enumerate(pair)),
            interpreter=interp, languages="en-zh" if interp else "",
        )  # fmt: skip


def _pick(us: list[Attendee], cn: list[Attendee], busy: set[str], booked: dict[str, int],
          met: set[tuple[str, str]]) -> tuple[Attendee, Attendee] | None:  # fmt: skip
    """The free U.S. and Chinese attendees with the fewest meetings so far who have not met."""

    def free(side: list[Attendee]) -> list[Attendee]:
        return sorted((a for a in side if a.attendee_id not in busy),
                      key=lambda a: booked.get(a.attendee_id, 0))  # fmt: skip

    for a in free(us):
        for b in free(cn):
            if (a.attendee_id, b.attendee_id) not in met:
                return a, b
    return None
