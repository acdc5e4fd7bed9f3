"""Colours, outcome labels and the style sheet of the organizer dashboard (a wall display).

Headings on the wall are bilingual at once ("Admitted / 已签到"): people of both languages
read the same screen. Operator controls go through `tr()` and the app's translations.
"""

from __future__ import annotations

from kiosk.models.outcome_text import OUTCOME_TEXTS
from kiosk.models.outcomes import Outcome

NAVY = "#0b2545"
NAVY_2 = "#13315c"
INK = "#1b2a3a"
MUTED = "#5b6b7c"
LINE = "#dfe5ec"
PAGE = "#eef2f6"
CARD = "#ffffff"
GREEN = "#0e9f6e"
AMBER = "#d97706"
RED = "#dc2626"
BLUE = "#2563eb"
GREY = "#6b7280"
SELECTED = "#0e9f6e"

# Outcome -> (English, Chinese, colour): the words from the domain's one table.
# Refused scans are red, repeats amber, entries green.
_COLOURS: dict[Outcome, str] = {
    Outcome.ALREADY_CHECKED_IN: AMBER,
    Outcome.NOT_INSIDE: AMBER,
    Outcome.ADMITTED: GREEN,
    Outcome.EXITED: BLUE,
}
OUTCOMES: dict[Outcome, tuple[str, str, str]] = {
    o: (t.label_en, t.label_zh, _COLOURS.get(o, RED)) for o, t in OUTCOME_TEXTS.items()
}
UNDONE = ("Undone", "已撤销", GREY)


def outcome_label(outcome: Outcome | None) -> tuple[str, str, str]:
    if outcome is None:
        return ("—", "—", GREY)
    return OUTCOMES.get(outcome, (outcome.value, outcome.value, GREY))


def bi(en: str, zh: str) -> str:
    """A bilingual label for the wall display."""
    return f"{en} / {zh}" if zh else en


def capacity_colour(fraction: float) -> str:
    if fraction >= 0.95:
        return RED
    if fraction >= 0.8:
        return AMBER
    return GREEN


STYLE = f"""
#DashboardView {{ background: {PAGE}; }}
#DashBodyInner, QScrollArea#DashBody {{ background: {PAGE}; }}
#DashHeader {{ background: qlineargradient(x1:0, y1:0, x2:1, y2:0,
    stop:0 {NAVY}, stop:1 {NAVY_2}); }}
#DashHeader QLabel {{ color: white; background: transparent; }}
#EventTitle {{ font-size: 22pt; font-weight: 700; }}
#EventTitleZh {{ font-size: 16pt; color: #cfe3f7; }}
#EventWhere {{ font-size: 11pt; color: #9fb7d0; }}
#Clock {{ font-size: 28pt; font-weight: 700; }}
#ClockDate {{ font-size: 11pt; color: #cfe3f7; }}
#LiveBadge {{ font-size: 10pt; color: #9fe3c4; }}
#LiveBadge[stale="true"] {{ color: #fcd34d; }}
#ExportButton {{ color: white; background: rgba(255,255,255,0.12);
    border: 1px solid rgba(255,255,255,0.35); border-radius: 8px;
    padding: 8px 16px; font-size: 11pt; font-weight: 600; }}
#ExportButton:hover {{ background: rgba(255,255,255,0.22); }}
#ExportButton:disabled {{ color: #9fb7d0; }}
#ExportButton::menu-indicator {{ subcontrol-position: right center; right: 6px; }}
QFrame#Panel {{ background: {CARD}; border: 1px solid {LINE}; border-radius: 12px; }}
QLabel#PanelTitle {{ color: {INK}; font-size: 13pt; font-weight: 700; }}
QLabel#PanelNote {{ color: {MUTED}; font-size: 10pt; }}
QLabel#ErrorBanner {{ color: {RED}; background: #fef2f2; border: 1px solid #fecaca;
    border-radius: 8px; padding: 8px 12px; font-size: 11pt; font-weight: 600; }}
QFrame#SessionCard {{ background: {CARD}; border: 1px solid {LINE}; border-radius: 12px; }}
QFrame#SessionCard[selected="true"] {{ border: 2px solid {SELECTED}; background: #f3fbf7; }}
QFrame#SessionCard QLabel {{ background: transparent; border: none; }}
#CardTitle {{ color: {INK}; font-size: 12pt; font-weight: 700; }}
#CardTitleZh {{ color: {INK}; font-size: 11pt; }}
#CardRoom {{ color: {MUTED}; font-size: 9pt; }}
#CardTime {{ color: {INK}; font-size: 9pt; font-weight: 700; }}
#CardBig {{ color: {INK}; font-size: 24pt; font-weight: 700; }}
#CardOf {{ color: {MUTED}; font-size: 12pt; }}
#CardCaption {{ color: {MUTED}; font-size: 9pt; }}
#CardInside {{ color: {BLUE}; font-size: 18pt; font-weight: 700; }}
#CardPercent {{ color: {INK}; font-size: 10pt; font-weight: 600; }}
QProgressBar#CapacityBar {{ background: #e8edf3; border: none; border-radius: 4px;
    max-height: 8px; min-height: 8px; }}
QTableView {{ background: {CARD}; border: none; gridline-color: transparent;
    selection-background-color: #dbeafe; selection-color: {INK}; font-size: 10pt;
    alternate-background-color: #f7f9fc; }}
QHeaderView::section {{ background: {CARD}; color: {MUTED}; border: none;
    border-bottom: 1px solid {LINE}; padding: 4px 6px; font-size: 9pt; font-weight: 600; }}
QLineEdit#Filter {{ border: 1px solid {LINE}; border-radius: 8px; padding: 5px 10px;
    background: #f9fbfd; font-size: 10pt; }}
QLineEdit#Filter:focus {{ border: 1px solid {GREEN}; background: white; }}
#StatusStrip {{ background: {CARD}; border-top: 1px solid {LINE}; }}
#StatusText {{ color: {MUTED}; font-size: 10pt; }}
#StatusText[level="error"] {{ color: {RED}; font-weight: 600; }}
#StatusText[level="ok"] {{ color: {GREEN}; font-weight: 600; }}
QProgressBar#ExportProgress {{ border: 1px solid {LINE}; border-radius: 4px;
    background: #f1f4f8; max-height: 12px; text-align: center; font-size: 8pt; }}
QProgressBar#ExportProgress::chunk {{ background: {GREEN}; border-radius: 3px; }}
"""
