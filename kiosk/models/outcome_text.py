"""Every Outcome in words, English and Simplified Chinese: the one table.

The desk's and kiosk's panels (`title`, `reason`), the dashboard's feed, the report and
the exports (`label`) all read it, so a refusal has one name everywhere (场次已满, never
会场已满 on one screen and 场次已满 in the report). A new Outcome member fails the test
that checks every member is here.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.models.outcomes import Outcome


@dataclass(frozen=True, slots=True)
class OutcomeText:
    title_en: str  # the panel's headline ("Session full")
    title_zh: str
    reason_en: str  # one sentence under it
    reason_zh: str
    label_en: str  # a list's, a report's or an export's name for it
    label_zh: str

    def label(self, sep: str = " / ") -> str:
        return f"{self.label_en}{sep}{self.label_zh}"


OUTCOME_TEXTS: dict[Outcome, OutcomeText] = {
    Outcome.ADMITTED: OutcomeText(
        "Welcome", "欢迎", "Checked in.", "签到成功。", "Admitted", "签到成功"
    ),
    Outcome.EXITED: OutcomeText(
        "Goodbye", "再见", "Exit recorded.", "已登记离场。", "Exited", "已离场"
    ),
    Outcome.ALREADY_CHECKED_IN: OutcomeText(
        "Already checked in",
        "已签到",
        "This badge was already checked in for this session.",
        "此胸卡已在本场次签到。",
        "Already checked in",
        "重复签到",
    ),
    Outcome.WRONG_EVENT: OutcomeText(
        "Wrong event",
        "非本活动胸卡",
        "This badge belongs to another event.",
        "此胸卡不属于本次活动。",
        "Badge of another event",
        "其他活动的胸卡",
    ),
    Outcome.FORGED_CODE: OutcomeText(
        "Invalid badge",
        "胸卡无效",
        "The badge code failed verification.",
        "胸卡二维码验证失败。",
        "Forged or altered code",
        "伪造或被篡改的二维码",
    ),
    Outcome.UNKNOWN_CODE: OutcomeText(
        "Unknown code",
        "无法识别",
        "This code is not a badge or ticket of this forum.",
        "此码不是本论坛的胸卡或门票。",
        "Unknown code",
        "无法识别的二维码",
    ),
    Outcome.REVOKED_BADGE: OutcomeText(
        "Badge replaced",
        "胸卡已作废",
        "This badge was replaced by a newer one.",
        "此胸卡已被新胸卡取代。",
        "Revoked badge (replaced by a reprint)",
        "已作废的胸卡（已补打）",
    ),
    Outcome.OUTSIDE_TIME_WINDOW: OutcomeText(
        # Neutral on purpose: the panel's next line says whether it opens later or closed.
        "Check-in not open",
        "不在签到时间",
        "Check-in for this session is not open now.",
        "本场次当前不在签到时间内。",
        "Outside the check-in time",
        "不在签到时间内",
    ),
    Outcome.NOT_REGISTERED: OutcomeText(
        "Not registered",
        "未报名",
        "Not registered for this session.",
        "未报名参加本场次。",
        "Not registered for the session",
        "未报名该场次",
    ),
    Outcome.SESSION_FULL: OutcomeText(
        "Session full",
        "场次已满",
        "This session has reached its capacity.",
        "本场次人数已满。",
        "Session full",
        "场次已满",
    ),
    Outcome.NOT_INSIDE: OutcomeText(
        "Not checked in",
        "未入场",
        "No entry was recorded for this badge.",
        "此胸卡没有入场记录。",
        "Exit scan without entry",
        "未入场即扫码离场",
    ),
}


def outcome_text(outcome: Outcome) -> OutcomeText:
    return OUTCOME_TEXTS[outcome]


#: An `OUTSIDE_TIME_WINDOW` refusal for a session that has ended: it will not open again, so
#: the panel says "closed" (未到签到时间 would be wrong).
CLOSED_TEXT = OutcomeText(
    "Check-in closed",
    "签到已结束",
    "Check-in for this session has closed.",
    "本场次签到已结束。",
    "Check-in closed",
    "签到已结束",
)
