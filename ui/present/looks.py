"""Every Outcome mapped to what people see and hear: colour, bilingual reason, sound.

One table, so a new Outcome member fails the test that checks all are mapped.
Both languages are shown whatever the UI language is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from kiosk.models.event import Event
from kiosk.models.outcome_text import CLOSED_TEXT, OUTCOME_TEXTS
from kiosk.models.outcomes import CheckinResult, Outcome
from kiosk.models.records import Category


class Tone(enum.StrEnum):
    OK = "ok"  # green
    WARN = "warn"  # amber
    REFUSE = "refuse"  # red


COLOURS = {
    Tone.OK: ("#1E8E3E", "#E6F4EA"),  # (strong, pale)
    Tone.WARN: ("#B06000", "#FEF3E0"),
    Tone.REFUSE: ("#C5221F", "#FCE8E6"),
}
ATTENTION_COLOUR = "#6A1B9A"


@dataclass(frozen=True, slots=True)
class Look:
    tone: Tone
    title_en: str
    title_zh: str
    reason_en: str
    reason_zh: str
    sound: str  # file stem in resources/sounds/

    @property
    def colour(self) -> str:
        return COLOURS[self.tone][0]

    @property
    def pale(self) -> str:
        return COLOURS[self.tone][1]


_DESK = ("Please go to the front desk.", "请前往服务台。")

# What is heard and its colour; the words are the domain's one table (OUTCOME_TEXTS).
_TONES: dict[Outcome, tuple[Tone, str]] = {
    Outcome.ADMITTED: (Tone.OK, "admitted"),
    Outcome.EXITED: (Tone.OK, "admitted"),
    Outcome.ALREADY_CHECKED_IN: (Tone.WARN, "already"),
    Outcome.NOT_INSIDE: (Tone.WARN, "already"),
    Outcome.WRONG_EVENT: (Tone.REFUSE, "refused"),
    Outcome.FORGED_CODE: (Tone.REFUSE, "refused"),
    Outcome.UNKNOWN_CODE: (Tone.REFUSE, "refused"),
    Outcome.REVOKED_BADGE: (Tone.REFUSE, "refused"),
    Outcome.OUTSIDE_TIME_WINDOW: (Tone.REFUSE, "refused"),
    Outcome.NOT_REGISTERED: (Tone.REFUSE, "refused"),
    Outcome.SESSION_FULL: (Tone.REFUSE, "refused"),
}


def _look(outcome: Outcome) -> Look:
    t = OUTCOME_TEXTS[outcome]
    tone, sound = _TONES[outcome]
    return Look(tone, t.title_en, t.title_zh, t.reason_en, t.reason_zh, sound)


LOOKS: dict[Outcome, Look] = {o: _look(o) for o in Outcome}


def look(outcome: Outcome) -> Look:
    return LOOKS[outcome]


# "Check-in not open" after a session ended: the domain's text for it, this look's colour.
CLOSED = Look(
    Tone.REFUSE,
    CLOSED_TEXT.title_en,
    CLOSED_TEXT.title_zh,
    CLOSED_TEXT.reason_en,
    CLOSED_TEXT.reason_zh,
    "refused",
)


def result_look(result: CheckinResult) -> Look:
    """The look of a result: its outcome's, "Check-in closed" for a session that ended."""
    if (
        result.outcome is Outcome.OUTSIDE_TIME_WINDOW
        and result.closes_at is not None
        and result.at > result.closes_at
    ):
        return CLOSED
    return look(result.outcome)


# Every Category's name in both languages: the desk, the walk-in form and the dashboard.
CATEGORY_NAMES: dict[Category, tuple[str, str]] = {
    Category.DELEGATE: ("Delegate", "代表"),
    Category.VIP: ("VIP", "贵宾"),
    Category.SPEAKER: ("Speaker", "演讲嘉宾"),
    Category.PRESS: ("Press", "媒体"),
    Category.EXHIBITOR: ("Exhibitor", "参展商"),
    Category.STAFF: ("Staff", "工作人员"),
    Category.GUEST: ("Guest", "嘉宾"),
}
ALERTED = (Category.VIP, Category.SPEAKER)  # the desk alerts the host when they arrive


def category_names(category: str) -> tuple[str, str]:
    """(English, Chinese) of a Category (a category of a newer release: as it is)."""
    try:
        return CATEGORY_NAMES[Category(category)]
    except ValueError:
        return category.title(), ""


def category_text(category: str) -> str:
    en, zh = category_names(category)
    return f"{en} · {zh}" if zh else en


def needs_alert(result: CheckinResult) -> bool:
    """VIPs, speakers and attendees flagged for attention get a visible alert at the desk."""
    return result.attention or result.category in ALERTED


def window_lines(
    result: CheckinResult, event: Event | None, tz: ZoneInfo | None
) -> tuple[str, str]:
    """For "Check-in not open": when it opens (or closed), and which session is open now."""
    if result.outcome is not Outcome.OUTSIDE_TIME_WINDOW or result.opens_at is None:
        return "", ""
    opens = result.opens_at.astimezone(tz) if tz else result.opens_at
    closes = result.closes_at.astimezone(tz) if tz and result.closes_at else result.closes_at
    title_en, title_zh = result.session_id, result.session_id
    if event is not None and result.session_id in event.session_ids():
        s = event.session(result.session_id)
        title_en, title_zh = s.title, s.title_zh or s.title
    if result.at < result.opens_at:
        en = f"Check-in for {title_en} opens at {opens:%H:%M}."
        zh = f"{title_zh}将于 {opens:%H:%M} 开始签到。"
    else:
        end = f"{closes:%H:%M}" if closes else ""
        en = f"Check-in for {title_en} closed at {end}."
        zh = f"{title_zh}已于 {end} 结束签到。"
    now_open = [
        event.session(sid) for sid in result.open_sessions if event and sid in event.session_ids()
    ]
    if now_open:
        en += " Open now: " + ", ".join(s.title for s in now_open) + "."
        zh += "当前可签到：" + "、".join(s.title_zh or s.title for s in now_open) + "。"
    else:
        en += " No session is open for check-in now."
        zh += "当前没有场次可签到。"
    return en, zh


def attendee_lang(result: CheckinResult, default: str = "en") -> str:
    """The attendee's language ('zh' or 'en'): shown first everywhere on the kiosk."""
    if result.name_zh.strip() or result.name.strip():
        return "zh" if is_chinese_name(result) else "en"
    return default


def is_chinese_name(result: CheckinResult) -> bool:
    """A Chinese name is greeted Chinese first: a Chinese name that is not a
    transliteration (those carry the middle dot, 约翰·史密斯), or no Latin name at all."""
    zh = result.name_zh.strip()
    if not zh:
        return False
    return not result.name.strip() or ("·" not in zh and "•" not in zh)


def greeting(result: CheckinResult) -> tuple[str, str]:
    """The kiosk greeting: (first line, second line), Chinese first for Chinese names."""
    zh_name = result.name_zh or result.name
    en_name = result.name or result.name_zh
    zh = f"{zh_name}，您好！欢迎参会。"
    en = f"Welcome, {en_name}!"
    return (zh, en) if is_chinese_name(result) else (en, zh)


def where_to_go(result: CheckinResult) -> tuple[str, str]:
    if not result.room and not result.room_zh:
        return ("", "")
    return (
        f"Please proceed to {result.room or result.room_zh}.",
        f"请前往{result.room_zh or result.room}。",
    )


DESK_EN, DESK_ZH = _DESK
