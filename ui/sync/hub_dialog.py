"""The "Hub…" settings entry: set or clear the PostgreSQL hub this station syncs with.

The connection string is kept in the station's settings file (made readable by its owner
only, since it may hold a password). The dialog never shows a password: the current hub
is shown as `ServerConfig.shown`. `--server` and `$FORUM_CHECKIN_HUB` on the command line
win over the setting for that run.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.sync.server import ServerConfig, redact
from ui.app.settings import Settings

SETTING = "hub"


def stored_server(settings: Settings) -> ServerConfig | None:
    dsn = settings.get(SETTING)
    if isinstance(dsn, str) and dsn.strip():
        return ServerConfig(dsn.strip(), "settings")
    return None


def store_server(settings: Settings, dsn: str | None) -> None:
    settings.set(SETTING, dsn or None)  # the settings file is owner-only from its first byte


def plausible(dsn: str) -> bool:
    """A libpq connection string psycopg can read (a URL or key=value pairs)."""
    return not redact(dsn).startswith("(")


class HubDialog(QDialog):
    """Edit the hub. `result_server` after accept: the new string, or None to stop."""

    def __init__(self, current: ServerConfig | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("HubDialog")
        self.result_server: str | None = None
        self.cleared = False
        lay = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.current = QLabel()
        self.current.setObjectName("HubCurrent")
        self.current.setWordWrap(True)
        self.edit = QLineEdit()
        self.edit.setObjectName("HubEdit")
        self.edit.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.edit.setMinimumWidth(460)
        self.problem = QLabel()
        self.problem.setObjectName("HubProblem")
        self.problem.setStyleSheet("color: #B42318;")
        self.problem.hide()
        self.buttons = QDialogButtonBox()
        self.save = QPushButton()
        self.clear = QPushButton()
        self.cancel = QPushButton()
        self.buttons.addButton(self.save, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.clear, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.addButton(self.cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.save.clicked.connect(self._save)
        self.clear.clicked.connect(self._clear)
        self.cancel.clicked.connect(self.reject)
        for w in (self.intro, self.current, self.edit, self.problem, self.buttons):
            lay.addWidget(w)
        self._current = current
        self.clear.setEnabled(current is not None)
        self.save.setDefault(True)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Hub"))
        self.intro.setText(
            self.tr(
                "Stations of one event sync through a PostgreSQL hub. Scans are always "
                "decided here first; the hub only shares them."
            )
        )
        if self._current is None:
            self.current.setText(self.tr("Now: not syncing (this station works on its own)."))
        else:
            self.current.setText(self.tr("Now: %1").replace("%1", self._current.shown))
        self.edit.setPlaceholderText(self.tr("postgresql://user:password@host:5432/database"))
        self.save.setText(self.tr("Save and sync"))
        self.clear.setText(self.tr("Stop syncing"))
        self.cancel.setText(self.tr("Cancel"))

    def _save(self) -> None:
        dsn = self.edit.text().strip()
        if not dsn or not plausible(dsn):
            self.problem.setText(
                self.tr("Not a connection string: give a postgresql:// address or host=… pairs.")
            )
            self.problem.show()
            self.edit.setFocus()
            return
        self.result_server = dsn
        self.accept()

    def _clear(self) -> None:
        self.cleared = True
        self.result_server = None
        self.accept()
