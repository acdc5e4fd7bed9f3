"""`scan` and `decode` through click's CliRunner: real videos, real databases."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest
from click.testing import CliRunner

from kiosk.cli import scancmd as _scancmd  # noqa: F401  (registers the commands)
from kiosk.cli.common import cli
from kiosk.scan import synth
from kiosk.storage.store import Store
from tests.helpers.reads import reads
from tests.helpers.scan_media import CORPUS, badge_video, demo_people

NOW = "2024-11-04T09:05"  # the forum's day, during the opening's check-in


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, r.stdout, r.stderr


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(x) for x in out.splitlines() if x.strip()]


def admitted_ids(db: Path) -> list[str]:
    store = Store.open(db)
    try:
        return sorted(
            row.attendee.attendee_id for row in reads(store).presence.attendance("opening")
        )
    finally:
        store.close()


def test_scan_of_a_video_checks_each_attendee_in_exactly_once(
    demo_db: Path, tmp_path: Path
) -> None:
    people = demo_people(demo_db, 3)
    ids = [aid for aid, _ in people]
    # A, B, C, then A again (3.5 s after A left the picture: a new scan, already checked in)
    video = badge_video(tmp_path / "badges.mp4", [s for _, s in people] + [people[0][1]])
    code, out, err = run(
        "scan",
        "--db",
        str(demo_db),
        "--session",
        "opening",
        "--source",
        str(video),
        "--now",
        NOW,
        "--station",
        "desk-1",
    )
    assert code == 0, err
    *scans, summary = lines(out)
    assert [(s["attendee_id"], s["outcome"]) for s in scans] == [
        (ids[0], "admitted"),
        (ids[1], "admitted"),
        (ids[2], "admitted"),
        (ids[0], "already_checked_in"),
    ]
    assert all(s["session"] == "opening" and s["station"] == "desk-1" for s in scans)
    assert summary["summary"] is True and summary["end"] == "ended"
    assert summary["codes"] == 4
    assert summary["outcomes"] == {"admitted": 3, "already_checked_in": 1}
    assert summary["frames"] == cv2.VideoCapture(str(video)).get(cv2.CAP_PROP_FRAME_COUNT)
    assert summary["fps"] > 0
    assert admitted_ids(demo_db) == sorted(ids)


def test_a_longer_pause_setting_makes_the_return_the_same_showing(
    demo_db: Path, tmp_path: Path
) -> None:
    people = demo_people(demo_db, 2)
    video = badge_video(tmp_path / "b.mp4", [people[0][1], people[1][1], people[0][1]])
    code, out, _ = run(
        "scan", "--db", str(demo_db), "--session", "opening", "--source", str(video),
        "--now", NOW, "--repeat-after", "10",
    )  # fmt: skip
    assert code == 0
    *_, summary = lines(out)
    assert summary["outcomes"] == {"admitted": 2}


def test_truncated_video_ends_with_a_clear_outcome_and_loses_nothing(
    demo_db: Path, tmp_path: Path
) -> None:
    people = demo_people(demo_db, 4)
    video = badge_video(tmp_path / "full.avi", [s for _, s in people])
    cut = tmp_path / "cut.avi"
    data = video.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.7)])
    code, out, err = run(
        "scan", "--db", str(demo_db), "--session", "opening", "--source", str(cut), "--now", NOW
    )
    assert code == 1
    assert "cut.avi" in err and "truncated" in err and "Traceback" not in err
    *scans, summary = lines(out)
    assert summary["end"] == "failed" and "cut.avi" in str(summary["reason"])
    assert 1 <= len(scans) < 4
    printed = sorted(str(s["attendee_id"]) for s in scans)
    assert admitted_ids(demo_db) == printed  # every check-in made before the cut is on disk


def test_absent_camera_is_retried_then_reported(demo_db: Path) -> None:
    code, out, err = run(
        "scan", "--db", str(demo_db), "--session", "opening", "--source", "9",
        "--give-up-after", "0", "--now", NOW,
    )  # fmt: skip
    assert code == 1
    assert "camera 9" in err and "Traceback" not in err
    assert lines(out)[-1]["end"] == "unavailable"


def test_scan_refuses_an_unknown_session_before_opening_the_source(demo_db: Path) -> None:
    code, _, err = run("scan", "--db", str(demo_db), "--session", "gala", "--source", "9")
    assert code == 1 and "gala" in err


def test_scan_missing_video_is_one_clear_line(demo_db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.mp4"
    code, _, err = run(
        "scan", "--db", str(demo_db), "--session", "opening", "--source", str(missing)
    )
    assert code == 1 and str(missing) in err and len(err.strip().splitlines()) == 1


def write_qr(path: Path, text: str, invert: bool = False) -> Path:
    img = synth.qr_image(text, module_px=6)
    cv2.imwrite(str(path), 255 - img if invert else img)
    return path


def test_decode_prints_file_tab_text(tmp_path: Path) -> None:
    a = write_qr(tmp_path / "a.png", "FC1:HELLO WORLD")
    b = write_qr(tmp_path / "b.png", "line one\nline\ttwo", invert=True)
    empty = tmp_path / "empty.png"
    cv2.imwrite(str(empty), synth.empty_set(1, 320, 240)[0])
    code, out, _ = run("decode", str(a), str(empty), str(b))
    assert code == 0
    assert out.splitlines() == [f"{a}\tFC1:HELLO WORLD", f"{b}\tline one\\nline\\ttwo"]


@pytest.mark.parametrize("decoder", ["zxing", "pyzbar", "opencv"])
def test_decode_json_with_each_decoder(tmp_path: Path, decoder: str) -> None:
    a = write_qr(tmp_path / "a.png", "https://example.com/badge")
    code, out, _ = run("decode", "--decoder", decoder, "--json", str(a))
    assert code == 0
    (obj,) = lines(out)
    assert obj["file"] == str(a) and obj["text"] == "https://example.com/badge"
    assert len(obj["corners"]) == 4


def test_decode_reports_unreadable_files_and_decodes_the_others(tmp_path: Path) -> None:
    a = write_qr(tmp_path / "a.png", "FC1:OK")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"nope")
    code, out, err = run("decode", str(bad), str(tmp_path / "missing.png"), str(a))
    assert code == 1
    assert out.splitlines() == [f"{a}\tFC1:OK"]
    assert "bad.png" in err and "missing.png" in err and "Traceback" not in err


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared QR corpus is not at {CORPUS}")
def test_decode_on_corpus_photos() -> None:
    img = CORPUS / "qrcode-2" / "28.webp"  # one zxing-cpp alone does not read
    fp = CORPUS / "falsepositives-1" / "01.webp"
    code, out, _ = run("decode", str(img), str(fp))
    assert code == 0
    assert out.splitlines() == [f"{img}\thttp://www.webtech.co.jp/k/"]
