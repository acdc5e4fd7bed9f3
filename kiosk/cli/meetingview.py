"""How `meetings status` shows the board: JSON, or lines of text (times in the event's zone)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from kiosk.meetings.board import MatchmakingBoard
from kiosk.meetings.status import MeetingState
from kiosk.models.meetings import Party


def _when(dt: datetime | None, tz: tzinfo) -> str | None:
    return None if dt is None else dt.astimezone(tz).isoformat(timespec="seconds")


def _party_json(p: Party, arrived: datetime | None, tz: tzinfo) -> dict[str, object]:
    return {"attendee_id": p.attendee_id, "name": p.name, "name_zh": p.name_zh,
            "organization": p.organization, "organization_zh": p.organization_zh,
            "delegation": p.delegation, "arrived_at": _when(arrived, tz)}  # fmt: skip


def state_json(s: MeetingState, tz: tzinfo) -> dict[str, object]:
    m = s.meeting
    return {
        "meeting_id": m.meeting_id,
        "start": _when(m.start, tz),
        "end": _when(m.end, tz),
        "table": m.table,
        "status": s.status.value,
        "outcome": s.outcome.value,
        "mark": m.mark.value if m.mark else None,
        "waiting_since": _when(s.waiting_since, tz),
        "missing": [p.attendee_id for p in s.missing],
        "parties": [_party_json(p, s.arrival(p.attendee_id), tz) for p in m.parties],
        "interpreter": m.interpreter_label,
        "languages": m.languages,
        "cancel_reason": m.cancel_reason,
        "rematch_of": m.rematch_of,
        "rematched_to": m.rematched_to,
    }


def board_json(b: MatchmakingBoard, states: Sequence[MeetingState], tz: tzinfo
               ) -> dict[str, object]:  # fmt: skip
    return {
        "now": _when(b.taken_at, tz),
        "session": b.session_id,
        "counts": b.counts.to_json(),
        "tables_in_use": list(b.tables_in_use),
        "due_soon": [s.meeting_id for s in b.due_soon],
        "meetings": [state_json(s, tz) for s in states],
    }


def _hm(dt: datetime | None, tz: tzinfo) -> str:
    return "" if dt is None else f"{dt.astimezone(tz):%H:%M}"


def _who(p: Party) -> str:
    names = " ".join(x for x in (p.name, p.name_zh) if x) or p.attendee_id
    company = p.organization or p.organization_zh
    return f"{names} ({company})" if company else names


def state_line(s: MeetingState, tz: tzinfo) -> str:
    m = s.meeting
    people = " · ".join(
        f"{_who(p)} {'✓ ' + _hm(at, tz) if at else '✗'}"
        for p in m.parties
        for at in (s.arrival(p.attendee_id),)
    )
    status = s.status.value
    if s.waiting_since is not None:
        status += f" since {_hm(s.waiting_since, tz)}"
    if m.mark is not None:
        status += f" (marked {m.mark.value.replace('_', ' ')})"
    if m.rematched_to:
        status += f" → re-matched as {m.rematched_to}"
    if m.rematch_of:
        status += f" (re-match of {m.rematch_of})"
    when = f"{_hm(m.start, tz)}–{_hm(m.end, tz)}"
    return f"  {m.meeting_id:<10} {when}  table {m.table:<6} {status:<24} {people}"


def board_lines(b: MatchmakingBoard, states: Sequence[MeetingState], tz: tzinfo) -> list[str]:
    """The counts, the tables in use, the due-soon meetings, then every other meeting."""
    c = b.counts
    local = b.taken_at.astimezone(tz)
    offset = local.strftime("%z")
    lines = [
        f"Matchmaking at {local:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]}): {c.total} meeting{'s' if c.total != 1 else ''}; "
        f"held {c.held}, partly held {c.partly_held}, waiting {c.waiting}, "
        f"no-show {c.no_show}, not held {c.not_held}, scheduled {c.scheduled}, "
        f"cancelled {c.cancelled}",
        "Tables in use: " + (", ".join(b.tables_in_use) or "none"),
    ]
    if b.due_soon:
        lines.append("Due in the next 10 minutes with a party missing:")
        for s in b.due_soon:
            missing = ", ".join(_who(p) for p in s.missing)
            lines.append(state_line(s, tz) + f"  — missing: {missing}")
    due = {s.meeting_id for s in b.due_soon}
    rest = [s for s in states if s.meeting_id not in due]
    if rest:
        lines.append("Meetings:")
        lines.extend(state_line(s, tz) for s in rest)
    if not states:
        lines.append("No meetings scheduled (import them with `meetings import`).")
    return lines
