"""The staff desk's result panel: a big colour after every scan, both languages.

Shows the outcome and reason (English and Chinese), the attendee's names, organization,
category, desk notes and a VIP/attention alert. It clears by itself and is replaced at
once by the next result: it never blocks a scan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.models.event import Event
from kiosk.models.outcomes import CheckinResult
from kiosk.models.records import Category
from ui.app.text import english_of_pair
from ui.desk.meeting_panel import DeskMeetingBox
from ui.present.looks import (
    ATTENTION_COLOUR,
    Tone,
    category_text,
    look,
    needs_alert,
    result_look,
    window_lines,
)

if TYPE_CHECKING:
    from kiosk.station.desk import NotRecorded


COMPACT_BELOW = 470  # px: a shorter panel shows the next meeting compactly
# Point sizes (normal, short): on a short screen (a 1366×768 laptop) the panel shares the
# column with a search list that keeps four people in view, so its lines are smaller.
FONT_SIZES = {
    "title": (26, 20), "title_zh": (20, 16), "reason": (12, 11), "alert": (14, 12),
    "name": (22, 18), "name_zh": (22, 18), "org": (13, 12), "category": (12, 11),
    "notes": (12, 11), "prior": (11, 10),
}  # fmt: skip
NOTES_STYLE = "background: #FFF8E1; border: 1px solid #F0D58C; border-radius: 6px; padding: %dpx;"
ALERT_STYLE = f"background: {ATTENTION_COLOUR}; color: white; border-radius: 6px; padding: %dpx;"


def _label(name: str, size: int, bold: bool = False, wrap: bool = True) -> QLabel:
    lab = QLabel()
    lab.setObjectName(name)
    lab.setWordWrap(wrap)
    f = lab.font()
    f.setPointSize(size)
    f.setBold(bold)
    lab.setFont(f)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return lab


class ResultPanel(QFrame):
    cleared = Signal()

    def __init__(self, hold_ms: int = 6000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ResultPanel")
        self.hold_ms = hold_ms
        self.tz: ZoneInfo | None = None
        self.program: Event | None = None
        self.result: CheckinResult | None = None
        self.error_shown = False
        self.short = False  # a short screen: smaller lines (set_short)
        self._notice_text: Callable[[], str] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)

        self.banner = QFrame()
        self.banner.setObjectName("ResultBanner")
        self._banner_lay = b = QVBoxLayout(self.banner)
        b.setContentsMargins(24, 16, 24, 16)
        b.setSpacing(2)
        self.title = english_of_pair(_label("ResultTitle", 26, bold=True))
        self.title_zh = _label("ResultTitleZh", 20, bold=True)
        self.reason = _label("ResultReason", 12)
        b.addWidget(self.title)
        b.addWidget(self.title_zh)
        b.addWidget(self.reason)

        self.alert = _label("ResultAlert", 14, bold=True)
        self.alert.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.alert.setStyleSheet(ALERT_STYLE % 8)
        self.name = _label("ResultName", 22, bold=True)
        self.name_zh = _label("ResultNameZh", 22, bold=True)
        self.org = _label("ResultOrg", 13)
        self.category = _label("ResultCategory", 12, bold=True)
        self.notes = _label("ResultNotes", 12)
        self.notes.setStyleSheet(NOTES_STYLE % 8)
        self.prior = _label("ResultPrior", 11)
        self.hints = _label("ResultHints", 11)
        self.hints.setObjectName("Muted")
        self.hints.setText(
            "Enter  check in · 签到     Ctrl+F  search · 搜索     Ctrl+Z  undo · 撤销\n"
            "Ctrl+N  walk-in · 现场注册     Ctrl+P  reprint · 补打胸卡     "
            "F1 F2 F3  desk · kiosk · dashboard  服务台 · 自助 · 看板"
        )

        body = QWidget()
        self._body = lay = QVBoxLayout(body)
        lay.setContentsMargins(24, 14, 24, 18)
        lay.setSpacing(6)
        names = QHBoxLayout()
        names.setSpacing(18)
        names.addWidget(self.name)
        names.addWidget(self.name_zh)
        names.addStretch(1)
        lay.addWidget(self.alert)
        lay.addLayout(names)
        self.meeting = DeskMeetingBox()  # after a matchmaking check-in: right under the name
        lay.addWidget(self.meeting)
        lay.addWidget(self.org)
        lay.addWidget(self.category)
        lay.addWidget(self.prior)
        lay.addWidget(self.notes)
        lay.addWidget(self.hints)
        lay.addStretch(1)
        self.notice = _label("ResultNotice", 12, bold=True)
        self.notice.setStyleSheet(
            "background: #FFF4E5; color: #7A4100; border: 1px solid #F3C98B;"
            " border-radius: 6px; padding: 6px;"
        )
        self.notice.hide()
        lay.addWidget(self.notice)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.banner)
        outer.addWidget(body, 1)
        self.clear()

    def set_short(self, short: bool) -> None:
        """A short screen: smaller lines and paddings, the title on one line, so that a
        VIP with a desk note, or a meeting with its slip button, fits beside a search list
        that keeps four people in view."""
        if short == self.short:
            return
        self.short = short
        k = 1 if short else 0
        for attr, sizes in FONT_SIZES.items():
            w: QLabel = getattr(self, attr)
            f = w.font()
            f.setPointSize(sizes[k])
            w.setFont(f)
        self.notes.setStyleSheet(NOTES_STYLE % (4 if short else 8))
        self.alert.setStyleSheet(ALERT_STYLE % (4 if short else 8))
        self._banner_lay.setContentsMargins(*((18, 8, 18, 8) if short else (24, 16, 24, 16)))
        self._body.setSpacing(3 if short else 6)
        if self.result is not None:
            self.show_result(self.result)

    @property
    def state(self) -> str:
        """'idle', 'error' or the Tone of the shown result (Tone.OK == 'ok', …)."""
        if self.result is None:
            return "error" if self.error_shown else "idle"
        return look(self.result.outcome).tone

    def show_result(self, result: CheckinResult) -> None:
        self.result = result
        lk = result_look(result)
        self._paint(lk.colour, lk.pale)
        self.title.setText(lk.title_en)
        self.title_zh.setText(lk.title_zh)
        self.title_zh.show()
        self.reason.show()
        when_en, when_zh = window_lines(result, self.program, self.tz)
        if when_en:
            self.reason.setText(f"{when_en}\n{when_zh}")
        else:
            self.reason.setText(f"{lk.reason_en}\n{lk.reason_zh}")
        self.name.setText(result.name)
        self.name_zh.setText(result.name_zh)
        org = result.organization
        if result.organization_zh and result.organization_zh != org:
            org = f"{org}  ·  {result.organization_zh}" if org else result.organization_zh
        if result.title:
            org = f"{result.title}, {org}" if org else result.title
        self.org.setText(org)
        self.category.setText(category_text(result.category) if result.category else "")
        self.notes.setText(f"Desk note · 备注: {result.notes}" if result.notes else "")
        if needs_alert(result):
            if result.category == Category.VIP:
                kind = "VIP · 贵宾"
            elif result.category == Category.SPEAKER:
                kind = "SPEAKER · 演讲嘉宾"
            else:
                kind = "ATTENTION · 请注意"
            self.alert.setText(f"★ {kind} — please alert the host · 请通知接待人员")
        else:
            self.alert.setText("")
        if lk.tone is Tone.REFUSE and not result.name and not result.name_zh:
            self.prior.setText(
                "Check the person's ID, then find them with Search (Ctrl+F) or register a walk-in.\n"
                "请核对证件，再用搜索（Ctrl+F）查找或办理现场注册。"
            )
        elif result.prior is not None:
            at = result.prior.at.astimezone(self.tz) if self.tz else result.prior.at
            self.prior.setText(
                f"First checked in at {at:%H:%M} at {result.prior.station} · "
                f"已于 {at:%H:%M} 在 {result.prior.station} 签到"
            )
        else:
            self.prior.setText("")
        for w in self._details():
            w.setVisible(bool(w.text()))
        if self.short:  # one title line ("Welcome · 欢迎"); the alert names the category,
            self.title.setText(f"{lk.title_en} · {lk.title_zh}")  # "Checked in." says no
            self.title_zh.hide()  # more than the title, the first check-in's line no less
            if needs_alert(result) and result.category in (Category.VIP, Category.SPEAKER):
                self.category.hide()  # than "already checked in"
            if (lk.tone is Tone.OK and not when_en) or result.prior is not None:
                self.reason.hide()
        compact = self.short or self.height() < COMPACT_BELOW
        self.meeting.rest_of_day = not self.short
        self.meeting.set_compact(compact)
        self._body.setContentsMargins(*((24, 10, 24, 6) if compact else (24, 14, 24, 18)))
        self.meeting.show_result(result, self.program, self.tz)
        if self.meeting.line is not None:
            # Room for the meeting: "Checked in." says no more than the title, the
            # category no more than the alert (VIP, speaker) or nothing a meeting needs;
            # on a short panel the title takes one line ("Welcome · 欢迎").
            self.category.hide()
            if lk.tone is Tone.OK:
                self.reason.hide()
            if compact:  # and the organization (the desk's search shows it)
                self.title.setText(f"{lk.title_en} · {lk.title_zh}")
                self.title_zh.hide()
                self.org.hide()
        self.hints.hide()
        self._timer.start(self.hold_ms)

    def _details(self) -> tuple[QLabel, ...]:
        """The attendee lines, shown only when they have text."""
        return (self.alert, self.name, self.name_zh, self.org, self.category, self.notes,
                self.prior)  # fmt: skip

    def show_not_recorded(self, info: NotRecorded) -> None:
        """A scan the database could not take: kept for later, and the paper list now."""
        at = info.at.astimezone(self.tz) if self.tz else info.at
        if info.kept:
            kept = (
                f"The scan of {at:%H:%M:%S} is kept ({info.count} kept) and recorded when the "
                f"database is back.\n{at:%H:%M:%S} 的扫码已暂存（共 {info.count} 次），"
                "数据库恢复后自动补记。"
            )
        else:
            kept = (
                f"{info.count} scans are kept already: this one is not. Write it on the paper "
                "list.\n暂存已满，本次扫码未保存，请记在纸质名单上。"
            )
        self._red(
            "Not recorded, use the paper list", "未记录，请使用纸质名单", f"{kept}\n{info.reason}"
        )

    def show_notice(self, text: str | Callable[[], str], ms: int = 5000) -> None:
        """A remark that does not replace the shown result ("Nothing to undo …"); given as
        a function, it is made again in a new UI language while it is up."""
        self._notice_text = text if callable(text) else None
        self.notice.setText(text() if callable(text) else text)
        self.notice.show()
        self._notice_timer.start(ms)

    def retranslate(self) -> None:
        """The panel's own texts are bilingual; a remark is made again in the new language,
        or taken down when it cannot be (it would stay in the old one)."""
        if not self.notice.isHidden():
            if self._notice_text is not None:
                self.notice.setText(self._notice_text())
            else:
                self.notice.hide()

    def show_error(self, message: str) -> None:
        """The scan was refused by the service (an unknown session …): red, what and where."""
        self._red(
            "Not recorded", "未能记录",
            f"{message}\nNothing was recorded: try again or use the paper list. · 本次未记录，请重试。",
        )  # fmt: skip

    def _red(self, title: str, title_zh: str, reason: str) -> None:
        self.clear()
        self.result = None
        self._paint("#C5221F", "#FCE8E6")
        self.title.setText(title)
        self.title_zh.setText(title_zh)
        self.reason.setText(reason)
        self.hints.hide()
        self.error_shown = True
        self._timer.start(self.hold_ms * 2)

    def clear(self) -> None:
        self._timer.stop()
        self.result = None
        self.error_shown = False
        self._paint("#52606D", "#FFFFFF")
        self.title.setText("Ready to scan")
        self.title_zh.setText("请扫描胸卡二维码")
        self.reason.setText(
            "Show the badge QR code to the camera or use the handheld scanner.\n"
            "请将胸卡二维码对准摄像头，或使用扫码枪。"
        )
        for w in self._details():
            w.setText("")
            w.setVisible(False)
        self.meeting.clear()
        self.reason.show()
        self.title_zh.show()
        self.hints.show()
        self.cleared.emit()

    def _paint(self, strong: str, pale: str) -> None:
        self.banner.setStyleSheet(
            f"QFrame#ResultBanner {{ background: {strong}; border-top-left-radius: 10px;"
            " border-top-right-radius: 10px; } QLabel { color: white; }"
        )
        self.setStyleSheet(
            f"QFrame#ResultPanel {{ background: {pale}; border: 1px solid #D9DEE3; border-radius: 10px; }}"
        )
