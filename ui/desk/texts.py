"""The desk's sentences about the database and its operations, in the UI language.

Translated in the StaffView context of resources/i18n (where the desk shows them).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from kiosk.station.desk import DbState, DbStatus


def operation_name(what: str) -> str:
    """The operation a failure is about (a request's `operation`: "check-in" → "Check-in" /
    "签到")."""
    names = {
        "check-in": QCoreApplication.translate("StaffView", "Check-in"),
        "search": QCoreApplication.translate("StaffView", "Search"),
        "statistics": QCoreApplication.translate("StaffView", "Counts"),
        "recent": QCoreApplication.translate("StaffView", "Recent scans"),
        "undo": QCoreApplication.translate("StaffView", "Undo"),
        "walk-in": QCoreApplication.translate("StaffView", "Walk-in registration"),
        "reprint": QCoreApplication.translate("StaffView", "Reprint"),
        "badge": QCoreApplication.translate("StaffView", "Badge"),
        "print": QCoreApplication.translate("StaffView", "Printing"),
        "slip": QCoreApplication.translate("StaffView", "Printing"),
        "print log": QCoreApplication.translate("StaffView", "Printing"),
        "PIN": QCoreApplication.translate("StaffView", "Staff PIN log"),
        "station": QCoreApplication.translate("StaffView", "Station"),
    }
    return names.get(what, what)


def database_problem(state: DbState) -> str:
    """Why the database cannot take a scan or an action now, and what the desk does."""
    if state.status is DbStatus.OPENING:
        return QCoreApplication.translate("StaffView", "The database is opening…")
    if state.status is DbStatus.MISSING:
        return QCoreApplication.translate(
            "StaffView", "No event database: create one or open another."
        )
    head = (
        QCoreApplication.translate("StaffView", "The database cannot be written: %1")
        if state.status is DbStatus.READ_ONLY
        else QCoreApplication.translate("StaffView", "The database is unavailable: %1")
    )
    kept = (
        QCoreApplication.translate(
            "StaffView", "Scans kept: %n, recorded when it is back.", None, state.kept
        )
        if state.kept
        else QCoreApplication.translate("StaffView", "Scans are kept and recorded when it is back.")
    )
    paper = QCoreApplication.translate("StaffView", "Use the paper list meanwhile.")
    line = head.replace("%1", state.reason)
    return f"{line}\n{kept} {paper}"


_REFUSALS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(.+) is already registered: search for them instead\.?"),
     QT_TRANSLATE_NOOP("StaffView", "%1 is already registered: search for them instead.")),
    (re.compile(r"malformed email '(.*)'"),
     QT_TRANSLATE_NOOP("StaffView", "The email address %1 is not valid.")),
    (re.compile(r"walk-ins are not registered for (.+?) \(.*"),
     QT_TRANSLATE_NOOP("StaffView", "Walk-ins are not registered for %1.")),
    (re.compile(r"the event file opens no session to walk-ins"),
     QT_TRANSLATE_NOOP("StaffView", "The event file opens no session to walk-ins.")),
    (re.compile(r"a name \(English or Chinese\) is required"),
     QT_TRANSLATE_NOOP("StaffView", "A name (English or Chinese) is required.")),
)  # fmt: skip


def refusal_text(message: str) -> str:
    """A walk-in's refusal by the domain (English, as the station host reports it) in the
    UI language; a message not known here is shown as it came."""
    for pattern, text in _REFUSALS:
        m = pattern.fullmatch(message.strip())
        if m:
            out = QCoreApplication.translate("StaffView", text)
            return out.replace("%1", m.group(1)) if m.groups() else out
    return message
