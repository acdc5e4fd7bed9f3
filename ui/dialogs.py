"""Staff dialogs: walk-in registration, a reason prompt (undo/reprint), the staff PIN.

All are opened with `open()` (window-modal, non-blocking), never `exec()`, so the event
loop keeps running (camera, database results) while a dialog is up.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.models.records import CATEGORIES, AttendeeInput
from ui.presentation import category_text


class WalkInDialog(QDialog):
    submitted = Signal(object)  # AttendeeInput

    def __init__(self, sessions: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Walk-in registration · 现场注册"))
        self.setMinimumWidth(460)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name_zh = QLineEdit()
        self.org = QLineEdit()
        self.org_zh = QLineEdit()
        self.title_edit = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.category = QComboBox()
        for c in CATEGORIES:
            self.category.addItem(category_text(c), c)
        self.notes = QLineEdit()
        self.attention = QCheckBox(self.tr("Needs attention (VIP handling)"))
        form.addRow(self.tr("Name (English)"), self.name)
        form.addRow(self.tr("Name (Chinese)"), self.name_zh)
        form.addRow(self.tr("Organization"), self.org)
        form.addRow(self.tr("Organization (Chinese)"), self.org_zh)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Email"), self.email)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Desk notes"), self.notes)
        form.addRow("", self.attention)
        self.session_boxes: list[tuple[str, QCheckBox]] = []
        for sid, label in sessions:
            box = QCheckBox(label)
            box.setChecked(True)
            self.session_boxes.append((sid, box))
            form.addRow("" if len(self.session_boxes) > 1 else self.tr("Sessions"), box)
        self.error = QLabel()
        self.error.setStyleSheet("color: #C5221F;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Register and print badge"))
        ok.setObjectName("Primary")
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def person(self) -> AttendeeInput:
        return AttendeeInput(
            name=self.name.text().strip(),
            name_zh=self.name_zh.text().strip(),
            organization=self.org.text().strip(),
            organization_zh=self.org_zh.text().strip(),
            title=self.title_edit.text().strip(),
            email=self.email.text().strip(),
            phone=self.phone.text().strip(),
            category=str(self.category.currentData()),
            notes=self.notes.text().strip(),
            attention=self.attention.isChecked(),
            sessions=tuple(sid for sid, box in self.session_boxes if box.isChecked()),
        )

    def _submit(self) -> None:
        p = self.person()
        if not (p.name or p.name_zh):
            self.error.setText(self.tr("A name (English or Chinese) is required."))
            self.name.setFocus()
            return
        self.submitted.emit(p)
        self.accept()


class ReasonDialog(QDialog):
    """Asks for a reason (undo, reprint); `chosen` carries it."""

    chosen = Signal(str)

    def __init__(
        self, title: str, prompt: str, default: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        lay = QVBoxLayout(self)
        lab = QLabel(prompt)
        lab.setWordWrap(True)
        self.reason = QLineEdit(default)
        self.reason.selectAll()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        lay.addWidget(lab)
        lay.addWidget(self.reason)
        lay.addWidget(buttons)

    def _ok(self) -> None:
        text = self.reason.text().strip()
        if not text:
            self.reason.setFocus()
            return
        self.chosen.emit(text)
        self.accept()


class PinDialog(QDialog):
    """The staff PIN, with a keypad for touch screens. `unlocked` on a right PIN."""

    unlocked = Signal()

    def __init__(self, check: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._check = check
        self.failures = 0
        self.setWindowTitle("Staff PIN · 工作人员密码")
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        lay = QVBoxLayout(self)
        lab = QLabel("Enter the staff PIN to leave the kiosk\n请输入工作人员密码以退出自助模式")
        lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin.setValidator(QRegularExpressionValidator(r"\d{0,12}"))
        f = self.pin.font()
        f.setPointSize(20)
        self.pin.setFont(f)
        self.pin.returnPressed.connect(self.try_pin)
        self.error = QLabel()
        self.error.setStyleSheet("color: #C5221F;")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pad = QGridLayout()
        for i, key in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]):
            b = QPushButton(key)
            b.setMinimumSize(64, 48)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, k=key: self._key(k))
            pad.addWidget(b, i // 3, i % 3)
        cancel = QPushButton("Cancel · 取消")
        cancel.clicked.connect(self.reject)
        lay.addWidget(lab)
        lay.addWidget(self.pin)
        lay.addWidget(self.error)
        lay.addLayout(pad)
        lay.addWidget(cancel)

    def _key(self, key: str) -> None:
        if key == "OK":
            self.try_pin()
        elif key == "⌫":
            self.pin.backspace()
        else:
            self.pin.insert(key)

    def try_pin(self) -> None:
        if self._check(self.pin.text()):
            self.unlocked.emit()
            self.accept()
            return
        self.failures += 1
        self.pin.clear()
        self.error.setText("Wrong PIN · 密码错误")
