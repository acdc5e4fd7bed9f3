"""A decoder that raises never stops a run: contained per frame, counted, decoded again by
the fallback. Images OpenCV cannot read are read with Pillow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from kiosk.cli import load_commands
from kiosk.models.clock import ManualClock
from kiosk.scan.debounce import Debouncer
from kiosk.scan.decoders import Detection, Gray, make_decoder
from kiosk.scan.loop import ScanLoop
from kiosk.scan.pipeline import FramePipeline
from kiosk.scan.sources import open_source, read_image
from tests.helpers.scan_media import CORPUS, folder_of

QRCODE_7 = Path(__file__).parent / "data" / "zxing-qrcode-7"


class Flaky:
    """zxing, but raising on every other call, as pyzbar does on some photos."""

    name = "flaky"

    def __init__(self) -> None:
        self.calls = 0
        self.inner = make_decoder("zxing")

    def decode(self, gray: Gray) -> list[Detection]:
        self.calls += 1
        if self.calls % 2:
            raise ValueError("4294967295 is not a valid ZBarOrientation")
        return self.inner.decode(gray)


def test_scan_loop_counts_failures_and_the_fallback_reads_those_frames(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, "f", ["BADGE-A", "BADGE-B", "BADGE-C", "BADGE-D"])
    clock = ManualClock()
    pipeline = FramePipeline(Flaky())
    seen: list[str] = []
    loop = ScanLoop(open_source(str(folder)), pipeline, Debouncer(clock, 3.0), seen.append, clock)
    summary = loop.run()
    assert summary.frames == 4
    assert seen == ["BADGE-A", "BADGE-B", "BADGE-C", "BADGE-D"]
    # Frames 1 and 3 raised in the flaky decoder: counted, named, and read by the fallback.
    assert summary.decoder_failures == pipeline.failures.total == 2
    assert summary.to_json()["decoder_failures"] == summary.decoder_failures
    assert "flaky failed on" in summary.decoder_failure
    assert "ZBarOrientation" in summary.decoder_failure


def test_a_frame_the_pipeline_cannot_process_gives_no_codes() -> None:
    pipeline = FramePipeline()
    assert pipeline.process(np.zeros((0, 5, 7), np.uint8)) == []
    assert pipeline.failures.total == 1


@pytest.fixture(scope="module")
def pyzbar_available() -> None:
    try:
        make_decoder("pyzbar")
    except Exception as exc:
        pytest.skip(f"pyzbar cannot run here: {exc}")


@pytest.mark.usefixtures("pyzbar_available")
def test_decode_with_pyzbar_on_zxing_qrcode_7_exits_0_with_the_texts() -> None:
    images = sorted(QRCODE_7.glob("*.png"))
    assert len(images) == 2
    expected = {}
    for image in images:
        frame = read_image(image)
        assert frame is not None
        (det,) = FramePipeline(thorough=True).process(frame)
        expected[str(image)] = det.text
    assert expected[str(images[0])].startswith("initrd vs initramfs")
    r = CliRunner().invoke(
        load_commands(), ["decode", "--decoder", "pyzbar", "--json", *map(str, images)]
    )
    assert r.exit_code == 0, r.stderr
    import json

    got = {d["file"]: d["text"] for d in map(json.loads, r.stdout.splitlines())}
    assert got == expected
    assert "warning: pyzbar failed on 2 frames (ValueError:" in r.stderr
    assert "Traceback" not in r.stderr


def test_tiny_webp_images_are_read_with_pillow(tmp_path: Path) -> None:
    for w, h in ((1, 1), (1, 100), (100, 1)):
        path = tmp_path / f"{w}x{h}.webp"
        Image.new("RGB", (w, h), (10, 200, 30)).save(path, lossless=True)
        frame = read_image(path)
        assert frame is not None and frame.shape == (h, w, 3)
        assert tuple(frame[0, 0]) == (30, 200, 10)  # BGR, as OpenCV gives
    (tmp_path / "not-an-image.webp").write_bytes(b"RIFF\x00\x00")
    assert read_image(tmp_path / "not-an-image.webp") is None


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared QR corpus is not here")
def test_decode_command_reads_the_corpus_tiny_webps() -> None:
    images = [CORPUS / "falsepositives-1" / n for n in ("1x1.webp", "1x100.webp")]
    r = CliRunner().invoke(load_commands(), ["decode", *map(str, images)])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""
