"""What the desk's confirmations say: who, which session, when, in English and Chinese.

"Undo Zhang Lei 张磊's check-in to Opening Plenary at 09:05?" names the one entry the staff
member chose, so that undoing the wrong person is seen before it is done. Plain functions
(no widgets), each returning (English, Chinese).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.models.event import Event
from kiosk.models.records import Attendee, LogEntry, LogKind


def who(a: Attendee | None, fallback: str = "") -> tuple[str, str]:
    """(English form "Zhang Lei 张磊", Chinese form "张磊") of a person's names."""
    if a is None:
        return fallback or "—", fallback or "—"
    both = " ".join(x for x in (a.name, a.name_zh) if x)
    return both or a.attendee_id, a.name_zh or a.name or a.attendee_id


def session_names(event: Event | None, session_id: str) -> tuple[str, str]:
    if event is None or session_id not in event.session_ids():
        return session_id, session_id
    s = event.session(session_id)
    return s.title, s.title_zh or s.title


def _local(at: datetime, tz: ZoneInfo | None) -> str:
    return f"{at.astimezone(tz) if tz else at:%H:%M}"


def undo_question(entry: LogEntry, person: Attendee | None, event: Event | None) -> tuple[str, str]:
    en_who, zh_who = who(person, entry.attendee_id or "")
    en_s, zh_s = session_names(event, entry.session_id)
    when = _local(entry.at, event.tz if event else None)
    if entry.kind is LogKind.EXIT:
        return (
            f"Undo {en_who}'s exit from {en_s} at {when}?",
            f"撤销{zh_who}于 {when} 离开{zh_s}的记录？",
        )
    return (
        f"Undo {en_who}'s check-in to {en_s} at {when}?",
        f"撤销{zh_who}于 {when} 在{zh_s}的签到？",
    )


def reprint_question(person: Attendee) -> tuple[str, str]:
    en_who, zh_who = who(person)
    org_en = person.organization or person.organization_zh
    org_zh = person.organization_zh or person.organization
    return (
        f"Reprint the badge of {en_who}" + (f" ({org_en})" if org_en else "") + "?",
        f"为{zh_who}" + (f"（{org_zh}）" if org_zh else "") + "补打胸卡？",
    )
