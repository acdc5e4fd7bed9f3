"""The desk's actions that change records: undo, reprint, walk-in registration.

Each names what it is about to act on before it acts ("Undo Zhang Lei 张磊's check-in to
Opening Plenary at 09:05?"), says so when there is nothing to act on, and is refused with
the reason while the database cannot be written.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, QTimer, SignalInstance
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk.models.records import Attendee, AttendeeInput, LogEntry, SessionStats
from kiosk.people.hits import DuplicateHit
from kiosk.station.desk import DbState
from kiosk.station.errors import StationError
from kiosk.station.protocol import (
    LikelyDuplicates,
    ManualCheckIn,
    Reprint,
    Undo,
    WalkIn,
    WalkInDone,
)
from kiosk.station.wire import Origin, Source
from ui.app.context import Context
from ui.desk.dialogs import ConfirmDialog, WalkInDialog
from ui.desk.lists import HitList, RecentList, undoable
from ui.desk.result_panel import ResultPanel
from ui.present.confirm import reprint_question, undo_question

ASKED = Origin(Source.DESK)


class Desk(Protocol):
    """What the actions use of the staff desk (ui.desk.view.StaffView)."""

    ctx: Context
    message: SignalInstance
    panel: ResultPanel
    recent: RecentList
    results: HitList
    db_state: DbState
    stats: list[SessionStats]
    tz: ZoneInfo | None
    last_attendee: str  # the last person checked in at this desk ("" none yet)
    undo_btn: QPushButton
    reprint_btn: QPushButton
    walkin_btn: QPushButton

    def isVisible(self) -> bool: ...
    def db_problem_text(self, state: DbState) -> str: ...
    def focus_search(self) -> None: ...
    def refresh(self) -> None: ...


class DeskActions(QObject):
    def __init__(self, view: Desk) -> None:
        super().__init__(view if isinstance(view, QWidget) else None)
        self.view = view
        self.ctx = view.ctx
        self.undo_dialog: ConfirmDialog | None = None
        self.reprint_dialog: ConfirmDialog | None = None
        self.walk_in_dialog: WalkInDialog | None = None
        self.last_print: tuple[str, str] | None = None
        view.undo_btn.clicked.connect(self.undo_selected)
        view.reprint_btn.clicked.connect(self.reprint_selected)
        view.walkin_btn.clicked.connect(self.open_walk_in)
        if self.ctx.printing is not None:
            self.ctx.printing.printed.connect(self._printed)

    def _say(self, text: Callable[[], str], ms: int = 6000) -> None:
        """A remark on the panel and in the status bar; `text` makes it in the UI language
        (again after a language switch, while the remark is up)."""
        self.view.message.emit(text(), ms)
        self.view.panel.show_notice(text)

    def _refused_by_database(self) -> bool:
        state = self.view.db_state
        if state.writable:
            return False
        self._say(lambda: self.view.db_problem_text(self.view.db_state), 8000)
        return True

    # -- undo -----------------------------------------------------------------------------
    def undo_selected(self) -> None:
        """The selected entry of the recent scans, else this station's last check-in."""
        if not self.view.isVisible() or self._refused_by_database():
            return
        chosen = self.view.recent.selected()
        if chosen is not None:
            entry, person = chosen
            if not undoable(entry):
                self._say(lambda: self.tr("Only an admitted check-in or an exit can be undone."))
                return
            self._ask_undo(entry, person)
            return
        for entry, person in self.view.recent.rows:
            if undoable(entry):
                self._ask_undo(entry, person)
                return
        self._say(lambda: self.tr("Nothing to undo: no check-in at this station yet."))

    def _ask_undo(self, entry: LogEntry, person: Attendee | None) -> None:
        dlg = ConfirmDialog(
            self.tr("Undo check-in · 撤销签到"),
            undo_question(entry, person, self.ctx.event),
            self.tr("Why is it undone? (kept in the log)"),
            self.tr("scanned by mistake"),
            self.tr("Undo check-in"),
            self.view,
        )
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        uuid = entry.uuid  # fixed now: new scans arriving meanwhile change nothing
        dlg.chosen.connect(lambda reason: self._undo(uuid, reason))
        dlg.open()
        self.undo_dialog = dlg

    def _undo(self, uuid: str, reason: str) -> None:
        request = Undo(uuid, self.ctx.operator, reason, self.ctx.clock.now())
        self.ctx.db.submit(request, ASKED, then=self._undone, owner=self)

    def _undone(self, entry: LogEntry) -> None:
        self._say(lambda: self.tr("Check-in undone."), 4000)
        self.view.panel.clear()
        self.view.refresh()

    # -- reprint --------------------------------------------------------------------------
    def reprint_selected(self) -> None:
        if not self.view.isVisible() or self._refused_by_database():
            return
        hit = self.view.results.selected_hit()
        if hit is None:
            self._say(
                lambda: self.tr("Nothing to reprint: select a person in the search results first.")
            )
            self.view.focus_search()
            return
        person = hit.attendee
        dlg = ConfirmDialog(
            self.tr("Reprint badge · 补打胸卡"),
            reprint_question(person),
            self.tr("The old badge stops working. Reason for the reprint:"),
            self.tr("lost badge"),
            self.tr("Reprint badge"),
            self.view,
        )
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        aid = person.attendee_id
        dlg.chosen.connect(lambda reason: self._reprint(aid, reason))
        dlg.open()
        self.reprint_dialog = dlg

    def _reprint(self, attendee_id: str, reason: str) -> None:
        request = Reprint(attendee_id, self.ctx.operator, reason, self.ctx.clock.now())
        self.ctx.db.submit(
            request, ASKED, then=lambda code: self._reprinted(attendee_id, code), owner=self
        )

    def _reprinted(self, attendee_id: str, code: str) -> None:
        self._say(lambda: self.tr("New badge issued; the old one is revoked."))
        self._print(attendee_id, "reprint")

    def _print(self, attendee_id: str, reason: str) -> None:
        if self.ctx.printing is not None:
            self.ctx.printing.print_badge(attendee_id, self.ctx.operator, reason,
                                          with_slip=self.ctx.print_slip_with_badge)  # fmt: skip

    def _printed(self, attendee_id: str, message: str) -> None:
        self.last_print = (attendee_id, message)
        self.view.message.emit(message, 10000)

    # -- schedule slips -------------------------------------------------------------------
    def print_slip(self) -> None:
        """Ctrl+Shift+P: the slip of the person selected in the search results, else of the
        last person checked in at this desk; says why when there is nobody or no printing
        (a person without meetings: the print desk says so)."""
        if not self.view.isVisible():
            return
        hit = self.view.results.selected_hit() if self.view.results.hasFocus() else None
        aid = hit.attendee.attendee_id if hit else self.view.last_attendee
        if not aid:
            hit = self.view.results.selected_hit()
            aid = hit.attendee.attendee_id if hit else ""
        if not aid:
            self._say(lambda: self.tr(
                "No schedule slip to print: select a person in the search results or check "
                "someone in first."))  # fmt: skip
            return
        if self.ctx.printing is None:
            self._say(lambda: self.tr("Printing is not available at this desk."))
            return
        self.view.message.emit(self.tr("Preparing the schedule slip…"), 4000)
        self.ctx.printing.print_slip(aid)

    # -- walk-ins -------------------------------------------------------------------------
    def open_walk_in(self) -> None:
        if not self.view.isVisible() or self._refused_by_database():
            return
        if self.walk_in_dialog is not None and self.walk_in_dialog.isVisible():
            self.walk_in_dialog.raise_()
            self.walk_in_dialog.activateWindow()
            return
        event = self.ctx.event
        open_to = event.walk_in_sessions() if event else []
        sessions = [(s.id, f"{s.title} · {s.title_zh}") for s in open_to]
        dlg = WalkInDialog(sessions, self.view)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        titles = {s.id: f"{s.title} · {s.title_zh}" for s in open_to}
        dlg.set_session_counts([
            (titles[st.session_id], st.registered, st.capacity) for st in self.view.stats
            if st.session_id in titles and st.capacity is not None
            and st.registered >= st.capacity
        ])  # fmt: skip
        dlg.submitted.connect(self._walk_in)
        dlg.lookup.connect(self._look_up)
        dlg.existing.connect(self._take_existing)
        dlg.destroyed.connect(self._walk_in_closed)
        dlg.open()
        dlg.name.setFocus()
        self.walk_in_dialog = dlg

    def _walk_in(self, person: AttendeeInput) -> None:
        request = WalkIn(person, self.ctx.operator, self.ctx.session_id or None,
                         self.ctx.clock.now())  # fmt: skip
        self.ctx.db.submit(
            request, Origin(Source.WALK_IN), then=self._walked_in, otherwise=self._walk_in_failed,
            owner=self,
        )  # fmt: skip

    def _look_up(self, person: AttendeeInput) -> None:
        request = LikelyDuplicates(person, self.ctx.session_id)
        self.ctx.db.submit(
            request, Origin(Source.WALK_IN), then=self._offer, otherwise=self._walk_in_failed,
            owner=self,
        )  # fmt: skip

    def _offer(self, hits: list[DuplicateHit]) -> None:
        if self.walk_in_dialog is not None:
            self.walk_in_dialog.show_duplicates(hits, self.view.tz)

    def _take_existing(self, attendee_id: str) -> None:
        """The walk-in is someone registered: check them in, register no one."""
        dlg = self.walk_in_dialog
        if dlg is not None:
            dlg.accept()
        if self.ctx.session_id:
            request = ManualCheckIn(attendee_id, self.ctx.session_id, self.ctx.operator,
                                    self.ctx.clock.now())  # fmt: skip
            self.ctx.db.submit(request, Origin(Source.SEARCH, time.monotonic()))

    def _walk_in_closed(self) -> None:
        self.walk_in_dialog = None

    def _walked_in(self, done: WalkInDone) -> None:
        dlg = self.walk_in_dialog
        if dlg is not None:
            dlg.accept()
        text = self.tr("Walk-in registered: %1").replace("%1", done.attendee.display_name)
        event = self.ctx.event
        if done.full and event is not None:
            names = ", ".join(
                " · ".join(t for t in (event.session(x).title, event.session(x).title_zh) if t)
                for x in done.full
            )
            text += " " + self.tr("Over capacity: %1.").replace("%1", names)
        self.view.message.emit(text, 10000 if done.full else 6000)
        aid = done.attendee.attendee_id
        # After the refreshed counts and lists (asked for by the welcome): a badge's PDF
        # takes a moment on the desk lane.
        QTimer.singleShot(0, self, lambda: self._print(aid, "walk-in"))

    def _walk_in_failed(self, error: StationError) -> None:
        if self.walk_in_dialog is not None:
            self.walk_in_dialog.failed(error.message)

    def database_state(self, state: DbState) -> None:
        if self.walk_in_dialog is not None:
            self.walk_in_dialog.set_blocked(
                "" if state.writable else self.view.db_problem_text(state)
            )
