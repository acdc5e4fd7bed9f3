"""`python -m tools.screenshots.printlab`: the tests' private CUPS with its printers (PDF,
Label, Zebra, DYMO, QL, Dead, Stall, NoLabels), for the real-window printing screenshots.
Prints `CUPS_SERVER=…` and `CUPS_SERVERROOT=…` lines, runs until SIGTERM or SIGINT.
Nothing of the machine's own CUPS is used or touched.
"""

from __future__ import annotations

import signal
import sys
import threading


def main() -> int:
    from tests.helpers.cupsd import PrintLab

    lab = PrintLab.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    try:
        print(f"CUPS_SERVER={lab.server}", flush=True)
        print(f"CUPS_SERVERROOT={lab.cups.dir / 'etc'}", flush=True)
        done.wait()
    finally:
        lab.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
