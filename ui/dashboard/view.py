"""The organizer dashboard (`--mode dashboard`): a wall display of the event's check-in.

Top: the event (English and Chinese) and the clock. Then one card per session (admitted
of registered, capacity used, inside where exits are scanned); arrivals per 10 minutes of
the selected session; the latest scans, refused ones included; who is registered for the
selected session and has not arrived, with a filter. Exports run on the station host's
jobs lane; their progress and result come back here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.models.clock import Clock
from kiosk.models.event import Event
from kiosk.station.snapshot import DashboardSnapshot
from ui.dashboard.cards import ElidedLabel, SessionCard
from ui.dashboard.chart import ArrivalsChart
from ui.dashboard.conflicts import DashboardSync
from ui.dashboard.exports import ExportDone, ExportRunner, ExportSpec
from ui.dashboard.header import DashHeader, translated
from ui.dashboard.matchmaking import MatchmakingPanel
from ui.dashboard.source import DashboardSource
from ui.dashboard.style import STYLE, bi
from ui.dashboard.tables import AttendeeFilter, AttendeeModel, ScanModel, ScanTable, plain_table


class FitScroll(QScrollArea):
    """Fills its viewport with the widget, scrolling only below the widget's minimum
    height (QScrollArea's own resizing follows heightForWidth: wrapped card titles would
    ask for their preferred height and scroll a wall display that has room)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        w = self.widget()
        if w is not None:
            view = self.viewport().size()
            w.resize(view.width(), max(view.height(), w.minimumSizeHint().height()))


class DashboardView(QWidget):
    """Shows the snapshots of a `DashboardSource`; starts it when shown, stops it on close."""

    def __init__(
        self, source: DashboardSource, clock: Clock, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("DashboardView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.source = source
        self.clock = clock
        self.snapshot: DashboardSnapshot | None = None
        self.selected_session = ""
        self.pinned = False  # False: follow the session the program is at (by the clock)
        self.cards: dict[str, SessionCard] = {}
        self._event: Event | None = None
        self._tz = ZoneInfo("UTC")
        self.exports = ExportRunner(source.db, self)
        self._live: tuple[datetime, bool] | None = None
        self._refused: int | None = None
        self._problem = ""
        self._status_text: Callable[[], str] = str
        self._export_dir: Path | None = None

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._build_header())

        body = QWidget()
        body.setObjectName("DashBodyInner")
        body.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        grid = QVBoxLayout(body)
        grid.setContentsMargins(20, 16, 20, 12)
        grid.setSpacing(14)
        self.cards_row = QHBoxLayout()
        self.cards_row.setSpacing(12)
        grid.addLayout(self.cards_row)
        self.message = QLabel()
        self.message.setObjectName("ErrorBanner")
        self.message.setWordWrap(True)
        self.message.hide()
        grid.addWidget(self.message)

        lower = QGridLayout()
        lower.setHorizontalSpacing(14)
        lower.setVerticalSpacing(14)
        lower.addWidget(self._build_chart_panel(), 0, 0)
        lower.addWidget(self._build_absent_panel(), 1, 0)
        self.scans_panel = self._build_scans_panel()
        lower.addWidget(self.scans_panel, 0, 1, 2, 1)
        # The matchmaking panel takes the lower half of the scans' column once a snapshot
        # carries a board (an event with a matchmaking schedule).
        self._lower = lower
        self.matchmaking = MatchmakingPanel(source.db, clock)
        self.matchmaking.changed.connect(source.refresh)
        self.matchmaking.hide()
        lower.setColumnStretch(0, 11)
        lower.setColumnStretch(1, 9)
        lower.setRowStretch(0, 1)
        lower.setRowStretch(1, 1)
        grid.addLayout(lower, 1)
        # On a small screen (a 1366×768 laptop) the body scrolls rather than being cut off;
        # on a wall display it fills the screen as before.
        self.body_scroll = FitScroll()
        self.body_scroll.setObjectName("DashBody")
        self.body_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body_scroll.setWidget(body)
        self.body_scroll.setMinimumHeight(200)
        root.addWidget(self.body_scroll, 1)
        root.addWidget(self._build_status())
        self.sync = DashboardSync(self, self.status_label.parentWidget().layout())  # issue 9
        self._status(lambda: self.tr("Event database: %1").replace("%1", str(source.db_path)), "")

        source.snapshot_ready.connect(self._on_snapshot)
        source.failed.connect(self._on_failed)
        source.polled.connect(self._on_polled)
        self.exports.started.connect(self._export_started)
        self.exports.progress.connect(self._export_progress)
        self.exports.finished.connect(self._export_finished)
        self.exports.failed.connect(self._export_failed)

        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self._tick)
        self._closed = False
        self.retranslate()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        if source.latest is not None:
            self._on_snapshot(source.latest)

    # -- building ------------------------------------------------------------------------
    def _build_header(self) -> QWidget:
        self.header = DashHeader()
        h = self.header
        self.title_label, self.title_zh_label = h.title_label, h.title_zh_label
        self.export_button, self.live_label = h.export_button, h.live_label
        self.export_actions = {key: action for key, (_, action) in h.export_actions.items()}
        for spec, action in h.export_actions.values():
            action.triggered.connect(lambda _=False, s=spec: self.choose_export(s))
        return h

    def _panel(self, title: str) -> tuple[QFrame, QVBoxLayout, QHBoxLayout]:
        panel = QFrame()
        panel.setObjectName("Panel")
        lay = QVBoxLayout(panel)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.setSpacing(8)
        head = QHBoxLayout()
        label = QLabel(title)
        label.setObjectName("PanelTitle")
        head.addWidget(label)
        head.addStretch(1)
        lay.addLayout(head)
        return panel, lay, head

    def _build_chart_panel(self) -> QWidget:
        panel, lay, head = self._panel(bi("Arrivals per 10 minutes", "每10分钟签到人数"))
        self.chart_note = ElidedLabel("")
        self.chart_note.setObjectName("PanelNote")
        self.chart_note.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.chart_note, 1)
        self.chart = ArrivalsChart()
        lay.addWidget(self.chart, 1)
        return panel

    def _build_scans_panel(self) -> QWidget:
        panel, lay, head = self._panel(bi("Latest scans", "最新扫码记录"))
        self.scans_note = QLabel("")
        self.scans_note.setObjectName("PanelNote")
        head.addWidget(self.scans_note)
        self.scan_model = ScanModel(self)
        self.scans_table = ScanTable(self.scan_model)
        hh = self.scans_table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        # a bilingual refusal is long: the result gets a fair share and is elided, so the
        # attendee keeps room on a 1366-pixel screen
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        hh.resizeSection(1, 190)
        hh.resizeSection(3, 132)
        lay.addWidget(self.scans_table, 1)
        return panel

    def _build_absent_panel(self) -> QWidget:
        panel, lay, head = self._panel(bi("Not yet arrived", "尚未签到"))
        self.absent_count = QLabel("")
        self.absent_count.setObjectName("PanelNote")
        head.addWidget(self.absent_count)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("Filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaximumWidth(320)
        self.filter_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        head.addSpacing(12)
        head.addWidget(self.filter_edit)
        self.absent_model = AttendeeModel(self)
        self.absent_filter = AttendeeFilter(self)
        self.absent_filter.setSourceModel(self.absent_model)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.absent_table = plain_table(self.absent_filter)
        hh = self.absent_table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.absent_table, 1)
        return panel

    def _build_status(self) -> QWidget:
        strip = QFrame()
        strip.setObjectName("StatusStrip")
        strip.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        lay = QHBoxLayout(strip)
        lay.setContentsMargins(20, 6, 20, 6)
        self.status_label = QLabel("")
        self.status_label.setObjectName("StatusText")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.status_label, 1)
        self.export_progress = QProgressBar()
        self.export_progress.setObjectName("ExportProgress")
        self.export_progress.setFixedWidth(220)
        self.export_progress.hide()
        lay.addWidget(self.export_progress)
        return strip

    def retranslate(self) -> None:
        """Set every translated text again (at start and when the language changes)."""
        self.header.retranslate(self._event is not None)
        self.filter_edit.setPlaceholderText(self.tr("Filter by name, organization, e-mail…"))
        if self._live is None:
            self.live_label.setText(self.tr("Connecting…"))
        else:
            self._set_live(*self._live)
        self._show_scans_note()
        self._update_absent_count()
        if self._problem:
            self._on_failed(self._problem)
        self.status_label.setText(self._status_text())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_scans_note(self) -> None:
        n = self._refused
        self.scans_note.setText("" if n is None else self.tr("newest first · %n refused", "", n))

    # -- snapshots -----------------------------------------------------------------------
    @Slot(object)
    def _on_snapshot(self, snap: DashboardSnapshot) -> None:
        self.snapshot = snap
        if self._event is None or self._event != snap.event:
            self._set_event(snap.event)
        if not self.pinned:
            self.selected_session = snap.session_id
        for stats in snap.stats:
            card = self.cards.get(stats.session_id)
            if card is not None:
                card.update_stats(stats)
        for sid, card in self.cards.items():
            card.set_selected(sid == self.selected_session)
        self._show_selected(snap)
        sessions = {s.id: s.title for s in snap.event.sessions}
        self.scan_model.set_rows(snap.recent, self._tz, sessions)
        self._refused = snap.refused  # the event's, as `stats` and the PDF report count it
        self._show_scans_note()
        if (snap.board is not None) != self.matchmaking.isVisibleTo(self):
            self._place_matchmaking(snap.board is not None)
        self.matchmaking.show_board(snap.board, self._tz)
        self.message.hide()
        self._problem = ""
        self._set_live(snap.taken_at, stale=False)

    def _show_selected(self, snap: DashboardSnapshot) -> None:
        event = snap.event
        session = next((s for s in event.sessions if s.id == self.selected_session), None)
        if session is None:
            return
        self.chart.show_arrivals(snap.arrivals.get(session.id), self._tz)
        self.chart_note.setText(" · ".join(x for x in (session.title, session.title_zh) if x))
        if snap.session_id == session.id:
            self.absent_model.set_rows(snap.not_arrived)
            self._update_absent_count()

    def _place_matchmaking(self, shown: bool) -> None:
        lower = self._lower
        lower.removeWidget(self.scans_panel)
        lower.removeWidget(self.matchmaking)
        if shown:
            lower.addWidget(self.scans_panel, 0, 1)
            lower.addWidget(self.matchmaking, 1, 1)
        else:
            lower.addWidget(self.scans_panel, 0, 1, 2, 1)
        self.matchmaking.setVisible(shown)
        self.body_scroll.fit()

    def _set_event(self, event: Event) -> None:
        self._event = event
        self._tz = event.tz
        self.header.set_event(event)
        while self.cards_row.count():
            item = self.cards_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.cards.clear()
        for s in event.sessions:
            card = SessionCard(s, self._tz)
            card.clicked.connect(self.select_session)
            self.cards[s.id] = card
            self.cards_row.addWidget(card, 1)
            card.show()
        self._tick()

    @Slot(str)
    def select_session(self, session_id: str) -> None:
        """Show `session_id` in the chart and the not-yet-arrived list from now on (a click
        on its card); until then the dashboard follows the program as the day goes."""
        self.pinned = True
        if session_id == self.selected_session:
            self.source.select_session(session_id)
            return
        self.selected_session = session_id
        for sid, card in self.cards.items():
            card.set_selected(sid == session_id)
        if self.snapshot is not None:
            self.chart.show_arrivals(self.snapshot.arrivals.get(session_id), self._tz)
            self._show_selected(self.snapshot)
        self.absent_count.setText(self.tr("loading…"))
        self.source.select_session(session_id)

    def follow_program(self) -> None:
        """Go back to showing the session whose check-in is open now."""
        self.pinned = False
        self.source.select_session("")

    def _filter_changed(self, text: str) -> None:
        self.absent_filter.set_text(text)
        self._update_absent_count()

    def _update_absent_count(self) -> None:
        total = self.absent_model.rowCount()
        shown = self.absent_filter.rowCount()
        if self.snapshot is None:
            self.absent_count.setText("")
        elif shown == total:
            self.absent_count.setText(f"{total:,}")
        else:
            self.absent_count.setText(
                self.tr("%1 of %2").replace("%1", f"{shown:,}").replace("%2", f"{total:,}")
            )

    @Slot(str)
    def _on_failed(self, text: str) -> None:
        self._problem = text
        self.message.setText(self.tr("Cannot read the event database: %1").replace("%1", text))
        self.message.show()
        self._set_live(self.clock.now(), stale=True)

    @Slot(object)
    def _on_polled(self, at: datetime) -> None:
        self._set_live(at, stale=False)

    def _set_live(self, at: datetime, stale: bool) -> None:
        self._live = (at, stale)
        stamp = f"{at.astimezone(self._tz):%H:%M:%S}"
        if stale:
            text = self.tr("● Not updating (last try %1)").replace("%1", stamp)
        else:
            text = self.tr("● Live · updated %1").replace("%1", stamp)
        self.header.set_live(text, stale)

    def _tick(self) -> None:
        self.header.show_time(self.clock.now(), self._tz)

    # -- exports -------------------------------------------------------------------------
    def choose_export(self, spec: ExportSpec) -> None:
        """Ask where to save, then run the export in the background."""
        event_id = self._event.id if self._event else "event"
        folder = self._export_dir or Path.home()
        suggested = folder / spec.default_name(event_id, self.selected_session)
        path, _ = QFileDialog.getSaveFileName(
            self, translated(spec.title), str(suggested), spec.file_filter
        )
        if path:
            out = Path(path)
            self._export_dir = out.parent
            if out.suffix.lower() != spec.suffix:
                out = out.with_name(out.name + spec.suffix)
            self.start_export(spec, out)

    def start_export(self, spec: ExportSpec, out: Path) -> bool:
        if self.exports.busy:
            self._status(lambda: self.tr("An export is already running."), "error")
            return False
        return self.exports.start(spec, out, self.clock.now(), self.selected_session)

    @Slot(str)
    def _export_started(self, title: str) -> None:
        self.export_button.setEnabled(False)
        self.export_progress.setRange(0, 0)
        self.export_progress.show()
        self._status(lambda: self.tr("Exporting %1…").replace("%1", translated(title)), "")

    @Slot(int, int)
    def _export_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.export_progress.setRange(0, total)
            self.export_progress.setValue(min(done, total))

    @Slot(object)
    def _export_finished(self, done: ExportDone) -> None:
        self._export_ended()

        def text() -> str:
            if done.rows >= 0:
                msg = self.tr("Saved %1 (%n row(s))", "", done.rows)
            elif done.pages >= 0:
                msg = self.tr("Saved %1 (%n page(s))", "", done.pages)
            else:
                msg = self.tr("Saved %1")
            return msg.replace("%1", done.path)

        self._status(text, "ok")

    @Slot(str)
    def _export_failed(self, text: str) -> None:
        self._export_ended()
        self._status(lambda: self.tr("Export failed: %1").replace("%1", text), "error")

    def _export_ended(self) -> None:
        self.export_button.setEnabled(True)
        self.export_progress.hide()

    def _status(self, text: Callable[[], str], level: str) -> None:
        """Show `text()` in the status strip (re-rendered when the language changes)."""
        self._status_text = text
        self.status_label.setText(text())
        self.status_label.setProperty("level", level)
        self.status_label.style().unpolish(self.status_label)
        self.status_label.style().polish(self.status_label)

    # -- lifetime ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._closed:
            return
        if self.source.running:
            self.source.pause(False)
        else:
            self.source.start()
        self._clock_timer.start()
        self._tick()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if self.source.running:
            self.source.pause(True)
        self._clock_timer.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop polling and wait for a running export (the app calls this on quit)."""
        self._closed = True
        self._clock_timer.stop()
        self.source.stop()
        self.exports.wait()
