"""The desk's Stations… dialog (issue 18): the enrolled stations, enroll one (a one-time
file to carry, and the same as a QR code), revoke one. Everything goes through the one
station client (kiosk.station.trustproto on the jobs lane); the texts come from
ui.present.trust_text in the window's language."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import segno
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.models.clock import Clock
from kiosk.station.trustproto import (
    EnrolledFile,
    EnrollStation,
    ListStations,
    RevokeStation,
    RotateEventKey,
    StationsView,
)
from kiosk.station.wire import Origin, Source
from kiosk.trust.certs import local_time
from kiosk.trust.roles import Role
from ui.present.trust_text import ROLE, say

ORIGIN = Origin(Source.DASHBOARD)
QR_SHOWN_MS = 120_000  # how long an enrollment's QR code stays on screen


def window_is_chinese() -> bool:
    """The window's language (a string every catalogue translates)."""
    return QCoreApplication.translate("ConflictsDialog", "Close") != "Close"


class StationsDialog(QDialog):
    done = Signal(str)  # "" when an enroll or revoke was recorded, else why not

    def __init__(self, db: Any, clock: Clock, folder: Path, owner_dsn: str = "",
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("StationsDialog")
        self.db, self.clock, self.folder = db, clock, folder
        self.view: StationsView | None = None
        self.last: EnrolledFile | None = None
        self.message = ("", ())  # (key, args) of the note shown
        lay = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        lay.addWidget(self.intro)
        self.table = QTableWidget(0, 4)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection)
        self.table.setMinimumHeight(150)
        lay.addWidget(self.table, 1)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setObjectName("StationName")
        self.role = QComboBox()
        for role in (Role.DOOR, Role.KIOSK):
            self.role.addItem("", str(role))
        self.hub = QLineEdit(owner_dsn)
        self.hub.setEchoMode(QLineEdit.EchoMode.Password)
        self.file = QLineEdit()
        self.name.textChanged.connect(self._suggest_file)
        self.labels = [QLabel() for _ in range(4)]
        for label, field in zip(self.labels, (self.name, self.role, self.hub, self.file),
                                strict=True):  # fmt: skip
            form.addRow(label, field)
        lay.addLayout(form)
        self.note = QLabel()
        self.note.setObjectName("StationsNote")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.qr = QLabel()
        self.qr.setObjectName("EnrollmentCode")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setVisible(False)
        shown = QHBoxLayout()
        shown.addWidget(self.note, 1)
        shown.addWidget(self.qr)
        lay.addLayout(shown)
        row = QHBoxLayout()
        self.enroll = QPushButton()
        self.enroll.setDefault(True)
        self.enroll.clicked.connect(self.enroll_now)
        self.revoke = QPushButton()
        self.revoke.setEnabled(False)
        self.revoke.clicked.connect(self.ask_revoke)
        self.rotate = QPushButton()
        self.rotate.setObjectName("RotateKey")
        self.rotate.setEnabled(False)
        self.rotate.clicked.connect(self.ask_rotate)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.close)
        for b in (self.enroll, self.revoke, self.rotate):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.close_button)
        lay.addLayout(row)
        self.question: QMessageBox | None = None
        self.resize(760, 600)
        self.retranslate()
        self.refresh()

    # -- talking to the station host -----------------------------------------------------------
    def refresh(self) -> None:
        self.db.submit(ListStations(), ORIGIN, then=self._listed,
                       otherwise=lambda e: self._note("failed", e.message), owner=self)  # fmt: skip

    def _listed(self, view: StationsView) -> None:
        self.view = view
        self._fill()

    def enroll_now(self) -> None:
        name, hub, out = self.name.text().strip(), self.hub.text().strip(), self.file.text().strip()
        if not name or not hub or not out:
            self._note("failed", "; ".join(say(k, self._zh()) for k, v in
                                           (("name", name), ("hub", hub), ("file", out)) if not v))  # fmt: skip
            return
        self.enroll.setEnabled(False)
        request = EnrollStation(hub, str(self.role.currentData()), name, Path(out),
                                self.clock.now())  # fmt: skip
        self.db.submit(request, ORIGIN, then=self._enrolled, otherwise=self._failed, owner=self)

    def _enrolled(self, done: EnrolledFile) -> None:
        self.last = done
        self.enroll.setEnabled(True)
        self.name.clear()
        self._note("enrolled", done.name, done.path)
        self._show_qr(done.text)
        self.done.emit("")
        self.refresh()

    def _failed(self, error: Any) -> None:
        self.enroll.setEnabled(True)
        self.revoke.setEnabled(self._selected() is not None)
        self._note("failed", error.message)
        self.done.emit(error.message)
        self.refresh()  # what was done all the same (a revocation whose login stayed) shows

    def ask_revoke(self) -> None:
        row = self._selected()
        if row is None:
            return
        box = QMessageBox(self)
        box.setObjectName("RevokeQuestion")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(say("revoke", self._zh()))
        box.setText(say("revoke_q", self._zh(), row.name))
        yes = box.addButton(say("revoke", self._zh()), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(say("close", self._zh()), QMessageBox.ButtonRole.RejectRole)
        self.question = box
        box.exec()
        self.question = None
        if box.clickedButton() is yes:
            self.revoke_now(row.name)

    def revoke_now(self, name: str) -> None:
        self.revoke.setEnabled(False)
        request = RevokeStation(name, self.clock.now(), self.hub.text().strip())
        self.db.submit(request, ORIGIN, then=lambda _cut: self._revoked(name),
                       otherwise=self._failed, owner=self)  # fmt: skip

    def _revoked(self, name: str) -> None:
        self._note("revoked_done", name)
        self.done.emit("")
        self.refresh()

    def ask_rotate(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("RotateQuestion")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(say("rotate", self._zh()).rstrip("…"))
        box.setText(say("rotate_q", self._zh()))
        plain = box.addButton(say("rotate_now", self._zh()), QMessageBox.ButtonRole.AcceptRole)
        lost = box.addButton(say("rotate_compromised", self._zh()),
                             QMessageBox.ButtonRole.DestructiveRole)  # fmt: skip
        box.addButton(say("close", self._zh()), QMessageBox.ButtonRole.RejectRole)
        self.question = box
        box.exec()
        self.question = None
        if box.clickedButton() in (plain, lost):
            self.rotate_now(box.clickedButton() is lost)

    def rotate_now(self, compromised: bool) -> None:
        self.rotate.setEnabled(False)
        self.db.submit(RotateEventKey(self.clock.now(), compromised), ORIGIN,
                       then=self._rotated, otherwise=self._failed, owner=self)  # fmt: skip

    def _rotated(self, key: str) -> None:
        self._note("rotated_done", key)
        self.done.emit("")
        self.refresh()

    # -- showing ----------------------------------------------------------------------------------
    def _zh(self) -> bool:
        return window_is_chinese()

    def _note(self, key: str, *args: str) -> None:
        self.message = (key, args)
        self.note.setText(say(key, self._zh(), *args) if key else "")

    def _show_qr(self, text: str) -> None:
        buf = io.BytesIO()
        compact = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
        segno.make_qr(compact, error="l").save(buf, kind="png", scale=2, border=2)
        pix = QPixmap()
        pix.loadFromData(buf.getvalue(), "PNG")
        self.qr.setPixmap(pix)
        self.qr.setToolTip(say("qr_tip", self._zh()))
        self.qr.setVisible(True)
        # the code carries the one-time secret and the station's hub login: on screen only
        # as long as it takes to scan it (and gone once the station has used it)
        QTimer.singleShot(QR_SHOWN_MS, self, self.hide_qr)

    def hide_qr(self) -> None:
        self.qr.clear()
        self.qr.setVisible(False)

    def _suggest_file(self, name: str) -> None:
        if not name.strip():
            return
        slug = "".join(ch if ch.isalnum() else "-" for ch in name.strip().lower()).strip("-")
        self.file.setText(str(self.folder / f"{slug or 'station'}.enroll"))

    def _state(self, s: Any) -> str:
        zh = self._zh()
        if not s.trusted:
            return say("untrusted", zh)
        if s.revoked_after is not None:
            return say("revoked", zh, str(s.revoked_after))
        return say("active" if s.keyed else "waiting", zh)

    def _fill(self) -> None:
        zh = self._zh()
        rows = self.view.stations if self.view else ()
        tz = ZoneInfo(self.view.timezone if self.view else "UTC")
        self.table.setRowCount(len(rows))
        for i, s in enumerate(rows):
            cells = (s.name, ROLE[s.role][1 if zh else 0], local_time(s.expires, tz),
                     self._state(s))  # fmt: skip
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 3 and not s.trusted:
                    item.setToolTip(say("untrusted_tip", zh))
                self.table.setItem(i, j, item)
        if self.last is not None and any(
            s.name == self.last.name and s.keyed and s.revoked_after is None for s in rows
        ):
            self.hide_qr()  # the station has handed its key over: the code is spent
        desk = self.view is None or self.view.desk
        self.intro.setText(say("intro", zh) + ("" if desk else "\n" + say("not_desk", zh)))
        self.rotate.setEnabled(self.view is not None and self.view.desk)
        self._selection()

    def _selected(self) -> Any:
        rows = {ix.row() for ix in self.table.selectedIndexes()}
        if len(rows) != 1 or self.view is None:
            return None
        i = rows.pop()
        return self.view.stations[i] if 0 <= i < len(self.view.stations) else None

    def _selection(self) -> None:
        s = self._selected()  # a revoked one again: drops its hub login if that failed
        self.revoke.setEnabled(s is not None and s.role is not Role.DESK)

    def retranslate(self) -> None:
        zh = self._zh()
        self.setWindowTitle(say("title", zh))
        self.table.setHorizontalHeaderLabels(
            [say(k, zh) for k in ("name", "role", "until", "state")]
        )
        for label, key in zip(self.labels, ("name", "role", "hub", "file"), strict=True):
            label.setText(say(key, zh))
        for i in range(self.role.count()):
            self.role.setItemText(i, ROLE[Role(self.role.itemData(i))][1 if zh else 0])
        self.enroll.setText(say("enroll_now", zh))
        self.revoke.setText(say("revoke", zh))
        self.rotate.setText(say("rotate", zh))
        self.close_button.setText(say("close", zh))
        self._note(self.message[0], *self.message[1])
        self._fill()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
