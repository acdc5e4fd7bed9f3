"""The shared corpus of real QR photos: every code read exactly, nothing read where none is."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.scan.pipeline import FramePipeline
from tests.helpers.scan_media import CORPUS, corpus_false_positives, corpus_items

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared QR corpus is not at {CORPUS}"
)

ITEMS = corpus_items() if CORPUS.is_dir() else []
FALSE = corpus_false_positives() if CORPUS.is_dir() else []


def gray(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"))


@pytest.fixture(scope="module")
def pipeline() -> FramePipeline:
    return FramePipeline(thorough=True)


def test_the_corpus_is_there() -> None:
    assert len(ITEMS) == 82 and len(FALSE) == 21


@pytest.mark.parametrize(
    ("image", "text"), ITEMS, ids=[f"{p.parent.name}/{p.name}" for p, _ in ITEMS]
)
def test_every_corpus_image_decodes_to_its_text(
    pipeline: FramePipeline, image: Path, text: str
) -> None:
    texts = [d.text for d in pipeline.process(gray(image))]
    assert text in texts


@pytest.mark.parametrize("image", FALSE, ids=[p.name for p in FALSE])
def test_no_code_on_images_without_one(pipeline: FramePipeline, image: Path) -> None:
    assert pipeline.process(gray(image)) == []


def test_live_pipeline_reports_nothing_on_false_positive_images() -> None:
    live = FramePipeline(budget_ms=50)
    for image in FALSE:
        assert live.process(gray(image)) == [], image.name
