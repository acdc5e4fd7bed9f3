"""QR codes as vector rectangles: the module matrix, merged into few rectangles.

A badge code (`FC1:` + Base45, 118 characters) is encoded in QR alphanumeric mode. The
error-correction level is a print decision, measured with `bench/badges.py --ec` (the
code in the 38 mm square of a 4 x 3 in badge, a 720p webcam, the project's decoder,
share of single frames read):

    level (version, module)    30 cm   40 cm   50 cm   12 % covered   18 % covered
    M (5, 0.84 mm)              100 %   100 %     8 %       10 %            0 %
    Q (7, 0.72 mm)              100 %    80 %     0 %       78 %           25 %
    H (8, 0.67 mm)              100 %    18 %     0 %       80 %           72 %

Level Q is printed: with a thumb, a lanyard clip or glare on the badge sleeve over an
eighth of the code it still reads (M does not), and a clean code at 40 cm still reads in
four frames of five (the camera gives 30 a second); H gives up that distance. Q modules
are 0.72 mm on a 4 x 3 in badge and 0.91 mm on an A6 one, above the 0.5 mm minimum for
office laser and inkjet printers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import segno

from kiosk.models.errors import KioskError

_LEVELS = ("L", "M", "Q", "H")

#: The error-correction level printed on badges.
PRINT_EC = "Q"
#: The mask pattern printed on badges (ISO 18004 numbering). A badge code's data modules
#: are already as good as random, so the mask barely matters: over the scenes above, each
#: of the eight masks reads within noise of the mask that the standard's penalty picks (61
#: to 63 % of all frames against 63 %), and mask 1 ties it. A fixed mask spares scoring
#: eight candidate symbols: 2.4 ms a code instead of 13.
PRINT_MASK = 1
#: The quiet zone around a code, in modules (the QR standard asks for 4).
QUIET_ZONE = 4
#: The smallest module a badge may print, in millimetres.
MIN_MODULE_MM = 0.5


class QrEncodeError(KioskError):
    """The text does not fit in a QR code at the chosen error-correction level."""


@dataclass(frozen=True, slots=True)
class QrMatrix:
    """The dark/light modules of a QR code without its quiet zone."""

    text: str
    level: str
    version: int
    rows: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        return len(self.rows)

    def module_mm(self, side_mm: float) -> float:
        """The module size when the code, quiet zone included, is `side_mm` wide."""
        return side_mm / (self.size + 2 * QUIET_ZONE)


@dataclass(frozen=True, slots=True)
class Rect:
    """A dark rectangle in module units: column, row, width, height."""

    x: int
    y: int
    w: int
    h: int


def qr_matrix(text: str, level: str = PRINT_EC) -> QrMatrix:
    """Encode `text` at error-correction `level` (L, M, Q or H) in the smallest version.

    segno's public API makes the symbol: one segment in the most compact mode for the whole
    text (alphanumeric for a badge code), the level kept as asked (no boost), mask
    `PRINT_MASK`.
    """
    if level not in _LEVELS:
        raise ValueError(f"QR error-correction level must be one of L, M, Q, H, not {level!r}")
    try:
        qr = segno.make_qr(text, error=level, boost_error=False, mask=PRINT_MASK)
    except segno.DataOverflowError as exc:
        raise QrEncodeError(f"cannot encode {text[:24]!r}… as a QR code ({exc})") from None
    rows = tuple(tuple(m != 0 for m in row) for row in qr.matrix)
    return QrMatrix(text=text, level=level, version=int(qr.version), rows=rows)


def merged_rects(rows: Sequence[Sequence[bool]]) -> list[Rect]:
    """Cover the dark modules with rectangles: horizontal runs, stacked where equal.

    Each rectangle is a run of dark modules in one row, extended down over the following
    rows that have exactly the same run. A version-7 code has ~1,000 dark modules and
    becomes ~350 rectangles.
    """
    open_runs: dict[tuple[int, int], Rect] = {}
    done: list[Rect] = []
    for y, row in enumerate(rows):
        runs = _runs(row)
        still_open: dict[tuple[int, int], Rect] = {}
        for x, w in runs:
            prev = open_runs.pop((x, w), None)
            still_open[(x, w)] = Rect(x, prev.y, w, prev.h + 1) if prev else Rect(x, y, w, 1)
        done.extend(open_runs.values())
        open_runs = still_open
    done.extend(open_runs.values())
    done.sort(key=lambda r: (r.y, r.x))
    return done


def _runs(row: Sequence[bool]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = -1
    for x, dark in enumerate(row):
        if dark and start < 0:
            start = x
        elif not dark and start >= 0:
            runs.append((start, x - start))
            start = -1
    if start >= 0:
        runs.append((start, len(row) - start))
    return runs
