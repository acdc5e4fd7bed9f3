"""The staff desk: camera preview, result panel, search, undo, walk-ins, reprints, counters.

Everything is keyboard-operable: Ctrl+F search, Enter checks in the selected person,
Ctrl+Z undoes the last check-in, Ctrl+N registers a walk-in, Ctrl+P reprints a badge,
Ctrl+L chooses the session. A handheld scanner works whatever has focus.
"""

from __future__ import annotations

import time
from collections import deque
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.models.event import Event
from kiosk.models.outcomes import CheckinResult, Method, Outcome
from kiosk.models.records import Attendee, LogEntry, LogKind, SessionStats
from ui.context import Context
from ui.dialogs import ReasonDialog, WalkInDialog
from ui.presentation import category_text, look, needs_alert
from ui.preview import PreviewWidget
from ui.result_panel import ResultPanel
from ui.widgets import Card, CounterGrid, StatusDot

ROLE_ID = Qt.ItemDataRole.UserRole


class StaffView(QWidget):
    message = Signal(str, int)  # status-bar text, milliseconds

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Backdrop")
        self.ctx = ctx
        self.tz: ZoneInfo | None = None
        self.latencies: deque[float] = deque(maxlen=2000)  # capture -> panel, seconds
        self._pending: deque[float] = deque()
        self.recent_entries: list[tuple[LogEntry, Attendee | None]] = []

        # -- session bar
        self.session_label = QLabel()
        self.session = QComboBox()
        self.session.setMinimumWidth(360)
        self.session.currentIndexChanged.connect(self._session_changed)
        self.station_label = QLabel()
        self.station = QLineEdit(ctx.station)
        self.station.setMaximumWidth(140)
        self.station.editingFinished.connect(self._station_changed)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.session_label)
        bar.addWidget(self.session, 1)
        bar.addSpacing(12)
        bar.addWidget(self.station_label)
        bar.addWidget(self.station)
        bar.addSpacing(12)
        self.print_first = QCheckBox()
        self.print_first.setChecked(ctx.print_on_first_checkin)
        self.print_first.toggled.connect(self._print_first_changed)
        bar.addWidget(self.print_first)

        # -- left: camera + counters
        self.camera_card = Card()
        self.preview = PreviewWidget()
        self.preview.setMinimumSize(480, 300)
        self.cam_status = StatusDot()
        self.camera_card.body().addWidget(self.preview, 1)
        self.camera_card.body().addWidget(self.cam_status)
        self.counts_card = Card()
        self.counters = CounterGrid()
        self.counts_card.body().addWidget(self.counters)
        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(self.camera_card, 3)
        left.addWidget(self.counts_card, 2)

        # -- right: result panel + search / recent
        self.panel = ResultPanel()
        self.panel.setMinimumHeight(300)
        self.tabs = QTabWidget()
        self.search_page = QWidget()
        self.search = QLineEdit()
        self.search.setObjectName("SearchField")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_later)
        self.search.returnPressed.connect(self._search_enter)
        self.results = QListWidget()
        self.results.itemActivated.connect(lambda _item: self.check_in_selected())
        self.checkin_btn = QPushButton()
        self.checkin_btn.setObjectName("Primary")
        self.checkin_btn.clicked.connect(self.check_in_selected)
        self.reprint_btn = QPushButton()
        self.reprint_btn.clicked.connect(self.reprint_selected)
        self.walkin_btn = QPushButton()
        self.walkin_btn.clicked.connect(self.open_walk_in)
        sl = QVBoxLayout(self.search_page)
        sl.setContentsMargins(0, 8, 0, 0)
        sl.addWidget(self.search)
        sl.addWidget(self.results, 1)
        row = QHBoxLayout()
        row.addWidget(self.checkin_btn)
        row.addWidget(self.reprint_btn)
        row.addStretch(1)
        row.addWidget(self.walkin_btn)
        sl.addLayout(row)
        self.recent_page = QWidget()
        self.recent = QListWidget()
        self.undo_btn = QPushButton()
        self.undo_btn.clicked.connect(self.undo_selected)
        rl = QVBoxLayout(self.recent_page)
        rl.setContentsMargins(0, 8, 0, 0)
        rl.addWidget(self.recent, 1)
        rrow = QHBoxLayout()
        rrow.addStretch(1)
        rrow.addWidget(self.undo_btn)
        rl.addLayout(rrow)
        self.tabs.addTab(self.search_page, "")
        self.tabs.addTab(self.recent_page, "")
        self.lists_card = Card()
        self.lists_card.body().addWidget(self.tabs)
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addWidget(self.panel, 3)
        right.addWidget(self.lists_card, 3)

        cols = QHBoxLayout()
        cols.setSpacing(14)
        cols.addLayout(left, 11)
        cols.addLayout(right, 9)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(12)
        outer.addLayout(bar)
        outer.addLayout(cols, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)
        self._search_timer.timeout.connect(self._run_search)
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(5000)
        self._stats_timer.timeout.connect(ctx.db.stats)
        for keys, fn in (
            ("Ctrl+F", self.focus_search),
            ("Ctrl+Z", self.undo_last),
            ("Ctrl+N", self.open_walk_in),
            ("Ctrl+P", self.reprint_selected),
            ("Ctrl+L", self.session.setFocus),
            ("Ctrl+R", lambda: self.tabs.setCurrentWidget(self.recent_page)),
        ):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(fn)

        db = ctx.db
        db.searched.connect(self._show_search)
        db.stats_ready.connect(self.set_stats)
        db.recent_ready.connect(self._show_recent)
        db.undone.connect(self._undone)
        db.walked_in.connect(self._walked_in)
        db.station_named.connect(self._station_named)
        db.reprinted.connect(self._reprinted)
        db.failed.connect(self._failed)
        db.printed.connect(self._printed)
        self.last_print: tuple[str, str] | None = None
        self.retranslate()

    # -- wiring ---------------------------------------------------------------------------
    def set_event(self, event: Event, session_id: str) -> None:
        self.tz = event.tz
        self.panel.tz = event.tz
        self.session.blockSignals(True)
        self.session.clear()
        now_id = event.current_session(self.ctx.clock.now()).id
        for s in event.sessions:
            start = s.start.astimezone(event.tz)
            end = s.end.astimezone(event.tz)
            mark = "   ● now · 当前" if s.id == now_id else ""
            self.session.addItem(f"{start:%H:%M}–{end:%H:%M}  {s.title} · {s.title_zh}{mark}", s.id)
        self.session.setCurrentIndex(max(0, self.session.findData(session_id)))
        self.session.blockSignals(False)
        self.counters.highlight(session_id)
        self.ctx.db.stats()
        self.ctx.db.recent(self.ctx.station)
        self._stats_timer.start()

    def _print_first_changed(self, on: bool) -> None:
        self.ctx.print_on_first_checkin = on
        self.ctx.settings.set("print_on_first_checkin", on)

    def _session_changed(self) -> None:
        sid = self.session.currentData()
        if sid:
            self.ctx.session_id = str(sid)
            self.counters.highlight(self.ctx.session_id)

    def _station_changed(self) -> None:
        name = self.station.text().strip()
        if name and name != self.ctx.station:
            self.ctx.db.rename_station(name)
        elif not name:
            self.station.setText(self.ctx.station)

    def _station_named(self, name: str) -> None:
        self.ctx.station = name
        if self.station.text() != name:
            self.station.setText(name)
        self.ctx.db.recent(name)

    # -- scans ----------------------------------------------------------------------------
    def submit_code(self, code: str, method: Method, captured: float | None = None) -> None:
        if not self.ctx.session_id:
            return
        self._pending.append(captured if captured is not None else time.monotonic())
        self.ctx.db.check_in(code, self.ctx.session_id, method, self.ctx.station, self.ctx.operator)

    def show_result(self, result: CheckinResult) -> None:
        if self._pending:
            self.latencies.append(time.monotonic() - self._pending.popleft())
        self.panel.show_result(result)
        if (
            self.ctx.print_on_first_checkin
            and result.outcome is Outcome.ADMITTED
            and result.attendee_id
        ):
            self.ctx.db.print_badge(
                result.attendee_id,
                self.ctx.station,
                self.ctx.operator,
                "first check-in",
                only_first=True,
            )
        lk = look(result.outcome)
        self.ctx.sounds.play("attention" if needs_alert(result) and lk.tone == "ok" else lk.sound)
        self.ctx.db.stats()
        self.ctx.db.recent(self.ctx.station)

    def _failed(self, what: str, text: str) -> None:
        if what == "check-in":
            if self._pending:
                self._pending.popleft()
            self.panel.show_error(text)
            self.ctx.sounds.play("refused")
        self.message.emit(text, 10000)

    # -- search & manual check-in ---------------------------------------------------------
    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.search_page)
        self.search.setFocus()
        self.search.selectAll()

    def _search_later(self) -> None:
        self._search_timer.start()

    def _run_search(self) -> None:
        text = self.search.text().strip()
        if text:
            self.ctx.db.search(text, 50)
        else:
            self.results.clear()

    def _search_enter(self) -> None:
        if self.results.count():
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)
            self.results.setFocus()

    def _show_search(self, token: int, people: list[Attendee]) -> None:
        if token != self.ctx.db.latest_search:
            return  # an older request: the user typed on
        self.results.clear()
        for a in people:
            names = "  ".join(x for x in (a.name, a.name_zh) if x)
            org = a.organization or a.organization_zh
            item = QListWidgetItem(f"{names}\n{org}  ·  {category_text(a.category)}")
            item.setData(ROLE_ID, a.attendee_id)
            if a.attention or a.category == "vip":
                item.setForeground(QBrush(QColor("#6A1B9A")))
            self.results.addItem(item)
        if people:
            self.results.setCurrentRow(0)

    def selected_attendee(self) -> str | None:
        item = self.results.currentItem()
        return str(item.data(ROLE_ID)) if item is not None else None

    def check_in_selected(self) -> None:
        aid = self.selected_attendee()
        if aid and self.ctx.session_id:
            self._pending.append(time.monotonic())
            self.ctx.db.manual_check_in(
                aid, self.ctx.session_id, self.ctx.station, self.ctx.operator
            )

    # -- recent & undo --------------------------------------------------------------------
    def _show_recent(self, rows: list[tuple[LogEntry, Attendee | None]]) -> None:
        self.recent_entries = rows
        keep = self.recent.currentRow()
        self.recent.clear()
        for e, a in rows:
            when = e.at.astimezone(self.tz) if self.tz else e.at
            who = "  ".join(x for x in ((a.name, a.name_zh) if a else ()) if x) or (
                e.attendee_id or "—"
            )
            if e.kind == LogKind.ANNUL:
                text = f"{when:%H:%M:%S}   ↶ undo · 撤销   {who}   ({e.reason})"
                colour = "#52606D"
            else:
                lk = look(e.outcome) if e.outcome else None
                status = f"{lk.title_en} · {lk.title_zh}" if lk else ""
                text = f"{when:%H:%M:%S}   {status}   {who}   [{e.session_id}]"
                colour = lk.colour if lk else "#52606D"
                if e.annulled:
                    text += "   (undone · 已撤销)"
                    colour = "#9AA5B1"
            item = QListWidgetItem(text)
            item.setData(ROLE_ID, e.uuid)
            item.setForeground(QBrush(QColor(colour)))
            self.recent.addItem(item)
        if 0 <= keep < self.recent.count():
            self.recent.setCurrentRow(keep)

    def _undoable(self, e: LogEntry) -> bool:
        return (
            e.kind != LogKind.ANNUL
            and not e.annulled
            and e.outcome in (Outcome.ADMITTED, Outcome.EXITED)
        )

    def undo_last(self) -> None:
        for e, _a in self.recent_entries:
            if self._undoable(e):
                self._ask_undo(e.uuid)
                return
        self.message.emit(self.tr("Nothing to undo at this station."), 4000)

    def undo_selected(self) -> None:
        item = self.recent.currentItem()
        if item is None:
            self.undo_last()
            return
        uuid = str(item.data(ROLE_ID))
        entry = next((e for e, _ in self.recent_entries if e.uuid == uuid), None)
        if entry is None or not self._undoable(entry):
            self.message.emit(self.tr("Only an admitted check-in can be undone."), 4000)
            return
        self._ask_undo(uuid)

    def _ask_undo(self, uuid: str) -> None:
        dlg = ReasonDialog(
            self.tr("Undo check-in · 撤销签到"),
            self.tr("Why is this check-in undone? (kept in the log)"),
            self.tr("scanned by mistake"),
            self,
        )
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.chosen.connect(lambda reason: self.ctx.db.undo(uuid, self.ctx.operator, reason))
        dlg.open()
        self.undo_dialog = dlg

    def _undone(self, entry: LogEntry) -> None:
        self.message.emit(self.tr("Check-in undone."), 4000)
        self.panel.clear()
        self.ctx.db.stats()
        self.ctx.db.recent(self.ctx.station)

    # -- walk-ins & reprints --------------------------------------------------------------
    def open_walk_in(self) -> None:
        event = self.ctx.event
        sessions = [(s.id, f"{s.title} · {s.title_zh}") for s in event.sessions] if event else []
        dlg = WalkInDialog(sessions, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.submitted.connect(lambda p: self.ctx.db.walk_in(p, self.ctx.station, self.ctx.operator))
        dlg.open()
        self.walk_in_dialog = dlg

    def _walked_in(self, attendee: Attendee, code: str) -> None:
        self.message.emit(self.tr("Walk-in registered: %s") % attendee.display_name, 6000)
        self.ctx.db.print_badge(
            attendee.attendee_id, self.ctx.station, self.ctx.operator, "walk-in"
        )
        if self.ctx.session_id:
            self._pending.append(time.monotonic())
            self.ctx.db.manual_check_in(
                attendee.attendee_id, self.ctx.session_id, self.ctx.station, self.ctx.operator
            )

    def reprint_selected(self) -> None:
        aid = self.selected_attendee()
        if not aid:
            self.message.emit(self.tr("Select a person in the search results first."), 4000)
            self.focus_search()
            return
        dlg = ReasonDialog(
            self.tr("Reprint badge · 补打胸卡"),
            self.tr("The old badge stops working. Reason for the reprint:"),
            self.tr("lost badge"),
            self,
        )
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.chosen.connect(lambda reason: self.ctx.db.reprint(aid, self.ctx.operator, reason))
        dlg.open()
        self.reprint_dialog = dlg

    def _reprinted(self, attendee_id: str, code: str) -> None:
        self.message.emit(self.tr("New badge issued; the old one is revoked."), 6000)
        self.ctx.db.print_badge(attendee_id, self.ctx.station, self.ctx.operator, "reprint")

    def _printed(self, attendee_id: str, message: str) -> None:
        self.last_print = (attendee_id, message)
        self.message.emit(message, 10000)

    # -- counters, status, language -------------------------------------------------------
    def set_stats(self, stats: list[SessionStats]) -> None:
        self.counters.set_stats(stats)

    def set_camera_status(self, state: str, message: str) -> None:
        texts = {
            "starting": ("warn", self.tr("Camera starting…")),
            "running": ("ok", self.tr("Camera on · decoder running")),
            "failed": ("bad", self.tr("Camera unavailable: %s") % message),
            "ended": ("warn", self.tr("Video ended")),
            "stopped": ("idle", self.tr("Camera off")),
        }
        level, text = texts.get(state, ("idle", state))
        self.cam_status.set(level, text)
        if state in ("failed", "ended", "stopped"):
            self.preview.set_message(text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.session_label.setText(self.tr("Session"))
        self.station_label.setText(self.tr("Station"))
        self.print_first.setText(self.tr("Print a badge at first check-in"))
        self.camera_card.set_title(self.tr("CAMERA"))
        self.counts_card.set_title(self.tr("LIVE COUNTS"))
        self.search.setPlaceholderText(
            self.tr("Search name, Chinese name, organization or email (Ctrl+F)")
        )
        self.checkin_btn.setText(self.tr("Check in (Enter)"))
        self.reprint_btn.setText(self.tr("Reprint badge (Ctrl+P)"))
        self.walkin_btn.setText(self.tr("Walk-in registration (Ctrl+N)"))
        self.undo_btn.setText(self.tr("Undo selected (Ctrl+Z)"))
        self.tabs.setTabText(0, self.tr("Search"))
        self.tabs.setTabText(1, self.tr("Recent scans"))
