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

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import qrcode
from qrcode import util
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

from kiosk.models.errors import KioskError

_LEVELS = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}

#: The error-correction level printed on badges.
PRINT_EC = "Q"
#: The quiet zone around a code, in modules (the QR standard asks for 4).
QUIET_ZONE = 4
#: The smallest module a badge may print, in millimetres.
MIN_MODULE_MM = 0.5


class QrEncodeError(KioskError):
    """The QR library cannot encode this text."""


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

    The symbol is exactly the one `qrcode` makes with `make(fit=True)` (same version, same
    mask, same modules; the tests compare them): `qrcode` segments the text and computes
    the Reed-Solomon codewords, and numpy places them and chooses the mask, which qrcode
    does in Python by building and scoring eight symbols (20 ms a code; here ~3 ms).
    """
    try:
        ec = _LEVELS[level]
    except KeyError:
        raise ValueError(
            f"QR error-correction level must be one of L, M, Q, H, not {level!r}"
        ) from None
    qr = qrcode.QRCode(error_correction=ec, border=0)
    qr.add_data(text)
    try:
        shape = (ec, tuple((d.mode, len(d.data)) for d in qr.data_list))
        version = _VERSIONS.get(shape)
        if version is None:
            version = _VERSIONS[shape] = int(qr.best_fit())
        codewords = util.create_data(version, ec, qr.data_list)
    except ValueError as exc:
        # qrcode 8.2 fails on a data block that is all zero bytes (lincolnloop/python-qrcode
        # #330, fixed after 8.2): never seen on a signed badge code, reported if it is.
        raise QrEncodeError(f"cannot encode {text[:24]!r}… as a QR code ({exc})") from None
    t = _template(version, ec)
    bits = np.unpackbits(np.asarray(codewords, dtype=np.uint8)).astype(bool)
    placed = np.zeros(t.data.shape, dtype=bool)
    count = min(bits.size, t.order_rows.size)
    placed[t.order_rows[:count], t.order_cols[:count]] = bits[:count]
    candidates = np.where(t.data, placed ^ t.masks_stack, t.scored)
    mask = int(np.argmin(penalties(candidates)))  # the first of equal minima, as qrcode
    symbol = np.where(t.data, placed ^ t.masks[mask], t.fixed[mask])
    rows = tuple(tuple(bool(v) for v in row) for row in symbol.tolist())
    return QrMatrix(text=text, level=level, version=version, rows=rows)


_VERSIONS: dict[tuple[int, tuple[tuple[int, int], ...]], int] = {}
_P1 = np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=bool)
_P2 = _P1[::-1].copy()

Grid = npt.NDArray[np.bool_]
Index = npt.NDArray[np.intp]


@dataclass(frozen=True)
class _Template:
    data: Grid  # modules that carry data (after function patterns and format/version info)
    scored: Grid  # function patterns as qrcode scores masks (format and version bits light)
    fixed: tuple[Grid, ...]  # function patterns with the format bits of each mask
    masks: tuple[Grid, ...]  # the eight mask patterns
    masks_stack: Grid  # the same as one (8, n, n) array
    order_rows: Index  # data modules in placement order (qrcode's `map_data`)
    order_cols: Index


def _blank(version: int, ec: int, mask: int, test: bool) -> list[list[bool | None]]:
    qr = qrcode.QRCode(version=version, error_correction=ec, border=0)
    n = qr.modules_count = version * 4 + 17
    qr.modules = [[None] * n for _ in range(n)]
    qr.setup_position_probe_pattern(0, 0)
    qr.setup_position_probe_pattern(n - 7, 0)
    qr.setup_position_probe_pattern(0, n - 7)
    qr.setup_position_adjust_pattern()
    qr.setup_timing_pattern()
    qr.setup_type_info(test, mask)
    if version >= 7:
        qr.setup_type_number(test)
    modules: list[list[bool | None]] = qr.modules
    return modules


@functools.cache
def _template(version: int, ec: int) -> _Template:
    scored = _blank(version, ec, 0, test=True)
    n = len(scored)
    data = np.array([[m is None for m in row] for row in scored])
    fixed = tuple(
        np.array([[bool(m) for m in row] for row in _blank(version, ec, k, test=False)])
        for k in range(8)
    )
    i, j = np.indices((n, n))
    masks = (
        (i + j) % 2 == 0,
        i % 2 == 0,
        j % 3 == 0,
        (i + j) % 3 == 0,
        (i // 2 + j // 3) % 2 == 0,
        (i * j) % 2 + (i * j) % 3 == 0,
        ((i * j) % 2 + (i * j) % 3) % 2 == 0,
        ((i * j) % 3 + (i + j) % 2) % 2 == 0,
    )
    rows, cols = _placement_order(data)
    return _Template(
        data=data,
        scored=np.array([[bool(m) for m in row] for row in scored]),
        fixed=fixed,
        masks=masks,
        masks_stack=np.stack(masks),
        order_rows=np.array(rows, dtype=np.intp),
        order_cols=np.array(cols, dtype=np.intp),
    )


def _placement_order(data: Grid) -> tuple[list[int], list[int]]:
    """The zig-zag of two-module columns, bottom right first, skipping the timing column."""
    n = data.shape[0]
    rows: list[int] = []
    cols: list[int] = []
    upward = True
    for right in range(n - 1, 0, -2):
        col = right - 1 if right <= 6 else right
        span = range(n - 1, -1, -1) if upward else range(n)
        for r in span:
            for c in (col, col - 1):
                if data[r, c]:
                    rows.append(r)
                    cols.append(c)
        upward = not upward
    return rows, cols


def penalty(a: Grid) -> int:
    """The QR mask penalty, as `qrcode.util.lost_point` computes it (ISO 18004 rules 1-4)."""
    return int(penalties(a[np.newaxis])[0])


def penalties(stack: Grid) -> npt.NDArray[np.int64]:
    """The mask penalty of each symbol in a (k, n, n) stack, all at once."""
    n = stack.shape[-1]
    score = np.zeros(stack.shape[0], dtype=np.int64)
    for g in (stack, stack.transpose(0, 2, 1)):
        # Rule 1: a run of L >= 5 equal modules costs L - 2 = (its five-module windows)
        # + 2 (for the window that starts the run).
        eq = g[..., 1:] == g[..., :-1]
        five = eq[..., :-3] & eq[..., 1:-2] & eq[..., 2:-1] & eq[..., 3:]
        starts = five.copy()
        starts[..., 1:] &= ~eq[..., : n - 5]
        score += five.sum(axis=(1, 2)) + 2 * starts.sum(axis=(1, 2))
        # Rule 3: 1011101 with four light modules before or after, 40 each.
        m1 = np.ones(g[..., : n - 10].shape, dtype=bool)
        m2 = m1.copy()
        for k in range(11):
            window = g[..., k : n - 10 + k]
            m1 &= window == _P1[k]
            m2 &= window == _P2[k]
        score += 40 * (m1.sum(axis=(1, 2)) + m2.sum(axis=(1, 2)))
    tl = stack[:, :-1, :-1]  # rule 2: 2x2 blocks of one colour, 3 each
    blocks = (tl == stack[:, 1:, :-1]) & (tl == stack[:, :-1, 1:]) & (tl == stack[:, 1:, 1:])
    score += 3 * blocks.sum(axis=(1, 2))
    percent = stack.sum(axis=(1, 2)) / float(n * n) * 100  # rule 4: dark/light balance
    score += (np.abs(percent - 50) / 5).astype(np.int64) * 10
    return score


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


def covers(rects: Sequence[Rect], size: int) -> list[list[bool]]:
    """The module matrix the rectangles paint (for tests and checks)."""
    grid = [[False] * size for _ in range(size)]
    for r in rects:
        for yy in range(r.y, r.y + r.h):
            for xx in range(r.x, r.x + r.w):
                grid[yy][xx] = True
    return grid
