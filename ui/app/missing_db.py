"""`--db` named a file that does not exist: say so in the window, with a clear choice.

Create a new event database there (the embedded event, a new signing key), open another
database file, or quit. Nothing is created until the staff member chooses.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class MissingDatabasePage(QWidget):
    create = Signal()
    open_other = Signal(object)  # Path
    quit = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Backdrop")
        self.path = Path()
        self.title = QLabel()
        self.title.setObjectName("MissingTitle")
        f = self.title.font()
        f.setPointSize(20)
        f.setBold(True)
        self.title.setFont(f)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.error = QLabel()
        self.error.setObjectName("MissingError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #C5221F; font-weight: bold;")
        self.error.hide()
        self.create_btn = QPushButton()
        self.create_btn.setObjectName("Primary")
        self.open_btn = QPushButton()
        self.quit_btn = QPushButton()
        self.create_btn.clicked.connect(self.create)
        self.open_btn.clicked.connect(self._choose)
        self.quit_btn.clicked.connect(self.quit)
        buttons = QHBoxLayout()
        for b in (self.create_btn, self.open_btn, self.quit_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        box = QVBoxLayout()
        box.setSpacing(14)
        box.addWidget(self.title)
        box.addWidget(self.detail)
        box.addWidget(self.error)
        box.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 60, 60, 60)
        outer.addStretch(1)
        outer.addLayout(box)
        outer.addStretch(2)
        self.retranslate()

    def set_path(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        self.error.hide()
        self.retranslate()

    def show_error(self, text: str) -> None:
        """Creating or opening failed: why, on this page (the choice stays open)."""
        self.error.setText(text)
        self.error.show()

    reason = ""

    def _choose(self) -> None:
        start = str(self.path.parent if self.path.parent.is_dir() else Path.home())
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open an event database"),
            start,
            self.tr("Event databases (*.sqlite *.db)"),
        )
        if name:
            self.open_other.emit(Path(name))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("No event database here"))
        self.detail.setText(
            self.tr(
                "%1 does not exist. Create a new event database there (the embedded forum's "
                "program, with a new badge signing key), or open another database file."
            ).replace("%1", str(self.path))
        )
        self.create_btn.setText(self.tr("Create a new event database here"))
        self.open_btn.setText(self.tr("Open another database…"))
        self.quit_btn.setText(self.tr("Quit"))
