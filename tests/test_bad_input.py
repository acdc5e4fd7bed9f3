"""Issue 20, bad input: a code of any bytes is logged and answered; an image above the
pixel limit is refused from its header, before it is decoded, in bounded memory."""

from __future__ import annotations

import json
import os
import resource
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.checkin.codes import scanned_text
from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogKind
from kiosk.scan.sources import MAX_IMAGE_PIXELS, FolderSource, ImageRefused, load_image
from kiosk.storage.store import Store
from tests.helpers.reads import reads

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str | bytes, home: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "FORUM_CHECKIN_HOME": str(home)}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], capture_output=True, env=env, timeout=120
    )


def test_scanned_text_keeps_good_text_and_escapes_bytes_that_are_not_utf8() -> None:
    assert scanned_text("gk4mw2h7xjpd·王") == "gk4mw2h7xjpd·王"
    raw = b"\xff\xfeab\x80"
    assert scanned_text(raw.decode("utf-8", "surrogateescape")) == "\\xff\\xfeab\\x80"
    assert scanned_text("a\ud800b").encode("utf-8")  # a lone surrogate of no byte: stored


@pytest.mark.parametrize("code", [b"\xff\xfeab\x80", b"CTF24-\xc3\x28-99", b"\x00\x1b[2J\x7f"])
def test_checkin_of_any_bytes_is_logged_and_answered(
    demo_db: Path, tmp_path: Path, code: bytes
) -> None:
    args = ("checkin", "--db", str(demo_db), "--session", "opening", "--now", "2024-11-04T09:05")
    if b"\x00" in code:  # no argv holds a NUL: the bytes after it are what a shell passes
        code = code.split(b"\x00")[1]
    done = run(*args, "--code", code, home=tmp_path / "home")
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["outcome"] == "unknown_code"
    store = Store.open(demo_db)
    try:
        (last,) = [e for e in reads(store).log.entries() if e.kind is LogKind.ENTRY][-1:]
    finally:
        store.close()
    assert last.outcome is Outcome.UNKNOWN_CODE
    assert last.code == scanned_text(code.decode("utf-8", "surrogateescape")).strip()


def huge_png(path: Path, side: int = 30_000) -> Path:
    """A valid grey PNG of side x side pixels, all black: under 1 MB on disk, written in
    chunks (never the whole image in memory)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    comp = zlib.compressobj(9)
    row = bytes(side + 1)  # filter byte + pixels
    parts = [comp.compress(row * 1000) for _ in range(side // 1000)]
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )  # fmt: skip
    return path


def test_decode_refuses_a_30000_square_png_before_decoding_it(tmp_path: Path) -> None:
    big = huge_png(tmp_path / "bomb.png")
    assert big.stat().st_size < 2_000_000
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = run("decode", str(big), home=tmp_path / "home")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    err = done.stderr.decode()
    assert done.returncode == 1
    assert "30000x30000 is too large" in err or "too large" in err, err
    assert "not decoded" in err and "Traceback" not in err
    # ru_maxrss of children is the largest child so far: this one, or an earlier smaller one
    assert max(before, peak_kb) < 500 * 1024, f"{peak_kb / 1024:.0f} MB"
    with pytest.raises(ImageRefused, match="too large"):
        load_image(big)


def test_a_folder_source_skips_a_huge_image_with_the_reason(tmp_path: Path) -> None:
    folder = tmp_path / "frames"
    folder.mkdir()
    huge_png(folder / "a-bomb.png", side=12_000)  # 144 Mpx: above the limit
    assert MAX_IMAGE_PIXELS < 12_000 * 12_000
    cv2.imwrite(str(folder / "b-fine.png"), np.full((40, 60, 3), 255, np.uint8))
    src = FolderSource(folder)
    first = src.read()
    assert first.ok and first.frame is not None and first.frame.shape == (40, 60, 3)
    assert len(src.problems) == 1 and "a-bomb.png: 12000x12000 is too large" in src.problems[0]


def test_a_video_whose_frames_are_above_the_limit_is_refused_from_its_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The frame size comes from the container's header: no frame is decoded (the limit
    lowered here, so that a small video stands for a huge one)."""
    from kiosk.scan import sources

    path = tmp_path / "cam.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (320, 240))
    for _ in range(3):
        writer.write(np.zeros((240, 320, 3), np.uint8))
    writer.release()
    assert sources.open_source(str(path)).read().ok  # under the limit: frames
    monkeypatch.setattr(sources, "MAX_IMAGE_PIXELS", 320 * 240 - 1)
    with pytest.raises(ImageRefused, match="320x240 is too large"):
        sources.open_source(str(path))
