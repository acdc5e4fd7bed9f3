"""Badge printing, measured. Two tables, one per run:

`bench/badges.py`: 1,000 badges per layout: seconds, PDF size, QR module size, against the
goal of the issue (1,000 print-ready badges in under 20 s). Each run is the whole `badges`
work after the attendees are chosen: compose, draw, subset and embed the fonts, write the
file. Three more rows compare the QR encoders: qrcode's `make(fit=True)` and segno's
`make_qr` (each scores the eight masks in Python), and `kiosk.badges.qrvector.qr_matrix`
(segno with the printed mask, fixed).

`bench/badges.py --ec`: which error-correction level to print. A badge code (118
characters) at levels M, Q and H, printed in the 38 mm square of the smallest badge
(4 x 3 in), photographed by a 720p webcam at several distances, and partly covered (a
thumb, a lanyard clip, glare on a plastic sleeve: a black or white square over the
symbol), decoded by the project's decoder: the share of single frames read.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qrcode
import segno

from kiosk.badges import BadgeData, BadgeRenderer
from kiosk.badges.layouts import LAYOUTS
from kiosk.badges.qrvector import qr_matrix
from kiosk.checkin.service import CheckinService
from kiosk.demo import build_demo
from kiosk.models.clock import SystemClock
from kiosk.storage.store import Store
from kiosk.storage.tx import Tx

COUNT = 1000
GOAL_S = 20.0


def badges(folder: Path) -> tuple[list[BadgeData], CheckinService]:
    db = folder / "bench.sqlite"
    build_demo(db, attendees=COUNT, seed=7)
    store = Store.open(db)
    svc = CheckinService(store, SystemClock())
    return [
        BadgeData(a, svc.badge_code(a.attendee_id))
        for a in Tx(store.conn, store.event).people.everyone()
    ], svc


def qr_rows(codes: list[str]) -> list[tuple[str, float]]:
    t = time.perf_counter()
    for c in codes:
        q = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
        q.add_data(c)
        q.make(fit=True)
    library = time.perf_counter() - t
    t = time.perf_counter()
    for c in codes:
        segno.make_qr(c, error="q", boost_error=False)
    searched = time.perf_counter() - t
    t = time.perf_counter()
    for c in codes:
        qr_matrix(c)
    ours = time.perf_counter() - t
    return [
        ("qrcode make(fit=True)", library),
        ("segno make_qr", searched),
        ("qrvector.qr_matrix", ours),
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data, svc = badges(folder)
        rows = []
        for name in LAYOUTS:
            out = folder / f"{name}.pdf"
            renderer = BadgeRenderer(svc.event, name)
            t = time.perf_counter()
            report = renderer.write_pdf(data, out)
            seconds = time.perf_counter() - t
            rows.append(
                (name, report.badges, report.pages, seconds, report.size_bytes, report.module_mm)
            )
        codes = [d.code for d in data]
        random.Random(1).shuffle(codes)
        encoders = qr_rows(codes[:200])
        svc.store.close()

    print(f"{COUNT:,} badges per layout (goal: under {GOAL_S:.0f} s each)\n")
    head = f"{'variant':<24}{'badges':>8}{'pages':>7}{'seconds':>9}{'ms/badge':>10}{'PDF MB':>8}{'QR module':>11}  result"
    print(head)
    print("-" * len(head))
    for name, n, pages, s, size, module in rows:
        verdict = "pass" if s < GOAL_S else "FAIL"
        print(
            f"{'layout ' + name:<24}{n:>8,}{pages:>7,}{s:>9.2f}{1000 * s / n:>10.2f}"
            f"{size / 1e6:>8.2f}{module:>9.2f}mm  {verdict}"
        )
    for label, s in encoders:
        print(
            f"{'QR: ' + label:<24}{200:>8}{'':>7}{s:>9.2f}{1000 * s / 200:>10.2f}{'':>8}{'':>11}  (encode only)"
        )


# -- error correction ------------------------------------------------------------------------
EC_TRIALS = 40
QR_BOX_MM = 38.0  # the QR square (quiet zone included) of a 4 x 3 in badge
FRAME = (1280, 720)
VIEW_MM_PER_M = 650.0  # a webcam's vertical view: ~0.65 m of height per metre of distance
SCENES = (  # label, distance (m), share of the symbol covered
    ("30 cm, clean", 0.30, 0.0),
    ("40 cm, clean", 0.40, 0.0),
    ("50 cm, clean", 0.50, 0.0),
    ("30 cm, 8% covered", 0.30, 0.08),
    ("30 cm, 12% covered", 0.30, 0.12),
    ("30 cm, 18% covered", 0.30, 0.18),
)


def ec_table() -> None:
    import cv2
    import numpy as np

    from kiosk.badges.qrvector import QUIET_ZONE
    from kiosk.scan import synth
    from kiosk.scan.decoders import make_decoder

    decoder = make_decoder("zxing")
    levels = ("M", "Q", "H")
    backgrounds = [synth.scene(*FRAME, np.random.default_rng(k)) for k in range(8)]
    results: dict[tuple[str, str], int] = {}
    sizes: dict[str, tuple[int, int, float]] = {}
    for level in levels:
        rng = np.random.default_rng(11)
        for label, metres, covered in SCENES:
            ok = 0
            for i in range(EC_TRIALS):
                text = synth.badge_text(i)
                m = qr_matrix(text, level)
                module_mm = m.module_mm(QR_BOX_MM)
                sizes[level] = (m.version, m.size, module_mm)
                px = 10
                card = np.pad(np.where(np.array(m.rows), 0, 255).astype(np.uint8), QUIET_ZONE,
                              constant_values=255)  # fmt: skip
                card = np.kron(card, np.ones((px, px), np.uint8))
                if covered:
                    side = int(m.size * px * covered**0.5)
                    lo, hi = QUIET_ZONE * px, (QUIET_ZONE + m.size) * px - side
                    x, y = (int(v) for v in rng.integers(lo, hi, 2))
                    card[y : y + side, x : x + side] = int(rng.choice([0, 255]))
                px_per_mm = FRAME[1] / (VIEW_MM_PER_M * metres)
                d = synth.Distortion(
                    height=m.size * module_mm * px_per_mm / FRAME[1],
                    rotation=float(rng.uniform(-15, 15)),
                    tilt_x=float(rng.uniform(-0.1, 0.1)),
                    blur=0.8,
                    noise=4.0,
                    contrast=0.85,
                )
                frame = backgrounds[i % len(backgrounds)].copy()
                quad = synth.code_quad(*FRAME, d, d.height * FRAME[1])
                synth.place(frame, card, quad, quiet_px=QUIET_ZONE * px)
                gray = cv2.cvtColor(synth.degrade(frame, d, rng), cv2.COLOR_BGR2GRAY)
                ok += any(det.text == text for det in decoder.decode(gray))
            results[(level, label)] = ok
    print(f"Badge code (118 chars) in a {QR_BOX_MM:.0f} mm QR square, 720p webcam, "
          f"{EC_TRIALS} views each: share decoded\n")  # fmt: skip
    head = f"{'scene':<30}" + "".join(f"{'level ' + lv:>20}" for lv in levels)
    print(head)
    print("-" * len(head))
    sizes_row = "".join(
        f"{f'v{v}, {n}x{n}, {mm:.2f} mm':>20}" for v, n, mm in (sizes[lv] for lv in levels)
    )
    print(f"{'version, modules, module':<30}{sizes_row}")
    for label, _, _ in SCENES:
        cells = "".join(f"{100 * results[(lv, label)] / EC_TRIALS:>19.0f}%" for lv in levels)
        print(f"{label:<30}{cells}")


if __name__ == "__main__":
    ec_table() if "--ec" in sys.argv[1:] else main()
