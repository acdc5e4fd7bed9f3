"""The self check-in kiosk: attract screen, a bilingual greeting, out-of-order screen.

Privacy: no search, no lists, nothing about anyone but the person who just scanned.
Both languages are always shown, the attendee's language first (Chinese for a Chinese
name), in every line: greeting, outcome, directions. A result stays up at least
`MIN_RESULT_S`; between two people the attract screen shows for a moment, so the next
person sees their own result appear; the camera seeing the same badge again changes
nothing. Without a working camera a handheld scanner still takes badges ("Scan your
badge"); the kiosk is out of order only when no input works or the database cannot be
written.
"""

from __future__ import annotations

import time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QStackedWidget, QVBoxLayout, QWidget

from kiosk.models.event import Event
from kiosk.models.outcomes import CheckinResult, Method
from kiosk.station.desk import DbState, DbStatus
from kiosk.station.wire import Input, Origin, Source
from ui.app.context import Context
from ui.app.text import english_of_pair
from ui.bridge.asked import Asked
from ui.capture.preview import PreviewWidget
from ui.desk.meeting_panel import is_matchmaking, meeting_pair
from ui.present.looks import (
    DESK_EN,
    DESK_ZH,
    Tone,
    attendee_lang,
    greeting,
    result_look,
    where_to_go,
    window_lines,
)
from ui.present.result_policy import ResultPolicy

MIN_RESULT_S = 2.5
INVITE_CAMERA = ("Please show your badge QR code", "请出示您的胸卡二维码")
INVITE_SCANNER = ("Scan your badge", "请扫描您的胸卡")
STALE_S = 20.0  # a result captured this long ago: the person has walked away
BETWEEN_PEOPLE_MS = 700


def _big(text: str, size: int, bold: bool = False, colour: str = "#1F2933") -> QLabel:
    lab = QLabel(text)
    lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
    lab.setWordWrap(True)
    f = lab.font()
    f.setPointSize(size)
    f.setBold(bold)
    lab.setFont(f)
    lab.setStyleSheet(f"color: {colour}; background: transparent;")
    return lab


class KioskView(QWidget):
    RESULT_MS = 5000

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("Kiosk")
        self.pages = QStackedWidget()

        # attract
        self.attract = QFrame()
        self.attract.setStyleSheet("QFrame { background: #0B2545; }")
        a = QVBoxLayout(self.attract)
        a.setContentsMargins(60, 40, 60, 40)
        a.setSpacing(16)
        self.event_zh = _big("", 22, True, "#D6E4F5")
        self.event_en = _big("", 16, False, "#9FB7D6")
        self.invite_zh = _big(INVITE_CAMERA[1], 44, True, "white")
        self.invite_en = english_of_pair(_big(INVITE_CAMERA[0], 30, False, "white"))
        self.preview = PreviewWidget(mirror=True)
        self.preview.setMinimumSize(360, 200)
        self.preview.setMaximumSize(720, 405)
        self.session_line = _big("", 15, False, "#9FB7D6")
        a.addWidget(self.event_zh)
        a.addWidget(self.event_en)
        a.addStretch(1)
        a.addWidget(self.invite_zh)
        a.addWidget(self.invite_en)
        a.addSpacing(10)
        a.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        a.addStretch(1)
        a.addWidget(self.session_line)

        # result
        self.result_page = QFrame()
        self._result_layout = r = QVBoxLayout(self.result_page)
        r.setContentsMargins(60, 60, 60, 60)
        r.setSpacing(18)
        self.symbol = _big("", 96, True, "white")
        self.line1 = _big("", 40, True, "white")
        self.line2 = _big("", 28, False, "white")
        self.where1 = _big("", 26, True, "white")
        self.where2 = _big("", 20, False, "white")
        # After a matchmaking check-in: the next meeting, large, the attendee's language first.
        self.meeting1 = _big("", 26, True, "white")
        self.meeting2 = _big("", 20, False, "white")
        for w in (self.meeting1, self.meeting2):
            w.setObjectName("KioskMeeting")
            w.setStyleSheet("color: white; background: rgba(0, 0, 0, 0.22); border-radius: 10px;"
                            " padding: 8px 18px;")  # fmt: skip
        r.addStretch(1)
        for w in (self.symbol, self.line1, self.line2, self.where1, self.where2):
            r.addWidget(w)
        r.addSpacing(8)
        r.addWidget(self.meeting1)
        r.addWidget(self.meeting2)
        for w in (self.line1, self.line2, self.where1, self.where2, self.meeting1, self.meeting2):
            english_of_pair(w)  # the attendee's language first, the other next
        r.addStretch(1)

        # out of order
        self.broken = QFrame()
        self.broken.setStyleSheet("QFrame { background: #3E4C59; }")
        b = QVBoxLayout(self.broken)
        b.setContentsMargins(60, 60, 60, 60)
        b.addStretch(1)
        b.addWidget(_big("暂停服务", 48, True, "white"))
        b.addWidget(english_of_pair(_big("Out of order", 34, True, "white")))
        b.addSpacing(20)
        b.addWidget(_big("请前往服务台办理签到", 28, False, "#E4E7EB"))
        b.addWidget(
            english_of_pair(_big("Please go to the front desk to check in", 22, False, "#E4E7EB"))
        )
        b.addStretch(1)

        for p in (self.attract, self.result_page, self.broken):
            self.pages.addWidget(p)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.pages)
        # The kiosk runs full screen; its big type must not make the staff window taller
        # than a 1366×768 screen (the stack's minimum is its tallest page's).
        self.setMinimumSize(1, 1)
        self._back = QTimer(self)
        self._back.setSingleShot(True)
        self._back.timeout.connect(self.show_attract)
        self._next = QTimer(self)
        self._next.setSingleShot(True)
        self._next.timeout.connect(self._show_next)
        self.policy = ResultPolicy(ctx.clock, hold_s=MIN_RESULT_S)
        self.camera_ok = True
        self.handheld_ok = True  # the app's scanner filter is on (Shell sets it)
        self.database_ok = True
        self.result: CheckinResult | None = None
        self._asked = Asked()  # the check-ins this kiosk asked for, unanswered
        ctx.db.state_changed.connect(self._database_state)
        if ctx.camera is not None:
            ctx.camera.status_changed.connect(self.set_camera_status)
        else:
            self.set_camera_status("stopped", "")

    @property
    def screen_name(self) -> str:
        return {0: "attract", 1: "result", 2: "out_of_order"}[self.pages.currentIndex()]

    def set_event(self, event: Event, session_id: str) -> None:
        self.event_zh.setText(event.name_zh or event.name)
        self.event_en.setText(event.name)
        self.set_session(session_id)

    def set_session(self, session_id: str) -> None:
        if self.ctx.event and session_id:
            s = self.ctx.event.session(session_id)
            self.session_line.setText(f"{s.title_zh} · {s.title}  —  {s.room_zh} · {s.room}")

    def shown(self) -> None:
        """The kiosk became the shown screen: the attract screen, nobody's result."""
        self.show_attract()

    def submit_code(self, code: str, method: Method, captured: float | None = None) -> None:
        if self.ctx.session_id:
            device = Input.CAMERA if method is Method.CAMERA else Input.HANDHELD
            t = captured if captured is not None else time.monotonic()
            call = self.ctx.db.check_in(
                code, self.ctx.session_id, Method.SELF, "", Origin(Source.KIOSK, t, device)
            )
            self._asked.add(call.id)

    def asked(self, call_id: int) -> bool:
        """True once for the id of a check-in this kiosk asked for (its answer is here)."""
        return self._asked.take(call_id)

    def show_result(self, result: CheckinResult, origin: Origin | None = None) -> None:
        """A result this kiosk asked for. Its capture time says whether the person can
        still be in front of the screen: an answer older than `STALE_S` (a database that
        was slow to come back) is recorded but greets nobody."""
        captured = origin.captured if origin is not None else None
        if captured is not None and time.monotonic() - captured > STALE_S:
            return
        camera = origin is not None and origin.input is Input.CAMERA
        decision = self.policy.offer(result, camera=camera)
        if decision == "show":
            self._present(result)
        elif decision == "queue":
            self._queue_next()

    def _queue_next(self) -> None:
        wait = self.policy.wait_s()
        if wait is not None and not self._next.isActive():
            self._next.start(int(wait * 1000) + 10)

    def _show_next(self) -> None:
        if self.policy.wait_s() is None:
            return
        if self.screen_name == "result":  # a moment of the attract screen between people
            self._back.stop()
            self.show_attract(keep_queue=True)
            self.policy.cleared()
            self._next.start(BETWEEN_PEOPLE_MS)
            return
        result = self.policy.take()
        if result is not None:
            self._present(result)
        self._queue_next()

    def _present(self, result: CheckinResult) -> None:
        self.result = result
        lk = result_look(result)
        zh_first = attendee_lang(result, self._ui_lang()) == "zh"

        def pair(en: str, zh: str, sep: str = "\n") -> str:
            first, second = (zh, en) if zh_first else (en, zh)
            return sep.join(x for x in (first, second) if x)

        self.result_page.setStyleSheet(f"QFrame {{ background: {lk.colour}; }}")
        if lk.tone is Tone.REFUSE:
            self.symbol.setText("!")
            self.line1.setText(pair(lk.title_en, lk.title_zh, " · "))
            when_en, when_zh = window_lines(result, self.ctx.event, self._tz())
            self.line2.setText(
                pair(when_en, when_zh) if when_en else pair(lk.reason_en, lk.reason_zh)
            )
            first, second = (DESK_ZH, DESK_EN) if zh_first else (DESK_EN, DESK_ZH)
        else:
            first_line, second_line = greeting(result)
            self.symbol.setText("✓" if lk.tone is Tone.OK else "i")
            self.line1.setText(first_line)
            title_en, title_zh = lk.title_en, lk.title_zh
            if result.prior is not None:  # "Already checked in at 09:05 at desk-1"
                tz = self._tz()
                at = result.prior.at.astimezone(tz) if tz else result.prior.at
                where = result.prior.station
                title_en = f"{title_en} at {at:%H:%M} at {where}"
                title_zh = f"已于 {at:%H:%M} 在 {where} 签到"
            self.line2.setText(
                second_line
                if lk.tone is Tone.OK
                else f"{second_line}\n{pair(title_en, title_zh, ' · ')}"
            )
            en, zh = where_to_go(result)
            first, second = (zh, en) if zh_first else (en, zh)
        self.where1.setText(first)
        self.where2.setText(second)
        line, m1, m2 = None, "", ""
        if is_matchmaking(result, self.ctx.event) and self.ctx.event is not None:
            line, m1, m2 = meeting_pair(result, self._tz() or self.ctx.event.tz, zh_first)
        self.meeting1.setText(m1)
        self.meeting2.setText(m2)
        self.meeting1.setVisible(line is not None)
        self.meeting2.setVisible(line is not None)
        # A meeting adds four lines: tighter spacing keeps all on a 1366×768 screen.
        self._result_layout.setContentsMargins(*((60, 24, 60, 24) if line else (60, 60, 60, 60)))
        self._result_layout.setSpacing(10 if line else 18)
        self.ctx.sounds.play(lk.sound)
        self.pages.setCurrentWidget(self.result_page)
        self._back.start(self.RESULT_MS)

    def show_not_recorded(self) -> None:
        """The scan could not be recorded: the kiosk is out of order, the desk takes over."""
        self.database_ok = False
        self._back.stop()
        self.pages.setCurrentWidget(self.broken)

    def _database_state(self, state: DbState) -> None:
        self.set_database_ok(state.writable or state.status is DbStatus.OPENING)

    @property
    def working(self) -> bool:
        """An input works (the camera, or a handheld scanner) and the database takes scans."""
        return self.database_ok and (self.camera_ok or self.handheld_ok)

    def set_database_ok(self, ok: bool) -> None:
        self.database_ok = ok
        self._follow_state()

    def set_handheld_ok(self, ok: bool) -> None:
        self.handheld_ok = ok
        self._follow_state()

    def _follow_state(self) -> None:
        """Out of order when nothing works, the attract screen again when something does;
        the invitation names the input that works (show the code, or scan it)."""
        en, zh = INVITE_CAMERA if self.camera_ok else INVITE_SCANNER
        self.invite_en.setText(en)
        self.invite_zh.setText(zh)
        self.preview.setVisible(self.camera_ok)
        if not self.working:
            self._back.stop()
            self.pages.setCurrentWidget(self.broken)
        elif self.pages.currentWidget() is self.broken:
            self.pages.setCurrentWidget(self.attract)

    def _ui_lang(self) -> str:
        return "zh" if QLocale().language() == QLocale.Language.Chinese else "en"

    def _tz(self) -> ZoneInfo | None:
        return self.ctx.event.tz if self.ctx.event else None

    def show_attract(self, keep_queue: bool = False) -> None:
        self.result = None
        if not keep_queue:
            self.policy.cleared()
            QTimer.singleShot(0, self, self._queue_next)
        self.pages.setCurrentWidget(self.attract if self.working else self.broken)

    def set_camera_status(self, state: str, message: str) -> None:
        self.camera_ok = state in ("running", "starting")
        self._follow_state()
