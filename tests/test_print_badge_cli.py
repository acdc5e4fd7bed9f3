"""`print-badge` end to end against a private CUPS: one JSON line, exit 0 only when
printed, a failed badge stays printable, a printed one is not printed twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.storage.store import Store
from tests.conftest import REPO
from tests.helpers.cupsd import PrintLab
from tests.helpers.reads import reads

NOW = "2024-11-04T09:05"


def run(db: Path, *args: str) -> tuple[int, dict[str, Any]]:
    res = CliRunner().invoke(load_commands(), ["print-badge", *args, "--db", str(db), "--json",
                                               "--now", NOW, "--cups-server", SERVER[0]])  # fmt: skip
    lines = res.output.strip().splitlines()
    assert len(lines) == 1, res.output
    return res.exit_code, json.loads(lines[0])


def prints(db: Path, ref: str) -> list[dict[str, Any]]:
    store = Store.open(db, readonly=True)
    try:
        a = reads(store).people.find(ref)
        assert a is not None
        return reads(store).people.prints(a.attendee_id)
    finally:
        store.close()


SERVER = [""]


@pytest.fixture
def lab_env(print_lab: PrintLab) -> Iterator[PrintLab]:
    """The lab's server for the commands run in this process: given with --cups-server,
    never through CUPS_SERVER (libcups keeps the first server a thread saw: Qt would see
    the lab's printers in the UI tests that this process runs next)."""
    SERVER[0] = print_lab.server
    yield print_lab
    SERVER[0] = ""


def test_printed_once_then_refused_without_a_reprint(demo_db: Path, lab_env: PrintLab) -> None:
    code, out = run(demo_db, "CTF24-00001", "--printer", "PDF", "--label", "62x100mm")
    assert code == 0, out
    assert out["status"] == "printed" and out["printer"] == "PDF" and out["job_id"] > 0
    assert out["label"] == "62x100mm" and out["message_zh"] == "胸卡已在PDF打印完成"
    [logged] = prints(demo_db, "CTF24-00001")
    assert logged["uuid"] == out["logged"] and logged["badge_id"] == out["badge_id"]

    code, again = run(demo_db, "CTF24-00001", "--printer", "PDF")
    assert code == 3 and again["status"] == "failed" and again["problem"] == "already_printed"
    assert "补打" in again["message_zh"] and len(prints(demo_db, "CTF24-00001")) == 1

    code, reprinted = run(demo_db, "CTF24-00001", "--reprint", "--reason", "lost badge")
    assert code == 0 and reprinted["printer"] == "PDF"  # the default printer
    assert reprinted["badge_id"] != out["badge_id"]
    assert sorted(p["reason"] for p in prints(demo_db, "CTF24-00001")) == [
        "first print",
        "lost badge",
    ]


def test_a_failed_badge_stays_printable(demo_db: Path, lab_env: PrintLab) -> None:
    code, dead = run(demo_db, "CTF24-00002", "--printer", "Dead", "--timeout", "20")
    assert code == 3, dead
    assert (dead["status"], dead["problem"], dead["withdrawn"]) == ("failed", "offline", True)
    assert dead["seconds"] < 20 and dead["message"] == (
        "Dead is offline or cannot be reached (the job was withdrawn: it will not print later)"
    )
    assert prints(demo_db, "CTF24-00002") == []

    code, stalled = run(demo_db, "CTF24-00002", "--printer", "Stall", "--timeout", "2")
    assert code == 5 and stalled["status"] == "timeout" and stalled["problem"] == "no_answer"
    assert prints(demo_db, "CTF24-00002") == []

    code, done = run(demo_db, "CTF24-00002", "--printer", "Zebra", "--label", "4x3in")
    assert code == 0 and done["status"] == "printed"
    assert done["badge_id"] == dead["badge_id"]  # the same badge, not a reprint
    assert len(prints(demo_db, "CTF24-00002")) == 1


def test_cancelled_and_out_of_labels_and_bad_input(demo_db: Path, lab_env: PrintLab) -> None:
    code, out = run(demo_db, "CTF24-00003", "--printer", "NoLabels")
    assert code == 3 and out["problem"] == "out_of_media"
    code, small = run(demo_db, "CTF24-00003", "--label", "30x20mm")
    assert code == 3 and small["problem"] == "label_too_small" and "30×20" in small["message_zh"]
    code, missing = run(demo_db, "CTF24-00003", "--printer", "Nope")
    assert code == 3 and missing["problem"] == "not_found"
    res = CliRunner().invoke(load_commands(), ["print-badge", "CTF24-00003", "--db",
                                               str(demo_db), "--label", "5x3cm"])  # fmt: skip
    assert res.exit_code == 2 and "unknown label '5x3cm'" in res.output
    res = CliRunner().invoke(load_commands(), ["print-badge", "nobody", "--db", str(demo_db)])
    assert res.exit_code == 1 and "no attendee 'nobody'" in res.output
    assert prints(demo_db, "CTF24-00003") == []


def test_print_badge_as_a_process_with_text_output(demo_db: Path, print_lab: PrintLab) -> None:
    env = {**os.environ, "CUPS_SERVER": print_lab.server}
    r = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "print-badge", "CTF24-00004", "--db",
         str(demo_db), "--printer", "Label", "--label", "4x3in-portrait", "--now", NOW],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert (
        r.stdout.startswith("printed (job ")
        and "Badge printed on Label · 胸卡已在Label打印完成" in r.stdout
    )
    assert "Printing the badge on Label" in r.stderr  # the progress line
    r = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "print-badge", "CTF24-00004", "--db",
         str(demo_db), "--json", "--now", NOW],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert r.returncode == 3 and json.loads(r.stdout)["problem"] == "already_printed"


def test_printers_lists_the_default_first_with_its_state(lab_env: PrintLab) -> None:
    res = CliRunner().invoke(load_commands(), ["printers", "--json", "--cups-server", SERVER[0]])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert rows[0]["name"] == "PDF" and rows[0]["default"] and rows[0]["ready"]
    dead = next(r for r in rows if r["name"] == "Dead")
    assert dead["problem"] == "offline" and "离线" in dead["message_zh"]
    text = CliRunner().invoke(load_commands(), ["printers", "--no-probe", "--cups-server",
                                                SERVER[0]]).output  # fmt: skip
    assert text.splitlines()[0].startswith("* PDF") and "Zebra ZPL Label Printer" in text


def test_printers_without_any() -> None:
    # The test process's own CUPS server has no printer.
    res = CliRunner().invoke(load_commands(), ["printers"])
    assert res.exit_code == 0 and "No printer is set up" in res.output
