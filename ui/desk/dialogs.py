"""Staff dialogs: walk-in registration, and a confirmation with a reason (undo, reprint).

All are opened with `open()` (window-modal, non-blocking), never `exec()`, so the event
loop keeps running (camera, database results) while a dialog is up. The walk-in dialog
stays open until the database has recorded the person: a failure is shown in it, and
while the database cannot be written its Register button is disabled, with the reason.
The PIN dialog is in ui.kiosk.pin.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.models.records import AttendeeInput, Category
from kiosk.people.hits import DuplicateHit
from ui.app.text import amp
from ui.desk.lists import hit_lines
from ui.desk.texts import refusal_text
from ui.present.looks import category_text

ERROR_STYLE = "color: #C5221F;"


def _buttons(ok: QPushButton, cancel: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(cancel)
    row.addWidget(ok)
    ok.setDefault(True)
    ok.setObjectName("Primary")
    cancel.setAutoDefault(False)
    return row


class WalkInDialog(QDialog):
    """Before registering, the people already registered under the name typed are
    offered (with their organisation and whether they are checked in): "Check in this
    person" takes the one chosen instead; registering anyway is a second, deliberate
    press. Only the sessions the event opens to walk-ins are listed; a full one says so."""

    submitted = Signal(object)  # AttendeeInput: register this new person
    lookup = Signal(object)  # AttendeeInput: who is registered under this name?
    existing = Signal(str)  # attendee id: check in this registered person instead

    def __init__(self, sessions: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.name = QLineEdit()
        self.name_zh = QLineEdit()
        self.org = QLineEdit()
        self.org_zh = QLineEdit()
        self.title_edit = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.category = QComboBox()
        for c in Category:
            self.category.addItem(category_text(c), c.value)
        self.notes = QLineEdit()
        self.attention = QCheckBox()
        self.labels = [QLabel() for _ in range(10)]
        fields = (self.name, self.name_zh, self.org, self.org_zh, self.title_edit, self.email,
                  self.phone, self.category, self.notes)  # fmt: skip
        for label, w in zip(self.labels, fields, strict=False):
            self.form.addRow(label, w)
        self.form.addRow("", self.attention)
        self.session_boxes: list[tuple[str, QCheckBox]] = []
        grid = QGridLayout()  # two columns: the dialog fits a 768-line screen
        grid.setContentsMargins(0, 0, 0, 0)
        for sid, title in sessions:
            box = QCheckBox(amp(title))  # "Green Finance & Climate": & is not a mnemonic
            box.setChecked(True)
            n = len(self.session_boxes)
            grid.addWidget(box, n // 2, n % 2)
            self.session_boxes.append((sid, box))
        if sessions:
            self.form.addRow(self.labels[9], grid)
        self.full_note = QLabel()
        self.full_note.setObjectName("WalkInFull")
        self.full_note.setWordWrap(True)
        self.full_note.setStyleSheet("color: #B06000;")
        self.full_note.hide()
        self.full: list[tuple[str, int, int]] = []  # (title, registered, capacity)
        self.dup_title = QLabel()
        self.dup_title.setObjectName("WalkInDuplicatesTitle")
        self.dup_title.setWordWrap(True)
        self.dup_title.setStyleSheet("color: #B06000; font-weight: bold;")
        self.dups = QListWidget()
        self.dups.setObjectName("WalkInDuplicates")
        self.dups.setWordWrap(True)
        self.dups.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.dups.itemActivated.connect(lambda _item: self._take_existing())
        self.take = QPushButton()
        self.take.setObjectName("WalkInTakeExisting")
        self.take.clicked.connect(self._take_existing)
        self.take.setAutoDefault(False)
        self.hits: list[DuplicateHit] = []
        self.offered: AttendeeInput | None = None  # the person the shown matches are for
        self.tz: ZoneInfo | None = None
        for w in (self.dup_title, self.dups, self.take):
            w.hide()
        self.error = QLabel()
        self.error.setObjectName("DialogError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.ok = QPushButton()
        self.cancel = QPushButton()
        self.ok.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.full_note)
        lay.addWidget(self.dup_title)
        lay.addWidget(self.dups)
        take_row = QHBoxLayout()
        take_row.addStretch(1)
        take_row.addWidget(self.take)
        lay.addLayout(take_row)
        lay.addWidget(self.error)
        lay.addLayout(_buttons(self.ok, self.cancel))
        self.busy = False
        self.refusal = ""  # the domain's last refusal (English), shown translated
        self.blocked = ""  # why the database cannot take a walk-in now ("" = it can)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Walk-in registration · 现场注册"))
        texts = (
            self.tr("Name (English)"), self.tr("Name (Chinese)"), self.tr("Organization"),
            self.tr("Organization (Chinese)"), self.tr("Title"), self.tr("Email"),
            self.tr("Phone"), self.tr("Category"), self.tr("Desk notes"), self.tr("Sessions"),
        )  # fmt: skip
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.attention.setText(self.tr("Needs attention (VIP handling)"))
        self.cancel.setText(self.tr("Cancel"))
        self.dup_title.setText(
            self.tr("Already registered? These people have the same name. Check one of them "
                    "in instead of registering them twice.")
        )  # fmt: skip
        self.take.setText(self.tr("Check in this person instead"))
        self._show_full()
        if self.hits:
            self.show_duplicates(self.hits, self.tz)
        self._show_state()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def person(self) -> AttendeeInput:
        return AttendeeInput(
            name=self.name.text().strip(),
            name_zh=self.name_zh.text().strip(),
            organization=self.org.text().strip(),
            organization_zh=self.org_zh.text().strip(),
            title=self.title_edit.text().strip(),
            email=self.email.text().strip(),
            phone=self.phone.text().strip(),
            category=Category(self.category.currentData()),
            notes=self.notes.text().strip(),
            attention=self.attention.isChecked(),
            sessions=tuple(sid for sid, box in self.session_boxes if box.isChecked()),
        )

    def _submit(self) -> None:
        if self.busy or self.blocked:
            return
        p = self.person()
        if not (p.name or p.name_zh):
            self.error.setText(self.tr("A name (English or Chinese) is required."))
            self.name.setFocus()
            return
        self.error.clear()
        self.refusal = ""
        self.busy = True
        if not self._offered_for(p):  # first: who is registered under this name?
            self._show_state()
            self.lookup.emit(p)  # answered by show_duplicates
            return
        self._show_state()
        self.submitted.emit(p)  # the desk closes the dialog once the person is recorded

    def _offered_for(self, p: AttendeeInput) -> bool:
        """The matches shown are those of this name and organisation."""
        o = self.offered
        return o is not None and (o.name, o.name_zh, o.organization, o.organization_zh) == (
            p.name, p.name_zh, p.organization, p.organization_zh)  # fmt: skip

    def show_duplicates(self, hits: list[DuplicateHit], tz: ZoneInfo | None) -> None:
        """The people registered under the name: none, and the walk-in is registered at
        once; some, and they are offered (registering anyway is a second press)."""
        first = self.busy
        self.hits, self.tz = hits, tz
        self.busy = False
        self.offered = self.person()
        self.dups.clear()
        for d in hits:
            lines = hit_lines(d.hit, tz)
            if d.same_org is True:
                lines[0] += "   " + self.tr("(same organization)")
            item = QListWidgetItem("\n".join(lines))
            item.setData(Qt.ItemDataRole.UserRole, d.hit.attendee.attendee_id)
            self.dups.addItem(item)
        on = bool(hits)
        for w in (self.dup_title, self.dups, self.take):
            w.setVisible(on)
        if on:
            self.dups.setCurrentRow(0)
            rows = sum(self.dups.sizeHintForRow(i) for i in range(min(3, len(hits))))
            self.dups.setFixedHeight(rows + 2 * self.dups.frameWidth() + 2)
            if first:
                self.dups.setFocus()
        self._show_state()
        if first and not on:
            self._submit()

    def _take_existing(self) -> None:
        item = self.dups.currentItem()
        if item is None or self.blocked:
            return
        self.existing.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def set_session_counts(self, full: list[tuple[str, int, int]]) -> None:
        """Sessions (title, registered, capacity) at or over capacity: a warning."""
        self.full = full
        self._show_full()

    def _show_full(self) -> None:
        if not self.full:
            self.full_note.hide()
            return
        rows = [
            self.tr("%1 is full: %2 registered for %3 places.")
            .replace("%1", title).replace("%2", str(n)).replace("%3", str(cap))
            for title, n, cap in self.full
        ]  # fmt: skip
        self.full_note.setText("\n".join(rows))
        self.full_note.show()

    def failed(self, message: str) -> None:
        """The database refused the walk-in: say why (in the UI language, again after a
        switch), keep everything typed."""
        self.busy = False
        self.refusal = message
        self._show_state()

    def set_blocked(self, reason: str) -> None:
        """`reason` non-empty: the database cannot be written now, registering is off."""
        self.blocked = reason
        if reason:
            self.busy = False
        self._show_state()

    def _show_state(self) -> None:
        self.ok.setEnabled(not self.busy and not self.blocked)
        self.take.setEnabled(not self.busy and not self.blocked)
        if self.busy:
            self.ok.setText(self.tr("Registering…"))
        elif self.hits and self._offered_for(self.person()):
            self.ok.setText(self.tr("Register as a new person anyway"))
        else:
            self.ok.setText(self.tr("Register and print badge"))
        if self.refusal and not self.blocked:
            self.error.setText(
                self.tr("Not registered: %1").replace("%1", refusal_text(self.refusal))
            )
        if self.blocked:
            self.error.setText(
                self.tr("The database cannot be written, so nobody can be registered now: %1")
                .replace("%1", self.blocked)
            )  # fmt: skip


class ConfirmDialog(QDialog):
    """Names what is about to happen (both languages) and asks for the reason for the log."""

    chosen = Signal(str)

    def __init__(
        self,
        title: str,
        question: tuple[str, str],
        prompt: str,
        default: str,
        action: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        lay = QVBoxLayout(self)
        self.question = QLabel(f"{question[0]}\n{question[1]}")
        self.question.setObjectName("ConfirmQuestion")
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        f = self.question.font()
        f.setBold(True)
        f.setPointSize(f.pointSize() + 2)
        self.question.setFont(f)
        lab = QLabel(prompt)
        lab.setWordWrap(True)
        self.reason = QLineEdit(default)
        self.reason.selectAll()
        self.ok = QPushButton(action)
        self.cancel = QPushButton(self.tr("Cancel"))
        self.ok.clicked.connect(self._ok)
        self.cancel.clicked.connect(self.reject)
        lay.addWidget(self.question)
        lay.addWidget(lab)
        lay.addWidget(self.reason)
        lay.addLayout(_buttons(self.ok, self.cancel))
        self.setMinimumWidth(520)
        self.adjustSize()  # the wrapped question's height for the dialog's width

    def _ok(self) -> None:
        text = self.reason.text().strip()
        if not text:
            self.reason.setFocus()
            return
        self.chosen.emit(text)
        self.accept()
