"""The dashboard's matchmaking panel, and the desk actions on its meetings.

Shows the snapshot's `MatchmakingBoard` (built in the station child, kiosk.meetings.board):
first the meetings due in the next 10 minutes with a party missing (time, table, who is
missing, who is waiting), then the held / partly held / waiting / no-show / not held counts
and the tables in use. Staff select a due meeting and mark it held or not held, or re-match
its waiting party into the first free table and slot; each asks first (in both languages)
and is one desk write, through the desk session like every other (never on the GUI
thread); the panel then reads the board again.

The headings are bilingual at once (a wall display); the rest follows the UI language.
"""

from __future__ import annotations

import logging
from datetime import tzinfo

from PySide6.QtCore import QEvent, QLocale, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.meetings.board import MatchmakingBoard
from kiosk.meetings.status import MeetingState
from kiosk.models.clock import Clock
from kiosk.models.meetings import Party
from kiosk.station.errors import StationError
from kiosk.station.protocol import MarkMeeting, RematchMeeting
from kiosk.station.wire import Origin, Source
from ui.bridge.desk import DeskLink
from ui.dashboard.style import AMBER, MUTED, RED, bi
from ui.present.meeting_text import table_en, table_zh

log = logging.getLogger(__name__)
OPERATOR = "dashboard"


def zh_ui() -> bool:
    return QLocale().language() == QLocale.Language.Chinese


def _t(en: str, zh: str) -> str:
    return zh if zh_ui() else en


def _who(parties: tuple[Party, ...], zh: bool) -> str:
    out = []
    for p in parties:
        name = (p.name_zh or p.name) if zh else (p.name or p.name_zh)
        org = (p.organization_zh or p.organization) if zh else (p.organization or p.organization_zh)
        name = name or p.attendee_id
        out.append((f"{name}（{org}）" if zh else f"{name} ({org})") if org else name)
    return "、".join(out) if zh else ", ".join(out)


def describe(s: MeetingState, tz: tzinfo) -> tuple[str, str]:
    """ "MM-03 (14:20, table 5)" in English and Chinese: what a confirmation names."""
    at = f"{s.start.astimezone(tz):%H:%M}"
    return (
        f"{s.meeting_id} ({at}, {table_en(s.table)})",
        f"{s.meeting_id}（{at}，{table_zh(s.table)}）",
    )


QUESTIONS = {
    "held": ("Mark meeting {en} as held?", "将洽谈 {zh}标记为已举行？"),
    "not_held": ("Mark meeting {en} as not held?", "将洽谈 {zh}标记为未举行？"),
    "rematch": (
        "Re-match the waiting party of meeting {en} into the first free table and time?",
        "为洽谈 {zh}中已到的一方重新安排空闲的桌位和时间？",
    ),
}


class MatchmakingPanel(QFrame):
    """The matchmaking panel; `show_board(board, tz)` with each snapshot's board."""

    changed = Signal()  # an action was recorded: read the board again

    COLUMNS = (
        ("Time", "时间"),
        ("Table", "桌号"),
        ("Missing", "未到"),
        ("Waiting", "已到"),
        ("Status", "状态"),
    )

    def __init__(self, db: DeskLink, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Panel")
        self.setMinimumHeight(270)  # a short screen scrolls the dashboard instead
        self.db = db
        self.clock = clock
        self.board: MatchmakingBoard | None = None
        self.tz: tzinfo | None = None
        self.busy = False  # an action waits for its reply
        self.confirm_box: QMessageBox | None = None
        self._message: tuple[str, str, str] = ("", "", "")  # (en, zh, level)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.setSpacing(8)
        head = QHBoxLayout()
        title = QLabel(bi("Matchmaking", "洽谈配对"))
        title.setObjectName("PanelTitle")
        head.addWidget(title)
        head.addStretch(1)
        self.tables_label = QLabel("")
        self.tables_label.setObjectName("PanelNote")
        self.tables_label.setWordWrap(True)
        head.addWidget(self.tables_label, 1)
        lay.addLayout(head)

        self.counts_row = QHBoxLayout()
        self.counts_row.setSpacing(10)
        self.count_labels: dict[str, QLabel] = {}
        for key in ("held", "partly_held", "waiting", "no_show", "not_held", "scheduled"):
            lab = QLabel("")
            lab.setObjectName(f"MeetingCount_{key}")
            lab.setStyleSheet(
                "font-size: 10pt; font-weight: 600; color: #1b2a3a;"
                " background: #f1f5f9; border-radius: 6px; padding: 2px 8px;"
            )
            self.count_labels[key] = lab
            self.counts_row.addWidget(lab)
        self.counts_row.addStretch(1)
        lay.addLayout(self.counts_row)

        self.due_title = QLabel(
            bi("Due within 10 minutes, a party missing", "10分钟内开始、有一方未到")
        )
        self.due_title.setObjectName("PanelNote")
        self.due_title.setStyleSheet(f"color: {RED}; font-weight: 700; font-size: 10pt;")
        self.due_title.setWordWrap(True)
        buttons = QHBoxLayout()  # the due list's title, and the actions on its selected row
        buttons.addWidget(self.due_title, 1)
        lay.addLayout(buttons)
        self.due_table = QTableWidget(0, len(self.COLUMNS))
        self.due_table.setObjectName("DueSoon")
        self.due_table.verticalHeader().hide()
        self.due_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.due_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.due_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.due_table.setAlternatingRowColors(True)
        self.due_table.setMinimumHeight(96)
        hh = self.due_table.horizontalHeader()
        for c, mode in enumerate(
            (
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
            )
        ):
            hh.setSectionResizeMode(c, mode)
        self.due_table.itemSelectionChanged.connect(self._enable)
        lay.addWidget(self.due_table, 1)
        self.empty = QLabel("")
        self.empty.setObjectName("PanelNote")
        lay.addWidget(self.empty)

        self.held_button = QPushButton()
        self.not_held_button = QPushButton()
        self.rematch_button = QPushButton()
        for b, kind in (
            (self.held_button, "held"),
            (self.not_held_button, "not_held"),
            (self.rematch_button, "rematch"),
        ):
            b.setObjectName(f"Meeting_{kind}")
            b.clicked.connect(lambda _=False, k=kind: self.ask(k))
            buttons.addWidget(b)
        self.message = QLabel("")
        self.message.setObjectName("MeetingMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        lay.addWidget(self.message)
        self.retranslate()

    # -- showing -----------------------------------------------------------------------------
    def show_board(self, board: MatchmakingBoard | None, tz: tzinfo) -> None:
        selected = self.selected()
        self.board, self.tz = board, tz
        self._render()
        if selected is not None:
            for r, s in enumerate(self.due()):
                if s.meeting_id == selected.meeting_id:
                    self.due_table.selectRow(r)
        self._enable()

    def due(self) -> tuple[MeetingState, ...]:
        return self.board.due_soon if self.board is not None else ()

    def selected(self) -> MeetingState | None:
        rows = self.due_table.selectionModel().selectedRows()
        due = self.due()
        return due[rows[0].row()] if rows and rows[0].row() < len(due) else None

    def _render(self) -> None:
        zh = zh_ui()
        self.due_table.setHorizontalHeaderLabels([z if zh else e for e, z in self.COLUMNS])
        board, tz = self.board, self.tz
        if board is None or tz is None:
            self.due_table.setRowCount(0)
            return
        n = board.counts
        names = {
            "held": ("Held", "已洽谈"),
            "partly_held": ("Partly held", "部分洽谈"),
            "waiting": ("Waiting", "等待中"),
            "no_show": ("No-show", "未出席"),
            "not_held": ("Not held", "未举行"),
            "scheduled": ("Scheduled", "待开始"),
        }
        for key, lab in self.count_labels.items():
            en, zh_name = names[key]
            lab.setText(f"{zh_name if zh else en}  {getattr(n, key)}")
        tables = board.tables_in_use
        shown = ", ".join(tables) if tables else "—"
        self.tables_label.setText(
            _t(f"Tables in use: {len(tables)} ({shown})", f"使用中的桌位：{len(tables)}（{shown}）")
            if tables
            else _t("Tables in use: none", "使用中的桌位：无")
        )
        self.due_table.setRowCount(len(board.due_soon))
        for r, s in enumerate(board.due_soon):
            since = s.waiting_since.astimezone(tz) if s.waiting_since else None
            if since is not None:
                status = _t(f"waiting since {since:%H:%M}", f"{since:%H:%M} 起等待")
            elif s.start <= board.taken_at:
                status = _t("started, nobody here", "已开始，无人到场")
            else:
                status = _t("nobody here yet", "尚无人到场")
            cells = (
                f"{s.start.astimezone(tz):%H:%M}",
                table_zh(s.table) if zh else table_en(s.table),
                _who(s.missing, zh),
                _who(tuple(p for p, _ in s.arrived), zh) or "—",
                status,
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 2:
                    item.setForeground(QColor(RED))
                elif c == 4 and since is not None:
                    item.setForeground(QColor(AMBER))
                self.due_table.setItem(r, c, item)
        self.empty.setText(
            ""
            if board.due_soon
            else _t("No meeting due soon is missing a party.", "近期开始的洽谈各方均已到场。")
        )
        self.empty.setVisible(not board.due_soon)

    def retranslate(self) -> None:
        self.held_button.setText(_t("Mark held", "标记已举行"))
        self.not_held_button.setText(_t("Mark not held", "标记未举行"))
        self.rematch_button.setText(_t("Re-match", "重新配对"))
        self._render()
        en, zh, level = self._message
        self._say(en, zh, level)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            QTimer.singleShot(0, self, self.retranslate)  # after the locale is switched too
        super().changeEvent(event)

    def _enable(self) -> None:
        s = self.selected()
        busy = self.busy
        self.held_button.setEnabled(s is not None and not busy)
        self.not_held_button.setEnabled(s is not None and not busy)
        self.rematch_button.setEnabled(s is not None and bool(s.arrived) and not busy)

    def _say(self, en: str, zh: str, level: str) -> None:
        self._message = (en, zh, level)
        colour = {"error": RED, "ok": "#0e9f6e"}.get(level, MUTED)
        self.message.setStyleSheet(f"color: {colour}; font-size: 10pt; font-weight: 600;")
        self.message.setText(_t(en, zh) if en else "")
        self.message.setVisible(bool(en))

    # -- actions -----------------------------------------------------------------------------
    def ask(self, kind: str) -> None:
        """Confirm, in both languages, then run `kind` (held | not_held | rematch)."""
        s = self.selected()
        if s is None or self.tz is None or self.busy:
            return
        en, zh = describe(s, self.tz)
        q_en, q_zh = QUESTIONS[kind]
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_t("Matchmaking", "洽谈配对"))
        box.setText(f"{q_en.format(en=en)}\n{q_zh.format(zh=zh)}")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(_t("Yes", "是"))
        box.button(QMessageBox.StandardButton.No).setText(_t("No", "否"))
        meeting_id = s.meeting_id

        def answered(code: int) -> None:
            self.confirm_box = None
            if code == QMessageBox.StandardButton.Yes:
                self.run(kind, meeting_id)

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()

    def run(self, kind: str, meeting_id: str) -> bool:
        """One action at a time: `kind` (held | not_held | rematch) of `meeting_id`."""
        if self.busy:
            return False
        now = self.clock.now()
        request: MarkMeeting | RematchMeeting
        if kind == "rematch":
            request = RematchMeeting(meeting_id, OPERATOR, now)
        else:
            request = MarkMeeting(meeting_id, kind, OPERATOR, now)
        self.busy = True
        self.db.submit(
            request,
            Origin(Source.DASHBOARD),
            then=lambda state: self._done(kind, state),
            otherwise=lambda error: self._failed(kind, error),
            owner=self,
        )
        self._say("Recording…", "正在记录…", "")
        self._enable()
        return True

    def _done(self, kind: str, state: MeetingState) -> None:
        self.busy = False
        tz = self.tz
        if kind == "rematch" and tz is not None:
            en, zh = describe(state, tz)
            old = state.meeting.rematch_of or ""
            self._say(
                f"Re-matched {old}: new meeting {en}", f"已为 {old} 重新配对：新洽谈 {zh}", "ok"
            )
        else:
            en, zh = describe(state, tz) if tz is not None else (state.meeting_id,) * 2
            if kind == "held":
                self._say(f"Meeting {en} marked held.", f"洽谈 {zh}已标记为已举行。", "ok")
            else:
                self._say(f"Meeting {en} marked not held.", f"洽谈 {zh}已标记为未举行。", "ok")
        self._enable()
        self.changed.emit()

    def _failed(self, kind: str, error: StationError) -> None:
        self.busy = False
        text = error.message
        self._say(f"Not recorded: {text}", f"未记录：{text}", "error")
        self._enable()
        log.warning("meeting %s failed: %s", kind, text)
