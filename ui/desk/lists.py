"""The desk's two lists: search hits (with presence) and recent scans (kept by entry).

`RecentList` keeps the selection on the entry (its log uuid), not on a row: new scans
are inserted above it all the time, and undo must annul the entry the staff member chose.
`HitList` shows each person's presence in the desk's session ("✓ 09:05 desk-1").
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from kiosk.models.outcomes import Outcome
from kiosk.models.records import Attendee, Category, LogEntry, LogKind
from kiosk.people.hits import SearchHit
from ui.present.looks import category_text, look

ROLE_ID = Qt.ItemDataRole.UserRole
GREY = "#52606D"
CHECKED_IN = "#1E8E3E"


class RecentList(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[LogEntry, Attendee | None]] = []

    def selected_uuid(self) -> str | None:
        item = self.currentItem()
        return str(item.data(ROLE_ID)) if item is not None and item.isSelected() else None

    def selected(self) -> tuple[LogEntry, Attendee | None] | None:
        uuid = self.selected_uuid()
        return next(((e, a) for e, a in self.rows if e.uuid == uuid), None)

    def set_rows(self, rows: list[tuple[LogEntry, Attendee | None]], tz: ZoneInfo | None) -> None:
        keep = self.selected_uuid()
        self.rows = rows
        self.blockSignals(True)
        try:
            self.clear()
            for e, a in rows:
                text, colour = _recent_text(e, a, tz)
                item = QListWidgetItem(text)
                item.setData(ROLE_ID, e.uuid)
                item.setForeground(QBrush(QColor(colour)))
                self.addItem(item)
                if e.uuid == keep:
                    self.setCurrentItem(item)
            if keep is None or self.selected_uuid() != keep:
                self.setCurrentRow(-1)
                self.clearSelection()
        finally:
            self.blockSignals(False)


def _recent_text(e: LogEntry, a: Attendee | None, tz: ZoneInfo | None) -> tuple[str, str]:
    when = e.at.astimezone(tz) if tz else e.at
    who = "  ".join(x for x in ((a.name, a.name_zh) if a else ()) if x) or (e.attendee_id or "—")
    if e.kind == LogKind.ANNUL:
        return f"{when:%H:%M:%S}   ↶ undo · 撤销   {who}   ({e.reason})", GREY
    lk = look(e.outcome) if e.outcome else None
    status = f"{lk.title_en} · {lk.title_zh}" if lk else ""
    text = f"{when:%H:%M:%S}   {status}   {who}   [{e.session_id}]"
    colour = lk.colour if lk else GREY
    if e.annulled:
        text += "   (undone · 已撤销)"
        colour = "#9AA5B1"
    return text, colour


def undoable(e: LogEntry) -> bool:
    return (
        e.kind != LogKind.ANNUL
        and not e.annulled
        and e.outcome in (Outcome.ADMITTED, Outcome.EXITED)
    )


def hit_lines(h: SearchHit, tz: ZoneInfo | None) -> list[str]:
    """A person as the desk lists them: names, organisation and category, presence."""
    a = h.attendee
    names = "  ".join(x for x in (a.name, a.name_zh) if x)
    org = a.organization or a.organization_zh
    lines = [names, f"{org}  ·  {category_text(a.category)}" if org else category_text(a.category)]
    if h.checked_in_at is not None:
        at = h.checked_in_at.astimezone(tz) if tz else h.checked_in_at
        lines.append(
            QCoreApplication.translate("StaffView", "✓ Checked in at %1 (%2)")
            .replace("%1", f"{at:%H:%M}")
            .replace("%2", h.station)
        )
    return lines


class HitList(QListWidget):
    """The search's hits: two lines a person; on a short screen (`set_short`) one line
    each, so that four people or more stay in view with a result up."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hits: list[SearchHit] = []
        self.tz: ZoneInfo | None = None
        self.short = False

    def set_short(self, short: bool) -> None:
        if short == self.short:
            return
        self.short = short
        self.setWordWrap(not short)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.set_hits(self.hits, self.tz)

    def rows_height(self, rows: int, lines: int = 1) -> int:
        """The height `rows` people take, `lines` each (the list's minimum keeps four
        one-line rows in view: the short screen's)."""
        row = self.fontMetrics().lineSpacing() * lines + 14  # the theme's 6 px padding, a rule
        return rows * row + 2 * self.frameWidth() + 2

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self.hits:
            self.set_hits(self.hits, self.tz)  # "✓ Checked in at" in the new language
        super().changeEvent(event)

    def selected_hit(self) -> SearchHit | None:
        item = self.currentItem()
        if item is None:
            return None
        aid = str(item.data(ROLE_ID))
        return next((h for h in self.hits if h.attendee.attendee_id == aid), None)

    def set_hits(self, hits: list[SearchHit], tz: ZoneInfo | None) -> None:
        current = self.selected_hit()
        keep = current.attendee.attendee_id if current else None
        self.hits, self.tz = hits, tz
        self.blockSignals(True)
        try:
            self.clear()
            for h in hits:
                a = h.attendee
                lines = hit_lines(h, tz)
                if self.short:  # presence first: the end of a long line may be elided
                    lines = [*lines[2:], *lines[:2]]
                item = QListWidgetItem(("   " if self.short else "\n").join(lines))
                item.setData(ROLE_ID, a.attendee_id)
                if h.checked_in_at is not None:
                    item.setForeground(QBrush(QColor(CHECKED_IN)))
                elif a.attention or a.category == Category.VIP:
                    item.setForeground(QBrush(QColor("#6A1B9A")))
                self.addItem(item)
                if a.attendee_id == keep:
                    self.setCurrentItem(item)
            if hits and self.currentRow() < 0:
                self.setCurrentRow(0)
        finally:
            self.blockSignals(False)
