"""What a file may cost to read, and the error that names a file and what is wrong with it.

Every message about a file is cut to a few hundred characters: a 20 MB header row must
not come back as a 20 MB error line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.models.errors import KioskError

MESSAGE_CHARS = 300
MB = 1 << 20


def cut(text: str, limit: int = MESSAGE_CHARS) -> str:
    """`text`, cut to `limit` characters with an ellipsis and how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 30]}… ({len(text) - limit + 30:,} more characters)"


def shown(value: object, limit: int = 60) -> str:
    """A value quoted for a message (repr), cut."""
    return cut(repr(value), limit)


def header_list(headers: Sequence[str], limit: int = 12) -> str:
    """'A, B, C … and 97 more': the headers of a file, for a message."""
    names = [cut(h, 40) for h in headers[:limit] if h]
    more = len(headers) - limit
    return ", ".join(names) + (f" … and {more:,} more" if more > 0 else "")


class ImportFileError(KioskError):
    """The file cannot be read as an attendee list: names the file and what is wrong."""

    def __init__(self, path: str | Path, problem: str) -> None:
        problem = cut(problem)
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = str(path), problem


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Bounds that keep a hostile file from taking the machine's memory.

    `unpacked_bytes`: what a workbook (a zip archive) may unpack to, all parts together.
    `cells`: the area (rows × columns) of the sheet read; the spreadsheet library holds it
    all in memory. `line_chars`: one physical line of a CSV file; `field_chars`: one field
    (a quote that never closes swallows the rest of the file into one field)."""

    unpacked_bytes: int = 200 * MB
    cells: int = 10_000_000
    columns: int = 16_384  # Excel's last column, XFD
    rows: int = 1_048_576  # Excel's last row
    line_chars: int = 32 * MB
    field_chars: int = 1 * MB
