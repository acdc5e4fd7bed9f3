"""Printing one badge at the desk (walk-ins, reprints, first check-in). Runs in the
database thread: it reads the attendee and records the print in the print log.

The badge goes to the system printer through `ui.printing`; without a printer (an
ordinary case, not an error) the print-ready PDF is saved in the user data folder
(badges/) for printing elsewhere. Either way one bilingual line says what happened.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
LAYOUT = "4x3in"


def print_one(store: Any, service: Any, attendee_id: str, station: str, operator: str,
              reason: str, out_dir: Path, now: datetime) -> str:  # fmt: skip
    """Print (or save) the current badge and log the print; a line for the status bar."""
    from kiosk.badges import BadgeData, BadgeRenderer
    from ui import printing

    attendee = store.attendee(attendee_id)
    if attendee is None:
        return f"no attendee {attendee_id}"
    code = service.badge_code(attendee_id)
    badge = store.current_badge(attendee_id)
    renderer = BadgeRenderer(service.event, LAYOUT)
    data = BadgeData(attendee, code)
    outcome = printing.print_badge(renderer.drawing(data))
    if outcome.ok:
        message = str(outcome)
    else:
        out_dir.mkdir(parents=True, exist_ok=True)
        pdf = out_dir / f"badge-{attendee_id}-v{badge.version if badge else 1}.pdf"
        renderer.write_pdf([data], pdf)
        if outcome.status is printing.PrintStatus.NO_PRINTER:
            message = f"No printer: badge PDF saved to {pdf} · 无打印机，胸卡PDF已保存"
        else:
            log.warning("printing the badge of %s failed: %s", attendee_id, outcome)
            message = f"{outcome}; badge PDF saved to {pdf}"
    if badge is not None:
        store.record_print(attendee_id, badge.badge_id, station, operator, now, reason)
    return message
