"""The guard against PySide6 6.12's dropped references to None keeps a process alive."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {repo!r})
    from PySide6.QtWidgets import QApplication, QLabel
    from ui.app.refguard import pin_singletons
    app = QApplication([])
    if sys.argv[1] == "pinned":
        pin_singletons()
    w = QLabel("x")
    for _ in range(40000):
        w.update()
    print("done")
    """
)


def run(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT.format(repo=str(REPO)), mode],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )


def test_pinned_process_survives_many_void_calls() -> None:
    pinned = run("pinned")
    assert pinned.returncode == 0 and "done" in pinned.stdout, pinned.stderr[-500:]


def test_the_binding_bug_is_real_here() -> None:
    # Why the guard exists: unpinned, the same loop aborts on PySide6 6.12.0 / CPython 3.11.
    import PySide6

    if PySide6.__version__ != "6.12.0" or sys.version_info >= (3, 12):
        pytest.skip("measured on PySide6 6.12.0 with CPython 3.11")
    bare = run("bare")
    assert bare.returncode != 0 and "none_dealloc" in bare.stderr
