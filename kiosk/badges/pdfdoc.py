"""fpdf2 documents with the shipped CJK font, and writing a PDF without partial files.

Shared by the badge sheets and the attendance report. Registering the two Noto Sans SC
fonts costs ~0.4 s per document (fontTools parses 13 MB each); fpdf2 embeds only the
glyphs used (a subset), so a badge sheet stays small.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fpdf import FPDF

from kiosk.errors import KioskError
from kiosk.event import RESOURCES

FONT_DIR = RESOURCES / "fonts"
FONT_FILES = {"": FONT_DIR / "NotoSansSC-Regular.otf", "B": FONT_DIR / "NotoSansSC-Bold.otf"}
FAMILY = "NotoSansSC"

#: (done, total): called while a long document is drawn.
Progress = Callable[[int, int], None]


class OutputError(KioskError):
    """A PDF cannot be written where asked: nothing was written there."""


class FontMissingError(KioskError):
    """A shipped font file is missing or unreadable."""


def new_pdf(
    page_mm: tuple[float, float],
    title: str,
    auto_break: bool = False,
    factory: type[FPDF] = FPDF,
) -> FPDF:
    """A millimetre document of `page_mm` (width, height) pages, fonts registered."""
    width, height = page_mm
    pdf = factory(unit="mm", format=(width, height))
    pdf.set_auto_page_break(auto_break, margin=12)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(title)
    pdf.set_creator("Forum Check-in")
    pdf.set_lang("en")
    for style, path in FONT_FILES.items():
        try:
            pdf.add_font(FAMILY, style, str(path))
        except (OSError, RuntimeError, ValueError) as exc:
            raise FontMissingError(
                f"{path}: cannot load the shipped CJK font ({exc}); reinstall Forum Check-in"
            ) from None
    pdf.set_font(FAMILY, "", 10)
    return pdf


def check_writable(out: Path) -> None:
    """Fail early, before a long render, if `out` cannot be written."""
    folder = out.parent if str(out.parent) else Path(".")
    if out.exists() and out.is_dir():
        raise OutputError(f"{out}: is a folder; give a file name ending in .pdf")
    if not folder.is_dir():
        raise OutputError(f"{out}: cannot write: the folder {folder} does not exist")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".probe", dir=folder)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write in {folder} ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)


def write_atomically(out: Path, data: bytes) -> None:
    """Write `data` to a temporary file next to `out`, then rename it into place.

    Any failure leaves `out` as it was (absent or the previous file) and no temporary file.
    """
    check_writable(out)
    folder = out.parent if str(out.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    mode = out.stat().st_mode & 0o777 if out.exists() else 0o644
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # mkstemp made it private (0600)
        os.replace(tmp, out)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            why = exc.strerror or exc
            raise OutputError(f"{out}: cannot write ({why}); nothing was written") from None
        raise


def pdf_bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def long_date(day: date) -> tuple[str, str]:
    """('4 November 2024', '2024年11月4日')."""
    month = _MONTHS[day.month - 1]
    return f"{day.day} {month} {day.year}", f"{day.year}年{day.month}月{day.day}日"


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
