"""The demo's matchmaking schedule: about 40 one-on-one meetings over three hours on 20
tables, each between a U.S. showcase company and a Chinese firm (their people registered
for the matchmaking session), some with an interpreter. Deterministic: the same attendees
give the same schedule. The first demo attendees (those in the recorded demo video) meet
in the first slot, so that checking their badges in to matchmaking shows the feature.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

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
    mm = [a for a in attendees if session.id in a.sessions and a.category != "staff"]
    us = _ranked([a for a in mm if a.delegation == "United States"], US_FIRMS,
                 [u for u, _ in VIDEO_PAIRS])  # fmt: skip
    cn = _ranked([a for a in mm if a.delegation == "China"], CN_FIRMS, [c for _, c in VIDEO_PAIRS])
    tables = event.matchmaking.tables or tuple(str(i) for i in range(1, 21))
    slot_len = timedelta(minutes=event.matchmaking.slot_minutes)
    booked: dict[str, int] = {}
    met: set[tuple[str, str]] = set()
    rows: list[ScheduleRow] = []
    for k, n in enumerate(PER_SLOT):
        start = session.start + k * slot_len
        if start + slot_len > session.end:
            break
        busy: set[str] = set()
        for j in range(n):
            pair = _pick(us, cn, busy, booked, met)
            if pair is None:
                break
            a, b = pair
            busy.update((a.attendee_id, b.attendee_id))
            met.add((a.attendee_id, b.attendee_id))
            for x in pair:
                booked[x.attendee_id] = booked.get(x.attendee_id, 0) + 1
            number = len(rows) + 1
            interp = INTERPRETERS[number % len(INTERPRETERS)] if number % 3 == 1 else ""
            rows.append(ScheduleRow(
                row=number + 1, meeting_id=f"MM-{number:02d}",
                table=tables[(j + 4 * k) % len(tables)], start=start, end=start + slot_len,
                slot=k + 1,
                parties=tuple(PartyRef(x.external_id, f"Party {i + 1}", x.organization,
                                       x.organization_zh) for i, x in enumerate(pair)),
                interpreter=interp, languages="en-zh" if interp else "",
            ))  # fmt: skip
    return rows


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
