"""Printing one badge at the desk (walk-ins, reprints, first check-in), in the print
thread. The station host decides what to print (`kiosk.badges.printing.BadgeDesk`: a badge
is printed once; printing again takes a reprint, a new code, the old revoked) and keeps the
print log; this module sends the badge to the system printer through `ui.desk.printing`.

Only a print that reached the printer is recorded in the print log. Without a printer (an
ordinary case, not an error) the print-ready PDF is saved in the user data folder
(badges/) for printing elsewhere, and the desk may try again later. Either way one
bilingual line says what happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from kiosk.badges.printing import PrintJob, SlipJob
from kiosk.badges.render import BadgeRenderer
from kiosk.storage.atomic import write_atomically

log = logging.getLogger(__name__)
ALREADY_PRINTED = "Badge already printed: use Reprint · 胸卡已打印，如需补打请选择“补打胸卡”"


def print_one(
    job: PrintJob | None,
    renderer: BadgeRenderer,
    record: Callable[[PrintJob], object],
    out_dir: Path,
) -> str:
    """Print (or save) `job`'s badge; None means it was printed already."""
    from kiosk.badges import BadgeData
    from ui.desk import printing

    if job is None:
        return ALREADY_PRINTED
    outcome = printing.print_badge(job.drawing)
    if outcome.ok:
        record(job)
        said = str(outcome)
    else:
        out_dir.mkdir(parents=True, exist_ok=True)
        pdf = out_dir / f"badge-{job.attendee.attendee_id}-v{job.version}.pdf"
        renderer.write_pdf([BadgeData(job.attendee, job.code)], pdf)
        if outcome.status is printing.PrintStatus.NO_PRINTER:
            said = f"No printer: badge PDF saved to {pdf} · 无打印机，胸卡PDF已保存"
        else:
            log.warning("printing the badge of %s failed: %s", job.attendee.attendee_id, outcome)
            said = f"{outcome}; badge PDF saved to {pdf} · 打印失败，胸卡PDF已保存"
    if job.slip is not None:
        said += " — " + print_slip(job.slip, out_dir)
    return said


def print_slip(job: SlipJob, out_dir: Path) -> str:
    """Print an attendee's schedule slip, or save its PDF (slips/) when there is no printer."""
    from ui.desk import printing

    outcome = printing.print_pdf(job.pdf, ("Schedule slip", "洽谈日程"))
    if outcome.ok:
        return str(outcome)
    folder = out_dir / "slips"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"slip-{job.attendee_id}.pdf"
    write_atomically(pdf, job.pdf)
    if outcome.status is printing.PrintStatus.NO_PRINTER:
        return f"No printer: schedule slip PDF saved to {pdf} · 无打印机，洽谈日程PDF已保存"
    log.warning("printing the schedule slip of %s failed: %s", job.attendee_id, outcome)
    return f"{outcome}; schedule slip PDF saved to {pdf} · 打印失败，洽谈日程PDF已保存"
