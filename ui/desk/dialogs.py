"""Staff dialogs: walk-in registration, and a confirmation with a reason (undo, reprint).

All are opened with `open()` (window-modal, non-blocking), never `exec()`, so the event
loop keeps running (camera, database results) while a dialog is up. The walk-in dialog
stays open until the database has recorded the person: a failure is shown in it, and
while the database cannot be written its Register button is disabled, with the reason.
The PIN dialog is in ui.kiosk.pin.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.models.records import AttendeeInput, Category
from ui.app.text import amp
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
    submitted = Signal(object)  # AttendeeInput

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
        for sid, title in sessions:
            box = QCheckBox(amp(title))  # "Green Finance & Climate": & is not a mnemonic
            box.setChecked(True)
            self.session_boxes.append((sid, box))
            self.form.addRow(self.labels[9] if len(self.session_boxes) == 1 else QLabel(), box)
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
        lay.addWidget(self.error)
        lay.addLayout(_buttons(self.ok, self.cancel))
        self.busy = False
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
        self.busy = True
        self._show_state()
        self.submitted.emit(p)  # the desk closes the dialog once the person is recorded

    def failed(self, message: str) -> None:
        """The database refused the walk-in: say why, keep everything typed."""
        self.busy = False
        self.error.setText(self.tr("Not registered: %1").replace("%1", message))
        self._show_state()

    def set_blocked(self, reason: str) -> None:
        """`reason` non-empty: the database cannot be written now, registering is off."""
        self.blocked = reason
        if reason:
            self.busy = False
        self._show_state()

    def _show_state(self) -> None:
        self.ok.setEnabled(not self.busy and not self.blocked)
        self.ok.setText(
            self.tr("Registering…") if self.busy else self.tr("Register and print badge")
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
