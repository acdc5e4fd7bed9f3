"""Table models of the dashboard: the latest scans and the not-yet-arrived attendees."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView

from kiosk.models.records import Attendee, LogKind
from kiosk.station.snapshot import ScanRow
from ui.dashboard.style import GREY, MUTED, UNDONE, bi, outcome_label
from ui.present.looks import category_names

_Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


class _RowsModel(QAbstractTableModel):
    """A read-only table of `rows` under fixed bilingual `HEADERS`."""

    HEADERS: tuple[str, ...] = ()
    rows: Sequence[object]

    def rowCount(self, parent: _Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class ScanModel(_RowsModel):
    """Newest first; refused scans included, their outcome bilingual and coloured."""

    HEADERS = (
        "Time / 时间",
        "Result / 结果",
        "Attendee / 参会者",
        "Session / 场次",
        "Station / 签到台",
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ScanRow] = []
        self._tz = ZoneInfo("UTC")
        self._sessions: dict[str, str] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Sequence[ScanRow], tz: ZoneInfo, sessions: dict[str, str]) -> None:
        if list(rows) == self.rows and sessions == self._sessions:
            return
        self.beginResetModel()
        self.rows = list(rows)
        self._tz = tz
        self._sessions = sessions
        self.endResetModel()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        en, zh, colour = UNDONE if row.annulled else outcome_label(row.outcome)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"{row.at.astimezone(self._tz):%H:%M:%S}"
            if col == 1:
                arrow = "← " if row.kind is LogKind.EXIT else ""
                return f"{arrow}{en} / {zh}"
            if col == 2:
                return " ".join(x for x in (row.name, row.name_zh) if x) or "—"
            if col == 3:
                return self._sessions.get(row.session_id, row.session_id)
            return row.station
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 1:
                return QColor(colour)
            if row.annulled:
                return QColor(GREY)
            return QColor(MUTED) if col in (0, 3, 4) else None
        if role == Qt.ItemDataRole.FontRole:
            if col == 1:
                font = QFont(self._bold)
                font.setStrikeOut(row.annulled)
                return font
            if row.annulled:
                font = QFont()
                font.setStrikeOut(True)
                return font
        if role == Qt.ItemDataRole.ToolTipRole and col == 2 and row.organization:
            return row.organization
        if role == Qt.ItemDataRole.ToolTipRole and col == 1:  # the whole result, if elided
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        return None


class AttendeeModel(_RowsModel):
    HEADERS = ("Name / 姓名", "中文名", "Organization / 单位", "Category / 类别")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Attendee] = []

    def set_rows(self, rows: Sequence[Attendee]) -> None:
        if list(rows) == self.rows:
            return
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        a, col = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return a.name or a.name_zh
            if col == 1:
                return a.name_zh
            if col == 2:
                org = a.organization or a.organization_zh
                if role == Qt.ItemDataRole.ToolTipRole and a.organization_zh:
                    return f"{a.organization}\n{a.organization_zh}".strip()
                return org
            return bi(*category_names(a.category))
        if role == Qt.ItemDataRole.UserRole:
            # What the filter matches: every name, organization, e-mail, id and category.
            return " ".join(
                (
                    a.name,
                    a.name_zh,
                    a.organization,
                    a.organization_zh,
                    a.email,
                    a.attendee_id,
                    a.external_id,
                    a.category,
                    a.delegation,
                )
            ).casefold()
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            return QColor(MUTED)
        return None


class AttendeeFilter(QSortFilterProxyModel):
    """Case-insensitive match of every word typed, in any field of the attendee."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        hay = model.data(model.index(source_row, 0, source_parent), Qt.ItemDataRole.UserRole)
        return all(w in str(hay) for w in self._words)


class ScanTable(QTableView):
    """Drops the session, then the station column when the panel is narrow (a laptop)."""

    def __init__(self, model: ScanModel) -> None:
        super().__init__()
        _setup_table(self, model)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = self.viewport().width()
        self.setColumnHidden(3, width < 640)
        self.setColumnHidden(4, width < 500)


def plain_table(model: QAbstractItemModel) -> QTableView:
    table = QTableView()
    _setup_table(table, model)
    return table


def _setup_table(table: QTableView, model: QAbstractItemModel) -> None:
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    # Columns sized to their contents look at the first rows only, not at thousands.
    table.horizontalHeader().setResizeContentsPrecision(40)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(30)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
