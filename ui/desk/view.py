"""The staff desk: camera preview, result panel, search, undo, walk-ins, reprints, counters.

Everything is keyboard-operable from the first frame (window-wide shortcuts): Ctrl+F
search, Enter checks in the selected person, Ctrl+Z undoes (the selected entry, else the
last check-in), Ctrl+N registers a walk-in, Ctrl+P reprints a badge, Ctrl+L chooses the
session, Ctrl+R shows the recent scans. A handheld scanner works whatever has focus.
While the database cannot be written, the actions that need it are disabled and the
banner says why; scans are kept and recorded when it is back.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from kiosk.models.event import Event
from kiosk.models.outcomes import CheckinResult, Method, Outcome
from kiosk.models.records import SessionStats
from kiosk.people.hits import SearchHit
from kiosk.scan.handheld import is_code_shape
from kiosk.station.client import Call
from kiosk.station.desk import DbState, DbStatus, KeptRefused, NotRecorded
from kiosk.station.errors import StationError
from kiosk.station.protocol import ManualCheckIn, Recent, Search, Stats
from kiosk.station.wire import Input, Origin, Problem, Source
from ui.app.context import Context
from ui.app.widgets import Card, CounterGrid, StatusDot
from ui.bridge.asked import Asked
from ui.capture.preview import PreviewWidget
from ui.desk.actions import DeskActions
from ui.desk.lists import HitList, RecentList
from ui.desk.result_panel import ResultPanel
from ui.desk.stations import window_is_chinese
from ui.desk.texts import database_problem, operation_name
from ui.present.looks import needs_alert, result_look
from ui.present.result_policy import ResultPolicy
from ui.present.trust_text import say

MIN_RESULT_S = 2.0
SHORT_BELOW = 720  # px of desk height: a laptop's 768-line screen (the desk gets ~660)
ASKED = Origin(Source.DESK)


class StaffView(QWidget):
    message = Signal(str, int)  # status-bar text, milliseconds

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Backdrop")
        self.ctx = ctx
        self.tz: ZoneInfo | None = None
        self.latencies: deque[float] = deque(maxlen=2000)  # capture -> panel, seconds
        self.policy = ResultPolicy(ctx.clock, hold_s=MIN_RESULT_S)
        self.db_state = DbState()
        self.stats: list[SessionStats] = []  # the latest counts (the walk-in dialog's "full")
        self.last_attendee = ""  # the last person a result here named (Ctrl+Shift+P's)
        self._camera = ("stopped", "")
        self._build()
        self.actions = DeskActions(self)
        self._result_timer = QTimer(self)
        self._result_timer.setSingleShot(True)
        self._result_timer.timeout.connect(self._show_queued)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)
        self._search_timer.timeout.connect(self._run_search)
        self._searched_text = ""  # the text of the request whose results are awaited/shown
        self._search_id = 0  # the latest search request's id: only its hits are current
        self._shown_id = -1  # the search request whose hits the list shows
        self._enter_pending = False
        self._asked = Asked()  # the check-ins this desk asked for, unanswered
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(5000)
        self._stats_timer.timeout.connect(self._ask_stats)
        self.session_question: QMessageBox | None = None  # several sessions under way
        self.shortcuts: dict[str, QShortcut] = {}
        for keys, fn in (
            ("Ctrl+F", self.focus_search),
            ("Ctrl+Z", self.actions.undo_selected),
            ("Ctrl+N", self.actions.open_walk_in),
            ("Ctrl+P", self.actions.reprint_selected),
            ("Ctrl+Shift+P", self.actions.print_slip),
            ("Ctrl+L", self.session.setFocus),
            ("Ctrl+R", lambda: self.tabs.setCurrentWidget(self.recent_page)),
        ):
            sc = QShortcut(QKeySequence(keys), self)
            # Window-wide: they work from the first frame, whatever has focus (a line
            # edit's own Ctrl+Z included), while the desk is the shown mode.
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(fn)
            self.shortcuts[keys] = sc
        db = ctx.db
        db.replied.connect(self._replied)
        db.recorded_later.connect(self._recorded_later)
        db.kept_refused.connect(self._kept_refused)
        db.state_changed.connect(self.set_db_state)
        if ctx.camera is not None:
            ctx.camera.status_changed.connect(self.set_camera_status)
            ctx.camera.detected.connect(self.preview.set_detections)
        self.retranslate()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        ctx = self.ctx
        self.session_label = QLabel()
        self.session = QComboBox()
        self.session.setMinimumWidth(300)
        self.session.currentIndexChanged.connect(self._session_changed)
        self.station_label = QLabel()
        self.station = QLineEdit(ctx.station)
        self.station.setMaximumWidth(140)
        self.station.editingFinished.connect(self._station_changed)
        self.print_first = QCheckBox()
        self.print_first.setChecked(ctx.print_on_first_checkin)
        self.print_first.toggled.connect(self._print_first_changed)
        self.print_slip = QCheckBox()
        self.print_slip.setObjectName("PrintSlipWithBadge")
        self.print_slip.setChecked(ctx.print_slip_with_badge)
        self.print_slip.toggled.connect(self._print_slip_changed)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        for w, stretch in ((self.session_label, 0), (self.session, 1)):
            bar.addWidget(w, stretch)
        bar.addSpacing(12)
        bar.addWidget(self.station_label)
        bar.addWidget(self.station)
        bar.addSpacing(12)
        bar.addWidget(self.print_first)
        bar.addWidget(self.print_slip)
        self.banner = QLabel()
        self.banner.setObjectName("DbBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background: #C5221F; color: white; border-radius: 6px; padding: 8px 12px;"
            " font-weight: bold;"
        )
        self.banner.hide()

        self.camera_card = Card()
        self.preview = PreviewWidget()
        self.preview.setMinimumSize(400, 160)
        self.cam_status = StatusDot()
        self.camera_card.body().addWidget(self.preview, 1)
        self.camera_card.body().addWidget(self.cam_status)
        self.counts_card = Card()
        self.counters = CounterGrid()
        self.counts_card.body().addWidget(self.counters)
        self.counts_card.body().addStretch(1)
        left = QVBoxLayout()
        left.setSpacing(10)
        left.addWidget(self.camera_card, 3)
        left.addWidget(self.counts_card, 2)

        self.panel = ResultPanel()
        self.panel.setMinimumHeight(200)
        self.panel.cleared.connect(self._panel_cleared)
        self.tabs = QTabWidget()
        self.search_page = QWidget()
        self.search = QLineEdit()
        self.search.setObjectName("SearchField")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_later)
        self.search.returnPressed.connect(self._search_enter)
        self.search.installEventFilter(self)  # Ctrl+Z there is the desk's undo
        self.results = HitList()
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.itemActivated.connect(lambda _item: self.check_in_selected())
        self.checkin_btn = QPushButton()
        self.checkin_btn.setObjectName("Primary")
        self.checkin_btn.clicked.connect(self.check_in_selected)
        self.reprint_btn = QPushButton()
        self.walkin_btn = QPushButton()
        sl = QVBoxLayout(self.search_page)
        sl.setContentsMargins(0, 4, 0, 0)
        sl.addWidget(self.search)
        sl.addWidget(self.results, 1)
        row = QHBoxLayout()
        row.addWidget(self.checkin_btn)
        row.addWidget(self.reprint_btn)
        row.addStretch(1)
        row.addWidget(self.walkin_btn)
        sl.addLayout(row)
        self.recent_page = QWidget()
        self.recent = RecentList()
        self.recent.setWordWrap(True)
        self.recent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.undo_btn = QPushButton()
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
        self.lists_card.outer.setContentsMargins(12, 6, 12, 8)  # room for four people
        self.lists_card.body().addWidget(self.tabs)
        right = QVBoxLayout()
        right.setSpacing(10)
        right.addWidget(self.panel, 2)
        right.addWidget(self.lists_card, 3)
        self.panel.meeting.shown.connect(lambda on: right.setStretch(0, 3 if on else 2))
        self.panel.meeting.print_slip.connect(self._print_slip)
        self.recent.setMinimumHeight(36)  # the search list keeps four rows (resizeEvent)

        cols = QHBoxLayout()
        cols.setSpacing(12)
        cols.addLayout(left, 11)
        cols.addLayout(right, 9)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 10)
        outer.setSpacing(10)
        outer.addLayout(bar)
        outer.addWidget(self.banner)
        outer.addLayout(cols, 1)

    # -- wiring ---------------------------------------------------------------------------
    def set_event(self, event: Event, session_id: str) -> None:
        self.tz = event.tz
        self.panel.tz = event.tz
        self.panel.program = event
        self.print_slip.setVisible(event.matchmaking_session() is not None)
        self.session.blockSignals(True)
        self.session.clear()
        for s in event.sessions:
            self.session.addItem("", s.id)
        self._mark_now()
        self.session.setCurrentIndex(max(0, self.session.findData(session_id)))
        self.session.blockSignals(False)
        self.counters.highlight(session_id)
        self._ask_stats()
        self._ask_recent()
        self._stats_timer.start()

    def _mark_now(self) -> None:
        """Each session's line; "● now" on the sessions under way (and only those), as
        the clock moves."""
        event = self.ctx.event
        if event is None or self.session.count() != len(event.sessions):
            return
        choice = event.default_session(self.ctx.clock.now())
        for i, s in enumerate(event.sessions):
            start, end = s.start.astimezone(event.tz), s.end.astimezone(event.tz)
            mark = "   ● now · 当前" if choice.is_now(s.id) else ""
            text = f"{start:%H:%M}–{end:%H:%M}  {s.title} · {s.title_zh}{mark}"
            if self.session.itemText(i) != text:
                self.session.setItemText(i, text)

    def ask_session(self, ids: list[str]) -> None:
        """Several sessions are under way: which one does this desk check in?"""
        event = self.ctx.event
        if event is None:
            return
        box = QMessageBox(self)
        box.setObjectName("AskSession")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Session · 场次")
        box.setText(
            "Several sessions are in progress. Which one does this desk check in?\n"
            "多个场次正在进行。本服务台为哪个场次签到？"
        )
        for sid in ids:
            s = event.session(sid)
            button = box.addButton(f"{s.title} · {s.title_zh}", QMessageBox.ButtonRole.AcceptRole)
            button.clicked.connect(lambda _=False, sid=sid: self.choose_session(sid))
        self.session_question = box
        box.open()

    def choose_session(self, session_id: str) -> None:
        i = self.session.findData(session_id)
        if i >= 0:
            self.session.setCurrentIndex(i)

    def _print_first_changed(self, on: bool) -> None:
        self.ctx.print_on_first_checkin = on
        self.ctx.settings.set("print_on_first_checkin", on)

    def _print_slip_changed(self, on: bool) -> None:
        self.ctx.print_slip_with_badge = on
        self.ctx.settings.set("print_slip_with_badge", on)

    def _print_slip(self, attendee_id: str) -> None:
        if self.ctx.printing is not None:
            self.ctx.printing.print_slip(attendee_id)

    def _session_changed(self) -> None:
        sid = self.session.currentData()
        if sid:
            self.ctx.session_id = str(sid)
            self.counters.highlight(self.ctx.session_id)
            self._run_search()  # presence is per session

    def show_station(self, name: str) -> None:
        """This station's name as the database keeps it (at open)."""
        if self.station.text() != name:
            self.station.setText(name)

    def _station_changed(self) -> None:
        """Staff renamed this station: kept with the database (NameStation)."""
        name = self.station.text().strip()
        if not name:
            self.station.setText(self.ctx.station)
        elif name != self.ctx.station:
            self.ctx.db.name_station(name, ASKED, then=self._station_named,
                                     otherwise=self._station_kept)  # fmt: skip

    def _station_kept(self, error: StationError) -> None:
        """The rename was refused (an enrolled station keeps its certificate's name)."""
        self.station.setText(self.ctx.station)
        why = error.message  # a database problem is shown by the status line as well
        if error.problem is Problem.INVALID:  # refused: enrolled under its certificate's name
            why = say("rename_enrolled", window_is_chinese(), self.ctx.station)
        self.station.setToolTip(why)
        QToolTip.showText(self.station.mapToGlobal(self.station.rect().bottomLeft()), why,
                          self.station)  # fmt: skip

    def _station_named(self, name: str) -> None:
        self.ctx.station = name
        self.show_station(name)
        self._ask_recent()

    def shown(self) -> None:
        """The desk became the shown screen: the search has the keyboard."""
        self.focus_search()

    # -- scans and results ----------------------------------------------------------------
    def submit_code(
        self, code: str, method: Method, captured: float | None = None, typed: bool = False
    ) -> None:
        """A code from the camera, a scanner, or typed (`typed`: a person's keys)."""
        if not self.ctx.session_id:
            return
        camera = method is Method.CAMERA
        source = Source.CAMERA if camera else Source.HANDHELD
        device = Input.CAMERA if camera else Input.KEYBOARD if typed else Input.HANDHELD
        origin = Origin(source, captured if captured is not None else time.monotonic(), device)
        call = self.ctx.db.check_in(code, self.ctx.session_id, method, self.ctx.operator, origin)
        self._asked.add(call.id)

    def asked(self, call_id: int) -> bool:
        """True once for the id of a check-in this desk asked for (its answer is here)."""
        return self._asked.take(call_id)

    def show_result(self, result: CheckinResult, origin: Origin | None = None) -> None:
        """A check-in result this desk asked for: on the panel (after the shown one's
        minimum time), the sound, the first-check-in print, the lists refreshed. Only a
        camera frame's echo is dropped; every other input is answered every time."""
        if origin is not None and origin.captured is not None:
            self.latencies.append(time.monotonic() - origin.captured)
        if result.attendee_id:
            self.last_attendee = result.attendee_id
        camera = origin is not None and origin.input is Input.CAMERA
        decision = self.policy.offer(result, camera=camera)
        if decision == "show":
            self.panel.show_result(result)
            self._sound(result)
        elif decision == "queue":
            self._schedule_queued()
        if (
            self.ctx.print_on_first_checkin
            and result.outcome is Outcome.ADMITTED
            and result.attendee_id
            and self.ctx.printing is not None
        ):
            self.ctx.printing.print_badge(
                result.attendee_id, self.ctx.operator, "first check-in",
                only_first=True, with_slip=self.ctx.print_slip_with_badge,
            )  # fmt: skip
        self.refresh()

    def _sound(self, result: CheckinResult) -> None:
        lk = result_look(result)
        self.ctx.sounds.play("attention" if needs_alert(result) and lk.tone == "ok" else lk.sound)

    def _schedule_queued(self) -> None:
        wait = self.policy.wait_s()
        if wait is not None:
            self._result_timer.start(int(wait * 1000) + 10)

    def _show_queued(self) -> None:
        result = self.policy.take()
        if result is not None:
            self.panel.show_result(result)
            self._sound(result)
        self._schedule_queued()

    def _panel_cleared(self) -> None:
        self.policy.cleared()
        self._schedule_queued()

    def refresh(self) -> None:
        self._ask_stats()
        self._ask_recent()
        if self.search.text().strip():
            self._run_search()

    def _ask_stats(self) -> None:
        self._mark_now()
        self.ctx.db.submit(Stats(), ASKED, then=self.set_stats, owner=self)

    def _ask_recent(self) -> None:
        self.ctx.db.submit(Recent(own=True), ASKED, then=self._show_recent, owner=self)

    def _show_recent(self, rows: list[Any]) -> None:
        self.recent.set_rows(rows, self.tz)

    def not_recorded(self, info: NotRecorded) -> None:
        self.policy.showing(None)
        self.panel.show_not_recorded(info)
        self.ctx.sounds.play("refused")

    def _recorded_later(self, results: list[CheckinResult]) -> None:
        self.message.emit(
            self.tr("The database is back: kept scans recorded: %n.", "", len(results)),
            15000,
        )
        self.refresh()

    def _replied(self, call: Call[object]) -> None:
        """A desk request that failed (a kept scan is not a failure: `not_recorded`)."""
        if call.request.lane != "desk" or call.origin.source is Source.DASHBOARD:
            return
        error = call.error
        if error is not None and not isinstance(error, NotRecorded):
            self._failed(call.request.operation, error)
        if error is None and isinstance(call.request, Search) and call.id == self._search_id:
            self._show_search(call.value)  # type: ignore[arg-type]

    def _kept_refused(self, refused: KeptRefused) -> None:
        self._failed("check-in", refused.error)

    def _failed(self, what: str, error: StationError) -> None:
        if what == "check-in":
            self.policy.showing(None)
            self.panel.show_error(error.message)
            self.ctx.sounds.play("refused")
        elif what == "search":
            self._enter_pending = False
        self.message.emit(
            self.tr("%1 failed: %2")
            .replace("%1", operation_name(what))
            .replace("%2", error.message),
            10000,
        )

    # -- the database's state -------------------------------------------------------------
    def set_db_state(self, state: DbState) -> None:
        self.db_state = state
        self.actions.database_state(state)
        writable = state.writable
        why = "" if writable else self.db_problem_text(state)
        for b in (self.checkin_btn, self.walkin_btn, self.reprint_btn, self.undo_btn):
            b.setEnabled(writable)
            b.setToolTip(why)
        # Searches queue behind the opening, so the field takes keys from the first frame.
        self.search.setEnabled(state.readable or state.status is DbStatus.OPENING)
        if state.status in (DbStatus.OK, DbStatus.OPENING):
            self.banner.hide()
        else:
            self.banner.setText(why)
            self.banner.show()

    def db_problem_text(self, state: DbState) -> str:
        return database_problem(state)

    # -- search & manual check-in ---------------------------------------------------------
    def focus_search(self) -> None:
        if not self.isVisible():
            return
        self.tabs.setCurrentWidget(self.search_page)
        self.search.setFocus()
        self.search.selectAll()

    def _search_later(self) -> None:
        self._enter_pending = False
        self._search_timer.start()

    def _run_search(self) -> None:
        self._search_timer.stop()
        text = self.search.text().strip()
        self._searched_text = text
        if text:
            call = self.ctx.db.submit(Search(text, self.ctx.session_id, 50), Origin(Source.SEARCH))
            self._search_id = call.id
        else:
            self.results.set_hits([], self.tz)

    def _results_current(self) -> bool:
        return (
            not self._search_timer.isActive()
            and self._searched_text == self.search.text().strip()
            and self._shown_id == self._search_id
        )

    def _search_enter(self) -> None:
        """Enter in the search box checks in the selected person (the first hit if none is
        selected), once the hits are those of what was typed, never a stale list's."""
        text = self.search.text().strip()
        if not text:
            return
        if is_code_shape(text):  # a badge code typed slowly (a loaded machine, a scanner
            self.search.clear()  # set to a slow key rate): a scan, not a name to look for
            self.submit_code(text, Method.HANDHELD, typed=True)
            return
        if self._results_current():
            if self.results.count():
                self.check_in_selected()
            else:
                self.message.emit(
                    self.tr("Nobody found for “%1”.").replace("%1", self.search.text().strip()),
                    5000,
                )
            return
        self._enter_pending = True
        if self._search_timer.isActive() or self._searched_text != self.search.text().strip():
            self._run_search()

    def _show_search(self, hits: list[SearchHit]) -> None:
        """The hits of the latest search (an older request's never: the user typed on)."""
        self._shown_id = self._search_id
        self.results.set_hits(hits, self.tz)
        if self._enter_pending and self._results_current():
            self._enter_pending = False
            self._search_enter()

    def selected_attendee(self) -> str | None:
        hit = self.results.selected_hit()
        return hit.attendee.attendee_id if hit else None

    def check_in_selected(self) -> None:
        if not self.db_state.writable:
            self.message.emit(self.db_problem_text(self.db_state), 8000)
            return
        aid = self.selected_attendee()
        if aid and self.ctx.session_id:
            request = ManualCheckIn(
                aid, self.ctx.session_id, self.ctx.operator, self.ctx.clock.now()
            )
            origin = Origin(Source.SEARCH, time.monotonic(), Input.KEYBOARD)
            self._asked.add(self.ctx.db.submit(request, origin).id)

    # -- counters, status, language -------------------------------------------------------
    def set_stats(self, stats: list[SessionStats]) -> None:
        self.stats = stats
        self.counters.set_stats(stats)

    def set_camera_status(self, state: str, message: str) -> None:
        self._camera = (state, message)
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

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A short screen (a 1366×768 laptop): a compact result panel and one line per
        person in the search list, which keeps four people in view."""
        short = self.height() < SHORT_BELOW
        self.panel.set_short(short)
        self.results.set_short(short)
        self.results.setMinimumHeight(self.results.rows_height(4))
        super().resizeEvent(event)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """The search field would take Ctrl+Z as its own text undo: at the desk it undoes
        the check-in (the field's text is a search, nothing worth undoing)."""
        if (
            obj is self.search
            and event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
        ):
            event.ignore()
            return True
        return super().eventFilter(obj, event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.session_label.setText(self.tr("Session"))
        self.station_label.setText(self.tr("Station"))
        self.print_first.setText(self.tr("Print a badge at first check-in"))
        self.print_slip.setText(self.tr("With the schedule slip"))
        self.print_slip.setToolTip(
            self.tr(
                "Print the attendee's matchmaking schedule with the badge, if they have meetings"
            )
        )
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
        self.set_camera_status(*self._camera)  # "Camera off" in the new language too
        self.set_db_state(self.db_state)
        self.panel.retranslate()
