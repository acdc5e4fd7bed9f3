"""The dashboard's sync controls: whole event or this station only, and the conflicts view.

`SyncControls` sits in the dashboard's top band: a two-way toggle ("Whole event (all
stations)" / "This station only") and a "Conflicts (n)" button. `ConflictsDialog` lists
what `kiosk.storage.conflicts` reports, facts and never errors: duplicate entries (one
badge admitted at two stations while they were apart: both times and stations), scans
of revoked badges, and possible duplicate people (same e-mail), which an organizer may
merge (a `merge` entry, after a bilingual confirmation) on the station host's jobs lane;
`merged(problem)` says how it went ("" when it was recorded).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
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

from kiosk.models.clock import Clock
from kiosk.station.syncproto import MergeAttendees
from kiosk.station.wire import Origin, Source
from kiosk.storage.base import from_ts
from kiosk.storage.conflicts import Conflict, ConflictKind
from ui.bridge.desk import DeskLink
from ui.present.trust_text import refusal, say, security_alert

SCOPE_EVENT, SCOPE_STATION = "event", "station"


CONTROLS_STYLE = """
QPushButton { padding: 3px 12px; border: 1px solid #9AA5B1; background: #FFFFFF; color: #1F2933; }
QPushButton#ScopeButton:checked { background: #0B3D91; color: #FFFFFF; border-color: #0B3D91; }
QPushButton#ConflictsButton { border-radius: 3px; }
QPushButton#ConflictsButton[alert="true"] { background: #FDECEA; color: #B42318; border-color: #B42318;
    font-weight: 600; }
"""


class SyncControls(QWidget):
    scope_changed = Signal(str)
    conflicts_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SyncControls")
        self.setStyleSheet(CONTROLS_STYLE)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.group = QButtonGroup(self)
        self.whole = QPushButton()
        self.local = QPushButton()
        for i, b in enumerate((self.whole, self.local)):
            b.setCheckable(True)
            b.setObjectName("ScopeButton")
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self.group.addButton(b, i)
            lay.addWidget(b)
        self.whole.setChecked(True)
        self.group.idClicked.connect(
            lambda i: self.scope_changed.emit(SCOPE_STATION if i else SCOPE_EVENT)
        )
        lay.addSpacing(12)
        self.conflicts = QPushButton()
        self.conflicts.setObjectName("ConflictsButton")
        self.conflicts.clicked.connect(self.conflicts_clicked)
        lay.addWidget(self.conflicts)
        self.count = 0
        self.retranslate()

    @property
    def scope(self) -> str:
        return SCOPE_STATION if self.local.isChecked() else SCOPE_EVENT

    def set_count(self, n: int) -> None:
        self.count = n
        self.retranslate()

    def retranslate(self) -> None:
        self.whole.setText(self.tr("Whole event (all stations)"))
        self.local.setText(self.tr("This station only"))
        self.whole.setToolTip(self.tr("Every station's entries this database holds after sync"))
        self.local.setToolTip(self.tr("Only the check-ins made at this station"))
        self.conflicts.setText(self.tr("Conflicts (%1)").replace("%1", str(self.count)))
        self.conflicts.setProperty("alert", "true" if self.count else "false")
        self.conflicts.style().unpolish(self.conflicts)
        self.conflicts.style().polish(self.conflicts)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _when(text: str, tz: tzinfo) -> str:
    if not text:
        return "—"
    try:
        at: datetime = from_ts(text)
    except (ValueError, TypeError):
        return text
    return f"{at.astimezone(tz):%H:%M:%S}"


class ConflictsDialog(QDialog):
    """The conflicts of the latest snapshot, refreshed with each new one."""

    COLUMNS = 6
    merged = Signal(str)  # "" (recorded) or why not

    def __init__(
        self, db: DeskLink, clock: Clock, operator: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ConflictsDialog")
        self.db, self.clock, self.operator = db, clock, operator
        self.rows: list[Conflict] = []
        self.sessions: dict[str, tuple[str, str]] = {}
        self.tz: tzinfo = ZoneInfo("UTC")
        self.resize(980, 520)
        lay = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("ConflictsTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel()
        self.note.setObjectName("ConflictsNote")
        self.note.setWordWrap(True)
        buttons = QHBoxLayout()
        self.merge = QPushButton()
        self.merge.setObjectName("MergeButton")
        self.merge.setEnabled(False)
        self.merge.clicked.connect(self.ask_merge)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.merge)
        buttons.addWidget(self.close_button)
        for w in (self.intro, self.table, self.empty):
            lay.addWidget(w)
        lay.addLayout(buttons)
        self.merged.connect(self._merged)
        self.question: QMessageBox | None = None
        self._merge_result: str | None = None  # None: no merge yet; "": merged; else why not
        self.retranslate()

    def set_conflicts(
        self, rows: Sequence[Conflict], sessions: dict[str, tuple[str, str]], tz: tzinfo
    ) -> None:
        keep = self._selected()
        self.rows, self.sessions, self.tz = list(rows), sessions, tz
        self._fill()
        if keep is not None:
            for i, c in enumerate(self.rows):
                if (c.kind, c.entry_uuid, c.attendee_id) == (
                    keep.kind,
                    keep.entry_uuid,
                    keep.attendee_id,
                ):
                    self.table.selectRow(i)

    def _kind(self, kind: ConflictKind) -> str:
        return {
            ConflictKind.DUPLICATE_ENTRY: self.tr("Duplicate entry"),
            ConflictKind.REVOKED_SCAN: self.tr("Scan of a revoked badge"),
            ConflictKind.POSSIBLE_DUPLICATE: self.tr("Possible duplicate person"),
            ConflictKind.HELD_ENTRY: say("held_kind", self._zh()),
        }[kind]

    def _session(self, sid: str) -> str:
        en, zh = self.sessions.get(sid, (sid, sid))
        return (zh if self._zh() else en) or "—"

    def _zh(self) -> bool:
        return self.tr("Close") != "Close"

    def _fill(self) -> None:
        self.table.setRowCount(len(self.rows))
        for i, c in enumerate(self.rows):
            here = (
                self.tr("%1 at %2")
                .replace("%1", _when(c.at, self.tz))
                .replace("%2", c.station or "—")
            )
            there = self.tr("%1 at %2").replace("%1", _when(c.other_at, self.tz))
            there = there.replace("%2", c.other_station or "—")
            if c.kind is ConflictKind.HELD_ENTRY:
                what = say("claimed", self._zh(), c.station or "?", refusal(c.other, self._zh()))
            elif c.kind is ConflictKind.POSSIBLE_DUPLICATE:
                what = self.tr("same e-mail as record %1").replace("%1", c.other)
            elif c.kind is ConflictKind.REVOKED_SCAN:
                what = self.tr("badge %1 revoked %2").replace("%1", c.other).replace("%2", there)
            else:
                what = self.tr("first admitted %1").replace("%1", there)
            synced = _when(c.received_at or "", self.tz) if c.received_at else self.tr("not yet")
            cells = (self._kind(c.kind), c.name or c.attendee_id, self._session(c.session_id),
                     here, what, synced)  # fmt: skip
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.setVisible(bool(self.rows))
        self.empty.setVisible(not self.rows)
        self._selection()

    def _selected(self) -> Conflict | None:
        rows = {ix.row() for ix in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        i = rows.pop()
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def _selection(self) -> None:
        c = self._selected()
        self.merge.setEnabled(c is not None and c.kind is ConflictKind.POSSIBLE_DUPLICATE)

    def ask_merge(self) -> None:
        c = self._selected()
        if c is None or c.kind is not ConflictKind.POSSIBLE_DUPLICATE:
            return
        box = QMessageBox(self)
        box.setObjectName("MergeQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Merge records"))
        box.setText(
            self.tr("Merge %1 (record %2) into record %3? Its badges and check-ins then count "
                    "for the record kept. The merge is recorded and synced to every station.")
            .replace("%1", c.name or c.attendee_id).replace("%2", c.attendee_id)
            .replace("%3", c.other)
        )  # fmt: skip
        yes = box.addButton(self.tr("Merge"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        self.question = box
        box.exec()
        self.question = None
        if box.clickedButton() is yes:
            self.merge_now(c.attendee_id, c.other)

    def merge_now(self, duplicate: str, into: str) -> None:
        self.merge.setEnabled(False)
        request = MergeAttendees(duplicate, into, self.operator, self.clock.now())
        self.db.submit(
            request,
            Origin(Source.DASHBOARD),
            then=lambda _kept: self.merged.emit(""),
            otherwise=lambda error: self.merged.emit(error.message),
            owner=self,
        )

    def _merged(self, problem: str) -> None:
        self._merge_result = problem
        self._show_note()
        self._selection()

    def _show_note(self) -> None:
        problem = self._merge_result
        if problem is None:
            self.note.setText("")
        else:
            ok = self.tr("Merged.")
            self.note.setText(
                ok if not problem else self.tr("Not merged: %1").replace("%1", problem)
            )

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Conflicts between stations"))
        self.intro.setText(
            self.tr("Facts found after sync, kept and counted once: nothing was lost. "
                    "Times are the stations' clocks, in the event's time zone.")
        )  # fmt: skip
        self.table.setHorizontalHeaderLabels([
            self.tr("What"), self.tr("Who"), self.tr("Session"), self.tr("When and where"),
            self.tr("Against"), self.tr("Reached the hub"),
        ])  # fmt: skip
        self.empty.setText(self.tr("No conflicts: the stations agree."))
        self.merge.setText(self.tr("Merge…"))
        self.close_button.setText(self.tr("Close"))
        self._show_note()
        self._fill()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def sessions_of(snapshot: Any) -> dict[str, tuple[str, str]]:
    return {s.id: (s.title, s.title_zh or s.title) for s in snapshot.event.sessions}


class AlertLabel(QLabel):
    """The dashboard's security alert; says it again in the new language."""

    def __init__(self, sync: DashboardSync) -> None:
        super().__init__()
        self.sync = sync

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.sync.show_alert()
        super().changeEvent(event)


class DashboardSync(QObject):
    """Hooks the controls into a DashboardView: the scope goes to its source, each
    snapshot's conflicts to the button and the open dialog."""

    def __init__(self, view: Any, strip: Any) -> None:
        super().__init__(view)
        self.view = view
        self.controls = SyncControls()
        strip.addWidget(self.controls)  # the bottom strip: neither the header nor the cards shrink
        view.status_label.setMinimumWidth(80)  # a long path gives way, clipped
        self.dialog: ConflictsDialog | None = None
        self.alert = AlertLabel(
            self
        )  # the security alert: entries kept aside (kiosk.storage.trust)
        self.alert.setObjectName("SecurityAlert")
        self.alert.setStyleSheet("QLabel { background: #FDECEA; color: #B42318; "
                                 "border: 1px solid #B42318; padding: 2px 8px; font-weight: 600; }")  # fmt: skip
        self.alert.setVisible(False)
        strip.addWidget(self.alert)
        self.held: list[Any] = []
        self.controls.scope_changed.connect(view.source.set_scope)
        self.controls.conflicts_clicked.connect(self.show_conflicts)
        view.source.snapshot_ready.connect(self.on_snapshot)

    def on_snapshot(self, snap: Any) -> None:
        self.controls.set_count(len(snap.conflicts))
        self.held = [c for c in snap.conflicts if c.kind is ConflictKind.HELD_ENTRY]
        self.show_alert()
        if self.dialog is not None:
            self.dialog.set_conflicts(snap.conflicts, sessions_of(snap), snap.event.tz)

    def show_alert(self) -> None:
        """A red line naming the stations whose entries were refused, and why."""
        from ui.desk.stations import window_is_chinese

        text = security_alert(self.held, window_is_chinese())
        self.alert.setText(text)
        self.alert.setToolTip(text)
        self.alert.setVisible(bool(text))

    def show_conflicts(self) -> None:
        if self.dialog is None:
            src = self.view.source
            self.dialog = ConflictsDialog(src.db, src.clock, parent=self.view)
        snap = self.view.snapshot
        if snap is not None:
            self.dialog.set_conflicts(snap.conflicts, sessions_of(snap), snap.event.tz)
        self.dialog.show()
        self.dialog.raise_()
