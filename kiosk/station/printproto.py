"""The print lane's requests: badges and slips printed through CUPS, followed to their end.

The desk asks the desk lane what to print (`PreparePrint`: a PrintJob, fast) and hands
the job to the print lane (`PrintBadge`): there the badge's PDF goes to CUPS and the job
is followed until it completed, failed, was cancelled or got no answer in time; a badge
that printed is written to the print log there and then (never before). The print lane
is its own thread in the host, so a slow or dead printer never delays a check-in.
`PrinterList` is what the status bar shows before anyone scans.

Where CUPS is not there (pycups missing: Windows), the replies say `cups=False` and carry
what the GUI needs to print with Qt instead (the drawing); such a print is "sent", never
"printed".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.station.wire import Request

if TYPE_CHECKING:
    from kiosk.badges.design import BadgeDrawing
    from kiosk.badges.printing import PrintJob, SlipJob
    from kiosk.badges.printstate import PrinterStatus, PrintResult

#: Longest a print is followed (the desk's timeout is at most this).
MAX_TIMEOUT_S = 300.0


@dataclass(frozen=True, slots=True)
class PrinterList:
    """The printers badges can go to, the default first; the chosen one probed."""

    cups: bool  # False: pycups is not there (Qt prints, and cannot follow)
    printers: tuple[PrinterStatus, ...] = ()
    reason: str = ""  # why not CUPS (English)
    server_down: bool = False  # pycups is there, the CUPS server does not answer


@dataclass(frozen=True, slots=True)
class PrintDone:
    """What became of a print. `pdf`: what was (or would have been) printed, for "Save as
    PDF" when it did not print. With `cups=False` nothing was sent: `drawing` (a badge)
    or `pdf` (a slip) is for the GUI to print with Qt."""

    result: PrintResult
    cups: bool = True
    pdf: bytes | None = None
    drawing: BadgeDrawing | None = None


@dataclass(frozen=True, slots=True)
class Printers(Request[PrinterList]):
    """Every printer with its state; `chosen` ('' = the default) is also probed (its
    network address tried, ~1 s at most when it is down)."""

    chosen: str = ""
    lane = "print"
    timeout = MAX_TIMEOUT_S + 60.0  # may wait behind a print being followed
    operation = "printers"


@dataclass(frozen=True, slots=True)
class PrintBadge(Request[PrintDone]):
    """Print `job` (from PreparePrint) on `printer` ('' = the default) and follow it for up
    to `timeout_s`; logged in the print log when it printed. Progress (job id, 0) comes
    once CUPS took the job."""

    job: PrintJob
    printer: str
    timeout_s: float
    operator: str
    now: datetime  # when it was sent; the print log entry is at this plus the job's time
    lane = "print"
    timeout = 2 * MAX_TIMEOUT_S + 60.0
    operation = "print"


@dataclass(frozen=True, slots=True)
class PrintSlip(Request[PrintDone]):
    """Print a schedule slip (A6 PDF) and follow it (nothing is logged)."""

    slip: SlipJob
    printer: str
    timeout_s: float
    lane = "print"
    timeout = 2 * MAX_TIMEOUT_S + 60.0
    operation = "print"


@dataclass(frozen=True, slots=True)
class PrintSample(Request[PrintDone]):
    """A test badge (a sample person, a code that admits no one) on `printer` and `label`:
    the printer, the stock and the design checked before the doors open. Not logged."""

    printer: str
    label: str
    timeout_s: float
    lane = "print"
    timeout = 2 * MAX_TIMEOUT_S + 60.0
    operation = "test print"
