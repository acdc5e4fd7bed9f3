"""The desk's actions that change records: undo, reprint, walk-in registration.

Each names what it is about to act on before it acts ("Undo Zhang Lei 张磊's check-in to
Opening Plenary at 09:05?"), says so when there is nothing to act on, and is refused with
the reason while the database cannot be written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer

from kiosk.models.records import Attendee, LogEntry
from kiosk.station.protocol import WalkInDone
from ui.bridge.dbworker import DbState
from ui.desk.dialogs import ConfirmDialog, WalkInDialog
from ui.desk.lists import undoable
from ui.present.confirm import reprint_question, undo_question

if TYPE_CHECKING:
    from ui.desk.view import StaffView


class DeskActions(QObject):
    def __init__(self, view: StaffView) -> None:
        super().__init__(view)
        self.view = view
        self.ctx = view.ctx
        self.undo_dialog: ConfirmDialog | None = None
        self.reprint_dialog: ConfirmDialog | None = None
        self.walk_in_dialog: WalkInDialog | None = None
        self.last_print: tuple[str, str] | None = None
        view.undo_btn.clicked.connect(self.undo_selected)
        view.reprint_btn.clicked.connect(self.reprint_selected)
        view.walkin_btn.clicked.connect(self.open_walk_in)
        db = self.ctx.db
        db.undone.connect(self._undone)
        db.walked_in.connect(self._walked_in)
        db.reprinted.connect(self._reprinted)
        db.printed.connect(self._printed)
        db.failed.connect(self._failed)

    def _say(self, text: str, ms: int = 6000) -> None:
        self.view.message.emit(text, ms)
        self.view.panel.show_notice(text)

    def _refused_by_database(self) -> bool:
        state = self.view.db_state
        if state.writable:
            return False
        self._say(self.view.db_problem_text(state), 8000)
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
                self._say(self.tr("Only an admitted check-in or an exit can be undone."))
                return
            self._ask_undo(entry, person)
            return
        for entry, person in self.view.recent.rows:
            if undoable(entry):
                self._ask_undo(entry, person)
                return
        self._say(self.tr("Nothing to undo: no check-in at this station yet."))

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
        dlg.chosen.connect(lambda reason: self.ctx.db.undo(uuid, self.ctx.operator, reason))
        dlg.open()
        self.undo_dialog = dlg

    def _undone(self, entry: LogEntry) -> None:
        self._say(self.tr("Check-in undone."), 4000)
        self.view.panel.clear()
        self.view.refresh()

    # -- reprint --------------------------------------------------------------------------
    def reprint_selected(self) -> None:
        if not self.view.isVisible() or self._refused_by_database():
            return
        hit = self.view.results.selected_hit()
        if hit is None:
            self._say(self.tr("Nothing to reprint: select a person in the search results first."))
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
        dlg.chosen.connect(lambda reason: self.ctx.db.reprint(aid, self.ctx.operator, reason))
        dlg.open()
        self.reprint_dialog = dlg

    def _reprinted(self, attendee_id: str, code: str) -> None:
        self._say(self.tr("New badge issued; the old one is revoked."))
        self.ctx.db.print_badge(attendee_id, self.ctx.station, self.ctx.operator, "reprint",
                                with_slip=self.ctx.print_slip_with_badge)  # fmt: skip

    def _printed(self, attendee_id: str, message: str) -> None:
        self.last_print = (attendee_id, message)
        self.view.message.emit(message, 10000)

    # -- walk-ins -------------------------------------------------------------------------
    def open_walk_in(self) -> None:
        if not self.view.isVisible() or self._refused_by_database():
            return
        if self.walk_in_dialog is not None and self.walk_in_dialog.isVisible():
            self.walk_in_dialog.raise_()
            self.walk_in_dialog.activateWindow()
            return
        event = self.ctx.event
        sessions = [(s.id, f"{s.title} · {s.title_zh}") for s in event.sessions] if event else []
        dlg = WalkInDialog(sessions, self.view)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.submitted.connect(
            lambda person: self.ctx.db.walk_in(
                person, self.ctx.station, self.ctx.operator, self.ctx.session_id or None
            )
        )
        dlg.destroyed.connect(self._walk_in_closed)
        dlg.open()
        dlg.name.setFocus()
        self.walk_in_dialog = dlg

    def _walk_in_closed(self) -> None:
        self.walk_in_dialog = None

    def _walked_in(self, done: WalkInDone) -> None:
        dlg = self.walk_in_dialog
        if dlg is not None:
            dlg.accept()
        self.view.message.emit(
            self.tr("Walk-in registered: %1").replace("%1", done.attendee.display_name), 6000
        )
        aid = done.attendee.attendee_id
        # After the refreshed counts and lists (queued by the welcome): a badge's PDF takes
        # a moment in the database thread.
        QTimer.singleShot(
            0,
            self,
            lambda: self.ctx.db.print_badge(
                aid,
                self.ctx.station,
                self.ctx.operator,
                "walk-in",
                with_slip=self.ctx.print_slip_with_badge,
            ),
        )

    def _failed(self, what: str, problem: str, text: str) -> None:
        if what == "walk-in" and self.walk_in_dialog is not None:
            self.walk_in_dialog.failed(text)

    def database_state(self, state: DbState) -> None:
        if self.walk_in_dialog is not None:
            self.walk_in_dialog.set_blocked(
                "" if state.writable else self.view.db_problem_text(state)
            )
