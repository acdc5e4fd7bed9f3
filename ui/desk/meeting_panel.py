"""The next matchmaking meeting after a check-in, large and in both languages.

`DeskMeetingBox` sits in the staff desk's result panel: the next meeting (English, then
Chinese), "already at the table / 对方已到" when the counterpart is here, and the rest of
the attendee's day in one small line each. `meeting_pair` gives the kiosk its two lines in
the attendee's language order. The texts come from ui.present.meeting_text (no Qt there).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.models.event import Event
from kiosk.models.meetings import UpcomingMeeting
from kiosk.models.outcomes import CheckinResult
from ui.app.text import english_of_pair
from ui.present.looks import Tone, look
from ui.present.meeting_text import (
    MeetingLine,
    next_meeting_line,
    schedule_lines,
    table_en,
    table_zh,
)

NO_MEETINGS = "No meetings booked · 未安排洽谈"
PRINT_SLIP = "Print schedule slip · 打印洽谈日程 (Ctrl+Shift+P)"
ARRIVED_STYLE = (
    "background: #1E8E3E; color: white; border-radius: 5px; padding: 3px 8px; font-weight: bold;"
)


def _label(name: str, size: int, bold: bool = False) -> QLabel:
    lab = QLabel()
    lab.setObjectName(name)
    lab.setWordWrap(True)
    f = lab.font()
    f.setPointSize(size)
    f.setBold(bold)
    lab.setFont(f)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return lab


def is_matchmaking(result: CheckinResult, event: Event | None) -> bool:
    """A check-in the attendee got in with, to the event's matchmaking session."""
    if event is None or look(result.outcome).tone is Tone.REFUSE:
        return False
    return result.session_id == event.matchmaking.session


def meeting_pair(
    result: CheckinResult, tz: tzinfo, zh_first: bool
) -> tuple[MeetingLine | None, str, str]:
    """For the kiosk: (the line, first text, second text), the attendee's language first;
    each text carries "already at the table / 对方已到" when it applies."""
    line = next_meeting_line(result, tz)
    if line is None:
        return None, "", ""
    en, zh = line.full_en, line.full_zh
    return (line, zh, en) if zh_first else (line, en, zh)


def later_text(meetings: Sequence[UpcomingMeeting], tz: tzinfo, compact: bool) -> str:
    """The rest of the attendee's day under the next meeting: a line per meeting, in the
    UI language; compact: one line of times and tables ("14:40 table 7 · 15:20 table 3")."""
    zh = QLocale().language() == QLocale.Language.Chinese
    if compact:
        items = [f"{m.start.astimezone(tz):%H:%M} {table_zh(m.table) if zh else table_en(m.table)}"
                 for m in meetings]  # fmt: skip
        return "今日其余洽谈 · Later today: " + "  ·  ".join(items)
    rows = [
        (f"{x.zh}  ✓ {x.arrived_zh}" if x.arrived_zh else x.zh)
        if zh
        else (f"{x.en}  ✓ {x.arrived_en}" if x.arrived_en else x.en)
        for x in schedule_lines(meetings, tz)
    ]
    return "Later today · 今日其余洽谈\n" + "\n".join(rows)


class DeskMeetingBox(QFrame):
    """The desk's next-meeting box: hidden unless the result is a matchmaking check-in."""

    shown = Signal(bool)  # the box appeared / went: the desk gives the result more room
    print_slip = Signal(str)  # attendee id: staff asked for the attendee's schedule slip

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MeetingBox")
        self.setStyleSheet(
            "QFrame#MeetingBox { background: #EEF4FB; border: 1px solid #B9CDE6;"
            " border-radius: 8px; } QLabel { background: transparent; color: #102A43; }"
        )
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 8, 14, 8)
        lay.setSpacing(2)
        self.next_en = english_of_pair(_label("MeetingNext", 17, bold=True))
        self.next_zh = _label("MeetingNextZh", 17, bold=True)
        self.arrived = _label("MeetingArrived", 11)
        self.arrived.setStyleSheet(ARRIVED_STYLE)
        self.arrived.setWordWrap(False)
        self.later = _label("MeetingLater", 10)
        self.later.setStyleSheet("color: #334E68;")
        self.none = _label("MeetingNone", 11)
        self.none.setStyleSheet("color: #52606D;")
        self.slip_btn = QPushButton(PRINT_SLIP)
        self.slip_btn.setObjectName("PrintSlip")
        self.slip_btn.setToolTip(
            "The attendee's schedule for the day, on an A6 slip · 参会者当天的洽谈日程（A6）"
        )
        # Ctrl+Shift+P is the desk's (ui.desk.actions.print_slip): it works after the box
        # has gone too, for the person selected or the last one.
        self.slip_btn.clicked.connect(self._slip_clicked)
        for w in (self.next_en, self.next_zh):
            lay.addWidget(w)
        row = QHBoxLayout()  # "already at the table" and the slip button share one line
        row.setSpacing(8)
        row.addWidget(self.arrived, 0, Qt.AlignmentFlag.AlignLeft)
        row.addStretch(1)
        row.addWidget(self.slip_btn, 0, Qt.AlignmentFlag.AlignRight)
        lay.addLayout(row)
        for w in (self.later, self.none):
            lay.addWidget(w)
        self.attendee_id = ""
        self.line: MeetingLine | None = None
        self.compact = False
        self.rest_of_day = True  # False on a short screen: the slip has the rest of the day
        self.clear()

    def set_compact(self, compact: bool) -> None:
        """On a short panel (a 1366×768 laptop): smaller lines, and the rest of the day
        left out (the slip has it); the next meeting stays large enough to read at arm's
        length."""
        for w in (self.next_en, self.next_zh):
            f = w.font()
            f.setPointSize(17 if not compact else 14 if self.rest_of_day else 13)
            w.setFont(f)
        self.compact = compact
        lay = self.layout()
        if lay is not None:
            lay.setContentsMargins(*((10, 4, 10, 4) if compact else (14, 8, 14, 8)))
        self.later.setVisible(bool(self.later.text()) and not compact)
        self._fit()

    def show_result(self, result: CheckinResult, event: Event | None, tz: tzinfo | None) -> None:
        self.clear()
        if event is None or not is_matchmaking(result, event):
            return
        zone = tz or event.tz
        self.line = line = next_meeting_line(result, zone)
        if line is None:
            self.none.setText(NO_MEETINGS)
            self.none.show()
            self.show()
            self._fit()
            return
        self.attendee_id = result.attendee_id or ""
        self.slip_btn.setVisible(bool(self.attendee_id))
        self.next_en.setText(line.en)
        self.next_zh.setText(line.zh)
        self.next_en.show()
        self.next_zh.show()
        if line.arrived_en:
            self.arrived.setText(f"✓ {line.arrived_en} · {line.arrived_zh}")
            self.arrived.show()
        later = result.meetings[1:]
        if later and self.rest_of_day:
            self.later.setText(later_text(later, zone, self.compact))
            self.later.show()
        self.show()
        self._fit()
        self.shown.emit(True)

    def clear(self) -> None:
        self.line = None
        self.attendee_id = ""
        self.slip_btn.hide()
        for w in (self.next_en, self.next_zh, self.arrived, self.later, self.none):
            w.setText("")
            w.hide()
        if self.isVisible():
            self.shown.emit(False)
        self.hide()

    def _slip_clicked(self) -> None:
        if self.attendee_id:
            self.print_slip.emit(self.attendee_id)

    def _fit(self) -> None:
        """Wrapped lines need the height they take at this width (a nested layout does
        not pass the labels' height-for-width up by itself)."""
        lay = self.layout()
        if lay is not None and self.width() > 0:
            self.setMinimumHeight(lay.totalHeightForWidth(self.width()))
            lay.invalidate()
            lay.activate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()
